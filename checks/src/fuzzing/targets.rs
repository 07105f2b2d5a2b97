//! The six fuzz targets: bytes in, invariants asserted.

use super::oracle::{assert_inside, check_resolution};
use super::tree::Tree;
use crate::bundle::exec::{format_of_bytes, Binary, Format, BINPRM_BUF_SIZE};
use crate::bundle::mapping_rules::{self, HelperFact, IdKind, MapFacts, Userns};
use crate::bundle::process::{self, Lookup};
use crate::bundle::resolve::PATH_MAX;
use crate::bundle::{arg_limits, config, mounts, process_settings, rootfs, user};
use crate::bundle::{
    CONFIG, GID_MAPPINGS, MOUNTS, PROCESS, PROCESS_SETTINGS, ROOTFS, UID_MAPPINGS, USER,
};
use crate::check::{coded_as_declared, CheckDef, Outcome};
use crate::distro::{Component, Distro};
use crate::explain::normalize::{self, normalize_into, normalize_with};
use crate::model::Status;
use crate::os_release::OsRelease;
use crate::spec::{self, ConfigError, IdMapping, Linux, Namespace, Process, Root, Spec};
use crate::subordinate::{alloc, parse};
use object::Architecture;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh, canonical directory under the temp dir, removed when dropped
/// (`remove_dir_all` does not follow symlinks).
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Option<Scratch> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("rootless-doctor-fuzz-{}-{n}", std::process::id()));
        std::fs::create_dir(&path).ok()?;
        let mut dir = Scratch(path);
        // On failure `dir` is dropped, and so removed.
        dir.0 = dir.0.canonicalize().ok()?;
        Some(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `/etc/subuid` text: every entry is in the 32-bit id space, prints back
/// as a line that parses to itself, and line numbers increase; a block
/// allocated around the entries overlaps none of them.
pub fn subid(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = parse::parse(&text);
    let lines = text.split('\n').count() as u32;
    let mut numbers: Vec<u32> = Vec::new();
    for e in &parsed.entries {
        assert!(e.count >= 1 && e.start <= u64::from(u32::MAX), "{e:?}");
        assert!(e.end() <= 1 << 32, "{e:?}");
        let again = parse::parse(&format!("{}\n", e.text()));
        assert_eq!(again.entries.len(), 1, "{:?} does not reparse", e.text());
        let back = &again.entries[0];
        assert_eq!(
            (&back.owner, back.start, back.count),
            (&e.owner, e.start, e.count)
        );
        numbers.push(e.line);
    }
    for m in &parsed.malformed {
        assert!(m.text.chars().count() <= 203 * 10, "{m:?}");
        numbers.push(m.line);
    }
    assert!(numbers.iter().all(|&n| n >= 1 && n <= lines));
    numbers.sort_unstable();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "a line counted twice"
    );
    let taken: Vec<(u64, u64)> = parsed.entries.iter().map(|e| (e.start, e.count)).collect();
    if let Some((start, count)) = alloc::free_range(&taken, alloc::FULL) {
        assert!(start >= alloc::FIRST_ID && start + count <= u64::from(u32::MAX));
        assert!(!parsed.entries.iter().any(|e| e.overlaps(start, count)));
    }
}

/// os-release text: `ID` and `ID_LIKE` are lower case and `ID_LIKE` words
/// hold no blanks; every remediation command of the distribution builds.
pub fn os_release(data: &[u8]) {
    let release = OsRelease::parse(&String::from_utf8_lossy(data));
    assert!(!release.id.bytes().any(|b| b.is_ascii_uppercase()));
    for like in &release.id_like {
        assert!(!like.is_empty() && !like.contains(char::is_whitespace));
        assert!(!like.bytes().any(|b| b.is_ascii_uppercase()));
        assert!(release.is_like(like));
    }
    let distro = Distro::from_os_release(&release);
    let components = [
        Component::Uidmap,
        Component::Usermod,
        Component::FuseOverlayfs,
        Component::Runc,
        Component::Crun,
        Component::DbusUserSession,
    ];
    let packages: Vec<&str> = components.iter().map(|c| distro.package(*c)).collect();
    assert!(!distro.install(&packages).is_empty());
    for package in packages {
        let _ = distro.reinstall(package);
    }
    let _ = distro.sysctl_now("user.max_user_namespaces", "28633");
    let _ = distro.sysctl_persist("user.max_user_namespaces", "28633", "/etc/sysctl.d/x.conf");
}

