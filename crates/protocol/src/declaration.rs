//! The minimal health declaration filled in at check-in, and its rules.
//!
//! The same rules run in the widget (instant feedback) and on the server
//! (the authority), so they live here.

use serde::{Deserialize, Serialize};

const NAME_MIN_CHARS: usize = 2;
const NAME_MAX_CHARS: usize = 100;
const BIRTH_YEAR_MIN: u16 = 1900;

/// Symptoms in the last 14 days, one checkbox each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Symptoms {
    /// Fever.
    pub fever: bool,
    /// Cough.
    pub cough: bool,
    /// Difficulty breathing.
    pub breathing_difficulty: bool,
    /// Pneumonia.
    pub pneumonia: bool,
    /// Sore throat.
    pub sore_throat: bool,
    /// Fatigue.
    pub fatigue: bool,
}

/// What a person declares when checking in at a venue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Declaration {
    /// Full name as on an ID card.
    pub full_name: String,
    /// Phone number for contact tracing.
    pub phone: String,
    /// Year of birth; 0 means not filled in.
    pub birth_year: u16,
    /// Symptoms in the last 14 days.
    pub symptoms: Symptoms,
    /// Contact in the last 14 days with a patient, a suspected case, someone from an affected area, or someone with symptoms.
    pub exposure: bool,
    /// Agreement that the data may be used for epidemic control.
    pub consent: bool,
}

/// A form field that can be invalid, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Field {
    /// [`Declaration::full_name`].
    FullName,
    /// [`Declaration::phone`].
    Phone,
    /// [`Declaration::birth_year`].
    BirthYear,
    /// [`Declaration::consent`].
    Consent,
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

/// One validation failure, as sent back in API error bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldError {
    /// Which field.
    pub field: Field,
    /// What is wrong with it.
    pub problem: Problem,
}

impl Declaration {
    /// Cleans up typing so validation and storage see one canonical form.
    ///
    /// The name is trimmed with inner whitespace collapsed; the phone loses
    /// spaces, dots and dashes, and an international `+84`/`84` prefix
    /// becomes the domestic `0`.
    pub fn normalized(&self) -> Declaration {
        Declaration {
            full_name: self
                .full_name
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            phone: normalize_phone(&self.phone),
            ..self.clone()
        }
    }

    /// Validates a *normalized* declaration, returning every problem in field order.
    pub fn validate(&self, current_year: u16) -> Result<(), Vec<FieldError>> {
        let problems = [
            (Field::FullName, name_problem(&self.full_name)),
            (Field::Phone, phone_problem(&self.phone)),
            (
                Field::BirthYear,
                birth_year_problem(self.birth_year, current_year),
            ),
            (
                Field::Consent,
                (!self.consent).then_some(Problem::ConsentRequired),
            ),
        ];
        let errors: Vec<FieldError> = problems
            .into_iter()
            .filter_map(|(field, problem)| problem.map(|problem| FieldError { field, problem }))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

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

fn birth_year_problem(year: u16, current_year: u16) -> Option<Problem> {
    if year == 0 {
        Some(Problem::Required)
    } else if !(BIRTH_YEAR_MIN..=current_year).contains(&year) {
        Some(Problem::OutOfRange)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: u16 = 2025;

    fn valid() -> Declaration {
        Declaration {
            full_name: "Nguyễn Thị Ánh".into(),
            phone: "0912345678".into(),
            birth_year: 1990,
            consent: true,
            ..Declaration::default()
        }
    }

    fn problems(d: &Declaration) -> Vec<(Field, Problem)> {
        match d.validate(YEAR) {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.problem)).collect(),
        }
    }

    fn name_problems(name: &str) -> Vec<(Field, Problem)> {
        problems(
            &Declaration {
                full_name: name.into(),
                ..valid()
            }
            .normalized(),
        )
    }

    fn phone_problems(phone: &str) -> Vec<(Field, Problem)> {
        problems(
            &Declaration {
                phone: phone.into(),
                ..valid()
            }
            .normalized(),
        )
    }

    #[test]
    fn valid_declaration_passes() {
        assert_eq!(valid().validate(YEAR), Ok(()));
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
            assert_eq!(name_problems(name), vec![], "{name}");
        }
    }

    #[test]
    fn name_rules() {
        let fe = |p| vec![(Field::FullName, p)];
        assert_eq!(name_problems(""), fe(Problem::Required));
        assert_eq!(name_problems("   "), fe(Problem::Required));
        assert_eq!(name_problems(" A "), fe(Problem::TooShort));
        assert_eq!(name_problems(&"ă".repeat(100)), vec![]);
        assert_eq!(name_problems(&"ă".repeat(101)), fe(Problem::TooLong));
        assert_eq!(
            name_problems("Nguyen Van 1"),
            fe(Problem::InvalidCharacters)
        );
        assert_eq!(name_problems("<script>"), fe(Problem::InvalidCharacters));
        assert_eq!(name_problems("--"), fe(Problem::InvalidCharacters));
    }

