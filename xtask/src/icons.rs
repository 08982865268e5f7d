//! The app's icon (the web app manifest's and the page's): one drawing of rectangles on a
//! 24-unit grid — three QR finder patterns and a few modules on the accent green of `style.css`
//! — written as SVG and rendered to the PNG sizes that home screens ask for.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use image::{Rgb, RgbImage};

const GRID: u32 = 24;
/// `--vaora-accent` and `--vaora-card` of `style.css`.
const ACCENT: [u8; 3] = [0x0b, 0x6b, 0x3a];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];
/// PNG sizes of the manifest (`icon-192.png`, `icon-512.png`).
const PNG_SIZES: [u32; 2] = [192, 512];

/// `(x, y, width, height, colour)` in grid units, painted in order.
type Rect = (u32, u32, u32, u32, [u8; 3]);

const DRAWING: [Rect; 13] = [
    (0, 0, 24, 24, ACCENT),
    // Finder patterns: top left, top right, bottom left.
    (5, 5, 5, 5, WHITE),
    (6, 6, 3, 3, ACCENT),
    (7, 7, 1, 1, WHITE),
    (14, 5, 5, 5, WHITE),
    (15, 6, 3, 3, ACCENT),
    (16, 7, 1, 1, WHITE),
    (5, 14, 5, 5, WHITE),
    (6, 15, 3, 3, ACCENT),
    (7, 16, 1, 1, WHITE),
    // Data modules.
    (14, 14, 2, 2, WHITE),
    (17, 15, 2, 4, WHITE),
    (14, 17, 2, 2, WHITE),
];

/// Writes `icon.svg` and `icon-<size>.png` into `pkg`.
pub fn write(pkg: &Path) -> Result<()> {
    fs::write(pkg.join("icon.svg"), svg()).context("writing icon.svg")?;
    for size in PNG_SIZES {
        let name = format!("icon-{size}.png");
        render(size)
            .save(pkg.join(&name))
            .with_context(|| format!("writing {name}"))?;
    }
    Ok(())
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn svg() -> String {
    let mut out =
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">"#);
    for (x, y, w, h, colour) in DRAWING {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{}"/>"#,
            hex(colour)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The drawing at `size` pixels: each rectangle's edges rounded to the nearest pixel.
fn render(size: u32) -> RgbImage {
    let mut image = RgbImage::new(size, size);
    let px = |units: u32| (units * size + GRID / 2) / GRID;
    for (x, y, w, h, colour) in DRAWING {
        for py in px(y)..px(y + h) {
            for pxl in px(x)..px(x + w) {
                image.put_pixel(pxl, py, Rgb(colour));
            }
        }
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_and_the_svg_are_the_same_drawing() {
        let image = render(192);
        // 8 px per unit: the top-left finder's white ring, its green ring, its white centre.
        assert_eq!(image.get_pixel(5 * 8, 5 * 8).0, WHITE);
        assert_eq!(image.get_pixel(6 * 8 + 4, 6 * 8 + 4).0, ACCENT);
        assert_eq!(image.get_pixel(7 * 8 + 4, 7 * 8 + 4).0, WHITE);
        assert_eq!(image.get_pixel(0, 0).0, ACCENT);
        let svg = svg();
        assert_eq!(svg.matches("<rect").count(), DRAWING.len());
        assert!(svg.contains(r##"<rect x="7" y="7" width="1" height="1" fill="#ffffff"/>"##));
    }

    #[test]
    fn every_rectangle_fits_the_grid() {
        for (x, y, w, h, _) in DRAWING {
            assert!(x + w <= GRID && y + h <= GRID);
        }
        let large = render(512);
        assert_eq!(large.dimensions(), (512, 512));
    }
}
