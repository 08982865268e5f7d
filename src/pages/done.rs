//! Confirmation: venue, time and check-in id.

use std::any::Any;
use std::rc::Rc;

use leptos::html::H2;
use leptos::prelude::*;
use vaora_protocol::api::CheckInReceipt;
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::guest::{self, use_ctx};
use crate::i18n::Msg;
use crate::lazy::ChunkUnavailable;
use crate::shell::{Screen, Shell};

/// [`DonePage`] mounted into `parent`, from the `checkin` chunk, loaded with the declaration
/// form; `done_page_chunk` makes it callable ([`Shell::go`]).
#[wasm_split(checkin, fallible, preload(done_page_chunk))]
pub fn done_page(
    shell: Rc<Shell>,
    parent: HtmlElement,
    receipt: CheckInReceipt,
) -> Result<Box<dyn Any>, ChunkUnavailable> {
    Ok(guest::mount(
        &shell,
        parent,
        move || view! { <DonePage receipt=receipt/> },
    ))
}

/// The receipt of a stored check-in.
#[component]
pub fn DonePage(receipt: CheckInReceipt) -> impl IntoView {
    let ctx = use_ctx();
    let heading = NodeRef::<H2>::new();
    // Move focus to the result so screen readers announce it.
    heading.on_load(|h| {
        let _ = h.focus();
    });
    let time = receipt.checked_in_at;
    let when = move || local_time(time, ctx.lang.get().tag());
    view! {
        <section class="vaora-card vaora-done" data-test="done">
            <h2 node_ref=heading tabindex="-1" class="vaora-badge vaora-ok">
                "✓ " {ctx.tr(Msg::DoneTitle)}
            </h2>
            <dl class="vaora-receipt">
                <dt>{ctx.tr(Msg::DoneVenue)}</dt>
                <dd data-test="done-venue">{receipt.venue_name.clone()}</dd>
                <dt>{ctx.tr(Msg::DoneTime)}</dt>
                <dd data-test="done-time">{when}</dd>
                <dt>{ctx.tr(Msg::DoneId)}</dt>
                <dd class="vaora-id" data-test="done-id">{receipt.id.to_string()}</dd>
            </dl>
            <button
                type="button"
                class="vaora-secondary"
                data-test="done-again"
                on:click=move |_| ctx.go(Screen::Home { notice: None })
            >
                {ctx.tr(Msg::DoneAgain)}
            </button>
        </section>
    }
}

/// Formats unix ms in the visitor's time zone with the browser's own formatter.
fn local_time(unix_ms: i64, lang: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_ms as f64));
    String::from(date.to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED))
}
