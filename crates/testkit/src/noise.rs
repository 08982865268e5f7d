//! Deterministic pseudo-random noise, so generated clips are reproducible
//! byte for byte without a rand dependency.

/// 64-bit linear congruential generator (Knuth's MMIX constants).
pub struct Lcg(u64);

impl Lcg {
    /// Seeds a generator; equal seeds give equal sequences.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Uniform value in `-amplitude..=amplitude`.
    pub fn jitter(&mut self, amplitude: u8) -> i16 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let span = 2 * u64::from(amplitude) + 1;
        // The high bits of an LCG are the well-mixed ones; the result is < span <= 511.
        ((self.0 >> 33) % span) as i16 - i16::from(amplitude)
    }

    /// Adds jitter to every pixel, saturating at black and white.
    pub fn add_to(&mut self, pixels: &mut [u8], amplitude: u8) {
        for p in pixels {
            *p = (i16::from(*p) + self.jitter(amplitude)).clamp(0, 255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lcg;

    #[test]
    fn jitter_is_bounded_and_reproducible() {
        let (mut a, mut b) = (Lcg::new(7), Lcg::new(7));
        let xs: Vec<i16> = (0..1000).map(|_| a.jitter(4)).collect();
        assert!(xs.iter().all(|x| (-4..=4).contains(x)));
        assert!(xs.iter().any(|&x| x != xs[0]));
        assert_eq!(xs, (0..1000).map(|_| b.jitter(4)).collect::<Vec<_>>());
    }
}