/// A judge's outcome carries a code its check declares, and a pass none.
fn assert_coded(def: &CheckDef, outcome: Outcome) {
    assert!(
        coded_as_declared(def, &outcome),
        "{} ended in {} with code {:?}, which it does not declare: {}",
        def.id,
        outcome.status,
        outcome.code,
        outcome.message
    );
}

/// config.json bytes: the parser agrees with serde_json on what is JSON
/// (after Go's U+FFFD replacement of invalid UTF-8),
/// and every judge derived from the spec runs on what it parsed and gives
/// only the codes its check declares.
pub fn bundle_config(data: &[u8]) {
    let dir = Path::new("/nonexistent/rootless-doctor-fuzz/bundle");
    // Compared as Go reads it: invalid UTF-8 replaced by U+FFFD.
    let lossy = String::from_utf8_lossy(data);
    let first = serde_json::Deserializer::from_slice(lossy.as_bytes())
        .into_iter::<serde_json::Value>()
        .next();
    let parsed = spec::parse(data);
    match &parsed {
        Ok(_) => assert!(
            matches!(
                first,
                Some(Ok(serde_json::Value::Object(_) | serde_json::Value::Null))
            ),
            "accepted what is not a JSON object: {first:?}"
        ),
        Err(ConfigError::Empty) => assert!(first.is_none()),
        Err(ConfigError::Syntax { excerpt, line, .. }) => {
            assert!(
                matches!(first, Some(Err(_))),
                "valid JSON called a syntax error"
            );
            assert!(excerpt.chars().count() <= 200 && *line >= 1);
        }
        Err(ConfigError::Type { excerpt, .. }) => {
            assert!(
                matches!(first, Some(Ok(_))),
                "invalid JSON called a type error"
            );
            assert!(excerpt.chars().count() <= 200);
        }
        Err(other) => panic!("parse cannot give {other:?}"),
    }
    let loaded = parsed.map(|(spec, trailing)| spec::Loaded {
        path: dir.join("config.json"),
        size: data.len() as u64,
        trailing,
        spec,
    });
    assert_coded(&CONFIG, config::judge_config(dir, &loaded));
    let Ok(loaded) = loaded else { return };
    let spec = &loaded.spec;
    assert_coded(
        &ROOTFS,
        rootfs::judge_rootfs(&rootfs::gather_rootfs(dir, spec)),
    );
    for rootless in [true, false] {
        assert_coded(&USER, user::judge(&user::UserFacts::of(spec, rootless)));
        let facts = mounts::MountFacts::gather(spec, dir, rootless, &|_| false);
        assert_coded(&MOUNTS, mounts::judge(&facts));
    }
    let distro = Distro::from_os_release(&OsRelease::default());
    for (def, kind, maps) in [
        (&UID_MAPPINGS, IdKind::Uid, spec.uid_mappings()),
        (&GID_MAPPINGS, IdKind::Gid, spec.gid_mappings()),
    ] {
        let facts = MapFacts {
            kind,
            subject: "alice".into(),
            rootless: true,
            userns: Userns::of(spec),
            mappings: maps.to_vec(),
            own_id: 1000,
            chown_ok: vec![1000],
            ranges: vec![(100_000, 65_536)],
            helper: HelperFact {
                status: Status::Pass,
                code: None,
                message: "usable".into(),
            },
            config_path: dir.join("config.json").display().to_string(),
        };
        assert_coded(def, mapping_rules::judge(&facts, &distro));
    }
    let facts = process::gather(spec, dir, &[1000], Architecture::X86_64);
    assert_coded(&PROCESS, process::judge(&facts));
    let limits = crate::bundle::rlimits::Limits::default();
    let args = arg_limits::gather(spec, &process::exec_filename(&facts), &limits);
    if let Some(finding) = arg_limits::judge(&args) {
        assert_coded(&PROCESS, finding.outcome());
    }
    let mut settings = process_settings::SettingsFacts::of_spec(spec);
    assert_coded(&PROCESS_SETTINGS, process_settings::judge(&settings));
    settings.has_terminal = Some(false);
    settings.apparmor.enabled = true;
    settings.apparmor.profiles = Some(vec!["a".into()]);
    settings.selinux_enabled = true;
    assert_coded(&PROCESS_SETTINGS, process_settings::judge(&settings));
    linux_settings(spec, dir);
}

