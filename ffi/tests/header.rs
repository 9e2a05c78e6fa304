//! Keeps `include/polyseal.h` in step with the exports: regenerating it with the pinned cbindgen
//! must give the committed file (`POLYSEAL_WRITE_HEADER=1` rewrites it), and its constants must
//! match core's error table and Cargo's version.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polyseal::ErrorCode;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../include/polyseal.h")
}

/// The version macros: cbindgen cannot export string constants, so they are written here from
/// Cargo's version, and a version bump shows up as header drift.
fn version_macros() -> String {
    let macro_ = |name: &str, what: &str, value: &str| {
        format!(
            "/**\n * {what} of the polyseal release this header belongs to.\n */\n\
             #define POLYSEAL_VERSION_{name} {value}"
        )
    };
    [
        macro_("MAJOR", "Major version", env!("CARGO_PKG_VERSION_MAJOR")),
        macro_("MINOR", "Minor version", env!("CARGO_PKG_VERSION_MINOR")),
        macro_("PATCH", "Patch version", env!("CARGO_PKG_VERSION_PATCH")),
        macro_(
            "STRING",
            "The version, as \"MAJOR.MINOR.PATCH\",",
            &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        ),
    ]
    .join("\n\n")
}

fn generate() -> String {
    let dir = crate_dir();
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(format!("\n{}", version_macros()));
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

fn committed() -> String {
    std::fs::read_to_string(header_path()).expect("include/polyseal.h exists")
}

/// Every `#define NAME VALUE` of the header.
fn defines(header: &str) -> BTreeMap<String, String> {
    header
        .lines()
        .filter_map(|line| line.strip_prefix("#define "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
        .collect()
}

#[test]
fn committed_header_matches_the_generator() {
    let fresh = generate();
    if std::env::var("POLYSEAL_WRITE_HEADER").as_deref() == Ok("1") {
        std::fs::write(header_path(), &fresh).expect("write the header");
        return;
    }
    let committed = committed();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(fresh.lines().count()), |i| i)
            + 1;
        panic!(
            "{} is out of date (first difference at line {line}); run `make -C ffi header`",
            Path::new("include/polyseal.h").display()
        );
    }
}

#[test]
fn status_constants_are_exactly_cores_error_table() {
    let header = committed();
    let statuses: BTreeMap<String, i32> = defines(&header)
        .into_iter()
        .filter_map(|(name, value)| {
            let name = name.strip_prefix("POLYSEAL_STATUS_")?.to_owned();
            Some((name, value.parse().expect("a status is an integer")))
        })
        .collect();
    let mut expected: BTreeMap<String, i32> = ErrorCode::ALL
        .iter()
        .map(|code| (code.name().to_owned(), code.number()))
        .collect();
    expected.insert("OK".to_owned(), 0);
    assert_eq!(statuses, expected);
    assert!(header.contains("typedef int32_t polyseal_status;"));
}

#[test]
fn version_macros_match_cargo() {
    let defines = defines(&committed());
    let get = |name: &str| {
        defines
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(
        get("POLYSEAL_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        get("POLYSEAL_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        get("POLYSEAL_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(
        get("POLYSEAL_VERSION_STRING"),
        &format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(env!("CARGO_PKG_VERSION"), polyseal::VERSION);
    let abi: u32 = get("POLYSEAL_ABI_VERSION").parse().expect("an integer");
    assert!(abi >= 1);
}

#[test]
fn header_states_the_contract() {
    let header = committed();
    for section in ["API conventions", "Thread safety", "ABI policy"] {
        assert!(header.contains(section), "the header lacks \"{section}\"");
    }
    assert!(header.contains("#ifdef __cplusplus"), "no C++ guard");
}
