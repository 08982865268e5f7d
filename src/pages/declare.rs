//! The declaration form, drawn from the backend's versioned question set
//! (`GET /v1/declaration-form`) in the visitor's language, validated in Rust with translated
//! messages, then posted with an id fixed for this visit so a retry can never store it twice.
//! The answers are kept while the widget is open, so nothing typed is lost between screens.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use vaora_protocol::api::{error_code, CheckInRequest};

use vaora_protocol::api::Unit;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::{
    Answer, AnswerError, DeclarationForm, Question, QuestionKind, TextFormat,
};
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

/// The page: fetches the form (once per widget), then draws it.
#[component]
pub fn DeclarePage(check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<Msg>);
    let load = move || {
        if ctx.form.with_untracked(Option::is_some) {
            return;
        }
        problem.set(None);
        spawn_local(async move {
            match api::declaration_form(&ctx.options()).await {
                Ok(form) => {
                    ctx.form.try_set(Some(Arc::new(form)));
                }
                Err(_) => {
                    problem.try_set(Some(Msg::ErrNetwork));
                }
            }
        });
    };
    load();
    move || {
        match ctx.form.get() {
        Some(form) => view! { <Questions form=form check=check.clone()/> }.into_any(),
        None => view! {
            <section class="vaora-card vaora-declare">
                <h2 class="vaora-subtitle">{ctx.tr(Msg::DeclareTitle)}</h2>
                {move || match problem.get() {
                    Some(msg) => view! {
                        <p class="vaora-alert" role="alert" data-test="form-unavailable">{ctx.tr(msg)}</p>
                        <button type="button" class="vaora-secondary" on:click=move |_| load()>
                            {ctx.tr(Msg::RetryButton)}
                        </button>
                    }.into_any(),
                    None => view! { <p class="vaora-hint">{ctx.tr(Msg::FormLoading)}</p> }.into_any(),
                }}
            </section>
        }
        .into_any(),
    }
    }
}

/// The form's questions for a genuine venue, and the submit button.
#[component]
fn Questions(form: Arc<DeclarationForm>, check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let errors = RwSignal::new(Vec::<AnswerError>::new());
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

    let checked = form.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        failure.set(None);
        let answers = ctx.draft.get_untracked();
        let accepted = match checked.validate(&answers, current_year()) {
            Ok(accepted) => accepted,
            Err(found) => {
                errors.set(found);
                failure.set(Some(Msg::FixErrors));
                focus_first_invalid();
                return;
            }
        };
        errors.set(Vec::new());
        sending.set(true);
        let request = CheckInRequest {
            id: checkin_id,
            venue_code: payload.clone(),
            declaration: Declaration {
                form_version: checked.version,
                answers: accepted,
            },
            client_time: Some(js_sys::Date::now() as i64),
        };
        spawn_local(async move {
            submit(ctx, request, errors, failure).await;
            sending.try_set(false);
        });
    };

    let questions = form
        .questions
        .iter()
        .map(|question| question_view(&form, question.clone(), errors))
        .collect_view();
    view! {
        <form class="vaora-card vaora-declare" on:submit=on_submit novalidate data-test="declaration">
            <h2 class="vaora-subtitle">{ctx.tr(Msg::DeclareTitle)}</h2>
            <p class="vaora-venue-line">{venue_name}</p>
            {questions}
            {move || failure.get().map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="form-error">{ctx.tr(msg)}</p>
            })}
            <button type="submit" class="vaora-primary" data-test="submit" prop:disabled=move || sending.get()>
                {move || ctx.t(if sending.get() { Msg::Submitting } else { Msg::SubmitCheckIn })}
            </button>
        </form>
    }
}

