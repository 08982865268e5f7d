//! The health declaration sent with a check-in (answers to the declaration form), what can be
//! wrong with an answer, and the rules for names and phone numbers that the form's text formats
//! use. The same rules run in the widget (instant feedback) and on the server (the authority).

use serde::{Deserialize, Serialize};

use crate::form::{Answer, Answers};

const NAME_MIN_CHARS: usize = 2;
const NAME_MAX_CHARS: usize = 100;

/// What a person declares when checking in: the answers to one version of the declaration
/// form ([`crate::form`]), by question id. The server checks them against that version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Declaration {
    /// The version of the form these answers are to.
    pub form_version: u32,
    /// The answers by question id; questions left unanswered or not shown are absent.
    pub answers: Answers,
}

impl Declaration {
    /// The text answer to question `id`, if any.
    pub fn text(&self, id: &str) -> Option<&str> {
        match self.answers.get(id) {
            Some(Answer::Text(text)) => Some(text),
            _ => None,
        }
    }
}

/// What is wrong with a field; the UI translates each into a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Problem {
    /// The field is empty.
    Required,
    /// Shorter than the minimum length.
    TooShort,
    /// Longer than the maximum length.
    TooLong,
    /// Contains characters a name cannot have.
    InvalidCharacters,
    /// Not a Vietnamese phone number.
    InvalidPhone,
    /// A number outside the allowed range.
    OutOfRange,
    /// Consent was not given.
    ConsentRequired,
    /// Not in the form the answer must have (an ID, insurance or unit code).
    InvalidFormat,
    /// A choice that is not one of the question's options.
    UnknownChoice,
    /// An answer of the wrong type (e.g. text for a yes/no question).
    WrongType,
    /// An answer to a question the form does not have.
    UnknownQuestion,
}

/// Cleans up a typed phone number: spaces, dots and dashes go, and an international
/// `+84`/`84` prefix becomes the domestic `0`.
pub(crate) fn normalize_phone(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    let national = digits.strip_prefix("+84").or_else(|| {
        // A bare "84" is only a country code when the number is international
        // length; a domestic number always starts with 0 anyway.
        digits.strip_prefix("84").filter(|rest| rest.len() >= 9)
    });
    match national {
        // People often keep the trunk 0 after the country code: "+84 0912…".
        Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
        None => digits,
    }
}

pub(crate) fn name_problem(name: &str) -> Option<Problem> {
    let len = name.chars().count();
    if len == 0 {
        Some(Problem::Required)
    } else if len < NAME_MIN_CHARS {
        Some(Problem::TooShort)
    } else if len > NAME_MAX_CHARS {
        Some(Problem::TooLong)
    } else if !name.chars().all(is_name_char) || !name.chars().any(char::is_alphabetic) {
        Some(Problem::InvalidCharacters)
    } else {
        None
    }
}

/// Letters of any script plus the punctuation real names use.
fn is_name_char(c: char) -> bool {
    c.is_alphabetic()
        // Combining diacritics: keyboards that emit decomposed (NFD)
        // Vietnamese send tone marks as separate characters.
        || ('\u{0300}'..='\u{036f}').contains(&c)
        // U+2019 is the apostrophe phone keyboards insert automatically.
        || matches!(c, ' ' | '\'' | '\u{2019}' | '-' | '.')
}

/// Vietnamese numbers are "0" + 9 digits (mobile, new landline) or + 10 (old landline).
pub(crate) fn phone_problem(phone: &str) -> Option<Problem> {
    if phone.is_empty() {
        return Some(Problem::Required);
    }
    let valid = phone.strip_prefix('0').is_some_and(|rest| {
        (9..=10).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit())
    });
    (!valid).then_some(Problem::InvalidPhone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_problems(name: &str) -> Option<Problem> {
        name_problem(&name.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn phone_problems(phone: &str) -> Option<Problem> {
        phone_problem(&normalize_phone(phone))
    }

    #[test]
    fn vietnamese_names_are_accepted() {
        for name in [
            "Nguyễn Thị Ánh",
            "Đặng Văn-Ơn",
            "Lê Thị Thu Hà",
            "O'Brien Jr.",
            "D’Artagnan",
            "Nguye\u{0302}\u{0303}n Văn A", // decomposed (NFD) input
            "李小龍",
        ] {
            assert_eq!(name_problems(name), None, "{name}");
        }
    }

    #[test]
    fn name_rules() {
        assert_eq!(name_problems(""), Some(Problem::Required));
        assert_eq!(name_problems("   "), Some(Problem::Required));
        assert_eq!(name_problems(" A "), Some(Problem::TooShort));
        assert_eq!(name_problems(&"ă".repeat(100)), None);
        assert_eq!(name_problems(&"ă".repeat(101)), Some(Problem::TooLong));
        assert_eq!(
            name_problems("Nguyen Van 1"),
            Some(Problem::InvalidCharacters)
        );
        assert_eq!(name_problems("<script>"), Some(Problem::InvalidCharacters));
        assert_eq!(name_problems("--"), Some(Problem::InvalidCharacters));
    }

    #[test]
    fn phone_normalization() {
        assert_eq!(normalize_phone("+84 912 345 678"), "0912345678");
        assert_eq!(normalize_phone("84912345678"), "0912345678");
        assert_eq!(normalize_phone("+84 0912 345 678"), "0912345678");
        assert_eq!(normalize_phone("0912.345.678"), "0912345678");
        assert_eq!(normalize_phone("0912-345-678"), "0912345678");
        assert_eq!(normalize_phone("024 3825 1234"), "02438251234");
        assert_eq!(normalize_phone("8491"), "8491");
    }

    #[test]
    fn phone_rules() {
        assert_eq!(phone_problems(""), Some(Problem::Required));
        assert_eq!(phone_problems("+84 912 345 678"), None);
        assert_eq!(phone_problems("0912.345.678"), None);
        assert_eq!(phone_problems("02438251234"), None);
        assert_eq!(phone_problems("091234567"), Some(Problem::InvalidPhone));
        assert_eq!(phone_problems("091234567890"), Some(Problem::InvalidPhone));
        assert_eq!(phone_problems("1912345678"), Some(Problem::InvalidPhone));
        assert_eq!(phone_problems("09123x5678"), Some(Problem::InvalidPhone));
        assert_eq!(
            phone_problems("０９１２３４５６７８"),
            Some(Problem::InvalidPhone)
        );
    }

    #[test]
    fn json_shape_and_unknown_fields() {
        let json = serde_json::json!({
            "form_version": 1,
            "answers": {
                "full_name": "Đặng Văn-Ơn",
                "birth_year": 1985,
                "symptoms": ["cough"],
                "contact_case": false
            }
        });
        let d: Declaration = serde_json::from_value(json.clone()).expect("valid shape");
        assert_eq!(d.text("full_name"), Some("Đặng Văn-Ơn"));
        assert_eq!(d.answers["birth_year"], Answer::Number(1985));
        assert_eq!(d.answers["symptoms"], Answer::Many(vec!["cough".into()]));
        assert_eq!(d.answers["contact_case"], Answer::Bool(false));
        assert_eq!(serde_json::to_value(&d).ok(), Some(json.clone()));
        let mut extra = json;
        extra["national_id"] = "012345678901".into();
        assert!(serde_json::from_value::<Declaration>(extra).is_err());
    }
}
