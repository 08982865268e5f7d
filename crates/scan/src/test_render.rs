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

/// `image` as a soft low-resolution photo: area-averaged down by `scale` (< 1), blurred by a
/// Gaussian of `sigma` output pixels (defocus), ink and paper at 20 and 224.
pub fn soft_photo(image: &LumaImage, scale: f32, sigma: f32) -> LumaImage {
    // Truncating casts: sizes and sample positions of a test image.
    let (w, h) = (
        (image.width as f32 * scale) as usize,
        (image.height as f32 * scale) as usize,
    );
    const SUPERSAMPLE: usize = 8;
    let source = |x: f32, y: f32| {
        let (sx, sy) = ((x / scale) as usize, (y / scale) as usize);
        f32::from(image.pixels[sy.min(image.height - 1) * image.width + sx.min(image.width - 1)])
    };
    let mut shrunk = vec![0_f32; w * h];
    for (i, value) in shrunk.iter_mut().enumerate() {
        let (x, y) = ((i % w) as f32, (i / w) as f32);
        let mut sum = 0.0;
        for j in 0..SUPERSAMPLE {
            for k in 0..SUPERSAMPLE {
                let step = |n: usize| (n as f32 + 0.5) / SUPERSAMPLE as f32;
                sum += source(x + step(k), y + step(j));
            }
        }
        *value = sum / (SUPERSAMPLE * SUPERSAMPLE) as f32;
    }
    let radius = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f32> = (-radius..=radius)
        .map(|d| (-(d * d) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f32 = kernel.iter().sum();
    let blur = |src: &[f32], (dx, dy): (isize, isize)| -> Vec<f32> {
        (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as isize, (i / w) as isize);
                let tap = |d: isize| {
                    let xx = (x + d * dx).clamp(0, w as isize - 1) as usize;
                    let yy = (y + d * dy).clamp(0, h as isize - 1) as usize;
                    src[yy * w + xx]
                };
                (-radius..=radius)
                    .map(|d| kernel[(d + radius) as usize] * tap(d))
                    .sum::<f32>()
                    / total
            })
            .collect()
    };
    let blurred = blur(&blur(&shrunk, (1, 0)), (0, 1));
    // 0..=255 mapped into 20..=224: a byte.
    let pixels = blurred
        .iter()
        .map(|&v| (20.0 + v * 0.8).round() as u8)
        .collect();
    LumaImage::new(w, h, pixels).expect("valid")
}
