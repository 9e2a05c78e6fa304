//! Gives the shared library an soname carrying the ABI version, so programs linked against one
//! ABI never load a library of another.

include!("src/abi.rs");

fn main() {
    println!("cargo::rerun-if-changed=src/abi.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-cdylib-link-arg=-Wl,-soname,libpolyseal.so.{POLYSEAL_ABI_VERSION}");
    }
}
