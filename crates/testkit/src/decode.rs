//! The `decode` command: reads the codes in a photo or screenshot with `vaora-scan`'s photo
//! path (the one the widget's photo worker runs), so the end-to-end tests can check a code the
//! widget drew with our own decoder.

use std::error::Error;
use std::path::Path;

/// The text of every code in an encoded image (PNG or JPEG), in the decoder's order. A code
/// whose payload is not text is an error: the widget only draws text.
pub fn code_texts(encoded: &[u8]) -> Result<Vec<String>, Box<dyn Error>> {
    let codes = vaora_scan::decode_encoded_image(encoded)?;
    if codes.is_empty() {
        return Err("no QR code found".into());
    }
    codes
        .into_iter()
        .map(|code| {
            code.text.ok_or_else(|| {
                format!("a code holds {} bytes that are not text", code.bytes.len()).into()
            })
        })
        .collect()
}

/// Prints the text of each code in the image at `path`, one per line.
pub fn print_codes(path: &Path) -> Result<(), Box<dyn Error>> {
    let encoded =
        std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    for text in code_texts(&encoded)? {
        println!("{text}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Encoding, PhotoFormat, PhotoOpts};
    use crate::photo::write_photo;

    fn photo(text: &str, name: &str) -> Vec<u8> {
        let out = std::env::temp_dir().join(format!("vaora-testkit-{}-{name}", std::process::id()));
        write_photo(&PhotoOpts {
            text: text.to_owned(),
            size: 400,
            invert: false,
            encoding: Encoding::Utf8,
            format: PhotoFormat::Png,
            out: out.clone(),
        })
        .expect("written");
        let bytes = std::fs::read(&out).expect("readable");
        let _ = std::fs::remove_file(out);
        bytes
    }

    #[test]
    fn a_written_photo_decodes_to_its_exact_text() {
        let payload = "001190012345|NGUYEN THI ANH|1990-05-17|0||<NU<<0912345678";
        let texts = code_texts(&photo(payload, "code.png")).expect("decodes");
        assert_eq!(texts, [payload]);
    }

    #[test]
    fn an_image_without_a_code_is_an_error() {
        let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255]));
        let mut encoded = std::io::Cursor::new(Vec::new());
        blank
            .write_to(&mut encoded, image::ImageFormat::Png)
            .expect("encodes");
        assert!(code_texts(encoded.get_ref()).is_err());
        assert!(code_texts(b"not an image").is_err());
    }
}
