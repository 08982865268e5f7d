//! Which decode passes run, in which order: the pass that most often works first, stopping
//! at the first one that reads a code, so a frame with a clean code costs one rqrr pass and
//! only hard frames (and frames without a code) pay for the rest.

use crate::decode::{read_bitmap, read_with_rqrr_threshold, Decoded};
use crate::{binarize, LumaImage};

/// Photos whose short side is below this are also tried at 2×: in the 240-px photos of
/// the corpus modules are 2-4 px, and in the 500-px ones small rotated codes have 2-3 px
/// modules, too thin for rqrr's finder scan. Camera frames never get here
/// ([`decode_rotating`]), so only photos without a code pay for the 4×-area passes.
pub(crate) const UPSCALE_BELOW_SIDE: usize = 1000;

/// Runs the passes in order and returns the first non-empty result.
///
/// 1. rqrr's own threshold, then on the inverted frame (rqrr reads no light-on-dark codes).
/// 2. Local-mean binarisation, for shadows and gradients that defeat rqrr's row threshold;
///    dark-on-light, then the same bitmap inverted.
/// 3. Block (hybrid) binarisation, whose fixed 40-px window follows small codes in big
///    frames and keeps flat regions clean; dark-on-light, then inverted.
/// 4. Photos with a short side below [`UPSCALE_BELOW_SIDE`]: all of the above at 2×
///    (bilinear), then the local mean, dark-on-light, on a bicubic 2× copy, whose steeper
///    edges keep the modules of a blurred small photo that every other pass loses. One pass,
///    not all of them: it reads what the others did on the blurred images tried, and each
///    2× pass costs a photo without a code about a fifth more.
pub(crate) fn decode_first_hit(image: &LumaImage) -> Vec<Decoded> {
    let found = every_pass(image);
    if !found.is_empty() || image.width.min(image.height) >= UPSCALE_BELOW_SIDE {
        return found;
    }
    let found = every_pass(&image.upscaled_2x());
    if !found.is_empty() {
        return found;
    }
    sharp_pass(&image.sharp_upscaled_2x())
}

/// The last pass for small photos on a bicubic 2× copy: see [`decode_first_hit`].
fn sharp_pass(sharp: &LumaImage) -> Vec<Decoded> {
    let Some(bitmap) = binarize::local_mean(sharp) else {
        return Vec::new();
    };
    read_bitmap(&bitmap, false)
}

/// The passes a live camera rotates through, one per frame, after rqrr's own threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExtraPass {
    RqrrInverted,
    LocalMean,
    LocalMeanInverted,
}

const FRAME_ROTATION: [ExtraPass; 3] = [
    ExtraPass::RqrrInverted,
    ExtraPass::LocalMean,
    ExtraPass::LocalMeanInverted,
];

/// Camera frames: rqrr's own threshold (the pass that reads most codes) plus one harder pass
/// chosen by `frame_number`. A code in view is found within three frames (~¼ s) whatever it
/// needs, while a frame without a code costs two passes instead of four.
pub(crate) fn decode_rotating(image: &LumaImage, frame_number: u32) -> Vec<Decoded> {
    let found = read_with_rqrr_threshold(image);
    if !found.is_empty() {
        return found;
    }
    match FRAME_ROTATION[frame_number as usize % FRAME_ROTATION.len()] {
        ExtraPass::RqrrInverted => read_with_rqrr_threshold(&image.inverted()),
        pass => binarize::local_mean(image).map_or_else(Vec::new, |bitmap| {
            read_bitmap(&bitmap, pass == ExtraPass::LocalMeanInverted)
        }),
    }
}

