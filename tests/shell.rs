//! Shell integration: `completions SHELL` and `man`, checked with their real
//! consumers: bash drives the completion function as it would on TAB, zsh and
//! fish parse their scripts, groff (and mandoc) render and lint the man page.
//! A consumer that is not installed is skipped with a note on stderr.

use crate::harness::{binary, Test};
use checks::registry::{BUNDLE_CHECKS, HOST_CHECKS};
use checks::CheckDef;
use std::io::Write;
use std::process::{Command, Stdio};

const SHELLS: &[&str] = &["bash", "zsh", "fish", "elvish", "powershell"];
const HIDDEN: &[&str] = &["--test-root", "--test-probes"];

/// Runs the doctor with these arguments (no fixture host) and returns stdout,
/// asserting exit 0 and an empty stderr.
fn doctor(args: &[&str]) -> String {
    let output = Command::new(binary()).args(args).output().expect("run");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "rootless-doctor {args:?}: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// Whether `program` can be run; a note on stderr when it cannot.
fn have(program: &str, test: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("skipped part of {test}: {program} is not installed");
    }
    found
}

/// Runs `program args` with `input` on stdin: (success, stdout, stderr).
fn pipe(program: &str, args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("write stdin");
    }
    let output = child.wait_with_output().expect("wait");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn all_checks() -> impl Iterator<Item = &'static &'static CheckDef> {
    HOST_CHECKS.iter().chain(BUNDLE_CHECKS)
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The man page as a reader sees it: rendered by groff as plain ASCII on one
/// very long line per paragraph, so no word is hyphenated or broken.
fn rendered_man() -> Option<String> {
    if !have("groff", "rendered_man") {
        return None;
    }
    let (ok, text, stderr) = pipe(
        "groff",
        &["-man", "-Tascii", "-rLL=2000n", "-P-cbou"],
        &doctor(&["man"]),
    );
    assert!(ok, "groff failed: {stderr}");
    Some(text)
}

#[test]
fn man_page_lists_every_check_with_its_title_and_description() {
    let Some(page) = rendered_man() else { return };
    let page = words(&page);
    for def in all_checks() {
        let entry = words(&format!("{} - {}", def.id, def.title));
        assert!(page.contains(&entry), "man page lacks {entry:?}");
        let description = words(def.description);
        assert!(
            page.contains(&description),
            "man page lacks the description of {}: {description:?}",
            def.id
        );
    }
}

#[test]
fn man_page_has_the_sections_and_every_visible_option_of_help() {
    let Some(page) = rendered_man() else { return };
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "CHECKS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "VERSION",
        "SEE ALSO",
    ] {
        assert!(
            page.lines().any(|line| line == section),
            "no {section} section"
        );
    }
    // Every long option --help shows (the other commands' too) is documented.
    let top = doctor(&["--help"]);
    let commands: Vec<&str> = top
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    let mut helps: Vec<String> = commands.iter().map(|c| doctor(&[c, "--help"])).collect();
    helps.push(top.clone());
    assert!(helps.len() > 5, "no subcommands found in --help");
    for help in &helps {
        for option in help.split_whitespace().filter(|w| w.starts_with("--")) {
            let option = option.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            assert!(page.contains(option), "man page lacks {option}");
        }
    }
    for hidden in HIDDEN {
        assert!(!page.contains(hidden), "man page shows hidden {hidden}");
    }
    let exit_status = page
        .split("EXIT STATUS")
        .nth(1)
        .and_then(|rest| rest.split("ENVIRONMENT").next())
        .unwrap_or_default();
    let codes: Vec<&str> = exit_status
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|word| word.parse::<u8>().is_ok())
        .collect();
    assert_eq!(codes, ["0", "1", "2", "3"]);
    for variable in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "SUDO_UID",
        "XDG_RUNTIME_DIR",
        "GITHUB_STEP_SUMMARY",
    ] {
        assert!(page.contains(variable), "ENVIRONMENT lacks {variable}");
    }
}

#[test]
fn man_page_passes_groff_and_mandoc_lint_without_warnings() {
    let page = doctor(&["man"]);
    if have("groff", "man_page_lint") {
        let (ok, _, stderr) = pipe("groff", &["-man", "-Tutf8", "-ww", "-z", "-k"], &page);
        assert!(ok && stderr.is_empty(), "groff warns:\n{stderr}");
    }
    if have("mandoc", "man_page_lint") {
        // Style notes (-W style) are not errors; warnings and above are.
        let (ok, stdout, stderr) = pipe("mandoc", &["-Tlint", "-Wwarning"], &page);
        assert!(
            ok && stdout.is_empty() && stderr.is_empty(),
            "mandoc -Tlint:\n{stdout}{stderr}"
        );
    }
}

