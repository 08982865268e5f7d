//! "My QR": the visitor's personal code in the national v1.1 format, for venue staff to scan.
//! What the declaration lacks (the ID number, the full birth date; the name if nothing was
//! declared) is asked first, and kept only in memory. On screen the code is shown large,
//! black on white whatever the theme, with only its masked text under it. Someone who has
//! declared can show Vaora's own code instead, which carries their declaration, so a kiosk
//! checks them in with nothing to fill in again.

use std::any::Any;
use std::rc::Rc;

use leptos::html::H2;
use leptos::prelude::*;
use qrcode::{Color, QrCode};
use vaora_protocol::declaration::Declaration;
use vaora_protocol::declaration::Problem;
use vaora_protocol::form::Answers;
use vaora_protocol::personal_code::{
    vaora_personal_code, CalendarDate, Declarant, DeclaredPerson, Extras, PersonalCode,
    PersonalCodeError,
};
use vaora_protocol::staff::MaskedPerson;
use wasm_split_helpers::wasm_split;
use web_sys::HtmlElement;

use crate::guest::{self, use_ctx, Ctx};
use crate::i18n::{problem, Later, Translate};
use crate::lazy::ChunkUnavailable;
use crate::shell::{Screen, Shell};
use vaora_citizen::people::{Person, Relation};

/// Light modules around the code, as the QR standard requires for reliable scanning.
const QUIET_ZONE: usize = 4;

/// [`MyQrPage`] mounted into `parent`, from its own `myqr` chunk (with the QR encoder);
/// `my_qr_page_chunk` fetches it ([`Shell::go`]).
#[wasm_split(myqr, fallible, preload(my_qr_page_chunk))]
pub fn my_qr_page(shell: Rc<Shell>, parent: HtmlElement) -> Result<Box<dyn Any>, ChunkUnavailable> {
    Ok(guest::mount(&shell, parent, || view! { <MyQrPage/> }))
}

/// The code of a person kept on this device (the visitor first; a dependant's code says it
/// was declared by someone else), from their last declaration.
#[component]
fn MyQrPage() -> impl IntoView {
    let ctx = use_ctx();
    let all = RwSignal::new(None::<Vec<Person>>);
    leptos::task::spawn_local(async move {
        let device = ctx.device().await;
        all.try_set(Some(device.with(|known| known.people.all().to_vec())));
    });
    let chosen = RwSignal::new(0usize);
    // Which code: the national format, or Vaora's with the declaration.
    let vaora = RwSignal::new(false);
    move || {
        let people = all.get()?;
        let picker = (people.len() > 1).then(|| {
            people
                .iter()
                .enumerate()
                .map(|(index, person)| {
                    let name = person.name().unwrap_or_default().to_owned();
                    view! {
                        <button type="button" class="vaora-secondary" data-test=format!("qr-person-{index}")
                            aria-pressed=move || (chosen.get() == index).to_string()
                            on:click=move |_| chosen.set(index)>
                            {name}
                        </button>
                    }
                })
                .collect_view()
        });
        let declared = move || {
            all.with(|all| {
                let person = all.as_ref()?.get(chosen.get())?;
                person.declaration.clone()
            })
        };
        let format_button = move |label: Later, test: &'static str, choice: bool| {
            view! {
                <button type="button" class="vaora-secondary" data-test=test
                    aria-pressed=move || (vaora.get() == choice).to_string()
                    on:click=move |_| vaora.set(choice)>
                    {ctx.tr(label)}
                </button>
            }
        };
        let formats = move || {
            declared().is_some().then(|| view! {
                <div class="vaora-people" role="group" aria-label=ctx.tr(Later::MyQrFormatLabel)>
                    {format_button(Later::MyQrNational, "my-qr-national", false)}
                    {format_button(Later::MyQrVaora, "my-qr-vaora", true)}
                </div>
            })
        };
        let code = move || {
            if let Some(declaration) = declared().filter(|_| vaora.get()) {
                return view! { <VaoraCode declaration=declaration/> }.into_any();
            }
            let person = people.get(chosen.get()).cloned();
            let dependant = person
                .as_ref()
                .is_some_and(|p| p.relation == Relation::Dependant);
            // Nobody declared yet: what is typed in this widget, else the form asks for it all.
            let answers = person
                .and_then(|p| p.declaration)
                .map(|d| d.answers)
                .unwrap_or_else(|| ctx.draft.get_untracked());
            view! { <MyQr answers=answers dependant=dependant/> }.into_any()
        };
        Some(view! {
            {picker.map(|buttons| view! { <div class="vaora-people" role="group">{buttons}</div> })}
            {formats}
            {code}
        })
    }
}

/// A field of the form asking what the declaration lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Name,
    IdNumber,
    BirthDate,
}

