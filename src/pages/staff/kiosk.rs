//! The kiosk screen: the venue and how many people are inside, entry or exit, the camera
//! reading personal codes continuously, a big green / amber / red result with the person's
//! masked name, and the staff's other tools (paper declaration, full screen, closing the day,
//! signing out).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use vaora_kiosk::{decide, inside_now, Debounce, Direction, Scan};
use vaora_outbox::{Entry, Kind};
use vaora_protocol::personal_code::PersonalCodeError;
use vaora_protocol::staff::{CloseDay, MaskedPerson, StaffVenue};

use super::invite::Invite;
use super::paper::PaperEntry;
use super::session::Session;
use crate::api::{self, ApiProblem};
use crate::decoder::Code;
use crate::device::{now, Known, StaffRequest};
use crate::events::{CheckinDetail, CheckoutDetail, ScanDetail};
use crate::feedback;
use crate::guest::{use_ctx, Ctx};
use crate::i18n::{personal_code_error, Said, Staff, Translate};
use crate::pages::done::local_time;

/// How long a code must be out of view before it counts as a new scan.
const DEBOUNCE_MS: i64 = 3_000;

/// Least time between two reads of the server's count (ms).
const REFRESH_GAP_MS: i32 = 1_000;

/// Where reading the server's count stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refresh {
    Idle,
    Running,
    /// Running, and the queue changed since it began: read again after it.
    Again,
}

/// How a scan went, as the result's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// Let in or out.
    Done,
    /// Nothing recorded, nothing wrong (already inside).
    Notice,
    /// Refused.
    Refused,
}

impl Verdict {
    fn tag(self) -> &'static str {
        match self {
            Verdict::Done => "ok",
            Verdict::Notice => "warn",
            Verdict::Refused => "bad",
        }
    }
}

/// The last scan's result on screen.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    verdict: Verdict,
    headline: Said,
    /// Why, for a refusal (one line each).
    detail: Vec<Said>,
    person: Option<MaskedPerson>,
    at: i64,
}

/// The staff requests of this kiosk's token in the device's outbox.
fn mine(known: &Known, token: &str) -> Vec<Entry> {
    known
        .outbox
        .entries()
        .iter()
        .filter(|entry| entry.token == token)
        .cloned()
        .collect()
}

