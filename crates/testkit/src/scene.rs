//! What a phone sees when someone aims it at a venue poster: a pinhole camera in front of a
//! poster (code, title, small print) hung on a wall among other notices, moved a little by the
//! hand from frame to frame, with the degradations of `degrade.rs` applied as a camera makes
//! them. Used by `clip --degrade` and `frame`.
//!
//! World coordinates are in code modules, centred on the code, x right and y down; the image is
//! rendered by mapping every pixel back onto the poster's plane through the camera's
//! homography (2×2 samples per pixel), so tilt and distance come out as true perspective.

use std::error::Error;
use std::f32::consts::TAU;

use image::GrayImage;
use qrcode::{Color, QrCode};

use crate::args::FrameOpts;
use crate::degrade::{Degradation, Radiance, Setup};
use crate::noise::Lcg;
use crate::raster::{encode, Frame, DARK, LIGHT};

/// Poster paper and ink, as the plain clips' `LIGHT` and `DARK` under full light.
const PAPER: f32 = LIGHT as f32;
const INK: f32 = DARK as f32;
/// Painted wall and the darker things on it.
const WALL: f32 = 150.0;
const DOOR_FRAME: f32 = 70.0;
const SKIRTING: f32 = 95.0;
/// Layout size of a poster without a code: a version-8 code's width, as the venue codes'.
const MODULES_WITHOUT_CODE: usize = 49;
/// Texture resolution and extent (either side of the code's centre), in modules.
const TEXELS_PER_MODULE: usize = 4;
const HALF_EXTENT: usize = 256;
/// Focal length as a share of the frame width (≈ 64° horizontal field of view).
const FOCAL_PER_WIDTH: f32 = 0.8;
/// Sizes in `degrade.rs` are for this short side.
const REFERENCE_SIDE: f32 = 480.0;

/// A poster on a wall and a camera aimed at it.
pub struct Scene {
    width: usize,
    height: usize,
    fps: f32,
    setup: Setup,
    texture: Texture,
    /// Code width in modules (the layout size when there is no code).
    modules: usize,
    /// Focal length and head-on camera distance, in px and modules.
    focal: f32,
    distance: f32,
}

impl Scene {
    /// The scene for `text` (no code on the poster when `None`) seen in `width`×`height`
    /// frames at `fps`, with `degradations` applied.
    pub fn new(
        text: Option<&str>,
        width: usize,
        height: usize,
        fps: usize,
        degradations: &[Degradation],
    ) -> Result<Self, String> {
        let code = text.map(encode).transpose()?;
        let modules = code.as_ref().map_or(MODULES_WITHOUT_CODE, QrCode::width);
        let setup = Setup::new(degradations);
        let short = width.min(height) as f32;
        let module_px = match setup.fill {
            Some(fill) => fill * short / modules as f32,
            None => setup.far_module_px * short / REFERENCE_SIDE,
        };
        if module_px < 1.0 {
            return Err(format!(
                "a {width}x{height} frame is too small for this code ({module_px:.2} px per module)"
            ));
        }
        let focal = FOCAL_PER_WIDTH * width as f32;
        Ok(Self {
            width,
            height,
            fps: fps as f32,
            texture: Texture::poster_on_wall(code.as_ref(), modules, setup.inverted),
            setup,
            modules,
            focal,
            distance: focal / module_px,
        })
    }

