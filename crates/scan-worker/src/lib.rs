//! wasm-bindgen exports of `vaora-scan` for `www/scan-worker.js` (camera frames only: photo
//! decoding lives in `vaora-photo-worker`, loaded on demand, so its image codecs stay out of the
//! first scan).
//!
//! Decoding runs in a dedicated Web Worker so that an rqrr panic (a wasm trap,
//! since release builds abort on panic) kills only the worker, which the page
//! then restarts. Results are plain JS objects built by hand rather than via
//! serde, to keep the wasm small.

use js_sys::{Array, Object, Reflect, Uint8Array};
use vaora_scan::{Decoded, LumaImage, ScanError};
use wasm_bindgen::prelude::*;

/// Decodes a camera frame (canvas `ImageData` RGBA); `frame` counts frames so the harder passes
/// rotate across them (`vaora_scan::decode_frame`). Returns `[{ text, bytes, charsets? }]`.
#[wasm_bindgen]
pub fn decode_rgba(width: u32, height: u32, rgba: &[u8], frame: u32) -> Result<Array, JsError> {
    let image = LumaImage::from_rgba(width as usize, height as usize, rgba).map_err(to_js)?;
    to_array(&vaora_scan::decode_frame(&image, frame))
}

/// The message is the bare error code, so the JS side can switch on it.
pub fn to_js(err: ScanError) -> JsError {
    JsError::new(err.code())
}

/// Converts decoded codes to `[{ text, bytes, charsets? }]`; shared with the photo worker.
pub fn to_array(found: &[Decoded]) -> Result<Array, JsError> {
    let out = Array::new();
    for decoded in found {
        let obj = to_object(decoded)?;
        out.push(&obj);
    }
    Ok(out)
}

/// `{ text: string | null, bytes: Uint8Array, charsets? }`. `charsets`, only when `text` is
/// null but the payload is text in charsets this wasm has no tables for (Shift_JIS, …), lists
/// `[label, start, end]` runs of `bytes` for `worker-host.js` to decode with `TextDecoder`.
fn to_object(decoded: &Decoded) -> Result<Object, JsError> {
    let obj = Object::new();
    let text = decoded
        .text
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    let bytes = Uint8Array::from(decoded.bytes.as_slice());
    set(&obj, "text", &text)?;
    set(&obj, "bytes", &bytes)?;
    if decoded.text.is_none() && !decoded.charsets.is_empty() {
        let runs = Array::new();
        for run in &decoded.charsets {
            runs.push(&Array::of3(
                &JsValue::from_str(run.charset.label()),
                &JsValue::from(run.range.start as u32),
                &JsValue::from(run.range.end as u32),
            ));
        }
        set(&obj, "charsets", &runs)?;
    }
    Ok(obj)
}

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), JsError> {
    // Reflect.set on a fresh plain object only fails if JS itself is broken.
    Reflect::set(obj, &JsValue::from_str(key), value)
        .map(drop)
        .map_err(|_| JsError::new("reflect_set_failed"))
}
