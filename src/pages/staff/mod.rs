//! Venue staff: signing in with the staff link (or an invitation), then the kiosk — continuous
//! scanning of visitors' personal QR codes, entry or exit, the count inside, paper declarations
//! and closing the day. Opened at `/staff`; everything here is in the `staff` chunk, which
//! visitors never download.
//!
//! Scans and paper declarations go through the device's outbox like a visitor's check-ins
//! (`crate::device`), with the staff token, so a kiosk keeps working offline.

mod invite;
mod kiosk;
mod paper;
mod session;

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vaora_protocol::api::error_code;
use vaora_protocol::staff::StaffVenue;
use wasm_split_helpers::wasm_split;

use crate::api::{self, ApiProblem};
use crate::guest::{self, use_ctx};
use crate::i18n::Staff;
use crate::lazy::ChunkUnavailable;
use crate::shell::Shell;
use kiosk::Kiosk;
use session::{Link, Session};

/// Shows [`StaffPage`] in `shell`, from the `staff` chunk (the page's path is `/staff`).
#[wasm_split(staff, fallible)]
pub fn open(shell: Rc<Shell>) -> Result<(), ChunkUnavailable> {
    // The staff screens' own styles: `style.css` stays as small as the first scan needs.
    crate::shell::dom::link_stylesheet(shell.root(), &shell.options().asset_url("staff.css"));
    shell.show_view(|page| guest::mount(&shell, page, move || view! { <StaffPage/> }));
    Ok(())
}

/// Where the staff app is.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// No token (or a refused one): the sign-in form, with why if there was a problem.
    SignIn(Option<Staff>),
    /// Accepting an invitation or loading the venue.
    Loading,
    /// The venue could not be loaded and none is remembered.
    Failed,
    /// Signed in at this venue (`offline`: as remembered, the server unreachable).
    Ready { venue: StaffVenue, offline: bool },
}

/// The page: the sign-in or the kiosk.
#[component]
pub fn StaffPage() -> impl IntoView {
    let ctx = use_ctx();
    let phase = RwSignal::new(Phase::Loading);
    let start = move |link: Option<Link>| {
        phase.set(Phase::Loading);
        spawn_local(async move {
            let next = sign_in(&ctx.options(), link).await;
            phase.try_set(next);
        });
    };
    // A staff link opening Vaora's own page, or the token the host page gave the kiosk.
    let options = ctx.options();
    let given = options.staff_token.map(Link::Token);
    start(if options.follow_address {
        Link::from_location().or(given)
    } else {
        given
    });
    let signed_out = move || {
        Session::forget();
        phase.set(Phase::SignIn(None));
    };
    move || {
        match phase.get() {
        Phase::SignIn(problem) => view! {
            <SignIn problem=problem on_link=move |link| start(Some(link))/>
        }
        .into_any(),
        Phase::Loading => view! {
            <section class="vaora-card"><p class="vaora-hint">{ctx.tr(Staff::Loading)}</p></section>
        }
        .into_any(),
        Phase::Failed => view! {
            <section class="vaora-card">
                <p class="vaora-alert" role="alert" data-test="staff-failed">{ctx.tr(Staff::LoadFailed)}</p>
                <button type="button" class="vaora-primary" on:click=move |_| start(None)>
                    {ctx.tr(Staff::Retry)}
                </button>
            </section>
        }
        .into_any(),
        Phase::Ready { venue, offline } => view! {
            <Kiosk venue=venue offline=offline on_sign_out=signed_out/>
        }
        .into_any(),
    }
    }
}

/// Signs in with `link` (a staff token or an invitation) or the remembered token, and loads the
/// venue.
async fn sign_in(options: &crate::options::MountOptions, link: Option<Link>) -> Phase {
    match link {
        Some(Link::Token(token)) => Session::remember_token(&token),
        Some(Link::Invitation(code)) => match api::accept_invitation(options, &code).await {
            Ok(issued) => Session::remember_token(&issued.token),
            Err(ApiProblem::Rejected(err)) if err.code == error_code::INVITATION_INVALID => {
                return Phase::SignIn(Some(Staff::InvitationInvalid))
            }
            Err(_) => return Phase::Failed,
        },
        None => {}
    }
    let Some(token) = Session::token() else {
        return Phase::SignIn(None);
    };
    match api::staff_venue(options, &token).await {
        Ok(venue) => {
            Session::remember_venue(&venue);
            Phase::Ready {
                venue,
                offline: false,
            }
        }
        Err(ApiProblem::Rejected(err))
            if err.code == error_code::UNAUTHORIZED || err.code == error_code::FORBIDDEN =>
        {
            Session::forget();
            Phase::SignIn(Some(Staff::SignInInvalid))
        }
        Err(_) => match Session::venue() {
            Some(venue) => Phase::Ready {
                venue,
                offline: true,
            },
            None => Phase::Failed,
        },
    }
}

/// The sign-in form: paste the staff link or the token.
#[component]
fn SignIn(problem: Option<Staff>, on_link: impl Fn(Link) + Copy + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let typed = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(link) = Link::parse(&typed.get_untracked()) {
            on_link(link);
        }
    };
    view! {
        <form class="vaora-card" data-test="staff-sign-in" on:submit=on_submit>
            <h2 class="vaora-subtitle">{ctx.tr(Staff::SignInTitle)}</h2>
            <p class="vaora-hint" id="vaora-staff-help">{ctx.tr(Staff::SignInHelp)}</p>
            {problem.map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="sign-in-problem">{ctx.tr(msg)}</p>
            })}
            <label for="vaora-staff-link">{ctx.tr(Staff::SignInLabel)}</label>
            <input id="vaora-staff-link" type="text" autocomplete="off" data-test="staff-link"
                aria-describedby="vaora-staff-help"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))/>
            <button type="submit" class="vaora-primary" data-test="staff-sign-in-submit">
                {ctx.tr(Staff::SignInButton)}
            </button>
        </form>
    }
}
