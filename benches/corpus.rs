//! The corpus benchmark: on one generated corpus, the YAML floor (read every file and pull every
//! granit-parser event with its span, building nothing), entralint's load into its tree, load and
//! the tenant model, the full check under the recommended profile, each as a ratio to the floor,
//! on one core and on every core; then the command line end to end and for one file.
//!
//! Run: `bash bench/corpus.sh [N]` (generates the corpus, then runs this with it).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

use entralint::check::check_source;
use entralint::load;
use entralint::model;
use entralint::rules::{RuleSet, Selection};

// The same allocator as the command line, so that the stages measure what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A stage of the pipeline, run on one file.
type Stage<'a> = (&'a str, &'a (dyn Fn(&Path) + Sync));

fn main() {
    let dir = match std::env::var("ENTRALINT_CORPUS") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => {
            eprintln!(
                "set ENTRALINT_CORPUS to a folder made by the gen_corpus example (bench/corpus.sh does)"
            );
            std::process::exit(2);
        }
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "corpus: {} files, {:.1} MB ({:.1} KB a file), {cores} cores",
        paths.len(),
        bytes as f64 / 1_048_576.0,
        bytes as f64 / paths.len().max(1) as f64 / 1024.0
    );

    let rules = RuleSet::load(&Selection::default()).expect("built-in rules");
    let stages: [Stage; 4] = [
        ("floor: granit-parser events", &floor),
        ("load: entralint tree", &|p: &Path| {
            let bytes = std::fs::read(p).unwrap();
            black_box(load::load("t.yaml", &bytes));
        }),
        ("load + tenant model", &|p: &Path| {
            let bytes = std::fs::read(p).unwrap();
            let loaded = load::load("t.yaml", &bytes);
            black_box(model::normalise(&loaded.document, &mut Vec::new()));
        }),
        ("check: every rule, recommended", &|p: &Path| {
            let bytes = std::fs::read(p).unwrap();
            black_box(check_source("t.yaml", &bytes, true, Some(&rules)));
        }),
    ];

    println!(
        "\n{:<34} {:>12} {:>10} {:>8} {:>12} {:>10} {:>8}",
        "stage", "1 core (s)", "µs/file", "× floor", "all (s)", "µs/file", "× floor"
    );
    // Five rounds, the stages taking turns within each: a stage's time is its best round, and its
    // ratio to the floor the median of the ratios within a round, so that a machine slowing down
    // or speeding up during the run does not favour one stage.
    let one_core = Rounds::run(1, &paths, &stages);
    let all_cores = Rounds::run(cores, &paths, &stages);
    for (i, (name, _)) in stages.iter().enumerate() {
        let (one, all) = (one_core.best(i), all_cores.best(i));
        let per = |s: f64| s * 1e6 / paths.len() as f64;
        println!(
            "{name:<34} {one:>12.3} {:>10.1} {:>8.2} {all:>12.3} {:>10.1} {:>8.2}",
            per(one),
            one_core.ratio(i),
            per(all),
            all_cores.ratio(i)
        );
    }

    let bin = env!("CARGO_BIN_EXE_entralint");
    println!("\ncommand line (wall; peak resident memory):");
    let args: [&std::ffi::OsStr; 4] = [
        "check".as_ref(),
        "--format".as_ref(),
        "short".as_ref(),
        dir.as_os_str(),
    ];
    // The best of three runs, each with the floor's wall time just before it.
    let mut best = (f64::INFINITY, f64::INFINITY, String::new());
    for _ in 0..3 {
        let floor = Rounds::once(cores, &paths, &floor);
        let (wall, peak) = run(bin, true, &args);
        if wall < best.0 {
            best = (wall, wall / floor, peak);
        }
    }
    println!(
        "{:<34} {:>10.3} s {:>8.2} × floor (all cores)   peak {}",
        format!("entralint check <{} files>", paths.len()),
        best.0,
        best.1,
        best.2
    );
    let one = &paths[paths.len() / 2];
    let mut walls: Vec<f64> = (0..21)
        .map(|_| run(bin, false, &["check".as_ref(), one.as_os_str()]).0)
        .collect();
    walls.sort_by(f64::total_cmp);
    println!(
        "{:<34} {:>10.1} ms median of 21 (min {:.1}, max {:.1})",
        "entralint check <one file>",
        walls[10] * 1e3,
        walls[0] * 1e3,
        walls[20] * 1e3
    );
}

/// The cost of reading YAML with positions at all.
fn floor(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    for event in granit_parser::Parser::new_from_str(text) {
        black_box(event.ok());
    }
}

/// Seconds each stage took over every file, round by round.
struct Rounds(Vec<Vec<f64>>);

impl Rounds {
    fn run(threads: usize, paths: &[PathBuf], stages: &[Stage]) -> Rounds {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let rounds = (0..5)
            .map(|_| {
                stages
                    .iter()
                    .map(|(_, stage)| {
                        let start = Instant::now();
                        pool.install(|| paths.par_iter().for_each(|p| stage(p)));
                        start.elapsed().as_secs_f64()
                    })
                    .collect()
            })
            .collect();
        Rounds(rounds)
    }

    /// Seconds one stage takes once.
    fn once(threads: usize, paths: &[PathBuf], stage: &(dyn Fn(&Path) + Sync)) -> f64 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let start = Instant::now();
        pool.install(|| paths.par_iter().for_each(|p| stage(p)));
        start.elapsed().as_secs_f64()
    }

    /// The stage's fastest round.
    fn best(&self, stage: usize) -> f64 {
        self.0
            .iter()
            .map(|r| r[stage])
            .fold(f64::INFINITY, f64::min)
    }

    /// The median over rounds of the stage's time over the floor's in the same round.
    fn ratio(&self, stage: usize) -> f64 {
        let mut ratios: Vec<f64> = self.0.iter().map(|r| r[stage] / r[0]).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }
}

/// Runs entralint with `args` to its end: wall seconds, and with `memory` its peak resident
/// memory when GNU time is there to measure it (one file's latency is timed unwrapped: starting
/// `time` would add its own cost).
fn run(bin: &str, memory: bool, args: &[&std::ffi::OsStr]) -> (f64, String) {
    let time = Path::new("/usr/bin/time");
    let report = std::env::temp_dir().join(format!("entralint-bench-{}", std::process::id()));
    let mut command = if memory && time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&report).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let start = Instant::now();
    command
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the entralint binary");
    let wall = start.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| t.lines().last()?.trim().parse::<f64>().ok())
        .map_or("n/a".to_string(), |kb| format!("{:.1} MB", kb / 1024.0));
    let _ = std::fs::remove_file(&report);
    (wall, peak)
}
