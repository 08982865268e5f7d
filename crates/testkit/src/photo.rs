//! The `png` command: a still "photo" of a code, for the upload fallback.

use std::error::Error;

use image::{GrayImage, ImageFormat};

use crate::args::Encoding;
use crate::args::{PhotoFormat, PhotoOpts};
use crate::noise::Lcg;
use crate::raster::{auto_module, draw_code, encode_as, Frame, LIGHT};

/// Share of the photo the code fills, leaving a margin around it.
const FILL_PERCENT: usize = 70;
/// Mild grain so the photo is not a perfect render.
const NOISE: u8 = 3;

/// Renders the code centred in a square photo and saves it as PNG or JPEG.
pub fn write_photo(opts: &PhotoOpts) -> Result<(), Box<dyn Error>> {
    let frame = photo_frame(&opts.text, opts.encoding, opts.size, opts.invert)?;
    let format = match opts.format {
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
    };
    to_gray_image(frame)?.save_with_format(&opts.out, format)?;
    Ok(())
}

fn photo_frame(text: &str, encoding: Encoding, size: usize, invert: bool) -> Result<Frame, String> {
    let code = encode_as(text, encoding)?;
    let module = auto_module(&code, size, size, FILL_PERCENT)
        .ok_or_else(|| format!("a {size}px photo is too small for this code"))?;
    let mut frame = Frame::filled(size, size, LIGHT);
    draw_code(&mut frame, &code, module, (0, 0))?;
    Lcg::new(size as u64).add_to(&mut frame.pixels, NOISE);
    if invert {
        frame.invert();
    }
    Ok(frame)
}

fn to_gray_image(frame: Frame) -> Result<GrayImage, String> {
    let too_big = || "photo too large".to_owned();
    let width = u32::try_from(frame.width).map_err(|_| too_big())?;
    let height = u32::try_from(frame.height).map_err(|_| too_big())?;
    GrayImage::from_raw(width, height, frame.pixels).ok_or_else(too_big)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn round_trip(format: ImageFormat, invert: bool) -> Vec<String> {
        let frame = photo_frame("Xin chào Vaora", Encoding::Utf8, 400, invert).expect("fits");
        let mut encoded = Cursor::new(Vec::new());
        to_gray_image(frame)
            .expect("valid")
            .write_to(&mut encoded, format)
            .expect("encodes");
        vaora_scan::decode_encoded_image(encoded.get_ref())
            .expect("readable")
            .into_iter()
            .filter_map(|d| d.text)
            .collect()
    }

    #[test]
    fn png_photo_decodes() {
        assert_eq!(round_trip(ImageFormat::Png, false), ["Xin chào Vaora"]);
    }

    #[test]
    fn inverted_jpeg_photo_decodes() {
        assert_eq!(round_trip(ImageFormat::Jpeg, true), ["Xin chào Vaora"]);
    }
}
