//! "My visits": every visit this device keeps, newest first, with its state (waiting to be
//! sent, here now, checked out, refused), when the health authority read each delivered one and
//! for which case (asked of the server when the page opens), and a check-out for open ones; and
//! "Delete my data",
//! which says what is deleted here and what the server keeps, and for how long.

use std::any::Any;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::html::H2;
use leptos::prelude::*;
use uuid::Uuid;
use vaora_citizen::visits::{Reason, Visit};
use vaora_protocol::tracing::CheckInRead;
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::api::{self, ApiProblem};
use crate::device::Delivery;
use crate::guest::{self, use_ctx, Ctx};
use crate::i18n::{Later, Msg};
use crate::lazy::ChunkUnavailable;
use crate::pages::done::{delivery_line, delivery_tag, local_time};
use crate::shell::{Screen, Shell};

/// [`VisitsPage`] mounted into `parent`, from the `visits` chunk.
#[wasm_split(visits, fallible, preload(visits_page_chunk))]
pub fn visits_page(
    shell: Rc<Shell>,
    parent: HtmlElement,
) -> Result<Box<dyn Any>, ChunkUnavailable> {
    Ok(guest::mount(
        &shell,
        parent,
        move || view! { <VisitsPage/> },
    ))
}

/// The page.
#[component]
pub fn VisitsPage() -> impl IntoView {
    let ctx = use_ctx();
    ctx.load_device();
    let heading = NodeRef::<H2>::new();
    heading.on_load(|h| {
        let _ = h.focus();
    });
    let reads = RwSignal::new(Reads::default());
    leptos::task::spawn_local(fetch_reads(ctx, reads));
    let list = move || {
        let device = ctx.device_now()?;
        let visits: Vec<(Delivery, Visit)> = device.with(|known| {
            known
                .visits
                .newest_first()
                .map(|visit| (device.delivery(visit.checkin_id), visit.clone()))
                .collect()
        });
        Some(if visits.is_empty() {
            view! { <p class="vaora-hint" data-test="no-visits">{ctx.tr(Later::NoVisits)}</p> }
                .into_any()
        } else {
            let offline = reads.with(|reads| reads.offline).then(|| {
                view! { <p class="vaora-hint" data-test="reads-offline">{ctx.tr(Later::ReadsOffline)}</p> }
            });
            view! {
                {offline}
                <ul class="vaora-visits">
                    {visits.into_iter().map(|(delivery, visit)| {
                        let read = reads.with(|reads| reads.by_visit.get(&visit.checkin_id).cloned());
                        visit_item(ctx, delivery, visit, read)
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    };
    view! {
        <section class="vaora-card" data-test="visits">
            <h2 node_ref=heading tabindex="-1" class="vaora-subtitle">{ctx.tr(Msg::MyVisits)}</h2>
            {list}
        </section>
        <DeleteMyData/>
        <button type="button" class="vaora-secondary" data-test="visits-home"
            on:click=move |_| ctx.go(Screen::Home { notice: None })>
            {ctx.tr(Later::BackHome)}
        </button>
    }
}

/// What the server said about reads of the delivered visits.
#[derive(Clone, Debug, Default)]
struct Reads {
    by_visit: HashMap<Uuid, Vec<CheckInRead>>,
    /// The server could not be reached: said once, quietly.
    offline: bool,
}

/// Asks the server, once per opening, when each delivered visit was read.
async fn fetch_reads(ctx: Ctx, reads: RwSignal<Reads>) {
    let device = ctx.device().await;
    let delivered: Vec<Uuid> = device.with(|known| {
        known
            .visits
            .newest_first()
            .map(|visit| visit.checkin_id)
            .filter(|&id| device.delivery(id) == Delivery::Delivered)
            .collect()
    });
    let options = ctx.options();
    for id in delivered {
        match api::checkin_reads(&options, id).await {
            Ok(answer) => {
                // The page may be gone by now: then there is nothing to update.
                let _ = reads.try_update(|reads| reads.by_visit.insert(id, answer.reads));
            }
            Err(ApiProblem::Network) => {
                let _ = reads.try_update(|reads| reads.offline = true);
                return;
            }
            // A server without the endpoint, or an answer it cannot give: say nothing.
            Err(_) => {}
        }
    }
}

/// "Read by the health authority: 24/11/2026 10:02 (case BN-12345); …", nothing when never read.
fn reads_line(ctx: Ctx, reads: Option<Vec<CheckInRead>>, lang: &str) -> Option<impl IntoView> {
    let reads = reads.filter(|reads| !reads.is_empty())?;
    let text = reads
        .iter()
        .map(|read| {
            let why = match &read.case_reference {
                Some(case) => format!("{} {case}", ctx.t(Later::ReadForCase)),
                None => read.purpose.clone(),
            };
            format!("{} ({why})", local_time(read.at, lang))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(view! {
        <p class="vaora-reads" data-test="visit-reads">{ctx.tr(Later::ReadByAuthority)} " " {text}</p>
    })
}

/// One visit of the list.
fn visit_item(
    ctx: Ctx,
    delivery: Delivery,
    visit: Visit,
    reads: Option<Vec<CheckInRead>>,
) -> impl IntoView {
    let lang = ctx.lang.get().tag();
    let id = visit.checkin_id;
    let state = match (&delivery, visit.checkout) {
        (Delivery::Refused(_), _) => "refused",
        (_, Some(_)) => "out",
        (_, None) => "open",
    };
    let ended = visit.checkout.map(|checkout| {
        view! {
            <p data-test="visit-out">{ctx.tr(Later::CheckedOutAt)} " " {local_time(checkout.at, lang)}</p>
        }
    });
    let open = state == "open";
    view! {
        <li class="vaora-visit" data-test="visit" data-state=state data-delivery=delivery_tag(&delivery)>
            <p class="vaora-venue-name">{visit.venue_name.clone()}</p>
            <p>{visit.person_name.clone()} " · " <span class="vaora-code">{visit.short_code()}</span></p>
            <p>{ctx.tr(Later::CheckedInAt)} " " {local_time(visit.checked_in_at, lang)}</p>
            {ended}
            {open.then(|| view! { <p data-test="visit-here">{ctx.tr(Later::HereNow)}</p> })}
            {delivery_line(ctx, &delivery)}
            {reads_line(ctx, reads, lang)}
            {open.then(|| view! {
                <button type="button" class="vaora-secondary" data-test="visit-checkout"
                    on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            ctx.check_out(&[id], Reason::Button).await;
                        });
                    }>
                    {ctx.tr(Later::CheckOut)}
                </button>
            })}
        </li>
    }
}

/// "Delete my data": what goes, what the server keeps, then a confirmation.
#[component]
fn DeleteMyData() -> impl IntoView {
    let ctx = use_ctx();
    let asking = RwSignal::new(false);
    let pending = move || {
        ctx.device_now()
            .map(|device| device.with(|known| known.outbox.pending()))
            .unwrap_or(0)
    };
    let delete = move |_| {
        leptos::task::spawn_local(async move {
            ctx.device().await.wipe().await;
            ctx.announce(Later::DataDeleted);
            ctx.go(Screen::Home { notice: None });
        });
    };
    view! {
        <section class="vaora-card" data-test="delete" aria-labelledby="vaora-delete-title">
            <h2 id="vaora-delete-title" class="vaora-subtitle">{ctx.tr(Later::DeleteTitle)}</h2>
            <p>{ctx.tr(Later::DeleteWhat)}</p>
            <p>{ctx.tr(Later::ServerKeeps)}</p>
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button type="button" class="vaora-secondary" data-test="delete-data"
                        on:click=move |_| asking.set(true)>
                        {ctx.tr(Later::DeleteButton)}
                    </button>
                }
            >
                <div role="alertdialog" aria-labelledby="vaora-delete-title" class="vaora-confirm">
                    {move || (pending() > 0).then(|| view! {
                        <p class="vaora-alert" data-test="delete-pending">
                            {ctx.tr(Later::DeletePendingWarning)} " (" {pending} ")"
                        </p>
                    })}
                    <button type="button" class="vaora-danger" data-test="delete-confirm" on:click=delete>
                        {ctx.tr(Later::DeleteConfirm)}
                    </button>
                    <button type="button" class="vaora-secondary" data-test="delete-cancel"
                        on:click=move |_| asking.set(false)>
                        {ctx.tr(Later::Cancel)}
                    </button>
                </div>
            </Show>
        </section>
    }
}