/// The kiosk of `venue` (`offline`: loaded from memory, the server unreachable).
#[component]
pub fn Kiosk(
    venue: StaffVenue,
    offline: bool,
    on_sign_out: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    ctx.load_device();
    let token = StoredValue::new(Session::token().unwrap_or_default());
    let direction = RwSignal::new(Direction::Entry);
    let shown = RwSignal::new(None::<Shown>);
    let server_inside = RwSignal::new(venue.inside);
    let offline = RwSignal::new(offline);
    let paper = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let inviting = RwSignal::new(false);
    let closed = RwSignal::new(None::<u64>);
    let close_problem = RwSignal::new(false);

    // The server's count again after changes of the queue (a delivery, a new scan): one
    // request at a time, at most one a second, so a busy door does not flood the server.
    let refresh = StoredValue::new(Refresh::Idle);
    Effect::new(move |_| {
        ctx.device_rev.track();
        if refresh.get_value() != Refresh::Idle {
            refresh.set_value(Refresh::Again);
            return;
        }
        refresh.set_value(Refresh::Running);
        spawn_local(async move {
            loop {
                match api::staff_venue(&ctx.options(), &token.get_value()).await {
                    Ok(venue) => {
                        server_inside.try_set(venue.inside);
                        offline.try_set(false);
                    }
                    Err(ApiProblem::Network) => {
                        offline.try_set(true);
                    }
                    Err(_) => {}
                }
                crate::js::sleep(REFRESH_GAP_MS).await;
                match refresh.try_get_value() {
                    Some(Refresh::Again) => refresh.set_value(Refresh::Running),
                    Some(_) => {
                        refresh.try_set_value(Refresh::Idle);
                        return;
                    }
                    None => return,
                }
            }
        });
    });
    let inside = move || {
        let server = server_inside.get();
        ctx.device_now().map_or(server, |device| {
            device.with(|known| inside_now(server, &mine(known, &token.get_value())))
        })
    };
    let pending = move || {
        ctx.device_now().is_some_and(|device| {
            device.with(|known| {
                mine(known, &token.get_value())
                    .iter()
                    .any(|entry| entry.state.unanswered())
            })
        })
    };
    let close_day = move |_| {
        if pending() {
            close_problem.set(true);
            return;
        }
        spawn_local(async move {
            let at = now();
            let request = CloseDay { left_at: Some(at) };
            match api::close_day(&ctx.options(), &token.get_value(), &request).await {
                Ok(done) => {
                    Session::remember_closed(at);
                    server_inside.try_set(done.inside);
                    closed.try_set(Some(done.checked_out));
                    confirming.try_set(false);
                    close_problem.try_set(false);
                }
                Err(_) => {
                    close_problem.try_set(true);
                }
            }
        });
    };
    let mode_button = move |mode: Direction, label: Staff, test: &'static str| {
        view! {
            <button type="button" class="vaora-kiosk-mode" data-test=test
                aria-pressed=move || (direction.get() == mode).to_string()
                on:click=move |_| direction.set(mode)>
                {ctx.tr(label)}
            </button>
        }
    };
    let name = venue.name.clone();
    let short_code = venue.short_code.display();
    let kiosk = move || {
        view! {
            <section class="vaora-card vaora-kiosk" data-test="kiosk">
                <h2 class="vaora-subtitle" data-test="kiosk-venue">{name.clone()}</h2>
                <p class="vaora-hint">{ctx.tr(Staff::Title)} " · " {short_code.clone()}</p>
                <p class="vaora-kiosk-count">
                    {ctx.tr(Staff::Inside)} ": "
                    <strong data-test="kiosk-inside">{inside}</strong>
                </p>
                {move || offline.get().then(|| view! {
                    <p class="vaora-hint" data-test="kiosk-offline">{ctx.tr(Staff::Offline)}</p>
                })}
                <div class="vaora-kiosk-modes" role="group" aria-label=ctx.tr(Staff::ModeLabel)>
                    {mode_button(Direction::Entry, Staff::ModeEntry, "mode-entry")}
                    {mode_button(Direction::Exit, Staff::ModeExit, "mode-exit")}
                </div>
                <ScanResult shown=shown/>
                <p class="vaora-hint">{ctx.tr(Staff::KioskHint)}</p>
                <KioskCamera direction=direction shown=shown token=token/>
            </section>
        }
    };
    let tools = move || {
        view! {
            <section class="vaora-card vaora-kiosk-tools">
                <button type="button" class="vaora-secondary" data-test="paper-open"
                    on:click=move |_| paper.set(true)>
                    {ctx.tr(Staff::PaperButton)}
                </button>
                <button type="button" class="vaora-secondary" data-test="fullscreen"
                    on:click=move |_| full_screen(ctx)>
                    {ctx.tr(Staff::Fullscreen)}
                </button>
                {move || if confirming.get() {
                    view! {
                        <div role="group" class="vaora-kiosk-confirm" data-test="close-day-confirm">
                            <p>{ctx.tr(Staff::CloseDayConfirm)}</p>
                            <button type="button" class="vaora-primary" data-test="close-day-yes"
                                on:click=close_day>{ctx.tr(Staff::CloseDayYes)}</button>
                            <button type="button" class="vaora-secondary"
                                on:click=move |_| confirming.set(false)>{ctx.tr(Staff::CloseDayNo)}</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="vaora-secondary" data-test="close-day"
                            on:click=move |_| { closed.set(None); confirming.set(true) }>
                            {ctx.tr(Staff::CloseDayButton)}
                        </button>
                    }.into_any()
                }}
                {move || closed.get().map(|count| view! {
                    <p class="vaora-notice" role="status" data-test="closed-day">
                        {ctx.tr(Staff::ClosedDay)} " " <strong>{count}</strong>
                    </p>
                })}
                {move || close_problem.get().then(|| view! {
                    <p class="vaora-alert" role="alert" data-test="close-day-problem">
                        {ctx.tr(Staff::CloseDayNeedsNetwork)}
                    </p>
                })}
                <button type="button" class="vaora-secondary" data-test="invite-open"
                    aria-expanded=move || inviting.get().to_string()
                    on:click=move |_| inviting.update(|open| *open = !*open)>
                    {ctx.tr(Staff::InviteButton)}
                </button>
                {move || inviting.get().then(|| view! { <Invite token=token/> })}
                <button type="button" class="vaora-secondary" data-test="sign-out"
                    on:click=move |_| on_sign_out()>
                    {ctx.tr(Staff::SignOut)}
                </button>
            </section>
        }
    };
    move || {
        if paper.get() {
            view! { <PaperEntry token=token on_back=move || paper.set(false)/> }.into_any()
        } else {
            view! { {kiosk()} {tools()} }.into_any()
        }
    }
}