/// What is wrong with a field: one of the declaration's problems, or a date that does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldError {
    Declared(Problem),
    NoSuchDate,
}

impl Translate for FieldError {
    fn texts(self) -> (&'static str, &'static str) {
        match self {
            FieldError::Declared(found) => problem(found).texts(),
            FieldError::NoSuchDate => Later::MyQrBadDate.texts(),
        }
    }
}

/// What the visitor typed into that form.
#[derive(Clone, Debug, Default)]
struct Typed {
    name: String,
    id_number: String,
    day: String,
    month: String,
    year: String,
}

/// The personal code of the person `answers` describe (`dependant`: declared by the visitor
/// for someone else): asks for what is missing, then shows it.
#[component]
pub fn MyQr(answers: Answers, dependant: bool) -> impl IntoView {
    let ctx = use_ctx();
    let person = DeclaredPerson::from_answers(&answers);
    let (ask_name, ask_id) = (person.full_name.is_none(), person.id_number.is_none());
    let typed = RwSignal::new(Typed {
        name: person.full_name.clone().unwrap_or_default(),
        id_number: person.id_number.clone().unwrap_or_default(),
        year: person.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        ..Typed::default()
    });
    let errors = RwSignal::new(Vec::<(Field, FieldError)>::new());
    let code = RwSignal::new(None::<PersonalCode>);
    let declarant = if dependant {
        Declarant::Other
    } else {
        Declarant::Holder
    };
    let extras = person.extras();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match typed.with_untracked(|typed| personal_code(typed, declarant, extras.clone())) {
            Ok(made) => {
                errors.set(Vec::new());
                code.set(Some(made));
            }
            Err(found) => {
                errors.set(found);
                focus_first_invalid(ctx);
            }
        }
    };
    let error = move |field: Field| {
        move || {
            errors.with(|found| {
                found
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, msg)| ctx.t(*msg))
            })
        }
    };
    let invalid = move |field: Field| {
        move || {
            errors
                .with(|found| found.iter().any(|(f, _)| *f == field))
                .to_string()
        }
    };
    let input = move |id: &'static str,
                      test: &'static str,
                      field: Field,
                      numeric: bool,
                      max: usize,
                      get: fn(&Typed) -> &String,
                      set: fn(&mut Typed, String)| {
        view! {
            <input id=id data-test=test inputmode=if numeric { "numeric" } else { "text" }
                autocomplete="off" maxlength=max.to_string()
                aria-invalid=invalid(field)
                aria-describedby=error_id(id, field)
                prop:value=move || typed.with(|t| get(t).clone())
                on:input=move |ev| typed.update(|t| set(t, event_target_value(&ev)))/>
        }
    };
    let text_field = move |field: Field,
                           id: &'static str,
                           test: &'static str,
                           label: Later,
                           max: usize,
                           get: fn(&Typed) -> &String,
                           set: fn(&mut Typed, String)| {
        view! {
            <div class="vaora-question">
                <label for=id>{ctx.tr(label)}</label>
                {input(id, test, field, field == Field::IdNumber, max, get, set)}
                <p id=error_id(id, field) class="vaora-field-error">{error(field)}</p>
            </div>
        }
    };
    let form = move || {
        view! {
            <form class="vaora-card vaora-declare vaora-myqr" novalidate on:submit=on_submit.clone()
                data-test="my-qr-form">
                <h2 class="vaora-subtitle">{ctx.tr(Later::MyQrTitle)}</h2>
                <p class="vaora-hint">{ctx.tr(Later::MyQrMissing)}</p>
                {ask_name.then(|| text_field(Field::Name, "vaora-myqr-name", "my-qr-name",
                    Later::MyQrName, 100, |t| &t.name, |t, v| t.name = v))}
                {ask_id.then(|| text_field(Field::IdNumber, "vaora-myqr-id", "my-qr-id",
                    Later::MyQrIdNumber, 12, |t| &t.id_number, |t, v| t.id_number = v))}
                <fieldset class="vaora-choices" aria-describedby=BIRTH_ERROR_ID
                    aria-invalid=invalid(Field::BirthDate)>
                    <legend>{ctx.tr(Later::MyQrBirthDate)}</legend>
                    <div class="vaora-date">
                        <label>{ctx.tr(Later::MyQrDay)}
                            {input("vaora-myqr-day", "my-qr-day", Field::BirthDate, true, 2,
                                |t| &t.day, |t, v| t.day = v)}
                        </label>
                        <label>{ctx.tr(Later::MyQrMonth)}
                            {input("vaora-myqr-month", "my-qr-month", Field::BirthDate, true, 2,
                                |t| &t.month, |t, v| t.month = v)}
                        </label>
                        <label>{ctx.tr(Later::MyQrYear)}
                            {input("vaora-myqr-year", "my-qr-year", Field::BirthDate, true, 4,
                                |t| &t.year, |t, v| t.year = v)}
                        </label>
                    </div>
                    <p id=BIRTH_ERROR_ID class="vaora-field-error">
                        {error(Field::BirthDate)}
                    </p>
                </fieldset>
                <button type="submit" class="vaora-primary" data-test="my-qr-show">
                    {ctx.tr(Later::MyQrShow)}
                </button>
                <button type="button" class="vaora-secondary"
                    on:click=move |_| ctx.go(Screen::Home { notice: None })>
                    {ctx.tr(Later::MyQrBack)}
                </button>
            </form>
        }
    };
    move || match code.get() {
        Some(made) => view! { <ShownCode code=made on_edit=move || code.set(None)/> }.into_any(),
        None => form().into_any(),
    }
}

