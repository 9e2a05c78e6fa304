//! One keyring shared by eight threads: every seal opens to its own value, every thread reads
//! the same shared token identically, no operation fails, and no two seals share a nonce.
//!
//! Two runs: 8 x 100 000 native seal-and-open pairs (about 5 s in the test profile, 2.2 s in
//! release, on two cores), and a shorter run of 8 x 5 000 native pairs then 8 x 500 h3-v1 pairs
//! (`POLYSEAL_CONCURRENCY_OPS` sets the native count; h3-v1 runs a tenth of it).

use std::collections::HashSet;
use std::sync::Barrier;

use polyseal::{Format, Keyring, Sealer, SealerOptions, b64};
use serde_json::json;

const NOW: u64 = 1_764_000_000_000;
const THREADS: usize = 8;

fn shared_sealer(format: Format) -> Sealer {
    let keyring = Keyring::builder()
        .password("k2", "concurrency-password-k2-0123456789abcdef")
        .password("k1", "concurrency-password-k1-0123456789abcdef")
        .build()
        .unwrap();
    let options = SealerOptions {
        ttl_ms: Some(3_600_000),
        cookie_name: if format == Format::Native {
            "session".to_owned()
        } else {
            String::new()
        },
        ..SealerOptions::default()
    };
    Sealer::with_options(keyring, format, options).unwrap()
}

/// Runs `ops` seal + unseal pairs on each of eight threads sharing one sealer (and so one
/// keyring); returns every token sealed.
fn hammer(format: Format, ops: usize) -> Vec<String> {
    let sealer = shared_sealer(format);
    let shared_value = json!({"shared": true, "roles": ["a", "b"]});
    let shared_token = sealer.seal_at(&shared_value, NOW).unwrap();
    let expected = sealer.unseal_at(&shared_token, NOW).unwrap();
    let barrier = Barrier::new(THREADS);
    let per_thread: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|thread| {
                let (sealer, barrier) = (&sealer, &barrier);
                let (shared_token, expected) = (&shared_token, &expected);
                scope.spawn(move || {
                    let mut errors = 0;
                    let mut tokens = Vec::with_capacity(ops);
                    barrier.wait();
                    for op in 0..ops {
                        let value = json!({"thread": thread, "op": op});
                        let outcome = sealer.seal_at(&value, NOW).and_then(|token| {
                            let opened = sealer.unseal_at(&token, NOW)?;
                            tokens.push(token);
                            Ok(opened.value)
                        });
                        if outcome.as_ref().ok() != Some(&value) {
                            errors += 1;
                        }
                        if op % 16 == 0
                            && sealer.unseal_at(shared_token, NOW).ok().as_ref() != Some(expected)
                        {
                            errors += 1;
                        }
                    }
                    (errors, tokens)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let errors: usize = per_thread.iter().map(|(errors, _)| errors).sum();
    assert_eq!(errors, 0, "{format}: operations failed or differed");
    per_thread
        .into_iter()
        .flat_map(|(_, tokens)| tokens)
        .collect()
}

/// The 24-byte nonce of a native token (after version, id length, id, iat and exp).
fn native_nonce(token: &str) -> Vec<u8> {
    let bytes = b64::decode(token, "token").unwrap();
    let start = 2 + usize::from(bytes[1]) + 16;
    bytes[start..start + 24].to_vec()
}

fn native_run(ops: usize) {
    let tokens = hammer(Format::Native, ops);
    assert_eq!(tokens.len(), THREADS * ops);
    let nonces: HashSet<Vec<u8>> = tokens.iter().map(|t| native_nonce(t)).collect();
    assert_eq!(
        nonces.len(),
        tokens.len(),
        "a nonce repeated across threads"
    );
}

fn ops_from_env(default: usize) -> usize {
    std::env::var("POLYSEAL_CONCURRENCY_OPS")
        .ok()
        .and_then(|ops| ops.parse().ok())
        .unwrap_or(default)
}

#[test]
fn eight_threads_share_one_keyring() {
    native_run(ops_from_env(5_000));
    // Fe26.2 (h3-v1: one PBKDF2 iteration) through the same shared keyring.
    let tokens = hammer(Format::H3V1, ops_from_env(5_000) / 10);
    let fields: HashSet<&str> = tokens
        .iter()
        .map(|t| t.split('*').nth(3).unwrap())
        .collect();
    assert_eq!(fields.len(), tokens.len(), "an IV repeated across threads");
}

#[test]
fn eight_threads_100k_operations_each() {
    let started = std::time::Instant::now();
    native_run(100_000);
    eprintln!(
        "8 threads x 100 000 native seal+unseal pairs: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
