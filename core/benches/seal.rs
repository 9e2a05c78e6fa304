//! Side-by-side micro-benchmarks of the Rust core and its Rust peers on the shared payloads
//! (`make bench`; `tests/bench/report.py` turns the results into `docs/BENCHMARKS.md`).
//!
//! Every row starts from the same parsed session value and ends with the same kind of thing,
//! so the figures compare: seal = value → JSON → encrypt → base64 text; unseal = text → decode →
//! decrypt → parsed value.
//!
//! - `native_*`: polyseal's native v1 format (XAES-256-GCM), bound to a cookie name, with a ttl.
//! - `privatejar_*`: the `cookie` crate's PrivateJar (AES-256-GCM, cookie name as AAD):
//!   `private_mut().add` and `private().get`, plus the JSON step the jar leaves to its caller.
//! - `floor_*`: the least any AEAD cookie can do: a ready AES-256-GCM key, a random 96-bit
//!   nonce, serde_json and base64url, nothing else (no header, no expiry, no key id).
//! - `json_*`: serde_json alone, to see how much of each row is JSON.
//! - `native_getpid_*`: native seals again with the fork check a platform without the fork
//!   sentinel makes (a `getpid` per seal instead of a memory load). They run last: the switch
//!   holds for the rest of the process.

mod common;

use common::{COOKIE_NAME, Floor, NOW, TTL_MS, inputs, private_jar_seal, private_jar_unseal};
use cookie::{Cookie, CookieJar, Key, SameSite};
use criterion::{Criterion, criterion_group, criterion_main};
use polyseal::cookie::{CookieOptions, CookieStyle, set_cookie};
use polyseal::native::{self, NativeOptions};
use polyseal::{Keyring, Value, rng};
use std::hint::black_box;

fn seal_unseal(c: &mut Criterion) {
    let inputs = inputs();
    let keyring = Keyring::from_password(&inputs.password).unwrap();
    let options = NativeOptions {
        ttl_ms: Some(TTL_MS),
        ..NativeOptions::for_cookie(COOKIE_NAME)
    };
    let mut master = [0u8; 64];
    rng::fill(&mut master).unwrap();
    let jar_key = Key::from(&master);
    let floor = Floor::new(rng::array().unwrap());

    for (name, text) in &inputs.payloads {
        let value: Value = serde_json::from_str(text).unwrap();
        let mut group = c.benchmark_group(format!("rust_{name}"));

        let token = native::seal_at(&value, &keyring, &options, NOW).unwrap();
        assert_eq!(
            native::unseal_at(&token, &keyring, &options, NOW)
                .unwrap()
                .value,
            value
        );
        group.bench_function("native_seal", |b| {
            b.iter(|| native::seal_at(black_box(&value), &keyring, &options, NOW).unwrap())
        });
        group.bench_function("native_seal_json", |b| {
            b.iter(|| native::seal_json_at(black_box(text), &keyring, &options, NOW).unwrap())
        });
        group.bench_function("native_unseal", |b| {
            b.iter(|| native::unseal_at(black_box(&token), &keyring, &options, NOW).unwrap())
        });

        let mut jar = CookieJar::new();
        private_jar_seal(&mut jar, &jar_key, &value);
        assert_eq!(private_jar_unseal(&jar, &jar_key), value);
        group.bench_function("privatejar_seal", |b| {
            b.iter(|| private_jar_seal(&mut jar, &jar_key, black_box(&value)))
        });
        group.bench_function("privatejar_unseal", |b| {
            b.iter(|| private_jar_unseal(black_box(&jar), &jar_key))
        });

        let token = floor.seal(&value);
        assert_eq!(floor.unseal(&token), value);
        group.bench_function("floor_seal", |b| b.iter(|| floor.seal(black_box(&value))));
        group.bench_function("floor_unseal", |b| {
            b.iter(|| floor.unseal(black_box(&token)))
        });

        group.bench_function("json_stringify", |b| {
            b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
        });
        group.bench_function("json_parse", |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(text)).unwrap())
        });
        group.finish();
    }
}

fn set_cookie_lines(c: &mut Criterion) {
    let inputs = inputs();
    let token = inputs.set_cookie_token.as_str();
    let mut group = c.benchmark_group("set_cookie");
    // The attributes every ecosystem's row builds: iron-session's defaults.
    group.bench_function("cookie", |b| {
        b.iter(|| {
            Cookie::build((COOKIE_NAME, black_box(token)))
                .path("/")
                .http_only(true)
                .secure(true)
                .same_site(SameSite::Lax)
                .max_age(cookie::time::Duration::seconds(1_209_540))
                .build()
                .to_string()
        })
    });
    // The same attributes in iron-session's style (which writes what iron-session writes).
    let options = CookieOptions {
        max_age: Some(1_209_540),
        ..CookieOptions::secure_defaults()
    };
    group.bench_function("polyseal", |b| {
        b.iter(|| {
            set_cookie(
                COOKIE_NAME,
                black_box(token),
                &options,
                CookieStyle::IronSession,
            )
            .unwrap()
        })
    });
    group.finish();
}

/// Native seals with the fork check by process id, as where no fork sentinel exists. Must run
/// after every other group (the switch is for good).
fn seal_with_process_id_check(c: &mut Criterion) {
    rng::check_forks_by_process_id();
    assert!(!rng::fork_sentinel_in_use());
    let inputs = inputs();
    let keyring = Keyring::from_password(&inputs.password).unwrap();
    let options = NativeOptions {
        ttl_ms: Some(TTL_MS),
        ..NativeOptions::for_cookie(COOKIE_NAME)
    };
    for (name, text) in &inputs.payloads {
        let value: Value = serde_json::from_str(text).unwrap();
        let mut group = c.benchmark_group(format!("rust_{name}"));
        group.bench_function("native_getpid_seal", |b| {
            b.iter(|| native::seal_at(black_box(&value), &keyring, &options, NOW).unwrap())
        });
        group.bench_function("native_getpid_seal_json", |b| {
            b.iter(|| native::seal_json_at(black_box(text), &keyring, &options, NOW).unwrap())
        });
        group.finish();
    }
}

criterion_group!(
    benches,
    seal_unseal,
    set_cookie_lines,
    seal_with_process_id_check
);
criterion_main!(benches);
