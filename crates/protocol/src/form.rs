//! The declaration form as data: a versioned question set with translations, served by the
//! backend (`GET /v1/declaration-form`) so that an authority can change the questions without a
//! release, and the rules that check a form and the answers given to it. The widget and the
//! server run the same rules.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::declaration::{self, Problem};

/// The most questions a form may have.
pub const MAX_QUESTIONS: usize = 100;
/// The longest free-text answer a form may allow.
pub const MAX_TEXT_CHARS: u16 = 1000;
/// The questions the protocol itself relies on: contact tracing finds people by name and phone,
/// and nothing is stored without consent. Every form has them, with these kinds.
pub const CORE_QUESTIONS: [&str; 3] = ["full_name", "phone", "consent"];

/// The reference form (version 1): every question of a tokhaiyte.vn-style declaration, in
/// Vietnamese and English, as JSON. A server serves it until an authority publishes another.
pub const REFERENCE_FORM_JSON: &str = include_str!("../forms/declaration-v1.json");

/// A text in several languages, by BCP 47 tag (`vi`, `en`, …). Vietnamese is always there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// A text in Vietnamese and English.
    pub fn vi_en(vi: &str, en: &str) -> Self {
        Text(BTreeMap::from([
            ("vi".to_owned(), vi.to_owned()),
            ("en".to_owned(), en.to_owned()),
        ]))
    }

    /// The text in `lang`, else in Vietnamese.
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get("vi"))
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// One version of the declaration form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeclarationForm {
    /// Increases with every published change; check-ins say which version they answered.
    pub version: u32,
    /// The questions in display order.
    pub questions: Vec<Question>,
}

/// One question of the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Question {
    /// The answer's key: lower-case ASCII letters, digits and `_`, starting with a letter.
    pub id: String,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
    /// The question as shown.
    pub label: Text,
    /// A hint shown under the question, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Whether it must be answered (when shown).
    #[serde(default)]
    pub required: bool,
    /// Shown (and answered) only when an earlier question has this answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

/// The kinds of question and what each accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum QuestionKind {
    /// A line of text (answer: a string).
    Text {
        /// Longest answer, in characters.
        max_chars: u16,
        /// What the text must look like.
        #[serde(default)]
        format: TextFormat,
    },
    /// A year, from `min` to the current year (answer: a number).
    Year {
        /// Earliest year accepted.
        min: u16,
    },
    /// One of `options` (answer: the option's id), or several when `multiple` (answer: a list
    /// of ids, possibly empty).
    Choice {
        options: Vec<ChoiceOption>,
        #[serde(default)]
        multiple: bool,
    },
    /// Yes or no (answer: a boolean).
    YesNo,
    /// An administrative unit from the server's unit list (answer: its code).
    Unit,
    /// A box that must be ticked to go on (answer: `true`).
    Consent,
    /// Text only, no answer (e.g. the warning that a false declaration is an offence).
    Notice,
}

/// What a text answer must look like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TextFormat {
    /// Anything (trimmed, inner whitespace collapsed).
    #[default]
    Free,
    /// A person's name: letters of any script and the punctuation names use.
    PersonName,
    /// A Vietnamese phone number (normalised to `0…`).
    Phone,
    /// An ID document number: 9 or 12 digits (ID card), or a passport number (a letter and 7–8
    /// letters or digits).
    IdNumber,
    /// A health-insurance number: 10 digits, or the older 2 letters and 13 digits.
    InsuranceNumber,
}

/// One option of a choice question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceOption {
    /// The option's id, what the answer holds.
    pub id: String,
    pub label: Text,
}

/// "Show this question when question `question` was answered `is`" (for a multiple choice:
/// when `is` is among the options picked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Condition {
    pub question: String,
    pub is: Answer,
}

/// An answer: a string (text, a single choice, a unit code), a number (a year), a boolean (yes
/// or no, consent) or a list of option ids (a multiple choice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Answer {
    Bool(bool),
    Number(i64),
    Text(String),
    Many(Vec<String>),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

/// One answer that cannot be accepted, as sent back in API error bodies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnswerError {
    /// The question's id.
    pub question: String,
    pub problem: Problem,
}

