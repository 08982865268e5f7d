//! Test-only rasteriser: a QR code (from the `qrcode` crate) drawn into a
//! prepared bitmap, optionally rotated, with a hook to repaint modules.

use qrcode::{Color, EcLevel, QrCode, Version};

use crate::prepare::{BasicImageBuffer, PreparedImage};

/// A code of the given version and level holding `text`.
pub fn code(text: &str, version: i16, level: EcLevel) -> QrCode {
    QrCode::with_version(text.as_bytes(), Version::Normal(version), level).expect("fits")
}

/// The code's modules as rows of `true` = dark, with `repaint(x, y)` returning
/// a colour that replaces the module at (x, y) (a module outside the code is
/// quiet zone).
pub fn modules(code: &QrCode, repaint: impl Fn(i32, i32) -> Option<bool>) -> Vec<Vec<bool>> {
    let n = code.width();
    let colors = code.to_colors();
    (0..n)
        .map(|y| {
            (0..n)
                .map(|x| repaint(x as i32, y as i32).unwrap_or(colors[y * n + x] == Color::Dark))
                .collect()
        })
        .collect()
}

/// Draws `modules` with `module_px` pixels per module and a 4-module quiet zone,
/// rotated by `degrees` about the image centre (sampled at each pixel's centre).
pub fn render(
    modules: &[Vec<bool>],
    module_px: f64,
    degrees: f64,
) -> PreparedImage<BasicImageBuffer> {
    let n = modules.len() as f64;
    let side = ((n + 8.0) * module_px * 1.5) as usize;
    let centre = side as f64 / 2.0;
    let (sin, cos) = degrees.to_radians().sin_cos();
    PreparedImage::prepare_from_bitmap(side, side, |x, y| {
        let (dx, dy) = (x as f64 + 0.5 - centre, y as f64 + 0.5 - centre);
        // Rotate back into the code's frame, in modules from its top-left corner.
        let u = (dx * cos + dy * sin) / module_px + n / 2.0;
        let v = (-dx * sin + dy * cos) / module_px + n / 2.0;
        let (mx, my) = (u.floor(), v.floor());
        (0.0..n).contains(&mx) && (0.0..n).contains(&my) && modules[my as usize][mx as usize]
    })
}

/// Every payload the prepared image's grids decode to.
pub fn decoded_texts(img: &mut PreparedImage<BasicImageBuffer>) -> Vec<String> {
    img.detect_grids()
        .iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Draws `code` like [`render`] with `module_px` pixels per module and rotated by `degrees`,
/// but with its three finder patterns as concentric circles (a dark ring of radii 3.5 and 2.5
/// modules around a dark disc of radius 1.5), as designer codes draw them.
pub fn render_round_finders(
    code: &QrCode,
    module_px: f64,
    degrees: f64,
) -> PreparedImage<BasicImageBuffer> {
    let modules = modules(code, |_, _| None);
    let n = modules.len() as f64;
    let side = ((n + 8.0) * module_px * 1.5) as usize;
    let centre = side as f64 / 2.0;
    let (sin, cos) = degrees.to_radians().sin_cos();
    let finders = [(3.5, 3.5), (n - 3.5, 3.5), (3.5, n - 3.5)];
    PreparedImage::prepare_from_bitmap(side, side, |x, y| {
        let (dx, dy) = (x as f64 + 0.5 - centre, y as f64 + 0.5 - centre);
        let u = (dx * cos + dy * sin) / module_px + n / 2.0;
        let v = (-dx * sin + dy * cos) / module_px + n / 2.0;
        for (fu, fv) in finders {
            if (u - fu).abs() < 3.5 && (v - fv).abs() < 3.5 {
                let r = (u - fu).hypot(v - fv);
                return (2.5..3.5).contains(&r) || r < 1.5;
            }
        }
        let (mx, my) = (u.floor(), v.floor());
        (0.0..n).contains(&mx) && (0.0..n).contains(&my) && modules[my as usize][mx as usize]
    })
}
