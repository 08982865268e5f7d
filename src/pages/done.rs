//! The live confirmation a guard can trust: a pulsing mark and a clock ticking every second (a
//! screenshot is visibly stale), the venue, who checked in, the short check-in code and whether
//! the server has it yet. Check-out from here.

use std::any::Any;
use std::rc::Rc;

use leptos::html::H2;
use leptos::prelude::*;
use uuid::Uuid;
use vaora_citizen::visits::{Reason, Visit};
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::device::{now, Delivery};
use crate::guest::{self, use_ctx, Ctx};
use crate::i18n::{Later, Msg};
use crate::lazy::ChunkUnavailable;
use crate::shell::{Screen, Shell};

/// [`DonePage`] mounted into `parent`, from the `checkin` chunk, loaded with the declaration
/// form; `done_page_chunk` makes it callable ([`Shell::go`]).
#[wasm_split(checkin, fallible, preload(done_page_chunk))]
pub fn done_page(
    shell: Rc<Shell>,
    parent: HtmlElement,
    checkins: Vec<Uuid>,
) -> Result<Box<dyn Any>, ChunkUnavailable> {
    Ok(guest::mount(
        &shell,
        parent,
        move || view! { <DonePage checkins=checkins/> },
    ))
}

/// The confirmation of the check-ins `checkins` just made.
#[component]
pub fn DonePage(checkins: Vec<Uuid>) -> impl IntoView {
    let ctx = use_ctx();
    ctx.load_device();
    let heading = NodeRef::<H2>::new();
    // Move focus to the result so screen readers announce it.
    heading.on_load(|h| {
        let _ = h.focus();
    });
    let clock = RwSignal::new(now());
    // Ticks until the page is gone (the signal is disposed with it).
    leptos::task::spawn_local(async move {
        loop {
            crate::js::sleep(1000).await;
            if clock.try_set(now()).is_some() {
                break;
            }
        }
    });
    let ids = StoredValue::new(checkins);
    let visits = move || {
        let device = ctx.device_now()?;
        Some(ids.with_value(|ids| {
            ids.iter()
                .filter_map(|id| device.with(|known| known.visits.get(*id).cloned()))
                .map(|visit| (device.delivery(visit.checkin_id), visit))
                .collect::<Vec<_>>()
        }))
    };
    let any_open = move || {
        visits()
            .unwrap_or_default()
            .iter()
            .any(|(_, visit)| visit.is_open())
    };
    let check_out = move |_| {
        leptos::task::spawn_local(async move {
            ctx.check_out(&ids.get_value(), Reason::Button).await;
        });
    };
    view! {
        <section class="vaora-card vaora-done" data-test="done">
            <h2 node_ref=heading tabindex="-1" class="vaora-badge vaora-ok">
                "✓ " {ctx.tr(Later::DoneTitle)}
            </h2>
            <p class="vaora-live">
                <span class="vaora-pulse" aria-hidden="true"></span>
                <time data-test="done-clock">{move || clock_text(clock.get(), &ctx)}</time>
            </p>
            {move || visits().map(|visits| {
                visits
                    .into_iter()
                    .map(|(delivery, visit)| visit_card(ctx, delivery, visit))
                    .collect_view()
            })}
            <Show when=any_open>
                <button type="button" class="vaora-primary" data-test="checkout" on:click=check_out>
                    {ctx.tr(Later::CheckOut)}
                </button>
            </Show>
            <button type="button" class="vaora-secondary" data-test="done-visits"
                on:click=move |_| ctx.go(Screen::Visits)>
                {ctx.tr(Msg::MyVisits)}
            </button>
            <button type="button" class="vaora-secondary" data-test="done-again"
                on:click=move |_| ctx.go(Screen::Home { notice: None })>
                {ctx.tr(Later::DoneAgain)}
            </button>
        </section>
    }
}

/// One check-in of the confirmation.
fn visit_card(ctx: Ctx, delivery: Delivery, visit: Visit) -> impl IntoView {
    let lang = ctx.lang.get().tag();
    let delivery_attr = delivery_tag(&delivery);
    let state = if visit.is_open() { "open" } else { "out" };
    let checked_out = visit.checkout.map(|checkout| {
        view! {
            <p class="vaora-out" data-test="done-out">
                {ctx.tr(Later::CheckedOutAt)} " " {local_time(checkout.at, lang)}
            </p>
        }
    });
    view! {
        <article class="vaora-visit" data-test="done-visit" data-delivery=delivery_attr data-state=state>
            <p class="vaora-venue-name" data-test="done-venue">{visit.venue_name.clone()}</p>
            <p data-test="done-person">{visit.person_name.clone()}</p>
            <p>
                {ctx.tr(Later::DoneId)} ": "
                <strong class="vaora-code" data-test="done-code">{visit.short_code()}</strong>
            </p>
            <p>{ctx.tr(Later::DoneTime)} ": " <span data-test="done-time">{local_time(visit.checked_in_at, lang)}</span></p>
            {delivery_line(ctx, &delivery)}
            {checked_out}
            <p class="vaora-id" data-test="done-id">{visit.checkin_id.to_string()}</p>
        </article>
    }
}

/// `pending`, `delivered` or `refused`, for styling and tests.
pub fn delivery_tag(delivery: &Delivery) -> &'static str {
    match delivery {
        Delivery::Pending => "pending",
        Delivery::Delivered => "delivered",
        Delivery::Refused(_) => "refused",
    }
}

/// Whether the server has the check-in, in words.
pub fn delivery_line(ctx: Ctx, delivery: &Delivery) -> impl IntoView {
    match delivery {
        Delivery::Delivered => view! {
            <p class="vaora-sent" data-test="delivery">"✓ " {ctx.tr(Later::Delivered)}</p>
        }
        .into_any(),
        Delivery::Pending => view! {
            <p class="vaora-waiting" data-test="delivery">"⏳ " {ctx.tr(Later::WaitingToSend)}</p>
        }
        .into_any(),
        Delivery::Refused(code) => {
            let why = refusal(ctx, code);
            view! {
                <p class="vaora-alert" data-test="delivery">
                    "✗ " {ctx.tr(Later::Refused)} " " {why}
                </p>
            }
            .into_any()
        }
    }
}

/// Why the server refused a check-in, for people (in the language of the moment: the card is
/// redrawn when it changes).
fn refusal(ctx: Ctx, code: &str) -> &'static str {
    use vaora_protocol::api::error_code;
    match code {
        error_code::VENUE_CODE_INVALID | error_code::KEY_REVOKED => {
            ctx.t(Later::ErrServerRejectedCode)
        }
        error_code::VENUE_NOT_FOUND | error_code::VENUE_REVOKED => {
            ctx.t(Later::ErrServerUnknownVenue)
        }
        _ => ctx.t(Msg::ErrServer),
    }
}

/// The ticking clock, hours to seconds, in the visitor's time zone.
fn clock_text(unix_ms: i64, ctx: &Ctx) -> String {
    crate::js::local_date(unix_ms, "toLocaleTimeString", ctx.lang.get().tag())
}

/// Formats unix ms in the visitor's time zone with the browser's own formatter.
pub fn local_time(unix_ms: i64, lang: &str) -> String {
    crate::js::local_date(unix_ms, "toLocaleString", lang)
}
