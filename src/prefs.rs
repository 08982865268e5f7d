//! What the widget remembers on this device (localStorage): language, chosen camera lens,
//! whether to beep and vibrate, and a hint that check-ins are pending or visits open (so the
//! next start loads the outbox at once). Nothing personal; storage errors (private mode) are
//! ignored. The visitor's data itself is in IndexedDB (`crate::device`).

use crate::i18n::Lang;

const LANG: &str = "vaora.lang";
const LENS: &str = "vaora.lens";
const FEEDBACK: &str = "vaora.feedback";
const PENDING: &str = "vaora.pending";
const OPEN_VISITS: &str = "vaora.open";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The value stored under `key`, if any.
pub(crate) fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Stores `value` under `key` (silently not, where storage is unavailable).
pub(crate) fn write(key: &str, value: &str) {
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

/// Check-ins and check-outs not yet delivered when the device last changed.
pub fn pending_hint() -> usize {
    read(PENDING).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Whether the device had something to deliver or a visit to end by itself.
pub fn device_hint() -> bool {
    pending_hint() > 0 || read(OPEN_VISITS).as_deref() == Some("1")
}

/// Remembers the pending count and whether a visit is open (nothing at all when neither).
pub fn set_device_hint(pending: usize, open_visits: bool) {
    let Some(storage) = storage() else {
        return;
    };
    if pending == 0 && !open_visits {
        let _ = storage.remove_item(PENDING);
        let _ = storage.remove_item(OPEN_VISITS);
        return;
    }
    let _ = storage.set_item(PENDING, &pending.to_string());
    let _ = storage.set_item(OPEN_VISITS, if open_visits { "1" } else { "0" });
}

/// Forgets what is stored under `key`.
pub(crate) fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Forgets everything remembered here ("Delete my data").
pub fn forget_all() {
    if let Some(storage) = storage() {
        for key in [LANG, LENS, FEEDBACK, PENDING, OPEN_VISITS] {
            let _ = storage.remove_item(key);
        }
    }
}