/// Why a form cannot be published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormError {
    /// Version 0 is not a version.
    NoVersion,
    TooManyQuestions,
    /// An id that is not `[a-z][a-z0-9_]*` (at most 40 characters), or used twice.
    BadId(String),
    /// A label, help or option without Vietnamese text.
    Untranslated(String),
    /// A question of the protocol's own (`CORE_QUESTIONS`) is missing or of another kind.
    CoreQuestion(&'static str),
    /// A question whose kind is inconsistent (no options, duplicate options, a text longer than
    /// allowed, a required notice).
    BadKind(String),
    /// A condition on a question that does not come earlier, or with an answer it cannot have.
    BadCondition(String),
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoVersion => write!(f, "the version must be at least 1"),
            Self::TooManyQuestions => write!(f, "a form has at most {MAX_QUESTIONS} questions"),
            Self::BadId(id) => write!(f, "`{id}` is not a valid, unique id"),
            Self::Untranslated(id) => write!(f, "`{id}` has a text without Vietnamese"),
            Self::CoreQuestion(id) => write!(f, "the form needs its `{id}` question, as defined"),
            Self::BadKind(id) => write!(f, "`{id}` is not a consistent question"),
            Self::BadCondition(id) => write!(f, "`{id}` has a condition that cannot hold"),
        }
    }
}

impl std::error::Error for FormError {}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && id.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn translated(text: &Text) -> bool {
    text.0.get("vi").is_some_and(|vi| !vi.trim().is_empty())
}

impl DeclarationForm {
    /// The question `id`.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Checks that the form can be published: ids, translations, kinds, conditions and the
    /// protocol's core questions.
    pub fn check(&self) -> Result<(), FormError> {
        if self.version == 0 {
            return Err(FormError::NoVersion);
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(FormError::TooManyQuestions);
        }
        let mut seen = BTreeSet::new();
        for (index, question) in self.questions.iter().enumerate() {
            let id = &question.id;
            if !valid_id(id) || !seen.insert(id.as_str()) {
                return Err(FormError::BadId(id.clone()));
            }
            let texts_ok = translated(&question.label)
                && question.help.as_ref().is_none_or(translated)
                && match &question.kind {
                    QuestionKind::Choice { options, .. } => {
                        options.iter().all(|o| translated(&o.label))
                    }
                    _ => true,
                };
            if !texts_ok {
                return Err(FormError::Untranslated(id.clone()));
            }
            check_kind(question)?;
            if let Some(condition) = &question.show_if {
                let earlier = self.questions[..index]
                    .iter()
                    .find(|q| q.id == condition.question);
                if !earlier.is_some_and(|q| can_answer(&q.kind, &condition.is)) {
                    return Err(FormError::BadCondition(id.clone()));
                }
            }
        }
        let core_kinds = [
            ("full_name", TextFormat::PersonName),
            ("phone", TextFormat::Phone),
        ];
        for (id, format) in core_kinds {
            let ok = self.question(id).is_some_and(|q| {
                q.required
                    && q.show_if.is_none()
                    && matches!(q.kind, QuestionKind::Text { format: f, .. } if f == format)
            });
            if !ok {
                return Err(FormError::CoreQuestion(id));
            }
        }
        let consent = self
            .question("consent")
            .is_some_and(|q| q.required && q.show_if.is_none() && q.kind == QuestionKind::Consent);
        if !consent {
            return Err(FormError::CoreQuestion("consent"));
        }
        Ok(())
    }

    /// Whether `question` is shown, given the answers so far.
    pub fn shown(&self, question: &Question, answers: &Answers) -> bool {
        let Some(condition) = &question.show_if else {
            return true;
        };
        // A follow-up of a hidden question is hidden too.
        let Some(parent) = self.question(&condition.question) else {
            return false;
        };
        self.shown(parent, answers)
            && match (answers.get(&condition.question), &condition.is) {
                (Some(Answer::Many(picked)), Answer::Text(option)) => picked.contains(option),
                (Some(answer), expected) => answer == expected,
                (None, _) => false,
            }
    }

