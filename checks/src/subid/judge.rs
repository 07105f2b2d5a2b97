//! The verdict on one subordinate id file, from [`Facts`], shared by
//! `subid.subuid` and `subid.subgid`.
//!
//! Every problem found is named in the message, failures first; the outcome
//! carries the [`Code`] of the first one named. Decisions: docs/checks/subid.md,
//! section `subid.subuid`.

use super::facts::Facts;
use super::Code;
use crate::check::Outcome;
use crate::model::{Evidence, Remediation};
use crate::shell::quote;
use crate::subordinate::alloc::{inclusive, FULL};
use crate::subordinate::{SubidFile, Unusable, MAX_FILE};

const LAST_ID: u64 = u32::MAX as u64 - 1;

fn names(file: SubidFile) -> (&'static str, &'static str, &'static str) {
    match file {
        SubidFile::Uid => ("uid", "--add-subuids", "--del-subuids"),
        SubidFile::Gid => ("gid", "--add-subgids", "--del-subgids"),
    }
}

/// The codes of `subid.subuid` and `subid.subgid`: the same causes in
/// either file.
pub(super) const CODES: &[crate::model::Code] = &[
    Code::FileMissing.code(),
    Code::FileSymlink.code(),
    Code::FileUnreadable.code(),
    Code::FileTooLarge.code(),
    Code::NoEntry.code(),
    Code::HoldsOwnId.code(),
    Code::PastIdSpace.code(),
    Code::OverlapsOtherRange.code(),
    Code::TooFewIds.code(),
    Code::HoldsAccountId.code(),
    Code::MalformedLines.code(),
    Code::NoFinalNewline.code(),
    Code::NssSource.code(),
];

