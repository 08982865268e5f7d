//! Vaora's citizen widget: scan a venue's QR in the browser (rqrr in a worker), verify it
//! offline, declare, and check in against any server that speaks the protocol.
//!
//! JavaScript API: `mount(element, options)` renders into any element and returns a handle
//! whose `unmount()` removes it and releases the camera and the decoder worker.

pub mod api;
pub mod app;
pub mod camera;
pub mod components;
pub mod decoder;
pub mod i18n;
pub mod options;
pub mod pages;
pub mod venue;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::options::MountOptions;

/// A mounted widget; dropping or `unmount()`ing it removes it from the page.
#[wasm_bindgen]
pub struct VaoraHandle {
    mounted: Option<Box<dyn std::any::Any>>,
}

#[wasm_bindgen]
impl VaoraHandle {
    /// Removes the widget, stopping the camera and the decoder.
    pub fn unmount(&mut self) {
        self.mounted.take();
    }
}

/// Renders the widget into `element`. `options`: `{ endpoint, trustedKeys, assets?, lang? }`.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<VaoraHandle, JsError> {
    let options: MountOptions = serde_wasm_bindgen::from_value(options)
        .map_err(|err| JsError::new(&format!("invalid Vaora options: {err}")))?;
    let handle = leptos::mount::mount_to(element, move || {
        view! { <app::App options=options/> }.into_any()
    });
    Ok(VaoraHandle {
        mounted: Some(Box::new(handle)),
    })
}
