//! What a kiosk does with any scanned personal code: the masked text it shows, the person
//! keys it matches entries and exits by, and the answers a check-in with it stores.

use super::{fold_name, CccdCode, PersonalCode, ScannedPerson, MASKED_ID_PREFIX};
use crate::declaration::{normalize_phone, phone_problem};
use crate::form::{is_insurance_number, Answer, Answers};
use crate::person_key::PersonKey;
use crate::staff::MaskedPerson;

impl ScannedPerson {
    /// What a kiosk may show ([`MaskedPerson::of_answers`] of [`answers`](Self::answers)).
    pub fn masked(&self) -> MaskedPerson {
        MaskedPerson::of_answers(&self.answers())
    }

    /// The keys recognising this person across check-ins (ID number, phone).
    pub fn keys(&self) -> Vec<PersonKey> {
        PersonKey::of_answers(&self.answers())
    }

    /// What a kiosk check-in with this code stores, by the reference form's question ids:
    /// the identity the code carries (full name, ID number, birth year, gender, phone and
    /// insurance number where it has them and they are well-formed), or a Vaora code's
    /// whole declaration.
    pub fn answers(&self) -> Answers {
        match self {
            Self::National(code) => national_answers(code),
            Self::Cccd(card) => card_answers(card),
            Self::Vaora(declaration) => declaration.answers.clone(),
        }
    }
}

impl MaskedPerson {
    /// The masked name and ID number of whoever these answers are for: the name folded to
    /// capitals with every word but the last cut to its initial (`N. V. AN`), the ID number
    /// with its first six characters hidden as on a v1.1 code's screen.
    pub fn of_answers(answers: &Answers) -> MaskedPerson {
        let text = |id: &str| match answers.get(id) {
            Some(Answer::Text(text)) if !text.trim().is_empty() => Some(text.trim()),
            _ => None,
        };
        MaskedPerson {
            name: text("full_name").map(mask_name).unwrap_or_default(),
            id_number: text("id_number").map(|id| {
                let rest: String = id.chars().skip(6).collect();
                format!("{MASKED_ID_PREFIX}{rest}")
            }),
        }
    }
}

/// `Nguyễn Văn An` → `N. V. AN`: enough for staff to see whose code it was, too little to
/// learn a stranger's name over their shoulder.
fn mask_name(name: &str) -> String {
    let folded = fold_name(name);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let Some((last, first)) = words.split_last() else {
        return String::new();
    };
    first
        .iter()
        .filter_map(|word| word.chars().next())
        .map(|initial| format!("{initial}. "))
        .chain(std::iter::once((*last).to_owned()))
        .collect()
}

fn national_answers(code: &PersonalCode) -> Answers {
    let extras = code.extras();
    let mut answers = identity(code.name(), code.id_number(), code.birth_date().year());
    if let Some(gender) = gender_option(&extras.gender) {
        answers.insert("gender".into(), Answer::Text(gender.into()));
    }
    let phone = normalize_phone(&extras.phone);
    if phone_problem(&phone).is_none() {
        answers.insert("phone".into(), Answer::Text(phone));
    }
    if is_insurance_number(&extras.insurance_number) {
        answers.insert(
            "insurance_number".into(),
            Answer::Text(extras.insurance_number.clone()),
        );
    }
    answers
}

fn card_answers(card: &CccdCode) -> Answers {
    let mut answers = identity(&card.full_name, &card.id_number, card.birth_date.year());
    if let Some(gender) = gender_option(&fold_name(&card.gender)) {
        answers.insert("gender".into(), Answer::Text(gender.into()));
    }
    answers
}

fn identity(name: &str, id_number: &str, birth_year: u16) -> Answers {
    [
        (
            "full_name",
            Answer::Text(name.split_whitespace().collect::<Vec<_>>().join(" ")),
        ),
        ("id_number", Answer::Text(id_number.to_owned())),
        ("birth_year", Answer::Number(i64::from(birth_year))),
    ]
    .into_iter()
    .map(|(id, answer)| (id.to_owned(), answer))
    .collect()
}

/// The reference form's gender option for a code's gender word (the inverse of
/// [`super::gender_word`]); the card writes "Nam"/"Nữ", folded to `NAM`/`NU` first.
fn gender_option(word: &str) -> Option<&'static str> {
    match word.trim() {
        "NAM" => Some("male"),
        "NU" => Some("female"),
        "KHAC" => Some("other"),
        _ => None,
    }
}
