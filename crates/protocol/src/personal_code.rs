//! Personal QR codes: the national standard v1.1 (Decision 1405/QĐ-BTTTT, 2021) that a
//! visitor shows for venue staff to scan, and the chip ID card's QR ([`CccdCode`]), which a
//! kiosk reads too, and Vaora's own code carrying a whole declaration ([`vaora_personal_code`]).
//!
//! v1.1 is `SoGiayTo|HoTen|NgaySinh|LoaiDinhDanh|QID|EXT`: the ID document number, the name in
//! capitals without diacritics, the birth date `YYYY-MM-DD`, 0 (self-declared) or 1 (declared
//! by someone else), the QID from the national platform (may be empty) and `<`-separated
//! extras: the declarer's QID, gender, health-insurance number, phone.

mod cccd;
mod date;
mod fold;
mod scanned;
mod vaora;

use std::fmt;

pub use cccd::CccdCode;
pub use date::CalendarDate;
pub use fold::fold_name;
pub use vaora::{vaora_personal_code, VAORA_PREFIX};

use crate::declaration::{name_problem, normalize_phone, phone_problem, Declaration};
use crate::form::{is_id_number, Answer, Answers};

/// Fields of a v1.1 code.
const V11_FIELDS: usize = 6;
/// Fields a v1.1 code needs at least: QID and EXT may be left off when empty.
const V11_REQUIRED_FIELDS: usize = 4;
/// Shown instead of the first six characters of an ID number.
const MASKED_ID_PREFIX: &str = "••••••";
/// Shown instead of the birth day and month.
const MASKED_DAY_MONTH: &str = "••/••";

/// Who declared the person a code is for (`LoaiDinhDanh`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Declarant {
    /// 0: the holder declared themselves.
    #[default]
    Holder,
    /// 1: someone else declared them (a dependant: a child, an elderly parent).
    Other,
}

/// The `<`-separated extras of a v1.1 code, in their order; empty when unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// The QID of whoever declared a dependant.
    pub declarer_qid: String,
    /// The gender, as a word in the name's form: "NAM", "NU", "KHAC" ([`gender_word`]).
    pub gender: String,
    pub insurance_number: String,
    pub phone: String,
    /// Extras after these four, kept as read so that a code read and written again is the same.
    pub more: Vec<String>,
}

/// A personal code in the national v1.1 format; built only valid, so
/// [`to_payload`](Self::to_payload) always gives a code [`parse`](Self::parse) reads back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalCode {
    id_number: String,
    name: String,
    birth_date: CalendarDate,
    declarant: Declarant,
    qid: String,
    extras: Extras,
}

/// Why a text is not a personal code, or a person's details cannot make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonalCodeError {
    /// Not the number of `|`-separated fields the format has.
    FieldCount,
    /// The ID document number is missing, or not 9 or 12 digits or a passport number.
    IdNumber,
    /// The CCCD's old ID number is neither empty nor 9 digits.
    OldIdNumber,
    /// The name is missing or has characters a name cannot have.
    Name,
    /// The birth date is missing or not a real date in the format's layout.
    BirthDate,
    /// `LoaiDinhDanh` is neither 0 nor 1.
    Declarant,
    /// The CCCD's gender is missing.
    Gender,
    /// The CCCD's issue date is not a real date.
    IssueDate,
    /// A QID or an extra holds a separator (`|`, `<`) or a control character.
    Field,
    /// Neither a v1.1 personal code, a chip ID card's code nor a Vaora code.
    Unrecognized,
    /// A Vaora code whose text after the prefix is not base64url.
    Encoding,
    /// A Vaora code that does not hold a declaration's JSON.
    Declaration,
}

impl PersonalCodeError {
    /// Stable machine-readable code, for a host page's events and logs.
    pub fn code(self) -> &'static str {
        match self {
            Self::FieldCount => "field_count",
            Self::IdNumber => "id_number",
            Self::OldIdNumber => "old_id_number",
            Self::Name => "name",
            Self::BirthDate => "birth_date",
            Self::Declarant => "declarant",
            Self::Gender => "gender",
            Self::IssueDate => "issue_date",
            Self::Field => "field",
            Self::Unrecognized => "unrecognized",
            Self::Encoding => "encoding",
            Self::Declaration => "declaration",
        }
    }
}

impl fmt::Display for PersonalCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FieldCount => "wrong number of fields",
            Self::IdNumber => "not a valid ID document number",
            Self::OldIdNumber => "the old ID number is not 9 digits",
            Self::Name => "not a valid name",
            Self::BirthDate => "not a valid birth date",
            Self::Declarant => "the declarant type is neither 0 nor 1",
            Self::Gender => "the gender is missing",
            Self::IssueDate => "not a valid issue date",
            Self::Field => "a field holds a separator or control character",
            Self::Unrecognized => "not a personal QR code",
            Self::Encoding => "the Vaora code is not base64url",
            Self::Declaration => "the Vaora code does not hold a declaration",
        })
    }
}