/// Where the birth date's error is said (one for its three inputs).
const BIRTH_ERROR_ID: &str = "vaora-myqr-birth-error";

/// The id of the element saying what is wrong with the input `id`, of `field`.
fn error_id(id: &str, field: Field) -> String {
    match field {
        Field::BirthDate => BIRTH_ERROR_ID.to_owned(),
        _ => format!("{id}-error"),
    }
}

/// The code itself, its masked text and the way back.
#[component]
fn ShownCode(code: PersonalCode, on_edit: impl Fn() + Copy + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let heading = NodeRef::<H2>::new();
    // Focus the result so screen readers announce it.
    heading.on_load(|h| {
        let _ = h.focus();
    });
    let masked = code.masked();
    view! {
        <section class="vaora-card vaora-myqr" data-test="my-qr">
            <h2 node_ref=heading tabindex="-1" class="vaora-subtitle">{ctx.tr(Later::MyQrTitle)}</h2>
            {code_drawing(&code.to_payload())}
            <dl class="vaora-myqr-facts" data-test="my-qr-masked">
                <dt>{ctx.tr(Later::MyQrName)}</dt>
                <dd>{masked.name}</dd>
                <dt>{ctx.tr(Later::MyQrIdNumber)}</dt>
                <dd>{masked.id_number}</dd>
                <dt>{ctx.tr(Later::MyQrBirthDate)}</dt>
                <dd>{masked.birth_date}</dd>
            </dl>
            <p class="vaora-hint">{ctx.tr(Later::MyQrBrightness)}</p>
            <button type="button" class="vaora-secondary" data-test="my-qr-edit"
                on:click=move |_| on_edit()>
                {ctx.tr(Later::MyQrEdit)}
            </button>
            <button type="button" class="vaora-secondary"
                on:click=move |_| ctx.go(Screen::Home { notice: None })>
                {ctx.tr(Later::MyQrBack)}
            </button>
        </section>
    }
}

/// Vaora's own code, carrying `declaration`, with the masked name and ID number under it.
#[component]
fn VaoraCode(declaration: Declaration) -> impl IntoView {
    let ctx = use_ctx();
    let masked = MaskedPerson::of_answers(&declaration.answers);
    view! {
        <section class="vaora-card vaora-myqr" data-test="my-qr-vaora-code">
            <h2 class="vaora-subtitle">{ctx.tr(Later::MyQrVaora)}</h2>
            {code_drawing(&vaora_personal_code(&declaration))}
            <dl class="vaora-myqr-facts" data-test="my-qr-masked">
                <dt>{ctx.tr(Later::MyQrName)}</dt>
                <dd>{masked.name}</dd>
                {masked.id_number.map(|id| view! {
                    <dt>{ctx.tr(Later::MyQrIdNumber)}</dt>
                    <dd>{id}</dd>
                })}
            </dl>
            <p class="vaora-hint">{ctx.tr(Later::MyQrVaoraHint)}</p>
            <p class="vaora-hint">{ctx.tr(Later::MyQrBrightness)}</p>
            <button type="button" class="vaora-secondary"
                on:click=move |_| ctx.go(Screen::Home { notice: None })>
                {ctx.tr(Later::MyQrBack)}
            </button>
        </section>
    }
}

/// The QR drawing of `payload`, black on white, large, labelled for screen readers.
fn code_drawing(payload: &str) -> impl IntoView {
    let ctx = use_ctx();
    let drawing = qr_svg(payload);
    view! {
        <div class="vaora-myqr-code" data-test="my-qr-code" role="img"
            aria-label=ctx.tr(Later::MyQrCodeLabel)>
            {drawing.map(|(side, path)| view! {
                <svg viewBox=format!("0 0 {side} {side}") width="100%"
                    shape-rendering="crispEdges" aria-hidden="true">
                    <rect width=side.to_string() height=side.to_string() fill="#fff"/>
                    <path d=path fill="#000"/>
                </svg>
            })}
        </div>
    }
}

