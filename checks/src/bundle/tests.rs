//! Fixture tests: bundles built in a temp dir, run through
//! `preflight::run_all` with a fixture host (alice, uid/gid 1000, subordinate ids 100000+65536).
//!
//! Real binaries come from the host: /bin/busybox (static) and /bin/ls
//! (dynamic, with its PT_INTERP loader). A foreign-architecture ELF is made by
//! copying busybox and writing EM_AARCH64 (183) into e_machine (bytes 18-19,
//! little-endian). Tests that need these files skip quietly where absent.

use super::*;
use crate::accounts::Account;
use crate::check::{CheckResult, Outcome};
use crate::host::HostFs;
use crate::model::{Evidence, Status};
use crate::os_release::OsRelease;
use crate::preflight;
use crate::probe::NoProbes;
use crate::registry::BUNDLE_CHECKS;
use crate::subject::Subject;
use exec::Format;
use serde_json::{json, Value};
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Fixture {
    _tmp: tempfile::TempDir,
    host_root: PathBuf,
    bundle: PathBuf,
    rootfs: PathBuf,
    outside: PathBuf,
}

fn alice() -> Subject {
    Subject::other(Account {
        name: "alice".into(),
        uid: 1000,
        gid: 1000,
        home: "/home/alice".into(),
    })
}

/// A config.json like `runc spec --rootless` writes for alice.
fn base_config() -> Value {
    json!({
        "ociVersion": "1.0.2-dev",
        "process": {
            "terminal": true,
            "user": {"uid": 0, "gid": 0},
            "args": ["sh"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
            "cwd": "/",
            "capabilities": {"effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]}
        },
        "root": {"path": "rootfs", "readonly": true},
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
        ],
        "linux": {
            "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
            "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
            "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}, {"type": "user"}]
        }
    })
}

fn have_busybox() -> bool {
    Path::new("/bin/busybox").is_file()
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let host_root = tmp.path().join("host");
        fs::create_dir_all(host_root.join("etc")).unwrap();
        fs::create_dir_all(host_root.join("sys")).unwrap();
        fs::write(host_root.join("etc/subuid"), "alice:100000:65536\n").unwrap();
        fs::write(host_root.join("etc/subgid"), "alice:100000:65536\n").unwrap();
        fs::write(host_root.join("etc/group"), "alice:x:1000:\n").unwrap();
        let bundle = tmp.path().join("bundle");
        let rootfs = bundle.join("rootfs");
        for d in ["bin", "usr/bin", "lib64", "etc", "proc", "sys", "dev"] {
            fs::create_dir_all(rootfs.join(d)).unwrap();
        }
        if have_busybox() {
            fs::copy("/bin/busybox", rootfs.join("bin/busybox")).unwrap();
            symlink("busybox", rootfs.join("bin/sh")).unwrap();
        }
        let outside = tmp.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        let fixture = Fixture {
            _tmp: tmp,
            host_root,
            bundle,
            rootfs,
            outside,
        };
        fixture.write_config(&base_config());
        fixture
    }

    fn write_config(&self, config: &Value) {
        fs::write(
            self.bundle.join("config.json"),
            serde_json::to_vec_pretty(config).unwrap(),
        )
        .unwrap();
    }

    fn edit(&self, f: impl FnOnce(&mut Value)) {
        let mut config = base_config();
        f(&mut config);
        self.write_config(&config);
    }

    fn run(&self) -> Vec<CheckResult> {
        let host = HostFs::rooted(&self.host_root);
        let subject = alice();
        let os = OsRelease::default();
        let ctx = Context::new(&host, &subject, &os, &NoProbes);
        preflight::run_all(ctx, &self.bundle)
    }

    fn outcome(&self, id: &str) -> Outcome {
        self.run()
            .into_iter()
            .find(|r| r.def.id == id)
            .unwrap()
            .outcome
    }
}

fn assert_status(out: &Outcome, status: Status, needle: &str) {
    assert_eq!(out.status, status, "{}", out.message);
    assert!(
        out.message.contains(needle),
        "{:?} not in {:?}",
        needle,
        out.message
    );
    if matches!(status, Status::Fail | Status::Warn) {
        assert!(!out.remediation.is_empty(), "no fix for {}", out.message);
    }
}

