//! The declaration and check-in: who is checking in (the visitor and the dependants they
//! added), then for each of them one tap if nothing changed since their last declaration
//! ("Nothing changed since 12/8? [Confirm] [Update]"), only the new questions if the authority
//! changed the form, or the whole form the first time. The form is drawn from the backend's
//! versioned question set in the visitor's language and validated in Rust with translated
//! messages. Each check-in is stored on the device with its id before anything is sent (the
//! outbox delivers it), so a lost network or a closed tab loses nothing.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use uuid::Uuid;
use vaora_citizen::people::{Person, Relation};
use vaora_citizen::revisit::{carried_answers, in_scope, what_to_ask, Ask};
use vaora_citizen::visits::Visit;
use vaora_protocol::api::CheckInRequest;

use vaora_protocol::api::Unit;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::{
    Answer, AnswerError, DeclarationForm, Question, QuestionKind, TextFormat,
};
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::api;
use crate::device::now;
use crate::guest::{self, use_ctx, Ctx};
use crate::i18n::{problem, Later, Msg};
use crate::lazy::ChunkUnavailable;
use crate::shell::{Screen, Shell};
use crate::venue::VenueCheck;

/// [`DeclarePage`] mounted into `parent`, from the `checkin` chunk (the form, its validation,
/// the device's storage); `declare_page_chunk` fetches it ([`Shell::go`]).
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

/// The page: fetches the form (once per widget) and the device's people, then runs the flow.
#[component]
pub fn DeclarePage(check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<Msg>);
    let people = RwSignal::new(None::<Vec<Person>>);
    spawn_local(async move {
        let device = ctx.device().await;
        people.try_set(Some(device.with(|known| known.people.all().to_vec())));
    });
    let load = move || load_form(ctx, problem);
    load();
    move || {
        match (ctx.form.get(), people.get()) {
        (Some(form), Some(people)) => {
            view! { <Flow form=form people=people check=check.clone()/> }.into_any()
        }
        _ => view! {
            <section class="vaora-card vaora-declare">
                <h2 class="vaora-subtitle">{ctx.tr(Later::DeclareTitle)}</h2>
                {move || match problem.get() {
                    Some(msg) => view! {
                        <p class="vaora-alert" role="alert" data-test="form-unavailable">{ctx.tr(msg)}</p>
                        <button type="button" class="vaora-secondary" on:click=move |_| load()>
                            {ctx.tr(Later::RetryButton)}
                        </button>
                    }.into_any(),
                    None => view! { <p class="vaora-hint">{ctx.tr(Later::FormLoading)}</p> }.into_any(),
                }}
            </section>
        }
        .into_any(),
    }
    }
}

/// Fetches the declaration form into [`Ctx::form`] unless it is there already; `problem` says
/// why it could not be fetched.
pub(crate) fn load_form(ctx: Ctx, problem: RwSignal<Option<Msg>>) {
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
}

/// Where the flow is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Choosing who is checking in (only when the device knows more than one person).
    Who,
    /// Declaring for the `n`-th person chosen.
    Person(usize),
}

/// How the current person is asked.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// "Nothing changed since …?"
    Confirm,
    /// The form: every question (`None`) or only these and their follow-ups.
    Form(Option<Vec<String>>),
}

/// Shared state of one run of the flow.
#[derive(Clone, Copy)]
struct FlowState {
    form: StoredValue<Arc<DeclarationForm>>,
    check: StoredValue<VenueCheck>,
    people: RwSignal<Vec<Person>>,
    /// Who is checking in, and the check-in id fixed for each (a double tap or a retry
    /// reuses it, so it is stored once).
    chosen: RwSignal<Vec<(Uuid, Uuid)>>,
    step: RwSignal<Step>,
    mode: RwSignal<Mode>,
    /// The form version the current person answered last, when it differs from the current.
    earlier: RwSignal<Option<Arc<DeclarationForm>>>,
    errors: RwSignal<Vec<AnswerError>>,
    failure: RwSignal<Option<Later>>,
    sending: RwSignal<bool>,
}

