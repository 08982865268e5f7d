//! The "got it" signal when a code is read: a short beep and a vibration, where the device has
//! them. Visual feedback is the venue screen itself.

use web_sys::{AudioContext, OscillatorType};

/// Beeps and vibrates (if `enabled`); silently does nothing where unsupported.
pub fn code_read(enabled: bool) {
    if !enabled {
        return;
    }
    if let Some(window) = web_sys::window() {
        // Absent on iOS and desktops: returns false, which is fine.
        let _ = window.navigator().vibrate_with_duration(120);
    }
    let _ = beep();
}

/// 880 Hz for 120 ms at low volume. Audio is allowed because the visitor tapped Scan first.
fn beep() -> Option<()> {
    let audio = AudioContext::new().ok()?;
    let oscillator = audio.create_oscillator().ok()?;
    let gain = audio.create_gain().ok()?;
    oscillator.set_type(OscillatorType::Sine);
    oscillator.frequency().set_value(880.0);
    gain.gain().set_value(0.1);
    oscillator.connect_with_audio_node(&gain).ok()?;
    gain.connect_with_audio_node(&audio.destination()).ok()?;
    let now = audio.current_time();
    oscillator.start_with_when(now).ok()?;
    oscillator.stop_with_when(now + 0.12).ok()?;
    Some(())
}
