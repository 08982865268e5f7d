//! Person keys: how one person is recognised across check-ins, whichever way they came in (their
//! own phone, a kiosk scan of a personal QR, a paper declaration typed by staff). A key is an
//! ID document number or a phone number in one normal form, so that a tracer's "0912 345 678"
//! finds the check-in declared as "+84912345678", and a kiosk's exit scan finds the entry.

use std::fmt;

use crate::declaration::{normalize_phone, phone_problem};
use crate::form::{is_id_number, Answer, Answers};

/// One identifier of a person, normalised.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PersonKey {
    /// An ID document number (9 or 12 digits, or a passport number), upper-cased, no spaces.
    IdNumber(String),
    /// A Vietnamese phone number in its domestic form (`0…`).
    Phone(String),
}

impl PersonKey {
    /// The key for a typed or scanned ID number, if it is one.
    pub fn id_number(text: &str) -> Option<PersonKey> {
        let id: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        is_id_number(&id).then_some(PersonKey::IdNumber(id))
    }

    /// The key for a typed phone number, if it is one.
    pub fn phone(text: &str) -> Option<PersonKey> {
        let phone = normalize_phone(text.trim());
        phone_problem(&phone)
            .is_none()
            .then_some(PersonKey::Phone(phone))
    }

    /// A tracer's case identifier: an ID number or a phone number, whichever it is.
    pub fn parse(text: &str) -> Option<PersonKey> {
        Self::phone(text).or_else(|| Self::id_number(text))
    }

    /// Every key the answers to a declaration give (the reference form's `id_number` and
    /// `phone` questions): none, one or both.
    pub fn of_answers(answers: &Answers) -> Vec<PersonKey> {
        let text = |id: &str| match answers.get(id) {
            Some(Answer::Text(text)) => Some(text.as_str()),
            _ => None,
        };
        [
            text("id_number").and_then(Self::id_number),
            text("phone").and_then(Self::phone),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// As stored and indexed: `id:001099012345`, `phone:0912345678`.
impl fmt::Display for PersonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IdNumber(id) => write!(f, "id:{id}"),
            Self::Phone(phone) => write!(f, "phone:{phone}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_ids_are_normalised() {
        let phone = PersonKey::phone("0912345678");
        assert_eq!(PersonKey::phone("+84 912 345 678"), phone);
        assert_eq!(PersonKey::phone("0912.345.678"), phone);
        assert_eq!(
            phone.map(|key| key.to_string()).as_deref(),
            Some("phone:0912345678")
        );
        assert_eq!(PersonKey::phone("12345"), None);
        assert_eq!(
            PersonKey::id_number(" 001099 012345 ").map(|key| key.to_string()),
            Some("id:001099012345".to_owned())
        );
        assert_eq!(
            PersonKey::id_number("b1234567"),
            Some(PersonKey::IdNumber("B1234567".into()))
        );
        assert_eq!(PersonKey::id_number("12345"), None);
    }

    #[test]
    fn a_case_identifier_is_either() {
        assert_eq!(
            PersonKey::parse("0912 345 678"),
            Some(PersonKey::Phone("0912345678".into()))
        );
        assert_eq!(
            PersonKey::parse("001099012345"),
            Some(PersonKey::IdNumber("001099012345".into()))
        );
        assert_eq!(PersonKey::parse("nobody"), None);
    }

    #[test]
    fn a_declaration_gives_its_keys() {
        let mut answers = Answers::new();
        answers.insert("full_name".into(), Answer::Text("Lê Văn Tám".into()));
        assert!(PersonKey::of_answers(&answers).is_empty());
        answers.insert("phone".into(), Answer::Text("+84912345678".into()));
        answers.insert("id_number".into(), Answer::Text("001099012345".into()));
        assert_eq!(
            PersonKey::of_answers(&answers),
            vec![
                PersonKey::IdNumber("001099012345".into()),
                PersonKey::Phone("0912345678".into())
            ]
        );
    }
}
