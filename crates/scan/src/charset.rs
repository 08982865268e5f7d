//! Payload bytes → text, in the character set the code declares or, without a declaration, the
//! one its bytes point to.
//!
//! rqrr reports each data segment's mode and the ECI (Extended Channel Interpretation) in force
//! for it. Each segment's bytes get a charset:
//! - numeric and alphanumeric segments are ASCII whatever the ECI;
//! - Kanji segments are Shift_JIS (ISO/IEC 18004 defines Kanji mode on Shift_JIS values);
//! - byte segments take the charset their ECI names ([`Charset::for_eci`]: ISO-8859-1 for 1
//!   and 3, Shift_JIS for 20, UTF-8 for 26, … every one the WHATWG Encoding Standard has); an
//!   ECI that names none (CP437, binary 899, unassigned) leaves the whole payload raw;
//! - byte segments before any ECI share one guess, made over all their bytes: Shift_JIS when
//!   the code also has Kanji segments and the bytes are well-formed Shift_JIS, else UTF-8 when
//!   they are valid UTF-8 (which covers ASCII), else zxing's choice between Shift_JIS and
//!   ISO-8859-1 (the QR default), else raw.
//!
//! So a payload that mixes byte segments under different ECIs is decoded piece by piece, each
//! in its own charset, and the pieces concatenated: [`CharsetRun`]s. The raw bytes are always
//! kept; when any piece is not valid in its charset there is no text.
//!
//! UTF-8, ISO-8859-1 and US-ASCII are decoded here in every build. The others need tables
//! (Shift_JIS alone is ~15 KB compressed, more than half the frame decoder) and come from
//! `encoding_rs` with the `charsets` feature, which native builds have by default. The wasm
//! workers build without it and hand such runs to the browser, whose `TextDecoder` knows every
//! WHATWG encoding (`www/worker-host.js`).

use std::ops::Range;

/// A character set, named by its label in the WHATWG Encoding Standard (what `TextDecoder`
/// and `encoding_rs` accept), except that [`Charset::ISO_8859_1`] means ISO-8859-1 itself
/// (every byte is the code point of the same value), where that standard decodes the label as
/// windows-1252.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charset(&'static str);

impl Charset {
    pub const UTF_8: Charset = Charset("utf-8");
    pub const ISO_8859_1: Charset = Charset("iso-8859-1");
    pub const US_ASCII: Charset = Charset("us-ascii");
    pub const SHIFT_JIS: Charset = Charset("shift_jis");
    const UTF_16BE: Charset = Charset("utf-16be");

    /// The WHATWG label.
    pub fn label(self) -> &'static str {
        self.0
    }

    /// The charset an ECI assignment number names, per the AIM ECI register, for those the
    /// WHATWG Encoding Standard has (ISO-8859-9 and -11 by their windows-1254 and -874
    /// supersets). `None` for CP437 (0, 2), binary (899) and the rest.
    pub fn for_eci(eci: u32) -> Option<Charset> {
        let label = match eci {
            1 | 3 => return Some(Charset::ISO_8859_1),
            4 => "iso-8859-2",
            5 => "iso-8859-3",
            6 => "iso-8859-4",
            7 => "iso-8859-5",
            8 => "iso-8859-6",
            9 => "iso-8859-7",
            10 => "iso-8859-8",
            11 => "iso-8859-9",
            12 => "iso-8859-10",
            13 => "iso-8859-11",
            15 => "iso-8859-13",
            16 => "iso-8859-14",
            17 => "iso-8859-15",
            18 => "iso-8859-16",
            20 => return Some(Charset::SHIFT_JIS),
            21 => "windows-1250",
            22 => "windows-1251",
            23 => "windows-1252",
            24 => "windows-1256",
            25 => return Some(Charset::UTF_16BE),
            26 => return Some(Charset::UTF_8),
            27 | 170 => return Some(Charset::US_ASCII),
            28 => "big5",
            29 => "gb18030",
            30 => "euc-kr",
            _ => return None,
        };
        Some(Charset(label))
    }

    /// Whether ASCII bytes mean ASCII in this charset, so ASCII segments can join its runs.
    fn is_ascii_compatible(self) -> bool {
        self != Charset::UTF_16BE
    }

    /// Decodes `bytes` in this charset, with this build's decoders.
    fn decode(self, bytes: &[u8]) -> Decoding {
        match self {
            Charset::ISO_8859_1 => Decoding::Text(bytes.iter().map(|&b| char::from(b)).collect()),
            Charset::US_ASCII if !bytes.is_ascii() => Decoding::Invalid,
            Charset::UTF_8 | Charset::US_ASCII => std::str::from_utf8(bytes)
                .map_or(Decoding::Invalid, |text| Decoding::Text(text.to_owned())),
            _ => self.decode_with_tables(bytes),
        }
    }

    #[cfg(feature = "charsets")]
    fn decode_with_tables(self, bytes: &[u8]) -> Decoding {
        match encoding_rs::Encoding::for_label(self.0.as_bytes()) {
            Some(encoding) => encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map_or(Decoding::Invalid, |text| Decoding::Text(text.into_owned())),
            None => Decoding::Unsupported,
        }
    }

    #[cfg(not(feature = "charsets"))]
    fn decode_with_tables(self, _bytes: &[u8]) -> Decoding {
        Decoding::Unsupported
    }
}

