//! The native half of the `polyseal` Python package (`polyseal._native`).
//!
//! Thin by design: every behaviour lives in the `polyseal` crate; this crate converts Python
//! values to core types (JSON values, milliseconds, keyrings) and core errors to the exception
//! classes of `polyseal/_errors.py`. The public API is `polyseal/__init__.py`.

mod convert;
mod errors;
mod keyring;
mod sealer;
mod time;

use polyseal::{ErrorCode, Format};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("__version__", polyseal::VERSION)?;
    let codes = PyDict::new(py);
    for code in ErrorCode::ALL {
        codes.set_item(code.name(), code.number())?;
    }
    module.add("ERROR_CODES", codes)?;
    module.add(
        "FORMATS",
        PyTuple::new(py, Format::ALL.iter().map(|format| format.name()))?,
    )?;
    module.add_class::<keyring::Keyring>()?;
    module.add_class::<sealer::Sealer>()?;
    module.add_class::<sealer::Unsealed>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_package_version_is_the_core_version() {
        assert_eq!(env!("CARGO_PKG_VERSION"), polyseal::VERSION);
    }
}
