//! The QR on the chip ID card (CCCD), as commonly observed:
//! `ID12|oldID9|Full Name|DDMMYYYY|Gender|Address|IssueDDMMYYYY` (the old ID may be empty).

use super::{fields, fold_name, CalendarDate, Declarant, Extras, PersonalCode, PersonalCodeError};

/// Fields of the chip ID card's QR.
const CCCD_FIELDS: usize = 7;

/// What the chip ID card's QR says about its holder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CccdCode {
    /// The 12-digit card number (the personal identification number).
    pub id_number: String,
    /// The 9-digit ID card number it replaced, if any.
    pub old_id_number: Option<String>,
    /// The name as printed on the card, with its diacritics.
    pub full_name: String,
    pub birth_date: CalendarDate,
    /// As printed on the card ("Nam", "Nữ").
    pub gender: String,
    /// The permanent address as printed on the card.
    pub address: String,
    pub issue_date: CalendarDate,
}

impl CccdCode {
    /// Parses the card's QR text: exactly seven fields (trailing empty ones beyond are
    /// ignored, surrounding whitespace too), digits where the card has digits, real dates.
    pub fn parse(text: &str) -> Result<CccdCode, PersonalCodeError> {
        let fields = fields(text, '|', CCCD_FIELDS);
        let [id, old_id, name, birth, gender, address, issued] = fields.as_slice() else {
            return Err(PersonalCodeError::FieldCount);
        };
        if id.len() != 12 || !all_digits(id) {
            return Err(PersonalCodeError::IdNumber);
        }
        let old_id_number = match *old_id {
            "" => None,
            old if old.len() == 9 && all_digits(old) => Some(old.to_owned()),
            _ => return Err(PersonalCodeError::OldIdNumber),
        };
        if name.is_empty() || !name.chars().any(char::is_alphabetic) {
            return Err(PersonalCodeError::Name);
        }
        let birth_date = CalendarDate::parse_dmy(birth).ok_or(PersonalCodeError::BirthDate)?;
        if gender.is_empty() {
            return Err(PersonalCodeError::Gender);
        }
        let issue_date = CalendarDate::parse_dmy(issued).ok_or(PersonalCodeError::IssueDate)?;
        Ok(CccdCode {
            id_number: (*id).to_owned(),
            old_id_number,
            full_name: (*name).to_owned(),
            birth_date,
            gender: (*gender).to_owned(),
            address: (*address).to_owned(),
            issue_date,
        })
    }

    /// The same person as a self-declared v1.1 personal code (name folded, gender as the
    /// card writes it, folded too), so a kiosk can treat both alike.
    pub fn to_personal(&self) -> Result<PersonalCode, PersonalCodeError> {
        PersonalCode::new(
            &self.id_number,
            &self.full_name,
            self.birth_date,
            Declarant::Holder,
        )?
        .with_extras(Extras {
            gender: fold_name(&self.gender),
            ..Extras::default()
        })
    }
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}