/// Who is checking in, then each of them in turn.
#[component]
fn Flow(form: Arc<DeclarationForm>, people: Vec<Person>, check: VenueCheck) -> impl IntoView {
    let ctx = use_ctx();
    let mut people = people;
    if !people.iter().any(|p| p.relation == Relation::Me) {
        people.insert(0, Person::new(Uuid::new_v4(), Relation::Me));
    }
    let me = people[0].id;
    let several = people.len() > 1;
    let state = FlowState {
        form: StoredValue::new(form),
        check: StoredValue::new(check),
        people: RwSignal::new(people),
        chosen: RwSignal::new(vec![(me, Uuid::new_v4())]),
        step: RwSignal::new(if several { Step::Who } else { Step::Person(0) }),
        mode: RwSignal::new(Mode::Form(None)),
        earlier: RwSignal::new(None),
        errors: RwSignal::new(Vec::new()),
        failure: RwSignal::new(None),
        sending: RwSignal::new(false),
    };
    if !several {
        state.begin(ctx, 0);
    }
    move || match state.step.get() {
        Step::Who => view! { <Who state=state/> }.into_any(),
        Step::Person(_) => match state.mode.get() {
            Mode::Confirm => view! { <Revisit state=state/> }.into_any(),
            Mode::Form(only) => view! { <Questions state=state only=only/> }.into_any(),
        },
    }
}

impl FlowState {
    /// The person of step `n`.
    fn person(&self, n: usize) -> Option<Person> {
        let (id, _) = self.chosen.with_untracked(|c| c.get(n).copied())?;
        self.people
            .with_untracked(|people| people.iter().find(|p| p.id == id).cloned())
    }

    /// Starts the `n`-th person's declaration: decides what to ask, pre-fills the answers.
    fn begin(&self, ctx: Ctx, n: usize) {
        let Some(person) = self.person(n) else {
            return;
        };
        let form = self.form.get_value();
        let earlier = self.earlier.get_untracked();
        let ask = what_to_ask(
            &form,
            person.declaration.as_ref(),
            earlier.as_deref(),
            current_year(),
        );
        let answers = person
            .declaration
            .as_ref()
            .map(|last| carried_answers(&form, last))
            .unwrap_or_default();
        ctx.draft.set(answers);
        self.errors.set(Vec::new());
        self.failure.set(None);
        self.mode.set(match ask {
            Ask::Confirm => Mode::Confirm,
            Ask::Only(ids) => Mode::Form(Some(ids)),
            Ask::Everything => Mode::Form(None),
        });
        self.step.set(Step::Person(n));
        // Answered an older form than the one served: fetch it once to ask only what is new.
        if let Some(version) = person
            .declaration
            .as_ref()
            .map(|d| d.form_version)
            .filter(|v| *v != form.version && earlier.as_ref().is_none_or(|e| e.version != *v))
        {
            let state = *self;
            spawn_local(async move {
                if let Ok(old) = api::declaration_form_version(&ctx.options(), version).await {
                    state.earlier.try_set(Some(Arc::new(old)));
                    if state.step.get_untracked() == Step::Person(n) {
                        state.begin(ctx, n);
                    }
                }
            });
        }
    }