/// What decoding one run gave.
#[derive(Debug, PartialEq, Eq)]
enum Decoding {
    Text(String),
    /// The bytes are not valid in the charset.
    Invalid,
    /// This build has no decoder for the charset.
    Unsupported,
}

/// A stretch of a payload's bytes in one charset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CharsetRun {
    pub charset: Charset,
    /// Byte range in the payload.
    pub range: Range<usize>,
}

/// A payload read as text: see [`crate::Decoded`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Interpretation {
    pub text: Option<String>,
    pub charsets: Vec<CharsetRun>,
}

impl Interpretation {
    fn raw() -> Self {
        Self {
            text: None,
            charsets: Vec::new(),
        }
    }
}

/// Reads `bytes`, written by rqrr as `segments` describe, as text.
pub(crate) fn interpret(bytes: &[u8], segments: &[rqrr::Segment]) -> Interpretation {
    interpret_with(bytes, segments, Charset::decode)
}

/// [`interpret`] with the given decoder, so tests can stand in for a build without tables.
fn interpret_with(
    bytes: &[u8],
    segments: &[rqrr::Segment],
    decode: impl Fn(Charset, &[u8]) -> Decoding,
) -> Interpretation {
    let Some(runs) = runs(bytes, segments) else {
        return Interpretation::raw();
    };
    let mut text = String::new();
    let mut complete = true;
    for run in &runs {
        let Some(part) = bytes.get(run.range.clone()) else {
            return Interpretation::raw();
        };
        match decode(run.charset, part) {
            Decoding::Text(part) => text.push_str(&part),
            Decoding::Invalid => return Interpretation::raw(),
            // Someone with a decoder for it (the browser) can still read it: keep the runs.
            Decoding::Unsupported => complete = false,
        }
    }
    Interpretation {
        text: complete.then_some(text),
        charsets: runs,
    }
}

/// The payload as runs of charsets, adjacent ones merged; `None` when some part of it is in
/// no charset we can name (keep it raw).
fn runs(bytes: &[u8], segments: &[rqrr::Segment]) -> Option<Vec<CharsetRun>> {
    // One guess for all the byte segments that come before any ECI.
    let undeclared = || {
        let mut data = Vec::new();
        let mut kanji = false;
        for segment in segments.iter().filter(|s| s.eci.is_none()) {
            match segment.mode {
                rqrr::Mode::Byte => data.extend_from_slice(bytes.get(segment.range.clone())?),
                rqrr::Mode::Kanji => kanji = true,
                _ => {}
            }
        }
        guess(&data, kanji)
    };
    let mut default = None;
    let mut runs: Vec<CharsetRun> = Vec::new();
    for segment in segments.iter().filter(|s| !s.range.is_empty()) {
        let charset = match (segment.mode, segment.eci) {
            (rqrr::Mode::Numeric | rqrr::Mode::Alphanumeric, _) => Charset::US_ASCII,
            (rqrr::Mode::Kanji, _) => Charset::SHIFT_JIS,
            (rqrr::Mode::Byte, Some(eci)) => Charset::for_eci(eci)?,
            (rqrr::Mode::Byte, None) => *default.get_or_insert_with(undeclared).as_ref()?,
            _ => return None,
        };
        // ASCII runs may join a neighbour's charset (`push_run`), so they must be ASCII.
        if charset == Charset::US_ASCII && !bytes.get(segment.range.clone())?.is_ascii() {
            return None;
        }
        push_run(&mut runs, charset, segment.range.clone());
    }
    Some(runs)
}

