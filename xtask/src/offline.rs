//! What makes the built app work offline: the service worker stamped with the build's files
//! and a hash of them (`www/sw.js`: a new release gets a new cache, which replaces the old one),
//! and the home-screen icons the web app manifest names.

use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The service worker in `pkg/`; it is not part of the shell it caches.
const SERVICE_WORKER: &str = "sw.js";
/// Placeholders in `www/sw.js` (inside string literals, so minifying keeps them).
const BUILD_TOKEN: &str = "__VAORA_BUILD__";
const SHELL_TOKEN: &str = "__VAORA_SHELL__";
/// Kinds of files the page may load: everything else in `pkg/` (typings, package.json,
/// precompressed copies) is for developers or the server.
const SHELL_EXTENSIONS: [&str; 7] = ["html", "js", "css", "wasm", "webmanifest", "svg", "png"];

/// The files of `pkg` the page may load, sorted: what the service worker caches.
pub fn shell_files(pkg: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && name != SERVICE_WORKER && in_shell(&name) {
            files.push(name);
        }
    }
    files.sort();
    Ok(files)
}

fn in_shell(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| SHELL_EXTENSIONS.contains(&ext))
}

/// A name for the build: FNV-1a over the shell's names and contents, so identical builds share a
/// cache and any change to any file gives a new one.
pub fn build_id(pkg: &Path, files: &[String]) -> Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for name in files {
        feed(name.as_bytes());
        feed(&[0]);
        let bytes = fs::read(pkg.join(name)).with_context(|| format!("reading {name}"))?;
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    Ok(format!("{hash:016x}"))
}

/// Writes the build's id and its shell files into `pkg/sw.js` (after minifying: the hash is
/// over the files as served).
pub fn stamp_service_worker(pkg: &Path) -> Result<()> {
    let files = shell_files(pkg)?;
    let id = build_id(pkg, &files)?;
    let path = pkg.join(SERVICE_WORKER);
    let source =
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    fs::write(&path, stamp(&source, &id, &files)?)?;
    Ok(())
}

/// `source` with the placeholders replaced: the shell as names separated by spaces (the worker
/// splits them; file names of the build have none).
fn stamp(source: &str, id: &str, files: &[String]) -> Result<String> {
    if !source.contains(BUILD_TOKEN) || !source.contains(SHELL_TOKEN) {
        bail!("{SERVICE_WORKER} lacks its {BUILD_TOKEN} or {SHELL_TOKEN} placeholder");
    }
    if let Some(name) = files
        .iter()
        .find(|name| name.contains([' ', '\'', '"', '\\']))
    {
        bail!("{name:?}: a shell file name must not need quoting");
    }
    Ok(source
        .replace(BUILD_TOKEN, id)
        .replace(SHELL_TOKEN, &files.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    const SW: &str = "const BUILD='__VAORA_BUILD__';const SHELL='__VAORA_SHELL__'.split(' ');";

    #[test]
    fn the_shell_is_what_the_page_loads_and_not_the_worker_itself() {
        let pkg = pkg_with(&[
            ("index.html", "<p>"),
            ("vaora.js", "x"),
            ("vaora_bg.wasm", "w"),
            ("split_venue.wasm", "c"),
            ("vaora.d.ts", "t"),
            ("package.json", "{}"),
            ("vaora.js.br", "b"),
            ("manifest.webmanifest", "{}"),
            ("icon-192.png", "p"),
            ("sw.js", SW),
        ]);
        assert_eq!(
            shell_files(pkg.path()).expect("list"),
            [
                "icon-192.png",
                "index.html",
                "manifest.webmanifest",
                "split_venue.wasm",
                "vaora.js",
                "vaora_bg.wasm"
            ]
        );
    }

    #[test]
    fn a_new_build_gets_a_new_cache_and_the_same_build_keeps_it() {
        let files = [
            ("index.html", "<p>"),
            ("vaora_bg.wasm", "one"),
            ("sw.js", SW),
        ];
        let id = |files: &[(&str, &str)]| {
            let pkg = pkg_with(files);
            stamp_service_worker(pkg.path()).expect("stamp");
            fs::read_to_string(pkg.path().join("sw.js")).expect("read")
        };
        let first = id(&files);
        assert_eq!(first, id(&files));
        let changed = id(&[
            ("index.html", "<p>"),
            ("vaora_bg.wasm", "two"),
            ("sw.js", SW),
        ]);
        assert_ne!(first, changed);
        assert!(!first.contains(BUILD_TOKEN) && !first.contains(SHELL_TOKEN));
        assert!(
            first.contains("'index.html vaora_bg.wasm'.split(' ')"),
            "{first}"
        );
    }

    #[test]
    fn a_worker_without_placeholders_is_an_error() {
        assert!(stamp("const SHELL = [];", "0", &[]).is_err());
        let quoted = ["it's.js".to_owned()];
        assert!(stamp(SW, "0", &quoted).is_err());
    }
}
