//! The scan region: which part of a camera frame the decoder gets, and at what size.
//!
//! The viewfinder shows the camera with CSS `object-fit: cover` and frames a region with an
//! overlay. Only that region (plus a margin, since nobody aims exactly) is read back from the
//! canvas and decoded: fewer pixels to copy, convert and search, and a code at the edge of the
//! picture, outside the frame the visitor aims with, is not read by surprise.

/// A rectangle in frame pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// What to copy out of one frame: `source` in frame pixels, drawn scaled to `width`×`height`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FramePlan {
    pub source: Rect,
    pub width: u32,
    pub height: u32,
}

/// How the viewfinder shows frames.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewfinder {
    /// Width / height of the box the video fills (`object-fit: cover`).
    pub aspect: f32,
    /// Share of the visible width and height left out on each side (0 = the whole picture).
    pub inset: f32,
    /// The long side of what is decoded, at most (large frames are downscaled).
    pub max_side: u32,
}

impl Viewfinder {
    /// The part of a `frame_width`×`frame_height` frame to decode, or `None` for an empty frame
    /// or a nonsensical viewfinder.
    pub fn plan(&self, frame_width: u32, frame_height: u32) -> Option<FramePlan> {
        let valid = self.aspect.is_finite()
            && self.aspect > 0.0
            && (0.0..0.5).contains(&self.inset)
            && self.max_side > 0;
        if frame_width == 0 || frame_height == 0 || !valid {
            return None;
        }
        let (fw, fh) = (frame_width as f32, frame_height as f32);
        // `cover` fills the box and crops the frame's excess along one axis, centred.
        let (visible_w, visible_h) = if fw / fh > self.aspect {
            (fh * self.aspect, fh)
        } else {
            (fw, fw / self.aspect)
        };
        let width = (visible_w * (1.0 - 2.0 * self.inset)).max(1.0);
        let height = (visible_h * (1.0 - 2.0 * self.inset)).max(1.0);
        let source = Rect {
            x: ((fw - width) / 2.0) as u32,
            y: ((fh - height) / 2.0) as u32,
            width: (width as u32).clamp(1, frame_width),
            height: (height as u32).clamp(1, frame_height),
        };
        let scale = (self.max_side as f32 / source.width.max(source.height) as f32).min(1.0);
        Some(FramePlan {
            source,
            width: ((source.width as f32 * scale) as u32).max(1),
            height: ((source.height as f32 * scale) as u32).max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOUR_BY_THREE: Viewfinder = Viewfinder {
        aspect: 4.0 / 3.0,
        inset: 0.1,
        max_side: 960,
    };

    #[test]
    fn same_aspect_keeps_the_centre_minus_the_inset() {
        let plan = FOUR_BY_THREE.plan(640, 480).expect("a plan");
        assert_eq!(
            plan.source,
            Rect {
                x: 64,
                y: 48,
                width: 512,
                height: 384
            }
        );
        assert_eq!((plan.width, plan.height), (512, 384));
    }

    #[test]
    fn a_wide_frame_loses_what_cover_crops_at_the_sides() {
        // 1280×720 in a 4:3 box: 960×720 is visible, centred.
        let plan = FOUR_BY_THREE.plan(1280, 720).expect("a plan");
        assert_eq!(
            plan.source,
            Rect {
                x: 256,
                y: 72,
                width: 768,
                height: 576
            }
        );
        assert_eq!((plan.width, plan.height), (768, 576));
    }

    #[test]
    fn a_portrait_frame_loses_top_and_bottom() {
        // A phone held upright: 720×1280 in a 4:3 box shows 720×540.
        let plan = FOUR_BY_THREE.plan(720, 1280).expect("a plan");
        assert_eq!(plan.source.width, 576);
        assert_eq!(plan.source.height, 432);
        assert_eq!(plan.source.x, 72);
        assert_eq!(plan.source.y, (1280 - 432) / 2);
    }

    #[test]
    fn large_frames_are_downscaled_to_the_long_side() {
        let view = Viewfinder {
            inset: 0.0,
            ..FOUR_BY_THREE
        };
        let plan = view.plan(2560, 1920).expect("a plan");
        assert_eq!(plan.source.width, 2560);
        assert_eq!((plan.width, plan.height), (960, 720));
    }

    #[test]
    fn no_inset_is_the_whole_visible_picture() {
        let view = Viewfinder {
            inset: 0.0,
            ..FOUR_BY_THREE
        };
        let plan = view.plan(640, 480).expect("a plan");
        assert_eq!(
            plan.source,
            Rect {
                x: 0,
                y: 0,
                width: 640,
                height: 480
            }
        );
    }

    #[test]
    fn empty_frames_and_bad_viewfinders_have_no_plan() {
        assert_eq!(FOUR_BY_THREE.plan(0, 480), None);
        assert_eq!(FOUR_BY_THREE.plan(640, 0), None);
        for aspect in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            let view = Viewfinder {
                aspect,
                ..FOUR_BY_THREE
            };
            assert_eq!(view.plan(640, 480), None, "aspect {aspect}");
        }
        let view = Viewfinder {
            inset: 0.5,
            ..FOUR_BY_THREE
        };
        assert_eq!(view.plan(640, 480), None);
    }

    #[test]
    fn tiny_frames_still_give_a_pixel() {
        let plan = FOUR_BY_THREE.plan(1, 1).expect("a plan");
        assert_eq!((plan.source.width, plan.source.height), (1, 1));
        assert_eq!((plan.width, plan.height), (1, 1));
    }
}