#[test]
fn ids_are_in_order_and_documented() {
    let ids: Vec<&str> = BUNDLE_CHECKS.iter().map(|d| d.id).collect();
    assert_eq!(
        ids,
        [
            "bundle.config",
            "bundle.rootfs",
            "bundle.process",
            "bundle.process-settings",
            "bundle.user",
            "bundle.uid-mappings",
            "bundle.gid-mappings",
            "bundle.mounts",
            "bundle.namespaces",
            "bundle.resources",
            "bundle.seccomp",
            "bundle.devices",
        ]
    );
    let docs = include_str!("../../../docs/checks/bundle.md");
    for id in ids {
        assert!(docs.contains(&format!("## {id}\n")), "{id} undocumented");
    }
}

#[test]
fn every_code_has_its_heading_in_its_check_section() {
    let docs = include_str!("../../../docs/checks/bundle.md");
    for def in BUNDLE_CHECKS {
        let start = docs.find(&format!("\n## {}\n", def.id)).unwrap() + 1;
        let end = docs[start + 3..]
            .find("\n## ")
            .map_or(docs.len(), |i| start + 3 + i);
        let headings: Vec<&str> = docs[start..end]
            .lines()
            .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
            .collect();
        let mut codes: Vec<&str> = def.codes.iter().map(|c| c.as_str()).collect();
        let mut documented = headings.clone();
        codes.sort_unstable();
        documented.sort_unstable();
        assert_eq!(codes, documented, "{}", def.id);
        assert_eq!(headings.len(), documented.len(), "{}", def.id);
    }
    let declared: Vec<crate::model::Code> = BUNDLE_CHECKS
        .iter()
        .flat_map(|def| def.codes.iter().copied())
        .collect();
    for code in Code::ALL {
        assert!(
            declared.contains(&code.code()),
            "{} is in no check",
            code.as_str()
        );
    }
}

#[test]
fn a_good_bundle_passes_everything() {
    if !have_busybox() {
        return;
    }
    let fx = Fixture::new();
    for result in fx.run() {
        assert_eq!(
            result.outcome.status,
            Status::Pass,
            "{}: {}",
            result.def.id,
            result.outcome.message
        );
    }
}

#[test]
fn checks_outside_run_bundle_report_an_error() {
    let host = HostFs::rooted("/nonexistent");
    let subject = alice();
    let os = OsRelease::default();
    let ctx = Context::new(&host, &subject, &os, &NoProbes);
    let results = ctx.run(BUNDLE_CHECKS);
    assert!(results.iter().all(|r| r.outcome.status == Status::Error));
    assert!(results.iter().all(|r| r.outcome.is(Code::NoBundle)));
}

#[test]
fn no_config_blocks_everything_else() {
    let fx = Fixture::new();
    fs::remove_file(fx.bundle.join("config.json")).unwrap();
    let results = fx.run();
    assert_status(&results[0].outcome, Status::Fail, "no config.json in");
    assert!(results[0].outcome.is(Code::ConfigMissing));
    for r in &results[1..] {
        assert_eq!(
            r.outcome.skip_reason.as_deref(),
            Some("blocked by bundle.config")
        );
        assert_eq!(r.outcome.blocked_by, Some(&CONFIG));
    }
}

#[test]
fn config_as_a_directory_fails() {
    let fx = Fixture::new();
    fs::remove_file(fx.bundle.join("config.json")).unwrap();
    fs::create_dir(fx.bundle.join("config.json")).unwrap();
    let out = fx.outcome("bundle.config");
    assert_status(&out, Status::Fail, "is a directory");
    assert!(out.is(Code::ConfigNotAFile));
}

