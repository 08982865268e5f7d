//! Camera degradations for the hand-held scene (`scene.rs`): what each one changes in the
//! scene's set-up, and the image operations that apply them the way a phone camera produces
//! them — optics (motion blur, defocus) on the scene's radiance, then glare, exposure and the
//! sensor's noise, clipped and quantised last.
//!
//! Sizes are given for a 480-px short side and scale with the frame, so a 1280×720 clip is
//! degraded like a 640×480 one.

use std::fmt;

use crate::noise::Lcg;

/// One way a real scan goes wrong. Several can be combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Degradation {
    /// Poster seen from the side and from below: 40° about the vertical axis, 15° about the
    /// horizontal one, camera rolled 8°.
    Perspective,
    /// The phone swept back and forth (±4°, once a second) under a 1/30 s indoor shutter:
    /// blur up to ≈ 7 px, sharp only near the turning points.
    MotionBlur,
    /// Out of focus, autofocus hunting: a disk blur of radius 1.8–3 px.
    Defocus,
    /// High-ISO sensor noise with no denoising: σ ≈ 11 levels on ink, ≈ 17 on paper.
    Noise,
    /// A dim room: a fifth of the light (paper at ≈ 50 of 255), noise that dominates the
    /// contrast and a longer 1/25 s shutter.
    LowLight,
    /// A bright reflection on a glossy poster, saturating a patch of the code's data area.
    Glare,
    /// The code far away: 2.5 px per module instead of filling 45 % of the short side.
    Far,
    /// The poster printed light on dark (code included).
    Inverted,
}

/// Names accepted by `--degrade`, in the order they are listed in the help.
pub const NAMES: [(&str, Degradation); 8] = [
    ("perspective", Degradation::Perspective),
    ("motion-blur", Degradation::MotionBlur),
    ("defocus", Degradation::Defocus),
    ("noise", Degradation::Noise),
    ("low-light", Degradation::LowLight),
    ("glare", Degradation::Glare),
    ("far", Degradation::Far),
    ("inverted", Degradation::Inverted),
];

impl Degradation {
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("?", |(name, _)| name)
    }
}

impl fmt::Display for Degradation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses `--degrade`: comma-separated names, or `none` for the plain hand-held scene.
pub fn parse_list(list: &str) -> Result<Vec<Degradation>, String> {
    if list == "none" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for name in list.split(',') {
        let Some((_, found)) = NAMES.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown degradation `{name}` (known: none, {})",
                known.join(", ")
            ));
        };
        if out.contains(found) {
            return Err(format!("degradation `{name}` given twice"));
        }
        out.push(*found);
    }
    Ok(out)
}

/// The scene and camera settings a list of degradations implies.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// Code side (modules only, no quiet zone) as a share of the short side, seen head-on;
    /// `None`: sized by `far_module_px` instead.
    pub fill: Option<f32>,
    /// Module size in px (at a 480-px short side) for a far code.
    pub far_module_px: f32,
    /// Poster orientation: degrees about the vertical and the horizontal axis.
    pub tilt: (f32, f32),
    /// Camera roll in degrees, on top of the hand's.
    pub roll: f32,
    /// Back-and-forth sweep of the phone (degrees of yaw, and Hz); `None`: a steady hand.
    pub sweep: Option<(f32, f32)>,
    /// Shutter time in seconds: motion blur is the image motion during it.
    pub exposure_s: f32,
    /// Defocus disk radius in px (at a 480-px short side): mean and swing of the hunting.
    pub defocus: Option<(f32, f32)>,
    /// Light reaching the sensor (1: paper at 0xE0).
    pub light: f32,
    /// Sensor noise: read noise σ in levels, and shot-noise variance per level of signal.
    pub read_noise: f32,
    pub shot_noise: f32,
    pub glare: bool,
    pub inverted: bool,
}