    /// Frame `index`: the hand's pose at that time, optics, glare, then the sensor.
    pub fn frame(&self, index: usize) -> Frame {
        let t = index as f32 / self.fps;
        let camera = self.camera_at(t);
        let mut radiance = self.render(&camera);
        let scale = self.width.min(self.height) as f32 / REFERENCE_SIDE;

        let (dx, dy) = self.blur_at(t);
        radiance.motion_blur(dx, dy);
        if let Some((mean, swing)) = self.setup.defocus {
            // Autofocus hunting: the blur breathes instead of holding still.
            radiance.defocus((mean + swing * (TAU * 0.7 * t).sin()) * scale);
        }
        if self.setup.glare {
            let n = self.modules as f32;
            // The reflection sits over the data area, away from the finder patterns, and
            // slides a little as the viewing angle changes.
            let (gx, gy) = camera.project(
                n * (0.2 + 0.05 * (TAU * 0.4 * t).sin()),
                n * (0.18 + 0.04 * (TAU * 0.33 * t).cos()),
            );
            radiance.add_glare(gx, gy, 0.14 * camera.code_side(n), 380.0);
        }
        let mut rng = Lcg::new(0x5EED_0000 + index as u64);
        let pixels = radiance.to_pixels(
            self.setup.light,
            self.setup.read_noise,
            self.setup.shot_noise,
            &mut rng,
        );
        Frame {
            width: self.width,
            height: self.height,
            pixels,
        }
    }

    /// Motion blur at time `t`: how far the code's centre moves while the shutter is open.
    fn blur_at(&self, t: f32) -> (f32, f32) {
        let half = self.setup.exposure_s / 2.0;
        let (x0, y0) = self.camera_at(t - half).project(0.0, 0.0);
        let (x1, y1) = self.camera_at(t + half).project(0.0, 0.0);
        (x1 - x0, y1 - y0)
    }

    /// The camera at time `t`: the set-up's tilt and distance, plus the hand: a slow drift,
    /// a small tremor and, for `motion-blur`, a back-and-forth sweep.
    fn camera_at(&self, t: f32) -> Camera {
        let wave = |amplitude: f32, hz: f32, phase: f32| amplitude * (TAU * hz * t + phase).sin();
        let (sweep_yaw, sweep_pitch) = self.setup.sweep.map_or((0.0, 0.0), |(degrees, hz)| {
            (wave(degrees, hz, 0.0), wave(0.4 * degrees, 0.7 * hz, 0.8))
        });
        let yaw = wave(0.35, 0.45, 0.4) + wave(0.08, 9.0, 0.0) + sweep_yaw;
        let pitch = wave(0.3, 0.37, 2.1) + wave(0.08, 7.3, 1.3) + sweep_pitch;
        let roll = self.setup.roll + wave(1.2, 0.3, 1.0);
        let short = self.width.min(self.height) as f32;
        let distance = self.distance * (1.0 + wave(0.03, 0.25, 0.5));
        let shift_x = short * wave(0.015, 0.21, 0.3) * distance / self.focal;
        let shift_y = short * wave(0.012, 0.17, 1.7) * distance / self.focal;
        let plane = mul(
            &rotation_x(self.setup.tilt.1.to_radians()),
            &rotation_y(self.setup.tilt.0.to_radians()),
        );
        let camera = mul(
            &rotation_z(roll.to_radians()),
            &mul(
                &rotation_x(pitch.to_radians()),
                &rotation_y(yaw.to_radians()),
            ),
        );
        // World (x, y, 0) → camera: camera · (plane · (x, y, 0) + (shift, distance)).
        let extrinsic = [
            [plane[0][0], plane[0][1], shift_x],
            [plane[1][0], plane[1][1], shift_y],
            [plane[2][0], plane[2][1], distance],
        ];
        let intrinsic = [
            [self.focal, 0.0, self.width as f32 / 2.0],
            [0.0, self.focal, self.height as f32 / 2.0],
            [0.0, 0.0, 1.0],
        ];
        let homography = mul(&intrinsic, &mul(&camera, &extrinsic));
        Camera {
            homography,
            inverse: invert(&homography),
        }
    }

