//! `cargo xtask bench-decode [DIR]`: decode rate and time per image of Vaora's pipeline,
//! plain rqrr and zxing-cpp (the anchor) on the shared QR corpus, all fed the same grayscale pixels.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;
use vaora_scan::{LumaImage, ScanError};

use crate::root;

/// The zxing-cpp side, relative to the repository root.
const ZXING_SCRIPT: &str = "xtask/bench/zxing/decode.py";

/// Runs the benchmark; DIR defaults to `../shared/qr-corpus` relative to the repository root.
///
/// Timing a debug build would be meaningless, and the workspace release profile has
/// `panic = "abort"`, under which rqrr's panics would kill the run instead of counting
/// as misses. So unless this binary is already an optimised unwinding build, it re-runs
/// itself as `cargo run --release` with `profile.release.panic = "unwind"`: both
/// `cargo xtask bench-decode` and `cargo run -p xtask --release -- bench-decode` work.
pub fn bench_decode(args: &[String]) -> Result<()> {
    if cfg!(debug_assertions) || !cfg!(panic = "unwind") {
        return rerun_optimised(args);
    }
    let list = args.iter().any(|a| a == "--list");
    let corpus = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/qr-corpus"));
    let manifest = fs::read_to_string(corpus.join("MANIFEST.tsv"))
        .with_context(|| format!("reading {}/MANIFEST.tsv", corpus.display()))?;
    let entries = parse_manifest(&corpus, &manifest)?;
    let frames = load_frames(&corpus, &entries);

    let vaora = run_native(&frames, vaora_scan_payloads);
    let rqrr = run_native(&frames, plain_rqrr_payloads);
    let zxing = run_zxing(&frames)?;

    let results = [("vaora", &vaora), ("zxing-cpp", &zxing), ("rqrr", &rqrr)];
    if list {
        print_list(&entries, &results);
    }
    print_panics(&entries, &results);
    print_table(&entries, &results);
    print_no_code_cost();
    let last: Vec<String> = results
        .iter()
        .map(|(name, runs)| {
            format!(
                "{name} {}/{}",
                successes(&entries, runs, None),
                entries.len()
            )
        })
        .collect();
    println!("{}", last.join(", "));
    Ok(())
}

/// Re-runs `bench-decode` as an optimised build that unwinds on panic (see [`bench_decode`]).
fn rerun_optimised(args: &[String]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root())
        .args(["run", "--quiet", "--release", "-p", "xtask"])
        .args(["--config", "profile.release.panic=\"unwind\""])
        .args(["--", "bench-decode"])
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("optimised bench-decode failed ({status})");
    }
    Ok(())
}

/// One unique labelled corpus image.
struct Entry {
    /// Path relative to the corpus, as written in the manifest.
    path: String,
    /// Every payload that must be found, byte for byte.
    expected: Vec<Vec<u8>>,
}

