//! IMF-fixdate (RFC 9110 §5.6.7) from milliseconds since the Unix epoch, as JavaScript's
//! `Date.prototype.toUTCString()` prints it for the years 1970–9999.

use crate::error::{ErrorCode, Result, fail};

/// The last millisecond of the year 9999, the largest instant an IMF-fixdate can hold.
pub const MAX_EXPIRES_MS: u64 = 253_402_300_799_999;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MS_PER_DAY: u64 = 86_400_000;

/// Formats `ms` as `Thu, 01 Jan 1970 00:00:00 GMT`, dropping the milliseconds.
///
/// Fails with `INVALID_OPTION` beyond the year 9999, which has no four-digit year.
pub fn imf_fixdate(ms: u64) -> Result<String> {
    if ms > MAX_EXPIRES_MS {
        return Err(fail(
            ErrorCode::InvalidOption,
            format!("Expires {ms} ms is after the year 9999, the last an IMF-fixdate can hold"),
        ));
    }
    let days = ms / MS_PER_DAY;
    let seconds_of_day = (ms % MS_PER_DAY) / 1000;
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[((days + 4) % 7) as usize];
    Ok(format!(
        "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        MONTHS[(month - 1) as usize],
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
    ))
}

/// The proleptic Gregorian (year, month 1–12, day 1–31) of a day count since 1970-01-01.
///
/// Howard Hinnant's `civil_from_days`, restricted to non-negative day counts: eras are 400-year
/// cycles starting on 0000-03-01, so the leap day falls at the end of each shifted year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> String {
        imf_fixdate(ms).unwrap()
    }

    #[test]
    fn formats_known_instants() {
        // Expected strings are what `new Date(ms).toUTCString()` prints on Node 20.
        let cases: &[(u64, &str)] = &[
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (999, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (86_399_999, "Thu, 01 Jan 1970 23:59:59 GMT"),
            (951_782_400_000, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (951_868_800_000, "Wed, 01 Mar 2000 00:00:00 GMT"),
            (1_078_012_800_000, "Sun, 29 Feb 2004 00:00:00 GMT"),
            (1_709_164_800_000, "Thu, 29 Feb 2024 00:00:00 GMT"),
            (1_764_000_000_000, "Mon, 24 Nov 2025 16:00:00 GMT"),
            (2_147_483_647_000, "Tue, 19 Jan 2038 03:14:07 GMT"),
            (2_147_483_648_000, "Tue, 19 Jan 2038 03:14:08 GMT"),
            (4_107_542_400_000, "Mon, 01 Mar 2100 00:00:00 GMT"),
            (4_107_456_000_000, "Sun, 28 Feb 2100 00:00:00 GMT"),
            (32_503_680_000_000, "Wed, 01 Jan 3000 00:00:00 GMT"),
            (MAX_EXPIRES_MS, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ];
        for (ms, expected) in cases {
            assert_eq!(at(*ms), *expected, "ms = {ms}");
        }
    }

    #[test]
    fn rejects_years_after_9999() {
        let error = imf_fixdate(MAX_EXPIRES_MS + 1).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidOption);
        assert_eq!(
            imf_fixdate(u64::MAX).unwrap_err().code(),
            ErrorCode::InvalidOption
        );
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // Walks 1970..2500 day by day: the calendar must advance by exactly one day each time,
        // with 29 February only in leap years.
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..(530 * 366) {
            let (year, month, day) = civil_from_days(days);
            let (py, pm, pd) = previous;
            let leap = (py % 4 == 0 && py % 100 != 0) || py % 400 == 0;
            let month_length = match pm {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let expected = if pd < month_length {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((year, month, day), expected, "day {days}");
            previous = (year, month, day);
        }
    }
}
