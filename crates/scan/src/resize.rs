//! Scaling: big photos are reduced before detection (rqrr's cost grows with pixel
//! count, and a 12 MP phone photo holds far more detail than a QR code needs), and
//! tiny frames are enlarged so each module spans enough pixels for rqrr.

use crate::LumaImage;

impl LumaImage {
    /// Downscale by integer box-filter so the long side is <= max_side (used for big photos).
    ///
    /// The box filter averages whole blocks, which suppresses sensor noise and
    /// JPEG ringing instead of aliasing it into the modules. Frames already small
    /// enough (or malformed through the public fields) are returned as a copy.
    pub fn downscaled_to(&self, max_side: usize) -> LumaImage {
        let long = self.width.max(self.height);
        let max_side = max_side.max(1);
        if long <= max_side || !self.is_consistent() {
            return self.clone();
        }
        let factor = long.div_ceil(max_side);
        let out_w = self.width.div_ceil(factor);
        let out_h = self.height.div_ceil(factor);
        let mut pixels = Vec::with_capacity(out_w * out_h);
        for oy in 0..out_h {
            let rows = oy * factor..((oy + 1) * factor).min(self.height);
            for ox in 0..out_w {
                let cols = ox * factor..((ox + 1) * factor).min(self.width);
                pixels.push(self.block_mean(rows.clone(), cols));
            }
        }
        LumaImage {
            width: out_w,
            height: out_h,
            pixels,
        }
    }

    /// Bilinear 2× upscale, for small frames whose modules are too few pixels wide for
    /// rqrr's finder-pattern scan (it needs each ring of the 1:1:3:1:1 pattern to exist).
    ///
    /// Returns a copy when doubling would exceed [`crate::MAX_SIDE`] or the frame is malformed.
    pub(crate) fn upscaled_2x(&self) -> LumaImage {
        let (w, h) = (self.width, self.height);
        if !self.is_consistent() || w * 2 > crate::MAX_SIDE || h * 2 > crate::MAX_SIDE {
            return self.clone();
        }
        let at = |x: usize, y: usize| u32::from(self.pixels[y * w + x]);
        let mut pixels = Vec::with_capacity(4 * w * h);
        for oy in 0..2 * h {
            // Output pixel centres fall at 1/4 and 3/4 between input pixels.
            let (y0, y1, wy) = taps(oy, h);
            for ox in 0..2 * w {
                let (x0, x1, wx) = taps(ox, w);
                let top = at(x0, y0) * (4 - wx) + at(x1, y0) * wx;
                let bottom = at(x0, y1) * (4 - wx) + at(x1, y1) * wx;
                // Weights sum to 16, so the rounded result is a byte.
                pixels.push(((top * (4 - wy) + bottom * wy + 8) / 16) as u8);
            }
        }
        LumaImage {
            width: 2 * w,
            height: 2 * h,
            pixels,
        }
    }

    /// Bicubic 2× upscale: cubic convolution with a = −0.75 (as OpenCV's `INTER_CUBIC`). Its
    /// negative lobes steepen edges a little, so in a blurred photo a module smeared over 2-3
    /// pixels comes back with a crisper edge that rqrr's threshold keeps, where bilinear only
    /// spreads the blur. Not a replacement for [`LumaImage::upscaled_2x`]: the overshoot also
    /// sharpens noise and JPEG ringing, and bilinear reads codes this misses (see `strategy`).
    ///
    /// Returns a copy when doubling would exceed [`crate::MAX_SIDE`] or the frame is malformed.
    pub(crate) fn sharp_upscaled_2x(&self) -> LumaImage {
        let (w, h) = (self.width, self.height);
        if !self.is_consistent() || w * 2 > crate::MAX_SIDE || h * 2 > crate::MAX_SIDE {
            return self.clone();
        }
        // Rows first, kept in fixed point (× 256) so the columns pass rounds only once.
        let mut wide = Vec::with_capacity(2 * w * h);
        for row in self.pixels.chunks_exact(w) {
            for ox in 0..2 * w {
                wide.push(cubic_2x(ox, w, |x| i32::from(row[x])));
            }
        }
        let mut pixels = Vec::with_capacity(4 * w * h);
        for oy in 0..2 * h {
            for ox in 0..2 * w {
                let value = cubic_2x(oy, h, |y| wide[y * 2 * w + ox]);
                // 256 × 256 fixed point back to a byte; overshoot is clamped.
                pixels.push(((value + (1 << 15)) >> 16).clamp(0, 255) as u8);
            }
        }
        LumaImage {
            width: 2 * w,
            height: 2 * h,
            pixels,
        }
    }

    /// Rounded mean of a non-empty block; edge blocks may be partial.
    fn block_mean(&self, rows: std::ops::Range<usize>, cols: std::ops::Range<usize>) -> u8 {
        let count = rows.len() * cols.len();
        let sum: usize = rows
            .flat_map(|y| &self.pixels[y * self.width + cols.start..y * self.width + cols.end])
            .map(|&p| usize::from(p))
            .sum();
        // A mean of bytes is itself a byte.
        ((sum + count / 2) / count) as u8
    }
}

/// Source pixels and the weight (in quarters) of the second for output index `o` of a 2× upscale.
fn taps(o: usize, len: usize) -> (usize, usize, u32) {
    let last = len - 1;
    if o % 2 == 0 {
        // Centre at i - 1/4: 1/4 of the previous pixel, 3/4 of this one.
        let i = o / 2;
        (i.saturating_sub(1), i, if i == 0 { 4 } else { 3 })
    } else {
        // Centre at i + 1/4: 3/4 of this pixel, 1/4 of the next.
        let i = o / 2;
        (i, (i + 1).min(last), 1)
    }
}