impl Entry {
    /// Per-folder grouping key, e.g. `zxing/qrcode-3`.
    fn folder(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

/// Unique labelled rows (empty `duplicate_of`): re-encoded copies would count one scene twice.
fn parse_manifest(corpus: &Path, manifest: &str) -> Result<Vec<Entry>> {
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let dup_col = header
        .iter()
        .position(|h| *h == "duplicate_of")
        .context("MANIFEST.tsv has no duplicate_of column")?;
    let mut entries = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(dup_col).is_some_and(|d| !d.is_empty()) {
            continue;
        }
        let (Some(path), Some(expected)) = (cols.first(), cols.get(1)) else {
            bail!("short manifest row: {line}");
        };
        entries.push(Entry {
            path: (*path).to_owned(),
            expected: expected_payloads(corpus, expected)?,
        });
    }
    Ok(entries)
}

/// `inline:<text>` / `inline:<JSON list>`, or a text file relative to the corpus.
fn expected_payloads(corpus: &Path, field: &str) -> Result<Vec<Vec<u8>>> {
    if let Some(inline) = field.strip_prefix("inline:") {
        let texts =
            serde_json::from_str::<Vec<String>>(inline).unwrap_or_else(|_| vec![inline.to_owned()]);
        return Ok(texts.into_iter().map(String::into_bytes).collect());
    }
    let file = corpus.join(field);
    let bytes = fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    Ok(vec![bytes])
}

/// Each image decoded to grayscale once (as the photo fallback does); `None` when unreadable.
fn load_frames(corpus: &Path, entries: &[Entry]) -> Vec<Option<LumaImage>> {
    entries
        .iter()
        .map(|entry| {
            let luma = fs::read(corpus.join(&entry.path))
                .map_err(|e| ScanError::UnreadableImage(e.to_string()))
                .and_then(|bytes| LumaImage::from_encoded(&bytes));
            luma.inspect_err(|err| eprintln!("unreadable {}: {err}", entry.path))
                .ok()
        })
        .collect()
}

/// What one decoder did with one image.
#[derive(Default)]
struct Run {
    payloads: Vec<Vec<u8>>,
    /// Texts as the decoder reported them (zxing-cpp transcodes Shift_JIS, Latin-1, …).
    texts: Vec<String>,
    ms: f64,
    panic: Option<String>,
}

impl Run {
    fn has(&self, want: &[u8]) -> bool {
        self.payloads.iter().any(|p| p == want) || self.texts.iter().any(|t| t.as_bytes() == want)
    }
}

/// Times a native decoder on every frame; panics are caught and recorded instead of printed.
fn run_native(
    frames: &[Option<LumaImage>],
    decoder: fn(&LumaImage) -> Result<Vec<Vec<u8>>, String>,
) -> Vec<Run> {
    let quiet = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let runs = frames
        .iter()
        .map(|frame| {
            let Some(frame) = frame else {
                return Run::default();
            };
            let started = Instant::now();
            let outcome = decoder(frame);
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            match outcome {
                Ok(payloads) => Run {
                    payloads,
                    ms,
                    ..Run::default()
                },
                Err(msg) => Run {
                    ms,
                    panic: Some(msg),
                    ..Run::default()
                },
            }
        })
        .collect();
    panic::set_hook(quiet);
    runs
}

/// Vaora's whole pipeline, exactly as the photo worker calls it.
///
/// Each code counts by its raw bytes or its text, as zxing-cpp's do (where Vaora transcodes a
/// payload, e.g. Shift_JIS, its text is what matches the expected UTF-8).
fn vaora_scan_payloads(frame: &LumaImage) -> Result<Vec<Vec<u8>>, String> {
    match vaora_scan::decode_catching_panics(frame) {
        Ok(found) => Ok(found
            .into_iter()
            .flat_map(|d| {
                let text = d.text.map(String::into_bytes).filter(|t| *t != d.bytes);
                std::iter::once(d.bytes).chain(text)
            })
            .collect()),
        Err(err) => Err(err.to_string()),
    }
}

/// Vaora's camera path (`decode_frame`), each call one frame further in the pass rotation.
fn vaora_frame_payloads(frame: &LumaImage) -> Result<Vec<Vec<u8>>, String> {
    static FRAME: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let number = FRAME.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let decode = || vaora_scan::decode_frame(frame, number);
    panic::catch_unwind(AssertUnwindSafe(decode))
        .map(|found| found.into_iter().map(|d| d.bytes).collect())
        .map_err(|_| "panic".to_owned())
}

/// rqrr 0.11 used the plain documented way, the baseline Vaora must beat.
fn plain_rqrr_payloads(frame: &LumaImage) -> Result<Vec<Vec<u8>>, String> {
    let decode = || {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(frame.width, frame.height, |x, y| {
                frame.pixels[y * frame.width + x]
            });
        let mut found = Vec::new();
        for grid in prepared.detect_grids() {
            let mut bytes = Vec::new();
            if grid.decode_to(&mut bytes).is_ok() {
                found.push(bytes);
            }
        }
        found
    };
    panic::catch_unwind(AssertUnwindSafe(decode)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic".to_owned())
    })
}

/// Hands the frames to zxing-cpp (PyPI `zxing-cpp`) as raw grayscale files and reads its JSON lines.
fn run_zxing(frames: &[Option<LumaImage>]) -> Result<Vec<Run>> {
    ensure_zxing()?;
    let dir = std::env::temp_dir().join(format!("vaora-bench-decode-{}", std::process::id()));
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let result = zxing_in(&dir, frames);
    // Best effort: a leftover temp dir is harmless.
    let _ = fs::remove_dir_all(&dir);
    result
}

fn zxing_in(dir: &Path, frames: &[Option<LumaImage>]) -> Result<Vec<Run>> {
    let mut index = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let Some(frame) = frame else { continue };
        let file = format!("{i}.gray");
        fs::write(dir.join(&file), &frame.pixels)?;
        index.push(serde_json::json!({"file": file, "width": frame.width, "height": frame.height}));
    }
    fs::write(dir.join("index.json"), Value::Array(index).to_string())?;
    let output = Command::new("python3")
        .arg(root().join(ZXING_SCRIPT))
        .arg(dir)
        .output()
        .context("running python3")?;
    if !output.status.success() {
        bail!(
            "{ZXING_SCRIPT} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut runs: Vec<Run> = frames.iter().map(|_| Run::default()).collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let record: Value = serde_json::from_str(line).context("zxing-cpp output line")?;
        let index: usize = record["file"]
            .as_str()
            .and_then(|f| f.strip_suffix(".gray"))
            .and_then(|i| i.parse().ok())
            .context("zxing-cpp output without a known file")?;
        let Some(run) = runs.get_mut(index) else {
            bail!("zxing-cpp reported unknown frame {index}");
        };
        run.ms = record["ms"].as_f64().unwrap_or_default();
        for payload in record["payloads"].as_array().into_iter().flatten() {
            if let Some(bytes) = payload["hex"].as_str().and_then(from_hex) {
                run.payloads.push(bytes);
            }
            if let Some(text) = payload["text"].as_str() {
                run.texts.push(text.to_owned());
            }
        }
    }
    Ok(runs)
}

