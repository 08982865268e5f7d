//! Torch, zoom and lens picker for the running camera, where the track offers them. In the
//! `controls` chunk: fetched once the first camera frame has been decoded, so the first scan
//! does not wait for controls that most phones show only later anyway.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_split_helpers::wasm_split;
use web_sys::{Element, MediaStreamTrack};

use crate::camera::{self, Lens, TrackFeatures};
use crate::guest::{self, use_ctx};
use crate::i18n::Later;
use crate::lazy::ChunkUnavailable;
use crate::shell::Shell;

/// A lens the visitor picked (its device id): the scan screen restarts the camera on it.
pub type PickLens = Rc<dyn Fn(String)>;

/// The controls for the running `track`, mounted into `parent`; a lens picked here goes to
/// `pick`. `camera_controls_chunk` fetches the chunk.
#[wasm_split(controls, fallible, preload(camera_controls_chunk))]
pub fn camera_controls(
    shell: Rc<Shell>,
    parent: Element,
    track: MediaStreamTrack,
    pick: PickLens,
) -> Result<Box<dyn Any>, ChunkUnavailable> {
    let parent = parent.unchecked_into();
    Ok(guest::mount(&shell, parent, move || {
        let pick = StoredValue::new_local(pick);
        view! { <CameraControls track=track pick=pick/> }
    }))
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
fn CameraControls(
    track: MediaStreamTrack,
    pick: StoredValue<PickLens, LocalStorage>,
) -> impl IntoView {
    let ctx = use_ctx();
    let features: TrackFeatures = camera::features(&track);
    let current_lens = camera::device_id(&track);
    let torch_on = RwSignal::new(false);
    let lenses = RwSignal::new(Vec::<Lens>::new());
    // Labels are readable only now that permission was given.
    spawn_local(async move {
        let found = camera::cameras().await;
        lenses.try_set(found);
    });
    let track = StoredValue::new_local(track);
    let toggle_torch = move |_| {
        let video_track = track.get_value();
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
        let Some(value) = value else {
            return;
        };
        let video_track = track.get_value();
        spawn_local(async move {
            camera::set_zoom(&video_track, value).await;
        });
    };
    let choose_lens = move |ev: leptos::ev::Event| {
        let lens = event_target_value(&ev);
        pick.with_value(|pick| pick(lens));
    };

    view! {
        <div class="vaora-camera-controls">
            {features.torch.then(|| view! {
                <button type="button" class="vaora-secondary" data-test="torch"
                    aria-pressed=move || torch_on.get().to_string() on:click=toggle_torch>
                    {ctx.tr(Later::Torch)}
                </button>
            })}
            {features.zoom.map(|zoom| view! {
                <label class="vaora-zoom">
                    {ctx.tr(Later::Zoom)}
                    <input type="range" data-test="zoom" min=js_number(zoom.min)
                        max=js_number(zoom.max) step=js_number(zoom.step)
                        prop:value=js_number(zoom.current) on:input=zoom_to/>
                </label>
            })}
            {move || (lenses.get().len() > 1).then(|| view! {
                <label class="vaora-lens">
                    {ctx.tr(Later::CameraLens)}
                    <select data-test="lens" on:change=choose_lens>
                        {lenses.get().into_iter().enumerate().map(|(index, lens)| {
                            let selected = current_lens.as_deref() == Some(lens.id.as_str());
                            let name = if lens.label.is_empty() {
                                format!("{} {}", ctx.t(Later::CameraLens), index + 1)
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