    /// The scene's light on each pixel: four samples of the wall per pixel, vignetted.
    fn render(&self, camera: &Camera) -> Radiance {
        const SUBPIXELS: [(f32, f32); 4] = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)];
        let (w, h) = (self.width as f32, self.height as f32);
        let corner2 = (w * w + h * h) / 4.0;
        let mut values = Vec::with_capacity(self.width * self.height);
        for y in 0..self.height {
            for x in 0..self.width {
                let mut sum = 0.0;
                for (dx, dy) in SUBPIXELS {
                    let (wx, wy) = camera.unproject(x as f32 + dx, y as f32 + dy);
                    sum += self.texture.sample(wx, wy);
                }
                let (rx, ry) = (x as f32 + 0.5 - w / 2.0, y as f32 + 0.5 - h / 2.0);
                let vignette = 1.0 - 0.25 * (rx * rx + ry * ry) / corner2;
                values.push(sum / SUBPIXELS.len() as f32 * vignette);
            }
        }
        Radiance {
            width: self.width,
            height: self.height,
            values,
        }
    }
}

type Matrix = [[f32; 3]; 3];

/// World plane ↔ image, for one frame.
struct Camera {
    homography: Matrix,
    inverse: Matrix,
}

impl Camera {
    fn project(&self, x: f32, y: f32) -> (f32, f32) {
        apply(&self.homography, x, y)
    }

    fn unproject(&self, x: f32, y: f32) -> (f32, f32) {
        apply(&self.inverse, x, y)
    }

    /// Mean side of the code's square in the image, px.
    fn code_side(&self, modules: f32) -> f32 {
        let h = modules / 2.0;
        let dist = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).hypot(a.1 - b.1);
        let across = dist(self.project(-h, 0.0), self.project(h, 0.0));
        let down = dist(self.project(0.0, -h), self.project(0.0, h));
        (across + down) / 2.0
    }
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    let w = m[2][0] * x + m[2][1] * y + m[2][2];
    (
        (m[0][0] * x + m[0][1] * y + m[0][2]) / w,
        (m[1][0] * x + m[1][1] * y + m[1][2]) / w,
    )
}

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

/// Inverse by the adjugate; the homographies here are far from singular.
fn invert(m: &Matrix) -> Matrix {
    let cofactor = |r: usize, c: usize| {
        let (r0, r1) = ((r + 1) % 3, (r + 2) % 3);
        let (c0, c1) = ((c + 1) % 3, (c + 2) % 3);
        m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]
    };
    let det: f32 = (0..3).map(|c| m[0][c] * cofactor(0, c)).sum();
    let mut out = [[0.0; 3]; 3];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            *cell = cofactor(c, r) / det;
        }
    }
    out
}

fn rotation_x(a: f32) -> Matrix {
    let (s, c) = a.sin_cos();
    [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]
}

