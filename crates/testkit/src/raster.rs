//! QR modules → grayscale pixels, styled like a code seen by a camera.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

use crate::args::Encoding;

/// Background: light grey, as paper under room light, not pure white.
pub const LIGHT: u8 = 0xE0;
/// Modules: dark grey, as printed ink, not pure black.
pub const DARK: u8 = 0x20;
/// Quiet zone width required by the QR spec.
pub const QUIET_MODULES: usize = 4;

/// A grayscale picture: a clip's Y plane or a photo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Frame {
    /// A uniform frame, the canvas everything is drawn on.
    pub fn filled(width: usize, height: usize, value: u8) -> Self {
        Self {
            width,
            height,
            pixels: vec![value; width * height],
        }
    }

    /// Light-on-dark variant, for testing the decoder's inverted retry.
    /// Copies `panel` into this frame with its left edge at column `left` (clipped to fit).
    pub fn paste(&mut self, panel: &Frame, left: usize) {
        let columns = panel.width.min(self.width.saturating_sub(left));
        for y in 0..panel.height.min(self.height) {
            let from = &panel.pixels[y * panel.width..y * panel.width + columns];
            let start = y * self.width + left;
            self.pixels[start..start + columns].copy_from_slice(from);
        }
    }

    pub fn invert(&mut self) {
        for p in &mut self.pixels {
            *p = 255 - *p;
        }
    }
}

/// Encodes the payload as UTF-8.
pub fn encode(text: &str) -> Result<QrCode, String> {
    encode_as(text, Encoding::Utf8)
}

/// Encodes the payload as `encoding` says, with a readable error for text that does not fit a
/// QR code.
pub fn encode_as(text: &str, encoding: Encoding) -> Result<QrCode, String> {
    let too_long = |e| format!("cannot encode --text as a QR code: {e}");
    match encoding {
        Encoding::Utf8 => QrCode::new(text.as_bytes()).map_err(too_long),
        // The qrcode crate's segmentation puts Shift_JIS double-byte characters in Kanji mode.
        Encoding::ShiftJis => QrCode::new(shift_jis(text)?).map_err(too_long),
        Encoding::ShiftJisEci => {
            let bytes = shift_jis(text)?;
            (1..=40)
                .find_map(|version| {
                    let mut bits = Bits::new(Version::Normal(version));
                    bits.push_eci_designator(SHIFT_JIS_ECI).ok()?;
                    bits.push_byte_data(&bytes).ok()?;
                    bits.push_terminator(EcLevel::M).ok()?;
                    QrCode::with_bits(bits, EcLevel::M).ok()
                })
                .ok_or_else(|| "cannot encode --text as a QR code: too long".to_owned())
        }
    }
}

/// The ECI assignment number of Shift_JIS.
const SHIFT_JIS_ECI: u32 = 20;

fn shift_jis(text: &str) -> Result<Vec<u8>, String> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    if unmappable {
        return Err("--text has characters that Shift_JIS cannot encode".to_owned());
    }
    Ok(bytes.into_owned())
}

/// Code side in modules, quiet zone included.
fn span_modules(code: &QrCode) -> usize {
    code.width() + 2 * QUIET_MODULES
}

/// Largest module size (px) at which the code, quiet zone included, fits in
/// `fill_percent` of the frame's short side; `None` if not even 1 px fits.
pub fn auto_module(
    code: &QrCode,
    width: usize,
    height: usize,
    fill_percent: usize,
) -> Option<usize> {
    let budget = width.min(height) * fill_percent / 100;
    Some(budget / span_modules(code)).filter(|&m| m > 0)
}

/// Draws the code centred, moved by `shift` px (camera shake), quiet zone included.
pub fn draw_code(
    frame: &mut Frame,
    code: &QrCode,
    module: usize,
    shift: (isize, isize),
) -> Result<(), String> {
    let side = span_modules(code) * module;
    if side > frame.width || side > frame.height {
        return Err(format!(
            "a {side}px code does not fit a {}x{} frame; lower --module",
            frame.width, frame.height
        ));
    }
    let place = |room: usize, delta: isize| (room / 2).saturating_add_signed(delta).min(room);
    let x0 = place(frame.width - side, shift.0);
    let y0 = place(frame.height - side, shift.1);
    for y in y0..y0 + side {
        frame.pixels[y * frame.width + x0..y * frame.width + x0 + side].fill(LIGHT);
    }
    let n = code.width();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color != Color::Dark {
            continue;
        }
        let left = x0 + (i % n + QUIET_MODULES) * module;
        let top = y0 + (i / n + QUIET_MODULES) * module;
        for y in top..top + module {
            frame.pixels[y * frame.width + left..y * frame.width + left + module].fill(DARK);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_scan::{decode, LumaImage};

    fn decoded_texts(frame: Frame) -> Vec<String> {
        let luma = LumaImage::new(frame.width, frame.height, frame.pixels).expect("valid frame");
        decode(&luma).into_iter().filter_map(|d| d.text).collect()
    }

    #[test]
    fn auto_module_fills_sixty_percent() {
        let code = encode("hello").expect("fits");
        // Version 1: 21 modules + 8 quiet = 29; 60% of 480 = 288 → 9 px.
        assert_eq!(auto_module(&code, 640, 480, 60), Some(9));
        assert_eq!(auto_module(&code, 20, 20, 60), None);
    }

    #[test]
    fn shift_jis_codes_decode_to_their_text() {
        let text = "ようこそ、東京タワーへ。テスト 123";
        for encoding in [Encoding::ShiftJis, Encoding::ShiftJisEci] {
            let code = encode_as(text, encoding).expect("fits");
            let mut frame = Frame::filled(640, 480, LIGHT);
            let module = auto_module(&code, 640, 480, 60).expect("fits");
            draw_code(&mut frame, &code, module, (0, 0)).expect("fits");
            assert_eq!(decoded_texts(frame), [text], "{encoding:?}");
        }
        assert!(encode_as("Tiếng Việt", Encoding::ShiftJis).is_err());
    }

    #[test]
    fn drawn_code_decodes() {
        let code = encode("https://vaora.example/c/42").expect("fits");
        let mut frame = Frame::filled(640, 480, LIGHT);
        let module = auto_module(&code, 640, 480, 60).expect("fits");
        draw_code(&mut frame, &code, module, (1, -1)).expect("fits");
        assert_eq!(decoded_texts(frame), ["https://vaora.example/c/42"]);
    }

    #[test]
    fn inverted_code_decodes() {
        let code = encode("light on dark").expect("fits");
        let mut frame = Frame::filled(320, 240, LIGHT);
        draw_code(&mut frame, &code, 4, (0, 0)).expect("fits");
        frame.invert();
        assert_eq!(decoded_texts(frame), ["light on dark"]);
    }

    #[test]
    fn oversized_module_is_an_error() {
        let code = encode("x").expect("fits");
        let mut frame = Frame::filled(100, 100, LIGHT);
        assert!(draw_code(&mut frame, &code, 10, (0, 0)).is_err());
    }

    #[test]
    fn shift_is_clamped_to_the_frame() {
        let code = encode("edge").expect("fits");
        let mut frame = Frame::filled(116, 116, LIGHT);
        // 29 modules * 4 px = 116 px: no room, so any shift must be absorbed.
        assert!(draw_code(&mut frame, &code, 4, (5, -5)).is_ok());
    }
}