    /// Validates the current person's answers (the stored ones and what was typed), stores
    /// the check-in on the device, and goes on to the next person or the confirmation.
    fn submit(&self, ctx: Ctx) {
        let Step::Person(n) = self.step.get_untracked() else {
            return;
        };
        if self.sending.get_untracked() {
            return;
        }
        let (Some(mut person), Some((_, checkin_id))) = (
            self.person(n),
            self.chosen.with_untracked(|c| c.get(n).copied()),
        ) else {
            return;
        };
        let form = self.form.get_value();
        let accepted = match form.validate(&ctx.draft.get_untracked(), current_year()) {
            Ok(accepted) => accepted,
            Err(found) => {
                // A problem outside the questions shown: show them all.
                let hidden = match self.mode.get_untracked() {
                    Mode::Form(Some(only)) => found.iter().any(|e| {
                        form.question(&e.question)
                            .is_some_and(|q| !in_scope(&form, &only, q))
                    }),
                    Mode::Confirm => true,
                    Mode::Form(None) => false,
                };
                if hidden {
                    self.mode.set(Mode::Form(None));
                }
                self.errors.set(found);
                self.failure.set(Some(Later::FixErrors));
                focus_first_invalid(ctx);
                return;
            }
        };
        let Ok(claims) = self.check.with_value(|c| c.verdict.clone()) else {
            return;
        };
        self.errors.set(Vec::new());
        self.sending.set(true);
        let now = now();
        let declaration = Declaration {
            form_version: form.version,
            answers: accepted,
        };
        person.declared(declaration.clone(), now);
        let request = CheckInRequest {
            id: checkin_id,
            venue_code: self.check.with_value(|c| c.payload.clone()),
            declaration,
            client_time: Some(now),
        };
        let Ok(body) = serde_json::to_string(&request) else {
            self.sending.set(false);
            return;
        };
        let checked_in = crate::events::CheckinDetail {
            checkin_ids: vec![checkin_id.to_string()],
            venue_id: claims.venue_id,
            venue_name: claims.name.clone(),
            by_staff: false,
        };
        let visit = Visit {
            checkin_id,
            person_id: person.id,
            person_name: person.name().unwrap_or_default().to_owned(),
            venue_id: claims.venue_id,
            venue_name: claims.name,
            endpoint: ctx.options().endpoint,
            checked_in_at: now,
            stay_minutes: None,
            checkout: None,
        };
        let state = *self;
        spawn_local(async move {
            let device = ctx.device().await;
            device.check_in(person.clone(), visit, body).await;
            ctx.emit("vaora:checkin", &checked_in);
            state.people.try_update(|people| {
                if let Some(p) = people.iter_mut().find(|p| p.id == person.id) {
                    *p = person;
                }
            });
            state.sending.try_set(false);
            let total = state.chosen.with_untracked(Vec::len);
            if n + 1 < total {
                state.begin(ctx, n + 1);
            } else {
                let ids = state
                    .chosen
                    .with_untracked(|c| c.iter().map(|(_, id)| *id).collect());
                ctx.announce(Later::DoneTitle);
                ctx.go(Screen::Done(ids));
            }
        });
    }

    /// Adds a new person (a child, a parent) and chooses them.
    fn add_person(&self) {
        let person = Person::new(Uuid::new_v4(), Relation::Dependant);
        let id = person.id;
        self.people.update(|people| people.push(person));
        self.chosen
            .update(|chosen| chosen.push((id, Uuid::new_v4())));
    }
}

/// How a person is called on screen: their declared name, else "You" or "New person".
fn display_name(ctx: Ctx, person: &Person) -> String {
    match person.name() {
        Some(name) => name.to_owned(),
        None if person.relation == Relation::Me => ctx.t(Later::You).to_owned(),
        None => ctx.t(Later::NewPerson).to_owned(),
    }
}

