//! QR decode pipeline for Vaora check-in: frame → luma → rqrr → payloads.
//!
//! Pure Rust with no browser bindings, so the same code is tested natively and
//! runs unchanged in the scan Web Worker (`crates/scan-worker`). One module per
//! stage: `luma` (pixel formats), `resize` (scaling), `binarize` (local
//! threshold), `decode` (rqrr passes), `strategy` (which passes, in which order),
//! `region` (which part of a camera frame is decoded), `charset` (payload bytes →
//! text by ECI or guess) and `files` (encoded photos,
//! behind the `files` feature).

mod binarize;
mod charset;
mod decode;
mod error;
#[cfg(feature = "files")]
mod files;
mod luma;
mod region;
mod resize;
mod strategy;
#[cfg(test)]
mod test_render;

pub use charset::{Charset, CharsetRun};
pub use decode::{decode, decode_catching_panics, decode_frame, Decoded};
pub use error::ScanError;
#[cfg(feature = "files")]
pub use files::{decode_encoded_image, PHOTO_MAX_SIDE};
pub use luma::{LumaImage, MAX_SIDE};
pub use region::{FramePlan, Rect, Viewfinder};
