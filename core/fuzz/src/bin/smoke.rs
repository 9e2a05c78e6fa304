//! The fuzz targets without a fuzzing engine: replays every seed, every corpus file on disk,
//! and a number of deterministically mutated inputs through each target, failing on the first
//! panic. `make test` runs it; it needs nothing beyond a stable Rust toolchain.
//!
//! ```text
//! smoke [--runs N] [--target NAME] [--write-seeds DIR]
//! ```
//! `--runs` replaces each target's default count of mutated inputs; `SMOKE_RUNS` does the same.
//! `--write-seeds DIR` writes every target's seeds under `DIR/<target>/` and exits.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use polyseal_fuzz::mutate::{Rng, mutate};
use polyseal_fuzz::{TARGETS, Target, seeds};

struct Args {
    runs: Option<usize>,
    target: Option<String>,
    write_seeds: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        runs: std::env::var("SMOKE_RUNS")
            .ok()
            .and_then(|n| n.parse().ok()),
        target: None,
        write_seeds: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(format!("{word} needs a value"));
        match word.as_str() {
            "--runs" => args.runs = Some(value()?.parse().map_err(|e| format!("--runs: {e}"))?),
            "--target" => args.target = Some(value()?),
            "--write-seeds" => args.write_seeds = Some(value()?.into()),
            _ => return Err(format!("unknown argument {word}")),
        }
    }
    Ok(args)
}

/// Files of `dir`, sorted by name; none when it does not exist.
fn files_in(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|path| path.is_file())
        .filter_map(|path| std::fs::read(path).ok())
        .collect()
}

fn write_seeds(dir: &Path) -> std::io::Result<()> {
    for target in TARGETS {
        let folder = dir.join(target.name);
        std::fs::create_dir_all(&folder)?;
        let seeds = seeds::for_target(target.name);
        for (name, bytes) in &seeds {
            std::fs::write(folder.join(name), bytes)?;
        }
        println!("{}: {} seeds", target.name, seeds.len());
    }
    Ok(())
}

/// Runs one input; on a panic, saves it under `artifacts/` and says where.
fn run_one(target: &Target, input: &[u8], what: &str) -> bool {
    let outcome = std::panic::catch_unwind(|| (target.run)(input));
    if outcome.is_ok() {
        return true;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("artifacts")
        .join(target.name);
    let path = dir.join(format!("smoke-crash-{}", input.len()));
    let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
    match saved {
        Ok(()) => eprintln!(
            "{}: {what} panicked; input saved to {}",
            target.name,
            path.display()
        ),
        Err(_) => eprintln!("{}: {what} panicked on {input:?}", target.name),
    }
    false
}

fn smoke(target: &Target, runs: usize) -> bool {
    let started = Instant::now();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<Vec<u8>> = seeds::for_target(target.name)
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect();
    let generated = inputs.len();
    for dir in ["seeds", "corpus"] {
        inputs.extend(files_in(&root.join(dir).join(target.name)));
    }
    // The committed seeds repeat the generated ones.
    inputs.sort();
    inputs.dedup();
    for (index, input) in inputs.iter().enumerate() {
        if !run_one(target, input, &format!("seed {index}")) {
            return false;
        }
    }
    let mut rng = Rng::new(0x5eed_0000 ^ target.name.len() as u64);
    for run in 0..runs {
        let input = mutate(&inputs, &mut rng);
        if !run_one(target, &input, &format!("mutated input {run}")) {
            return false;
        }
    }
    println!(
        "{}: {} distinct seed and corpus inputs ({generated} generated) + {runs} mutated \
         inputs in {:.1} s",
        target.name,
        inputs.len(),
        started.elapsed().as_secs_f64()
    );
    true
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("smoke: {problem}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.write_seeds {
        return match write_seeds(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("smoke: writing seeds: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // Panics are expected to be caught and reported once, without a backtrace per input.
    std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
    let selected: Vec<&Target> = TARGETS
        .iter()
        .filter(|t| args.target.as_deref().is_none_or(|name| name == t.name))
        .collect();
    if selected.is_empty() {
        eprintln!("smoke: no target called {:?}", args.target);
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for target in selected {
        if smoke(target, args.runs.unwrap_or(target.smoke_runs)) {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
