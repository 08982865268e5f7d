//! Hand-rolled command-line parsing (the tool is tiny; no clap).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::degrade::{self, Degradation};

/// Printed on `--help` and after every usage error.
pub const USAGE: &str = "\
usage:
  vaora-testkit clip --text TEXT [--also TEXT] --width W --height H [--frames N] [--fps F]
                     [--module PX] [--invert] [--encoding E] --out FILE.y4m
  vaora-testkit clip --text TEXT --next TEXT [--next TEXT ...] [--gap N] --width W --height H
                     [--frames N] [--fps F] [--module PX] [--encoding E] --out FILE.y4m
  vaora-testkit clip --text TEXT --degrade LIST --width W --height H [--frames N] [--fps F]
                     --out FILE.y4m
  vaora-testkit frame [--text TEXT] --width W --height H [--degrade LIST] [--index N]
                     --out FILE.png
  vaora-testkit png  --text TEXT [--size PX] [--invert] [--encoding E] --out FILE.png|FILE.jpg
  vaora-testkit blank --width W --height H [--frames N] [--fps F] --out FILE.y4m
  vaora-testkit decode FILE.png|FILE.jpg

  clip   camera clip of a QR code (light grey background, slight per-frame jitter);
         with --next, a queue of codes shown one after another (a kiosk's visitors):
         each for --frames frames, then --gap frames (default 15) with no code, so a
         looping clip shows every code again after a gap;
         with --degrade, a hand-held view of a poster on a wall instead (the code
         fills 45% of the short side, the hand drifts and trembles), degraded by
         LIST: `none` or comma-separated names from
           perspective  poster tilted 40/15 degrees, camera rolled 8
           motion-blur  phone swept back and forth, blur up to ~7 px
           defocus      out of focus, autofocus hunting (disk blur, radius 1.8-3 px)
           noise        high-ISO sensor noise, no denoising
           low-light    dim room: dark, noisy, longer shutter
           glare        a reflection washes out part of the code
           far          code far away: 2.5 px per module
           inverted     poster printed light on dark
         (px figures for a 480-px short side; they scale with the frame)
  frame  one frame (number --index, at 30 fps) of the hand-held scene as a grayscale
         PNG; without --text the poster has no code
  png    still photo of a QR code; PNG or JPEG chosen by the --out extension
  blank  camera clip with no code (grey noise)
  decode reads the codes in a photo or screenshot with the widget's own pipeline
         (vaora-scan's photo path) and prints each one's text on its own line;
         fails if there is none

  --encoding  how the text is stored: utf-8 (default; no ECI, as most encoders do),
              shift-jis (Shift_JIS bytes, Kanji mode for double-byte characters, no
              ECI, as Japanese encoders do) or shift-jis-eci (ECI 20, one byte segment)

defaults: --frames 30, --fps 30, --size 800, --index 0, --module auto (code fills
60% of the short side). Clip width and height must be even (4:2:0 chroma).";

/// Frames without a code after each code of a queue, unless --gap says otherwise.
const DEFAULT_GAP_FRAMES: usize = 15;

/// Largest clip or photo side; keeps a typo from filling the disk.
const MAX_SIDE: usize = 8192;

/// What to make, with validated options.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Clip(ClipOpts),
    Photo(PhotoOpts),
    Blank(BlankOpts),
    Frame(FrameOpts),
    /// Decode the codes in this image file.
    Decode(PathBuf),
}

/// Options of `clip`.
#[derive(Debug, PartialEq, Eq)]
pub struct ClipOpts {
    pub text: String,
    /// A second code beside the first.
    pub also: Option<String>,
    pub video: VideoOpts,
    pub module: Option<usize>,
    pub invert: bool,
    /// The hand-held scene with these degradations (empty: none) instead of the plain clip.
    pub degrade: Option<Vec<Degradation>>,
    pub encoding: Encoding,
    /// Codes shown after the first, one at a time (`--next`, repeatable).
    pub next: Vec<String>,
    /// Frames without a code after each code of a queue.
    pub gap: usize,
}

/// How a code stores its text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes in segments the `qrcode` crate picks, no ECI.
    #[default]
    Utf8,
    /// Shift_JIS bytes, double-byte characters in Kanji mode where they fit, no ECI.
    ShiftJis,
    /// ECI 20 (Shift_JIS) and the Shift_JIS bytes in one byte-mode segment.
    ShiftJisEci,
}