/// The judges of bundle.namespaces, bundle.resources, bundle.seccomp and
/// bundle.devices on a parsed spec, with host facts made up (no file is
/// opened): only declared codes, no panic.
fn linux_settings(spec: &spec::Spec, dir: &Path) {
    use crate::bundle::{devices, namespaces, resources, seccomp};
    use crate::cgroupfs::Mode;
    for rootless in [true, false] {
        let probe = |path: &str| match path.len() % 4 {
            0 => namespaces::PathFact::Missing("no such file or directory".into()),
            1 => namespaces::PathFact::Unopenable("Permission denied".into()),
            2 => namespaces::PathFact::Opened {
                nstype: Some("net".into()),
                host_net: true,
            },
            _ => namespaces::PathFact::Opened {
                nstype: None,
                host_net: false,
            },
        };
        let facts = namespaces::NamespaceFacts::gather(spec, dir, rootless, None, &probe, &|k| {
            k.len() % 2 == 0
        });
        assert_coded(&namespaces::NAMESPACES, namespaces::judge(&facts));
        for mode in [
            None,
            Some(Mode::V1),
            Some(Mode::Undelegated),
            Some(Mode::Partial),
            Some(Mode::Delegated),
        ] {
            let facts = resources::ResourceFacts::gather(spec, dir, rootless, mode, None);
            assert_coded(&resources::RESOURCES, resources::judge(&facts));
        }
        let node = |path: &str| match path.len() % 3 {
            0 => devices::HostNode::Missing("no such file or directory".into()),
            1 => devices::HostNode::Unreachable("Permission denied".into()),
            _ => devices::HostNode::Present {
                kind: 'c',
                major: 1,
                minor: 3,
                usable: false,
            },
        };
        let facts = devices::DeviceFacts::gather(spec, dir, rootless, &node);
        assert_coded(&devices::DEVICES, devices::judge(&facts));
    }
    assert_coded(&seccomp::SECCOMP, seccomp::judge(spec, None));
}