    /// Checks `answers` against the form, with `current_year` for years. Answers to questions
    /// that are not shown are dropped; the rest come back normalised (text trimmed, phone
    /// numbers in their domestic form). Every problem is reported, in question order.
    pub fn validate(
        &self,
        answers: &Answers,
        current_year: u16,
    ) -> Result<Answers, Vec<AnswerError>> {
        let mut errors: Vec<AnswerError> = answers
            .keys()
            .filter(|id| {
                self.question(id)
                    .is_none_or(|q| q.kind == QuestionKind::Notice)
            })
            .map(|id| AnswerError {
                question: id.clone(),
                problem: Problem::UnknownQuestion,
            })
            .collect();
        let mut accepted = Answers::new();
        for question in &self.questions {
            if question.kind == QuestionKind::Notice || !self.shown(question, answers) {
                continue;
            }
            let missing = if question.kind == QuestionKind::Consent {
                Problem::ConsentRequired
            } else {
                Problem::Required
            };
            match answers.get(&question.id) {
                None if question.required => errors.push(AnswerError {
                    question: question.id.clone(),
                    problem: missing,
                }),
                None => {}
                Some(answer) => match check_answer(question, answer, current_year) {
                    Ok(Some(answer)) => {
                        accepted.insert(question.id.clone(), answer);
                    }
                    Ok(None) if question.required => errors.push(AnswerError {
                        question: question.id.clone(),
                        problem: Problem::Required,
                    }),
                    Ok(None) => {}
                    Err(problem) => errors.push(AnswerError {
                        question: question.id.clone(),
                        problem,
                    }),
                },
            }
        }
        if errors.is_empty() {
            Ok(accepted)
        } else {
            Err(errors)
        }
    }

    /// Checks only the answers given, each against its question, none required: for what a
    /// kiosk reads off an identity card or a national personal code, which carry no health
    /// answers. Unknown questions are refused; accepted answers come back normalised.
    pub fn validate_given(
        &self,
        answers: &Answers,
        current_year: u16,
    ) -> Result<Answers, Vec<AnswerError>> {
        let mut errors = Vec::new();
        let mut accepted = Answers::new();
        for (id, answer) in answers {
            let question = self.question(id).filter(|q| q.kind != QuestionKind::Notice);
            let checked = question.map_or(Err(Problem::UnknownQuestion), |question| {
                check_answer(question, answer, current_year)
            });
            match checked {
                Ok(Some(answer)) => {
                    accepted.insert(id.clone(), answer);
                }
                Ok(None) => {}
                Err(problem) => errors.push(AnswerError {
                    question: id.clone(),
                    problem,
                }),
            }
        }
        if errors.is_empty() {
            Ok(accepted)
        } else {
            Err(errors)
        }
    }

    /// The questions of this form that were not in `earlier` or changed kind: what a returning
    /// visitor who answered `earlier` still has to answer.
    pub fn new_since<'a>(&'a self, earlier: &DeclarationForm) -> Vec<&'a Question> {
        self.questions
            .iter()
            .filter(|q| q.kind != QuestionKind::Notice)
            .filter(|q| earlier.question(&q.id).is_none_or(|old| old.kind != q.kind))
            .collect()
    }
}

impl DeclarationForm {
    /// Answers that pass [`DeclarationForm::validate`] for this form (if it passes
    /// [`DeclarationForm::check`]): every required question shown, answered with made-up data,
    /// and `unit_code` for unit questions. For load generators, conformance suites and tests.
    pub fn example_answers(&self, unit_code: &str) -> Answers {
        let mut answers = Answers::new();
        for question in &self.questions {
            if !question.required || !self.shown(question, &answers) {
                continue;
            }
            let answer = match &question.kind {
                QuestionKind::Text { max_chars, format } => {
                    let text = match format {
                        TextFormat::PersonName => "Nguyễn Văn An",
                        TextFormat::Phone => "0912345678",
                        TextFormat::IdNumber => "001099012345",
                        TextFormat::InsuranceNumber => "0123456789",
                        TextFormat::Free => "Hà Nội",
                    };
                    Answer::Text(text.chars().take(usize::from(*max_chars)).collect())
                }
                QuestionKind::Year { min } => Answer::Number(i64::from(*min).max(1990)),
                QuestionKind::Choice {
                    options,
                    multiple: false,
                } => match options.first() {
                    Some(option) => Answer::Text(option.id.clone()),
                    None => continue,
                },
                QuestionKind::Choice { multiple: true, .. } => Answer::Many(Vec::new()),
                QuestionKind::YesNo => Answer::Bool(false),
                QuestionKind::Unit => Answer::Text(unit_code.to_owned()),
                QuestionKind::Consent => Answer::Bool(true),
                QuestionKind::Notice => continue,
            };
            answers.insert(question.id.clone(), answer);
        }
        answers
    }
}