impl Encoding {
    fn parse(name: Option<&str>) -> Result<Self, UsageError> {
        match name {
            None | Some("utf-8") => Ok(Encoding::Utf8),
            Some("shift-jis") => Ok(Encoding::ShiftJis),
            Some("shift-jis-eci") => Ok(Encoding::ShiftJisEci),
            Some(other) => Err(UsageError(format!(
                "--encoding must be utf-8, shift-jis or shift-jis-eci, got `{other}`"
            ))),
        }
    }
}

/// Options of `frame`.
#[derive(Debug, PartialEq, Eq)]
pub struct FrameOpts {
    pub text: Option<String>,
    pub width: usize,
    pub height: usize,
    pub index: usize,
    pub degrade: Vec<Degradation>,
    pub out: PathBuf,
}

/// Options of `blank`.
#[derive(Debug, PartialEq, Eq)]
pub struct BlankOpts {
    pub video: VideoOpts,
}

/// Geometry and timing shared by both clip kinds.
#[derive(Debug, PartialEq, Eq)]
pub struct VideoOpts {
    pub width: usize,
    pub height: usize,
    pub frames: usize,
    pub fps: usize,
    pub out: PathBuf,
}

/// Options of `png` (PNG or JPEG).
#[derive(Debug, PartialEq, Eq)]
pub struct PhotoOpts {
    pub text: String,
    pub size: usize,
    pub invert: bool,
    pub encoding: Encoding,
    pub format: PhotoFormat,
    pub out: PathBuf,
}

/// Photo encoder, chosen from the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoFormat {
    Png,
    Jpeg,
}

impl PhotoFormat {
    fn from_path(path: &Path) -> Result<Self, UsageError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(PhotoFormat::Png),
            Some("jpg" | "jpeg") => Ok(PhotoFormat::Jpeg),
            _ => Err(UsageError(format!(
                "--out must end in .png, .jpg or .jpeg, got `{}`",
                path.display()
            ))),
        }
    }
}

/// A bad command line; reported with [`USAGE`] and exit code 2.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, UsageError> {
    let mut args = args.into_iter();
    let Some(sub) = args.next() else {
        return Err(UsageError("missing subcommand".into()));
    };
    let rest: Vec<String> = args.collect();
    match sub.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "clip" => {
            let flags = Flags::parse(
                &rest,
                &[
                    "--text",
                    "--also",
                    "--width",
                    "--height",
                    "--frames",
                    "--fps",
                    "--module",
                    "--degrade",
                    "--encoding",
                    "--next",
                    "--gap",
                    "--out",
                ],
            )?;
            let degrade = flags.degradations()?;
            if !flags.next.is_empty() || flags.get("--gap").is_some() {
                for (flag, given) in [
                    ("--also", flags.get("--also").is_some()),
                    ("--degrade", degrade.is_some()),
                    ("--invert", flags.invert),
                ] {
                    if given {
                        return Err(UsageError(format!("a queue of codes takes no {flag}")));
                    }
                }
                if flags.next.is_empty() {
                    return Err(UsageError("--gap needs a queue: add --next TEXT".into()));
                }
            }
            if degrade.is_some() {
                for (flag, given) in [
                    ("--also", flags.get("--also").is_some()),
                    ("--module", flags.get("--module").is_some()),
                    ("--encoding", flags.get("--encoding").is_some()),
                    ("--invert (use --degrade inverted)", flags.invert),
                ] {
                    if given {
                        return Err(UsageError(format!("--degrade takes no {flag}")));
                    }
                }
            }
            Ok(Command::Clip(ClipOpts {
                text: flags.required("--text")?.to_owned(),
                also: flags.get("--also").map(str::to_owned),
                video: video_opts(&flags)?,
                module: flags.number("--module", 1, 512)?,
                invert: flags.invert,
                degrade,
                encoding: Encoding::parse(flags.get("--encoding"))?,
                gap: flags
                    .number("--gap", 0, 10_000)?
                    .unwrap_or(DEFAULT_GAP_FRAMES),
                next: flags.next,
            }))
        }
        "frame" => {
            let flags = Flags::parse(
                &rest,
                &[
                    "--text",
                    "--width",
                    "--height",
                    "--index",
                    "--degrade",
                    "--out",
                ],
            )?;
            if flags.invert {
                return Err(UsageError(
                    "frame takes no --invert (use --degrade inverted)".into(),
                ));
            }
            let out = PathBuf::from(flags.required("--out")?);
            if PhotoFormat::from_path(&out)? != PhotoFormat::Png {
                return Err(UsageError(
                    "frame writes PNG: --out must end in .png".into(),
                ));
            }
            Ok(Command::Frame(FrameOpts {
                text: flags.get("--text").map(str::to_owned),
                width: flags.side("--width")?,
                height: flags.side("--height")?,
                index: flags.number("--index", 0, 100_000)?.unwrap_or(0),
                degrade: flags.degradations()?.unwrap_or_default(),
                out,
            }))
        }
        "blank" => {
            let flags = Flags::parse(
                &rest,
                &["--width", "--height", "--frames", "--fps", "--out"],
            )?;
            if flags.invert {
                return Err(UsageError("blank takes no --invert".into()));
            }
            Ok(Command::Blank(BlankOpts {
                video: video_opts(&flags)?,
            }))
        }
        "png" => {
            let flags = Flags::parse(&rest, &["--text", "--size", "--encoding", "--out"])?;
            let out = PathBuf::from(flags.required("--out")?);
            Ok(Command::Photo(PhotoOpts {
                text: flags.required("--text")?.to_owned(),
                size: flags.number("--size", 64, MAX_SIDE)?.unwrap_or(800),
                invert: flags.invert,
                encoding: Encoding::parse(flags.get("--encoding"))?,
                format: PhotoFormat::from_path(&out)?,
                out,
            }))
        }
        "decode" => match rest.as_slice() {
            [file] if !file.starts_with("--") => Ok(Command::Decode(PathBuf::from(file))),
            _ => Err(UsageError("decode takes one image file".into())),
        },
        other => Err(UsageError(format!("unknown subcommand `{other}`"))),
    }
}

