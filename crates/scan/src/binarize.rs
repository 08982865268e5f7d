//! Local-mean binarisation: each pixel is compared with the mean of a window around it,
//! so a lighting gradient or a shadow across the code does not swamp it the way rqrr's
//! row-wise running average does.

use crate::LumaImage;

/// A pixel is dark when it is this many percent below its neighbourhood mean; the margin
/// keeps sensor noise in flat regions (paper, wall) from turning into specks of "dark".
const DARK_MARGIN_PERCENT: u64 = 5;

/// A black-and-white frame for `rqrr::PreparedImage::prepare_from_bitmap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bitmap {
    pub(crate) width: usize,
    pub(crate) height: usize,
    /// Row-major, `true` = dark.
    dark: Vec<bool>,
}

impl Bitmap {
    /// Whether (x, y) is dark; coordinates come from rqrr, which stays inside the frame.
    pub(crate) fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

/// Thresholds every pixel against the mean of a square window of side ~1/6 of the short side.
///
/// The window must be larger than a finder pattern's dark core so that the inside of a
/// large module still sees light pixels around it, yet small enough to follow shadows;
/// 1/6 read the most of the corpus (1/4 and 1/8 read fewer). Means come from an integral image,
/// so the cost is a few operations per pixel whatever the window size.
pub(crate) fn local_mean(image: &LumaImage) -> Option<Bitmap> {
    if !image.is_consistent() {
        return None;
    }
    let (width, height) = (image.width, image.height);
    let radius = (width.min(height) / 12).max(4);
    let integral = Integral::new(image);
    let mut dark = Vec::with_capacity(width * height);
    for y in 0..height {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(height));
        for x in 0..width {
            let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(width));
            let count = ((x1 - x0) * (y1 - y0)) as u64;
            let sum = u64::from(integral.sum(x0, y0, x1, y1));
            let pixel = u64::from(image.pixels[y * width + x]);
            // pixel < mean * (1 - margin), without division.
            dark.push(pixel * count * 100 < sum * (100 - DARK_MARGIN_PERCENT));
        }
    }
    Some(Bitmap {
        width,
        height,
        dark,
    })
}

/// Summed-area table with one extra zero row and column.
///
/// Stored as wrapping `u32`: the total of a big frame overflows, but the difference
/// of four entries is exact modulo 2^32, and any window sum (< 2^32) is therefore exact.
struct Integral {
    stride: usize,
    sums: Vec<u32>,
}

impl Integral {
    fn new(image: &LumaImage) -> Self {
        let stride = image.width + 1;
        let mut sums = vec![0_u32; stride * (image.height + 1)];
        for (y, row) in image.pixels.chunks_exact(image.width).enumerate() {
            let mut row_sum = 0_u32;
            for (x, &p) in row.iter().enumerate() {
                row_sum = row_sum.wrapping_add(u32::from(p));
                let above = sums[y * stride + x + 1];
                sums[(y + 1) * stride + x + 1] = above.wrapping_add(row_sum);
            }
        }
        Self { stride, sums }
    }

    /// Sum of pixels in columns `x0..x1`, rows `y0..y1`.
    fn sum(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> u32 {
        let at = |x: usize, y: usize| self.sums[y * self.stride + x];
        at(x1, y1)
            .wrapping_sub(at(x0, y1))
            .wrapping_sub(at(x1, y0))
            .wrapping_add(at(x0, y0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_sums_match_brute_force() {
        let pixels: Vec<u8> = (0..35_u32).map(|i| (i * 37 % 256) as u8).collect();
        let image = LumaImage::new(7, 5, pixels.clone()).expect("valid");
        let integral = Integral::new(&image);
        let brute = |x0: usize, y0: usize, x1: usize, y1: usize| -> u32 {
            (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .map(|(x, y)| u32::from(pixels[y * 7 + x]))
                .sum()
        };
        for (x0, y0, x1, y1) in [(0, 0, 7, 5), (1, 2, 4, 5), (3, 3, 4, 4), (2, 0, 2, 5)] {
            assert_eq!(integral.sum(x0, y0, x1, y1), brute(x0, y0, x1, y1));
        }
    }

    #[test]
    fn window_sums_survive_wrapping_totals() {
        // 8192 × 2200 white pixels total > 2^32, yet local sums stay exact.
        let (w, h) = (8192, 2200);
        let image = LumaImage::new(w, h, vec![255; w * h]).expect("valid");
        let integral = Integral::new(&image);
        assert_eq!(integral.sum(w - 10, h - 10, w, h), 100 * 255);
    }

    #[test]
    fn gradient_lit_edge_is_found_on_both_ends() {
        // A dark bar on paper whose brightness falls from 250 to 60 across the frame:
        // no single global threshold separates bar from paper on both ends.
        let (w, h) = (400, 200);
        let pixels = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let paper = 250 - (190 * x / w) as u8;
                if (95..105).contains(&y) {
                    paper / 3
                } else {
                    paper
                }
            })
            .collect();
        let bitmap = local_mean(&LumaImage::new(w, h, pixels).expect("valid")).expect("valid");
        for x in [5, 200, 395] {
            assert!(bitmap.is_dark(x, 100), "bar at x={x}");
            assert!(!bitmap.is_dark(x, 80), "paper at x={x}");
        }
    }

    #[test]
    fn flat_noisy_paper_stays_light() {
        let (w, h) = (64, 64);
        let pixels = (0..w * h).map(|i| 200 + (i * 7 % 5) as u8).collect();
        let bitmap = local_mean(&LumaImage::new(w, h, pixels).expect("valid")).expect("valid");
        assert!((0..h).all(|y| (0..w).all(|x| !bitmap.is_dark(x, y))));
    }

    #[test]
    fn inconsistent_image_has_no_bitmap() {
        let bogus = LumaImage {
            width: 4,
            height: 4,
            pixels: vec![0; 3],
        };
        assert_eq!(local_mean(&bogus), None);
    }
}