/// Appends a run, joining it to the previous one when one charset reads both.
fn push_run(runs: &mut Vec<CharsetRun>, charset: Charset, range: Range<usize>) {
    if let Some(last) = runs.last_mut().filter(|last| last.range.end == range.start) {
        let joined = if last.charset == charset
            || (charset == Charset::US_ASCII && last.charset.is_ascii_compatible())
        {
            Some(last.charset)
        } else if last.charset == Charset::US_ASCII && charset.is_ascii_compatible() {
            Some(charset)
        } else {
            None
        };
        if let Some(joined) = joined {
            last.charset = joined;
            last.range.end = range.end;
            return;
        }
    }
    runs.push(CharsetRun { charset, range });
}

/// The charset of byte-mode data that declares none. `kanji`: the code also has Kanji
/// segments, so it comes from a Shift_JIS world.
fn guess(bytes: &[u8], kanji: bool) -> Option<Charset> {
    let sjis = ShiftJisScan::of(bytes);
    if kanji && sjis.valid {
        return Some(Charset::SHIFT_JIS);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Some(Charset::UTF_8);
    }
    // zxing's StringUtils.guessEncoding, from here on. C1 controls are not text.
    let latin1_valid = !bytes.iter().any(|b| (0x80..0xa0).contains(b));
    if sjis.valid && (sjis.longest_katakana_word >= 3 || sjis.longest_double_byte_word >= 3) {
        return Some(Charset::SHIFT_JIS);
    }
    if latin1_valid && sjis.valid {
        // Hard to tell apart on short words: ISO-8859-1 unless it would be mostly symbols.
        let latin1_odd = bytes
            .iter()
            .filter(|&&b| b >= 0xa0 && (b < 0xc0 || b == 0xd7 || b == 0xf7))
            .count();
        let two_katakana = sjis.longest_katakana_word == 2 && sjis.katakana == 2;
        return Some(if two_katakana || latin1_odd * 10 >= bytes.len() {
            Charset::SHIFT_JIS
        } else {
            Charset::ISO_8859_1
        });
    }
    if latin1_valid {
        Some(Charset::ISO_8859_1)
    } else if sjis.valid {
        Some(Charset::SHIFT_JIS)
    } else {
        None
    }
}

/// Whether bytes are well-formed Shift_JIS (by byte ranges alone: no table), and how
/// Japanese-looking they are.
#[derive(Debug, Default)]
struct ShiftJisScan {
    valid: bool,
    /// Half-width katakana characters.
    katakana: usize,
    longest_katakana_word: usize,
    longest_double_byte_word: usize,
}

