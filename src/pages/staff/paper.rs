//! Paper declarations ("khai hộ"): staff type in the declaration of someone without a
//! smartphone, keyboard only, and it is checked in as staff-entered. A barcode scanner acting
//! as a keyboard may type a personal QR (v1.1, chip ID card, Vaora) into the ID number field:
//! its Enter fills the form from the code instead of submitting it.

use leptos::prelude::*;
use uuid::Uuid;
use vaora_outbox::Kind;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::{Answer, AnswerError, Answers, DeclarationForm};
use vaora_protocol::personal_code::parse_personal;
use vaora_protocol::staff::{StaffCheckInRequest, StaffEntry};

use super::kiosk::queue;
use crate::device::now;
use crate::guest::{use_ctx, Ctx};
use crate::i18n::{Later, Msg, Staff};
use crate::pages::declare::{current_year, focus_first_invalid, load_form, question_view};
use std::sync::Arc;

/// The paper declaration form, for one person after another.
#[component]
pub fn PaperEntry(
    token: StoredValue<String>,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<Msg>);
    ctx.draft.set(Answers::new());
    load_form(ctx, problem);
    let back = move || {
        view! {
            <button type="button" class="vaora-secondary" data-test="paper-back"
                on:click=move |_| on_back()>
                {ctx.tr(Staff::BackToKiosk)}
            </button>
        }
    };
    move || {
        match ctx.form.get() {
        Some(form) => view! { <PaperForm form=form token=token/> {back()} }.into_any(),
        None => view! {
            <section class="vaora-card">
                <h2 class="vaora-subtitle">{ctx.tr(Staff::PaperTitle)}</h2>
                {move || match problem.get() {
                    Some(msg) => view! {
                        <p class="vaora-alert" role="alert">{ctx.tr(msg)}</p>
                        <button type="button" class="vaora-secondary"
                            on:click=move |_| load_form(ctx, problem)>
                            {ctx.tr(Staff::Retry)}
                        </button>
                    }.into_any(),
                    None => view! { <p class="vaora-hint">{ctx.tr(Later::FormLoading)}</p> }.into_any(),
                }}
            </section>
            {back()}
        }
        .into_any(),
    }
    }
}

/// The form itself.
#[component]
fn PaperForm(form: Arc<DeclarationForm>, token: StoredValue<String>) -> impl IntoView {
    let ctx = use_ctx();
    let errors = RwSignal::new(Vec::<AnswerError>::new());
    let notice = RwSignal::new(None::<Staff>);
    let failed = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let questions = form
        .questions
        .iter()
        .map(|question| question_view(&form, question.clone(), errors))
        .collect_view();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        if fill_from_scanned_code(ctx.draft) {
            errors.set(Vec::new());
            failed.set(false);
            notice.set(Some(Staff::CodeFilled));
            return;
        }
        let accepted = match form.validate(&ctx.draft.get_untracked(), current_year()) {
            Ok(accepted) => accepted,
            Err(found) => {
                errors.set(found);
                notice.set(None);
                failed.set(true);
                focus_first_invalid(ctx);
                return;
            }
        };
        let request = StaffCheckInRequest {
            id: Uuid::new_v4(),
            entry: StaffEntry::Paper {
                declaration: Declaration {
                    form_version: form.version,
                    answers: accepted,
                },
            },
            client_time: Some(now()),
        };
        saving.set(true);
        leptos::task::spawn_local(async move {
            queue(
                ctx,
                &token.get_value(),
                request.id,
                Kind::StaffCheckIn,
                &request,
            )
            .await;
            // Ready for the next person.
            ctx.draft.try_set(Answers::new());
            errors.try_set(Vec::new());
            failed.try_set(false);
            notice.try_set(Some(Staff::PaperSaved));
            saving.try_set(false);
            focus_first_field(ctx);
        });
    };
    view! {
        <form class="vaora-card vaora-declare" novalidate data-test="paper-form" on:submit=on_submit>
            <h2 class="vaora-subtitle">{ctx.tr(Staff::PaperTitle)}</h2>
            <p class="vaora-hint">{ctx.tr(Staff::PaperHelp)}</p>
            {move || notice.get().map(|msg| view! {
                <p class="vaora-notice" role="status" data-test="paper-notice">{ctx.tr(msg)}</p>
            })}
            {questions}
            {move || failed.get().then(|| view! {
                <p class="vaora-alert" role="alert" data-test="form-error">{ctx.tr(Later::FixErrors)}</p>
            })}
            <button type="submit" class="vaora-primary" data-test="paper-submit"
                prop:disabled=move || saving.get()>
                {ctx.tr(Staff::PaperSubmit)}
            </button>
        </form>
    }
}

/// When the ID number field holds a whole personal code (a barcode scanner typed it), replaces
/// the answers it carries with the code's and says so (`true`).
fn fill_from_scanned_code(draft: RwSignal<Answers>) -> bool {
    let typed = draft.with_untracked(|answers| match answers.get("id_number") {
        Some(Answer::Text(text)) => Some(text.trim().to_owned()),
        _ => None,
    });
    let Some(scanned) = typed.and_then(|text| parse_personal(&text).ok()) else {
        return false;
    };
    draft.update(|answers| answers.extend(scanned.answers()));
    true
}

fn focus_first_field(ctx: Ctx) {
    ctx.focus_first(".vaora-declare input");
}