/// What bash offers on TAB after `words` (the last one is being completed),
/// through the function the script registers with `complete -F`.
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let driver = r#"
        source "$1" || exit 90
        shift
        spec=$(complete -p rootless-doctor) || exit 91
        func=$(printf '%s\n' "$spec" | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
        [ -n "$func" ] || exit 92
        COMP_WORDS=("$@")
        COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        prev=""
        [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
        "$func" rootless-doctor "${COMP_WORDS[COMP_CWORD]}" "$prev"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", driver, "driver"])
        .arg(script)
        .args(words)
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "bash completion driver failed ({:?}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_completes_commands_options_and_values() {
    if !have("bash", "bash_completion") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("rootless-doctor.bash");
    std::fs::write(&script, doctor(&["completions", "bash"])).expect("write script");

    assert_eq!(
        bash_complete(&script, &["rootless-doctor", "comp"]),
        ["completions"]
    );
    let mut formats = bash_complete(&script, &["rootless-doctor", "--format", ""]);
    formats.sort();
    assert!(
        formats.contains(&"human".to_string()) && formats.contains(&"json".to_string()),
        "--format offers {formats:?}"
    );
    // Bash offers the options beside the values of a positional argument.
    let mut shells: Vec<String> = bash_complete(&script, &["rootless-doctor", "completions", ""])
        .into_iter()
        .filter(|word| !word.starts_with('-'))
        .collect();
    shells.sort();
    let mut expected: Vec<&str> = SHELLS.to_vec();
    expected.sort();
    assert_eq!(shells, expected);
    // Global options after a subcommand, and no hidden test options anywhere.
    let options = bash_complete(&script, &["rootless-doctor", "bundle", "--"]);
    assert!(options.contains(&"--only".to_string()), "{options:?}");
    let top = bash_complete(&script, &["rootless-doctor", "--"]);
    assert!(top.contains(&"--no-probe".to_string()), "{top:?}");
    for hidden in HIDDEN {
        assert!(!top.contains(&hidden.to_string()), "bash offers {hidden}");
        assert!(
            !options.contains(&hidden.to_string()),
            "bash offers {hidden}"
        );
    }
}

#[test]
fn completion_scripts_parse_and_hide_the_test_options() {
    for shell in SHELLS {
        let script = doctor(&["completions", shell]);
        // fish spells options without dashes (`-l no-probe`).
        assert!(script.contains("no-probe"), "{shell} lacks --no-probe");
        assert!(script.contains("completions"), "{shell} lacks completions");
        for hidden in HIDDEN {
            let name = hidden.trim_start_matches('-');
            assert!(!script.contains(name), "{shell} completes {hidden}");
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (shell, args) in [
        ("bash", &["-n"][..]),
        ("zsh", &["-n"][..]),
        ("fish", &["--no-execute"][..]),
    ] {
        if !have(shell, "completion_scripts_parse") {
            continue;
        }
        let path = dir.path().join(format!("completion.{shell}"));
        std::fs::write(&path, doctor(&["completions", shell])).expect("write script");
        let output = Command::new(shell)
            .args(args)
            .arg(&path)
            .output()
            .expect("run shell");
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{shell} rejects its completion script:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn completions_and_man_take_only_the_human_format() {
    Test::new()
        .args(&["completions", "bash", "--format", "json"])
        .run()
        .code(2)
        .stderr_has("`completions` does not take --format json");
    Test::new()
        .args(&["--format", "json", "man"])
        .run()
        .code(2)
        .stderr_has("`man` does not take --format json");
    Test::new()
        .args(&["completions", "tcsh"])
        .run()
        .code(2)
        .stderr_has("tcsh");
    Test::new().args(&["completions"]).run().code(2);
}

/// What fish offers for `line` (`complete -C`), candidates without descriptions.
fn fish_complete(script: &std::path::Path, line: &str) -> Vec<String> {
    let output = Command::new("fish")
        .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
        .arg(script)
        .arg(line)
        .output()
        .expect("run fish");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "fish completion failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut offered: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split('\t').next().unwrap_or("").to_string())
        .collect();
    offered.sort();
    offered
}

#[test]
fn fish_completion_completes_commands_values_and_shells() {
    if !have("fish", "fish_completion") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("rootless-doctor.fish");
    std::fs::write(&script, doctor(&["completions", "fish"])).expect("write script");
    assert_eq!(
        fish_complete(&script, "rootless-doctor comp"),
        ["completions"]
    );
    let formats = fish_complete(&script, "rootless-doctor check --format ");
    assert!(
        formats.contains(&"human".to_string()) && formats.contains(&"json".to_string()),
        "--format offers {formats:?}"
    );
    let mut expected: Vec<&str> = SHELLS.to_vec();
    expected.sort();
    assert_eq!(
        fish_complete(&script, "rootless-doctor completions "),
        expected
    );
    let options = fish_complete(&script, "rootless-doctor check --");
    assert!(options.contains(&"--no-probe".to_string()), "{options:?}");
    assert!(
        !options.iter().any(|o| o.starts_with("--test")),
        "{options:?}"
    );
}
