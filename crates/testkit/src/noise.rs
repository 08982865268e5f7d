//! Deterministic pseudo-random noise, so generated clips are reproducible
//! byte for byte without a rand dependency.

/// 64-bit linear congruential generator (Knuth's MMIX constants).
pub struct Lcg(u64);

impl Lcg {
    /// Seeds a generator; equal seeds give equal sequences.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn step(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0
    }

    /// Uniform value in `-amplitude..=amplitude`.
    pub fn jitter(&mut self, amplitude: u8) -> i16 {
        self.step();
        let span = 2 * u64::from(amplitude) + 1;
        // The high bits of an LCG are the well-mixed ones; the result is < span <= 511.
        ((self.0 >> 33) % span) as i16 - i16::from(amplitude)
    }

    /// Uniform value in `0.0..1.0` (24 high bits).
    pub fn unit(&mut self) -> f32 {
        (self.step() >> 40) as f32 / (1u32 << 24) as f32
    }

    /// Standard normal value (Box–Muller), for sensor noise.
    pub fn gaussian(&mut self) -> f32 {
        let radius = (-2.0 * (1.0 - self.unit()).ln()).sqrt();
        radius * (std::f32::consts::TAU * self.unit()).cos()
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

    #[test]
    fn gaussian_has_unit_spread() {
        let mut rng = Lcg::new(11);
        let xs: Vec<f32> = (0..20_000).map(|_| rng.gaussian()).collect();
        let mean = xs.iter().sum::<f32>() / xs.len() as f32;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / xs.len() as f32;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
        assert!(xs.iter().all(|x| x.is_finite()));
    }
}
