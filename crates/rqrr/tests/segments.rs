//! `Grid::decode_segments_to`: the segments of codes rendered with the `qrcode` crate, read back
//! through rqrr's real decoder (format, error correction, bit stream).

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};
use rqrr::{Grid, Mode, Segment, SimpleGrid};

/// One piece of a test code's bit stream.
enum Piece<'a> {
    Eci(u32),
    Numeric(&'a [u8]),
    Alphanumeric(&'a [u8]),
    Byte(&'a [u8]),
    /// Shift_JIS double-byte characters.
    Kanji(&'a [u8]),
    /// The FNC1-in-first-position mode indicator (GS1 data).
    Fnc1First,
    /// The FNC1-in-second-position mode indicator with its application indicator.
    Fnc1Second(u8),
}

/// Encodes the pieces in order (version 5, level M) and decodes the symbol's modules with rqrr.
fn decode(pieces: &[Piece]) -> (Vec<u8>, Vec<Segment>) {
    let mut bits = Bits::new(Version::Normal(5));
    for piece in pieces {
        match piece {
            Piece::Eci(eci) => bits.push_eci_designator(*eci),
            Piece::Numeric(data) => bits.push_numeric_data(data),
            Piece::Alphanumeric(data) => bits.push_alphanumeric_data(data),
            Piece::Byte(data) => bits.push_byte_data(data),
            Piece::Kanji(data) => bits.push_kanji_data(data),
            Piece::Fnc1First => bits.push_fnc1_first_position(),
            Piece::Fnc1Second(indicator) => bits.push_fnc1_second_position(*indicator),
        }
        .expect("the test data fits");
    }
    bits.push_terminator(EcLevel::M).expect("fits");
    let code = QrCode::with_bits(bits, EcLevel::M).expect("fits");
    let width = code.width();
    let colors = code.to_colors();
    let grid = Grid::new(SimpleGrid::from_func(width, |x, y| {
        colors[y * width + x] == Color::Dark
    }));

    let mut plain = Vec::new();
    grid.decode_to(&mut plain).expect("decodes");
    let mut bytes = Vec::new();
    let (_meta, segments) = grid.decode_segments_to(&mut bytes).expect("decodes");
    assert_eq!(
        bytes, plain,
        "decode_segments_to writes what decode_to writes"
    );
    (bytes, segments)
}

fn segment(mode: Mode, eci: Option<u32>, range: std::ops::Range<usize>) -> Segment {
    Segment { mode, eci, range }
}

#[test]
fn without_eci_segments_have_none() {
    let (bytes, segments) = decode(&[Piece::Byte(b"hello")]);
    assert_eq!(bytes, b"hello");
    assert_eq!(segments, [segment(Mode::Byte, None, 0..5)]);
}

#[test]
fn eci_iso_8859_1_applies_to_the_byte_segment_after_it() {
    let (bytes, segments) = decode(&[Piece::Eci(3), Piece::Byte(b"caf\xe9")]);
    assert_eq!(bytes, b"caf\xe9");
    assert_eq!(segments, [segment(Mode::Byte, Some(3), 0..4)]);
}

#[test]
fn eci_shift_jis() {
    // "テスト" in Shift_JIS.
    let sjis = b"\x83\x65\x83\x58\x83\x67";
    let (bytes, segments) = decode(&[Piece::Eci(20), Piece::Byte(sjis)]);
    assert_eq!(bytes, sjis);
    assert_eq!(segments, [segment(Mode::Byte, Some(20), 0..6)]);
}

#[test]
fn every_mode_reports_its_own_range() {
    // "点茗" (the ISO/IEC 18004 Kanji example) then digits, then alphanumerics, then bytes.
    let (bytes, segments) = decode(&[
        Piece::Kanji(b"\x93\x5f\xe4\xaa"),
        Piece::Numeric(b"0123456"),
        Piece::Alphanumeric(b"AC-42"),
        Piece::Byte(b"ok"),
    ]);
    assert_eq!(bytes, b"\x93\x5f\xe4\xaa0123456AC-42ok");
    assert_eq!(
        segments,
        [
            segment(Mode::Kanji, None, 0..4),
            segment(Mode::Numeric, None, 4..11),
            segment(Mode::Alphanumeric, None, 11..16),
            segment(Mode::Byte, None, 16..18),
        ]
    );
}

#[test]
fn each_eci_holds_until_the_next() {
    let (bytes, segments) = decode(&[
        Piece::Byte(b"a"),
        Piece::Eci(3),
        Piece::Byte(b"\xe9"),
        Piece::Numeric(b"42"),
        Piece::Eci(26),
        Piece::Byte("é".as_bytes()),
    ]);
    assert_eq!(bytes, b"a\xe942\xc3\xa9");
    assert_eq!(
        segments,
        [
            segment(Mode::Byte, None, 0..1),
            segment(Mode::Byte, Some(3), 1..2),
            segment(Mode::Numeric, Some(3), 2..4),
            segment(Mode::Byte, Some(26), 4..6),
        ]
    );
}

#[test]
fn two_and_three_byte_designators_are_read_without_their_length_bits() {
    for eci in [127, 128, 899, 16383, 16384, 123_456, 999_999] {
        let (_, segments) = decode(&[Piece::Eci(eci), Piece::Byte(b"x")]);
        assert_eq!(
            segments,
            [segment(Mode::Byte, Some(eci), 0..1)],
            "ECI {eci}"
        );
    }
}

#[test]
fn an_eci_with_nothing_after_it_adds_no_segment() {
    let (bytes, segments) = decode(&[Piece::Byte(b"x"), Piece::Eci(26)]);
    assert_eq!(bytes, b"x");
    assert_eq!(segments, [segment(Mode::Byte, None, 0..1)]);
}

#[test]
fn gs1_code_with_fnc1_in_first_position_decodes() {
    // GS1 element strings: a GTIN (01), then a variable-length lot (10) closed by the field
    // separator, which alphanumeric mode writes as `%` (and a literal `%` as `%%`), then an
    // expiry date (17).
    let (bytes, segments) = decode(&[
        Piece::Fnc1First,
        Piece::Numeric(b"0109504000059101"),
        Piece::Alphanumeric(b"10AB%%12%17"),
        Piece::Numeric(b"141120"),
    ]);
    assert_eq!(bytes, b"010950400005910110AB%12\x1d17141120");
    assert_eq!(
        segments,
        [
            segment(Mode::Numeric, None, 0..16),
            segment(Mode::Alphanumeric, None, 16..26),
            segment(Mode::Numeric, None, 26..32),
        ]
    );
}

#[test]
fn fnc1_in_second_position_skips_its_application_indicator() {
    let (bytes, segments) = decode(&[Piece::Fnc1Second(37), Piece::Alphanumeric(b"AB%C")]);
    assert_eq!(bytes, b"AB\x1dC");
    assert_eq!(segments, [segment(Mode::Alphanumeric, None, 0..4)]);
}

#[test]
fn without_fnc1_a_percent_sign_stays_one() {
    let (bytes, _) = decode(&[Piece::Alphanumeric(b"AB%%C%")]);
    assert_eq!(bytes, b"AB%%C%");
}
