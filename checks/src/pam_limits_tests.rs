use super::*;

const PROC: &str =
    "Limit                     Soft Limit           Hard Limit           Units     \n\
Max cpu time              unlimited            unlimited            seconds   \n\
Max file size             unlimited            unlimited            bytes     \n\
Max data size             unlimited            unlimited            bytes     \n\
Max stack size            8388608              unlimited            bytes     \n\
Max core file size        0                    unlimited            bytes     \n\
Max resident set          unlimited            unlimited            bytes     \n\
Max processes             63704                63704                processes \n\
Max open files            1024                 524288               files     \n\
Max locked memory         8388608              8388608              bytes     \n\
Max address space         unlimited            unlimited            bytes     \n\
Max file locks            unlimited            unlimited            locks     \n\
Max pending signals       63704                63704                signals   \n\
Max msgqueue size         819200               819200               bytes     \n\
Max nice priority         0                    0                    \n\
Max realtime priority     0                    0                    \n\
Max realtime timeout      unlimited            unlimited            us        \n";

fn pair(soft: Option<u64>, hard: Option<u64>) -> Option<Pair> {
    Some(Pair { soft, hard })
}

fn group(name: &str, gid: u32, members: &[&str]) -> Group {
    Group {
        name: name.into(),
        gid,
        members: members.iter().map(|m| m.to_string()).collect(),
    }
}

fn alice(groups: &[Group]) -> User<'_> {
    User {
        name: "alice",
        uid: 1000,
        gid: 1000,
        groups,
    }
}

fn conf(texts: &[&str]) -> Vec<ConfFile> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| ConfFile {
            path: format!("/etc/security/limits.d/{i}.conf"),
            text: text.to_string(),
        })
        .collect()
}

#[test]
fn parses_the_kernels_table() {
    let limits = "\
Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max processes             96362                96362                processes 
Max open files            1024                 4096                 files     
Max locked memory         8388608              8388608              bytes     
";
    let nofile = RESOURCES[NOFILE].label;
    assert_eq!(find(limits, nofile), pair(Some(1024), Some(4096)));
    assert_eq!(
        find(limits, RESOURCES[NPROC].label).map(|p| p.show()),
        Some("96362:96362".into())
    );
    assert_eq!(find(limits, "Max cpu time"), pair(None, None));
    assert_eq!(find(limits, "Max open"), None);
    assert_eq!(find("Max open files  x y files", nofile), None);
    assert_eq!(find("", nofile), None);
}

#[test]
fn proc_limits_parse_by_resource_number() {
    let limits = parse_proc(PROC);
    assert_eq!(limits[3], pair(Some(8388608), None));
    assert_eq!(limits[7], pair(Some(1024), Some(524288)));
    assert_eq!(limits[14], pair(Some(0), Some(0)));
    assert!(limits.iter().all(Option::is_some));
    assert_eq!(parse_proc("garbage\nMax open files x"), [None; 16]);
    assert_eq!(number_of("RLIMIT_NOFILE"), Some(7));
    assert_eq!(number_of("RLIMIT_NOPE"), None);
}

#[test]
fn domains_rank_as_pam_limits_ranks_them() {
    let groups = [group("alice", 1000, &[]), group("dev", 2000, &["alice"])];
    let u = alice(&groups);
    assert_eq!(u.rank("alice"), Some(0));
    assert_eq!(u.rank("1000:"), Some(0));
    assert_eq!(u.rank(":1000"), Some(0));
    assert_eq!(u.rank("500:999"), None);
    assert_eq!(u.rank("@dev"), Some(1));
    assert_eq!(u.rank("@alice"), Some(1), "the primary group by name");
    assert_eq!(u.rank("@:2000"), Some(1));
    assert_eq!(u.rank("@1000:1000"), Some(1));
    assert_eq!(u.rank("@2000:"), None, "ranges look at the primary gid");
    assert_eq!(u.rank("@ops"), None);
    assert_eq!(u.rank("*"), Some(3));
    assert_eq!(u.rank("%"), None);
    assert_eq!(u.rank("%dev"), None);
    assert_eq!(u.rank("bob"), None);
}

