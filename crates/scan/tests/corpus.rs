//! Decode rate on the shared real-world corpus (zxing / zxing-cpp test images).
//!
//! The corpus lives in `shared/qr-corpus/` beside the repository root, outside
//! git; when it is absent the test prints a note and passes, so a plain clone
//! still tests green.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use vaora_scan::{decode_catching_panics, Decoded, LumaImage, ScanError, PHOTO_MAX_SIDE};

/// Regression floor: plain rqrr reads ~105 of the 202 unique labelled images; the pipeline
/// reads 178 byte for byte (190 counting the Shift_JIS payloads `cargo xtask bench-decode`
/// matches by text); a small margin absorbs harmless drift.
const MIN_DECODED: usize = 175;

struct Entry {
    /// As written in the manifest, for messages.
    name: String,
    image: PathBuf,
    expected: Vec<Vec<u8>>,
}

enum Outcome {
    Exact,
    /// Nothing decoded.
    Missed,
    /// Something decoded, but not every expected payload byte-for-byte
    /// (e.g. zxing's expected text is transcoded from Latin-1 or Shift_JIS).
    Different,
    Unreadable(ScanError),
    Panicked(String),
}

#[test]
fn corpus_decode_rate() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/qr-corpus");
    let Ok(manifest) = fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("note: no QR corpus at {}; skipping", corpus.display());
        return;
    };
    let entries = parse_manifest(&corpus, &manifest);
    let started = Instant::now();
    let (mut exact, mut missed, mut different, mut unreadable) = (0, 0, 0, 0);
    let mut panicked = Vec::new();
    for entry in &entries {
        match scan(entry) {
            Outcome::Exact => exact += 1,
            Outcome::Missed => missed += 1,
            Outcome::Different => different += 1,
            Outcome::Unreadable(err) => {
                eprintln!("unreadable {}: {err}", entry.name);
                unreadable += 1;
            }
            Outcome::Panicked(msg) => panicked.push(format!("{}: {msg}", entry.name)),
        }
    }
    println!(
        "corpus: {exact}/{} decoded exactly, {missed} missed, {different} other payload, {unreadable} unreadable, {} rqrr panics, {:.1?}",
        entries.len(),
        panicked.len(),
        started.elapsed()
    );
    for p in &panicked {
        println!("  rqrr panicked on {p}");
    }
    assert!(
        exact >= MIN_DECODED,
        "only {exact} of {} corpus images decoded (floor {MIN_DECODED})",
        entries.len()
    );
}

/// Unique labelled rows: duplicates (re-encoded copies of another row) are skipped
/// so one scene is not counted twice.
fn parse_manifest(corpus: &Path, manifest: &str) -> Vec<Entry> {
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let dup_col = col("duplicate_of");
    lines
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let is_dup = dup_col
                .and_then(|i| cols.get(i))
                .is_some_and(|d| !d.is_empty());
            if is_dup {
                return None;
            }
            let (path, expected) = (cols.first()?, cols.get(1)?);
            Some(Entry {
                name: (*path).to_owned(),
                image: corpus.join(path),
                expected: expected_payloads(corpus, expected)?,
            })
        })
        .collect()
}

/// `inline:<text>` / `inline:<JSON list>`, or a text file relative to the corpus.
fn expected_payloads(corpus: &Path, field: &str) -> Option<Vec<Vec<u8>>> {
    if let Some(inline) = field.strip_prefix("inline:") {
        let texts = match serde_json::from_str::<Vec<String>>(inline) {
            Ok(list) => list,
            Err(_) => vec![inline.to_owned()],
        };
        return Some(texts.into_iter().map(String::into_bytes).collect());
    }
    fs::read(corpus.join(field)).ok().map(|bytes| vec![bytes])
}

fn scan(entry: &Entry) -> Outcome {
    let luma = match fs::read(&entry.image)
        .map_err(|e| ScanError::UnreadableImage(e.to_string()))
        .and_then(|bytes| LumaImage::from_encoded(&bytes))
    {
        Ok(luma) => luma,
        Err(err) => return Outcome::Unreadable(err),
    };
    match decode_catching_panics(&luma.downscaled_to(PHOTO_MAX_SIDE)) {
        Ok(found) if all_found(&entry.expected, &found) => Outcome::Exact,
        Ok(found) if found.is_empty() => Outcome::Missed,
        Ok(_) => Outcome::Different,
        Err(ScanError::DecoderPanicked(msg)) => Outcome::Panicked(msg),
        Err(other) => Outcome::Unreadable(other),
    }
}

fn all_found(expected: &[Vec<u8>], found: &[Decoded]) -> bool {
    expected
        .iter()
        .all(|want| found.iter().any(|d| &d.bytes == want))
}
