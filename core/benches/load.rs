//! What criterion does not measure: token sizes, ratios from interleaved batch pairs,
//! two-thread scaling, resident memory over a million seal/unseal cycles, and the Fe26.2
//! derived-key cache (h3-v2 cookies read again and again, with and without it), and last the
//! native pairs again with the fork check by `getpid`, as where no fork sentinel exists. Prints one JSON object
//! (`make bench` stores it for `tests/bench/report.py`).
//!
//! - `cargo bench -p polyseal --bench load -- --bench`: the full measurement.
//! - without `--bench` (as `cargo test --all-targets` runs it): a quick smoke pass.
//! - `load profile OP N [A|B]`: N operations on one payload (default A) and nothing else, for
//!   `valgrind --tool=callgrind` or `perf record`; OP is `seal`, `seal-json` or `unseal`
//!   (native), `floor-seal`, `floor-unseal`, `privatejar-seal`, `privatejar-unseal`, or an
//!   Fe26.2 operation: `h3v1-seal`, `h3v1-unseal`, `h3v2-seal`, `h3v2-unseal` (the same cookie
//!   every time, as a browser sends it), `h3v2-seal-reuse` (with a one-minute salt-reuse window).

mod common;

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::{COOKIE_NAME, Floor, NOW, TTL_MS, inputs, private_jar_seal, private_jar_unseal};
use cookie::{CookieJar, Key};
use polyseal::iron::{self, IronOptions, Profile};
use polyseal::native::{self, NativeOptions};
use polyseal::{Keyring, Value, rng};
use serde_json::json;

