//! Grayscale frames: validation, RGBA conversion and inversion.

use crate::ScanError;

/// Largest accepted side in pixels; bounds the worker's memory for hostile or huge inputs.
pub const MAX_SIDE: usize = 8192;

/// A grayscale frame, one byte per pixel, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LumaImage {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width * height` luma values, 0 = black.
    pub pixels: Vec<u8>,
}

impl LumaImage {
    /// Wraps a luma buffer after checking it matches its dimensions, so later stages can index freely.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Result<Self, ScanError> {
        let len = checked_area(width, height)?;
        if pixels.len() != len {
            return Err(ScanError::SizeMismatch);
        }
        Ok(Self {
            width,
            height,
            pixels,
        })
    }

    /// Browser ImageData (RGBA) → luma with integer BT.601 weights.
    ///
    /// Transparent pixels are composited over white, as a page shows them, so a
    /// transparent-background code keeps its contrast.
    pub fn from_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<Self, ScanError> {
        let len = checked_area(width, height)?;
        if rgba.len() != len * 4 {
            return Err(ScanError::SizeMismatch);
        }
        let pixels = rgba
            .chunks_exact(4)
            .map(|px| rgba_to_luma(px[0], px[1], px[2], px[3]))
            .collect();
        Ok(Self {
            width,
            height,
            pixels,
        })
    }

    /// Opaque RGB (decoded JPEGs) → luma with the same weights as [`LumaImage::from_rgba`].
    pub fn from_rgb(width: usize, height: usize, rgb: &[u8]) -> Result<Self, ScanError> {
        let len = checked_area(width, height)?;
        if rgb.len() != len * 3 {
            return Err(ScanError::SizeMismatch);
        }
        let pixels = rgb
            .chunks_exact(3)
            .map(|px| rgba_to_luma(px[0], px[1], px[2], 255))
            .collect();
        Ok(Self {
            width,
            height,
            pixels,
        })
    }

    /// The fields are public, so stages that index pixels re-check the invariant `new` enforces.
    pub(crate) fn is_consistent(&self) -> bool {
        self.width > 0
            && self.height > 0
            && self.width.checked_mul(self.height) == Some(self.pixels.len())
    }

    /// Light-on-dark copy of the frame; rqrr only finds dark-on-light codes.
    pub fn inverted(&self) -> LumaImage {
        LumaImage {
            width: self.width,
            height: self.height,
            pixels: self.pixels.iter().map(|&p| 255 - p).collect(),
        }
    }
}

/// Validates dimensions and returns the pixel count.
fn checked_area(width: usize, height: usize) -> Result<usize, ScanError> {
    if width == 0 || height == 0 {
        return Err(ScanError::EmptyImage);
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ScanError::TooLarge);
    }
    // Cannot overflow after the MAX_SIDE check, but stay explicit.
    width.checked_mul(height).ok_or(ScanError::TooLarge)
}

/// BT.601 luma (0.299 R + 0.587 G + 0.114 B) in 8.8 fixed point, then alpha over white.
fn rgba_to_luma(r: u8, g: u8, b: u8, a: u8) -> u8 {
    let y = (77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8;
    if a == u8::MAX {
        // Camera frames are opaque: skip the division by 255 (same result, y <= 255).
        return y as u8;
    }
    let a = u32::from(a);
    let over_white = (y * a + 255 * (255 - a) + 127) / 255;
    // Both terms are bounded by 255, so the narrowing is lossless.
    over_white.min(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_dimensions() {
        assert_eq!(LumaImage::new(0, 4, vec![]), Err(ScanError::EmptyImage));
        assert_eq!(LumaImage::new(4, 0, vec![]), Err(ScanError::EmptyImage));
        assert_eq!(
            LumaImage::new(2, 2, vec![0; 3]),
            Err(ScanError::SizeMismatch)
        );
        assert_eq!(
            LumaImage::new(MAX_SIDE + 1, 1, vec![0; MAX_SIDE + 1]),
            Err(ScanError::TooLarge)
        );
        let ok = LumaImage::new(3, 2, vec![7; 6]);
        assert!(ok.is_ok_and(|img| img.width == 3 && img.height == 2));
    }

    #[test]
    fn rgba_uses_bt601_weights() {
        let rgba = [
            0, 0, 0, 255, // black
            255, 255, 255, 255, // white
            255, 0, 0, 255, // red
            0, 255, 0, 255, // green
            0, 0, 255, 255, // blue
            0, 0, 0, 0, // transparent → page white
        ];
        let img = LumaImage::from_rgba(6, 1, &rgba).expect("valid rgba");
        // 8.8 weights: pure green is 255 * 150 / 256 ≈ 149.4.
        assert_eq!(img.pixels, vec![0, 255, 77, 149, 29, 255]);
    }

    #[test]
    fn opaque_shortcut_matches_compositing_over_white() {
        for (r, g, b) in (0..=255_u8)
            .step_by(5)
            .flat_map(|v| [(v, v, v), (v, 255 - v, v / 2)])
        {
            let y = (77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8;
            // Alpha 255 over white: (y * 255 + 255 * 0 + 127) / 255.
            let composited = (y * 255 + 127) / 255;
            assert_eq!(
                u32::from(rgba_to_luma(r, g, b, 255)),
                composited,
                "{r} {g} {b}"
            );
        }
        // Nearly opaque still composites: a black pixel at alpha 254 is not quite black.
        assert_eq!(rgba_to_luma(0, 0, 0, 254), 1);
    }

    #[test]
    fn rgb_matches_opaque_rgba() {
        let rgb = [10, 20, 30, 250, 128, 3];
        let rgba = [10, 20, 30, 255, 250, 128, 3, 255];
        assert_eq!(
            LumaImage::from_rgb(2, 1, &rgb),
            LumaImage::from_rgba(2, 1, &rgba)
        );
        assert_eq!(
            LumaImage::from_rgb(2, 1, &rgb[..5]),
            Err(ScanError::SizeMismatch)
        );
    }

    #[test]
    fn rgba_checks_length() {
        assert_eq!(
            LumaImage::from_rgba(2, 2, &[0; 15]),
            Err(ScanError::SizeMismatch)
        );
        assert_eq!(LumaImage::from_rgba(0, 2, &[]), Err(ScanError::EmptyImage));
    }

    #[test]
    fn inversion_flips_every_pixel() {
        let img = LumaImage::new(3, 1, vec![0, 100, 255]).expect("valid");
        let inv = img.inverted();
        assert_eq!(inv.pixels, vec![255, 155, 0]);
        assert_eq!(inv.inverted(), img);
    }
}
