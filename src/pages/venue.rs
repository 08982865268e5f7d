//! The venue a code points to, and whether the code is genuine.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::guest::{self, use_ctx};
use crate::i18n::{venue_code_error, Msg};
use crate::lazy::ChunkUnavailable;
use crate::shell::{Screen, Shell};
use crate::venue::VenueCheck;

/// [`VenuePage`] mounted into `parent`, from the `venue` chunk, which the venue check has
/// loaded already; `venue_page_chunk` makes it callable ([`Shell::go`]).
#[wasm_split(venue, fallible, preload(venue_page_chunk))]
pub fn venue_page(
    shell: Rc<Shell>,
    parent: HtmlElement,
    check: VenueCheck,
) -> Result<Box<dyn Any>, ChunkUnavailable> {
    let mounted = guest::mount(&shell, parent.clone(), move || {
        view! { <VenuePage check=check/> }
    });
    announce_venue(&parent);
    Ok(mounted)
}

/// Tells the embedding page that a venue is on screen (`vaora:venue`, bubbling): the first scan
/// is over, so the citizen page may now load what it keeps for offline use without slowing it.
fn announce_venue(parent: &HtmlElement) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = web_sys::Event::new_with_event_init_dict("vaora:venue", &init) {
        let _ = parent.dispatch_event(&event);
    }
}

/// Shows the verified venue with a way forward, or the refusal with its reason.
#[component]
pub fn VenuePage(check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let scan_again = move |_| ctx.go(Screen::Scanning);
    match check.verdict.clone() {
        Ok(claims) => {
            // Likely next: the declaration. Fetch its chunk while the visitor reads.
            leptos::task::spawn_local(async {
                let _ = crate::pages::declare::declare_page_chunk().await;
            });
            view! {
            <section class="vaora-card vaora-venue" data-test="venue" data-genuine="true">
                <p class="vaora-badge vaora-ok" data-test="genuine">"✓ " {ctx.tr(Msg::VenueGenuine)}</p>
                <h2 class="vaora-venue-name" data-test="venue-name">{claims.name.clone()}</h2>
                <p>{ctx.tr(Msg::VenueUnit)} ": " {claims.unit_code.clone()}</p>
                <button
                    type="button"
                    class="vaora-primary"
                    data-test="declare"
                    on:click=move |_| ctx.go(Screen::Declare(check.clone()))
                >
                    {ctx.tr(Msg::ContinueToDeclare)}
                </button>
                <button type="button" class="vaora-secondary" on:click=scan_again>
                    {ctx.tr(Msg::ScanAgain)}
                </button>
            </section>
            }
            .into_any()
        }
        Err(refusal) => {
            let reason = venue_code_error(refusal.reason);
            let claimed = refusal.claimed.map(|claims| claims.name);
            view! {
                <section class="vaora-card vaora-venue" data-test="venue" data-genuine="false">
                    <p class="vaora-badge vaora-bad" role="alert" data-test="not-genuine">
                        "✗ " {ctx.tr(Msg::VenueNotGenuine)}
                    </p>
                    {claimed.map(|name| view! {
                        <h2 class="vaora-venue-name vaora-struck" data-test="venue-name">{name}</h2>
                    })}
                    <p data-test="refusal-reason">{ctx.tr(reason)}</p>
                    <button type="button" class="vaora-primary" on:click=scan_again>
                        {ctx.tr(Msg::ScanAgain)}
                    </button>
                </section>
            }
            .into_any()
        }
    }
}
