//! Vaora's citizen widget: scan a venue's QR in the browser (rqrr in a worker), verify it
//! offline, declare, and check in against any server that speaks the protocol.
//!
//! JavaScript API (low level; `www/widget.js` wraps it in a shadow root for host pages):
//! `mount(element, options)` renders into any element and returns a handle whose `unmount()`
//! removes it and releases the camera and the decoder worker, `setLang(tag)` switches the
//! language and `scan()` opens the camera. The widget tells the page what happens with
//! bubbling, composed `vaora:*` events (`events.rs`).

pub mod api;
pub mod camera;
pub mod components;
pub mod decoder;
pub mod device;
pub mod events;
pub mod feedback;
pub mod frame_clock;
pub mod guest;
pub mod i18n;
pub mod js;
pub mod lazy;
pub mod options;
pub mod pages;
pub mod prefs;
pub mod shell;
pub mod venue;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::i18n::Lang;
use crate::options::MountOptions;
use crate::shell::Shell;

thread_local! {
    /// Mounted widgets by handle id. The registry, not the JS handle object, owns them: a
    /// handle that is garbage-collected must not take the widget off the page. (A page holds a
    /// few widgets: a list, since a map would add its hashing to the first scan's download.)
    static MOUNTED: RefCell<Vec<(u32, Rc<Shell>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A mounted widget; `unmount()` removes it from the page.
#[wasm_bindgen]
pub struct VaoraHandle {
    id: u32,
}

#[wasm_bindgen]
impl VaoraHandle {
    /// Removes the widget, stopping the camera and the decoder. Calling it twice is harmless.
    pub fn unmount(&self) {
        // Dropped outside the borrow: unmounting runs cleanups that may touch the registry.
        let mounted = MOUNTED.with(|m| {
            let mut mounted = m.borrow_mut();
            let index = mounted.iter().position(|(id, _)| *id == self.id)?;
            Some(mounted.swap_remove(index).1)
        });
        if let Some(shell) = mounted {
            shell.unmount();
        }
    }

    /// Switches the widget to `lang` (`vi` or `en`; another tag is ignored here, `widget.js`
    /// refuses it).
    #[wasm_bindgen(js_name = setLang)]
    pub fn set_lang(&self, lang: &str) {
        if let (Some(lang), Some(shell)) = (Lang::from_tag(lang), self.shell()) {
            shell.set_lang(lang);
        }
    }

    /// Opens the camera to scan a venue's code (a kiosk scans all the time already).
    pub fn scan(&self) {
        if let Some(shell) = self.shell() {
            shell.scan();
        }
    }

    fn shell(&self) -> Option<Rc<Shell>> {
        MOUNTED.with(|m| {
            let mounted = m.borrow();
            let found = mounted.iter().find(|(id, _)| *id == self.id);
            found.map(|(_, shell)| shell.clone())
        })
    }
}

/// Renders the widget into `element`; `options` as in [`MountOptions`]. A bad option throws a
/// `VaoraOptionsError` (`code`, `option`).
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<VaoraHandle, JsValue> {
    // Once per page: setting it again after a panic would itself panic.
    static PANIC_HOOK: std::sync::Once = std::sync::Once::new();
    PANIC_HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            web_sys::console::error_1(&format!("PANIC {info}").into())
        }))
    });
    let options = MountOptions::from_js(&options).map_err(|err| err.to_js())?;
    let shell = Shell::mount(&element, options);
    let id = NEXT_ID.with(|next| {
        let id = next.get().wrapping_add(1);
        next.set(id);
        id
    });
    MOUNTED.with(|m| m.borrow_mut().push((id, shell)));
    Ok(VaoraHandle { id })
}