/// "Who is checking in?"
#[component]
fn Who(state: FlowState) -> impl IntoView {
    let ctx = use_ctx();
    let rows = move || {
        state
            .people
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, person)| {
                let id = person.id;
                let name = display_name(ctx, &person);
                let checked = move || state.chosen.with(|c| c.iter().any(|(p, _)| *p == id));
                let toggle = move |ev: leptos::ev::Event| {
                    let on = event_target_checked(&ev);
                    state.chosen.update(|chosen| {
                        chosen.retain(|(p, _)| *p != id);
                        if on {
                            chosen.push((id, Uuid::new_v4()));
                        }
                    });
                };
                view! {
                    <label class="vaora-check">
                        <input type="checkbox" data-test=format!("who-{index}")
                            prop:checked=checked on:change=toggle/>
                        {name}
                    </label>
                }
            })
            .collect_view()
    };
    let go_on = move |_| {
        // In the order people are listed, the owner first.
        let order: Vec<Uuid> = state
            .people
            .with_untracked(|p| p.iter().map(|p| p.id).collect());
        state.chosen.update(|chosen| {
            chosen.sort_by_key(|(id, _)| order.iter().position(|o| o == id));
        });
        if state.chosen.with_untracked(Vec::is_empty) {
            state.failure.set(Some(Later::ChooseSomeone));
            return;
        }
        state.begin(ctx, 0);
    };
    view! {
        <section class="vaora-card vaora-declare" data-test="who">
            <fieldset class="vaora-choices">
                <legend class="vaora-subtitle">{ctx.tr(Later::WhoIsCheckingIn)}</legend>
                {rows}
            </fieldset>
            {move || state.failure.get().map(|msg| view! {
                <p class="vaora-alert" role="alert">{ctx.tr(msg)}</p>
            })}
            <button type="button" class="vaora-secondary" data-test="add-person"
                on:click=move |_| state.add_person()>
                {ctx.tr(Later::AddPerson)}
            </button>
            <button type="button" class="vaora-primary" data-test="who-continue" on:click=go_on>
                {ctx.tr(Later::Continue)}
            </button>
        </section>
    }
}

/// "Nothing changed since …? [Confirm] [Update]": one tap for a returning visitor.
#[component]
fn Revisit(state: FlowState) -> impl IntoView {
    let ctx = use_ctx();
    let person = move || match state.step.get() {
        Step::Person(n) => state.person(n),
        Step::Who => None,
    };
    let name = move || person().map(|p| display_name(ctx, &p)).unwrap_or_default();
    let since = move || {
        person()
            .and_then(|p| p.declared_at)
            .map(|at| local_date(at, ctx.lang.get().tag()))
            .unwrap_or_default()
    };
    let alone = move || state.chosen.with(Vec::len) == 1 && state.people.with(Vec::len) == 1;
    let venue = state.check.with_value(|c| {
        c.verdict
            .as_ref()
            .map(|v| v.name.clone())
            .unwrap_or_default()
    });
    view! {
        <section class="vaora-card vaora-declare" data-test="revisit">
            <h2 class="vaora-subtitle">{name}</h2>
            <p class="vaora-venue-line">{venue}</p>
            <p class="vaora-question-line" data-test="revisit-question">
                {ctx.tr(Later::NothingChangedSince)} " " {since} "?"
            </p>
            {move || state.failure.get().map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="form-error">{ctx.tr(msg)}</p>
            })}
            <button type="button" class="vaora-primary" data-test="confirm"
                prop:disabled=move || state.sending.get()
                on:click=move |_| state.submit(ctx)>
                {ctx.tr(Later::ConfirmCheckIn)}
            </button>
            <button type="button" class="vaora-secondary" data-test="update"
                on:click=move |_| state.mode.set(Mode::Form(None))>
                {ctx.tr(Later::UpdateAnswers)}
            </button>
            <Show when=alone>
                <button type="button" class="vaora-secondary" data-test="add-person"
                    on:click=move |_| {
                        state.add_person();
                        state.failure.set(None);
                        state.step.set(Step::Who);
                    }>
                    {ctx.tr(Later::AddPerson)}
                </button>
            </Show>
        </section>
    }
}

