//! The native half of the `polyseal` Python package (`polyseal._native`).
//!
//! Thin by design: every behaviour lives in the `polyseal` crate; this crate converts Python
//! values to core types (JSON values, milliseconds, keyrings) and core errors to the exception
//! classes of `polyseal/_errors.py`. The public API is `polyseal/__init__.py`.

mod convert;
mod cookie;
mod errors;
mod keyring;
mod sealer;
mod session;
mod time;

use polyseal::cookie::{
    ChunkScheme, CookieStyle, DEFAULT_COOKIE_HEADER_LIMIT, MAX_SET_COOKIE_BYTES,
};
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
    module.add(
        "COOKIE_STYLES",
        PyTuple::new(py, CookieStyle::ALL.iter().map(|style| style.name()))?,
    )?;
    module.add(
        "CHUNK_SCHEMES",
        PyTuple::new(py, ChunkScheme::ALL.iter().map(|scheme| scheme.name()))?,
    )?;
    module.add("MAX_SET_COOKIE_BYTES", MAX_SET_COOKIE_BYTES)?;
    module.add("DEFAULT_COOKIE_HEADER_LIMIT", DEFAULT_COOKIE_HEADER_LIMIT)?;
    module.add_class::<cookie::CookieOptions>()?;
    module.add_class::<cookie::ChunkState>()?;
    module.add_function(wrap_pyfunction!(cookie::set_cookie, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::delete_cookie, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::parse_cookie_header, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::chunk_state, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::chunk_set_cookies, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::chunk_deletion_cookies, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::reassemble, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::cookie_header_budget, module)?)?;
    module.add_function(wrap_pyfunction!(cookie::imf_fixdate, module)?)?;
    module.add_class::<session::SessionManager>()?;
    module.add_class::<session::Session>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_package_version_is_the_core_version() {
        assert_eq!(env!("CARGO_PKG_VERSION"), polyseal::VERSION);
    }
}
