//! A QR code was read that is not a Vaora venue code: say so, and show what it says (a menu
//! link, a Wi-Fi code, a Japanese poster…), so the visitor can tell which code they pointed at.
//! Drawn by the `venue` chunk, which the venue check that found the code out has loaded.

use leptos::prelude::*;
use wasm_split_helpers::wasm_split;

use crate::app::use_ctx;
use crate::decoder::Code;
use crate::i18n::Msg;
use crate::lazy::{self, ChunkUnavailable};

/// The last code read that is not a venue code, if any. Set `foreign` only once
/// `foreign_code_chunk` has completed.
#[component]
pub fn ForeignCode(foreign: RwSignal<Option<Code>>, titled: bool) -> impl IntoView {
    move || {
        foreign
            .get()
            .map(|code| lazy::page(foreign_code(code, titled)))
    }
}

/// "This is not a Vaora venue code" (unless not `titled`: a caller that already says so hides
/// it), then the code's text, or a note that it holds no text. Long texts are clamped by the
/// style sheet. Built once per code (language changes re-render its texts).
#[wasm_split(venue, fallible, preload(foreign_code_chunk))]
pub fn foreign_code(code: Code, titled: bool) -> Result<AnyView, ChunkUnavailable> {
    let ctx = use_ctx();
    let says = if code.text.is_some() {
        Msg::ForeignCodeSays
    } else {
        Msg::ForeignCodeNotText
    };
    Ok(view! {
        <div class="vaora-foreign" data-test="foreign-code">
            <p class="vaora-foreign-title" hidden=!titled>{ctx.tr(Msg::ScanNotVaora)}</p>
            <p>
                {ctx.tr(says)}
                {code.text.map(|text| view! { " " <q dir="auto" data-test="foreign-text">{text}</q> })}
            </p>
        </div>
    }
    .into_any())
}