/// A well-lit poster, a steady hand, a sharp lens, a clean sensor.
const BASELINE: Setup = Setup {
    fill: Some(0.45),
    far_module_px: 2.5,
    tilt: (0.0, 0.0),
    roll: 0.0,
    sweep: None,
    exposure_s: 1.0 / 60.0,
    defocus: None,
    light: 1.0,
    read_noise: 1.5,
    shot_noise: 0.05,
    glare: false,
    inverted: false,
};

impl Setup {
    pub fn new(degradations: &[Degradation]) -> Self {
        let mut setup = BASELINE;
        for degradation in degradations {
            match degradation {
                Degradation::Perspective => {
                    setup.tilt = (40.0, 15.0);
                    setup.roll = 8.0;
                }
                Degradation::MotionBlur => {
                    setup.sweep = Some((4.0, 1.0));
                    setup.exposure_s = setup.exposure_s.max(1.0 / 30.0);
                }
                Degradation::Defocus => setup.defocus = Some((2.4, 0.6)),
                Degradation::Noise => {
                    setup.read_noise = 10.0;
                    setup.shot_noise = 0.8;
                }
                Degradation::LowLight => {
                    setup.light = 0.22;
                    setup.read_noise = setup.read_noise.max(2.5);
                    setup.shot_noise = setup.shot_noise.max(0.6);
                    setup.exposure_s = setup.exposure_s.max(1.0 / 25.0);
                }
                Degradation::Glare => setup.glare = true,
                Degradation::Far => setup.fill = None,
                Degradation::Inverted => setup.inverted = true,
            }
        }
        setup
    }
}

/// A frame as light on the sensor, in levels (255: white paper's clipping point); it is only
/// clipped and quantised by [`Radiance::to_pixels`].
#[derive(Clone, Debug, PartialEq)]
pub struct Radiance {
    pub width: usize,
    pub height: usize,
    pub values: Vec<f32>,
}

impl Radiance {
    fn at(&self, x: isize, y: isize) -> f32 {
        let x = x.clamp(0, self.width as isize - 1) as usize;
        let y = y.clamp(0, self.height as isize - 1) as usize;
        self.values[y * self.width + x]
    }