/// The form's questions (all, or only those asked again) and the submit button.
#[component]
fn Questions(state: FlowState, only: Option<Vec<String>>) -> impl IntoView {
    let ctx = use_ctx();
    let form = state.form.get_value();
    let errors = state.errors;
    let venue_name = state.check.with_value(|c| {
        c.verdict
            .as_ref()
            .map(|v| v.name.clone())
            .unwrap_or_default()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.failure.set(None);
        state.submit(ctx);
    };
    let who = move || {
        let several = state.chosen.with(Vec::len) > 1;
        match state.step.get() {
            Step::Person(n) if several => state.person(n).map(|p| display_name(ctx, &p)),
            _ => None,
        }
    };
    let partial = only.is_some();
    let questions = form
        .questions
        .iter()
        .filter(|q| only.as_ref().is_none_or(|only| in_scope(&form, only, q)))
        .map(|question| question_view(&form, question.clone(), errors))
        .collect_view();
    view! {
        <form class="vaora-card vaora-declare" on:submit=on_submit novalidate data-test="declaration">
            <h2 class="vaora-subtitle">{ctx.tr(Later::DeclareTitle)}</h2>
            {move || who().map(|name| view! { <p class="vaora-person" data-test="declaring-for">{name}</p> })}
            <p class="vaora-venue-line">{venue_name}</p>
            {partial.then(|| view! {
                <p class="vaora-hint" data-test="only-new">{ctx.tr(Later::OnlyNewQuestions)}</p>
            })}
            {questions}
            {move || state.failure.get().map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="form-error">{ctx.tr(msg)}</p>
            })}
            <button type="submit" class="vaora-primary" data-test="submit" prop:disabled=move || state.sending.get()>
                {move || ctx.t(if state.sending.get() { Later::Submitting } else { Later::SubmitCheckIn })}
            </button>
        </form>
    }
}

/// A date (no time) in the visitor's language.
fn local_date(unix_ms: i64, lang: &str) -> String {
    crate::js::local_date(unix_ms, "toLocaleDateString", lang)
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
pub(crate) fn question_view(
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
            // No length limit on an ID number: a barcode scanner typing a whole personal code
            // into it must not be cut off (staff's paper entry reads it; the form refuses it).
            let max_chars = (format != TextFormat::IdNumber).then(|| max_chars.to_string());
            view! {
                <label for=input_id.clone()>{label}</label>
                {help}
                <input id=input_id.clone() type=kind inputmode=mode autocomplete=complete
                    maxlength=max_chars data-test=test
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
                        {ctx.tr(if yes { Later::Yes } else { Later::No })}
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
            None => view! { <p class="vaora-hint">{ctx.tr(Later::FormLoading)}</p> }.into_any(),
            Some(top) if top.is_empty() => {
                let id = id.clone();
                view! {
                    <label for="vaora-unit-code">{ctx.tr(Later::UnitCode)}</label>
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
                    <label for="vaora-unit-province">{ctx.tr(Later::UnitProvince)}</label>
                    <select id="vaora-unit-province" data-test=format!("{test}-province")
                        aria-invalid=invalid on:change=on_province>
                        <option value="">{ctx.tr(Later::UnitChoose)}</option>
                        {options(top)}
                    </select>
                    {move || {
                        let pick_ward = pick_ward.clone();
                        let below = wards.get();
                        (!below.is_empty()).then(|| view! {
                            <label for="vaora-unit-ward">{ctx.tr(Later::UnitWard)}</label>
                            <select id="vaora-unit-ward" data-test=format!("{test}-ward")
                                on:change=move |ev| {
                                    let code = event_target_value(&ev);
                                    pick_ward((!code.is_empty()).then_some(code));
                                }>
                                <option value="">{ctx.tr(Later::UnitChoose)}</option>
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

pub(crate) fn current_year() -> u16 {
    js_sys::Date::new_0().get_full_year() as u16
}

/// Moves the focus to the first answer marked invalid. (The attribute updates in the same
/// tick; if not there yet the error summary still shows.)
pub(crate) fn focus_first_invalid(ctx: Ctx) {
    ctx.focus_first(".vaora-declare [aria-invalid=\"true\"]");
}
