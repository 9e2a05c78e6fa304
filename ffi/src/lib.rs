//! The C ABI of polyseal: `include/polyseal.h` is generated from this crate by cbindgen.
//!
//! Every export is a literal `#[unsafe(no_mangle)] pub extern "C" fn` (so cbindgen sees it) whose
//! body runs inside the panic boundary of [`boundary`]. The contract the header states at its top
//! (naming, status codes, ownership, NULL handling, thread safety, ABI policy) is kept here:
//! handles are boxed Rust values behind opaque pointers, builders are `T *`, built objects are
//! `const T *` and `Send + Sync`, and every failure is core's error code as an `int32_t`.

#![allow(non_camel_case_types)]

mod abi;
mod boundary;
mod buf;
mod cookie;
mod cookie_list;
mod cookie_options;
mod keyring;
mod options;
mod sealer;
mod session;
mod session_config;
mod status;
mod version;

pub use abi::POLYSEAL_ABI_VERSION;
pub use buf::*;
pub use cookie::*;
pub use cookie_list::*;
pub use cookie_options::*;
pub use keyring::*;
pub use options::*;
pub use sealer::*;
pub use session::*;
pub use session_config::*;
pub use status::*;
pub use version::*;