/// Installs the PyPI package on first use, so a fresh machine runs the bench unattended.
fn ensure_zxing() -> Result<()> {
    let importable = |module: &str| {
        Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if importable("zxingcpp, numpy") {
        return Ok(());
    }
    eprintln!("installing zxing-cpp and numpy from PyPI…");
    let status = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "zxing-cpp", "numpy"])
        .status()
        .context("running pip")?;
    if !status.success() || !importable("zxingcpp, numpy") {
        bail!("could not install the zxing-cpp Python package (python3 -m pip install zxing-cpp numpy)");
    }
    Ok(())
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Images in `folder` (all when `None`) whose every expected payload this decoder found.
fn successes(entries: &[Entry], runs: &[Run], folder: Option<&str>) -> usize {
    entries
        .iter()
        .zip(runs)
        .filter(|(e, _)| folder.is_none_or(|f| e.folder() == f))
        .filter(|(e, run)| e.expected.iter().all(|want| run.has(want)))
        .count()
}

/// (median, mean) milliseconds per image.
fn times(entries: &[Entry], runs: &[Run], folder: Option<&str>) -> (f64, f64) {
    let mut ms: Vec<f64> = entries
        .iter()
        .zip(runs)
        .filter(|(e, _)| folder.is_none_or(|f| e.folder() == f))
        .map(|(_, run)| run.ms)
        .collect();
    if ms.is_empty() {
        return (0.0, 0.0);
    }
    ms.sort_by(f64::total_cmp);
    let mid = ms.len() / 2;
    let median = if ms.len() % 2 == 0 {
        (ms[mid - 1] + ms[mid]) / 2.0
    } else {
        ms[mid]
    };
    (median, ms.iter().sum::<f64>() / ms.len() as f64)
}

fn print_table(entries: &[Entry], results: &[(&str, &Vec<Run>)]) {
    let mut folders: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        *folders.entry(e.folder()).or_default() += 1;
    }
    let mut header = format!("{:<22} {:>6}", "folder", "images");
    for (name, _) in results {
        header.push_str(&format!(" | {name:>9} ok  median/mean ms"));
    }
    println!("{header}");
    let rows =
        folders
            .iter()
            .map(|(f, n)| (*f, Some(*f), *n))
            .chain([("total", None, entries.len())]);
    for (label, folder, count) in rows {
        let mut row = format!("{label:<22} {count:>6}");
        for (_, runs) in results {
            let ok = successes(entries, runs, folder);
            let (median, mean) = times(entries, runs, folder);
            row.push_str(&format!(" | {ok:>12} {median:>7.1}/{mean:<7.1}"));
        }
        println!("{row}");
    }
}

fn print_panics(entries: &[Entry], results: &[(&str, &Vec<Run>)]) {
    for (name, runs) in results {
        for (entry, run) in entries.iter().zip(runs.iter()) {
            if let Some(msg) = &run.panic {
                println!("{name} panicked on {}: {msg}", entry.path);
            }
        }
    }
}

/// A frame without a code runs every pass, so its cost bounds the scan loop: the photo path
/// (`decode`, every pass) and the camera path (`decode_frame`, rqrr's threshold plus one
/// rotating pass; the median of 6 frames, two rotations).
fn print_no_code_cost() {
    for (width, height) in [(960, 540), (640, 480)] {
        // Lighting gradient plus a deterministic texture, so binarisation finds edges but no code.
        let pixels = (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                let texture = (x * 7 + y * 13 + (x * y) % 17) % 31;
                (60 + 150 * x / width + texture) as u8
            })
            .collect();
        let Ok(frame) = LumaImage::new(width, height, pixels) else {
            continue;
        };
        let frames = vec![Some(frame); 6];
        let median = |runs: Vec<Run>| {
            let mut ms: Vec<f64> = runs.iter().map(|r| r.ms).collect();
            ms.sort_by(f64::total_cmp);
            ms.get(ms.len() / 2).copied().unwrap_or_default()
        };
        println!(
            "frame {width}x{height} without a code: vaora {:.1} ms (camera path {:.1} ms), rqrr {:.1} ms",
            median(run_native(&frames, vaora_scan_payloads)),
            median(run_native(&frames, vaora_frame_payloads)),
            median(run_native(&frames, plain_rqrr_payloads)),
        );
    }
}

/// `--list`: one line per image with each decoder's verdict, to find what to work on.
fn print_list(entries: &[Entry], results: &[(&str, &Vec<Run>)]) {
    for (i, entry) in entries.iter().enumerate() {
        let verdicts: Vec<String> = results
            .iter()
            .filter_map(|(name, runs)| Some((name, runs.get(i)?)))
            .map(|(name, run)| {
                let verdict = if entry.expected.iter().all(|want| run.has(want)) {
                    "ok"
                } else if run.panic.is_some() {
                    "PANIC"
                } else if run.payloads.is_empty() {
                    "-"
                } else {
                    "other"
                };
                format!("{name}={verdict}({:.1}ms)", run.ms)
            })
            .collect();
        println!("{:<36} {}", entry.path, verdicts.join(" "));
    }
}