#[test]
fn broken_json_names_line_and_column() {
    let fx = Fixture::new();
    fs::write(
        fx.bundle.join("config.json"),
        "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": [\"sh\"]\n  \"root\": {}\n}\n",
    )
    .unwrap();
    let out = fx.outcome("bundle.config");
    assert_status(&out, Status::Fail, "at line 4 column 3");
    assert!(out.is(Code::SyntaxError));
    assert!(matches!(
        &out.evidence[0],
        Evidence::File { line: Some(4), .. }
    ));
}

#[test]
fn trailing_garbage_is_accepted_like_runc() {
    if !have_busybox() {
        return;
    }
    let fx = Fixture::new();
    let mut text = serde_json::to_vec(&base_config()).unwrap();
    text.extend_from_slice(b"\n}}} not json");
    fs::write(fx.bundle.join("config.json"), text).unwrap();
    assert_eq!(fx.outcome("bundle.config").status, Status::Pass);
}

#[test]
fn a_30_mb_config_gives_a_finding_promptly() {
    let fx = Fixture::new();
    let mut config = base_config();
    let big: Vec<String> = (0..300_000)
        .map(|i| format!("VAR{i}={}", "x".repeat(90)))
        .collect();
    config["process"]["env"] = json!(big);
    fx.write_config(&config);
    assert!(fs::metadata(fx.bundle.join("config.json")).unwrap().len() > 30_000_000);
    let started = Instant::now();
    let results = fx.run();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_ne!(results[0].outcome.status, Status::Error);
    // PATH was replaced by the huge env: bare "sh" is not found.
    assert_status(
        &results[2].outcome,
        Status::Fail,
        "executable file not found in $PATH",
    );
    assert!(results[2].outcome.is(Code::PathUnset));
}

#[test]
fn empty_args_fail() {
    let fx = Fixture::new();
    fx.edit(|c| c["process"]["args"] = json!([]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "args must not be empty");
    assert!(out.is(Code::ArgsEmpty));
}

#[test]
fn a_missing_rootfs_blocks_the_process() {
    let fx = Fixture::new();
    fx.edit(|c| c["root"]["path"] = json!("nothere"));
    let results = fx.run();
    assert_status(&results[1].outcome, Status::Fail, "invalid rootfs");
    assert!(results[1].outcome.is(Code::RootfsMissing));
    assert_eq!(
        results[2].outcome.skip_reason.as_deref(),
        Some("blocked by bundle.rootfs")
    );
    assert_eq!(results[2].outcome.blocked_by, Some(&ROOTFS));
}

#[test]
fn missing_and_non_executable_binaries_fail() {
    let fx = Fixture::new();
    fx.edit(|c| c["process"]["args"] = json!(["/bin/nope"]));
    let out = fx.outcome("bundle.process");
    assert_status(
        &out,
        Status::Fail,
        "exec: \"/bin/nope\": stat /bin/nope: no such file or directory",
    );
    assert!(out.is(Code::ProgramNotFound));
    fs::write(fx.rootfs.join("bin/app"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(fx.rootfs.join("bin/app"), fs::Permissions::from_mode(0o644)).unwrap();
    fx.edit(|c| c["process"]["args"] = json!(["/bin/app"]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "permission denied");
    assert!(out.is(Code::ProgramNotExecutable));
    fx.edit(|c| c["process"]["args"] = json!(["/bin"]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "is a directory");
    assert!(out.is(Code::ProgramIsDirectory));
}

#[test]
fn dynamic_binaries_need_their_loader() {
    if !Path::new("/bin/ls").is_file() {
        return;
    }
    let fx = Fixture::new();
    fs::copy("/bin/ls", fx.rootfs.join("bin/ls")).unwrap();
    let Format::Elf(elf) = exec::read_format(&fx.rootfs.join("bin/ls")) else {
        panic!("/bin/ls is not ELF");
    };
    let Some(Ok(loader)) = elf.interpreter else {
        return; // a static ls: nothing to test
    };
    fx.edit(|c| c["process"]["args"] = json!(["/bin/ls"]));
    let out = fx.outcome("bundle.process");
    let loader_name = Path::new(&loader)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_status(&out, Status::Fail, &loader_name);
    assert!(out.is(Code::LoaderMissing));
    assert!(
        out.message
            .contains("exec /bin/ls: no such file or directory"),
        "{}",
        out.message
    );
    let inside = fx.rootfs.join(loader.trim_start_matches('/'));
    fs::create_dir_all(inside.parent().unwrap()).unwrap();
    fs::copy(&loader, &inside).unwrap();
    assert_status(&fx.outcome("bundle.process"), Status::Pass, "/bin/ls");
}

#[test]
fn scripts_need_their_interpreter_and_no_cr() {
    if !have_busybox() {
        return;
    }
    let fx = Fixture::new();
    let script = fx.rootfs.join("entry.sh");
    let write = |text: &str| {
        fs::write(&script, text).unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    };
    fx.edit(|c| c["process"]["args"] = json!(["/entry.sh"]));
    write("#!/bin/sh\necho hi\n");
    assert_status(&fx.outcome("bundle.process"), Status::Pass, "/entry.sh");
    write("#!/bin/bash\necho hi\n");
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "/bin/bash does not exist");
    assert!(out.is(Code::InterpreterMissing));
    write("#!/bin/sh\r\necho hi\r\n");
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "\"/bin/sh\\r\"");
    assert!(out.is(Code::CrlfShebang));
    write("echo no shebang\n");
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "exec format error");
    assert!(out.is(Code::UnknownFormat));
}

#[test]
fn a_foreign_architecture_is_named() {
    if !have_busybox() || host_facts::host_architecture() != object::Architecture::X86_64 {
        return;
    }
    let fx = Fixture::new();
    let mut bytes = fs::read("/bin/busybox").unwrap();
    bytes[18..20].copy_from_slice(&183u16.to_le_bytes());
    fs::write(fx.rootfs.join("bin/arm"), bytes).unwrap();
    fs::set_permissions(fx.rootfs.join("bin/arm"), fs::Permissions::from_mode(0o755)).unwrap();
    fx.edit(|c| c["process"]["args"] = json!(["/bin/arm"]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "exec format error");
    assert!(out.is(Code::WrongArchitecture));
    assert!(
        out.message.contains("aarch64") && out.message.contains("x86_64"),
        "{}",
        out.message
    );
}

#[test]
fn path_lookup_uses_process_env_only() {
    if !have_busybox() {
        return;
    }
    let fx = Fixture::new();
    fx.edit(|c| c["process"]["env"] = json!(["PATH=/usr/bin"]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "executable file not found in $PATH");
    assert!(out.is(Code::NotOnPath));
    fx.edit(|c| c["process"]["env"] = json!(["TERM=xterm"]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "sets no PATH");
    assert!(out.is(Code::PathUnset));
    fx.edit(|c| c["process"]["env"] = json!(["PATH=bin"]));
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "relative PATH entry");
    assert!(out.is(Code::RelativePathEntry));
    fx.edit(|c| c["process"]["env"] = json!(["PATH=/usr/bin:/bin"]));
    assert_status(&fx.outcome("bundle.process"), Status::Pass, "/bin/busybox");
}

#[test]
fn symlinks_resolve_inside_the_rootfs_only() {
    if !have_busybox() {
        return;
    }
    let fx = Fixture::new();
    symlink("/bin/busybox", fx.rootfs.join("usr/bin/abs")).unwrap();
    fx.edit(|c| c["process"]["args"] = json!(["/usr/bin/abs"]));
    assert_status(&fx.outcome("bundle.process"), Status::Pass, "/bin/busybox");
    // A file that exists only on the host, outside the rootfs.
    fs::copy("/bin/busybox", fx.outside.join("tool")).unwrap();
    symlink(fx.outside.join("tool"), fx.rootfs.join("bin/hosty")).unwrap();
    fx.edit(|c| c["process"]["args"] = json!(["/bin/hosty"]));
    assert_status(
        &fx.outcome("bundle.process"),
        Status::Fail,
        "does not exist in the rootfs",
    );
    symlink(
        "../../../../../../../../outside/tool",
        fx.rootfs.join("bin/escape"),
    )
    .unwrap();
    fx.edit(|c| c["process"]["args"] = json!(["/bin/escape"]));
    assert_status(
        &fx.outcome("bundle.process"),
        Status::Fail,
        "/outside does not exist",
    );
}

#[test]
fn symlink_loops_and_deep_paths_end_promptly() {
    if !have_busybox() {
        return;
    }
    let fx = Fixture::new();
    symlink("loop2", fx.rootfs.join("bin/loop1")).unwrap();
    symlink("loop1", fx.rootfs.join("bin/loop2")).unwrap();
    fx.edit(|c| c["process"]["args"] = json!(["/bin/loop1"]));
    let started = Instant::now();
    let out = fx.outcome("bundle.process");
    assert_status(&out, Status::Fail, "too many levels of symbolic links");
    assert!(out.is(Code::ProgramNotFound));
    let mut deep = fx.rootfs.clone();
    let mut inside = String::new();
    for i in 0..60 {
        deep.push(format!("d{i}"));
        inside.push_str(&format!("/d{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::copy("/bin/busybox", deep.join("sh")).unwrap();
    fx.edit(|c| c["process"]["args"] = json!([format!("{inside}/sh")]));
    assert_status(&fx.outcome("bundle.process"), Status::Pass, "/d59/sh");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn mappings_are_judged_against_the_subject() {
    let fx = Fixture::new();
    let maps = |uid: Value| {
        fx.edit(|c| c["linux"]["uidMappings"] = uid);
        fx.outcome("bundle.uid-mappings")
    };
    let out = maps(json!([{"containerID": 1, "hostID": 1000, "size": 1}]));
    assert_status(&out, Status::Fail, "no mapping found for uid 0");
    assert!(out.is(Code::ContainerRootUnmapped));
    let out = maps(json!([{"containerID": 0, "hostID": 100000, "size": 65536}]));
    assert_status(&out, Status::Fail, "exec.fifo");
    assert!(out.is(Code::RootNotOwnId));
    // The fixture host has no newuidmap, which runc trips over first; the
    // range outside alice's allocation is named as well.
    let outside = maps(
        json!([{"containerID": 0, "hostID": 1000, "size": 1}, {"containerID": 1, "hostID": 300000, "size": 100}]),
    );
    assert_eq!(outside.status, Status::Fail);
    assert!(
        format!("{outside:?}").contains("uid range [1-101) -> [300000-300100) not allowed"),
        "{outside:?}"
    );
    // A good multi-id map on a host without newuidmap: runc's "mapping tool not present".
    let good = maps(
        json!([{"containerID": 0, "hostID": 1000, "size": 1}, {"containerID": 1, "hostID": 100000, "size": 65536}]),
    );
    assert_status(&good, Status::Fail, "mapping tool not present");
    assert!(good.is(Code::HelperUnusable));
    assert!(!format!("{good:?}").contains("would refuse"), "{good:?}");
    fx.edit(|c| c["linux"]["namespaces"] = json!([{"type": "mount"}]));
    let out = fx.outcome("bundle.uid-mappings");
    assert_status(
        &out,
        Status::Fail,
        "rootless container requires user namespaces",
    );
    assert!(out.is(Code::NoUserNamespace));
    assert!(fx.outcome("bundle.user").is(Code::NoNewUserNamespace));
    assert!(fx.outcome("bundle.mounts").is(Code::NoNewUserNamespace));
}

#[test]
fn an_unmapped_process_user_fails() {
    let fx = Fixture::new();
    fx.edit(|c| c["process"]["user"] = json!({"uid": 1000, "gid": 0}));
    let out = fx.outcome("bundle.user");
    assert_status(&out, Status::Fail, "cannot setuid to unmapped uid 1000");
    assert!(out.is(Code::UidUnmapped));
}

#[test]
fn sysfs_and_devpts_gid_fail_in_mounts() {
    let fx = Fixture::new();
    fx.edit(|c| {
        c["mounts"][5] =
            json!({"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]});
        c["mounts"][2]["options"] = json!(["nosuid", "gid=5"]);
    });
    let out = fx.outcome("bundle.mounts");
    assert_status(&out, Status::Fail, "cannot specify gid=5 mount option");
    assert!(out.is(Code::UnmappedIdOption));
    assert!(out.evidence.iter().any(
        |e| matches!(e, Evidence::Fact { name, value } if name == "also" && value.contains("sysfs"))
    ));
    fx.edit(|c| {
        c["mounts"][5] =
            json!({"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]});
    });
    let sysfs = fx.outcome("bundle.mounts");
    assert_status(&sysfs, Status::Fail, "error mounting \"sysfs\"");
    assert!(sysfs.is(Code::SysfsWithoutNetns));
    assert_eq!(out.remediation.len(), 2);
}
