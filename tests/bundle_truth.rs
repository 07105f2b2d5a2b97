//! Bundle preflight against real runc, as the throwaway test user: the doctor
//! reports a failed check exactly when runc fails, and names the cause.

use crate::live::{live, parse_report, Live, PATH};
use serde_json::{json, Value};
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

/// One bundle variant: how to spoil a good bundle, the PATH runc and the
/// doctor run with, and the check that must name the cause when runc fails.
struct Case {
    name: &'static str,
    path: &'static str,
    cause: Option<&'static str>,
    spoil: fn(&Path, &Live),
}

fn config(bundle: &Path, edit: impl FnOnce(&mut Value)) {
    let path = bundle.join("config.json");
    let mut value: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut value);
    fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

fn args(bundle: &Path, argv: &[&str]) {
    config(bundle, |c| c["process"]["args"] = json!(argv));
}

fn write_exec(bundle: &Path, at: &str, contents: &[u8], mode: u32) {
    let path = bundle.join("rootfs").join(at.trim_start_matches('/'));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, contents).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
}

fn link(bundle: &Path, at: &str, target: &str) {
    let path = bundle.join("rootfs").join(at.trim_start_matches('/'));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    symlink(target, path).unwrap();
}

const NO_NEWUIDMAP: &str = "/rd-no-newuidmap";

const CASES: &[Case] = &[
    Case {
        name: "good",
        path: PATH,
        cause: None,
        spoil: |_, _| {},
    },
    Case {
        name: "missing-binary",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| args(b, &["/bin/nope"]),
    },
    Case {
        name: "not-executable",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            write_exec(b, "/bin/plain", b"#!/bin/sh\nexit 0\n", 0o644);
            args(b, &["/bin/plain"]);
        },
    },
    Case {
        name: "no-loader",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            write_exec(b, "/bin/ls", &fs::read("/bin/ls").unwrap(), 0o755);
            args(b, &["/bin/ls"]);
        },
    },
    Case {
        name: "no-interpreter",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            write_exec(b, "/bin/script", b"#!/usr/bin/python3\nprint(1)\n", 0o755);
            args(b, &["/bin/script"]);
        },
    },
    Case {
        name: "crlf-script",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            write_exec(b, "/bin/script", b"#!/bin/sh\r\nexit 0\r\n", 0o755);
            args(b, &["/bin/script"]);
        },
    },
    Case {
        name: "good-script",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            write_exec(b, "/bin/script", b"#!/bin/sh\nexit 0\n", 0o755);
            args(b, &["/bin/script"]);
        },
    },
    Case {
        name: "foreign-arch",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            let mut elf = fs::read("/bin/busybox").unwrap();
            // e_machine: EM_AARCH64 (183) on this little-endian x86_64 file.
            elf[18] = 183;
            elf[19] = 0;
            fs::remove_file(b.join("rootfs/bin/true")).unwrap();
            write_exec(b, "/bin/true", &elf, 0o755);
        },
    },
    Case {
        name: "path-finds",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                c["process"]["args"] = json!(["true"]);
                c["process"]["env"] = json!(["PATH=/usr/local/bin:/bin"]);
            })
        },
    },
    Case {
        name: "path-misses",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            config(b, |c| {
                c["process"]["args"] = json!(["true"]);
                c["process"]["env"] = json!(["PATH=/usr/local/bin:/opt"]);
            })
        },
    },
    Case {
        name: "absolute-symlink-inside",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            link(b, "/usr/bin/true", "/bin/busybox");
            args(b, &["/usr/bin/true"]);
        },
    },
    Case {
        name: "symlink-to-host-only",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            link(b, "/bin/hostsh", "/usr/bin/dash");
            args(b, &["/bin/hostsh"]);
        },
    },
    Case {
        name: "dotdot-escape",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            link(b, "/bin/esc", "../../../../../../usr/bin/dash");
            args(b, &["/bin/esc"]);
        },
    },
    Case {
        name: "no-root-mapping",
        path: PATH,
        cause: Some("bundle.uid-mappings"),
        spoil: |b, live| {
            let uid = live.uid;
            config(b, |c| {
                c["linux"]["uidMappings"] = json!([{"containerID": 1, "hostID": uid, "size": 1}])
            });
        },
    },
    Case {
        name: "range-outside-allocation",
        path: PATH,
        cause: Some("bundle.uid-mappings"),
        spoil: |b, live| {
            let uid = live.uid;
            config(b, |c| {
                c["linux"]["uidMappings"] = json!([
                    {"containerID": 0, "hostID": uid, "size": 1},
                    {"containerID": 1, "hostID": 3_900_000_000u32, "size": 100}])
            });
        },
    },
    Case {
        name: "own-id-not-root",
        path: PATH,
        cause: Some("bundle.uid-mappings"),
        spoil: |b, live| {
            let (start, _) = live.first_range("/etc/subuid").unwrap();
            config(b, |c| {
                c["linux"]["uidMappings"] =
                    json!([{"containerID": 0, "hostID": start, "size": 65536}])
            });
        },
    },
    Case {
        name: "unmapped-user",
        path: PATH,
        cause: Some("bundle.user"),
        spoil: |b, _| config(b, |c| c["process"]["user"] = json!({"uid": 5, "gid": 0})),
    },
    Case {
        name: "broken-json",
        path: PATH,
        cause: Some("bundle.config"),
        spoil: |b, _| {
            fs::write(
                b.join("config.json"),
                "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {,\n}\n",
            )
            .unwrap()
        },
    },
    Case {
        name: "no-config",
        path: PATH,
        cause: Some("bundle.config"),
        spoil: |b, _| fs::remove_file(b.join("config.json")).unwrap(),
    },
    Case {
        name: "multi-id",
        path: PATH,
        cause: None,
        spoil: |_, _| {},
    },
    Case {
        name: "multi-id-no-newuidmap",
        path: NO_NEWUIDMAP,
        cause: Some("bundle.uid-mappings"),
        spoil: |_, _| {},
    },
];