    /// Bilinear sample, edges extended.
    fn sample(&self, x: f32, y: f32) -> f32 {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as isize, y0 as isize);
        let top = self.at(x0, y0) * (1.0 - fx) + self.at(x0 + 1, y0) * fx;
        let bottom = self.at(x0, y0 + 1) * (1.0 - fx) + self.at(x0 + 1, y0 + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// Linear motion blur: the average of the image over the shift `(dx, dy)` in px, centred
    /// (a uniform motion during the shutter time).
    pub fn motion_blur(&mut self, dx: f32, dy: f32) {
        let length = dx.hypot(dy);
        if length < 0.25 {
            return;
        }
        let taps = length.ceil() as usize * 2 + 1;
        let mut out = vec![0.0; self.values.len()];
        for y in 0..self.height {
            for x in 0..self.width {
                let mut sum = 0.0;
                for tap in 0..taps {
                    let s = tap as f32 / (taps - 1) as f32 - 0.5;
                    sum += self.sample(x as f32 + s * dx, y as f32 + s * dy);
                }
                out[y * self.width + x] = sum / taps as f32;
            }
        }
        self.values = out;
    }

    /// Defocus: the average over a disk of `radius` px (a lens's out-of-focus blur is a disk,
    /// not a Gaussian), with the disk's edge pixels weighted by how far the edge reaches in.
    pub fn defocus(&mut self, radius: f32) {
        if radius < 0.5 {
            return;
        }
        let reach = radius.ceil() as isize;
        // Each kernel row: whole pixels out to `full`, then one pixel either side at `edge`.
        let rows: Vec<(isize, isize, f32)> = (-reach..=reach)
            .filter_map(|dy| {
                let half = (radius * radius - (dy * dy) as f32).max(0.0).sqrt();
                (half > 0.0 || dy == 0).then(|| (dy, half.floor() as isize, half.fract()))
            })
            .collect();
        let weight: f32 = rows
            .iter()
            .map(|(_, full, edge)| (2 * full + 1) as f32 + 2.0 * edge)
            .sum();
        // Row prefix sums over an edge-extended row, so each kernel row costs two look-ups.
        let pad = reach + 1;
        let padded = self.width + 2 * pad as usize;
        let mut prefix = vec![0.0f64; self.height * (padded + 1)];
        for y in 0..self.height {
            let row = &mut prefix[y * (padded + 1)..(y + 1) * (padded + 1)];
            for i in 0..padded {
                row[i + 1] = row[i] + f64::from(self.at(i as isize - pad, y as isize));
            }
        }
        let mut out = vec![0.0; self.values.len()];
        for y in 0..self.height {
            for x in 0..self.width {
                let mut sum = 0.0f64;
                for &(dy, full, edge) in &rows {
                    let row = (y as isize + dy).clamp(0, self.height as isize - 1) as usize;
                    let row = &prefix[row * (padded + 1)..(row + 1) * (padded + 1)];
                    let centre = x as isize + pad;
                    let (from, to) = ((centre - full) as usize, (centre + full + 1) as usize);
                    sum += row[to] - row[from];
                    if edge > 0.0 {
                        let pixel = |i: usize| row[i + 1] - row[i];
                        sum += f64::from(edge) * (pixel(from - 1) + pixel(to));
                    }
                }
                out[y * self.width + x] = (sum / f64::from(weight)) as f32;
            }
        }
        self.values = out;
    }

    /// Specular glare: adds a Gaussian blob of `peak` levels and spread `sigma` px at
    /// `(cx, cy)`; where it pushes the code past white, the modules are washed out.
    pub fn add_glare(&mut self, cx: f32, cy: f32, sigma: f32, peak: f32) {
        let reach = 4.0 * sigma;
        let y0 = (cy - reach).max(0.0) as usize;
        let y1 = ((cy + reach).max(0.0) as usize).min(self.height);
        let x0 = (cx - reach).max(0.0) as usize;
        let x1 = ((cx + reach).max(0.0) as usize).min(self.width);
        for y in y0..y1 {
            for x in x0..x1 {
                let d2 = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2);
                self.values[y * self.width + x] += peak * (-d2 / (2.0 * sigma * sigma)).exp();
            }
        }
    }

