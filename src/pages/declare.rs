//! The declaration form: validated in Rust with translated messages, then posted with an id
//! fixed for this visit so a retry can never store it twice.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vaora_protocol::api::{error_code, CheckInRequest};
use vaora_protocol::declaration::{Declaration, Field, FieldError, Symptoms};
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::api::{self, ApiProblem};
use crate::guest::{self, use_ctx, Ctx};
use crate::i18n::{problem, Msg};
use crate::lazy::ChunkUnavailable;
use crate::shell::{Screen, Shell};
use crate::venue::VenueCheck;

/// [`DeclarePage`] mounted into `parent`, from the `checkin` chunk (the form, its validation,
/// the check-in API); `declare_page_chunk` fetches it ([`Shell::go`]).
#[wasm_split(checkin, fallible, preload(declare_page_chunk))]
pub fn declare_page(
    shell: Rc<Shell>,
    parent: HtmlElement,
    check: VenueCheck,
) -> Result<Box<dyn Any>, ChunkUnavailable> {
    Ok(guest::mount(
        &shell,
        parent,
        move || view! { <DeclarePage check=check/> },
    ))
}

/// The form for a genuine venue.
#[component]
pub fn DeclarePage(check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<Msg>);
    let sending = RwSignal::new(false);
    // One id per intended check-in: retries after a network failure reuse it.
    let checkin_id = uuid::Uuid::new_v4();
    let venue_name = check
        .verdict
        .as_ref()
        .map(|claims| claims.name.clone())
        .unwrap_or_default();
    let payload = check.payload.clone();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        failure.set(None);
        let declaration = ctx.draft.get_untracked().normalized();
        if let Err(found) = declaration.validate(current_year()) {
            errors.set(found);
            failure.set(Some(Msg::FixErrors));
            focus_first_invalid();
            return;
        }
        errors.set(Vec::new());
        sending.set(true);
        let request = CheckInRequest {
            id: checkin_id,
            venue_code: payload.clone(),
            declaration,
            client_time: Some(js_sys::Date::now() as i64),
        };
        spawn_local(async move {
            submit(ctx, request, errors, failure).await;
            sending.try_set(false);
        });
    };

    let draft = ctx.draft;
    let edit = move |f: fn(&mut Declaration, String)| {
        move |ev: leptos::ev::Event| draft.update(|d| f(d, event_target_value(&ev)))
    };
    let error_of = move |field: Field| {
        move || {
            errors
                .get()
                .iter()
                .find(|e| e.field == field)
                .map(|e| ctx.t(problem(e.problem)))
        }
    };
    let invalid =
        move |field: Field| move || errors.get().iter().any(|e| e.field == field).to_string();

    view! {
        <form class="vaora-card vaora-declare" on:submit=on_submit novalidate data-test="declaration">
            <h2 class="vaora-subtitle">{ctx.tr(Msg::DeclareTitle)}</h2>
            <p class="vaora-venue-line">{venue_name}</p>

            <label for="vaora-name">{ctx.tr(Msg::FullName)}</label>
            <input id="vaora-name" name="full_name" autocomplete="name" data-test="full-name"
                aria-invalid=invalid(Field::FullName) aria-describedby="vaora-name-error"
                prop:value=move || draft.with(|d| d.full_name.clone())
                on:input=edit(|d, v| d.full_name = v)/>
            <p id="vaora-name-error" class="vaora-field-error">{error_of(Field::FullName)}</p>

            <label for="vaora-phone">{ctx.tr(Msg::Phone)}</label>
            <input id="vaora-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
                data-test="phone" aria-invalid=invalid(Field::Phone) aria-describedby="vaora-phone-error"
                prop:value=move || draft.with(|d| d.phone.clone())
                on:input=edit(|d, v| d.phone = v)/>
            <p id="vaora-phone-error" class="vaora-field-error">{error_of(Field::Phone)}</p>

            <label for="vaora-birth-year">{ctx.tr(Msg::BirthYear)}</label>
            <input id="vaora-birth-year" name="birth_year" inputmode="numeric" maxlength="4"
                autocomplete="bday-year" data-test="birth-year" aria-invalid=invalid(Field::BirthYear)
                aria-describedby="vaora-birth-year-error"
                prop:value=move || draft.with(|d| if d.birth_year == 0 { String::new() } else { d.birth_year.to_string() })
                on:input=edit(|d, v| d.birth_year = v.trim().parse().unwrap_or(0))/>
            <p id="vaora-birth-year-error" class="vaora-field-error">{error_of(Field::BirthYear)}</p>

            <fieldset class="vaora-symptoms">
                <legend>{ctx.tr(Msg::SymptomsLegend)}</legend>
                {SYMPTOMS.iter().map(|&(msg, key, pick)| view! {
                    <label class="vaora-check">
                        <input type="checkbox" data-test=format!("symptom-{key}")
                            prop:checked=move || draft.with(|d| has_symptom(&d.symptoms, pick))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| *pick(&mut d.symptoms) = on);
                            }/>
                        {ctx.tr(msg)}
                    </label>
                }).collect_view()}
            </fieldset>

            <fieldset class="vaora-exposure">
                <legend>{ctx.tr(Msg::ExposureQuestion)}</legend>
                <label class="vaora-check">
                    <input type="radio" name="exposure" data-test="exposure-yes"
                        prop:checked=move || draft.with(|d| d.exposure)
                        on:change=move |_| draft.update(|d| d.exposure = true)/>
                    {ctx.tr(Msg::Yes)}
                </label>
                <label class="vaora-check">
                    <input type="radio" name="exposure" data-test="exposure-no"
                        prop:checked=move || draft.with(|d| !d.exposure)
                        on:change=move |_| draft.update(|d| d.exposure = false)/>
                    {ctx.tr(Msg::No)}
                </label>
            </fieldset>

            <label class="vaora-check vaora-consent">
                <input type="checkbox" data-test="consent" aria-invalid=invalid(Field::Consent)
                    aria-describedby="vaora-consent-error"
                    prop:checked=move || draft.with(|d| d.consent)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        draft.update(|d| d.consent = on);
                    }/>
                {ctx.tr(Msg::ConsentText)}
            </label>
            <p id="vaora-consent-error" class="vaora-field-error">{error_of(Field::Consent)}</p>
            <p class="vaora-warning">{ctx.tr(Msg::FalseDeclarationWarning)}</p>

            {move || failure.get().map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="form-error">{ctx.tr(msg)}</p>
            })}
            <button type="submit" class="vaora-primary" data-test="submit" prop:disabled=move || sending.get()>
                {move || ctx.t(if sending.get() { Msg::Submitting } else { Msg::SubmitCheckIn })}
            </button>
        </form>
    }
}

