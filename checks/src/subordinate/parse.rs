//! /etc/subuid and /etc/subgid, parsed exactly as shadow parses them.
//!
//! `owner:start:count`, exactly three fields; numbers as `strtoul` with base 0
//! reads them (a leading `0` is octal, `0x` hex, leading blanks are fine, any
//! trailing character, a space or a `\r`, rejects the line); `start` at most
//! 2^32-1 and `count` at most 2^32-start; lines of 1024 bytes or more are
//! rejected; lines starting with `+` or `-` are NIS entries, which the files
//! backend does not use; `count` 0 lines are dropped silently. There is no
//! comment syntax: a `#` line is just a line that does not parse. Shadow keeps
//! the lines it cannot parse and ignores them, so a subject's valid entry still
//! counts when other lines are garbage.

/// One valid entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub owner: String,
    pub start: u64,
    pub count: u64,
    /// 1-based line number.
    pub line: u32,
}

impl Entry {
    /// One past the last id of the range.
    pub fn end(&self) -> u64 {
        self.start + self.count
    }

    /// The line as shadow's tools write it.
    pub fn text(&self) -> String {
        format!("{}:{}:{}", self.owner, self.start, self.count)
    }

    /// True when the two ranges share an id.
    pub fn overlaps(&self, start: u64, count: u64) -> bool {
        self.start < start + count && start < self.end()
    }
}

/// A line shadow ignores, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// 1-based line number.
    pub line: u32,
    /// The line, shortened to something printable.
    pub text: String,
    pub reason: String,
}

/// A parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub malformed: Vec<Malformed>,
    /// The last line has no newline (shadow 4.19+ then refuses the whole file).
    pub missing_final_newline: bool,
}

/// The longest line shadow reads; longer lines are rejected.
pub const MAX_LINE: usize = 1023;

/// Parses a file's text.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed {
        missing_final_newline: !text.is_empty() && !text.ends_with('\n'),
        ..Parsed::default()
    };
    for (index, line) in text.split('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(Some((owner, start, count))) => parsed.entries.push(Entry {
                owner: owner.to_string(),
                start,
                count,
                line: number,
            }),
            Ok(None) => {}
            Err(reason) => parsed.malformed.push(Malformed {
                line: number,
                text: printable(line),
                reason,
            }),
        }
    }
    parsed
}

/// `Ok(None)` for lines shadow drops silently (count 0).
fn parse_line(line: &str) -> Result<Option<(&str, u64, u64)>, String> {
    if line.len() > MAX_LINE {
        return Err(format!("longer than {MAX_LINE} bytes"));
    }
    if line.starts_with('+') || line.starts_with('-') {
        return Err("a NIS entry, which the files backend does not use".to_string());
    }
    let fields: Vec<&str> = line.split(':').collect();
    if fields.len() != 3 {
        return Err(format!(
            "{} fields instead of 3 (owner:start:count)",
            fields.len()
        ));
    }
    let owner = fields[0];
    if owner.is_empty() {
        return Err("no owner".to_string());
    }
    let start = strtoul(fields[1])
        .ok_or_else(|| format!("start '{}' is not a number", printable(fields[1])))?;
    let count = strtoul(fields[2])
        .ok_or_else(|| format!("count '{}' is not a number", printable(fields[2])))?;
    if start > u64::from(u32::MAX) {
        return Err(format!("start {start} is beyond the 32-bit id space"));
    }
    if count > (1u64 << 32) - start {
        return Err(format!(
            "range {start}+{count} is beyond the 32-bit id space"
        ));
    }
    if count == 0 {
        return Ok(None);
    }
    Ok(Some((owner, start, count)))
}

/// `strtoul(text, &end, 0)` that must consume everything: leading blanks, an
/// optional `+`, then hex (`0x`), octal (leading `0`) or decimal digits.
fn strtoul(text: &str) -> Option<u64> {
    let digits = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    let (radix, body) = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(body, radix).ok()
}

/// A line as evidence: control characters escaped, at most 200 characters.
pub fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(200)
        .flat_map(char::escape_default)
        .collect();
    if text.chars().count() > 200 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Result<Option<(String, u64, u64)>, String> {
        parse_line(line).map(|o| o.map(|(owner, s, c)| (owner.to_string(), s, c)))
    }

    #[test]
    fn numbers_follow_strtoul_base_zero() {
        assert_eq!(
            one("alice:100000:65536"),
            Ok(Some(("alice".into(), 100000, 65536)))
        );
        assert_eq!(
            one("alice:0x186a0:0200000"),
            Ok(Some(("alice".into(), 100000, 65536)))
        );
        assert_eq!(
            one("alice:  100000:+65536"),
            Ok(Some(("alice".into(), 100000, 65536)))
        );
        assert_eq!(one("alice:0:1"), Ok(Some(("alice".into(), 0, 1))));
        assert!(one("alice:100000:65536 ").is_err(), "trailing space");
        assert!(one("alice:100000:65536\r").is_err(), "CRLF line");
        assert!(one("alice:08:1").is_err(), "8 is not octal");
        assert!(one("alice:-1:1").is_err());
        assert!(one("alice::1").is_err());
    }

    #[test]
    fn fields_owners_and_bounds() {
        assert!(one("alice:1:2:3").unwrap_err().contains("4 fields"));
        assert!(one("alice:1").is_err());
        assert!(one(":1:2").is_err());
        assert!(one("+alice:1:2").unwrap_err().contains("NIS"));
        assert!(one("-bob:1:2").is_err());
        // No comment syntax: this is an entry whose owner is "# alice".
        assert_eq!(one("# alice:1:2"), Ok(Some(("# alice".into(), 1, 2))));
        assert_eq!(one("alice:100000:0"), Ok(None), "count 0 is dropped");
        assert_eq!(
            one("alice:4294967295:1"),
            Ok(Some(("alice".into(), 4294967295, 1)))
        );
        assert!(one("alice:4294967296:1").is_err());
        assert!(one("alice:4294967295:2").is_err());
        assert!(one(&format!("alice:1:{}", "1".repeat(1100)))
            .unwrap_err()
            .contains("longer"));
    }

    #[test]
    fn a_file_keeps_line_numbers_and_notices_the_missing_newline() {
        let parsed = parse("# header\nalice:100000:65536\n\nbob:x:1\nbob:165536:65536");
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].line, 2);
        assert_eq!(parsed.entries[1].line, 5);
        let lines: Vec<u32> = parsed.malformed.iter().map(|m| m.line).collect();
        assert_eq!(lines, [1, 4]);
        assert!(parsed.missing_final_newline);
        assert!(!parse("alice:1:1\n").missing_final_newline);
    }

    #[test]
    fn binary_noise_is_escaped_not_a_panic() {
        let parsed = parse("\u{0}\u{1}:\u{7f}:é\nalice:1:1\n");
        assert_eq!(parsed.entries.len(), 1);
        assert!(parsed.malformed[0].text.contains("\\u{0}"));
    }
}