/// Passes 1–3 on one scale.
fn every_pass(image: &LumaImage) -> Vec<Decoded> {
    let found = read_with_rqrr_threshold(image);
    if !found.is_empty() {
        return found;
    }
    let found = read_with_rqrr_threshold(&image.inverted());
    if !found.is_empty() {
        return found;
    }
    for binarize in [binarize::local_mean, binarize::hybrid] {
        let Some(bitmap) = binarize(image) else {
            return Vec::new();
        };
        for invert in [false, true] {
            let found = read_bitmap(&bitmap, invert);
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_render::{render, soft_photo, text_code};

    /// A rendered code re-lit: black ink reflects a little (40), then each pixel is
    /// scaled by `light(x, y)` in 0..=1.
    fn relit(image: &LumaImage, light: impl Fn(usize, usize) -> f32) -> LumaImage {
        let pixels = image
            .pixels
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let (x, y) = (i % image.width, i / image.width);
                // Saturating float-to-int cast: the product stays within 0..=255.
                (f32::from(p).max(40.0) * light(x, y)) as u8
            })
            .collect();
        LumaImage::new(image.width, image.height, pixels).expect("same size")
    }

    const URL: &str = "https://vaora.example/c#GRADIENT-LIT-CODE-1234567890";

    #[test]
    fn gradient_lit_code_needs_the_local_mean_pass() {
        let code = render(&text_code(URL), false);
        let width = code.width as f32;
        // Light falls from full to 20 % across the code, as under a desk lamp.
        let lit = relit(&code, |x, _| 1.0 - 0.8 * x as f32 / width);
        assert!(
            read_with_rqrr_threshold(&lit).is_empty(),
            "plain rqrr misses it"
        );
        assert_eq!(texts(&decode_first_hit(&lit)), [URL]);
    }

    #[test]
    fn code_half_in_shadow_decodes() {
        let code = render(&text_code(URL), false);
        let half = code.width / 2;
        let lit = relit(&code, |x, _| if x < half { 1.0 } else { 0.3 });
        assert!(
            read_with_rqrr_threshold(&lit).is_empty(),
            "plain rqrr misses it"
        );
        assert_eq!(texts(&decode_first_hit(&lit)), [URL]);
    }

    #[test]
    fn small_soft_code_decodes_at_2x() {
        let code = render(&text_code(URL), false);
        // 2-px modules with soft edges, as in a low-resolution photo: the box filter
        // after a bilinear upscale blurs each edge over a pixel.
        let small = code.downscaled_to(code.width / 2);
        let soft = small.upscaled_2x().downscaled_to(small.width);
        assert!(soft.width < UPSCALE_BELOW_SIDE);
        assert_eq!(texts(&decode_first_hit(&soft)), [URL]);
    }

    #[test]
    fn light_on_dark_gradient_code_decodes_from_the_inverted_bitmap() {
        let code = render(&text_code(URL), true);
        let width = code.width as f32;
        let lit = relit(&code, |x, _| 1.0 - 0.8 * x as f32 / width);
        assert_eq!(texts(&decode_first_hit(&lit)), [URL]);
    }

    #[test]
    fn every_pass_is_reached_within_one_rotation() {
        let code = render(&text_code(URL), false);
        let width = code.width as f32;
        let cases = [
            ("plain", code.clone()),
            ("inverted", code.inverted()),
            (
                "gradient",
                relit(&code, |x, _| 1.0 - 0.8 * x as f32 / width),
            ),
            (
                "inverted gradient",
                relit(&code.inverted(), |x, _| 1.0 - 0.8 * x as f32 / width),
            ),
        ];
        for (name, image) in cases {
            let reads = (0..FRAME_ROTATION.len() as u32)
                .filter(|&frame| texts(&decode_rotating(&image, frame)) == [URL])
                .count();
            assert!(reads >= 1, "{name}: no frame of the rotation reads it");
        }
    }

    #[test]
    fn a_plain_code_is_read_on_every_frame() {
        let code = render(&text_code(URL), false);
        for frame in 0..6 {
            assert_eq!(
                texts(&decode_rotating(&code, frame)),
                [URL],
                "frame {frame}"
            );
        }
    }

    #[test]
    fn blurred_small_code_needs_the_bicubic_pass() {
        // 2.4-px modules under a Gaussian blur of σ = 1 px, as in a low-resolution photo taken
        // slightly out of focus: the bilinear 2× copy loses the thin modules, the bicubic one
        // keeps them.
        let text = "UI office hours signup http://www.corp.google.com/sparrow/ui_office_hours/";
        let photo = soft_photo(&render(&text_code(text), false), 0.6, 1.0);
        assert!(photo.width < UPSCALE_BELOW_SIDE);
        assert!(every_pass(&photo).is_empty(), "1× misses it");
        assert!(
            every_pass(&photo.upscaled_2x()).is_empty(),
            "bilinear 2× misses it"
        );
        assert_eq!(texts(&decode_first_hit(&photo)), [text]);
    }

    #[test]
    fn small_rotated_code_in_a_big_dark_photo_decodes() {
        // 1.4-px modules, rotated 30°, light code on a dark desk: only the 2× passes find it.
        let code = render(&text_code(URL), false);
        let (side, scale) = (600_usize, 0.35_f32);
        let (sin, cos) = 30_f32.to_radians().sin_cos();
        let centre = side as f32 / 2.0;
        let half = code.width as f32 / 2.0;
        let pixels = (0..side * side)
            .map(|i| {
                let (x, y) = ((i % side) as f32 - centre, (i / side) as f32 - centre);
                let u = (x * cos + y * sin) / scale + half;
                let v = (-x * sin + y * cos) / scale + half;
                if u < 0.0 || v < 0.0 || u >= code.width as f32 || v >= code.height as f32 {
                    30
                } else {
                    code.pixels[v as usize * code.width + u as usize].max(30)
                }
            })
            .collect();
        let photo = LumaImage::new(side, side, pixels).expect("valid");
        assert!(side < UPSCALE_BELOW_SIDE);
        assert!(every_pass(&photo).is_empty(), "needs the 2× passes");
        assert_eq!(texts(&decode_first_hit(&photo)), [URL]);
    }

    fn texts(found: &[Decoded]) -> Vec<&str> {
        found.iter().filter_map(|d| d.text.as_deref()).collect()
    }
}