fn rotation_y(a: f32) -> Matrix {
    let (s, c) = a.sin_cos();
    [[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]
}

fn rotation_z(a: f32) -> Matrix {
    let (s, c) = a.sin_cos();
    [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]
}

/// The wall with the poster, as reflected light under full light, sampled bilinearly.
struct Texture {
    side: usize,
    values: Vec<f32>,
}

impl Texture {
    fn poster_on_wall(code: Option<&QrCode>, modules: usize, inverted: bool) -> Self {
        let side = 2 * HALF_EXTENT * TEXELS_PER_MODULE;
        let mut texture = Self {
            side,
            values: Vec::with_capacity(side * side),
        };
        let mut grain = Lcg::new(7);
        for ty in 0..side {
            for tx in 0..side {
                let (x, y) = texture.world(tx, ty);
                let paint = 1.0
                    + 0.06 * (x / 23.0).sin() * (y / 31.0).sin()
                    + 0.04 * ((x + y) / 11.0).sin();
                texture
                    .values
                    .push(WALL * paint + f32::from(grain.jitter(3)));
            }
        }
        let h = modules as f32 / 2.0;
        // Things on the wall around the poster: a door frame, the skirting board, two notices.
        texture.fill(h + 58.0, -1e4, h + 64.0, 1e4, DOOR_FRAME);
        texture.fill(-1e4, h + 75.0, 1e4, h + 80.0, SKIRTING);
        texture.fill(-h - 70.0, -h - 10.0, -h - 22.0, h + 25.0, PAPER);
        texture.text(-h - 67.0, -h - 7.0, -h - 25.0, h + 22.0, 1.6, 3.0, 11);
        texture.fill(h + 20.0, -h - 30.0, h + 52.0, -h + 10.0, PAPER);
        texture.fill(h + 20.0, -h - 30.0, h + 52.0, -h - 24.0, INK);
        texture.text(h + 23.0, -h - 21.0, h + 49.0, -h + 7.0, 1.2, 2.4, 12);

        // The poster: a title above the code, small print below, both well clear of the
        // 4-module quiet zone.
        let poster = (-h - 8.0, -h - 18.0, h + 8.0, h + 14.0);
        texture.fill(poster.0, poster.1, poster.2, poster.3, PAPER);
        texture.text(-h, -h - 16.0, h, -h - 8.0, 2.5, 4.0, 13);
        texture.text(-h, h + 6.0, h, h + 12.0, 1.0, 2.0, 14);
        if let Some(code) = code {
            let n = code.width();
            for (i, color) in code.to_colors().into_iter().enumerate() {
                if color == Color::Dark {
                    let (x, y) = ((i % n) as f32 - h, (i / n) as f32 - h);
                    texture.fill(x, y, x + 1.0, y + 1.0, INK);
                }
            }
        }
        if inverted {
            texture.map(poster, |v| PAPER + INK - v);
        }
        texture
    }

    /// Centre of texel (tx, ty) in world coordinates.
    fn world(&self, tx: usize, ty: usize) -> (f32, f32) {
        let to_world = |t: usize| (t as f32 + 0.5) / TEXELS_PER_MODULE as f32 - HALF_EXTENT as f32;
        (to_world(tx), to_world(ty))
    }

    /// Texel range covering world `from..to` along one axis.
    fn span(&self, from: f32, to: f32) -> std::ops::Range<usize> {
        let to_texel = |w: f32| {
            ((w + HALF_EXTENT as f32) * TEXELS_PER_MODULE as f32)
                .round()
                .clamp(0.0, self.side as f32) as usize
        };
        to_texel(from)..to_texel(to)
    }

    fn map(&mut self, rect: (f32, f32, f32, f32), f: impl Fn(f32) -> f32) {
        for ty in self.span(rect.1, rect.3) {
            for tx in self.span(rect.0, rect.2) {
                let v = &mut self.values[ty * self.side + tx];
                *v = f(*v);
            }
        }
    }

    fn fill(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, value: f32) {
        self.map((x0, y0, x1, y1), |_| value);
    }

    /// Lines of "words" (ink bars of random width) of `size` modules, every `pitch` modules.
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, size: f32, pitch: f32, seed: u64) {
        let mut rng = Lcg::new(seed);
        let mut top = y0;
        while top + size <= y1 {
            let mut left = x0;
            loop {
                let word = size * (1.5 + 3.5 * rng.unit());
                if left + word > x1 {
                    break;
                }
                self.fill(left, top, left + word, top + size, INK);
                left += word + 0.6 * size;
            }
            top += pitch;
        }
    }

    /// Bilinear sample at world (x, y); plain wall off the texture.
    fn sample(&self, x: f32, y: f32) -> f32 {
        let tx = (x + HALF_EXTENT as f32) * TEXELS_PER_MODULE as f32 - 0.5;
        let ty = (y + HALF_EXTENT as f32) * TEXELS_PER_MODULE as f32 - 0.5;
        if !(tx >= 0.0 && ty >= 0.0 && tx < (self.side - 1) as f32 && ty < (self.side - 1) as f32) {
            return WALL;
        }
        let (x0, y0) = (tx as usize, ty as usize);
        let (fx, fy) = (tx - x0 as f32, ty - y0 as f32);
        let at = |x: usize, y: usize| self.values[y * self.side + x];
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
        let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// The `frame` command: one frame of the scene as a grayscale PNG.
pub fn write_frame(opts: &FrameOpts) -> Result<(), Box<dyn Error>> {
    let scene = Scene::new(
        opts.text.as_deref(),
        opts.width,
        opts.height,
        30,
        &opts.degrade,
    )?;
    let frame = scene.frame(opts.index);
    let image = GrayImage::from_raw(frame.width as u32, frame.height as u32, frame.pixels)
        .ok_or("frame too large")?;
    image.save_with_format(&opts.out, image::ImageFormat::Png)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_scan::{decode, LumaImage};

    /// As long as a venue code's URL: a version-8 code (49 modules).
    const VENUE_LIKE: &str = "https://vaora.example/c#AEAQEMBRCFBWRYN3UMQE3YN3XEQMJEHBXOUWGIFPSRHY3F4P3ADO2ATIWKVY2NZILMZHAHOF7SODNV3BZH33HMSL3KCHKYEYZRITH2PQRH4OQ66WPJ5OW3LSVONCOG4VLIECCWUSHRRMPVTTFIM4BMRY6P3QY";

    fn scene(degradations: &[Degradation]) -> Scene {
        Scene::new(Some(VENUE_LIKE), 640, 480, 30, degradations).expect("fits")
    }

    fn texts(frame: Frame) -> Vec<String> {
        let luma = LumaImage::new(frame.width, frame.height, frame.pixels).expect("valid");
        decode(&luma).into_iter().filter_map(|d| d.text).collect()
    }

    fn mean(frame: &Frame) -> f32 {
        frame.pixels.iter().map(|&p| f32::from(p)).sum::<f32>() / frame.pixels.len() as f32
    }

    #[test]
    fn matrices_invert() {
        let m = mul(
            &rotation_z(0.3),
            &[[2.0, 0.1, 5.0], [0.2, 1.5, -3.0], [0.001, 0.002, 1.0]],
        );
        let id = mul(&m, &invert(&m));
        for (i, row) in id.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-4, "{id:?}");
            }
        }
    }

    #[test]
    fn head_on_code_fills_its_share_and_is_centred() {
        let scene = scene(&[]);
        let camera = scene.camera_at(0.0);
        let side = camera.code_side(scene.modules as f32);
        assert!((side / 480.0 - 0.45).abs() < 0.03, "side {side}");
        let (cx, cy) = camera.project(0.0, 0.0);
        assert!(
            (cx - 320.0).abs() < 20.0 && (cy - 240.0).abs() < 20.0,
            "{cx},{cy}"
        );
        // Not mirrored: world x grows to the right, y downwards.
        let (rx, _) = camera.project(10.0, 0.0);
        let (_, dy) = camera.project(0.0, 10.0);
        assert!(rx > cx && dy > cy);
    }

    #[test]
    fn perspective_foreshortens_one_side() {
        let scene = scene(&[Degradation::Perspective]);
        let camera = scene.camera_at(0.0);
        let h = scene.modules as f32 / 2.0;
        let edge = |x: f32| {
            let (a, b) = (camera.project(x, -h), camera.project(x, h));
            (a.0 - b.0).hypot(a.1 - b.1)
        };
        let (left, right) = (edge(-h), edge(h));
        let ratio = left.max(right) / left.min(right);
        assert!(ratio > 1.2, "near and far edges {left} / {right}");
    }

    #[test]
    fn far_code_has_small_modules() {
        let scene = scene(&[Degradation::Far]);
        let side = scene.camera_at(0.0).code_side(scene.modules as f32);
        let module = side / scene.modules as f32;
        assert!((module - 2.5).abs() < 0.2, "module {module} px");
    }

    #[test]
    fn frames_differ_and_are_reproducible() {
        let scene = scene(&[]);
        let (a, b) = (scene.frame(0), scene.frame(5));
        assert_ne!(a, b);
        assert_eq!(a, scene.frame(0));
    }

    #[test]
    fn clean_hand_held_frames_decode() {
        let scene = scene(&[]);
        for index in [0, 17, 45] {
            assert_eq!(texts(scene.frame(index)), [VENUE_LIKE], "frame {index}");
        }
    }

    #[test]
    fn frames_without_a_code_have_none() {
        let scene = Scene::new(None, 640, 480, 30, &[]).expect("fits");
        assert!(texts(scene.frame(0)).is_empty());
    }

    #[test]
    fn low_light_is_dark_and_noise_is_noisy() {
        let clean = scene(&[]).frame(3);
        let dark = scene(&[Degradation::LowLight]).frame(3);
        assert!(
            mean(&dark) < 0.3 * mean(&clean),
            "{} vs {}",
            mean(&dark),
            mean(&clean)
        );
        // Neighbouring-pixel differences on the flat wall at the top-left measure the noise.
        let roughness = |f: &Frame| {
            (0..200)
                .map(|x| {
                    (i32::from(f.pixels[10 * 640 + x]) - i32::from(f.pixels[10 * 640 + x + 1]))
                        .abs()
                })
                .sum::<i32>()
        };
        let noisy = scene(&[Degradation::Noise]).frame(3);
        assert!(roughness(&noisy) > 4 * roughness(&clean));
    }

    #[test]
    fn glare_washes_out_part_of_the_code() {
        let white = |f: &Frame| f.pixels.iter().filter(|&&p| p == 255).count();
        let scene = scene(&[Degradation::Glare]);
        let side = scene.camera_at(0.0).code_side(scene.modules as f32);
        // Clipped white: a patch of the code and the paper around it, not the whole code.
        let clipped = white(&scene.frame(0)) as f32 / (side * side);
        assert!(
            (0.03..0.25).contains(&clipped),
            "{clipped} of the code's area"
        );
        assert_eq!(white(&self::scene(&[]).frame(0)), 0);
    }

    #[test]
    fn inverted_poster_is_light_on_dark() {
        let scene = scene(&[Degradation::Inverted]);
        let (clean, inverted) = (self::scene(&[]).frame(0), scene.frame(0));
        let at = |f: &Frame, (x, y): (f32, f32)| i32::from(f.pixels[y as usize * 640 + x as usize]);
        // The quiet zone left of the code is dark, the wall around the poster is not inverted.
        let quiet = scene
            .camera_at(0.0)
            .project(-(scene.modules as f32) / 2.0 - 2.0, 0.0);
        assert!(at(&inverted, quiet) < 60 && at(&clean, quiet) > 180);
        assert!((at(&inverted, (5.0, 5.0)) - at(&clean, (5.0, 5.0))).abs() < 15);
        assert_eq!(
            texts(inverted),
            [VENUE_LIKE],
            "the decoder's inverted passes read it"
        );
    }

    /// Motion blur length of each frame of a 3-second clip, px.
    fn blur_lengths(scene: &Scene) -> Vec<f32> {
        (0..90)
            .map(|i| {
                let (dx, dy) = scene.blur_at(i as f32 / 30.0);
                dx.hypot(dy)
            })
            .collect()
    }

    #[test]
    fn motion_blur_sweep_blurs_most_frames() {
        let lengths = blur_lengths(&scene(&[Degradation::MotionBlur]));
        let max = lengths.iter().cloned().fold(0.0, f32::max);
        let blurred = lengths.iter().filter(|&&l| l > 2.0).count();
        assert!(max > 5.0 && max < 10.0, "max {max}");
        assert!(blurred > 45, "{blurred} of 90 frames blurred by > 2 px");
        let steady = blur_lengths(&scene(&[])).into_iter().fold(0.0, f32::max);
        assert!(steady < 1.5, "a steady hand blurs {steady} px");
    }
}
