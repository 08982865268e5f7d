//! The rear camera as a `MediaStream` in a `<video>`: started only on a tap, every track
//! stopped when done, and every failure mapped to something a person can act on.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack};

use crate::i18n::Msg;
use crate::js::{self, get};

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

    /// The `code` of the host page's `vaora:error`.
    pub fn code(self) -> &'static str {
        match self {
            Self::PermissionDenied => "camera_denied",
            Self::NoCamera => "camera_missing",
            Self::Busy => "camera_busy",
            Self::InsecureContext => "camera_insecure_context",
            Self::Unsupported => "camera_unsupported",
            Self::Other => "camera_failed",
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

/// Opens `lens` (a remembered device id) or else the rear camera (any camera when there is
/// none) and plays it in `video`. A remembered lens that is gone falls back to the default.
pub async fn start(
    video: &HtmlVideoElement,
    lens: Option<&str>,
) -> Result<MediaStream, CameraError> {
    match open(video, lens).await {
        Err(CameraError::NoCamera) if lens.is_some() => open(video, None).await,
        result => result,
    }
}

async fn open(video: &HtmlVideoElement, lens: Option<&str>) -> Result<MediaStream, CameraError> {
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
    constraints.set_video(&video_constraints(lens));
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| CameraError::Unsupported)?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(|err| {
            let name = error_name(&err);
            // The error's name only (no personal data): what support needs to hear about.
            web_sys::console::warn_2(&"Vaora: camera refused:".into(), &name.clone().into());
            CameraError::from_dom_name(&name)
        })?
        .dyn_into()
        .map_err(|_| CameraError::Other)?;
    video.set_muted(true);
    // iOS Safari plays inline only with this attribute.
    let _ = video.set_attribute("playsinline", "");
    video.set_src_object(Some(&stream));
    if let Ok(playing) = video.play() {
        if let Err(err) = JsFuture::from(playing).await {
            let name = error_name(&err);
            // AbortError: the element's own autoplay load (started by `srcObject`) superseded
            // this call; the muted, autoplaying element plays anyway and the frame loop waits
            // for data. Anything else (e.g. an autoplay policy refusal) is a real failure.
            if name != "AbortError" {
                web_sys::console::warn_2(&"Vaora: video did not play:".into(), &name.into());
                stop(&stream);
                return Err(CameraError::Other);
            }
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

/// `{ facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } }`,
/// or `deviceId: { exact: lens }` for a chosen lens. `ideal` never fails on laptops with only a
/// front camera.
fn video_constraints(lens: Option<&str>) -> JsValue {
    let with = |key: &str, value: JsValue| JsValue::from(js::object(&[(key, value)]));
    let choice = match lens {
        Some(id) => ("deviceId", with("exact", id.into())),
        None => ("facingMode", with("ideal", "environment".into())),
    };
    js::object(&[
        choice,
        ("width", with("ideal", 1280.into())),
        ("height", with("ideal", 720.into())),
    ])
    .into()
}

/// What the running camera can do beyond showing frames.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrackFeatures {
    pub torch: bool,
    pub zoom: Option<ZoomRange>,
}

/// The zoom a track accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoomRange {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub current: f64,
}

/// A camera the visitor can pick (labels are known only after permission).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub id: String,
    pub label: String,
}

/// The stream's video track.
pub fn video_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into().ok()
}

/// Torch and zoom as the track reports them (`getCapabilities` is missing in some browsers:
/// then there is nothing to offer).
pub fn features(track: &MediaStreamTrack) -> TrackFeatures {
    let capabilities = call0(track, "getCapabilities");
    let settings = call0(track, "getSettings");
    let number = |object: &JsValue, key: &str| get(object, key).as_f64();
    let zoom = get(&capabilities, "zoom");
    let zoom = match (number(&zoom, "min"), number(&zoom, "max")) {
        (Some(min), Some(max)) if max > min => Some(ZoomRange {
            min,
            max,
            step: number(&zoom, "step").filter(|s| *s > 0.0).unwrap_or(0.1),
            current: number(&settings, "zoom").unwrap_or(min),
        }),
        _ => None,
    };
    TrackFeatures {
        torch: get(&capabilities, "torch").is_truthy(),
        zoom,
    }
}

/// The device id of the running track (to remember the lens in use).
pub fn device_id(track: &MediaStreamTrack) -> Option<String> {
    get(&call0(track, "getSettings"), "deviceId").as_string()
}

/// Switches the torch; false when the track refused.
pub async fn set_torch(track: &MediaStreamTrack, on: bool) -> bool {
    apply_advanced(track, "torch", on.into()).await
}

/// Sets the zoom; false when the track refused.
pub async fn set_zoom(track: &MediaStreamTrack, zoom: f64) -> bool {
    apply_advanced(track, "zoom", zoom.into()).await
}

/// `track.applyConstraints({ advanced: [{ key: value }] })`.
async fn apply_advanced(track: &MediaStreamTrack, key: &str, value: JsValue) -> bool {
    let setting = js::object(&[(key, value)]);
    let constraints = js::object(&[("advanced", js_sys::Array::of1(&setting).into())]);
    let Some(apply) = js::method(track, "applyConstraints") else {
        return false;
    };
    match apply.call1(track, &constraints) {
        Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await.is_ok(),
        Err(_) => false,
    }
}

/// The cameras of this device.
pub async fn cameras() -> Vec<Lens> {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
        return Vec::new();
    };
    let Ok(promise) = devices.enumerate_devices() else {
        return Vec::new();
    };
    let Ok(list) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    js_sys::Array::from(&list)
        .iter()
        .filter(|device| get(device, "kind").as_string().as_deref() == Some("videoinput"))
        .filter_map(|device| {
            Some(Lens {
                id: get(&device, "deviceId")
                    .as_string()
                    .filter(|id| !id.is_empty())?,
                label: get(&device, "label").as_string().unwrap_or_default(),
            })
        })
        .collect()
}

/// Calls a method that may not exist in this browser; `undefined` when it does not.
fn call0(object: &JsValue, name: &str) -> JsValue {
    js::method(object, name)
        .and_then(|f| f.call0(object).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

fn error_name(err: &JsValue) -> String {
    get(err, "name").as_string().unwrap_or_default()
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