/// A rootfs and a process: every path the resolver returns is inside the
/// rootfs with no symlink left, agrees with the kernel's `RESOLVE_IN_ROOT`
/// lookup, and the process judge runs on what `gather` found.
pub fn process_resolution(data: &[u8]) {
    let tree = Tree::parse(data);
    let Some(dir) = Scratch::new() else { return };
    let base = dir.0.clone();
    let (rootfs, out) = (base.join("rootfs"), base.join("outside"));
    if std::fs::create_dir(&rootfs).is_err() || std::fs::create_dir(&out).is_err() {
        return;
    }
    // Something worth escaping to: an executable beside the rootfs.
    let _ = std::fs::create_dir(out.join("bin"));
    let _ = std::fs::write(out.join("bin/sh"), b"#!/bin/sh\n");
    tree.lay_out(&rootfs, &out);

    let cwd = tree.cwd.clone().unwrap_or_else(|| "/".into());
    let mut paths: Vec<String> = tree.args.first().cloned().into_iter().collect();
    for entry in &tree.entries {
        if let super::tree::Entry::Link { target, .. } = entry {
            paths.push(target.replace("$OUT", &out.display().to_string()));
        }
    }
    for path in paths.iter().take(16) {
        check_resolution(&rootfs, Path::new(&cwd), Path::new(path));
    }

    let namespaces = tree.map.map(|_| {
        vec![Namespace {
            kind: Some("user".into()),
            path: None,
        }]
    });
    let maps = tree.map.map(|(c, h, s)| {
        vec![IdMapping {
            container_id: c,
            host_id: h,
            size: s,
        }]
    });
    let spec = Spec {
        root: Some(Root {
            path: Some("rootfs".into()),
            readonly: None,
        }),
        process: Some(Process {
            args: Some(tree.args.clone()),
            env: Some(tree.env.clone()),
            cwd: Some(cwd),
            user: tree.user.map(|(uid, gid)| spec::User {
                uid: Some(uid),
                gid: Some(gid),
                additional_gids: None,
            }),
            ..Process::default()
        }),
        linux: Some(Linux {
            namespaces,
            uid_mappings: maps.clone(),
            gid_mappings: maps,
            ..Linux::default()
        }),
        ..Spec::default()
    };
    let facts = process::gather(&spec, &rootfs, &[0], Architecture::X86_64);
    let mut binaries: Vec<&Binary> = facts.chain.iter().collect();
    match &facts.lookup {
        Some(Lookup::Direct(b)) => binaries.push(b),
        Some(Lookup::Search(found)) => binaries.extend(found.iter().map(|(_, b)| b)),
        None => {}
    }
    assert!(facts.chain.len() <= process::MAX_INTERPRETER_DEPTH + 1);
    for b in binaries {
        if let Ok(r) = &b.resolved {
            assert_inside(&rootfs, r);
        }
    }
    assert_coded(&PROCESS, process::judge(&facts));
}

/// A file's first bytes: ELF headers give the machine and class the header
/// holds and a `PT_INTERP` within `PATH_MAX`; a `#!` line gives one token
/// without blanks, cut as the kernel cuts it.
pub fn exec_format(data: &[u8]) {
    let format = format_of_bytes(data);
    if data.starts_with(b"\x7fELF") {
        match &format {
            Format::Elf(elf) => {
                assert_eq!(elf.class64, data[4] == 2);
                let raw = [data[18], data[19]];
                let e_machine = match data[5] {
                    2 => u16::from_be_bytes(raw),
                    _ => u16::from_le_bytes(raw),
                };
                assert_eq!(elf.e_machine, e_machine);
                if let Some(Ok(interp)) = &elf.interpreter {
                    assert!(interp.len() <= 3 * PATH_MAX && !interp.contains('\0'));
                }
            }
            Format::BadElf(_) => {}
            other => panic!("ELF magic read as {other:?}"),
        }
        return;
    }
    let Some(rest) = data.strip_prefix(b"#!") else {
        assert_eq!(format, Format::Other);
        return;
    };
    let Format::Script {
        interpreter,
        carriage_return,
    } = format
    else {
        panic!("#! read as {format:?}");
    };
    let head = &rest[..rest.len().min(BINPRM_BUF_SIZE - 2)];
    let line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    assert_eq!(carriage_return, line.contains(&b'\r'));
    if let Some(interp) = interpreter {
        assert!(!interp.is_empty() && interp.len() <= 3 * BINPRM_BUF_SIZE);
        assert!(!interp.contains([' ', '\t', '\n']), "{interp:?}");
    }
}

/// A pasted line: the normal form is no longer than the input, lower case,
/// free of control bytes and trailing blanks, the same with a reused
/// scratch buffer; the whole explain pipeline runs on the paste.
pub fn explain_normalize(data: &[u8]) {
    let mut out = Vec::new();
    normalize_into(data, &mut out);
    assert!(out.len() <= data.len(), "the normal form grew");
    assert!(!out.iter().any(u8::is_ascii_uppercase), "{out:?}");
    assert!(!out.iter().any(|&b| b < 0x20 || b == 0x7f), "{out:?}");
    assert_ne!(out.last(), Some(&b' '));
    let mut again = Vec::new();
    let mut scratch = normalize::Scratch::default();
    normalize_with(b"some earlier line", &mut again, &mut scratch);
    normalize_with(data, &mut again, &mut scratch);
    assert_eq!(out, again);
    let _ = crate::explain::explain_bytes(data);
}
