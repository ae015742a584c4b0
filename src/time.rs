//! Moments in time as claims give them (`valid_from`, `valid_to`): a date (`2024-03-01`) or an
//! RFC 3339 date-time (`2024-03-01T09:30:00+01:00`), turned into one comparable [`Instant`].
//!
//! A date stands for its first moment, midnight UTC: a date has no time zone, and a KB that
//! mixes dates and date-times needs one reading of them. Written by hand rather than with a
//! date crate: the two grammars are small, and nothing else in kblint reads dates.

use std::fmt;

/// A moment: seconds since 1970-01-01T00:00:00Z and the nanoseconds within that second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

/// Why a text is not a date or a date-time, in words for a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTime(pub String);

impl fmt::Display for BadTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a date (`YYYY-MM-DD`) or an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`,
/// with `T`, `t` or a space between date and time).
pub fn parse(text: &str) -> Result<Instant, BadTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !text.is_ascii() {
        return Err(bad(text));
    }
    let (year, month, day) = date(&text[..10]).ok_or_else(|| bad(text))?;
    if month == 0 || month > 12 {
        return Err(BadTime(format!("`{text}` has no month {month}")));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(BadTime(format!(
            "`{text}`: {year:04}-{month:02} has no day {day}"
        )));
    }
    let days = days_from_civil(year, month, day);
    if bytes.len() == 10 {
        return Ok(Instant {
            seconds: days * 86_400,
            nanos: 0,
        });
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return Err(bad(text));
    }
    let rest = &text[11..];
    let (hour, minute, second, rest) = clock(rest).ok_or_else(|| bad(text))?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err(BadTime(format!("`{text}` is not a time of day")));
    }
    let (nanos, rest) = fraction(rest).ok_or_else(|| bad(text))?;
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => {
                    return Err(BadTime(format!(
                        "`{text}` has no time zone (`Z` or `+HH:MM`)"
                    )));
                }
            };
            let (h, m) = zone(&rest[1..]).ok_or_else(|| bad(text))?;
            if h > 23 || m > 59 {
                return Err(BadTime(format!("`{text}` has no such time zone")));
            }
            sign * (h * 3600 + m * 60)
        }
    };
    Ok(Instant {
        seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    })
}

fn bad(text: &str) -> BadTime {
    BadTime(format!(
        "`{text}` is not a date (`YYYY-MM-DD`) or an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SSZ`)"
    ))
}

/// `YYYY-MM-DD` as numbers, unchecked.
fn date(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some((digits(&s[..4])?, digits(&s[5..7])?, digits(&s[8..10])?))
}

/// `HH:MM:SS` and what follows it.
fn clock(s: &str) -> Option<(i64, i64, i64, &str)> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((
        digits(s.get(..2)?)?,
        digits(s.get(3..5)?)?,
        digits(s.get(6..8)?)?,
        &s[8..],
    ))
}

/// An optional `.digits` as nanoseconds (past nine digits ignored), and what follows it.
fn fraction(s: &str) -> Option<(u32, &str)> {
    let Some(after) = s.strip_prefix('.') else {
        return Some((0, s));
    };
    let end = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    if end == 0 {
        return None;
    }
    let mut nanos: u32 = 0;
    for (i, d) in after[..end].bytes().take(9).enumerate() {
        nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
    }
    Some((nanos, &after[end..]))
}

/// `HH:MM` of a time zone offset.
fn zone(s: &str) -> Option<(i64, i64)> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    Some((digits(&s[..2])?, digits(&s[3..])?))
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        parse(text).unwrap().seconds
    }

    #[test]
    fn dates_are_midnight_utc() {
        assert_eq!(at("1970-01-01"), 0);
        assert_eq!(at("2000-03-01"), 951_868_800);
        assert_eq!(at("2024-02-29"), 1_709_164_800);
    }

    #[test]
    fn date_times_honour_their_offset() {
        assert_eq!(at("1970-01-01T01:00:00+01:00"), 0);
        assert_eq!(at("1970-01-01t00:00:00z"), 0);
        assert_eq!(at("1969-12-31 23:00:00-01:00"), 0);
        let t = parse("2024-03-01T09:30:00.25Z").unwrap();
        assert_eq!(t.nanos, 250_000_000);
        assert!(parse("2024-03-01T09:30:00Z").unwrap() < t);
    }

    #[test]
    fn malformed_times_say_why() {
        for bad in [
            "2024",
            "2024-3-1",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-03-01T25:00:00Z",
            "2024-03-01T09:30:00",
            "2024-03-01T09:30Z",
            "2024-03-01T09:30:00+1",
            "2024-03-01T09:30:00.Z",
            "next year",
            "２０２４-01-01",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("2023-02-29").unwrap_err().0.contains("no day 29"));
    }
}