/// Cubic convolution weights (a = −0.75, in 256ths, summing to 256) of the four source
/// pixels around an output pixel centred 1/4 past the second of them.
const CUBIC_QUARTER: [i32; 4] = [-27, 225, 67, -9];

/// Output index `o` of a 2× upscale along a line of `len` source samples read by `at`:
/// output centres fall at i − 1/4 (even `o`) and i + 1/4 (odd `o`) of source pixel i = o / 2;
/// taps beyond the ends repeat the edge pixel. The result is scaled by 256.
fn cubic_2x(o: usize, len: usize, at: impl Fn(usize) -> i32) -> i32 {
    let i = o / 2;
    // Taps i−1 … i+2, centred 1/4 past i (odd); for even `o` the mirror, centred 1/4 before i,
    // i.e. 3/4 past i−1: taps i−2 … i+1 with the weights reversed.
    let (first, weights) = if o % 2 == 1 {
        (i as isize - 1, CUBIC_QUARTER)
    } else {
        let mut w = CUBIC_QUARTER;
        w.reverse();
        (i as isize - 2, w)
    };
    let last = len as isize - 1;
    weights
        .iter()
        .enumerate()
        .map(|(k, &weight)| weight * at((first + k as isize).clamp(0, last) as usize))
        .sum()
}

#[cfg(test)]
mod tests {
    use crate::LumaImage;

    #[test]
    fn small_images_are_unchanged() {
        let img = LumaImage::new(4, 3, (0..12).collect()).expect("valid");
        assert_eq!(img.downscaled_to(4), img);
        assert_eq!(img.downscaled_to(100), img);
    }

    #[test]
    fn box_filter_averages_blocks() {
        #[rustfmt::skip]
        let img = LumaImage::new(4, 2, vec![
            0, 10, 200, 200,
            20, 30, 100, 100,
        ]).expect("valid");
        let small = img.downscaled_to(2);
        assert_eq!((small.width, small.height), (2, 1));
        assert_eq!(small.pixels, vec![15, 150]);
    }

    #[test]
    fn long_side_fits_and_partial_edges_are_kept() {
        let img = LumaImage::new(4000, 3000, vec![128; 12_000_000]).expect("valid");
        let small = img.downscaled_to(1600);
        assert!(small.width <= 1600 && small.height <= 1600);
        assert_eq!((small.width, small.height), (1334, 1000));
        assert!(small.pixels.iter().all(|&p| p == 128));
    }

    #[test]
    fn upscale_doubles_and_interpolates() {
        let img = LumaImage::new(2, 1, vec![0, 200]).expect("valid");
        let big = img.upscaled_2x();
        assert_eq!((big.width, big.height), (4, 2));
        // Centres at -1/4, 1/4, 3/4, 5/4 of the input: edges clamp, inner pixels blend 3:1.
        assert_eq!(big.pixels, vec![0, 50, 150, 200, 0, 50, 150, 200]);
    }

    #[test]
    fn upscale_keeps_flat_images_flat_and_respects_max_side() {
        let flat = LumaImage::new(3, 5, vec![77; 15]).expect("valid");
        assert!(flat.upscaled_2x().pixels.iter().all(|&p| p == 77));
        let wide = LumaImage::new(crate::MAX_SIDE, 1, vec![9; crate::MAX_SIDE]).expect("valid");
        assert_eq!(wide.upscaled_2x(), wide);
    }

    #[test]
    fn sharp_upscale_doubles_and_interpolates() {
        let img = LumaImage::new(2, 1, vec![0, 200]).expect("valid");
        let big = img.sharp_upscaled_2x();
        assert_eq!((big.width, big.height), (4, 2));
        // Centres at -1/4, 1/4, 3/4, 5/4 of the input; taps beyond the ends repeat the edge:
        // 1/4 past 0 is (-27·0 + 225·0 + 67·200 - 9·200) / 256 = 45.3, and 1/4 past 1
        // overshoots the step: (-27·0 + 225·200 + 67·200 - 9·200) / 256 = 221.1.
        assert_eq!(big.pixels, vec![0, 45, 155, 221, 0, 45, 155, 221]);
    }

    #[test]
    fn sharp_upscale_steepens_a_soft_edge() {
        // A dark-to-light ramp over three pixels, as a blurred module edge: the cubic
        // overshoots a little on both sides (clamped to bytes) where bilinear would not.
        let img = LumaImage::new(6, 1, vec![40, 40, 90, 160, 210, 210]).expect("valid");
        let big = img.sharp_upscaled_2x();
        let row = &big.pixels[..12];
        assert_eq!(big.pixels[12..], big.pixels[..12], "rows alike");
        assert!(row[2] < 40, "undershoot before the edge: {row:?}");
        assert!(row[9] > 210, "overshoot after the edge: {row:?}");
        assert!(
            row[2..=9].windows(2).all(|p| p[0] < p[1]),
            "rising edge: {row:?}"
        );
    }

    #[test]
    fn sharp_upscale_interpolates_rows_like_columns() {
        let img = LumaImage::new(1, 2, vec![0, 200]).expect("valid");
        let big = img.sharp_upscaled_2x();
        assert_eq!(big.pixels, vec![0, 0, 45, 45, 155, 155, 221, 221]);
    }

    #[test]
    fn sharp_upscale_keeps_flat_images_flat_and_respects_max_side() {
        let flat = LumaImage::new(3, 5, vec![77; 15]).expect("valid");
        assert!(flat.sharp_upscaled_2x().pixels.iter().all(|&p| p == 77));
        let wide = LumaImage::new(crate::MAX_SIDE, 1, vec![9; crate::MAX_SIDE]).expect("valid");
        assert_eq!(wide.sharp_upscaled_2x(), wide);
    }
}
