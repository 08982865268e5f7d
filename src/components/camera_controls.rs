//! Torch, zoom and lens picker for the running camera, where the track offers them. In the
//! `controls` chunk: fetched once the first camera frame has been decoded, so the first scan
//! does not wait for controls that most phones show only later anyway.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_split_helpers::wasm_split;
use web_sys::MediaStreamTrack;

use crate::app::use_ctx;
use crate::camera::{self, Lens, TrackFeatures};
use crate::i18n::Msg;
use crate::lazy::ChunkUnavailable;
use crate::prefs;

/// What the controls show and act on, filled in by the camera view as the camera starts.
#[derive(Clone, Copy)]
pub struct Controls {
    pub features: RwSignal<TrackFeatures>,
    pub lenses: RwSignal<Vec<Lens>>,
    pub current_lens: RwSignal<Option<String>>,
    pub torch_on: RwSignal<bool>,
    pub track: StoredValue<Option<MediaStreamTrack>, LocalStorage>,
    /// The lens picked here; the camera view restarts the camera on it.
    pub pick: RwSignal<Option<String>>,
}

/// The controls' view; `camera_controls_chunk` fetches the chunk.
#[wasm_split(controls, fallible, preload(camera_controls_chunk))]
pub fn camera_controls(controls: Controls) -> Result<AnyView, ChunkUnavailable> {
    Ok(view! { <CameraControls controls=controls/> }.into_any())
}

/// Formats a number with the browser's own conversion (Rust's float formatting would add
/// kilobytes to the wasm for four slider attributes).
fn js_number(value: f64) -> String {
    js_sys::Number::from(value)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

#[component]
fn CameraControls(controls: Controls) -> impl IntoView {
    let ctx = use_ctx();
    let Controls {
        features,
        lenses,
        current_lens,
        torch_on,
        track,
        pick,
    } = controls;
    let toggle_torch = move |_| {
        let Some(video_track) = track.get_value() else {
            return;
        };
        let on = !torch_on.get_untracked();
        spawn_local(async move {
            if camera::set_torch(&video_track, on).await {
                torch_on.try_set(on);
            }
        });
    };
    let zoom_to = move |ev: leptos::ev::Event| {
        // The browser parses the number: Rust's float parsing would add kilobytes to the wasm.
        let value = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value_as_number());
        let (Some(video_track), Some(value)) = (track.get_value(), value) else {
            return;
        };
        spawn_local(async move {
            camera::set_zoom(&video_track, value).await;
        });
    };
    let choose_lens = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        prefs::set_lens(&id);
        pick.set(Some(id));
    };

    view! {
        <div class="vaora-camera-controls">
            {move || features.get().torch.then(|| view! {
                <button type="button" class="vaora-secondary" data-test="torch"
                    aria-pressed=move || torch_on.get().to_string() on:click=toggle_torch>
                    {ctx.tr(Msg::Torch)}
                </button>
            })}
            {move || features.get().zoom.map(|zoom| view! {
                <label class="vaora-zoom">
                    {ctx.tr(Msg::Zoom)}
                    <input type="range" data-test="zoom" min=js_number(zoom.min)
                        max=js_number(zoom.max) step=js_number(zoom.step)
                        prop:value=js_number(zoom.current) on:input=zoom_to/>
                </label>
            })}
            {move || (lenses.get().len() > 1).then(|| view! {
                <label class="vaora-lens">
                    {ctx.tr(Msg::CameraLens)}
                    <select data-test="lens" on:change=choose_lens>
                        {lenses.get().into_iter().enumerate().map(|(index, lens)| {
                            let selected = current_lens.get_untracked().as_deref() == Some(lens.id.as_str());
                            let name = if lens.label.is_empty() {
                                format!("{} {}", ctx.t(Msg::CameraLens), index + 1)
                            } else {
                                lens.label
                            };
                            view! { <option value=lens.id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
        </div>
    }
}
