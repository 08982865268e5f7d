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
}
