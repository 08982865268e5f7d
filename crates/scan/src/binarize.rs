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
/// 1/6 read the most of the corpus (1/4 and 1/8 read fewer). Window sums come from column
/// sums over the window's rows, updated as the window slides down, and their running totals
/// along the row, so the cost is a few operations per pixel whatever the window size.
pub(crate) fn local_mean(image: &LumaImage) -> Option<Bitmap> {
    if !image.is_consistent() {
        return None;
    }
    let (width, height) = (image.width, image.height);
    let radius = (width.min(height) / 12).max(4);
    // Sums stay below 2^32: a window holds at most 255 * (2 * 682 + 1)^2 (MAX_SIDE / 12 = 682)
    // and a row of column sums at most 8192 * 255 * 1365. Wrapping adds keep the code simple
    // all the same.
    let mut columns = vec![0_u32; width];
    let mut totals = vec![0_u32; width + 1];
    let (mut top, mut bottom) = (0, 0); // rows top..bottom are in `columns`
    let mut dark = vec![false; width * height];
    let rows_of_pixels = image.pixels.chunks_exact(width);
    for (y, (row, out)) in rows_of_pixels.zip(dark.chunks_exact_mut(width)).enumerate() {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(height));
        while bottom < y1 {
            let new_row = &image.pixels[bottom * width..(bottom + 1) * width];
            for (sum, &p) in columns.iter_mut().zip(new_row) {
                *sum = sum.wrapping_add(u32::from(p));
            }
            bottom += 1;
        }
        while top < y0 {
            let old_row = &image.pixels[top * width..(top + 1) * width];
            for (sum, &p) in columns.iter_mut().zip(old_row) {
                *sum = sum.wrapping_sub(u32::from(p));
            }
            top += 1;
        }
        let mut total = 0_u32;
        for (running, &column) in totals[1..].iter_mut().zip(&columns) {
            total = total.wrapping_add(column);
            *running = total;
        }
        let rows = (y1 - y0) as u64;
        // pixel < mean * (1 - margin), without division.
        let is_dark = |pixel: u8, count: u64, sum: u32| {
            u64::from(pixel) * count * 100 < u64::from(sum) * (100 - DARK_MARGIN_PERCENT)
        };
        // Columns whose window is cut by the left or right edge, then the full windows in
        // between, whose pixel count is the same for the whole row.
        let full = if width > 2 * radius {
            radius..width - radius
        } else {
            0..0
        };
        for x in (0..full.start).chain(full.end..width) {
            let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(width));
            let sum = totals[x1].wrapping_sub(totals[x0]);
            out[x] = is_dark(row[x], (x1 - x0) as u64 * rows, sum);
        }
        if full.is_empty() {
            continue;
        }
        let count = (2 * radius + 1) as u64 * rows;
        // The window of column x runs from totals[x - radius] to totals[x + radius + 1].
        let ends = totals[full.start + radius + 1..].iter();
        let starts = totals[full.start - radius..].iter();
        for ((dark, &pixel), (&end, &start)) in out[full.clone()]
            .iter_mut()
            .zip(&row[full])
            .zip(ends.zip(starts))
        {
            *dark = is_dark(pixel, count, end.wrapping_sub(start));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The local mean by its definition: every window summed pixel by pixel.
    fn local_mean_brute_force(image: &LumaImage) -> Vec<bool> {
        let (w, h) = (image.width, image.height);
        let radius = (w.min(h) / 12).max(4);
        (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
                let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
                let window = (y0..y1).flat_map(|wy| (x0..x1).map(move |wx| wy * w + wx));
                let sum: u64 = window.map(|j| u64::from(image.pixels[j])).sum();
                let count = ((x1 - x0) * (y1 - y0)) as u64;
                u64::from(image.pixels[i]) * count * 100 < sum * (100 - DARK_MARGIN_PERCENT)
            })
            .collect()
    }

    #[test]
    fn local_mean_matches_its_definition() {
        let mut state = 0x9e37_79b9_u32;
        for (w, h) in [(1, 1), (7, 5), (9, 30), (64, 48), (130, 97)] {
            let pixels = (0..w * h)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    // Light paper with noise and dark blobs, so both outcomes occur.
                    if (i / 5 + i / w) % 7 == 0 {
                        (state % 60) as u8
                    } else {
                        180 + (state % 70) as u8
                    }
                })
                .collect();
            let image = LumaImage::new(w, h, pixels).expect("valid");
            let bitmap = local_mean(&image).expect("consistent");
            assert_eq!(bitmap.dark, local_mean_brute_force(&image), "{w}x{h}");
        }
    }

    #[test]
    fn window_sums_of_a_white_frame_of_the_largest_width_stay_exact() {
        // Running totals along a row of the widest frame reach 8192 * 255 * (2r + 1).
        let (w, h) = (crate::MAX_SIDE, 400);
        let mut pixels = vec![255; w * h];
        pixels[200 * w + w - 1] = 0;
        let bitmap = local_mean(&LumaImage::new(w, h, pixels).expect("valid")).expect("valid");
        assert!(bitmap.is_dark(w - 1, 200));
        assert_eq!(bitmap.dark.iter().filter(|&&d| d).count(), 1);
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