    /// The sensor: `light` scales the signal, then Gaussian noise of variance
    /// `read² + shot × signal`, clipped to 0..=255 and rounded.
    pub fn to_pixels(&self, light: f32, read: f32, shot: f32, rng: &mut Lcg) -> Vec<u8> {
        self.values
            .iter()
            .map(|&v| {
                let signal = (v * light).max(0.0);
                let sigma = (read * read + shot * signal).sqrt();
                (signal + sigma * rng.gaussian()).round().clamp(0.0, 255.0) as u8
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(width: usize, height: usize, value: f32) -> Radiance {
        Radiance {
            width,
            height,
            values: vec![value; width * height],
        }
    }

    /// A vertical edge: dark left half, bright right half.
    fn edge(width: usize, height: usize) -> Radiance {
        let mut image = flat(width, height, 32.0);
        for y in 0..height {
            for x in width / 2..width {
                image.values[y * width + x] = 224.0;
            }
        }
        image
    }

    fn mean(values: &[f32]) -> f32 {
        values.iter().sum::<f32>() / values.len() as f32
    }

    #[test]
    fn lists_parse() {
        assert_eq!(parse_list("none"), Ok(vec![]));
        assert_eq!(
            parse_list("perspective,low-light"),
            Ok(vec![Degradation::Perspective, Degradation::LowLight])
        );
        for (name, degradation) in NAMES {
            assert_eq!(parse_list(name), Ok(vec![degradation]));
            assert_eq!(degradation.to_string(), name);
        }
        assert!(parse_list("blur").is_err());
        assert!(parse_list("glare,glare").is_err());
        assert!(parse_list("").is_err());
        assert!(parse_list("none,glare").is_err());
    }

    #[test]
    fn setups_combine() {
        let setup = Setup::new(&[Degradation::LowLight, Degradation::MotionBlur]);
        assert_eq!(setup.exposure_s, 1.0 / 25.0, "the longer shutter wins");
        assert!(setup.sweep.is_some());
        assert!(setup.light < 0.5);
        assert_eq!(Setup::new(&[]), BASELINE);
        assert_eq!(Setup::new(&[Degradation::Far]).fill, None);
    }

    #[test]
    fn motion_blur_spreads_an_edge_along_the_motion_only() {
        let mut image = edge(40, 8);
        let before = image.clone();
        image.motion_blur(0.0, 6.0);
        assert_eq!(
            image, before,
            "vertical motion leaves a vertical edge sharp"
        );
        image.motion_blur(8.0, 0.0);
        let row = &image.values[4 * 40..5 * 40];
        // The ramp spans the 8 px of motion: flat far from the edge, graded near it.
        assert_eq!(row[5], 32.0);
        assert_eq!(row[35], 224.0);
        assert!(row[17] > 32.0 && row[17] < 128.0, "{}", row[17]);
        assert!(row[22] > 128.0 && row[22] < 224.0, "{}", row[22]);
        assert!(row.windows(2).all(|w| w[0] <= w[1] + 1e-3), "monotonic");
    }

    #[test]
    fn defocus_is_a_normalised_disk() {
        let mut image = flat(21, 21, 0.0);
        image.values[10 * 21 + 10] = 1000.0;
        image.defocus(3.0);
        assert!(
            (image.values.iter().sum::<f32>() - 1000.0).abs() < 0.5,
            "energy kept"
        );
        let at = |x: usize, y: usize| image.values[y * 21 + x];
        // Flat inside the disk, nothing outside it.
        assert!((at(10, 10) - at(12, 10)).abs() < 1e-3);
        assert!((at(10, 10) - at(10, 8)).abs() < 1e-3);
        assert_eq!(at(14, 10), 0.0);
        assert_eq!(at(13, 13), 0.0, "a disk, not a square");
        assert!(at(10, 10) > 0.0);
        let mut uniform = flat(9, 9, 77.0);
        uniform.defocus(2.5);
        assert!(uniform.values.iter().all(|v| (v - 77.0).abs() < 1e-3));
    }

    #[test]
    fn glare_saturates_its_centre_only() {
        let mut image = flat(64, 64, 32.0);
        image.add_glare(32.0, 32.0, 6.0, 400.0);
        let pixels = image.to_pixels(1.0, 0.0, 0.0, &mut Lcg::new(1));
        assert_eq!(pixels[32 * 64 + 32], 255);
        assert_eq!(pixels[32 * 64 + 38], 255, "within one sigma: washed out");
        assert_eq!(pixels[2 * 64 + 2], 32, "far corner untouched");
    }

    #[test]
    fn sensor_noise_and_light() {
        let image = flat(100, 100, 224.0);
        let mut rng = Lcg::new(3);
        let clean = image.to_pixels(1.0, 0.0, 0.0, &mut rng);
        assert!(clean.iter().all(|&p| p == 224));
        let dim: Vec<f32> = image
            .to_pixels(0.22, 2.5, 0.6, &mut rng)
            .into_iter()
            .map(f32::from)
            .collect();
        let m = mean(&dim);
        let sd = (dim.iter().map(|v| (v - m).powi(2)).sum::<f32>() / dim.len() as f32).sqrt();
        assert!((m - 49.3).abs() < 1.0, "mean {m}");
        // σ² = 2.5² + 0.6 × 49.3 ≈ 35.8.
        assert!((sd - 5.98).abs() < 0.5, "sd {sd}");
    }
}
