//! Inviting one more member of staff to this venue: their phone number or e-mail address gives a
//! one-time link, valid 72 hours, that the inviter sends them (the reference server sends no
//! messages itself). Opening it signs their device in as staff of the same venue.

use leptos::prelude::*;
use leptos::task::spawn_local;
use vaora_protocol::staff::{StaffInvitation, StaffInvitationRequest};

use crate::api::{self, ApiProblem};
use crate::guest::use_ctx;
use crate::i18n::Staff;

/// The invitation form, and the link once made.
#[component]
pub fn Invite(token: StoredValue<String>) -> impl IntoView {
    let ctx = use_ctx();
    let contact = RwSignal::new(String::new());
    let made = RwSignal::new(None::<StaffInvitation>);
    let problem = RwSignal::new(None::<Staff>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = StaffInvitationRequest {
            contact: contact.get_untracked(),
            label: None,
            venue_id: None,
        };
        problem.set(None);
        spawn_local(async move {
            match api::invite_staff(&ctx.options(), &token.get_value(), &request).await {
                Ok(invitation) => {
                    made.try_set(Some(invitation));
                }
                Err(ApiProblem::Rejected(_)) => {
                    problem.try_set(Some(Staff::InviteContactInvalid));
                }
                Err(_) => {
                    problem.try_set(Some(Staff::InviteNeedsNetwork));
                }
            }
        });
    };
    view! {
        <form class="vaora-kiosk-confirm" data-test="invite" on:submit=on_submit novalidate>
            <label for="vaora-invite-contact">{ctx.tr(Staff::InviteContact)}</label>
            <input id="vaora-invite-contact" type="text" inputmode="email" autocomplete="off"
                data-test="invite-contact"
                aria-invalid=move || problem.get().is_some().to_string()
                prop:value=move || contact.get()
                on:input=move |ev| contact.set(event_target_value(&ev))/>
            <button type="submit" class="vaora-primary" data-test="invite-submit">
                {ctx.tr(Staff::InviteSubmit)}
            </button>
            {move || problem.get().map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="invite-problem">{ctx.tr(msg)}</p>
            })}
            {move || made.get().map(|invitation| view! {
                <p class="vaora-notice" role="status">{ctx.tr(Staff::InviteMade)}</p>
                <a class="vaora-invite-link" href=invitation.url.clone() data-test="invite-link">
                    {invitation.url.clone()}
                </a>
            })}
        </form>
    }
}
