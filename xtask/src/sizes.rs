//! Transfer sizes of the built app (raw, gzip -9, brotli q11), as a phone on 3G pays them.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Result;

/// What the citizen page loads before the first camera frame is decoded. The UI's lazy chunks
/// (`#[lazy]`, split off by wasm-split) are not here: the page requests none of them before
/// then (the venue check is the first, once a frame has been decoded); their loader,
/// `__wasm_split.js`, is imported by `vaora.js` and counts.
const FIRST_SCAN: [&str; 10] = [
    "index.html",
    "main.js",
    "style.css",
    "vaora.js",
    "__wasm_split.js",
    "vaora_bg.wasm",
    "worker-host.js",
    "scan-worker.js",
    "vaora_scan_worker.js",
    "vaora_scan_worker_bg.wasm",
];

/// The scanner issue's budget for everything loaded before the first scan, brotli.
const FIRST_SCAN_BUDGET_BROTLI: usize = 90 * 1024;

/// Loaded only when someone scans from a photo.
const ON_DEMAND: [&str; 3] = [
    "photo-worker.js",
    "vaora_photo_worker.js",
    "vaora_photo_worker_bg.wasm",
];

/// Compressed sizes of one file.
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// Measures `bytes` the way a server would send them.
pub fn measure(bytes: &[u8]) -> Result<Sizes> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    let gzip = gz.finish()?.len();
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(Sizes {
        raw: bytes.len(),
        gzip,
        brotli: br.len(),
    })
}

/// Prints the first-scan files with their total, then the UI's lazy `chunks` and the on-demand
/// photo decoder.
pub fn report(pkg: &Path, chunks: &[String]) -> Result<()> {
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let first_scan = table(pkg, &FIRST_SCAN, "total to first scan")?;
    let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
    table(pkg, &chunks, "UI chunks (after 1st frame)")?;
    table(pkg, &ON_DEMAND, "photo decoder (on demand)")?;
    println!(
        "{}",
        budget_line(first_scan.brotli, FIRST_SCAN_BUDGET_BROTLI)
    );
    Ok(())
}

/// One line saying how the first-scan transfer compares with its budget.
fn budget_line(brotli: usize, budget: usize) -> String {
    let kb = |bytes: usize| bytes as f64 / 1024.0;
    if brotli <= budget {
        format!(
            "first-scan budget: {:.1} KB of {:.0} KB brotli (within, {:.1} KB to spare)",
            kb(brotli),
            kb(budget),
            kb(budget - brotli)
        )
    } else {
        format!(
            "first-scan budget: {:.1} KB of {:.0} KB brotli (OVER by {:.1} KB)",
            kb(brotli),
            kb(budget),
            kb(brotli - budget)
        )
    }
}

fn table(pkg: &Path, files: &[&str], label: &str) -> Result<Sizes> {
    let mut total = Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for &name in files {
        let Ok(bytes) = fs::read(pkg.join(name)) else {
            continue;
        };
        let s = measure(&bytes)?;
        println!("{name:<28} {:>10} {:>10} {:>10}", s.raw, s.gzip, s.brotli);
        total.raw += s.raw;
        total.gzip += s.gzip;
        total.brotli += s.brotli;
    }
    println!(
        "{label:<28} {:>10} {:>10} {:>10}",
        total.raw, total.gzip, total.brotli
    );
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::budget_line;

    #[test]
    fn the_budget_line_says_within_or_over_and_by_how_much() {
        assert_eq!(
            budget_line(80 * 1024, 90 * 1024),
            "first-scan budget: 80.0 KB of 90 KB brotli (within, 10.0 KB to spare)"
        );
        assert_eq!(
            budget_line(100 * 1024 + 512, 90 * 1024),
            "first-scan budget: 100.5 KB of 90 KB brotli (OVER by 10.5 KB)"
        );
    }
}