impl std::error::Error for PersonalCodeError {}

/// A personal code as shown on screen: the first six characters of the ID number and the
/// birth day and month hidden, so a glance over the shoulder learns neither.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskedCode {
    /// `••••••` and the rest of the number.
    pub id_number: String,
    pub name: String,
    /// `••/••/YYYY`.
    pub birth_date: String,
}

impl PersonalCode {
    /// A code for a person: the ID number (spaces dropped, letters upper-cased), the name
    /// (folded: [`fold_name`]) and the birth date; no QID and no extras yet.
    pub fn new(
        id_number: &str,
        name: &str,
        birth_date: CalendarDate,
        declarant: Declarant,
    ) -> Result<PersonalCode, PersonalCodeError> {
        let id_number: String = id_number
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !is_id_number(&id_number) {
            return Err(PersonalCodeError::IdNumber);
        }
        let name = name.trim();
        if name_problem(name).is_some() {
            return Err(PersonalCodeError::Name);
        }
        Ok(PersonalCode {
            id_number,
            name: fold_name(name),
            birth_date,
            declarant,
            qid: String::new(),
            extras: Extras::default(),
        })
    }

    /// The same code with the QID from the national platform.
    pub fn with_qid(mut self, qid: &str) -> Result<PersonalCode, PersonalCodeError> {
        self.qid = clean_field(qid)?;
        Ok(self)
    }

    /// The same code with these extras (each trimmed).
    pub fn with_extras(mut self, extras: Extras) -> Result<PersonalCode, PersonalCodeError> {
        self.extras = Extras {
            declarer_qid: clean_field(&extras.declarer_qid)?,
            gender: clean_field(&extras.gender)?,
            insurance_number: clean_field(&extras.insurance_number)?,
            phone: clean_field(&extras.phone)?,
            more: extras
                .more
                .iter()
                .map(|extra| clean_field(extra))
                .collect::<Result<_, _>>()?,
        };
        Ok(self)
    }

    /// Reads a v1.1 code. Liberal where codes in the wild differ harmlessly (whitespace around
    /// fields, a trailing `|`, QID and EXT left off, a name with diacritics or in lower case,
    /// which is folded), strict on the field count, the ID number and the date.
    pub fn parse(text: &str) -> Result<PersonalCode, PersonalCodeError> {
        let fields = fields(text, '|', V11_FIELDS);
        if !(V11_REQUIRED_FIELDS..=V11_FIELDS).contains(&fields.len()) {
            return Err(PersonalCodeError::FieldCount);
        }
        let birth_date = CalendarDate::parse_iso(fields[2]).ok_or(PersonalCodeError::BirthDate)?;
        let declarant = match fields[3] {
            "0" => Declarant::Holder,
            "1" => Declarant::Other,
            _ => return Err(PersonalCodeError::Declarant),
        };
        let code = PersonalCode::new(fields[0], fields[1], birth_date, declarant)?
            .with_qid(fields.get(4).copied().unwrap_or_default())?;
        let mut extras = fields
            .get(5)
            .map(|ext| ext.split('<').map(str::to_owned).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter();
        code.with_extras(Extras {
            declarer_qid: extras.next().unwrap_or_default(),
            gender: extras.next().unwrap_or_default(),
            insurance_number: extras.next().unwrap_or_default(),
            phone: extras.next().unwrap_or_default(),
            more: extras.collect(),
        })
    }

    /// The text to put in the QR: all six fields, the extras' empty tail left off.
    pub fn to_payload(&self) -> String {
        let extras = &self.extras;
        let mut ext: Vec<&str> = [
            &extras.declarer_qid,
            &extras.gender,
            &extras.insurance_number,
            &extras.phone,
        ]
        .into_iter()
        .chain(&extras.more)
        .map(String::as_str)
        .collect();
        while ext.last().is_some_and(|extra| extra.is_empty()) {
            ext.pop();
        }
        let declarant = match self.declarant {
            Declarant::Holder => '0',
            Declarant::Other => '1',
        };
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.id_number,
            self.name,
            self.birth_date,
            declarant,
            self.qid,
            ext.join("<")
        )
    }

    /// What may be shown on screen ([`MaskedCode`]).
    pub fn masked(&self) -> MaskedCode {
        let rest: String = self.id_number.chars().skip(6).collect();
        MaskedCode {
            id_number: format!("{MASKED_ID_PREFIX}{rest}"),
            name: self.name.clone(),
            birth_date: format!("{MASKED_DAY_MONTH}/{}", self.birth_date.year()),
        }
    }

