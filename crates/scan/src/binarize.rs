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

/// Side of the blocks of [`hybrid`], in pixels.
const BLOCK: usize = 8;
/// Blocks whose darkest and lightest pixels differ by at most this are taken as flat.
const MIN_DYNAMIC_RANGE: u8 = 24;

/// Block-based binarisation after zxing's `HybridBinarizer`: each 8×8 block gets a black
/// point (its mean, or for a flat block a guess that it is background, taken from its
/// neighbours), and each pixel is compared with the mean black point of the 5×5 blocks
/// around its own.
///
/// The window (40 px) does not depend on the frame size, so it follows the modules of
/// small codes in big frames, and flat blocks (paper, wall, the inside of a large module)
/// do not turn into noise the way a plain local mean with a small window does.
pub(crate) fn hybrid(image: &LumaImage) -> Option<Bitmap> {
    if !image.is_consistent() {
        return None;
    }
    let (width, height) = (image.width, image.height);
    if width < 5 * BLOCK || height < 5 * BLOCK {
        // Too small for a 5×5 block neighbourhood: fall back to the plain local mean.
        return local_mean(image);
    }
    let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let black_points = block_black_points(image, blocks_x, blocks_y);
    // Sum of the 5×5 black points around each block, clamped to stay inside the grid,
    // as zxing does (so edge blocks share their neighbours' windows).
    let mut thresholds = vec![0_u8; blocks_x * blocks_y];
    for by in 0..blocks_y {
        let cy = by.clamp(2, blocks_y - 3);
        for bx in 0..blocks_x {
            let cx = bx.clamp(2, blocks_x - 3);
            let mut sum = 0_u32;
            for row in black_points[(cy - 2) * blocks_x..(cy + 3) * blocks_x].chunks_exact(blocks_x)
            {
                sum += row[cx - 2..cx + 3]
                    .iter()
                    .map(|&p| u32::from(p))
                    .sum::<u32>();
            }
            // A mean of bytes is a byte.
            thresholds[by * blocks_x + bx] = (sum / 25) as u8;
        }
    }
    let mut dark = Vec::with_capacity(width * height);
    for (y, row) in image.pixels.chunks_exact(width).enumerate() {
        let block_row = &thresholds[(y / BLOCK) * blocks_x..(y / BLOCK + 1) * blocks_x];
        for (x, &p) in row.iter().enumerate() {
            dark.push(p <= block_row[x / BLOCK]);
        }
    }
    Some(Bitmap {
        width,
        height,
        dark,
    })
}

/// Each block's black point (see [`hybrid`]); edge blocks are partial.
fn block_black_points(image: &LumaImage, blocks_x: usize, blocks_y: usize) -> Vec<u8> {
    let width = image.width;
    let mut points = vec![0_u8; blocks_x * blocks_y];
    for by in 0..blocks_y {
        let rows = by * BLOCK..((by + 1) * BLOCK).min(image.height);
        for bx in 0..blocks_x {
            let cols = bx * BLOCK..((bx + 1) * BLOCK).min(width);
            let (mut min, mut max, mut sum) = (u8::MAX, u8::MIN, 0_u32);
            for y in rows.clone() {
                for &p in &image.pixels[y * width + cols.start..y * width + cols.end] {
                    min = min.min(p);
                    max = max.max(p);
                    sum += u32::from(p);
                }
            }
            let count = (rows.len() * cols.len()) as u32;
            let point = if max - min > MIN_DYNAMIC_RANGE {
                // A mean of bytes is a byte.
                (sum / count) as u8
            } else {
                // A flat block: assume background, so only pixels well below it are dark,
                // unless its neighbours' black points say it is darker than that (a flat
                // block inside a large dark module).
                let mut point = min / 2;
                if bx > 0 && by > 0 {
                    let above = u32::from(points[(by - 1) * blocks_x + bx]);
                    let left = u32::from(points[by * blocks_x + bx - 1]);
                    let above_left = u32::from(points[(by - 1) * blocks_x + bx - 1]);
                    let neighbours = ((above + 2 * left + above_left) / 4) as u8;
                    if min < neighbours {
                        point = neighbours;
                    }
                }
                point
            };
            points[by * blocks_x + bx] = point;
        }
    }
    points
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

    #[test]
    fn hybrid_keeps_the_inside_of_a_large_dark_area_dark() {
        // A 96-px black square on white: its inner blocks are flat, so their black point
        // comes from the blocks above and left of them, not from "flat = background".
        let (w, h) = (240, 240);
        let pixels = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                if (72..168).contains(&x) && (72..168).contains(&y) {
                    20
                } else {
                    230
                }
            })
            .collect();
        let bitmap = hybrid(&LumaImage::new(w, h, pixels).expect("valid")).expect("valid");
        for (x, y) in [(72, 72), (120, 120), (160, 100), (167, 167)] {
            assert!(bitmap.is_dark(x, y), "square at ({x}, {y})");
        }
        for (x, y) in [(10, 10), (71, 120), (168, 120), (230, 230)] {
            assert!(!bitmap.is_dark(x, y), "paper at ({x}, {y})");
        }
    }

    #[test]
    fn hybrid_follows_a_gradient_and_ignores_flat_noise() {
        let (w, h) = (400, 200);
        let pixels = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let paper = 250 - (190 * x / w) as u8;
                let noise = (i * 7 % 5) as u8;
                if (95..105).contains(&y) {
                    paper / 3
                } else {
                    paper - noise
                }
            })
            .collect();
        let bitmap = hybrid(&LumaImage::new(w, h, pixels).expect("valid")).expect("valid");
        for x in [5, 200, 395] {
            assert!(bitmap.is_dark(x, 100), "bar at x={x}");
            assert!(!bitmap.is_dark(x, 30), "paper at x={x}");
        }
    }

    #[test]
    fn hybrid_falls_back_to_the_local_mean_below_five_blocks() {
        let image =
            LumaImage::new(30, 30, (0..900).map(|i| (i % 256) as u8).collect()).expect("valid");
        assert_eq!(hybrid(&image), local_mean(&image));
        let bogus = LumaImage {
            width: 64,
            height: 64,
            pixels: vec![0; 3],
        };
        assert_eq!(hybrid(&bogus), None);
    }
}