    #[test]
    fn name_whitespace_is_collapsed() {
        let d = Declaration {
            full_name: "  Nguyễn \t Thị\n Ánh ".into(),
            ..valid()
        };
        assert_eq!(d.normalized().full_name, "Nguyễn Thị Ánh");
    }

    #[test]
    fn phone_normalization() {
        let norm = |p: &str| {
            Declaration {
                phone: p.into(),
                ..valid()
            }
            .normalized()
            .phone
        };
        assert_eq!(norm("+84 912 345 678"), "0912345678");
        assert_eq!(norm("84912345678"), "0912345678");
        assert_eq!(norm("+84 0912 345 678"), "0912345678");
        assert_eq!(norm("0912.345.678"), "0912345678");
        assert_eq!(norm("0912-345-678"), "0912345678");
        assert_eq!(norm("024 3825 1234"), "02438251234");
        assert_eq!(norm("8491"), "8491");
    }

    #[test]
    fn phone_rules() {
        let pe = |p| vec![(Field::Phone, p)];
        assert_eq!(phone_problems(""), pe(Problem::Required));
        assert_eq!(phone_problems("+84 912 345 678"), vec![]);
        assert_eq!(phone_problems("0912.345.678"), vec![]);
        assert_eq!(phone_problems("02438251234"), vec![]);
        assert_eq!(phone_problems("091234567"), pe(Problem::InvalidPhone));
        assert_eq!(phone_problems("091234567890"), pe(Problem::InvalidPhone));
        assert_eq!(phone_problems("1912345678"), pe(Problem::InvalidPhone));
        assert_eq!(phone_problems("09123x5678"), pe(Problem::InvalidPhone));
        assert_eq!(
            phone_problems("０９１２３４５６７８"),
            pe(Problem::InvalidPhone)
        );
    }

    #[test]
    fn birth_year_rules() {
        let check = |year| {
            problems(&Declaration {
                birth_year: year,
                ..valid()
            })
        };
        assert_eq!(check(0), vec![(Field::BirthYear, Problem::Required)]);
        assert_eq!(check(1899), vec![(Field::BirthYear, Problem::OutOfRange)]);
        assert_eq!(check(1900), vec![]);
        assert_eq!(check(YEAR), vec![]);
        assert_eq!(
            check(YEAR + 1),
            vec![(Field::BirthYear, Problem::OutOfRange)]
        );
    }

    #[test]
    fn consent_is_required() {
        let d = Declaration {
            consent: false,
            ..valid()
        };
        assert_eq!(
            problems(&d),
            vec![(Field::Consent, Problem::ConsentRequired)]
        );
    }

    #[test]
    fn all_errors_at_once_in_field_order() {
        assert_eq!(
            problems(&Declaration::default()),
            vec![
                (Field::FullName, Problem::Required),
                (Field::Phone, Problem::Required),
                (Field::BirthYear, Problem::Required),
                (Field::Consent, Problem::ConsentRequired),
            ]
        );
    }

    #[test]
    fn symptoms_and_exposure_survive_normalization() {
        let d = Declaration {
            symptoms: Symptoms {
                fever: true,
                fatigue: true,
                ..Symptoms::default()
            },
            exposure: true,
            ..valid()
        };
        assert_eq!(d.normalized(), d);
    }

    #[test]
    fn json_shape_and_unknown_fields() {
        let json = serde_json::json!({
            "full_name": "Đặng Văn-Ơn",
            "phone": "0912345678",
            "birth_year": 1985,
            "symptoms": {
                "fever": false, "cough": true, "breathing_difficulty": false,
                "pneumonia": false, "sore_throat": false, "fatigue": false
            },
            "exposure": false,
            "consent": true
        });
        let d: Declaration = serde_json::from_value(json.clone()).expect("valid shape");
        assert!(d.symptoms.cough);
        assert_eq!(serde_json::to_value(&d).ok(), Some(json.clone()));

        let mut extra = json.clone();
        extra["national_id"] = "012345678901".into();
        assert!(serde_json::from_value::<Declaration>(extra).is_err());
        let mut extra_symptom = json;
        extra_symptom["symptoms"]["headache"] = true.into();
        assert!(serde_json::from_value::<Declaration>(extra_symptom).is_err());
    }

    #[test]
    fn field_error_json_shape() {
        let e = FieldError {
            field: Field::BirthYear,
            problem: Problem::ConsentRequired,
        };
        assert_eq!(
            serde_json::to_string(&e).ok().as_deref(),
            Some(r#"{"field":"birth_year","problem":"consent_required"}"#)
        );
    }
}
