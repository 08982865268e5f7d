//! Finding and decoding QR codes in a luma frame with rqrr.

use std::panic::{self, AssertUnwindSafe};

use crate::binarize::Bitmap;
use crate::charset::{self, CharsetRun};
use crate::{strategy, LumaImage, ScanError};

/// One decoded QR code: the raw payload bytes, always, and the text they hold when it can be
/// told (see [`crate::charset`] for how the charset is chosen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Payload exactly as stored in the code (byte, Kanji/Shift_JIS, … segments concatenated).
    pub bytes: Vec<u8>,
    /// The payload as text, each part decoded in its charset. `None` when the bytes are kept
    /// raw, or when a charset needs a decoder this build lacks: then `charsets` says which.
    pub text: Option<String>,
    /// The charset of each stretch of `bytes`, in order; empty when they are kept raw
    /// (binary or unknown ECI, or bytes not valid in their charset). With `text` `None`, the
    /// browser decodes these runs with `TextDecoder` (the wasm is built without the `charsets`
    /// feature, so Shift_JIS and the like are not decoded in Rust there).
    pub charsets: Vec<CharsetRun>,
}

impl Decoded {
    fn new(bytes: Vec<u8>, segments: &[rqrr::Segment]) -> Self {
        let charset::Interpretation { text, charsets } = charset::interpret(&bytes, segments);
        Self {
            bytes,
            text,
            charsets,
        }
    }
}

/// Decodes every QR code in the frame, trying the passes of [`crate::strategy`] until one finds a code.
///
/// Raw bytes are kept via `decode_to` because rqrr's `decode()` rejects
/// non-UTF-8 payloads. Duplicate payloads in one frame are reported once.
///
/// rqrr can panic on some real images; callers that cannot isolate the call
/// (natively) should use [`decode_catching_panics`]. The browser runs this in a
/// worker that is restarted after a trap instead.
pub fn decode(image: &LumaImage) -> Vec<Decoded> {
    if !image.is_consistent() {
        return Vec::new();
    }
    strategy::decode_first_hit(image)
}

/// Decodes one live camera frame at a bounded cost: see `strategy::decode_rotating`. Pass a
/// counter that increases with every frame; a still image should use [`decode`].
pub fn decode_frame(image: &LumaImage, frame_number: u32) -> Vec<Decoded> {
    if !image.is_consistent() {
        return Vec::new();
    }
    strategy::decode_rotating(image, frame_number)
}

/// [`decode`], with an rqrr panic turned into [`ScanError::DecoderPanicked`], for tests and tools.
pub fn decode_catching_panics(image: &LumaImage) -> Result<Vec<Decoded>, ScanError> {
    // The image is only read, so no broken state can be observed after a panic.
    panic::catch_unwind(AssertUnwindSafe(|| decode(image)))
        .map_err(|payload| ScanError::DecoderPanicked(panic_message(payload.as_ref())))
}

/// One rqrr pass with rqrr's own row-wise threshold; finds dark-on-light codes only.
pub(crate) fn read_with_rqrr_threshold(image: &LumaImage) -> Vec<Decoded> {
    let Some(mut prepared) =
        rqrr::PreparedImage::prepare_from_luma(image.width, image.height, &image.pixels)
    else {
        return Vec::new();
    };
    keep_decodable(prepared.detect_grids())
}

/// One rqrr pass on our own binarisation; `invert` reads light-on-dark codes from the same bitmap.
pub(crate) fn read_bitmap(bitmap: &Bitmap, invert: bool) -> Vec<Decoded> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_bitmap(bitmap.width, bitmap.height, |x, y| {
            bitmap.is_dark(x, y) != invert
        });
    keep_decodable(prepared.detect_grids())
}