/// The last result, big: green (in or out), amber (already inside) or red (refused), with the
/// masked person and the time. Read out by screen readers as it changes.
#[component]
fn ScanResult(shown: RwSignal<Option<Shown>>) -> impl IntoView {
    let ctx = use_ctx();
    let state = move || shown.with(|s| s.as_ref().map_or("idle", |s| s.verdict.tag()));
    view! {
        <div class="vaora-kiosk-result" data-test="kiosk-result" data-state=state
            aria-live="assertive" aria-atomic="true">
            {move || shown.get().map(|shown| {
                let lang = ctx.lang.get().tag();
                view! {
                    <p class="vaora-kiosk-verdict" data-test="kiosk-verdict">{ctx.t(shown.headline)}</p>
                    {shown.detail.into_iter().map(|line| view! { <p data-test="kiosk-why">{ctx.t(line)}</p> }).collect_view()}
                    {shown.person.map(|person| view! {
                        <p class="vaora-kiosk-person" data-test="kiosk-person">{person.name}</p>
                        <p data-test="kiosk-person-id">{person.id_number}</p>
                    })}
                    <p class="vaora-hint">{local_time(shown.at, lang)}</p>
                }
            })}
        </div>
    }
}

/// The shell's camera in kiosk mode, drawn here, running while this view is shown.
#[component]
fn KioskCamera(
    direction: RwSignal<Direction>,
    shown: RwSignal<Option<Shown>>,
    token: StoredValue<String>,
) -> impl IntoView {
    let ctx = use_ctx();
    let slot = NodeRef::<Div>::new();
    let camera = StoredValue::new_local(None::<Box<dyn Any>>);
    slot.on_load(move |div| {
        let Some(shell) = ctx.shell() else {
            return;
        };
        let debounce = RefCell::new(Debounce::new(DEBOUNCE_MS));
        let sink = Rc::new(move |code: Code| {
            let Some(text) = code.text else {
                return;
            };
            if !debounce.borrow_mut().is_new(&text, now()) {
                return;
            }
            let Some(direction) = direction.try_get_untracked() else {
                return;
            };
            spawn_local(scanned(ctx, token.get_value(), direction, text, shown));
        });
        camera.set_value(Some(shell.kiosk_camera(&div.into(), sink)));
    });
    on_cleanup(move || {
        camera.try_update_value(|camera| camera.take());
    });
    view! { <div node_ref=slot class="vaora-kiosk-camera"></div> }
}

