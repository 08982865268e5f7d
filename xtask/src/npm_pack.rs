//! `npm pack` of the release build's `pkg/` into `<target>/npm/`: the publishable package, with
//! its size printed and every file its `files` names checked to be in it (npm silently skips a
//! name that matches nothing).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::build::{target_dir, PACKAGE_FILES};

/// Where `cargo xtask build --release` leaves the package's tarball (the end-to-end test
/// installs it from there, `VAORA_NPM_TARBALL`).
pub fn tarball(root: &Path) -> PathBuf {
    target_dir(root)
        .join("npm")
        .join(format!("vaora-{}.tgz", env!("CARGO_PKG_VERSION")))
}

/// Packs `pkg` with npm into [`tarball`]'s folder and prints its size.
pub fn pack(root: &Path, pkg: &Path) -> Result<PathBuf> {
    let tarball = tarball(root);
    let out = tarball.parent().unwrap_or(root);
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let output = Command::new("npm")
        .args(["pack", "--json", "--ignore-scripts", "--pack-destination"])
        .arg(out)
        .current_dir(pkg)
        .output()
        .map_err(|err| {
            anyhow!("npm is required to pack pkg/ (install Node.js 20+ with npm): {err}")
        })?;
    if !output.status.success() {
        bail!(
            "`npm pack` in {} failed ({}):\n{}",
            pkg.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let packed = Packed::from_json(&String::from_utf8_lossy(&output.stdout))?;
    let missing = packed.missing(&PACKAGE_FILES);
    if !missing.is_empty() {
        // An incomplete package is not left where the end-to-end test would install it.
        let _ = fs::remove_file(out.join(&packed.filename));
        bail!(
            "the npm package lacks files its package.json lists (not built into pkg/?): {}",
            missing.join(", ")
        );
    }
    if out.join(&packed.filename) != tarball {
        bail!(
            "npm wrote {}, expected {}",
            packed.filename,
            tarball.display()
        );
    }
    let shown = tarball.strip_prefix(root).unwrap_or(&tarball);
    println!("{}", packed.summary(shown));
    Ok(tarball)
}

/// What `npm pack --json` says of the one package it packed.
#[derive(Debug, PartialEq)]
struct Packed {
    filename: String,
    size: u64,
    unpacked_size: u64,
    files: Vec<String>,
}

impl Packed {
    /// Reads `npm pack --json`'s answer: an array with one object per package.
    fn from_json(json: &str) -> Result<Packed> {
        let value: Value = serde_json::from_str(json).context("reading `npm pack --json`")?;
        let package = value
            .get(0)
            .ok_or_else(|| anyhow!("`npm pack --json` listed no package"))?;
        let number = |field: &str| {
            package[field]
                .as_u64()
                .ok_or_else(|| anyhow!("`npm pack --json` gave no `{field}`"))
        };
        let filename = package["filename"]
            .as_str()
            .ok_or_else(|| anyhow!("`npm pack --json` gave no `filename`"))?
            .to_owned();
        let files = package["files"]
            .as_array()
            .ok_or_else(|| anyhow!("`npm pack --json` gave no `files`"))?
            .iter()
            .filter_map(|file| file["path"].as_str().map(str::to_owned))
            .collect();
        Ok(Packed {
            filename,
            size: number("size")?,
            unpacked_size: number("unpackedSize")?,
            files,
        })
    }

    /// The `files` patterns (a name, or one `*` wildcard) that no packed file matches.
    fn missing<'a>(&self, patterns: &[&'a str]) -> Vec<&'a str> {
        patterns
            .iter()
            .copied()
            .filter(|pattern| !self.files.iter().any(|file| matches(pattern, file)))
            .collect()
    }

    /// The line the build prints, e.g. `npm package: target/npm/vaora-0.1.0.tgz 612.3 KB
    /// packed, 1.9 MB unpacked, 41 files`.
    fn summary(&self, path: &Path) -> String {
        format!(
            "npm package: {} {} packed, {} unpacked, {} files",
            path.display(),
            size(self.size),
            size(self.unpacked_size),
            self.files.len()
        )
    }
}

/// Whether the top-level file `name` matches `pattern`, a name with at most one `*`.
fn matches(pattern: &str, name: &str) -> bool {
    if name.contains('/') {
        return false;
    }
    match pattern.split_once('*') {
        Some((start, end)) => {
            name.len() >= start.len() + end.len() && name.starts_with(start) && name.ends_with(end)
        }
        None => pattern == name,
    }
}

/// Bytes in KB below a megabyte, in MB from there (binary units, as the size report).
fn size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let bytes = bytes as f64;
    if bytes < KB * KB {
        format!("{:.1} KB", bytes / KB)
    } else {
        format!("{:.1} MB", bytes / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `npm pack --json` (npm 11) for a package of three files, shortened.
    const NPM_PACK_JSON: &str = r#"[
      {
        "id": "vaora@0.1.0",
        "name": "vaora",
        "version": "0.1.0",
        "size": 626995,
        "unpackedSize": 1992294,
        "shasum": "900101aff75c16f87216501c3f43bd6b2901f22b",
        "filename": "vaora-0.1.0.tgz",
        "files": [
          { "path": "README.md", "size": 3, "mode": 420 },
          { "path": "split_venue.wasm", "size": 2, "mode": 420 },
          { "path": "widget.js", "size": 2, "mode": 420 },
          { "path": "package.json", "size": 52, "mode": 420 }
        ],
        "entryCount": 4,
        "bundled": []
      }
    ]"#;

    #[test]
    fn npm_pack_json_gives_the_printed_line() {
        let packed = Packed::from_json(NPM_PACK_JSON).expect("parses");
        assert_eq!(packed.filename, "vaora-0.1.0.tgz");
        assert_eq!(
            packed.summary(Path::new("target/npm/vaora-0.1.0.tgz")),
            "npm package: target/npm/vaora-0.1.0.tgz 612.3 KB packed, 1.9 MB unpacked, 4 files"
        );
    }

    #[test]
    fn an_answer_without_sizes_is_an_error() {
        assert!(Packed::from_json("[]").is_err());
        assert!(Packed::from_json(r#"[{"filename": "vaora-0.1.0.tgz", "files": []}]"#).is_err());
        assert!(Packed::from_json("npm warn something").is_err());
    }

    #[test]
    fn files_the_package_json_lists_but_npm_did_not_pack_are_named() {
        let packed = Packed::from_json(NPM_PACK_JSON).expect("parses");
        assert_eq!(
            packed.missing(&["widget.js", "split_*.wasm", "chunk_*.wasm", "vaora.js"]),
            ["chunk_*.wasm", "vaora.js"]
        );
    }

    #[test]
    fn patterns_match_whole_top_level_names() {
        assert!(matches("split_*.wasm", "split_venue.wasm"));
        assert!(matches("*.d.ts", "widget.d.ts"));
        assert!(!matches("split_*.wasm", "split_venue.wasm.br"));
        assert!(!matches("*.d.ts", "embed/demo.d.ts"));
        assert!(!matches("vaora.js", "vaora.js.gz"));
        // The wildcard cannot overlap the ends: "a*a" needs two a's.
        assert!(!matches("a*a", "a"));
    }

    #[test]
    fn sizes_are_in_kb_then_mb() {
        assert_eq!(size(512), "0.5 KB");
        assert_eq!(size(1024 * 1023), "1023.0 KB");
        assert_eq!(size(1024 * 1024 * 3 / 2), "1.5 MB");
    }
}
