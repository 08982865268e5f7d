//! Transfer sizes of the built app (raw, gzip -9, brotli q11), as a phone on 3G pays them.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Result;

/// What the citizen page loads before the first scan.
const FIRST_SCAN: [&str; 9] = [
    "index.html",
    "main.js",
    "style.css",
    "vaora.js",
    "vaora_bg.wasm",
    "worker-host.js",
    "scan-worker.js",
    "vaora_scan_worker.js",
    "vaora_scan_worker_bg.wasm",
];

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

/// Prints the first-scan files with their total, then the on-demand photo decoder.
pub fn report(pkg: &Path) -> Result<()> {
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    table(pkg, &FIRST_SCAN, "total to first scan")?;
    table(pkg, &ON_DEMAND, "photo decoder (on demand)")
}

fn table(pkg: &Path, files: &[&str], label: &str) -> Result<()> {
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
    Ok(())
}