/// Acts on a new scan: decides, queues the request on the device, shows and sounds the result.
async fn scanned(
    ctx: Ctx,
    token: String,
    direction: Direction,
    text: String,
    shown: RwSignal<Option<Shown>>,
) {
    let device = ctx.device().await;
    let at = now();
    let scan = device.with(|known| {
        decide(
            direction,
            &text,
            Uuid::new_v4(),
            at,
            &mine(known, &token),
            Session::closed_at(),
        )
    });
    let shown_now = |verdict, headline: Staff, person| Shown {
        verdict,
        headline: headline.texts(),
        detail: Vec::new(),
        person,
        at,
    };
    tell_host(&ctx, &scan);
    let result = match scan {
        Scan::Invalid(PersonalCodeError::Unrecognized) => Shown {
            detail: vec![Staff::NotPersonalCode.texts()],
            ..shown_now(Verdict::Refused, Staff::Refused, None)
        },
        Scan::Invalid(err) => Shown {
            detail: vec![Staff::CodeDamaged.texts(), personal_code_error(err)],
            ..shown_now(Verdict::Refused, Staff::Refused, None)
        },
        Scan::AlreadyInside { person } => {
            shown_now(Verdict::Notice, Staff::AlreadyInside, Some(person))
        }
        Scan::Entry { person, request } => {
            queue(ctx, &token, request.id, Kind::StaffCheckIn, &request).await;
            shown_now(Verdict::Done, Staff::Entered, Some(person))
        }
        Scan::Exit {
            person,
            request,
            after,
        } => {
            let kind = Kind::StaffCheckOut { after };
            queue(ctx, &token, request.id, kind, &request).await;
            shown_now(Verdict::Done, Staff::Left, Some(person))
        }
    };
    let sound = ctx.shell().is_some_and(|shell| shell.feedback_on());
    if result.verdict == Verdict::Done {
        feedback::code_read(sound);
    } else {
        feedback::refused(sound);
    }
    shown.try_set(Some(result));
}

/// Queues one staff request on the device (the outbox sends it, now or when back online).
pub(super) async fn queue(
    ctx: Ctx,
    token: &str,
    id: Uuid,
    kind: Kind,
    request: &impl serde::Serialize,
) {
    let Ok(body) = serde_json::to_string(request) else {
        return;
    };
    let device = ctx.device().await;
    let endpoint = ctx.options().endpoint;
    device
        .queue_staff(&endpoint, token, StaffRequest { id, kind, body })
        .await;
}

/// Tells the host page what a scan did: `vaora:scan` with the decision and, for a person let in
/// or out, `vaora:checkin` or `vaora:checkout` (`byStaff`).
fn tell_host(ctx: &Ctx, scan: &Scan) {
    let masked = |person: &MaskedPerson| {
        let id = person.id_number.as_deref().unwrap_or_default();
        Some(format!("{} {id}", person.name).trim_end().to_owned())
    };
    let (result, person, reason) = match scan {
        Scan::Invalid(err) => ("refused", None, Some(err.code().to_owned())),
        Scan::AlreadyInside { person } => ("inside", masked(person), None),
        Scan::Entry { person, .. } => ("in", masked(person), None),
        Scan::Exit { person, .. } => ("out", masked(person), None),
    };
    let detail = ScanDetail {
        kind: "person",
        result: Some(result),
        masked: person,
        reason,
        ..ScanDetail::default()
    };
    ctx.emit("vaora:scan", &detail);
    match scan {
        Scan::Entry { request, .. } => staff_checked_in(ctx, request.id),
        Scan::Exit { after, .. } => ctx.emit(
            "vaora:checkout",
            &CheckoutDetail {
                checkin_ids: after.iter().map(ToString::to_string).collect(),
                venue_id: Session::venue().map(|venue| venue.venue_id),
                by_staff: true,
            },
        ),
        Scan::Invalid(_) | Scan::AlreadyInside { .. } => {}
    }
}

/// Tells the host page staff checked someone in (`vaora:checkin`, `byStaff`): a kiosk scan or
/// a paper declaration, queued as `id`.
pub(super) fn staff_checked_in(ctx: &Ctx, id: Uuid) {
    let venue = Session::venue();
    ctx.emit(
        "vaora:checkin",
        &CheckinDetail {
            checkin_ids: vec![id.to_string()],
            venue_id: venue.as_ref().map_or(0, |venue| venue.venue_id),
            venue_name: venue.map(|venue| venue.name).unwrap_or_default(),
            by_staff: true,
        },
    );
}

/// The kiosk fills the screen (where the browser allows it).
/// The widget's own element, not the page: an embedded kiosk leaves the host page's layout.
fn full_screen(ctx: Ctx) {
    if let Some(shell) = ctx.shell() {
        let _ = crate::js::call(shell.root(), "requestFullscreen", &[]);
    }
}
