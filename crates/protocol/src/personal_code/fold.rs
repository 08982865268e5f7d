//! Vietnamese names in the personal code's form: capitals without diacritics.
//!
//! A small table rather than a general transliteration crate (`deunicode`): the code only ever
//! holds Vietnamese names, the 67 accented letters below (every vowel with every tone, and đ)
//! are all it needs, and a table for all of Unicode would weigh tens of kilobytes in the
//! widget's wasm for nothing.

/// Each base letter and the accented letters that fold to it (lower case; upper case input is
/// lowered first).
const FOLDS: [(char, &str); 7] = [
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
    ('d', "đ"),
];

/// Combining diacritics: keyboards that emit decomposed (NFD) text send tone and vowel marks
/// as separate characters, which simply go.
fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// One letter without its Vietnamese diacritics, in capitals; other characters are only
/// upper-cased.
fn fold_char(c: char, out: &mut String) {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let base = FOLDS
        .iter()
        .find(|(_, accented)| accented.contains(lower))
        .map_or(lower, |(base, _)| *base);
    out.extend(base.to_uppercase());
}

/// `name` in capitals without diacritics, its whitespace collapsed to single spaces:
/// "Nguyễn Thị  Ánh" → "NGUYEN THI ANH", "Đặng" → "DANG".
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().filter(|&c| !is_combining_mark(c)) {
            fold_char(c, &mut out);
        }
    }
    out
}
