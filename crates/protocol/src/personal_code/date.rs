//! Calendar dates as the personal codes write them: `YYYY-MM-DD` (v1.1) and `DDMMYYYY` (CCCD).

use std::fmt;

/// A real day of the Gregorian calendar, years 1900 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    year: u16,
    month: u8,
    day: u8,
}

impl CalendarDate {
    /// The date, if it exists (no 30 February, 29 February only in leap years).
    pub fn new(year: u16, month: u8, day: u8) -> Option<CalendarDate> {
        let exists = (1900..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        exists.then_some(CalendarDate { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly (ten characters, zero-padded).
    pub fn parse_iso(text: &str) -> Option<CalendarDate> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        CalendarDate::new(
            digits(&text[..4])?,
            digits(&text[5..7])?,
            digits(&text[8..])?,
        )
    }

    /// Parses `DDMMYYYY` exactly (eight digits), as on the chip ID card's QR.
    pub fn parse_dmy(text: &str) -> Option<CalendarDate> {
        if text.len() != 8 {
            return None;
        }
        CalendarDate::new(
            digits(text.get(4..)?)?,
            digits(text.get(2..4)?)?,
            digits(text.get(..2)?)?,
        )
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A number written with ASCII digits only (no sign, no spaces, which `str::parse` would
/// partly accept).
fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}
