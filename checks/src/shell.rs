//! Quoting for the commands the doctor prints.
//!
//! Contract: [`quote`] turns any text into one POSIX shell word that expands
//! to exactly that text, so a path or name taken from the host (a bundle
//! directory, XDG_RUNTIME_DIR, a user name) can be put into a remediation
//! command, and into the `setup` script root runs, without becoming shell.
//! Text made only of characters no shell treats specially is left as it is,
//! so everyday commands read as a person would type them.

use std::borrow::Cow;
use std::path::Path;

/// `text` as one shell word: unchanged when it is plain, else single-quoted
/// with each `'` written as `'\''`.
pub fn quote(text: &str) -> Cow<'_, str> {
    if !text.is_empty() && text.chars().all(is_plain) {
        return Cow::Borrowed(text);
    }
    let mut word = String::with_capacity(text.len() + 2);
    word.push('\'');
    for c in text.chars() {
        if c == '\'' {
            word.push_str("'\\''");
        } else {
            word.push(c);
        }
    }
    word.push('\'');
    Cow::Owned(word)
}

/// A path as one shell word (bytes that are not UTF-8 are shown as U+FFFD).
pub fn quote_path(path: &Path) -> String {
    quote(&path.to_string_lossy()).into_owned()
}

/// Characters that mean nothing to a POSIX shell in any position of a word.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ',' | ':' | '@' | '%')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn plain_words_stay_as_they_are() {
        for text in ["/run/user/1000", "rdtest", "cap_setuid+ep", "200000-265535"] {
            assert_eq!(quote(text), text);
        }
    }

    #[test]
    fn a_real_shell_reads_back_exactly_the_text() {
        let hostile = [
            "",
            "a b",
            "x; touch /tmp/pwned",
            "$(reboot)",
            "`id`",
            "it's",
            "'''",
            "tab\there",
            "line\nbreak",
            "~root",
            "*",
            "-n",
            "a\\b",
            "\"quoted\"",
            "ünïcödé dir",
            "=x",
            "#comment",
        ];
        for text in hostile {
            let script = format!("printf '%s' {}", quote(text));
            let out = Command::new("sh")
                .arg("-c")
                .arg(&script)
                .output()
                .expect("sh runs");
            assert!(out.status.success(), "{script}");
            assert_eq!(String::from_utf8_lossy(&out.stdout), text, "{script}");
        }
    }
}
