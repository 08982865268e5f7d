//! The `clip` and `blank` commands: frame sequences written as Y4M.

use std::error::Error;

use qrcode::QrCode;

use crate::args::{BlankOpts, ClipOpts, VideoOpts};
use crate::noise::Lcg;
use crate::raster::{auto_module, draw_code, encode_as, Frame, LIGHT};
use crate::scene::Scene;
use crate::y4m::Y4mWriter;

/// Share of the short side the code fills when no --module is given.
const AUTO_FILL_PERCENT: usize = 60;
/// Camera shake: the code walks a 1 px square, so consecutive frames differ.
const SHAKE: [(isize, isize); 4] = [(0, 0), (1, 0), (1, 1), (0, 1)];
/// Sensor noise amplitude on code clips; mild, so every frame stays decodable.
const CODE_NOISE: u8 = 3;
/// Level and noise of the blank clip: a dim, grainy scene with nothing in it.
const BLANK_LEVEL: u8 = 0x90;
const BLANK_NOISE: u8 = 24;

/// Writes a clip of the QR code for `opts.text` (and `opts.also` beside it: each code gets an
/// equal panel of the frame, as when two posters hang side by side), both stored as
/// `opts.encoding` says; or, with `opts.next`, a queue of codes one after another.
pub fn write_code_clip(opts: &ClipOpts) -> Result<(), Box<dyn Error>> {
    let VideoOpts {
        width, height, fps, ..
    } = opts.video;
    if let Some(degradations) = &opts.degrade {
        let scene = Scene::new(Some(&opts.text), width, height, fps, degradations)?;
        return write_clip(&opts.video, |index| Ok(scene.frame(index)));
    }
    if !opts.next.is_empty() {
        return write_queue_clip(opts);
    }
    let texts: Vec<&str> = std::iter::once(opts.text.as_str())
        .chain(opts.also.as_deref())
        .collect();
    let panel = width / texts.len();
    let codes = texts
        .iter()
        .map(|text| {
            let code = encode_as(text, opts.encoding)?;
            let module = match opts.module {
                Some(m) => m,
                None => auto_module(&code, panel, height, AUTO_FILL_PERCENT).ok_or_else(|| {
                    format!("a {panel}x{height} panel is too small for this code")
                })?,
            };
            Ok((code, module))
        })
        .collect::<Result<Vec<_>, String>>()?;
    write_clip(&opts.video, |index| {
        let mut frame = Frame::filled(width, height, LIGHT);
        for (slot, (code, module)) in codes.iter().enumerate() {
            frame.paste(
                &code_frame(code, *module, panel, height, index)?,
                slot * panel,
            );
        }
        if opts.invert {
            frame.invert();
        }
        Ok(frame)
    })
}

