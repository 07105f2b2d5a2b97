//! Judge and fixture tests of the subordinate id checks.

use super::facts::{self, analyse, Inputs};
use super::*;
use crate::accounts::{parse_passwd, Account};
use crate::check::{coded_as_declared, Context, Outcome};
use crate::host::HostFs;
use crate::model::Status;
use crate::os_release::OsRelease;
use crate::probe::NoProbes;
use crate::subject::Subject;
use crate::subordinate::{subject_ranges, SubidFile, Unusable};

const PASSWD: &str = "root:x:0:0::/root:/bin/sh\n\
                      alice:x:1000:1000::/home/alice:/bin/sh\n\
                      bob:x:1001:1001::/home/bob:/bin/sh\n\
                      svc:x:300000:300000::/:/bin/false\n";

fn alice() -> Subject {
    Subject::other(Account {
        name: "alice".into(),
        uid: 1000,
        gid: 1000,
        home: "/home/alice".into(),
    })
}

fn judge_text(
    file: SubidFile,
    text: Result<&str, Unusable>,
    other: Result<&str, Unusable>,
) -> Outcome {
    let subject = alice();
    let passwd = parse_passwd(PASSWD);
    let groups = vec![("alice".to_string(), 1000), ("staff".to_string(), 50)];
    let inputs = Inputs {
        subject: &subject,
        passwd: &passwd,
        groups: &groups,
        nss_source: None,
    };
    let outcome = judge(&analyse(file, text, other, &inputs));
    let def = match file {
        SubidFile::Uid => &SUBUID,
        SubidFile::Gid => &SUBGID,
    };
    assert!(
        coded_as_declared(def, &outcome),
        "{} gave {:?} with code {:?}",
        def.id,
        outcome.status,
        outcome.code
    );
    outcome
}

fn subuid(text: &str) -> Outcome {
    judge_text(SubidFile::Uid, Ok(text), Ok("alice:100000:65536\n"))
}

fn commands(outcome: &Outcome) -> Vec<String> {
    outcome
        .remediation
        .iter()
        .flat_map(|r| r.commands.clone())
        .collect()
}

#[test]
fn a_full_range_passes() {
    let outcome = subuid("alice:100000:65536\n");
    assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
    assert_eq!(outcome.code, None);
    assert_eq!(
        outcome.message,
        "alice has 65536 subordinate uids in /etc/subuid (alice:100000:65536)"
    );
}

#[test]
fn numeric_owners_and_passwd_aliases_count() {
    assert_eq!(subuid("1000:100000:65536\n").status, Status::Pass);
    assert_eq!(
        subuid("1000:100000:30000\nalice:130000:35536\n").status,
        Status::Pass
    );
    assert_eq!(
        subuid("1001:100000:65536\n").status,
        Status::Fail,
        "bob's uid is not alice"
    );
}

#[test]
fn no_entry_or_no_file_fails_with_a_free_block_for_both_files() {
    let outcome = judge_text(
        SubidFile::Uid,
        Ok("bob:100000:65536\n"),
        Ok("bob:100000:65536\n"),
    );
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(outcome.message, "alice has no entry in /etc/subuid");
    assert!(outcome.is(Code::NoEntry));
    // 100000-165535 is bob's: the next block is free.
    assert!(commands(&outcome).contains(
        &"usermod --add-subuids 165536-231071 --add-subgids 165536-231071 alice".to_string()
    ));
    assert_eq!(
        outcome.remediation[0].unless.as_deref(),
        Some(
            "grep -qxF alice:165536:65536 /etc/subuid && grep -qxF alice:165536:65536 /etc/subgid"
        )
    );
    let missing = judge_text(
        SubidFile::Uid,
        Err(Unusable::Missing),
        Err(Unusable::Missing),
    );
    assert_eq!(missing.status, Status::Fail);
    assert_eq!(missing.message, "/etc/subuid does not exist");
    assert!(missing.is(Code::FileMissing));
    assert!(commands(&missing)[0].contains("install -m 0644 /dev/null /etc/subuid"));
}

#[test]
fn only_the_lacking_file_is_fixed_when_the_other_is_fine() {
    let outcome = judge_text(SubidFile::Gid, Ok(""), Ok("alice:100000:65536\n"));
    assert_eq!(outcome.status, Status::Fail);
    let all = commands(&outcome).join("\n");
    assert!(
        all.contains("usermod --add-subgids 165536-231071 alice"),
        "{all}"
    );
    assert!(!all.contains("--add-subuids"));
}

#[test]
fn a_range_holding_the_own_id_or_leaving_the_id_space_fails() {
    let own = subuid("alice:900:65536\n");
    assert_eq!(own.status, Status::Fail);
    assert!(
        own.message.contains("holds alice's own uid 1000"),
        "{}",
        own.message
    );
    assert!(own.is(Code::HoldsOwnId));
    assert!(commands(&own).contains(&"usermod --del-subuids 900-66435 alice".to_string()));
    let past = subuid("alice:4294900000:67296\n");
    assert_eq!(past.status, Status::Fail, "{past:?}");
    assert!(past.message.contains("reaches past the last id"));
    assert!(past.is(Code::PastIdSpace));
}

#[test]
fn small_ranges_overlaps_and_accounts_warn() {
    let small = subuid("alice:100000:1000\n");
    assert_eq!(small.status, Status::Warn);
    assert_eq!(
        small.message,
        "alice has 1000 subordinate uids in /etc/subuid; 65536 recommended"
    );
    assert!(small.is(Code::TooFewIds));
    let overlap = subuid("alice:100000:65536\nbob:150000:65536\n");
    assert_eq!(overlap.status, Status::Warn);
    assert!(
        overlap
            .message
            .contains("overlaps bob's range bob:150000:65536 on line 2"),
        "{}",
        overlap.message
    );
    assert!(overlap.is(Code::OverlapsOtherRange));
    let account = subuid("alice:250000:65536\n");
    assert_eq!(account.status, Status::Warn);
    assert!(
        account.message.contains("svc (300000)"),
        "{}",
        account.message
    );
    assert!(account.is(Code::HoldsAccountId));
}

