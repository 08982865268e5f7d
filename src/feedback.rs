//! The "got it" signal when a code is read: a short beep and a vibration, where the device has
//! them; and a kiosk's "refused" signal, lower and longer, so staff hear the difference without
//! looking. Visual feedback is the screen itself. Only chunks call this (the camera's signal
//! goes through [`code_read_lazily`]), and through loose calls: typed Web Audio bindings would
//! be imports of the first-scan module.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_split_helpers::wasm_split;

use crate::js;
use crate::lazy::ChunkUnavailable;

/// Beeps and vibrates (if `enabled`); silently does nothing where unsupported.
pub fn code_read(enabled: bool) {
    signal(enabled, 880.0, 120);
}

/// [`code_read`] from the `venue` chunk, which the camera has loaded to check the code it read.
#[wasm_split(venue, fallible)]
pub fn code_read_lazily(enabled: bool) -> Result<(), ChunkUnavailable> {
    code_read(enabled);
    Ok(())
}

/// A kiosk refused a code: a low, longer tone and vibration (if `enabled`).
pub fn refused(enabled: bool) {
    signal(enabled, 220.0, 400);
}

fn signal(enabled: bool, hertz: f64, millis: u32) {
    if !enabled {
        return;
    }
    if let Some(window) = web_sys::window() {
        // Absent on iOS and desktops: returns false, which is fine.
        let navigator = js::get(&window, "navigator");
        let _ = js::call(&navigator, "vibrate", &[&millis.into()]);
        let _ = beep(&window, hertz, millis);
    }
}

/// A sine tone at low volume. Audio is allowed because the visitor (or staff) tapped first.
fn beep(window: &JsValue, hertz: f64, millis: u32) -> Option<()> {
    let context: Function = js::get(window, "AudioContext").dyn_into().ok()?;
    let audio = Reflect::construct(&context, &Array::new()).ok()?;
    let oscillator = js::call(&audio, "createOscillator", &[]).ok()?;
    let gain = js::call(&audio, "createGain", &[]).ok()?;
    js::set(oscillator.unchecked_ref::<Object>(), "type", &"sine".into());
    let value = |param: JsValue, value: f64| js::set(param.unchecked_ref(), "value", &value.into());
    value(js::get(&oscillator, "frequency"), hertz);
    value(js::get(&gain, "gain"), 0.1);
    js::call(&oscillator, "connect", &[&gain]).ok()?;
    js::call(&gain, "connect", &[&js::get(&audio, "destination")]).ok()?;
    let now = js::get(&audio, "currentTime").as_f64()?;
    js::call(&oscillator, "start", &[&now.into()]).ok()?;
    let end = now + f64::from(millis) / 1000.0;
    js::call(&oscillator, "stop", &[&end.into()]).ok()?;
    Some(())
}
