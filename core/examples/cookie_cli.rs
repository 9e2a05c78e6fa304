//! Answers cookie requests for the peer checks in `tests/peers-cookies`.
//!
//! Reads one JSON case per line on stdin, in the format of `tests/vectors/cookies.json`
//! (`{"op": "set-cookie", "name": ..., "style": ..., "options": {...}}`, see `docs/VECTORS.md`),
//! and writes one JSON answer per line on stdout: `{"result", "error", "message"?, <outputs>}`.

#[path = "../tests/support/cookie_cases.rs"]
mod cookie_cases;

use std::io::{BufRead, Write};

use polyseal::Value;

fn main() -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(case) => cookie_cases::run(&case),
            Err(error) => serde_json::json!({
                "result": "invalid",
                "error": "INVALID_ARGUMENT",
                "message": format!("the request is not JSON: {error}"),
            }),
        };
        writeln!(stdout, "{answer}")?;
        stdout.flush()?;
    }
    Ok(())
}
