//! The "got it" signal when a code is read: a short beep and a vibration, where the device has
//! them; and a kiosk's "refused" signal, lower and longer, so staff hear the difference without
//! looking. Visual feedback is the screen itself.

use web_sys::{AudioContext, OscillatorType};

/// Beeps and vibrates (if `enabled`); silently does nothing where unsupported.
pub fn code_read(enabled: bool) {
    signal(enabled, 880.0, 120);
}

/// A kiosk refused a code: a low, longer tone and vibration (if `enabled`).
pub fn refused(enabled: bool) {
    signal(enabled, 220.0, 400);
}

fn signal(enabled: bool, hertz: f32, millis: u32) {
    if !enabled {
        return;
    }
    if let Some(window) = web_sys::window() {
        // Absent on iOS and desktops: returns false, which is fine.
        let _ = window.navigator().vibrate_with_duration(millis);
    }
    let _ = beep(hertz, millis);
}

/// A sine tone at low volume. Audio is allowed because the visitor (or staff) tapped first.
fn beep(hertz: f32, millis: u32) -> Option<()> {
    let audio = AudioContext::new().ok()?;
    let oscillator = audio.create_oscillator().ok()?;
    let gain = audio.create_gain().ok()?;
    oscillator.set_type(OscillatorType::Sine);
    oscillator.frequency().set_value(hertz);
    gain.gain().set_value(0.1);
    oscillator.connect_with_audio_node(&gain).ok()?;
    gain.connect_with_audio_node(&audio.destination()).ok()?;
    let now = audio.current_time();
    oscillator.start_with_when(now).ok()?;
    oscillator
        .stop_with_when(now + f64::from(millis) / 1000.0)
        .ok()?;
    Some(())
}