#[test]
fn garbage_is_named_by_line_and_the_valid_entry_still_counts() {
    let outcome = subuid("# comment\nalice:1:2:3\nalice:100000:65536\n\u{7}\u{0}\n");
    assert_eq!(outcome.status, Status::Warn, "{outcome:?}");
    assert!(
        outcome
            .message
            .contains("3 malformed lines in /etc/subuid (line 1, 2, 4)"),
        "{}",
        outcome.message
    );
    assert!(outcome.is(Code::MalformedLines));
    let missing_newline = subuid("alice:100000:65536");
    assert_eq!(missing_newline.status, Status::Warn);
    assert!(missing_newline.is(Code::NoFinalNewline));
    assert!(commands(&missing_newline)[0].contains("echo >> /etc/subuid"));
}

#[test]
fn a_symlinked_file_fails_like_shadow() {
    let outcome = judge_text(
        SubidFile::Uid,
        Err(Unusable::Symlink {
            target: "/srv/subuid".into(),
        }),
        Ok(""),
    );
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.message.contains("O_NOFOLLOW"));
    assert!(outcome.is(Code::FileSymlink));
}

#[test]
fn fixture_hosts_are_read_through_hostfs() {
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(etc.join("passwd"), PASSWD).unwrap();
    std::fs::write(etc.join("subuid"), "alice:100000:65536\n").unwrap();
    std::os::unix::fs::symlink("subuid", etc.join("subgid")).unwrap();
    std::fs::write(
        etc.join("nsswitch.conf"),
        "# x\npasswd: files\nSUBID:  sss files\n",
    )
    .unwrap();
    let host = HostFs::rooted(dir.path());
    let subject = alice();
    let uid = facts::gather(&host, &subject, SubidFile::Uid);
    assert_eq!(uid.subject_entries.len(), 1);
    assert_eq!(uid.nss_source.as_deref(), Some("sss"));
    let gid = facts::gather(&host, &subject, SubidFile::Gid);
    assert!(matches!(gid.unusable, Some(Unusable::Symlink { .. })));
    assert_eq!(
        subject_ranges(&host, &subject, SubidFile::Uid),
        [(100000, 65536)]
    );
    assert!(subject_ranges(&host, &subject, SubidFile::Gid).is_empty());
    let os = OsRelease::parse("ID=debian\n");
    let ctx = Context::new(&host, &subject, &os, &NoProbes);
    let subuid = ctx.outcome_of(&SUBUID);
    assert_eq!(subuid.status, Status::Warn, "{subuid:?}");
    assert!(subuid.is(Code::NssSource), "{subuid:?}");
    let subgid = ctx.outcome_of(&SUBGID);
    assert_eq!(subgid.status, Status::Fail, "{subgid:?}");
    assert!(subgid.is(Code::FileSymlink), "{subgid:?}");
}

#[test]
fn the_first_problem_named_gives_the_code() {
    // A failure wins over the warnings named after it.
    let own_and_garbage = subuid("alice:900:200\nalice:100000:65536\n# junk\n");
    assert_eq!(own_and_garbage.status, Status::Fail, "{own_and_garbage:?}");
    assert!(own_and_garbage.is(Code::HoldsOwnId), "{own_and_garbage:?}");
    assert!(own_and_garbage
        .message
        .contains("; shadow ignores 1 malformed line"));
    // The problems named after the first keep their codes, in order.
    assert_eq!(
        own_and_garbage.also,
        [Code::HoldsAccountId.code(), Code::MalformedLines.code()],
        "{}",
        own_and_garbage.message
    );
    assert!(own_and_garbage.names(Code::MalformedLines));
    // Among failures, the earlier line wins.
    let past_then_own = subuid("alice:4294900000:67296\nalice:900:200\n");
    assert!(past_then_own.is(Code::PastIdSpace), "{past_then_own:?}");
    // Among warnings, the order of the message: overlap before too few ids,
    // too few ids before accounts, malformed lines, no newline.
    let overlap_small = subuid("alice:100000:1000\nbob:100500:10");
    assert_eq!(overlap_small.status, Status::Warn);
    assert!(
        overlap_small.is(Code::OverlapsOtherRange),
        "{overlap_small:?}"
    );
    let small_garbage = subuid("alice:100000:1000\nx\n");
    assert!(small_garbage.is(Code::TooFewIds), "{small_garbage:?}");
    let garbage_newline = subuid("x\nalice:100000:65536");
    assert!(
        garbage_newline.is(Code::MalformedLines),
        "{garbage_newline:?}"
    );
    // An unusable file is its own cause, whatever nsswitch.conf says.
    let unreadable = judge_text(
        SubidFile::Gid,
        Err(Unusable::Unreadable {
            error: "Permission denied (os error 13)".into(),
        }),
        Ok(""),
    );
    assert_eq!(unreadable.status, Status::Fail);
    assert!(unreadable.is(Code::FileUnreadable));
    assert_eq!(
        unreadable.message,
        "/etc/subgid cannot be read: Permission denied (os error 13)"
    );
    let large = judge_text(SubidFile::Uid, Err(Unusable::TooLarge), Ok(""));
    assert!(large.is(Code::FileTooLarge));
    assert_eq!(
        large.message,
        "/etc/subuid is larger than 64 MiB; the doctor does not judge it"
    );
}
