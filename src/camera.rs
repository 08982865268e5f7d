//! The rear camera as a `MediaStream` in a `<video>`: started only on a tap, every track
//! stopped when done, and every failure mapped to something a person can act on.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack};

use crate::i18n::Msg;

/// Why the camera is not available.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraError {
    PermissionDenied,
    NoCamera,
    Busy,
    InsecureContext,
    Unsupported,
    Other,
}

impl CameraError {
    /// Maps a `DOMException` name from `getUserMedia`.
    pub fn from_dom_name(name: &str) -> CameraError {
        match name {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => Self::PermissionDenied,
            "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => Self::NoCamera,
            "NotReadableError" | "TrackStartError" | "AbortError" => Self::Busy,
            _ => Self::Other,
        }
    }

    /// What to tell the visitor.
    pub fn message(self) -> Msg {
        match self {
            Self::PermissionDenied => Msg::ErrPermissionDenied,
            Self::NoCamera => Msg::ErrNoCamera,
            Self::Busy => Msg::ErrCameraBusy,
            Self::InsecureContext => Msg::ErrInsecureContext,
            Self::Unsupported => Msg::ErrCameraUnsupported,
            Self::Other => Msg::ErrCameraOther,
        }
    }
}

/// Opens the rear camera (any camera when there is none) and plays it in `video`.
pub async fn start(video: &HtmlVideoElement) -> Result<MediaStream, CameraError> {
    let window = web_sys::window().ok_or(CameraError::Unsupported)?;
    if !window.is_secure_context() {
        return Err(CameraError::InsecureContext);
    }
    let devices = window
        .navigator()
        .media_devices()
        .map_err(|_| CameraError::Unsupported)?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::FALSE);
    constraints.set_video(&video_constraints());
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| CameraError::Unsupported)?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(|err| CameraError::from_dom_name(&error_name(&err)))?
        .dyn_into()
        .map_err(|_| CameraError::Other)?;
    video.set_muted(true);
    // iOS Safari plays inline only with this attribute.
    let _ = video.set_attribute("playsinline", "");
    video.set_src_object(Some(&stream));
    if let Ok(playing) = video.play() {
        if JsFuture::from(playing).await.is_err() {
            stop(&stream);
            return Err(CameraError::Other);
        }
    }
    Ok(stream)
}

/// Stops every track so the camera light goes off.
pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// `{ facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } }`:
/// `ideal` never fails on laptops with only a front camera.
fn video_constraints() -> JsValue {
    let ideal = |value: JsValue| {
        let object = Object::new();
        let _ = Reflect::set(&object, &"ideal".into(), &value);
        object
    };
    let video = Object::new();
    let _ = Reflect::set(&video, &"facingMode".into(), &ideal("environment".into()));
    let _ = Reflect::set(&video, &"width".into(), &ideal(1280.into()));
    let _ = Reflect::set(&video, &"height".into(), &ideal(720.into()));
    video.into()
}

fn error_name(err: &JsValue) -> String {
    Reflect::get(err, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dom_errors_map_to_actionable_reasons() {
        assert_eq!(
            CameraError::from_dom_name("NotAllowedError"),
            CameraError::PermissionDenied
        );
        assert_eq!(
            CameraError::from_dom_name("NotFoundError"),
            CameraError::NoCamera
        );
        assert_eq!(
            CameraError::from_dom_name("OverconstrainedError"),
            CameraError::NoCamera
        );
        assert_eq!(
            CameraError::from_dom_name("NotReadableError"),
            CameraError::Busy
        );
        assert_eq!(CameraError::from_dom_name("Weird"), CameraError::Other);
    }
}
