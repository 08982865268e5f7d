//! Downscaling big photos before detection: rqrr's cost grows with pixel count,
//! and a 12 MP phone photo holds far more detail than a QR code needs.

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
}