    /// The ID document number.
    pub fn id_number(&self) -> &str {
        &self.id_number
    }

    /// The name, in capitals without diacritics.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The birth date.
    pub fn birth_date(&self) -> CalendarDate {
        self.birth_date
    }

    /// Who declared the person.
    pub fn declarant(&self) -> Declarant {
        self.declarant
    }

    /// The QID from the national platform (empty if none).
    pub fn qid(&self) -> &str {
        &self.qid
    }

    /// The extras.
    pub fn extras(&self) -> &Extras {
        &self.extras
    }
}

/// A personal QR read by a scanner: which format it was, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScannedPerson {
    /// The national v1.1 format.
    National(PersonalCode),
    /// The chip ID card's QR.
    Cccd(CccdCode),
    /// Vaora's own code: the visitor's whole declaration.
    Vaora(Declaration),
}

/// Reads any personal format. When none fits, the error is the one of the format the text was
/// most likely meant to be (its prefix, else its field count), so the kiosk can say what is
/// wrong.
pub fn parse_personal(text: &str) -> Result<ScannedPerson, PersonalCodeError> {
    if let Some(vaora) = vaora::parse_vaora(text) {
        return vaora.map(ScannedPerson::Vaora);
    }
    let national = match PersonalCode::parse(text) {
        Ok(code) => return Ok(ScannedPerson::National(code)),
        Err(err) => err,
    };
    let card = match CccdCode::parse(text) {
        Ok(code) => return Ok(ScannedPerson::Cccd(code)),
        Err(err) => err,
    };
    match fields(text, '|', 7).len() {
        7 => Err(card),
        V11_REQUIRED_FIELDS..=V11_FIELDS => Err(national),
        _ => Err(PersonalCodeError::Unrecognized),
    }
}

/// What a declaration already says about the person it is for (the reference form's question
/// ids), from which the page builds their code; the ID number and birth year may be missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredPerson {
    pub full_name: Option<String>,
    /// Only if it is a valid ID document number.
    pub id_number: Option<String>,
    pub birth_year: Option<u16>,
    /// As a word for the code's extras ([`gender_word`]).
    pub gender: Option<&'static str>,
    pub insurance_number: Option<String>,
    /// Normalised to `0…`, only if it is a valid phone number.
    pub phone: Option<String>,
}

impl DeclaredPerson {
    /// Picks the person's details out of the answers to the declaration form.
    pub fn from_answers(answers: &Answers) -> DeclaredPerson {
        let text = |id: &str| match answers.get(id) {
            Some(Answer::Text(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
            _ => None,
        };
        DeclaredPerson {
            full_name: text("full_name").filter(|name| name_problem(name).is_none()),
            id_number: text("id_number").filter(|id| is_id_number(id)),
            birth_year: match answers.get("birth_year") {
                Some(Answer::Number(year)) => u16::try_from(*year).ok(),
                _ => None,
            },
            gender: text("gender").and_then(|option| gender_word(&option)),
            insurance_number: text("insurance_number").filter(|n| clean_field(n).is_ok()),
            phone: text("phone")
                .map(|phone| normalize_phone(&phone))
                .filter(|phone| phone_problem(phone).is_none()),
        }
    }

    /// The extras these details give.
    pub fn extras(&self) -> Extras {
        Extras {
            gender: self.gender.unwrap_or_default().to_owned(),
            insurance_number: self.insurance_number.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            ..Extras::default()
        }
    }
}

/// The gender word written in a code's extras for the reference form's option ids: the
/// Vietnamese word folded like a name (as the chip ID card's "Nam"/"Nữ" fold), so staff read
/// it and both kinds of code agree.
pub fn gender_word(option: &str) -> Option<&'static str> {
    match option {
        "male" => Some("NAM"),
        "female" => Some("NU"),
        "other" => Some("KHAC"),
        _ => None,
    }
}

/// `text` trimmed, split at `separator` into trimmed fields, with empty fields beyond the
/// format's `count` dropped from the end (a trailing separator is harmless).
fn fields(text: &str, separator: char, count: usize) -> Vec<&str> {
    let mut fields: Vec<&str> = text.trim().split(separator).map(str::trim).collect();
    while fields.len() > count && fields.last().is_some_and(|field| field.is_empty()) {
        fields.pop();
    }
    fields
}

/// A QID or an extra, trimmed; refused if it would break the code's structure.
fn clean_field(field: &str) -> Result<String, PersonalCodeError> {
    let field = field.trim();
    if field
        .chars()
        .any(|c| c == '|' || c == '<' || c.is_control())
    {
        return Err(PersonalCodeError::Field);
    }
    Ok(field.to_owned())
}

#[cfg(test)]
mod tests;
