//! The venue a code points to, and whether the code is genuine.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::guest::{self, use_ctx, Ctx};
use crate::i18n::{venue_code_error, Later};
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
    // `vaora:venue` says a venue is on screen: the first scan is over, so Vaora's own page may
    // now fetch what it keeps for offline use without slowing it.
    shell.emit("vaora:venue", &wasm_bindgen::JsValue::UNDEFINED);
    crate::events::emit(
        &shell,
        "vaora:scan",
        &crate::events::ScanDetail::of_venue(&check),
    );
    let mounted = guest::mount(&shell, parent.clone(), move || {
        view! { <VenuePage check=check/> }
    });
    Ok(mounted)
}

/// Shows the verified venue with a way forward, or the refusal with its reason.
#[component]
pub fn VenuePage(check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let scan_again = move |_| ctx.go(Screen::Scanning);
    match check.verdict.clone() {
        Ok(claims) => {
            // Likely next: the declaration. Fetch its chunk while the visitor reads.
            leptos::task::spawn_local(async move {
                ctx.device().await;
                let _ = crate::pages::declare::declare_page_chunk().await;
            });
            let here = leaving(ctx, claims.venue_id);
            view! {
            <section class="vaora-card vaora-venue" data-test="venue" data-genuine="true">
                <p class="vaora-badge vaora-ok" data-test="genuine">"✓ " {ctx.tr(Later::VenueGenuine)}</p>
                <h2 class="vaora-venue-name" data-test="venue-name">{claims.name.clone()}</h2>
                <p>{ctx.tr(Later::VenueUnit)} ": " {claims.unit_code.clone()}</p>
                {here}
                <button
                    type="button"
                    class="vaora-primary"
                    data-test="declare"
                    on:click=move |_| ctx.go(Screen::Declare(check.clone()))
                >
                    {ctx.tr(Later::ContinueToDeclare)}
                </button>
                <button type="button" class="vaora-secondary" on:click=scan_again>
                    {ctx.tr(Later::ScanAgain)}
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
                        "✗ " {ctx.tr(Later::VenueNotGenuine)}
                    </p>
                    {claimed.map(|name| view! {
                        <h2 class="vaora-venue-name vaora-struck" data-test="venue-name">{name}</h2>
                    })}
                    <p data-test="refusal-reason">{ctx.tr(reason)}</p>
                    <button type="button" class="vaora-primary" on:click=scan_again>
                        {ctx.tr(Later::ScanAgain)}
                    </button>
                </section>
            }
            .into_any()
        }
    }
}

/// Scanning the code of a venue where someone of this device is checked in: the way out
/// ("rescan at exit"), offered first.
fn leaving(ctx: Ctx, venue_id: u64) -> impl IntoView {
    move || {
        let device = ctx.device_now()?;
        let open: Vec<(uuid::Uuid, String, i64)> = device.with(|known| {
            known
                .visits
                .open_at_venue(venue_id)
                .into_iter()
                .map(|v| (v.checkin_id, v.person_name.clone(), v.checked_in_at))
                .collect()
        });
        if open.is_empty() {
            return None;
        }
        let lang = ctx.lang.get().tag();
        let since = open.iter().map(|(_, _, at)| *at).min().unwrap_or_default();
        let names = open
            .iter()
            .map(|(_, name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let ids: Vec<uuid::Uuid> = open.iter().map(|(id, _, _)| *id).collect();
        let check_out = move |_| {
            let ids = ids.clone();
            leptos::task::spawn_local(async move {
                ctx.check_out(&ids, vaora_citizen::visits::Reason::Rescan)
                    .await;
                ctx.go(Screen::Done(ids));
            });
        };
        Some(view! {
            <div class="vaora-here" data-test="here">
                <p>
                    {ctx.tr(Later::CheckedInHereSince)} " "
                    {crate::pages::done::local_time(since, lang)} ": " {names}
                </p>
                <button type="button" class="vaora-primary" data-test="checkout-here" on:click=check_out>
                    {ctx.tr(Later::CheckOut)}
                </button>
            </div>
        })
    }
}
