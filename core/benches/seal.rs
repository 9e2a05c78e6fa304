//! Micro-benchmarks of the Rust core on the shared payloads (`make bench`).

use criterion::{Criterion, criterion_group, criterion_main};
use polyseal::native::{self, NativeOptions};
use polyseal::{Keyring, Value};
use std::hint::black_box;

const PASSWORD: &str = "bench-only-password-0123456789-abcdefghijklmnop";
const PAYLOAD_A: &str = r#"{"id":"6f1c2a9e-3b7d-4e21-9a8f-0c5d7e4b2a13","createdAt":1764000000000,"data":{"userId":12345,"theme":"dark","roles":["admin","editor"]}}"#;
const NOW: u64 = 1_764_000_000_000;

fn native_payload_a(c: &mut Criterion) {
    let keyring = Keyring::from_password(PASSWORD).unwrap();
    let options = NativeOptions {
        ttl_ms: Some(3_600_000),
        ..NativeOptions::for_cookie("session")
    };
    let value: Value = serde_json::from_str(PAYLOAD_A).unwrap();
    let token = native::seal_at(&value, &keyring, &options, NOW).unwrap();
    c.bench_function("native v1 seal, payload A", |b| {
        b.iter(|| native::seal_at(black_box(&value), &keyring, &options, NOW).unwrap())
    });
    c.bench_function("native v1 unseal, payload A", |b| {
        b.iter(|| native::unseal_at(black_box(&token), &keyring, &options, NOW).unwrap())
    });
}

criterion_group!(benches, native_payload_a);
criterion_main!(benches);