/// Moves focus to the first field marked invalid, so its error is read out.
fn focus_first_invalid(ctx: Ctx) {
    ctx.focus_first(".vaora-myqr input[aria-invalid=\"true\"]");
}

/// The code for what was typed and what the declaration gave, or every field's problem.
fn personal_code(
    typed: &Typed,
    declarant: Declarant,
    extras: Extras,
) -> Result<PersonalCode, Vec<(Field, FieldError)>> {
    let mut found = Vec::new();
    let name = typed.name.trim();
    if name.is_empty() {
        found.push((Field::Name, FieldError::Declared(Problem::Required)));
    }
    let id_number = typed.id_number.trim();
    if id_number.is_empty() {
        found.push((Field::IdNumber, FieldError::Declared(Problem::Required)));
    }
    let parts = [&typed.day, &typed.month, &typed.year].map(|part| part.trim());
    let birth_date = if parts.iter().any(|part| part.is_empty()) {
        found.push((Field::BirthDate, FieldError::Declared(Problem::Required)));
        None
    } else {
        let date = match parts.map(|part| part.parse::<u16>().ok()) {
            [Some(day), Some(month), Some(year)] => u8::try_from(month)
                .ok()
                .zip(u8::try_from(day).ok())
                .and_then(|(month, day)| CalendarDate::new(year, month, day)),
            _ => None,
        };
        if date.is_none() {
            found.push((Field::BirthDate, FieldError::NoSuchDate));
        }
        date
    };
    let Some(birth_date) = birth_date.filter(|_| found.is_empty()) else {
        return Err(found);
    };
    PersonalCode::new(id_number, name, birth_date, declarant)
        .and_then(|code| code.with_extras(extras))
        .map_err(|err| {
            vec![match err {
                PersonalCodeError::Name => (
                    Field::Name,
                    FieldError::Declared(Problem::InvalidCharacters),
                ),
                PersonalCodeError::BirthDate => (Field::BirthDate, FieldError::NoSuchDate),
                _ => (
                    Field::IdNumber,
                    FieldError::Declared(Problem::InvalidFormat),
                ),
            }]
        })
}

/// The code for `payload` as an SVG path of its dark modules (one unit per module), offset by
/// the quiet zone, and the side of the whole drawing; `None` if it does not fit in a QR code.
fn qr_svg(payload: &str) -> Option<(usize, String)> {
    let code = QrCode::new(payload.as_bytes()).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (index, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (index % width + QUIET_ZONE, index / width + QUIET_ZONE);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 2 * QUIET_ZONE, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(name: &str, id: &str, day: &str, month: &str, year: &str) -> Typed {
        Typed {
            name: name.into(),
            id_number: id.into(),
            day: day.into(),
            month: month.into(),
            year: year.into(),
        }
    }

    #[test]
    fn typed_details_make_the_v1_1_code_with_the_declared_extras() {
        let extras = Extras {
            gender: "NU".into(),
            phone: "0912345678".into(),
            ..Extras::default()
        };
        let code = personal_code(
            &typed("Nguyễn Thị Ánh", " 001190012345 ", "7", "05", "1990"),
            Declarant::Holder,
            extras,
        )
        .expect("valid");
        assert_eq!(
            code.to_payload(),
            "001190012345|NGUYEN THI ANH|1990-05-07|0||<NU<<0912345678"
        );
    }

    #[test]
    fn every_missing_or_wrong_field_is_named() {
        let found = personal_code(
            &typed("", "", "", "5", "1990"),
            Declarant::Holder,
            Extras::default(),
        )
        .expect_err("nothing typed");
        let fields: Vec<Field> = found.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, [Field::Name, Field::IdNumber, Field::BirthDate]);
        let wrong_date = typed("An", "012345678", "30", "2", "2023");
        assert_eq!(
            personal_code(&wrong_date, Declarant::Other, Extras::default()).map_err(|f| f[0]),
            Err((Field::BirthDate, FieldError::NoSuchDate))
        );
        let wrong_id = typed("An", "01234A678", "1", "2", "2003");
        assert_eq!(
            personal_code(&wrong_id, Declarant::Other, Extras::default()).map_err(|f| f[0].0),
            Err(Field::IdNumber)
        );
    }

    #[test]
    fn the_drawing_has_a_quiet_zone_and_one_square_per_dark_module() {
        let payload = "001190012345|NGUYEN THI ANH|1990-05-07|0||";
        let (side, path) = qr_svg(payload).expect("fits");
        let code = QrCode::new(payload).expect("fits");
        assert_eq!(side, code.width() + 8);
        let dark = code
            .to_colors()
            .iter()
            .filter(|&&c| c == Color::Dark)
            .count();
        assert_eq!(path.matches('M').count(), dark);
        // The top-left finder pattern starts right after the quiet zone.
        assert!(path.starts_with("M4 4h1v1h-1z"));
    }
}