impl ShiftJisScan {
    fn of(bytes: &[u8]) -> Self {
        let mut scan = ShiftJisScan {
            valid: true,
            ..Self::default()
        };
        let (mut katakana_word, mut double_byte_word) = (0, 0);
        let mut trail_expected = false;
        for &b in bytes {
            if trail_expected {
                if b < 0x40 || b == 0x7f || b > 0xfc {
                    scan.valid = false;
                    return scan;
                }
                trail_expected = false;
            } else if b == 0x80 || b == 0xa0 || b > 0xef {
                scan.valid = false;
                return scan;
            } else if (0xa1..0xe0).contains(&b) {
                scan.katakana += 1;
                double_byte_word = 0;
                katakana_word += 1;
                scan.longest_katakana_word = scan.longest_katakana_word.max(katakana_word);
            } else if b > 0x7f {
                trail_expected = true;
                katakana_word = 0;
                double_byte_word += 1;
                scan.longest_double_byte_word = scan.longest_double_byte_word.max(double_byte_word);
            } else {
                katakana_word = 0;
                double_byte_word = 0;
            }
        }
        scan.valid = !trail_expected;
        scan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Decoded;
    use crate::test_render::render;
    use qrcode::bits::Bits;
    use qrcode::{EcLevel, QrCode, Version};

    /// "テスト" in Shift_JIS.
    const TESUTO: &[u8] = b"\x83\x65\x83\x58\x83\x67";

    // Without the `charsets` feature the Shift_JIS tests, which use every piece, are left out.
    #[cfg_attr(not(feature = "charsets"), allow(dead_code))]
    enum Piece<'a> {
        Eci(u32),
        Alphanumeric(&'a [u8]),
        Byte(&'a [u8]),
        Kanji(&'a [u8]),
    }

    /// Renders a code built from the pieces (smallest version that fits) and decodes the
    /// picture with the whole pipeline.
    fn scan(pieces: &[Piece]) -> Decoded {
        let code = (1..=40)
            .find_map(|version| {
                let mut bits = Bits::new(Version::Normal(version));
                for piece in pieces {
                    match piece {
                        Piece::Eci(eci) => bits.push_eci_designator(*eci),
                        Piece::Alphanumeric(data) => bits.push_alphanumeric_data(data),
                        Piece::Byte(data) => bits.push_byte_data(data),
                        Piece::Kanji(data) => bits.push_kanji_data(data),
                    }
                    .ok()?;
                }
                bits.push_terminator(EcLevel::M).ok()?;
                QrCode::with_bits(bits, EcLevel::M).ok()
            })
            .expect("the test data fits a QR code");
        scan_code(&code)
    }

    fn scan_code(code: &QrCode) -> Decoded {
        let mut found = crate::decode(&render(code, false));
        assert_eq!(found.len(), 1, "one code in the picture");
        found.remove(0)
    }

    fn run(charset: Charset, range: Range<usize>) -> CharsetRun {
        CharsetRun { charset, range }
    }

    #[test]
    fn eci_iso_8859_1() {
        for eci in [1, 3] {
            let found = scan(&[Piece::Eci(eci), Piece::Byte(b"caf\xe9 cr\xe8me")]);
            assert_eq!(found.bytes, b"caf\xe9 cr\xe8me");
            assert_eq!(found.text.as_deref(), Some("café crème"), "ECI {eci}");
            assert_eq!(found.charsets, [run(Charset::ISO_8859_1, 0..10)]);
        }
    }

    #[test]
    fn eci_iso_8859_1_keeps_c1_controls_as_code_points() {
        // Not windows-1252 (where 0x80 is €): ISO-8859-1 maps every byte to itself.
        let found = scan(&[Piece::Eci(3), Piece::Byte(b"\x80")]);
        assert_eq!(found.text.as_deref(), Some("\u{80}"));
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn eci_shift_jis() {
        let found = scan(&[Piece::Eci(20), Piece::Byte(TESUTO)]);
        assert_eq!(found.bytes, TESUTO);
        assert_eq!(found.text.as_deref(), Some("テスト"));
        assert_eq!(found.charsets, [run(Charset::SHIFT_JIS, 0..6)]);
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn kanji_mode_is_shift_jis() {
        let found = scan(&[Piece::Kanji(TESUTO)]);
        assert_eq!(found.bytes, TESUTO);
        assert_eq!(found.text.as_deref(), Some("テスト"));
        assert_eq!(found.charsets, [run(Charset::SHIFT_JIS, 0..6)]);
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn japanese_encoder_mix_of_kanji_byte_and_alphanumeric_segments() {
        // The qrcode crate, like Japanese encoders, puts Shift_JIS double-byte characters in
        // Kanji segments and the rest (ASCII, half-width katakana) in byte or alphanumeric ones.
        let text = "VAORA チェックイン: 東京都渋谷区 ｶﾌｪ 2F";
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        let code = QrCode::new(&sjis).expect("fits");
        let found = scan_code(&code);
        assert_eq!(found.bytes, &*sjis);
        assert_eq!(found.text.as_deref(), Some(text));
        assert_eq!(found.charsets, [run(Charset::SHIFT_JIS, 0..sjis.len())]);
    }

    #[test]
    fn utf8_without_eci() {
        let text = "Khai báo y tế: Nguyễn Văn Ánh";
        let found = scan(&[Piece::Byte(text.as_bytes())]);
        assert_eq!(found.text.as_deref(), Some(text));
        assert_eq!(found.charsets, [run(Charset::UTF_8, 0..text.len())]);
    }

    #[test]
    fn utf8_with_eci_26() {
        let text = "Đà Nẵng — 東京";
        let found = scan(&[Piece::Eci(26), Piece::Byte(text.as_bytes())]);
        assert_eq!(found.text.as_deref(), Some(text));
        assert_eq!(found.charsets, [run(Charset::UTF_8, 0..text.len())]);
    }

    #[test]
    fn bytes_invalid_in_their_declared_charset_are_kept_raw() {
        for pieces in [
            &[Piece::Eci(26), Piece::Byte(b"ok \xff\xfe")][..],
            &[Piece::Eci(27), Piece::Byte(b"ok \xe9")],
            // Not rescued by the UTF-8 segment after it, though these bytes are UTF-8 ("é").
            &[
                Piece::Eci(27),
                Piece::Byte(b"ok \xc3\xa9"),
                Piece::Eci(26),
                Piece::Byte(b"x"),
            ],
        ] {
            let found = scan(pieces);
            assert_eq!(found.bytes[..3], *b"ok ");
            assert_eq!(found.text, None);
            assert!(found.charsets.is_empty());
        }
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn malformed_shift_jis_under_eci_20_is_kept_raw() {
        // 0x85 0x40 is well-formed but unassigned in Shift_JIS.
        let found = scan(&[Piece::Eci(20), Piece::Byte(b"\x85\x40")]);
        assert_eq!(found.bytes, b"\x85\x40");
        assert_eq!(found.text, None);
    }

    #[test]
    fn unknown_or_binary_eci_keeps_the_bytes_raw() {
        for eci in [0, 2, 14, 899, 123_456] {
            let found = scan(&[Piece::Eci(eci), Piece::Byte(b"\x00\x01binary\xff")]);
            assert_eq!(found.bytes, b"\x00\x01binary\xff", "ECI {eci}");
            assert_eq!(found.text, None, "ECI {eci}");
            assert!(found.charsets.is_empty(), "ECI {eci}");
        }
    }

    #[test]
    fn an_unknown_eci_anywhere_leaves_the_whole_payload_raw() {
        let found = scan(&[Piece::Byte(b"text "), Piece::Eci(899), Piece::Byte(b"\x01")]);
        assert_eq!(found.bytes, b"text \x01");
        assert_eq!(found.text, None);
    }

    #[test]
    fn latin1_guessed_without_eci() {
        let found = scan(&[Piece::Byte(b"Caf\xe9 \xe0 Hu\xe9")]);
        assert_eq!(found.text.as_deref(), Some("Café à Hué"));
        assert_eq!(found.charsets, [run(Charset::ISO_8859_1, 0..10)]);
    }

    #[test]
    fn bytes_that_are_neither_utf8_latin1_nor_shift_jis_are_kept_raw() {
        let found = scan(&[Piece::Byte(b"\x80\x80\xff")]);
        assert_eq!(found.text, None);
        assert!(found.charsets.is_empty());
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn byte_segments_under_different_ecis_decode_piece_by_piece() {
        let found = scan(&[
            Piece::Byte(b"a "),
            Piece::Eci(3),
            Piece::Byte(b"\xe9 "),
            Piece::Eci(20),
            Piece::Byte(TESUTO),
            Piece::Alphanumeric(b" 42"),
            Piece::Eci(26),
            Piece::Byte(" ế".as_bytes()),
        ]);
        assert_eq!(found.text.as_deref(), Some("a é テスト 42 ế"));
        assert_eq!(
            found.charsets,
            [
                run(Charset::UTF_8, 0..2),
                run(Charset::ISO_8859_1, 2..4),
                // The alphanumeric " 42" joins the Shift_JIS run before it.
                run(Charset::SHIFT_JIS, 4..13),
                run(Charset::UTF_8, 13..17),
            ]
        );
    }

    #[test]
    fn without_tables_the_runs_are_left_for_the_browser() {
        // As in the wasm workers: only UTF-8, ISO-8859-1 and ASCII are decoded in Rust.
        let without_tables = |charset: Charset, bytes: &[u8]| match charset {
            Charset::UTF_8 | Charset::ISO_8859_1 | Charset::US_ASCII => charset.decode(bytes),
            _ => Decoding::Unsupported,
        };
        let segment = |mode, eci, range| rqrr::Segment { mode, eci, range };
        let bytes = [b"\xe9".as_slice(), TESUTO].concat();
        let segments = [
            segment(rqrr::Mode::Byte, Some(3), 0..1),
            segment(rqrr::Mode::Kanji, Some(3), 1..7),
        ];
        assert_eq!(
            interpret_with(&bytes, &segments, without_tables),
            Interpretation {
                text: None,
                charsets: vec![
                    run(Charset::ISO_8859_1, 0..1),
                    run(Charset::SHIFT_JIS, 1..7)
                ],
            }
        );
        // Bytes the build can check and finds invalid still make the payload raw.
        let segments = [
            segment(rqrr::Mode::Byte, Some(26), 0..1),
            segment(rqrr::Mode::Kanji, None, 1..7),
        ];
        assert_eq!(
            interpret_with(&bytes, &segments, without_tables),
            Interpretation::raw()
        );
    }

    #[test]
    fn empty_payload_is_empty_text() {
        assert_eq!(
            interpret(&[], &[]),
            Interpretation {
                text: Some(String::new()),
                charsets: vec![],
            }
        );
    }

    #[test]
    fn guesses() {
        // ASCII and UTF-8.
        assert_eq!(guess(b"plain", false), Some(Charset::UTF_8));
        assert_eq!(guess("Tiếng Việt".as_bytes(), false), Some(Charset::UTF_8));
        // Three half-width katakana, or three double-byte characters, in a row: Shift_JIS.
        assert_eq!(guess(b"\xb1\xb2\xb3", false), Some(Charset::SHIFT_JIS));
        assert_eq!(guess(TESUTO, false), Some(Charset::SHIFT_JIS));
        // Exactly two half-width katakana: Shift_JIS; Latin-1 words: ISO-8859-1.
        assert_eq!(guess(b"\xb1\xb2 ok", false), Some(Charset::SHIFT_JIS));
        assert_eq!(guess(b"Se\xf1or", false), Some(Charset::ISO_8859_1));
        assert_eq!(guess(b"Gr\xfc\xdfe", false), Some(Charset::ISO_8859_1));
        // "茗" then ASCII reads as "äª" in ISO-8859-1 too: Latin-1, unless its reading would
        // be mostly symbols (ª is one); Kanji segments elsewhere in the code tip it.
        assert_eq!(guess(b"\xe4\xaa ok", false), Some(Charset::SHIFT_JIS));
        assert_eq!(
            guess(b"\xe4\xaa and more text", false),
            Some(Charset::ISO_8859_1)
        );
        assert_eq!(
            guess(b"\xe4\xaa and more text", true),
            Some(Charset::SHIFT_JIS)
        );
        // C1 bytes rule out ISO-8859-1; a lead byte without its trail rules out Shift_JIS.
        assert_eq!(guess(b"\x81\x81\x81\x81x", false), Some(Charset::SHIFT_JIS));
        assert_eq!(guess(b"\x81", false), None);
        assert_eq!(guess(b"Caf\xe9", true), Some(Charset::ISO_8859_1));
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn every_eci_charset_is_a_whatwg_encoding() {
        let mut named = 0;
        for eci in 0..=1000 {
            if let Some(charset) = Charset::for_eci(eci) {
                assert!(
                    encoding_rs::Encoding::for_label(charset.label().as_bytes()).is_some(),
                    "ECI {eci}: {}",
                    charset.label()
                );
                named += 1;
            }
        }
        assert_eq!(named, 28);
    }
}
