//! os-release: which distribution this is, read through [`HostFs`].
//!
//! `/etc/os-release` first, then `/usr/lib/os-release`, as os-release(5) says.
//! The fields the doctor uses are `ID`, `ID_LIKE`, `VERSION_ID` and
//! `PRETTY_NAME`; values may be quoted, lines that are not `KEY=value` are
//! ignored.

use crate::host::HostFs;

/// The distribution facts that choose remediation commands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OsRelease {
    /// `ID`, lower case; empty when unknown.
    pub id: String,
    /// `ID_LIKE`, split on whitespace.
    pub id_like: Vec<String>,
    pub version_id: Option<String>,
    pub pretty_name: Option<String>,
}

impl OsRelease {
    /// Reads the host's os-release; an unknown distribution when neither file is there.
    pub fn read(host: &HostFs) -> Self {
        ["/etc/os-release", "/usr/lib/os-release"]
            .iter()
            .find_map(|path| host.read_text(path).ok())
            .map(|text| Self::parse(&text))
            .unwrap_or_default()
    }

    /// Parses os-release text.
    pub fn parse(text: &str) -> Self {
        let mut release = OsRelease::default();
        for line in text.lines() {
            let Some((key, value)) = line.trim().split_once('=') else {
                continue;
            };
            let value = unquote(value.trim());
            match key.trim() {
                "ID" => release.id = value.to_ascii_lowercase(),
                "ID_LIKE" => {
                    release.id_like = value
                        .split_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect()
                }
                "VERSION_ID" => release.version_id = Some(value),
                "PRETTY_NAME" => release.pretty_name = Some(value),
                _ => {}
            }
        }
        release
    }

    /// True when `ID` or any `ID_LIKE` entry is `name`.
    pub fn is_like(&self, name: &str) -> bool {
        self.id == name || self.id_like.iter().any(|like| like == name)
    }
}

fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_values_and_id_like() {
        let release = OsRelease::parse(
            "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n\
             VERSION_ID='9.3'\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue \\\"Onyx\\\")\"\njunk line\n",
        );
        assert_eq!(release.id, "rocky");
        assert_eq!(release.id_like, ["rhel", "centos", "fedora"]);
        assert_eq!(release.version_id.as_deref(), Some("9.3"));
        assert_eq!(
            release.pretty_name.as_deref(),
            Some("Rocky Linux 9.3 (Blue \"Onyx\")")
        );
        assert!(release.is_like("fedora"));
    }

    #[test]
    fn garbage_gives_an_unknown_distribution() {
        assert_eq!(OsRelease::parse("\0\0=\n==\n"), OsRelease::default());
    }
}