type SymptomField = fn(&mut Symptoms) -> &mut bool;

/// The six symptoms, in the order of the national form.
const SYMPTOMS: [(Msg, &str, SymptomField); 6] = [
    (Msg::Fever, "fever", |s| &mut s.fever),
    (Msg::Cough, "cough", |s| &mut s.cough),
    (Msg::BreathingDifficulty, "breathing", |s| {
        &mut s.breathing_difficulty
    }),
    (Msg::Pneumonia, "pneumonia", |s| &mut s.pneumonia),
    (Msg::SoreThroat, "sore-throat", |s| &mut s.sore_throat),
    (Msg::Fatigue, "fatigue", |s| &mut s.fatigue),
];

/// Reads one symptom through the same accessor the form writes with.
fn has_symptom(symptoms: &Symptoms, pick: SymptomField) -> bool {
    *pick(&mut symptoms.clone())
}

async fn submit(
    ctx: Ctx,
    request: CheckInRequest,
    errors: RwSignal<Vec<FieldError>>,
    failure: RwSignal<Option<Msg>>,
) {
    let options = ctx.options();
    match api::check_in(&options, &request).await {
        Ok(receipt) => {
            ctx.announce(Msg::DoneTitle);
            ctx.go(Screen::Done(receipt));
        }
        Err(ApiProblem::Rejected(err)) if err.code == error_code::VALIDATION_FAILED => {
            errors.try_set(err.fields);
            failure.try_set(Some(Msg::FixErrors));
        }
        Err(problem) => {
            let msg = match problem {
                ApiProblem::Network => Msg::ErrNetwork,
                ApiProblem::Rejected(err) if err.code == error_code::VENUE_CODE_INVALID => {
                    Msg::ErrServerRejectedCode
                }
                ApiProblem::Rejected(err) if err.code == error_code::VENUE_NOT_FOUND => {
                    Msg::ErrServerUnknownVenue
                }
                _ => Msg::ErrServer,
            };
            ctx.announce(msg);
            failure.try_set(Some(msg));
        }
    }
}

fn current_year() -> u16 {
    js_sys::Date::new_0().get_full_year() as u16
}

fn focus_first_invalid() {
    use wasm_bindgen::JsCast;
    let first = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(".vaora-declare [aria-invalid=\"true\"]")
            .ok()
            .flatten()
    });
    // The attribute updates in the same tick; if not there yet the error summary still shows.
    if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