#[test]
fn pam_limits_most_specific_domain_wins() {
    let groups = [group("staff", 50, &["alice"])];
    let alice = alice(&groups);
    let files = conf(&[
        "alice hard nofile 4096\n* - nofile 100\n@staff soft nofile 2000 # comment\n",
        "* hard stack 16384\nbob hard nofile 9\n1000: soft core unlimited\n",
    ]);
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(limits[7], pair(Some(2000), Some(4096)));
    assert_eq!(limits[3].unwrap().hard, Some(16384 * 1024));
    assert_eq!(limits[4].unwrap().soft, None, "unlimited");
    // nice is converted as pam_limits does: RLIMIT_NICE = 20 - nice.
    let files = conf(&["alice - nice -5\n"]);
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(limits[13], pair(Some(25), Some(25)));
    let files = conf(&["alice hard nice 0\n* soft nice unlimited\n"]);
    assert_eq!(
        resolve(&files, &alice, 13, None),
        Resolved::Limits {
            soft: Some((
                Some(21),
                Evidence::file_line(&files[0].path, 2, "* soft nice unlimited")
            )),
            hard: Some((
                Some(20),
                Evidence::file_line(&files[0].path, 1, "alice hard nice 0")
            )),
        }
    );
    // Applied, the soft limit above the hard one is lowered to it.
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(limits[13], pair(Some(20), Some(20)));
}

#[test]
fn a_uid_range_outranks_a_group_for_every_resource() {
    let groups = [group("staff", 50, &["alice"])];
    let alice = alice(&groups);
    // The uid range is read first: a later group line must not override it.
    let files = conf(&["1000:2000 - stack 100\n@staff - stack 200\n* - stack 300\n"]);
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(limits[3], pair(Some(100 * 1024), Some(100 * 1024)));
    // `:1000` is the exact uid; `:2000` is not alice.
    let files = conf(&["@staff - cpu 2\n:2000 - cpu 1\n"]);
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(limits[0], pair(Some(120), Some(120)));
}

#[test]
fn an_outranked_soft_limit_stops_a_dash_line_for_every_resource() {
    let alice = alice(&[]);
    let files = conf(&["alice soft memlock 8\n* - memlock 64\n"]);
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(
        limits[8],
        pair(Some(8 * 1024), Some(8388608)),
        "the * line sets no hard limit either"
    );
}

#[test]
fn a_no_limits_line_keeps_every_inherited_limit() {
    let groups = [group("dev", 2000, &["alice"])];
    let alice = alice(&groups);
    let inherited = parse_proc(PROC);
    let files = conf(&["* hard nofile 8\nalice hard core 0\n@dev -\n"]);
    assert_eq!(apply(inherited, &files, &alice, None), inherited);
    // `* -` is not a no-limits line.
    let files = conf(&["* hard nofile 8\n* -\n"]);
    assert_eq!(
        apply(inherited, &files, &alice, None)[7],
        pair(Some(8), Some(8))
    );
}

#[test]
fn values_convert_as_pam_limits_converts_them() {
    let alice = alice(&[]);
    let files = conf(&[
        "ALICE SOFT NOFILE 10\nalice HARD NOFILE Unlimited\n* - nproc -\n%alice - locks 1\n\
         alice - rtprio lots\nalice - msgqueue 2048\nalice - fsize 18014398509481984\n",
    ]);
    let limits = apply(parse_proc(PROC), &files, &alice, Some(1_048_576));
    assert_eq!(
        limits[7],
        pair(Some(1024), Some(1_048_576)),
        "ALICE is not alice: the domain is case-sensitive, the rest is not"
    );
    let files = conf(&[&files[0].text.replace("ALICE", "alice")]);
    let limits = apply(parse_proc(PROC), &files, &alice, Some(1_048_576));
    assert_eq!(
        limits[7],
        pair(Some(10), Some(1_048_576)),
        "nofile: nr_open"
    );
    assert_eq!(limits[6], pair(None, None), "`-` is no limit");
    assert_eq!(limits[10], pair(None, None), "% lines set no limit");
    assert_eq!(limits[14], pair(Some(0), Some(0)), "not a number: ignored");
    assert_eq!(limits[12], pair(Some(2048), Some(2048)), "bytes");
    assert_eq!(limits[1], pair(None, None), "an overflow is unlimited");
    let limits = apply(parse_proc(PROC), &files, &alice, None);
    assert_eq!(limits[7], pair(Some(10), None), "nr_open unknown");
}