/// Judges one file.
pub fn judge(facts: &Facts) -> Outcome {
    let path = facts.file.path();
    let (kind, _, _) = names(facts.file);
    let name = &facts.subject;
    let mut evidence: Vec<Evidence> = facts
        .subject_entries
        .iter()
        .map(|e| Evidence::file_line(path, e.line, e.text()))
        .collect();
    evidence.extend(
        facts.malformed.iter().take(20).map(|m| {
            Evidence::file_line(path, m.line, format!("{} (ignored: {})", m.text, m.reason))
        }),
    );
    let mut fails: Vec<(Code, String)> = Vec::new();
    let mut warns: Vec<(Code, String)> = Vec::new();
    let mut fixes: Vec<Remediation> = Vec::new();
    let total: u64 = facts.subject_entries.iter().map(|e| e.count).sum();

    if let Some(unusable) = &facts.unusable {
        let (code, message, fix) = unusable_problem(facts, unusable);
        fails.push((code, message));
        fixes.extend(fix);
    } else if facts.subject_entries.is_empty() {
        fails.push((Code::NoEntry, format!("{name} has no entry in {path}")));
        fixes.extend(add_fix(facts, "give"));
    } else {
        evidence.push(Evidence::fact(
            format!("subordinate {kind}s of {name}"),
            total.to_string(),
        ));
        let mut bad: Vec<(u64, u64)> = Vec::new();
        for entry in &facts.subject_entries {
            if entry.overlaps(facts.own_id, 1) {
                fails.push((
                    Code::HoldsOwnId,
                    format!(
                        "{name}'s range {} on line {} holds {name}'s own {kind} {}",
                        entry.text(),
                        entry.line,
                        facts.own_id
                    ),
                ));
                bad.push((entry.start, entry.count));
            } else if entry.end() > LAST_ID + 1 {
                fails.push((
                    Code::PastIdSpace,
                    format!(
                        "{name}'s range {} on line {} reaches past the last id {LAST_ID}",
                        entry.text(),
                        entry.line
                    ),
                ));
                bad.push((entry.start, entry.count));
            }
        }
        for (theirs, mine) in &facts.overlaps {
            warns.push((
                Code::OverlapsOtherRange,
                format!(
                    "{name}'s range on line {} overlaps {}'s range {} on line {}",
                    mine.line,
                    theirs.owner,
                    theirs.text(),
                    theirs.line
                ),
            ));
            evidence.push(Evidence::file_line(path, theirs.line, theirs.text()));
            bad.push((mine.start, mine.count));
        }
        bad.sort_unstable();
        bad.dedup();
        if !bad.is_empty() {
            fixes.extend(move_fix(facts, &bad));
        } else if total < FULL {
            warns.push((
                Code::TooFewIds,
                format!("{name} has {total} subordinate {kind}s in {path}; 65536 recommended"),
            ));
            fixes.extend(add_fix(facts, "add"));
        }
    }
    if !facts.accounts_inside.is_empty() {
        let list: Vec<String> = facts
            .accounts_inside
            .iter()
            .map(|a| format!("{} ({})", a.name, a.id))
            .collect();
        warns.push((
            Code::HoldsAccountId,
            format!(
                "{name}'s subordinate {kind}s include ids of existing {}: {}",
                if facts.file == SubidFile::Uid {
                    "users"
                } else {
                    "groups"
                },
                list.join(", ")
            ),
        ));
    }
    if !facts.malformed.is_empty() {
        let lines: Vec<String> = facts
            .malformed
            .iter()
            .take(10)
            .map(|m| m.line.to_string())
            .collect();
        let more = if facts.malformed.len() > 10 {
            ", ..."
        } else {
            ""
        };
        warns.push((
            Code::MalformedLines,
            format!(
                "shadow ignores {} malformed line{} in {path} (line {}{more})",
                facts.malformed.len(),
                if facts.malformed.len() == 1 { "" } else { "s" },
                lines.join(", ")
            ),
        ));
        fixes.push(Remediation::root(
            format!("correct or remove the ignored lines of {path} (owner:start:count, decimal, no spaces)"),
            Vec::new(),
        ));
    }
    if facts.missing_final_newline && facts.unusable.is_none() {
        warns.push((
            Code::NoFinalNewline,
            format!(
                "{path} does not end in a newline; shadow 4.19 and later then refuse the whole file"
            ),
        ));
        fixes.push(Remediation::root(
            format!("end {path} with a newline"),
            vec![format!("[ -z \"$(tail -c1 {path})\" ] || echo >> {path}")],
        ));
    }
    if let Some(source) = &facts.nss_source {
        warns.push((
            Code::NssSource,
            format!(
                "nsswitch.conf takes subordinate ids from '{source}', so {path} may not be what newuidmap uses"
            ),
        ));
        evidence.push(Evidence::setting("nsswitch.conf subid", source.clone()));
        fixes.push(
            Remediation::root(
                format!("ask the '{source}' source which ranges {name} has"),
                vec![format!(
                    "getsubids {}{}",
                    if facts.file == SubidFile::Gid {
                        "-g "
                    } else {
                        ""
                    },
                    quote(name)
                )],
            )
            .as_user(),
        );
    }
    let outcome = if let Some((code, first)) = fails.first() {
        Outcome::fail(*code, join(first, &fails[1..], &warns))
            .also(fails[1..].iter().chain(&warns).map(|(code, _)| *code))
    } else if let Some((code, first)) = warns.first() {
        Outcome::warn(*code, join(first, &warns[1..], &[]))
            .also(warns[1..].iter().map(|(code, _)| *code))
    } else {
        let ranges: Vec<String> = facts.subject_entries.iter().map(|e| e.text()).collect();
        return Outcome::pass(format!(
            "{name} has {total} subordinate {kind}s in {path} ({})",
            ranges.join(", ")
        ))
        .with_all(evidence);
    };
    outcome.with_all(evidence).fixes(fixes)
}

/// `first`, then the other problems' messages after "; also: ".
fn join(first: &str, more: &[(Code, String)], warns: &[(Code, String)]) -> String {
    let rest: Vec<&str> = more
        .iter()
        .chain(warns)
        .map(|(_, message)| message.as_str())
        .collect();
    if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first}; also: {}", rest.join("; "))
    }
}