fn video_opts(flags: &Flags) -> Result<VideoOpts, UsageError> {
    let width = flags.even_side("--width")?;
    let height = flags.even_side("--height")?;
    Ok(VideoOpts {
        width,
        height,
        frames: flags.number("--frames", 1, 10_000)?.unwrap_or(30),
        fps: flags.number("--fps", 1, 240)?.unwrap_or(30),
        out: PathBuf::from(flags.required("--out")?),
    })
}

/// `--name value` pairs plus the one boolean flag, `--invert`, and the one repeatable flag,
/// `--next`.
struct Flags {
    values: Vec<(String, String)>,
    invert: bool,
    next: Vec<String>,
}

impl Flags {
    fn parse(args: &[String], allowed: &[&str]) -> Result<Self, UsageError> {
        let mut flags = Flags {
            values: Vec::new(),
            invert: false,
            next: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if arg == "--invert" {
                flags.invert = true;
                continue;
            }
            if !allowed.contains(&arg.as_str()) {
                return Err(UsageError(format!("unexpected argument `{arg}`")));
            }
            if arg != "--next" && flags.get(arg).is_some() {
                return Err(UsageError(format!("{arg} given twice")));
            }
            let value = args
                .next()
                .ok_or_else(|| UsageError(format!("{arg} needs a value")))?;
            if arg == "--next" {
                flags.next.push(value.clone());
            } else {
                flags.values.push((arg.clone(), value.clone()));
            }
        }
        Ok(flags)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Result<&str, UsageError> {
        self.get(name)
            .ok_or_else(|| UsageError(format!("missing {name}")))
    }

    fn degradations(&self) -> Result<Option<Vec<Degradation>>, UsageError> {
        self.get("--degrade")
            .map(|list| {
                degrade::parse_list(list).map_err(|e| UsageError(format!("--degrade: {e}")))
            })
            .transpose()
    }

    fn number(&self, name: &str, min: usize, max: usize) -> Result<Option<usize>, UsageError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        match raw.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(UsageError(format!(
                "{name} must be a whole number from {min} to {max}, got `{raw}`"
            ))),
        }
    }

    fn side(&self, name: &str) -> Result<usize, UsageError> {
        self.number(name, 2, MAX_SIDE)?
            .ok_or_else(|| UsageError(format!("missing {name}")))
    }

    fn even_side(&self, name: &str) -> Result<usize, UsageError> {
        let side = self.side(name)?;
        if side % 2 != 0 {
            return Err(UsageError(format!("{name} must be even, got {side}")));
        }
        Ok(side)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, UsageError> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn clip_with_defaults() {
        let cmd = parse_str("clip --text hi --width 640 --height 480 --out a.y4m");
        assert_eq!(
            cmd,
            Ok(Command::Clip(ClipOpts {
                text: "hi".into(),
                also: None,
                video: VideoOpts {
                    width: 640,
                    height: 480,
                    frames: 30,
                    fps: 30,
                    out: "a.y4m".into(),
                },
                module: None,
                invert: false,
                degrade: None,
                encoding: Encoding::Utf8,
                next: Vec::new(),
                gap: 15,
            }))
        );
    }

    #[test]
    fn a_queue_of_codes_parses_in_order() {
        let queue = parse_str(
            "clip --text a --next b --gap 20 --next c --width 640 --height 480 --out q.y4m",
        );
        assert!(matches!(
            queue,
            Ok(Command::Clip(ClipOpts { ref text, ref next, gap: 20, .. }))
                if text == "a" && next == &["b", "c"]
        ));
        assert!(parse_str("clip --text a --gap 5 --width 64 --height 64 --out q.y4m").is_err());
        assert!(
            parse_str("clip --text a --next b --also c --width 64 --height 64 --out q.y4m")
                .is_err()
        );
        assert!(parse_str("png --text a --next b --out p.png").is_err());
    }

    #[test]
    fn degraded_clip_and_frame_parse() {
        let clip = parse_str(
            "clip --text hi --degrade perspective,glare --width 640 --height 480 --out a.y4m",
        );
        assert!(matches!(
            clip,
            Ok(Command::Clip(ClipOpts { degrade: Some(ref d), .. }))
                if d == &[Degradation::Perspective, Degradation::Glare]
        ));
        let plain = parse_str("clip --text hi --degrade none --width 640 --height 480 --out a.y4m");
        assert!(matches!(
            plain,
            Ok(Command::Clip(ClipOpts { degrade: Some(ref d), .. })) if d.is_empty()
        ));
        assert_eq!(
            parse_str("frame --width 641 --height 480 --index 7 --out f.png"),
            Ok(Command::Frame(FrameOpts {
                text: None,
                width: 641,
                height: 480,
                index: 7,
                degrade: vec![],
                out: "f.png".into(),
            }))
        );
    }

    #[test]
    fn encodings_parse() {
        let clip =
            parse_str("clip --text テスト --width 64 --height 64 --encoding shift-jis --out a.y4m");
        assert!(matches!(
            clip,
            Ok(Command::Clip(ClipOpts {
                encoding: Encoding::ShiftJis,
                ..
            }))
        ));
        let photo = parse_str("png --text テスト --encoding shift-jis-eci --out p.png");
        assert!(matches!(
            photo,
            Ok(Command::Photo(PhotoOpts {
                encoding: Encoding::ShiftJisEci,
                ..
            }))
        ));
        assert!(parse_str("png --text x --encoding latin1 --out p.png").is_err());
    }

    #[test]
    fn photo_and_blank_parse() {
        let photo = parse_str("png --invert --text x --size 400 --out p.JPG");
        assert!(matches!(
            photo,
            Ok(Command::Photo(PhotoOpts {
                size: 400,
                invert: true,
                format: PhotoFormat::Jpeg,
                ..
            }))
        ));
        let blank = parse_str("blank --width 320 --height 240 --frames 5 --out b.y4m");
        assert!(matches!(
            blank,
            Ok(Command::Blank(BlankOpts {
                video: VideoOpts { frames: 5, .. }
            }))
        ));
    }

    #[test]
    fn decode_takes_one_file() {
        assert_eq!(
            parse_str("decode shot.png"),
            Ok(Command::Decode("shot.png".into()))
        );
    }

    #[test]
    fn bad_usage_is_rejected() {
        for line in [
            "",
            "film --out x",
            "clip --width 640 --height 480 --out a.y4m",
            "clip --text hi --width 641 --height 480 --out a.y4m",
            "clip --text hi --width 640 --height 480 --fps zero --out a.y4m",
            "clip --text hi --width 640 --height 480 --out",
            "clip --text hi --text ho --width 640 --height 480 --out a.y4m",
            "png --text hi --width 3 --out a.png",
            "png --text hi --out a.gif",
            "blank --width 320 --height 240 --invert --out b.y4m",
            "clip --text hi --degrade blurry --width 640 --height 480 --out a.y4m",
            "clip --text hi --degrade glare --invert --width 640 --height 480 --out a.y4m",
            "clip --text hi --degrade far --module 3 --width 640 --height 480 --out a.y4m",
            "clip --text hi --degrade far --also ho --width 640 --height 480 --out a.y4m",
            "frame --width 640 --height 480 --out f.jpg",
            "frame --width 640 --out f.png",
            "decode",
            "decode a.png b.png",
            "decode --out a.png",
        ] {
            assert!(parse_str(line).is_err(), "accepted `{line}`");
        }
    }
}
