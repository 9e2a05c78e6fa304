/// The ABI version of this header: see "ABI policy" at the top of the header. It changes on every
/// incompatible change (a removed or changed function, type or constant) and names the shared
/// library (`libpolyseal.so.<ABI>`); compatible additions keep it.
pub const POLYSEAL_ABI_VERSION: u32 = 1;