/// Why shadow cannot use the file: its code, message and fixes.
fn unusable_problem(facts: &Facts, unusable: &Unusable) -> (Code, String, Vec<Remediation>) {
    let path = facts.file.path();
    match unusable {
        Unusable::Missing => (
            Code::FileMissing,
            format!("{path} does not exist"),
            add_fix(facts, "give"),
        ),
        Unusable::Symlink { target } => (
            Code::FileSymlink,
            format!("{path} is a symlink to {target}; shadow refuses to open it (O_NOFOLLOW)"),
            vec![Remediation::root(
                format!("replace the symlink {path} with a copy of the file it points to"),
                vec![format!(
                    "cp --remove-destination \"$(readlink -f {path})\" {path}"
                )],
            )
            .unless(format!("[ ! -L {path} ]"))],
        ),
        Unusable::TooLarge => (
            Code::FileTooLarge,
            format!(
                "{path} is larger than {} MiB; the doctor does not judge it",
                MAX_FILE >> 20
            ),
            vec![Remediation::root(
                format!("remove stale entries from {path}"),
                Vec::new(),
            )],
        ),
        Unusable::Unreadable { error } => (
            Code::FileUnreadable,
            format!("{path} cannot be read: {error}"),
            vec![Remediation::root(
                format!("make {path} readable as shadow installs it"),
                vec![format!("chmod 0644 {path}")],
            )],
        ),
    }
}

/// `usermod` adding the free block; both files at once when the other file
/// lacks the subject too, so uids and gids match.
fn add_fix(facts: &Facts, verb: &str) -> Vec<Remediation> {
    let Some((start, count)) = facts.free else {
        return vec![Remediation::root(
            "no free block of 65536 ids is left below 4294967295: remove unused ranges first",
            Vec::new(),
        )];
    };
    let name = &facts.subject;
    let range = inclusive(start, count);
    let line = format!("{name}:{start}:{count}");
    let (_, add, _) = names(facts.file);
    let files: Vec<SubidFile> = if facts.other_file_ok {
        vec![facts.file]
    } else {
        vec![SubidFile::Uid, SubidFile::Gid]
    };
    let mut commands: Vec<String> = files
        .iter()
        .map(|f| format!("[ -e {0} ] || install -m 0644 /dev/null {0}", f.path()))
        .collect();
    let flags: Vec<String> = files
        .iter()
        .map(|f| format!("{} {range}", names(*f).1))
        .collect();
    commands.push(format!("usermod {} {}", flags.join(" "), quote(name)));
    let unless = files
        .iter()
        .map(|f| format!("grep -qxF {} {}", quote(&line), f.path()))
        .collect::<Vec<_>>()
        .join(" && ");
    let what = if files.len() == 2 {
        "subordinate uids and gids"
    } else {
        add.trim_start_matches("--add-")
    };
    vec![Remediation::root(
        format!("{verb} {name} {count} {what} ({range}), a block no user or account overlaps"),
        commands,
    )
    .unless(unless)]
}

/// Replaces the subject's bad ranges with the free block.
fn move_fix(facts: &Facts, bad: &[(u64, u64)]) -> Vec<Remediation> {
    let Some((free, size)) = facts.free else {
        return add_fix(facts, "give");
    };
    let name = &facts.subject;
    let (_, add, del) = names(facts.file);
    let path = facts.file.path();
    let old: Vec<String> = bad.iter().map(|(s, c)| inclusive(*s, *c)).collect();
    let mut commands: Vec<String> = old
        .iter()
        .map(|r| format!("usermod {del} {r} {}", quote(name)))
        .collect();
    commands.push(format!(
        "usermod {add} {} {}",
        inclusive(free, size),
        quote(name)
    ));
    vec![Remediation::root(
        format!(
            "move {name} from {} to {}, a block no user or account overlaps",
            old.join(", "),
            inclusive(free, size)
        ),
        commands,
    )
    .unless(format!(
        "grep -qxF {} {path}",
        quote(&format!("{name}:{free}:{size}"))
    ))]
}
