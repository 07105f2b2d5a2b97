//! `bundle.config`: config.json reads as runc reads it (one JSON value,
//! trailing bytes ignored), parsed once by [`crate::spec`].
//!
//! Decisions: docs/checks/bundle.md, section `bundle.config`.

use super::{no_bundle, Code};
use crate::check::{CheckDef, Context, Outcome};
use crate::model::{Evidence, Remediation};
use crate::shell::{quote, quote_path};
use crate::spec::{ConfigError, Loaded, CONFIG_LIMIT};
use std::path::Path;

pub static CONFIG: CheckDef = CheckDef {
    id: "bundle.config",
    title: "bundle config.json",
    description: "config.json exists in the bundle, is a regular file and parses as an OCI \
                  runtime spec the way runc reads it (one JSON value, trailing bytes ignored); \
                  a syntax error is reported with its line and column.",
    codes: &[
        Code::NoBundle.code(),
        Code::ConfigMissing.code(),
        Code::ConfigNotAFile.code(),
        Code::ConfigTooLarge.code(),
        Code::ConfigUnreadable.code(),
        Code::ConfigEmpty.code(),
        Code::SyntaxError.code(),
        Code::TypeError.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    match ctx.bundle {
        Some(bundle) => judge_config(&bundle.dir, &bundle.config),
        None => no_bundle(),
    }
}

fn regenerate(dir: &Path) -> Remediation {
    Remediation::root(
        "write a fresh rootless config.json into the bundle (then re-apply your changes)",
        vec![format!("cd {} && runc spec --rootless", quote_path(dir))],
    )
    .as_user()
}

/// Judges how config.json loaded.
pub fn judge_config(dir: &Path, loaded: &Result<Loaded, ConfigError>) -> Outcome {
    let path = dir.join("config.json").display().to_string();
    match loaded {
        Ok(loaded) => {
            let version = loaded.spec.oci_version.as_deref().unwrap_or("(not set)");
            let mut out = Outcome::pass(format!(
                "{path} parses as an OCI runtime spec (ociVersion {version}, {} bytes)",
                loaded.size
            ))
            .with(Evidence::fact("ociVersion", version));
            if loaded.trailing {
                out = out.with(Evidence::fact(
                    "after the JSON object",
                    "more bytes, which runc ignores (it decodes one JSON value)",
                ));
            }
            out
        }
        Err(ConfigError::Missing) => Outcome::fail(
            Code::ConfigMissing,
            format!(
                "no config.json in {}; runc will fail: JSON specification file config.json not \
                 found",
                dir.display()
            ),
        )
        .with(Evidence::fact("bundle", dir.display().to_string()))
        .fix(regenerate(dir)),
        Err(ConfigError::NotAFile { kind }) => Outcome::fail(
            Code::ConfigNotAFile,
            format!(
                "{path} is {kind}, not a file; runc will fail reading it (a fifo would even \
                 block it)"
            ),
        )
        .with(Evidence::fact("config.json", *kind))
        .fix(regenerate(dir)),
        Err(ConfigError::TooLarge { size }) => Outcome::error(
            Code::ConfigTooLarge,
            format!(
                "{path} is {size} bytes, more than the {} MiB the doctor reads; not checked",
                CONFIG_LIMIT / (1024 * 1024)
            ),
        )
        .with(Evidence::fact("size", size.to_string())),
        Err(ConfigError::Unreadable { reason }) => Outcome::fail(
            Code::ConfigUnreadable,
            format!("cannot read {path}: {reason}; runc will fail the same way"),
        )
        .with(Evidence::fact("error", reason.clone()))
        .fix(
            Remediation::root(
                "make config.json readable by the user who runs the runtime",
                vec![format!("chmod a+r {}", quote(&path))],
            )
            .as_user(),
        ),
        Err(ConfigError::Empty) => Outcome::fail(
            Code::ConfigEmpty,
            format!("{path} is empty; runc will fail: EOF"),
        )
        .fix(regenerate(dir)),
        Err(ConfigError::Syntax {
            line,
            column,
            message,
            excerpt,
        }) => Outcome::fail(
            Code::SyntaxError,
            format!(
                "{path} is not valid JSON at line {line} column {column}: {message}; runc will \
                 fail parsing it (Go reports it as invalid character ... or unexpected EOF)"
            ),
        )
        .with(Evidence::file_line(
            path.clone(),
            *line as u32,
            excerpt.clone(),
        ))
        .fix(
            Remediation::root(
                format!("fix the JSON at line {line} column {column}"),
                vec![format!("python3 -m json.tool {}", quote(&path))],
            )
            .as_user(),
        ),
        Err(ConfigError::Type {
            line,
            column,
            message,
            excerpt,
        }) => {
            let at = if *line > 0 {
                format!(" at line {line} column {column}")
            } else {
                String::new()
            };
            let mut out = Outcome::fail(
                Code::TypeError,
                format!(
                    "{path} has a field of the wrong type{at}: {message}; runc will fail: json: \
                     cannot unmarshal ... into Go struct field"
                ),
            );
            if *line > 0 {
                out = out.with(Evidence::file_line(
                    path.clone(),
                    *line as u32,
                    excerpt.clone(),
                ));
            }
            out.fix(
                Remediation::root(
                    "give the field the type the runtime spec requires (ids are unsigned numbers, args and env are lists of strings)",
                    vec![format!("python3 -m json.tool {}", quote(&path))],
                )
                .as_user(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_bundle_path_stays_one_word_in_the_fix() {
        let fix = regenerate(Path::new("/tmp/b; touch /tmp/pwned $(id)"));
        assert_eq!(
            fix.commands,
            ["cd '/tmp/b; touch /tmp/pwned $(id)' && runc spec --rootless"]
        );
    }

    #[test]
    fn config_errors_name_line_and_runc() {
        let dir = Path::new("/b");
        let out = judge_config(
            dir,
            &Err(ConfigError::Syntax {
                line: 3,
                column: 7,
                message: "expected `,` or `}`".into(),
                excerpt: "  \"x\" 1".into(),
            }),
        );
        assert!(out.message.contains("line 3 column 7"), "{}", out.message);
        assert!(out.is(Code::SyntaxError));
        assert_eq!(
            out.evidence[0],
            Evidence::file_line("/b/config.json", 3, "  \"x\" 1")
        );
        let out = judge_config(dir, &Err(ConfigError::Missing));
        assert_eq!(
            out.message,
            "no config.json in /b; runc will fail: JSON specification file config.json not found"
        );
        assert!(out.is(Code::ConfigMissing));
        let out = judge_config(dir, &Err(ConfigError::TooLarge { size: 1 << 30 }));
        assert_eq!(out.status, crate::Status::Error);
        assert!(out.is(Code::ConfigTooLarge));
    }

    #[test]
    fn each_load_error_has_its_code() {
        let dir = Path::new("/b");
        let cases = [
            (
                ConfigError::NotAFile {
                    kind: "a directory",
                },
                Code::ConfigNotAFile,
            ),
            (
                ConfigError::Unreadable {
                    reason: "Permission denied (os error 13)".into(),
                },
                Code::ConfigUnreadable,
            ),
            (ConfigError::Empty, Code::ConfigEmpty),
            (
                ConfigError::Type {
                    line: 0,
                    column: 0,
                    message: "invalid type: string \"root\", expected u32".into(),
                    excerpt: String::new(),
                },
                Code::TypeError,
            ),
        ];
        for (error, code) in cases {
            let out = judge_config(dir, &Err(error));
            assert_eq!(out.status, crate::Status::Fail, "{}", out.message);
            assert!(out.is(code), "{:?} for {}", out.code, out.message);
        }
    }
}