fn check_kind(question: &Question) -> Result<(), FormError> {
    let ok = match &question.kind {
        QuestionKind::Text { max_chars, .. } => (1..=MAX_TEXT_CHARS).contains(max_chars),
        QuestionKind::Choice { options, .. } => {
            let ids: BTreeSet<&str> = options.iter().map(|o| o.id.as_str()).collect();
            !options.is_empty()
                && ids.len() == options.len()
                && options.iter().all(|o| valid_id(&o.id))
        }
        QuestionKind::Notice => !question.required,
        QuestionKind::Year { .. } | QuestionKind::YesNo | QuestionKind::Unit => true,
        QuestionKind::Consent => true,
    };
    if ok {
        Ok(())
    } else {
        Err(FormError::BadKind(question.id.clone()))
    }
}

/// Whether a question of `kind` can have the answer `answer` (for conditions).
fn can_answer(kind: &QuestionKind, answer: &Answer) -> bool {
    match (kind, answer) {
        (QuestionKind::YesNo | QuestionKind::Consent, Answer::Bool(_)) => true,
        (QuestionKind::Choice { options, .. }, Answer::Text(id)) => {
            options.iter().any(|o| &o.id == id)
        }
        _ => false,
    }
}

/// The normalised answer, `None` for an empty one, or what is wrong with it.
fn check_answer(
    question: &Question,
    answer: &Answer,
    current_year: u16,
) -> Result<Option<Answer>, Problem> {
    match (&question.kind, answer) {
        (QuestionKind::Text { max_chars, format }, Answer::Text(text)) => {
            check_text(text, *max_chars, *format).map(|text| text.map(Answer::Text))
        }
        (QuestionKind::Year { min }, Answer::Number(year)) => {
            if (i64::from(*min)..=i64::from(current_year)).contains(year) {
                Ok(Some(answer.clone()))
            } else {
                Err(Problem::OutOfRange)
            }
        }
        (
            QuestionKind::Choice {
                options,
                multiple: false,
            },
            Answer::Text(id),
        ) => {
            if options.iter().any(|o| &o.id == id) {
                Ok(Some(answer.clone()))
            } else {
                Err(Problem::UnknownChoice)
            }
        }
        (
            QuestionKind::Choice {
                options,
                multiple: true,
            },
            Answer::Many(ids),
        ) => {
            let unique: BTreeSet<&String> = ids.iter().collect();
            let known = ids.iter().all(|id| options.iter().any(|o| &o.id == id));
            if known && unique.len() == ids.len() {
                Ok(Some(answer.clone()))
            } else {
                Err(Problem::UnknownChoice)
            }
        }
        (QuestionKind::YesNo, Answer::Bool(_)) => Ok(Some(answer.clone())),
        (QuestionKind::Consent, Answer::Bool(true)) => Ok(Some(answer.clone())),
        (QuestionKind::Consent, Answer::Bool(false)) if question.required => {
            Err(Problem::ConsentRequired)
        }
        (QuestionKind::Consent, Answer::Bool(false)) => Ok(None),
        (QuestionKind::Unit, Answer::Text(code)) => {
            let code = code.trim();
            if code.is_empty() {
                Ok(None)
            } else if code.len() <= 32
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                Ok(Some(Answer::Text(code.to_owned())))
            } else {
                Err(Problem::InvalidFormat)
            }
        }
        _ => Err(Problem::WrongType),
    }
}

/// A text answer, normalised for its format; `None` when empty.
fn check_text(text: &str, max_chars: u16, format: TextFormat) -> Result<Option<String>, Problem> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > usize::from(max_chars) {
        return Err(Problem::TooLong);
    }
    let problem = match format {
        TextFormat::Free => None,
        TextFormat::PersonName => declaration::name_problem(&text),
        TextFormat::Phone => {
            let phone = declaration::normalize_phone(&text);
            return match declaration::phone_problem(&phone) {
                Some(problem) => Err(problem),
                None => Ok(Some(phone)),
            };
        }
        TextFormat::IdNumber => (!is_id_number(&text)).then_some(Problem::InvalidFormat),
        TextFormat::InsuranceNumber => {
            (!is_insurance_number(&text)).then_some(Problem::InvalidFormat)
        }
    };
    match problem {
        Some(problem) => Err(problem),
        None => Ok(Some(text)),
    }
}

pub(crate) fn is_id_number(text: &str) -> bool {
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    let passport = text.len() >= 8
        && text.len() <= 9
        && text.as_bytes()[0].is_ascii_uppercase()
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    (digits && (text.len() == 9 || text.len() == 12)) || passport
}

pub(crate) fn is_insurance_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let all_digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    (bytes.len() == 10 && all_digits(bytes))
        || (bytes.len() == 15
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && all_digits(&bytes[2..]))
}

#[cfg(test)]
mod tests;