struct Setup {
    keyring: Keyring,
    options: NativeOptions,
    values: Vec<(&'static str, Value)>,
}

fn setup() -> Setup {
    let inputs = inputs();
    Setup {
        keyring: Keyring::from_password(&inputs.password).unwrap(),
        options: NativeOptions {
            ttl_ms: Some(TTL_MS),
            ..NativeOptions::for_cookie(COOKIE_NAME)
        },
        values: inputs
            .payloads
            .iter()
            .map(|(name, text)| (*name, serde_json::from_str(text).unwrap()))
            .collect(),
    }
}

/// One native seal followed by one unseal of the new token.
fn native_cycle(setup: &Setup, value: &Value) {
    let token = native::seal_at(black_box(value), &setup.keyring, &setup.options, NOW).unwrap();
    black_box(native::unseal_at(&token, &setup.keyring, &setup.options, NOW).unwrap());
}

fn token_sizes(setup: &Setup) -> Value {
    let mut master = [0u8; 64];
    rng::fill(&mut master).unwrap();
    let jar_key = Key::from(&master);
    let floor = Floor::new(rng::array().unwrap());
    let mut sizes = serde_json::Map::new();
    for (name, value) in &setup.values {
        let native = native::seal_at(value, &setup.keyring, &setup.options, NOW).unwrap();
        let mut jar = CookieJar::new();
        private_jar_seal(&mut jar, &jar_key, value);
        let jar_value = jar.get(COOKIE_NAME).unwrap().value().len();
        sizes.insert(
            (*name).to_owned(),
            json!({
                "payload": serde_json::to_string(value).unwrap().len(),
                "native": native.len(),
                "privatejar": jar_value,
                "floor": floor.seal(value).len(),
            }),
        );
    }
    Value::Object(sizes)
}

/// Cycles each of `threads` threads completes in `window`, all sharing `setup`.
fn cycles_in_window<F>(threads: usize, window: Duration, work: &Arc<F>) -> u64
where
    F: Fn() + Send + Sync + 'static,
{
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let work = Arc::clone(work);
            thread::spawn(move || {
                barrier.wait();
                let start = Instant::now();
                let mut count = 0u64;
                while start.elapsed() < window {
                    for _ in 0..64 {
                        work();
                    }
                    count += 64;
                }
                count
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Total cycles per second with one thread and with two, in alternating rounds so drift in
/// the machine's load hits both alike.
fn scaling<F>(work: F, rounds: usize, window: Duration) -> Value
where
    F: Fn() + Send + Sync + 'static,
{
    let work = Arc::new(work);
    cycles_in_window(1, window / 4, &work);
    let mut one = Vec::new();
    let mut two = Vec::new();
    for _ in 0..rounds {
        one.push(cycles_in_window(1, window, &work) as f64 / window.as_secs_f64());
        two.push(cycles_in_window(2, window, &work) as f64 / window.as_secs_f64());
    }
    let ratios: Vec<f64> = one.iter().zip(&two).map(|(a, b)| b / a).collect();
    let one_median = median(&mut one.clone());
    let two_median = median(&mut two.clone());
    json!({
        "rounds": rounds,
        "window_s": window.as_secs_f64(),
        "one_thread_ops_per_s": one,
        "two_threads_ops_per_s": two,
        "one_thread_median": one_median,
        "two_threads_median": two_median,
        "ratio": two_median / one_median,
        "ratio_per_round": ratios,
    })
}

thread_local! {
    static COOKIE_CURSOR: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The index of this thread's next cookie of `count`; each thread starts `count / 2` apart
/// from the previous one, so two threads read different cookies at any moment.
fn next_cookie(threads_started: &std::sync::atomic::AtomicUsize, count: usize) -> usize {
    COOKIE_CURSOR.with(|cursor| {
        let at = cursor.get().unwrap_or_else(|| {
            let thread = threads_started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            thread * (count / 2)
        });
        cursor.set(Some(at + 1));
        at % count
    })
}

/// Resident set size in KiB, from the kernel's own accounting.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Nanoseconds per call of `op` over `n` calls.
fn batch_ns(op: &mut dyn FnMut(), n: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

/// Calls of `op` that take about `target`.
fn calibrate(op: &mut dyn FnMut(), target: Duration) -> u64 {
    let mut n = 1;
    loop {
        let ns = batch_ns(op, n) * n as f64;
        if ns >= target.as_nanos() as f64 / 4.0 {
            return ((n as f64 * target.as_nanos() as f64 / ns).ceil() as u64).max(1);
        }
        n *= 2;
    }
}

fn quartiles(values: &mut [f64]) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

/// Time of `ours` ÷ time of `theirs`, from `rounds` pairs of back-to-back batches (order
/// alternating): a slow spell on a shared machine hits both halves of a pair alike, so the
/// ratio holds up where separate medians taken minutes apart do not.
fn paired(
    ours: &mut dyn FnMut(),
    theirs: &mut dyn FnMut(),
    rounds: usize,
    batch: Duration,
) -> Value {
    let (n_ours, n_theirs) = (calibrate(ours, batch), calibrate(theirs, batch));
    let mut ratios = Vec::with_capacity(rounds);
    let mut ours_ns = Vec::with_capacity(rounds);
    let mut theirs_ns = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (a, b) = if round % 2 == 0 {
            let a = batch_ns(ours, n_ours);
            (a, batch_ns(theirs, n_theirs))
        } else {
            let b = batch_ns(theirs, n_theirs);
            (batch_ns(ours, n_ours), b)
        };
        ratios.push(a / b);
        ours_ns.push(a);
        theirs_ns.push(b);
    }
    let [p25, median, p75] = quartiles(&mut ratios);
    // Other work on the machine only ever adds time to a batch: the fastest batch of each side
    // is the least disturbed estimate of its cost.
    let ours_min = ours_ns.iter().copied().fold(f64::INFINITY, f64::min);
    let theirs_min = theirs_ns.iter().copied().fold(f64::INFINITY, f64::min);
    json!({
        "rounds": rounds,
        "ratio_median": median,
        "ratio_p25": p25,
        "ratio_p75": p75,
        "ours_median_ns": quartiles(&mut ours_ns)[1],
        "theirs_median_ns": quartiles(&mut theirs_ns)[1],
        "ours_min_ns": ours_min,
        "theirs_min_ns": theirs_min,
        "ratio_of_mins": ours_min / theirs_min,
    })
}

/// polyseal native against the PrivateJar and the floor, seal and unseal, payloads A and B.
/// The same pairs with the fork check by process id, as where no fork sentinel exists: a
/// seal's check is then a `getpid` system call instead of a memory load.
fn paired_with_process_id_check(setup: &Setup, rounds: usize, batch: Duration) -> Value {
    rng::check_forks_by_process_id();
    assert!(!rng::fork_sentinel_in_use());
    paired_ratios(setup, rounds, batch)
}

fn paired_ratios(setup: &Setup, rounds: usize, batch: Duration) -> Value {
    let mut master = [0u8; 64];
    rng::fill(&mut master).unwrap();
    let jar_key = Key::from(&master);
    let floor = Floor::new(rng::array().unwrap());
    let (keyring, options) = (&setup.keyring, &setup.options);
    let mut out = serde_json::Map::new();
    for (name, value) in &setup.values {
        let token = native::seal_at(value, keyring, options, NOW).unwrap();
        let floor_token = floor.seal(value);
        let mut jar = CookieJar::new();
        private_jar_seal(&mut jar, &jar_key, value);
        let mut seal_jar = CookieJar::new();
        let mut native_seal = || {
            black_box(native::seal_at(black_box(value), keyring, options, NOW).unwrap());
        };
        let mut native_unseal = || {
            black_box(native::unseal_at(black_box(&token), keyring, options, NOW).unwrap());
        };
        let rows = json!({
            "seal_vs_privatejar": paired(&mut native_seal, &mut || {
                private_jar_seal(&mut seal_jar, &jar_key, black_box(value))
            }, rounds, batch),
            "unseal_vs_privatejar": paired(&mut native_unseal, &mut || {
                black_box(private_jar_unseal(black_box(&jar), &jar_key));
            }, rounds, batch),
            "seal_vs_floor": paired(&mut native_seal, &mut || {
                black_box(floor.seal(black_box(value)));
            }, rounds, batch),
            "unseal_vs_floor": paired(&mut native_unseal, &mut || {
                black_box(floor.unseal(black_box(&floor_token)));
            }, rounds, batch),
        });
        out.insert((*name).to_owned(), rows);
    }
    Value::Object(out)
}

fn memory(setup: &Setup, cycles: u64, every: u64) -> Value {
    let value = &setup.values[0].1;
    let mut samples = vec![json!({"cycles": 0, "rss_kib": rss_kib()})];
    let start = Instant::now();
    for done in 1..=cycles {
        native_cycle(setup, value);
        if done % every == 0 {
            samples.push(json!({"cycles": done, "rss_kib": rss_kib()}));
        }
    }
    json!({
        "payload": "A",
        "cycles": cycles,
        "seconds": start.elapsed().as_secs_f64(),
        "samples": samples,
    })
}

/// µs per call of `op` over `rounds` batches of about `batch`: `{median, min}`.
fn timed_us(op: &mut dyn FnMut(), rounds: usize, batch: Duration) -> Value {
    op();
    let n = calibrate(op, batch);
    let mut samples: Vec<f64> = (0..rounds).map(|_| batch_ns(op, n) / 1000.0).collect();
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    json!({"median": median(&mut samples), "min": min})
}

/// Cookies sealed by another process (another keyring with the same password), as a server
/// receives them: `count` distinct sessions of payload A.
fn foreign_cookies(options: &IronOptions, count: usize, value: &Value) -> Vec<String> {
    let elsewhere = Keyring::from_password(&inputs().password).unwrap();
    (0..count)
        .map(|_| iron::seal_at(value, &elsewhere, options, NOW).unwrap())
        .collect()
}

/// The h3-v2 profile (8192 PBKDF2 iterations): unsealing a repeat cookie with the keyring's
/// derived-key cache and without it, sealing with and without a salt-reuse window, two-thread
/// scaling of cached unseals over many sessions, and resident memory while h3-v1 seals and
/// unseals churn the cache.
fn fe26(full: bool) -> Value {
    let password = inputs().password;
    let value: Value = serde_json::from_str(&inputs().payloads[0].1).unwrap();
    let h3v1 = IronOptions::for_profile(Profile::H3V1);
    let h3v2 = IronOptions::for_profile(Profile::H3V2);
    let mut reuse = h3v2.clone();
    reuse.salt_reuse_ms = Some(60_000);
    let (rounds, batch) = if full {
        (20, Duration::from_millis(20))
    } else {
        (2, Duration::from_millis(2))
    };
    let cached = Keyring::from_password(&password).unwrap();
    let cold = Keyring::builder()
        .password("", &password)
        .derived_key_cache(0)
        .build()
        .unwrap();
    let cookie = foreign_cookies(&h3v2, 1, &value).remove(0);
    let unseal_cached = timed_us(
        &mut || {
            black_box(iron::unseal_at(black_box(&cookie), &cached, &h3v2, NOW).unwrap());
        },
        rounds,
        batch,
    );
    let slow = |op: &mut dyn FnMut()| timed_us(op, if full { 5 } else { 1 }, Duration::ZERO);
    let unseal_cold = slow(&mut || {
        black_box(iron::unseal_at(black_box(&cookie), &cold, &h3v2, NOW).unwrap());
    });
    let seal_fresh = slow(&mut || {
        black_box(iron::seal_at(black_box(&value), &cached, &h3v2, NOW).unwrap());
    });
    let seal_reuse = timed_us(
        &mut || {
            black_box(iron::seal_at(black_box(&value), &cached, &reuse, NOW).unwrap());
        },
        rounds,
        batch,
    );

    // h3-v1, for the Node and Python h3-v1 rows: a seal (fresh salts, two 1-iteration PBKDF2),
    // and the unseal of a repeat cookie sealed elsewhere.
    let h3v1_cookie = foreign_cookies(&h3v1, 1, &value).remove(0);
    let v1_keyring = Keyring::from_password(&password).unwrap();
    let h3v1_seal = timed_us(
        &mut || {
            black_box(iron::seal_at(black_box(&value), &v1_keyring, &h3v1, NOW).unwrap());
        },
        rounds,
        batch,
    );
    let h3v1_unseal = timed_us(
        &mut || {
            black_box(iron::unseal_at(black_box(&h3v1_cookie), &v1_keyring, &h3v1, NOW).unwrap());
        },
        rounds,
        batch,
    );

    // Two threads reading many sessions' cookies through one shared keyring: the cache is
    // sharded, so threads seldom meet on a lock.
    let sessions = if full { 256 } else { 16 };
    let shared = Keyring::from_password(&password).unwrap();
    let cookies = Arc::new(foreign_cookies(&h3v2, sessions, &value));
    for cookie in cookies.iter() {
        iron::unseal_at(cookie, &shared, &h3v2, NOW).unwrap();
    }
    // Each thread walks the cookies from its own starting point with its own cursor: a cursor
    // shared by both threads would bounce one cache line between the cores on every call and
    // measure that instead of the library.
    let threads_started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let work_keyring = shared.clone();
    let work_cookies = Arc::clone(&cookies);
    let work_options = h3v2.clone();
    let (scaling_rounds, window) = if full {
        (5, Duration::from_millis(1000))
    } else {
        (1, Duration::from_millis(20))
    };
    let cached_scaling = scaling(
        move || {
            let i = next_cookie(&threads_started, work_cookies.len());
            black_box(
                iron::unseal_at(&work_cookies[i], &work_keyring, &work_options, NOW).unwrap(),
            );
        },
        scaling_rounds,
        window,
    );

    // h3-v1 seal + unseal of a fresh token, over and over: every seal inserts two keys, so the
    // cache fills and then evicts; resident memory must stay flat.
    let (cycles, every) = if full {
        (200_000, 20_000)
    } else {
        (2_000, 1_000)
    };
    let churn = Keyring::from_password(&password).unwrap();
    let mut samples = vec![json!({"cycles": 0, "rss_kib": rss_kib()})];
    let start = Instant::now();
    for done in 1..=cycles {
        let token = iron::seal_at(black_box(&value), &churn, &h3v1, NOW).unwrap();
        black_box(iron::unseal_at(&token, &churn, &h3v1, NOW).unwrap());
        if done % every == 0 {
            samples.push(json!({"cycles": done, "rss_kib": rss_kib()}));
        }
    }
    let stats = churn.derived_key_cache_stats();
    json!({
        "h3v1_seal_us": h3v1_seal,
        "h3v1_unseal_repeat_cached_us": h3v1_unseal,
        "h3v2_unseal_repeat_cached_us": unseal_cached,
        "h3v2_unseal_cold_us": unseal_cold,
        "h3v2_seal_us": seal_fresh,
        "h3v2_seal_salt_reuse_us": seal_reuse,
        "cache_stats": cache_stats(&cached.derived_key_cache_stats()),
        "h3v2_cached_scaling": cached_scaling,
        "h3v2_cached_scaling_sessions": sessions,
        "memory": {
            "profile": "h3-v1",
            "cycles": cycles,
            "seconds": start.elapsed().as_secs_f64(),
            "samples": samples,
            "cache_stats": cache_stats(&stats),
        },
    })
}

fn cache_stats(stats: &polyseal::iron::DerivedKeyCacheStats) -> Value {
    json!({
        "capacity": stats.capacity,
        "entries": stats.entries,
        "hits": stats.hits,
        "misses": stats.misses,
        "insertions": stats.insertions,
        "evictions": stats.evictions,
    })
}

fn profile(setup: Arc<Setup>, what: &str, count: u64, payload: &str) {
    let value = setup
        .values
        .iter()
        .find(|(name, _)| *name == payload)
        .unwrap_or_else(|| panic!("payload A or B, not {payload:?}"))
        .1
        .clone();
    let token = native::seal_at(&value, &setup.keyring, &setup.options, NOW).unwrap();
    let floor = Floor::new(rng::array().unwrap());
    let floor_token = floor.seal(&value);
    let mut master = [0u8; 64];
    rng::fill(&mut master).unwrap();
    let jar_key = Key::from(&master);
    let mut jar = CookieJar::new();
    private_jar_seal(&mut jar, &jar_key, &value);
    let options = &setup.options;
    let mut seal_jar = CookieJar::new();
    let text = serde_json::to_string(&value).unwrap();
    let h3v1 = IronOptions::for_profile(Profile::H3V1);
    let h3v2 = IronOptions::for_profile(Profile::H3V2);
    let mut h3v2_reuse = h3v2.clone();
    h3v2_reuse.salt_reuse_ms = Some(60_000);
    let fe26_token = |options: &IronOptions| {
        // Sealed by another keyring with the same password: a cookie from another process.
        let elsewhere = Keyring::from_password(&inputs().password).unwrap();
        iron::seal_at(&value, &elsewhere, options, NOW).unwrap()
    };
    let (h3v1_token, h3v2_token) = match what {
        "h3v1-unseal" => (fe26_token(&h3v1), String::new()),
        "h3v2-unseal" => (String::new(), fe26_token(&h3v2)),
        _ => (String::new(), String::new()),
    };
    let mut one: Box<dyn FnMut()> = match what {
        "seal" => Box::new(|| {
            black_box(native::seal_at(black_box(&value), &setup.keyring, options, NOW).unwrap());
        }),
        "unseal" => Box::new(|| {
            black_box(native::unseal_at(black_box(&token), &setup.keyring, options, NOW).unwrap());
        }),
        "seal-json" => Box::new(|| {
            black_box(
                native::seal_json_at(black_box(&text), &setup.keyring, options, NOW).unwrap(),
            );
        }),
        "h3v1-seal" => Box::new(|| {
            black_box(iron::seal_at(black_box(&value), &setup.keyring, &h3v1, NOW).unwrap());
        }),
        "h3v1-seal-json" => Box::new(|| {
            black_box(iron::seal_json_at(black_box(&text), &setup.keyring, &h3v1, NOW).unwrap());
        }),
        "h3v2-seal" => Box::new(|| {
            black_box(iron::seal_at(black_box(&value), &setup.keyring, &h3v2, NOW).unwrap());
        }),
        "h3v2-seal-reuse" => Box::new(|| {
            black_box(iron::seal_at(black_box(&value), &setup.keyring, &h3v2_reuse, NOW).unwrap());
        }),
        "h3v1-unseal" => Box::new(|| {
            black_box(iron::unseal_at(black_box(&h3v1_token), &setup.keyring, &h3v1, NOW).unwrap());
        }),
        "h3v2-unseal" => Box::new(|| {
            black_box(iron::unseal_at(black_box(&h3v2_token), &setup.keyring, &h3v2, NOW).unwrap());
        }),
        "floor-seal" => Box::new(|| {
            black_box(floor.seal(black_box(&value)));
        }),
        "floor-unseal" => Box::new(|| {
            black_box(floor.unseal(black_box(&floor_token)));
        }),
        "privatejar-seal" => Box::new(|| {
            private_jar_seal(&mut seal_jar, &jar_key, black_box(&value));
        }),
        "privatejar-unseal" => Box::new(|| {
            black_box(private_jar_unseal(black_box(&jar), &jar_key));
        }),
        other => panic!("unknown profile operation {other:?}"),
    };
    for _ in 0..count {
        one();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let setup = Arc::new(setup());
    if args.first().map(String::as_str) == Some("profile") {
        let what = args.get(1).map_or("seal", String::as_str);
        let count = args.get(2).map_or(100_000, |n| n.parse().expect("a count"));
        let payload = args.get(3).map_or("A", String::as_str);
        profile(setup, what, count, payload);
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let (rounds, window, cycles, every) = if full {
        (5, Duration::from_millis(1000), 1_000_000, 100_000)
    } else {
        (1, Duration::from_millis(20), 2_000, 1_000)
    };
    let (pair_rounds, pair_batch) = if full {
        (300, Duration::from_millis(2))
    } else {
        (3, Duration::from_micros(200))
    };

    let sizes = token_sizes(&setup);
    let native_setup = Arc::clone(&setup);
    let native_value = setup.values[0].1.clone();
    let native_scaling = scaling(
        move || native_cycle(&native_setup, &native_value),
        rounds,
        window,
    );
    let floor = Floor::new(rng::array().unwrap());
    let floor_value = setup.values[0].1.clone();
    let floor_scaling = scaling(
        move || {
            let token = floor.seal(black_box(&floor_value));
            black_box(floor.unseal(&token));
        },
        rounds,
        window,
    );
    let paired = paired_ratios(&setup, pair_rounds, pair_batch);
    let memory = memory(&setup, cycles, every);
    let fe26 = fe26(full);
    // Last: the switch to the process id check holds for the rest of the process.
    let paired_process_id_check = paired_with_process_id_check(&setup, pair_rounds, pair_batch);
    let report = json!({
        "full": full,
        "token_sizes": sizes,
        "paired": paired,
        "paired_process_id_check": paired_process_id_check,
        "scaling": {
            "work": "native v1 seal + unseal, payload A, one shared keyring",
            "native": native_scaling,
            "floor": floor_scaling,
        },
        "memory": memory,
        "fe26": fe26,
    });
    println!("{report}");
}
