//! The cross-language tamper sweep: every single-bit flip (bits 0-6 of each character) and every
//! truncation of every valid token in `native-v1.json` and `fe26.json` (one-iteration cases;
//! 8192 iterations would cost a PBKDF2 per mutation) is unsealed through the Sealer, and each
//! outcome line is folded into a 64-bit FNV-1a digest. `tests/vectors/tamper.json` records the
//! counts and digests; the C, Python and Node runners recompute them, so every language must give
//! exactly the same code for every mutation. `tamper_sweep.rs` checks which codes are right.

mod common;

use serde_json::{Value, json};

const FILE: &str = "tamper.json";
const SOURCES: [&str; 2] = ["native-v1.json", "fe26.json"];

/// Whether a valid case takes part: one-iteration Fe26.2 or native.
fn swept(case: &Value) -> bool {
    let options = &case["options"];
    let format = options["format"].as_str().unwrap_or("native");
    case["result"] == "valid"
        && format != "h3-v2"
        && options["iterations"].as_u64().unwrap_or(1) == 1
}

/// Every mutation of `token`: (kind, position, bit, text).
fn mutations(token: &str) -> Vec<(&'static str, usize, u8, Vec<u8>)> {
    let text = token.as_bytes();
    let mut out = Vec::new();
    for index in 0..text.len() {
        for bit in 0..7u8 {
            let mut flipped = text.to_vec();
            flipped[index] ^= 1 << bit;
            out.push(("flip", index, bit, flipped));
        }
    }
    for length in 0..text.len() {
        out.push(("cut", length, 0, text[..length].to_vec()));
    }
    out
}

/// What unsealing `text` gives: the error name, `OK` with the same payload, or `OK-OTHER`.
fn outcome(sealer: &polyseal::Sealer, text: &[u8], case: &Value) -> String {
    let text = std::str::from_utf8(text).expect("flips of ASCII below bit 7 stay ASCII");
    match sealer.unseal_at(text, case["now"].as_u64().unwrap()) {
        Err(error) => error.code().name().to_owned(),
        Ok(opened) => {
            let expected: Value = serde_json::from_str(case["payload"].as_str().unwrap()).unwrap();
            if opened.value == expected {
                "OK"
            } else {
                "OK-OTHER"
            }
            .to_owned()
        }
    }
}

fn sweep(file: &str) -> Value {
    let document = common::load(file);
    let (mut cases, mut count, mut accepted, mut digest) = (0, 0u64, 0u64, common::FNV_OFFSET);
    for case in document["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| swept(c))
    {
        cases += 1;
        let sealer = common::sealer_from_case(&document["keyrings"], case).unwrap();
        for (kind, position, bit, text) in mutations(case["token"].as_str().unwrap()) {
            let result = outcome(&sealer, &text, case);
            assert_ne!(
                result, "OK-OTHER",
                "{file} tcId {} {kind} {position}/{bit}",
                case["tcId"]
            );
            accepted += u64::from(result == "OK");
            let line = format!("{}:{kind}:{position}:{bit}:{result}\n", case["tcId"]);
            digest = common::fnv1a64(line.as_bytes(), digest);
            count += 1;
        }
    }
    json!({"cases": cases, "mutations": count, "accepted": accepted, "digest": format!("{digest:016x}")})
}

#[test]
fn tamper_digests_are_current() {
    let files: serde_json::Map<String, Value> = SOURCES
        .iter()
        .map(|file| ((*file).to_owned(), sweep(file)))
        .collect();
    let document = json!({
        "file": "tamper",
        "description": "Outcome digests of the tamper sweep over the valid one-iteration tokens of native-v1.json and fe26.json. For each swept case in file order, and for each mutation in order (for every character index i, for bits 0..=6: the token with byte i XOR (1 << bit), kind \"flip\", position i; then every prefix token[0..n] for n in 0..len, kind \"cut\", position n, bit 0), unseal with the case's keyring, options and now; the outcome is the error name, or OK when it opens to the case's payload. The line \"<tcId>:<kind>:<position>:<bit>:<outcome>\\n\" is folded into 64-bit FNV-1a (offset 0xcbf29ce484222325, prime 0x100000001b3); digest is its lowercase hex. Swept cases: result valid, format not h3-v2, iterations 1 or absent. accepted counts OK outcomes (iron-session suffix bytes and the unused HMAC salt of a raw-key integrity secret are not authenticated).",
        "generator": format!("polyseal {}", polyseal::VERSION),
        "numberOfTests": files.len(),
        "files": files,
    });
    common::check_or_write(FILE, &document);
}
