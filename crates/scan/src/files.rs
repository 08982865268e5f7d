//! Encoded photos (PNG, JPEG) → luma → decode: the "upload a photo" fallback
//! for users whose camera cannot be opened.

use std::io::Cursor;

use image::{DynamicImage, ImageError, ImageReader, Limits};

use crate::{decode, Decoded, LumaImage, ScanError, MAX_SIDE};

/// Long side photos are reduced to before detection; phone photos are ~12 MP,
/// and a code that fills a fraction of one still has several pixels per module here.
pub const PHOTO_MAX_SIDE: usize = 1600;

/// Decodes an encoded photo (PNG or JPEG bytes): to luma, downscale so the long side is <= 1600 px, then `decode`.
pub fn decode_encoded_image(bytes: &[u8]) -> Result<Vec<Decoded>, ScanError> {
    let luma = LumaImage::from_encoded(bytes)?;
    Ok(decode(&luma.downscaled_to(PHOTO_MAX_SIDE)))
}

impl LumaImage {
    /// Decodes PNG or JPEG bytes to luma at full resolution; separate from
    /// [`decode_encoded_image`] so benchmarks and the corpus test can time stages.
    pub fn from_encoded(bytes: &[u8]) -> Result<LumaImage, ScanError> {
        let mut reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ScanError::UnreadableImage(e.to_string()))?;
        // Reject oversized images before the decoder allocates for them.
        let mut limits = Limits::default();
        let max = u32::try_from(MAX_SIDE).unwrap_or(u32::MAX);
        limits.max_image_width = Some(max);
        limits.max_image_height = Some(max);
        reader.limits(limits);
        let image = reader.decode().map_err(|e| match e {
            ImageError::Limits(_) => ScanError::TooLarge,
            other => ScanError::UnreadableImage(other.to_string()),
        })?;
        to_luma(image)
    }
}

/// Picks the cheapest conversion: photos have no alpha, and copying a 12 MP
/// frame to RGBA first would double peak memory in the worker.
fn to_luma(image: DynamicImage) -> Result<LumaImage, ScanError> {
    let (width, height) = (image.width() as usize, image.height() as usize);
    match image {
        DynamicImage::ImageLuma8(gray) => LumaImage::new(width, height, gray.into_raw()),
        other if other.color().has_alpha() => {
            LumaImage::from_rgba(width, height, other.to_rgba8().as_raw())
        }
        other => LumaImage::from_rgb(width, height, other.into_rgb8().as_raw()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_render::{render, text_code};
    use image::{GrayImage, ImageFormat};

    fn encode(format: ImageFormat) -> Vec<u8> {
        let luma = render(&text_code("photo upload"), false);
        let gray = GrayImage::from_raw(luma.width as u32, luma.height as u32, luma.pixels)
            .expect("buffer matches dimensions");
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageLuma8(gray)
            .to_rgb8()
            .write_to(&mut out, format)
            .expect("encodes");
        out.into_inner()
    }

    fn texts(found: Vec<Decoded>) -> Vec<String> {
        found.into_iter().filter_map(|d| d.text).collect()
    }

    #[test]
    fn png_decodes() {
        let found = decode_encoded_image(&encode(ImageFormat::Png)).expect("readable");
        assert_eq!(texts(found), ["photo upload"]);
    }

    #[test]
    fn jpeg_decodes() {
        let found = decode_encoded_image(&encode(ImageFormat::Jpeg)).expect("readable");
        assert_eq!(texts(found), ["photo upload"]);
    }

    #[test]
    fn transparent_png_is_composited_over_white() {
        let luma = render(&text_code("alpha"), false);
        // Dark modules opaque black, background fully transparent black.
        let rgba: Vec<u8> = luma
            .pixels
            .iter()
            .flat_map(|&p| [0, 0, 0, 255 - p])
            .collect();
        let img = image::RgbaImage::from_raw(luma.width as u32, luma.height as u32, rgba)
            .expect("buffer matches dimensions");
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).expect("encodes");
        let found = decode_encoded_image(out.get_ref()).expect("readable");
        assert_eq!(texts(found), ["alpha"]);
    }

    #[test]
    fn garbage_is_unreadable() {
        let err = decode_encoded_image(b"definitely not an image").expect_err("garbage");
        assert_eq!(err.code(), "unreadable_image");
        let err = decode_encoded_image(&[]).expect_err("empty");
        assert_eq!(err.code(), "unreadable_image");
    }
}
