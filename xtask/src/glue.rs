//! Trims wasm-bindgen's JS glue of the UI, which the first scan downloads: the classes of the
//! stream adapters whose wasm exports the build drops (`build::UNUSED_EXPORTS`) would
//! otherwise stay in `vaora.js` (≈ 0.3 KB brotli nothing can call), and the imports' names.
//! wasm-bindgen names each of the ≈ 220 browser functions the module imports like
//! `__wbg_createElement_5a3f0e0b9c21d7e4`; every name is written twice, in the wasm's import
//! section and as a key of the JS imports object, and their hashes do not compress. Renaming
//! them `a`, `b`, … `aB` in both saves about 2 KB brotli.

use std::fs;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

/// The JS classes of wasm-streams' adapters.
const UNUSED_CLASSES: [&str; 3] = [
    "IntoUnderlyingByteSource",
    "IntoUnderlyingSink",
    "IntoUnderlyingSource",
];

/// Renames the imports of `wasm` from its JS glue module `js_module` (e.g. `./vaora_bg.js`)
/// to short names, in `wasm` and in the glue `js`, in place. Each old name must be in the glue
/// exactly once (as the key of its import), or nothing is renamed.
pub fn shorten_import_names(wasm: &Path, js: &Path, js_module: &str) -> Result<()> {
    let mut module = walrus::Module::from_file(wasm)
        .map_err(|err| anyhow!("reading {}: {err:#}", wasm.display()))?;
    let mut glue = fs::read_to_string(js).with_context(|| format!("reading {}", js.display()))?;
    let renames: Vec<(walrus::ImportId, String, String)> = module
        .imports
        .iter()
        .filter(|import| import.module == js_module)
        .enumerate()
        .map(|(index, import)| (import.id(), import.name.clone(), short_name(index)))
        .collect();
    for (_, old, new) in &renames {
        glue = rename_key(&glue, old, new)?;
    }
    for (id, _, new) in renames {
        module.imports.get_mut(id).name = new;
    }
    module
        .emit_wasm_file(wasm)
        .map_err(|err| anyhow!("writing {}: {err:#}", wasm.display()))?;
    fs::write(js, glue)?;
    Ok(())
}

/// `a` … `z`, `A` … `Z`, then `aa`, `ba`, …: the shortest distinct identifiers.
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = String::new();
    loop {
        name.push(char::from(LETTERS[index % LETTERS.len()]));
        index /= LETTERS.len();
        if index == 0 {
            return name;
        }
        index -= 1;
    }
}

/// `glue` with the one whole-word occurrence of `old` replaced by `new`.
fn rename_key(glue: &str, old: &str, new: &str) -> Result<String> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let found: Vec<usize> = glue
        .match_indices(old)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = glue[..at].chars().next_back();
            let after = glue[at + old.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .collect();
    match found.as_slice() {
        [at] => Ok(format!("{}{new}{}", &glue[..*at], &glue[at + old.len()..])),
        _ => bail!(
            "the import {old} is in the JS glue {} times, not once: update xtask/src/glue.rs",
            found.len()
        ),
    }
}

/// Removes the [`UNUSED_CLASSES`] from the glue `js` and their declarations from `ts`, in place.
pub fn strip_unused_classes(js: &Path, ts: &Path) -> Result<()> {
    let glue = fs::read_to_string(js).with_context(|| format!("reading {}", js.display()))?;
    fs::write(js, strip_js(&glue)?)?;
    let types = fs::read_to_string(ts).with_context(|| format!("reading {}", ts.display()))?;
    fs::write(ts, strip_ts(&types))?;
    Ok(())
}

/// The glue without the classes, their finalization registries and their `Symbol.dispose`
/// wiring; an error if any trace of them is left (wasm-bindgen changed its output).
fn strip_js(glue: &str) -> Result<String> {
    let mut glue = glue.to_owned();
    for class in UNUSED_CLASSES {
        glue = remove_statement(&glue, &format!("const {class}Finalization = "), ";\n");
        glue = remove_statement(
            &glue,
            &format!("if (Symbol.dispose) {class}.prototype[Symbol.dispose]"),
            ";\n",
        );
        glue = remove_block(&glue, &format!("export class {class} {{"));
        glue = remove_block(&glue, &format!("class {class} {{"));
        if glue.contains(class) {
            bail!("wasm-bindgen's glue still mentions {class}: update xtask/src/glue.rs");
        }
    }
    Ok(glue)
}

/// The type declarations without the classes (the `InitOutput` entries stay: they describe
/// the module as built before its exports were dropped, and nothing imports them).
fn strip_ts(types: &str) -> String {
    UNUSED_CLASSES
        .iter()
        .fold(types.to_owned(), |types, class| {
            remove_block(&types, &format!("export class {class} {{"))
        })
}

/// `text` without the statement that starts with `start` and ends at the first `end` after it.
fn remove_statement(text: &str, start: &str, end: &str) -> String {
    let Some(from) = text.find(start) else {
        return text.to_owned();
    };
    match text[from..].find(end) {
        Some(length) => format!("{}{}", &text[..from], &text[from + length + end.len()..]),
        None => text.to_owned(),
    }
}

/// `text` without the block that opens with `opening` and closes with the first `}` at the
/// start of a line after it (wasm-bindgen indents everything inside a class).
fn remove_block(text: &str, opening: &str) -> String {
    let Some(from) = text.find(opening) else {
        return text.to_owned();
    };
    match text[from..].find("\n}\n") {
        Some(length) => format!("{}{}", &text[..from], &text[from + length + 3..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "const keep = 1;\n\
const IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')\n    \
? { register: () => {}, unregister: () => {} }\n    \
: new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsink_free(ptr >>> 0, 1));\n\
export class IntoUnderlyingSink {\n    free() {\n        wasm.x();\n    }\n}\n\
if (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;\n\
export class VaoraHandle {\n    unmount() {\n    }\n}\n";

    #[test]
    fn the_adapters_classes_go_and_the_rest_stays() {
        let mut glue = GLUE.to_owned();
        for class in ["IntoUnderlyingByteSource", "IntoUnderlyingSource"] {
            glue.push_str(&format!("export class {class} {{\n    a() {{}}\n}}\n"));
        }
        let stripped = strip_js(&glue).expect("stripped");
        assert_eq!(
            stripped,
            "const keep = 1;\nexport class VaoraHandle {\n    unmount() {\n    }\n}\n"
        );
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(names[..3], ["a", "b", "c"]);
        assert_eq!(names[51], "Z");
        assert_eq!(names[52], "aa");
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names
            .iter()
            .all(|name| name.chars().all(|c| c.is_ascii_alphabetic())));
    }

    #[test]
    fn an_import_key_is_renamed_once_and_only_whole() {
        let glue = "imports.wbg = { __wbg_x_1: function() {}, __wbg_x_12: function() {} };";
        let renamed = rename_key(glue, "__wbg_x_1", "a").expect("renamed");
        assert_eq!(
            renamed,
            "imports.wbg = { a: function() {}, __wbg_x_12: function() {} };"
        );
        assert!(rename_key(glue, "__wbg_y", "b").is_err(), "absent");
        assert!(
            rename_key("f(__wbg_x_1); g(__wbg_x_1)", "__wbg_x_1", "a").is_err(),
            "used twice"
        );
    }

    #[test]
    fn a_trace_left_behind_is_an_error() {
        let glue = format!("{GLUE}const s = IntoUnderlyingSource;\n");
        assert!(strip_js(&glue).is_err());
    }
}
