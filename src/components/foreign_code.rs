//! A QR code was read that is not a Vaora venue code: say so, and show what it says (a menu
//! link, a Wi-Fi code, a Japanese poster…), so the visitor can tell which code they pointed at.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::decoder::Code;
use crate::i18n::Msg;

/// The last code read that is not a venue code, if any: "This is not a Vaora venue code" (unless
/// not `titled`: a caller that already says so hides it), then the code's text, or a note that it
/// holds no text. Long texts are clamped by the style sheet. One reactive closure for all of it
/// (re-run on a new code or language): each closure costs the UI wasm about a kilobyte.
#[component]
pub fn ForeignCode(foreign: RwSignal<Option<Code>>, titled: bool) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        foreign.get().map(|code| {
            let says = if code.text.is_some() {
                Msg::ForeignCodeSays
            } else {
                Msg::ForeignCodeNotText
            };
            view! {
                <div class="vaora-foreign" data-test="foreign-code">
                    <p class="vaora-foreign-title" hidden=!titled>{ctx.t(Msg::ScanNotVaora)}</p>
                    <p>
                        {ctx.t(says)}
                        {code.text.map(|text| view! { " " <q dir="auto" data-test="foreign-text">{text}</q> })}
                    </p>
                </div>
            }
        })
    }
}
