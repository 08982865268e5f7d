//! wasm-bindgen export of photo decoding for `www/photo-worker.js`. A separate module from the
//! frame decoder because the PNG/JPEG codecs are most of its size and only the "scan from a
//! photo" fallback needs them: the page loads it when a photo is picked.

use js_sys::Array;
use vaora_scan_worker::{to_array, to_js};
use wasm_bindgen::prelude::*;

/// Decodes an uploaded photo (PNG or JPEG bytes) with the same rqrr pipeline as camera frames;
/// returns `[{ text, bytes, charsets? }]`.
#[wasm_bindgen]
pub fn decode_image_file(bytes: &[u8]) -> Result<Array, JsError> {
    let found = vaora_scan::decode_encoded_image(bytes).map_err(to_js)?;
    to_array(&found)
}
