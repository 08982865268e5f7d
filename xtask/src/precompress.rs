//! Brotli and gzip copies of the release build's text and wasm files (`x.wasm.br`,
//! `x.wasm.gz`), which the reference server sends to browsers that accept them: compressed once
//! at the highest levels here rather than on every request.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Files worth compressing (PNG is compressed already).
const EXTENSIONS: [&str; 6] = ["html", "js", "css", "wasm", "webmanifest", "svg"];

/// Writes `<file>.br` and `<file>.gz` beside every compressible file of `pkg` where they are
/// smaller than the file.
pub fn precompress(pkg: &Path) -> Result<()> {
    for entry in fs::read_dir(pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let path = entry?.path();
        let compressible = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| EXTENSIONS.contains(&ext));
        if !compressible || !path.is_file() {
            continue;
        }
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        for (suffix, compressed) in [("br", brotli(&bytes)?), ("gz", gzip(&bytes)?)] {
            if compressed.len() < bytes.len() {
                let mut name = path.clone().into_os_string();
                name.push(".");
                name.push(suffix);
                fs::write(&name, compressed)?;
            }
        }
    }
    Ok(())
}

/// Brotli at quality 11, window 22: as `sizes` measures the first scan.
fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    Ok(gz.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn compressed_copies_decode_to_the_file_and_small_or_binary_files_get_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = "export const greeting = 'xin chào';\n".repeat(200);
        fs::write(dir.path().join("main.js"), &script).expect("write");
        fs::write(dir.path().join("icon-192.png"), script.as_bytes()).expect("write");
        fs::write(dir.path().join("tiny.css"), "a{}").expect("write");
        precompress(dir.path()).expect("precompress");

        let br = fs::read(dir.path().join("main.js.br")).expect("br written");
        let mut decoded = String::new();
        brotli::Decompressor::new(br.as_slice(), 4096)
            .read_to_string(&mut decoded)
            .expect("brotli");
        assert_eq!(decoded, script);
        let gz = fs::read(dir.path().join("main.js.gz")).expect("gz written");
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_string(&mut decoded)
            .expect("gzip");
        assert_eq!(decoded, script);

        assert!(!dir.path().join("icon-192.png.br").exists());
        assert!(!dir.path().join("tiny.css.br").exists());
        assert!(!dir.path().join("tiny.css.gz").exists());
    }
}