/// Keeps every candidate grid that decodes, each payload once.
fn keep_decodable<G: rqrr::BitGrid>(grids: Vec<rqrr::Grid<G>>) -> Vec<Decoded> {
    let mut found: Vec<Decoded> = Vec::new();
    for grid in grids {
        let mut bytes = Vec::new();
        // A grid that fails (bad ECC, false finder match) is just not a code.
        let Ok((_meta, segments)) = grid.decode_segments_to(&mut bytes) else {
            continue;
        };
        let decoded = Decoded::new(bytes, &segments);
        if !found.contains(&decoded) {
            found.push(decoded);
        }
    }
    found
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_render::{gs1_code, render, render_many, shift_jis_code, text_code};

    fn texts(found: &[Decoded]) -> Vec<&str> {
        found.iter().filter_map(|d| d.text.as_deref()).collect()
    }

    #[test]
    fn plain_text_round_trips() {
        let found = decode(&render(&text_code("VAORA-CHECKIN-42"), false));
        assert_eq!(texts(&found), ["VAORA-CHECKIN-42"]);
        assert_eq!(found[0].bytes, b"VAORA-CHECKIN-42");
    }

    #[test]
    fn vietnamese_utf8_round_trips() {
        let text = "Khai báo y tế: Nguyễn Văn Ánh, Đà Nẵng";
        let found = decode(&render(&text_code(text), false));
        assert_eq!(texts(&found), [text]);
    }

    #[test]
    fn long_url_round_trips() {
        let url = format!(
            "https://checkin.example.vn/v/2f6c1c9e-8a51-4a4b-9a0e-3c1f7f0b9d21?site=hanoi-02&t={}",
            "x".repeat(120)
        );
        let found = decode(&render(&text_code(&url), false));
        assert_eq!(texts(&found), [url.as_str()]);
    }

    #[test]
    fn light_on_dark_code_decodes_via_inversion() {
        let found = decode(&render(&text_code("inverted"), true));
        assert_eq!(texts(&found), ["inverted"]);
    }

    #[test]
    fn non_utf8_payload_keeps_raw_bytes() {
        // "テスト" in Shift_JIS, in a byte segment without ECI: the charset is guessed.
        let sjis = [0x83, 0x65, 0x83, 0x58, 0x83, 0x67];
        let found = decode(&render(&shift_jis_code(&sjis), false));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].bytes, sjis);
        assert_eq!(
            found[0].charsets,
            [CharsetRun {
                charset: crate::Charset::SHIFT_JIS,
                range: 0..6
            }]
        );
        #[cfg(feature = "charsets")]
        assert_eq!(found[0].text.as_deref(), Some("テスト"));
    }

    #[test]
    fn gs1_code_decodes_with_its_field_separators() {
        // GTIN (01), lot (10) ended by a separator, expiry (17): FNC1 mode, which rqrr
        // upstream rejected as an unknown mode.
        let found = decode(&render(&gs1_code(b"0109504000059101", b"10AB12%17"), false));
        assert_eq!(texts(&found), ["010950400005910110AB12\u{1d}17"]);
    }

    #[test]
    fn frame_without_code_is_empty() {
        let blank = LumaImage::new(320, 240, vec![200; 320 * 240]).expect("valid");
        assert!(decode(&blank).is_empty());
        assert_eq!(decode_catching_panics(&blank), Ok(vec![]));
    }

    #[test]
    fn two_codes_in_one_frame_are_both_found() {
        let frame = render_many(&[text_code("first"), text_code("second")]);
        let mut found = texts(&decode(&frame))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        found.sort();
        assert_eq!(found, ["first", "second"]);
    }

    #[test]
    fn duplicate_payloads_are_reported_once() {
        let frame = render_many(&[text_code("same"), text_code("same")]);
        assert_eq!(texts(&decode(&frame)), ["same"]);
    }

    #[test]
    fn inconsistent_image_finds_nothing() {
        let bogus = LumaImage {
            width: 100,
            height: 100,
            pixels: vec![0; 10],
        };
        assert!(decode(&bogus).is_empty());
    }

    #[test]
    fn panic_payloads_become_messages() {
        assert_eq!(panic_message(&"boom"), "boom");
        assert_eq!(panic_message(&String::from("bang")), "bang");
        assert_eq!(panic_message(&7_u8), "non-string panic payload");
    }
}
