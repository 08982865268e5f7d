//! Test-only rasteriser: QR modules → a `LumaImage`, so decode tests need no image files.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

use crate::LumaImage;

const MODULE_PX: usize = 4;
const QUIET_MODULES: usize = 4;

pub fn text_code(text: &str) -> QrCode {
    QrCode::new(text.as_bytes()).expect("test payload fits a QR code")
}

/// Forces byte mode, as a real non-UTF-8 payload would be stored.
pub fn shift_jis_code(bytes: &[u8]) -> QrCode {
    let mut bits = Bits::new(Version::Normal(2));
    bits.push_byte_data(bytes).expect("fits");
    bits.push_terminator(EcLevel::M).expect("fits");
    QrCode::with_bits(bits, EcLevel::M).expect("fits")
}

/// A GS1 code: FNC1 in first position, then GS1 element strings as numeric and alphanumeric
/// segments (`%` in `alphanumeric` is the field separator).
pub fn gs1_code(numeric: &[u8], alphanumeric: &[u8]) -> QrCode {
    let mut bits = Bits::new(Version::Normal(3));
    bits.push_fnc1_first_position().expect("fits");
    bits.push_numeric_data(numeric).expect("fits");
    bits.push_alphanumeric_data(alphanumeric).expect("fits");
    bits.push_terminator(EcLevel::M).expect("fits");
    QrCode::with_bits(bits, EcLevel::M).expect("fits")
}

/// One code with a quiet zone; `invert` draws light modules on a dark background.
pub fn render(code: &QrCode, invert: bool) -> LumaImage {
    let side = (code.width() + 2 * QUIET_MODULES) * MODULE_PX;
    let mut img = LumaImage::new(side, side, vec![255; side * side]).expect("valid");
    paint(&mut img, code, 0);
    if invert {
        img.inverted()
    } else {
        img
    }
}

/// Codes side by side, each with its own quiet zone.
pub fn render_many(codes: &[QrCode]) -> LumaImage {
    let cell = |c: &QrCode| (c.width() + 2 * QUIET_MODULES) * MODULE_PX;
    let width: usize = codes.iter().map(cell).sum();
    let height = codes.iter().map(cell).max().unwrap_or(0);
    let mut img = LumaImage::new(width, height, vec![255; width * height]).expect("valid");
    let mut x0 = 0;
    for code in codes {
        paint(&mut img, code, x0);
        x0 += cell(code);
    }
    img
}

fn paint(img: &mut LumaImage, code: &QrCode, x0: usize) {
    let n = code.width();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % n + QUIET_MODULES, i / n + QUIET_MODULES);
        for y in my * MODULE_PX..(my + 1) * MODULE_PX {
            let row = y * img.width + x0;
            img.pixels[row + mx * MODULE_PX..row + (mx + 1) * MODULE_PX].fill(0);
        }
    }
}
