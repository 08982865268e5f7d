//! The one error type of the scan pipeline.

use std::fmt;

/// Why a frame or photo could not be scanned; `code()` is what crosses to JavaScript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanError {
    /// Width or height is zero.
    EmptyImage,
    /// The pixel buffer length does not match the stated dimensions.
    SizeMismatch,
    /// A side exceeds [`crate::MAX_SIDE`]; guards memory in the worker.
    TooLarge,
    /// The encoded photo could not be decoded (unknown format, corrupt data).
    UnreadableImage(String),
    /// rqrr panicked on this image (only reported by [`crate::decode_catching_panics`]).
    DecoderPanicked(String),
}

impl ScanError {
    /// Stable machine-readable code, used as the worker's error message so the UI can map it.
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::EmptyImage => "empty_image",
            ScanError::SizeMismatch => "size_mismatch",
            ScanError::TooLarge => "too_large",
            ScanError::UnreadableImage(_) => "unreadable_image",
            ScanError::DecoderPanicked(_) => "decoder_panicked",
        }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::EmptyImage => f.write_str("image has a zero width or height"),
            ScanError::SizeMismatch => f.write_str("pixel buffer length does not match dimensions"),
            ScanError::TooLarge => write!(f, "image side exceeds {} px", crate::MAX_SIDE),
            ScanError::UnreadableImage(why) => write!(f, "unreadable image: {why}"),
            ScanError::DecoderPanicked(why) => write!(f, "QR decoder panicked: {why}"),
        }
    }
}

impl std::error::Error for ScanError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_snake_case() {
        let all = [
            ScanError::EmptyImage,
            ScanError::SizeMismatch,
            ScanError::TooLarge,
            ScanError::UnreadableImage(String::new()),
            ScanError::DecoderPanicked(String::new()),
        ];
        let mut codes: Vec<_> = all.iter().map(ScanError::code).collect();
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