/// The draft's answer to `id` as the text an input shows.
fn shown_text(answer: Option<&Answer>) -> String {
    match answer {
        Some(Answer::Text(text)) => text.clone(),
        Some(Answer::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

/// One question: its label, help, control and error, hidden while its condition does not hold.
fn question_view(
    form: &Arc<DeclarationForm>,
    question: Question,
    errors: RwSignal<Vec<AnswerError>>,
) -> AnyView {
    let ctx = use_ctx();
    let draft = ctx.draft;
    let id = question.id.clone();
    let input_id = format!("vaora-q-{id}");
    let error_id = format!("vaora-q-{id}-error");
    let help_id = format!("vaora-q-{id}-help");
    let described = if question.help.is_some() {
        format!("{help_id} {error_id}")
    } else {
        error_id.clone()
    };
    let shown = {
        let (form, question) = (form.clone(), question.clone());
        move || draft.with(|answers| form.shown(&question, answers))
    };
    let label = {
        let text = question.label.clone();
        move || text.get(ctx.lang.get().tag()).to_owned()
    };
    let help = question.help.clone().map(|text| {
        let help_id = help_id.clone();
        view! {
            <p id=help_id class="vaora-hint">{move || text.get(ctx.lang.get().tag()).to_owned()}</p>
        }
    });
    let error = {
        let id = id.clone();
        move || {
            errors.with(|found| {
                found
                    .iter()
                    .find(|e| e.question == id)
                    .map(|e| ctx.t(problem(e.problem)))
            })
        }
    };
    let invalid = {
        let id = id.clone();
        move || {
            errors
                .with(|found| found.iter().any(|e| e.question == id))
                .to_string()
        }
    };
    let set = {
        let id = id.clone();
        move |answer: Option<Answer>| {
            draft.update(|answers| match answer {
                Some(answer) => {
                    answers.insert(id.clone(), answer);
                }
                None => {
                    answers.remove(&id);
                }
            })
        }
    };
    let value = {
        let id = id.clone();
        move || draft.with(|answers| shown_text(answers.get(&id)))
    };
    let test = format!("q-{id}");

    let control = match question.kind.clone() {
        QuestionKind::Text { max_chars, format } => {
            let (kind, mode, complete) = match format {
                TextFormat::Phone => ("tel", "tel", "tel"),
                TextFormat::PersonName => ("text", "text", "name"),
                TextFormat::IdNumber | TextFormat::InsuranceNumber => ("text", "text", "off"),
                TextFormat::Free => ("text", "text", "on"),
            };
            view! {
                <label for=input_id.clone()>{label}</label>
                {help}
                <input id=input_id.clone() type=kind inputmode=mode autocomplete=complete
                    maxlength=max_chars.to_string() data-test=test
                    aria-invalid=invalid aria-describedby=described
                    prop:value=value
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        set((!text.is_empty()).then_some(Answer::Text(text)));
                    }/>
            }
            .into_any()
        }
        QuestionKind::Year { .. } => view! {
            <label for=input_id.clone()>{label}</label>
            {help}
            <input id=input_id.clone() inputmode="numeric" maxlength="4" autocomplete="bday-year"
                data-test=test aria-invalid=invalid aria-describedby=described
                prop:value=value
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let text = text.trim();
                    // A number the form can check; else the text, which it refuses.
                    set((!text.is_empty()).then(|| {
                        text.parse().map_or_else(|_| Answer::Text(text.to_owned()), Answer::Number)
                    }));
                }/>
        }
        .into_any(),
        QuestionKind::Choice { options, multiple } => {
            let boxes = options
                .into_iter()
                .map(|option| {
                    let (answer_id, option_id) = (id.clone(), option.id.clone());
                    let checked = move || {
                        draft.with(|answers| match answers.get(&answer_id) {
                            Some(Answer::Text(picked)) => *picked == option_id,
                            Some(Answer::Many(picked)) => picked.contains(&option_id),
                            _ => false,
                        })
                    };
                    let (answer_id, option_id) = (id.clone(), option.id.clone());
                    let pick = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        draft.update(|answers| {
                            if !multiple {
                                answers.insert(answer_id.clone(), Answer::Text(option_id.clone()));
                                return;
                            }
                            let mut picked = match answers.remove(&answer_id) {
                                Some(Answer::Many(picked)) => picked,
                                _ => Vec::new(),
                            };
                            picked.retain(|p| *p != option_id);
                            if on {
                                picked.push(option_id.clone());
                            }
                            answers.insert(answer_id.clone(), Answer::Many(picked));
                        });
                    };
                    let text = option.label.clone();
                    view! {
                        <label class="vaora-check">
                            <input type=if multiple { "checkbox" } else { "radio" }
                                name=format!("vaora-q-{}", id) data-test=format!("q-{}-{}", id, option.id)
                                prop:checked=checked on:change=pick/>
                            {move || text.get(ctx.lang.get().tag()).to_owned()}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="vaora-choices" aria-describedby=described aria-invalid=invalid>
                    <legend>{label}</legend>
                    {help}
                    {boxes}
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::YesNo => {
            let radio = move |yes: bool| {
                let answer_id = id.clone();
                let checked = {
                    let answer_id = answer_id.clone();
                    move || {
                        draft.with(|answers| answers.get(&answer_id) == Some(&Answer::Bool(yes)))
                    }
                };
                let set = set.clone();
                view! {
                    <label class="vaora-check">
                        <input type="radio" name=format!("vaora-q-{answer_id}")
                            data-test=format!("q-{answer_id}-{}", if yes { "yes" } else { "no" })
                            prop:checked=checked on:change=move |_| set(Some(Answer::Bool(yes)))/>
                        {ctx.tr(if yes { Msg::Yes } else { Msg::No })}
                    </label>
                }
            };
            view! {
                <fieldset class="vaora-choices" aria-describedby=described aria-invalid=invalid>
                    <legend>{label}</legend>
                    {help}
                    {radio(true)}
                    {radio(false)}
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::Unit => {
            let flagged = Signal::derive(invalid.clone());
            view! {
                <fieldset class="vaora-choices" aria-describedby=described aria-invalid=invalid>
                    <legend>{label}</legend>
                    {help}
                    <UnitPicker id=id.clone() invalid=flagged/>
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::Consent => {
            let answer_id = id.clone();
            view! {
                <label class="vaora-check vaora-consent">
                    <input type="checkbox" id=input_id.clone() data-test=test
                        aria-invalid=invalid aria-describedby=described
                        prop:checked=move || draft.with(|a| a.get(&answer_id) == Some(&Answer::Bool(true)))
                        on:change=move |ev| set(Some(Answer::Bool(event_target_checked(&ev))))/>
                    {label}
                </label>
                {help}
            }
            .into_any()
        }
        QuestionKind::Notice => {
            return view! { <p class="vaora-warning" hidden=move || !shown()>{label}</p> }
                .into_any()
        }
    };
    view! {
        <div class="vaora-question" hidden=move || !shown()>
            {control}
            <p id=error_id class="vaora-field-error">{error}</p>
        </div>
    }
    .into_any()
}

/// The administrative unit: province, then ward, from the server's unit list (`/v1/units`).
/// A server without a unit list gets the unit's code typed instead.
#[component]
fn UnitPicker(id: String, invalid: Signal<String>) -> impl IntoView {
    let ctx = use_ctx();
    let draft = ctx.draft;
    let provinces = RwSignal::new(None::<Vec<Unit>>);
    let wards = RwSignal::new(Vec::<Unit>::new());
    spawn_local(async move {
        let top = api::units(&ctx.options(), None).await;
        provinces.try_set(Some(top.map(|list| list.units).unwrap_or_default()));
    });
    let set = {
        let id = id.clone();
        move |code: Option<String>| {
            draft.update(|answers| match code {
                Some(code) => {
                    answers.insert(id.clone(), Answer::Text(code));
                }
                None => {
                    answers.remove(&id);
                }
            })
        }
    };
    let options = |units: Vec<Unit>| {
        units
            .into_iter()
            .map(|unit| view! { <option value=unit.code>{unit.name}</option> })
            .collect_view()
    };
    let test = format!("q-{id}");
    move || {
        let (set, test) = (set.clone(), test.clone());
        match provinces.get() {
            None => view! { <p class="vaora-hint">{ctx.tr(Msg::FormLoading)}</p> }.into_any(),
            Some(top) if top.is_empty() => {
                let id = id.clone();
                view! {
                    <label for="vaora-unit-code">{ctx.tr(Msg::UnitCode)}</label>
                    <input id="vaora-unit-code" inputmode="numeric" data-test=test.clone()
                        aria-invalid=invalid
                        prop:value=move || draft.with(|a| shown_text(a.get(&id)))
                        on:input=move |ev| {
                            let code = event_target_value(&ev);
                            set((!code.trim().is_empty()).then_some(code));
                        }/>
                }
                .into_any()
            }
            Some(top) => {
                let (pick_province, pick_ward) = (set.clone(), set.clone());
                let on_province = move |ev: leptos::ev::Event| {
                    let code = event_target_value(&ev);
                    pick_province(None);
                    wards.set(Vec::new());
                    if code.is_empty() {
                        return;
                    }
                    let set = pick_province.clone();
                    spawn_local(async move {
                        let below = api::units(&ctx.options(), Some(&code)).await;
                        match below.map(|list| list.units) {
                            // A unit without units below it is the answer itself.
                            Ok(units) if units.is_empty() => set(Some(code)),
                            Ok(units) => {
                                wards.try_set(units);
                            }
                            Err(_) => ctx.announce(Msg::ErrNetwork),
                        }
                    });
                };
                view! {
                    <label for="vaora-unit-province">{ctx.tr(Msg::UnitProvince)}</label>
                    <select id="vaora-unit-province" data-test=format!("{test}-province")
                        aria-invalid=invalid on:change=on_province>
                        <option value="">{ctx.tr(Msg::UnitChoose)}</option>
                        {options(top)}
                    </select>
                    {move || {
                        let pick_ward = pick_ward.clone();
                        let below = wards.get();
                        (!below.is_empty()).then(|| view! {
                            <label for="vaora-unit-ward">{ctx.tr(Msg::UnitWard)}</label>
                            <select id="vaora-unit-ward" data-test=format!("{test}-ward")
                                on:change=move |ev| {
                                    let code = event_target_value(&ev);
                                    pick_ward((!code.is_empty()).then_some(code));
                                }>
                                <option value="">{ctx.tr(Msg::UnitChoose)}</option>
                                {options(below)}
                            </select>
                        })
                    }}
                }
                .into_any()
            }
        }
    }
}

async fn submit(
    ctx: Ctx,
    request: CheckInRequest,
    errors: RwSignal<Vec<AnswerError>>,
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