/// A PATH directory with runc and newgidmap but no newuidmap.
fn no_newuidmap_dir(live: &Live) -> String {
    let dir = live.dir.path().join("no-newuidmap");
    if !dir.exists() {
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        for tool in ["/usr/sbin/runc", "/usr/bin/newgidmap"] {
            symlink(tool, dir.join(Path::new(tool).file_name().unwrap())).unwrap();
        }
    }
    dir.display().to_string()
}

#[test]
fn the_doctor_fails_a_bundle_exactly_when_runc_does() {
    let Some(live) = live("the_doctor_fails_a_bundle_exactly_when_runc_does") else {
        return;
    };
    let mut disagreements = Vec::new();
    for case in CASES {
        let multi = case.name.starts_with("multi-id");
        let bundle = live.bundle(&format!("b-{}", case.name), multi);
        (case.spoil)(&bundle, &live);
        std::process::Command::new("chown")
            .args(["-hR", &format!("{}:{}", live.uid, live.gid)])
            .arg(&bundle)
            .status()
            .unwrap();
        let path = if case.path == NO_NEWUIDMAP {
            no_newuidmap_dir(&live)
        } else {
            case.path.to_string()
        };
        let (runc_ok, runc_err) = live.runc_starts(&bundle, &path);
        let exe = live.exe();
        let output = live.as_user(
            &[
                exe.to_str().unwrap(),
                "bundle",
                bundle.to_str().unwrap(),
                "--format",
                "json",
            ],
            &path,
        );
        let report = parse_report(&output);
        let failed: Vec<&str> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let agrees = runc_ok == failed.is_empty();
        let names_cause = match (runc_ok, case.cause) {
            (false, Some(cause)) => failed.contains(&cause),
            (true, None) => true,
            _ => false,
        };
        if !agrees || !names_cause {
            disagreements.push(format!(
                "{}: runc {} ({}), doctor failed {failed:?}, expected cause {:?}",
                case.name,
                if runc_ok { "started" } else { "failed" },
                runc_err.trim(),
                case.cause
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "disagreements with runc:\n{}",
        disagreements.join("\n")
    );
}
