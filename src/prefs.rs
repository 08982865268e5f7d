//! What the widget remembers on this device (localStorage): language, chosen camera lens, and
//! whether to beep and vibrate. Nothing personal; storage errors (private mode) are ignored.

use crate::i18n::Lang;

const LANG: &str = "vaora.lang";
const LENS: &str = "vaora.lens";
const FEEDBACK: &str = "vaora.feedback";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn write(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// The language chosen on this device, if any.
pub fn lang() -> Option<Lang> {
    Lang::from_tag(&read(LANG)?)
}

/// Remembers the language.
pub fn set_lang(lang: Lang) {
    write(LANG, lang.tag());
}

/// The camera lens picked on this device (multi-lens phones often open the wrong one).
pub fn lens() -> Option<String> {
    read(LENS).filter(|id| !id.is_empty())
}

/// Remembers the lens.
pub fn set_lens(id: &str) {
    write(LENS, id);
}

/// Beep and vibrate on a successful read: on unless switched off here.
pub fn feedback() -> bool {
    read(FEEDBACK).as_deref() != Some("off")
}

/// Remembers the feedback choice.
pub fn set_feedback(on: bool) {
    write(FEEDBACK, if on { "on" } else { "off" });
}
