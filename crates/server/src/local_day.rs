//! Days on Vietnam's clock (UTC+7, no daylight saving): where "today" starts, a calendar day
//! as `YYYY-MM-DD` or `dd/mm/yyyy`, for statistics, reports and posters' issue dates.

/// Vietnam's offset from UTC.
pub const VIETNAM_OFFSET_MS: i64 = 7 * 3_600_000;
/// One day in ms.
pub const DAY_MS: i64 = 86_400_000;

/// Local midnight (UTC+7) at or before `unix_ms`.
pub fn start_of_local_day(unix_ms: i64) -> i64 {
    LocalDay::of(unix_ms).start()
}

/// A calendar day in Vietnam, counted in days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDay(pub i64);

impl LocalDay {
    /// The day `unix_ms` falls on in Vietnam.
    pub fn of(unix_ms: i64) -> Self {
        Self((unix_ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS))
    }

    /// `YYYY-MM-DD` (a real date from year 1970 to 9999), else `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(year) && digits(month) && digits(day)) {
            return None;
        }
        let (year, month, day): (i64, u32, u32) =
            (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
        if year < 1970 || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        let parsed = Self(days_from_civil(year, month, day));
        // 31 February comes back as another date: refuse it.
        (parsed.civil() == (year, month, day)).then_some(parsed)
    }

    /// Its first millisecond (unix ms).
    pub fn start(self) -> i64 {
        self.0 * DAY_MS - VIETNAM_OFFSET_MS
    }

    /// The first millisecond of the next day (unix ms).
    pub fn end(self) -> i64 {
        self.start() + DAY_MS
    }

    /// `n` days earlier.
    pub fn minus(self, n: i64) -> Self {
        Self(self.0 - n)
    }

    /// (year, month, day).
    pub fn civil(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (year, month, day) = self.civil();
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// `dd/mm/yyyy`, as Vietnamese documents write dates.
    pub fn dmy(self) -> String {
        let (year, month, day) = self.civil();
        format!("{day:02}/{month:02}/{year:04}")
    }
}

/// Days since 1970-01-01 → proleptic Gregorian (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The inverse of [`civil_from_days`] (the same algorithm's other half).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_starts_at_midnight_in_vietnam() {
        // 2026-11-23 09:00 in Hà Nội is 02:00 UTC; the day began at 2026-11-22 17:00 UTC.
        let nine_am = 1_795_399_200_000;
        assert_eq!(start_of_local_day(nine_am), 1_795_366_800_000);
        // 23:30 local (16:30 UTC) is still the same day.
        assert_eq!(start_of_local_day(1_795_451_400_000), 1_795_366_800_000);
        // Local midnight itself starts the day.
        assert_eq!(start_of_local_day(1_795_366_800_000), 1_795_366_800_000);
    }

    #[test]
    fn days_read_and_write_as_calendar_dates() {
        let day = LocalDay::parse("2026-11-23").expect("date");
        assert_eq!(day.start(), 1_795_366_800_000);
        assert_eq!(day.end() - day.start(), DAY_MS);
        assert_eq!(day.iso(), "2026-11-23");
        assert_eq!(day.dmy(), "23/11/2026");
        assert_eq!(LocalDay::of(1_795_399_200_000), day);
        assert_eq!(
            LocalDay::parse("2024-02-29").map(LocalDay::dmy).as_deref(),
            Some("29/02/2024")
        );
        assert_eq!(
            LocalDay::parse("2021-08-14").expect("date").minus(13).iso(),
            "2021-08-01"
        );
        assert_eq!(LocalDay::parse("1970-01-01"), Some(LocalDay(0)));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-11-23",
            "2026-11-23x",
            "",
            "２０２６-11-23",
            "1969-12-31",
        ] {
            assert_eq!(LocalDay::parse(bad), None, "{bad}");
        }
    }
}