/// A queue of codes (`opts.text`, then each of `opts.next`): each shown for `frames` frames
/// and followed by `gap` frames of the empty background, as people step up to a kiosk one
/// after another.
fn write_queue_clip(opts: &ClipOpts) -> Result<(), Box<dyn Error>> {
    let VideoOpts {
        width,
        height,
        frames,
        ..
    } = opts.video;
    let codes = std::iter::once(&opts.text)
        .chain(&opts.next)
        .map(|text| {
            let code = encode_as(text, opts.encoding)?;
            let module = match opts.module {
                Some(m) => m,
                None => auto_module(&code, width, height, AUTO_FILL_PERCENT).ok_or_else(|| {
                    format!("a {width}x{height} frame is too small for this code")
                })?,
            };
            Ok((code, module))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let slot = frames + opts.gap;
    let video = VideoOpts {
        frames: slot * codes.len(),
        out: opts.video.out.clone(),
        ..opts.video
    };
    write_clip(&video, |index| {
        let (code, module) = &codes[index / slot];
        if index % slot < frames {
            code_frame(code, *module, width, height, index)
        } else {
            let mut frame = Frame::filled(width, height, LIGHT);
            Lcg::new(seed(index)).add_to(&mut frame.pixels, CODE_NOISE);
            Ok(frame)
        }
    })
}

/// Writes a clip with no code: what the camera sees before a code is shown.
pub fn write_blank_clip(opts: &BlankOpts) -> Result<(), Box<dyn Error>> {
    let VideoOpts { width, height, .. } = opts.video;
    write_clip(&opts.video, |index| {
        let mut frame = Frame::filled(width, height, BLANK_LEVEL);
        Lcg::new(seed(index)).add_to(&mut frame.pixels, BLANK_NOISE);
        Ok(frame)
    })
}

fn write_clip(
    video: &VideoOpts,
    mut frame_at: impl FnMut(usize) -> Result<Frame, String>,
) -> Result<(), Box<dyn Error>> {
    let mut clip = Y4mWriter::create(&video.out, video.width, video.height, video.fps)?;
    for index in 0..video.frames {
        clip.write_frame(&frame_at(index)?.pixels)?;
    }
    clip.finish()?;
    Ok(())
}

/// Frame `index` of a code clip: shaken and noisy.
fn code_frame(
    code: &QrCode,
    module: usize,
    width: usize,
    height: usize,
    index: usize,
) -> Result<Frame, String> {
    let mut frame = Frame::filled(width, height, LIGHT);
    draw_code(&mut frame, code, module, SHAKE[index % SHAKE.len()])?;
    Lcg::new(seed(index)).add_to(&mut frame.pixels, CODE_NOISE);
    Ok(frame)
}

/// Per-frame seed: frames differ from each other but not between runs.
fn seed(index: usize) -> u64 {
    index as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::encode;
    use vaora_scan::{decode, LumaImage};

    fn texts(frame: Frame) -> Vec<String> {
        let luma = LumaImage::new(frame.width, frame.height, frame.pixels).expect("valid");
        decode(&luma).into_iter().filter_map(|d| d.text).collect()
    }

    #[test]
    fn every_shake_position_decodes_and_frames_differ() {
        let code = encode("VAORA").expect("fits");
        let module = auto_module(&code, 320, 240, AUTO_FILL_PERCENT).expect("fits");
        let frames: Vec<Frame> = (0..SHAKE.len())
            .map(|i| code_frame(&code, module, 320, 240, i).expect("fits"))
            .collect();
        assert_ne!(frames[0], frames[1]);
        for frame in frames {
            assert_eq!(texts(frame), ["VAORA"]);
        }
    }

    #[test]
    fn two_codes_side_by_side_both_decode() {
        let dir = std::env::temp_dir().join(format!("vaora-testkit-two-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let out = dir.join("two.y4m");
        let opts = ClipOpts {
            text: "LEFT CODE".into(),
            also: Some("RIGHT CODE".into()),
            video: VideoOpts {
                width: 640,
                height: 480,
                frames: 1,
                fps: 30,
                out: out.clone(),
            },
            module: None,
            invert: false,
            degrade: None,
            encoding: crate::args::Encoding::Utf8,
            next: Vec::new(),
            gap: 0,
        };
        write_code_clip(&opts).expect("clip written");
        let bytes = std::fs::read(&out).expect("clip");
        let _ = std::fs::remove_dir_all(&dir);
        let start = bytes
            .windows(6)
            .position(|w| w == b"FRAME\n")
            .expect("a frame")
            + 6;
        let frame = Frame {
            width: 640,
            height: 480,
            pixels: bytes[start..start + 640 * 480].to_vec(),
        };
        let mut found = texts(frame);
        found.sort();
        assert_eq!(found, ["LEFT CODE", "RIGHT CODE"]);
    }

    /// The frames of a Y4M clip of `width` x `height`, luma only.
    fn clip_frames(bytes: &[u8], width: usize, height: usize) -> Vec<Frame> {
        let mut frames = Vec::new();
        let mut rest = bytes;
        while let Some(start) = rest.windows(6).position(|w| w == b"FRAME\n") {
            let pixels = &rest[start + 6..];
            frames.push(Frame {
                width,
                height,
                pixels: pixels[..width * height].to_vec(),
            });
            rest = &pixels[width * height * 3 / 2..];
        }
        frames
    }

    #[test]
    fn a_queue_shows_each_code_in_turn_with_gaps_between() {
        let dir = std::env::temp_dir().join(format!("vaora-testkit-queue-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let out = dir.join("queue.y4m");
        let national = "001099012345|NGUYEN VAN AN|1999-03-04|0||<NAM<<0912345678";
        let card = "079301004567|012345678|Trần Thị Bích|17051990|Nữ|12 Hàng Bạc, Hà Nội|01082021";
        let opts = ClipOpts {
            text: national.into(),
            also: None,
            video: VideoOpts {
                width: 320,
                height: 240,
                frames: 2,
                fps: 30,
                out: out.clone(),
            },
            module: None,
            invert: false,
            degrade: None,
            encoding: crate::args::Encoding::Utf8,
            next: vec![card.into(), "VAORA:P1:eyJmb3JtX3ZlcnNpb24iOjF9".into()],
            gap: 1,
        };
        write_code_clip(&opts).expect("clip written");
        let bytes = std::fs::read(&out).expect("clip");
        let _ = std::fs::remove_dir_all(&dir);
        let seen: Vec<Vec<String>> = clip_frames(&bytes, 320, 240)
            .into_iter()
            .map(texts)
            .collect();
        let none: Vec<String> = Vec::new();
        let national = vec![national.to_owned()];
        let card = vec![card.to_owned()];
        let vaora = vec!["VAORA:P1:eyJmb3JtX3ZlcnNpb24iOjF9".to_owned()];
        assert_eq!(
            seen,
            [
                national.clone(),
                national,
                none.clone(),
                card.clone(),
                card,
                none.clone(),
                vaora.clone(),
                vaora,
                none
            ]
        );
    }

    #[test]
    fn inverted_frame_decodes() {
        let code = encode("inverted clip").expect("fits");
        let mut frame = code_frame(&code, 4, 320, 240, 3).expect("fits");
        frame.invert();
        assert_eq!(texts(frame), ["inverted clip"]);
    }
}
