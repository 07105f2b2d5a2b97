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

/// Drops the namespace of type `kind` from linux.namespaces.
fn drop_ns(c: &mut Value, kind: &str) {
    let list = c["linux"]["namespaces"].as_array_mut().unwrap();
    list.retain(|ns| ns["type"] != kind);
}

/// Appends a namespace entry to linux.namespaces.
fn add_ns(c: &mut Value, entry: Value) {
    c["linux"]["namespaces"].as_array_mut().unwrap().push(entry);
}

/// Sets linux.seccomp.
fn seccomp(b: &Path, profile: Value) {
    config(b, |c| c["linux"]["seccomp"] = profile);
}

/// A seccomp profile allowing everything but one rule.
fn one_rule(names: &[&str], action: &str, args: Value) -> Value {
    json!({"defaultAction": "SCMP_ACT_ALLOW",
           "syscalls": [{"names": names, "action": action, "args": args}]})
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
    // bundle.namespaces
    Case {
        name: "hostname-without-uts",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| config(b, |c| drop_ns(c, "uts")),
    },
    Case {
        name: "time-namespace",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| config(b, |c| add_ns(c, json!({"type": "time"}))),
    },
    Case {
        name: "duplicate-namespace",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| config(b, |c| add_ns(c, json!({"type": "ipc"}))),
    },
    Case {
        name: "network-namespace",
        path: PATH,
        cause: None,
        spoil: |b, _| config(b, |c| add_ns(c, json!({"type": "network"}))),
    },
    Case {
        name: "cgroup-namespace",
        path: PATH,
        cause: None,
        spoil: |b, _| config(b, |c| add_ns(c, json!({"type": "cgroup"}))),
    },
    Case {
        name: "ns-path-missing",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                add_ns(
                    c,
                    json!({"type": "network", "path": "/proc/999999999/ns/net"}),
                )
            })
        },
    },
    Case {
        name: "ns-path-unopenable",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                add_ns(c, json!({"type": "network", "path": "/proc/1/ns/net"}))
            })
        },
    },
    Case {
        name: "ns-path-own-netns",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                add_ns(c, json!({"type": "network", "path": "/proc/self/ns/net"}))
            })
        },
    },
    Case {
        name: "ns-path-not-a-namespace",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                add_ns(c, json!({"type": "network", "path": "/etc/hostname"}))
            })
        },
    },
    Case {
        name: "masked-paths-without-mountns",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| config(b, |c| drop_ns(c, "mount")),
    },
    Case {
        name: "masked-path-missing",
        path: PATH,
        cause: None,
        spoil: |b, _| config(b, |c| c["linux"]["maskedPaths"] = json!(["/no/such/path"])),
    },
    Case {
        name: "domainname-ignored",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                drop_ns(c, "uts");
                c.as_object_mut().unwrap().remove("hostname");
                c["domainname"] = json!("example");
            })
        },
    },
    Case {
        name: "sysctl-net-without-netns",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["sysctl"] = json!({"net.ipv4.ip_forward": "1"})
            })
        },
    },
    Case {
        name: "sysctl-net-with-netns",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                add_ns(c, json!({"type": "network"}));
                c["linux"]["sysctl"] = json!({"net/ipv4/ping_group_range": "0 0"});
            })
        },
    },
    Case {
        name: "sysctl-net-global",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                add_ns(c, json!({"type": "network"}));
                c["linux"]["sysctl"] = json!({"net.core.rmem_max": "100000"});
            })
        },
    },
    Case {
        name: "sysctl-net-absent",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                add_ns(c, json!({"type": "network"}));
                c["linux"]["sysctl"] = json!({"net.ipv4.no_such_key": "1"});
            })
        },
    },
    Case {
        name: "sysctl-ipc",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["sysctl"] = json!({"kernel.shmmax": "1000000"})
            })
        },
    },
    Case {
        name: "sysctl-ipc-without-ipcns",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                drop_ns(c, "ipc");
                c["mounts"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|m| m["type"] != "mqueue");
                c["linux"]["sysctl"] = json!({"kernel.shmmax": "1000000"});
            })
        },
    },
    Case {
        name: "sysctl-not-namespaced",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| config(b, |c| c["linux"]["sysctl"] = json!({"vm.swappiness": "10"})),
    },
    Case {
        name: "sysctl-kernel-hostname",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["sysctl"] = json!({"kernel.hostname": "x"})
            })
        },
    },
    Case {
        name: "sysctl-kernel-domainname",
        path: PATH,
        cause: Some("bundle.namespaces"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["sysctl"] = json!({"kernel.domainname": "x"})
            })
        },
    },
    Case {
        name: "unknown-capability",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                c["process"]["capabilities"]["bounding"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("CAP_NO_SUCH"))
            })
        },
    },
    Case {
        name: "relative-root-dot",
        path: PATH,
        cause: None,
        spoil: |b, _| config(b, |c| c["root"]["path"] = json!("./rootfs")),
    },
    // bundle.resources
    Case {
        name: "resources-memory",
        path: PATH,
        cause: Some("bundle.resources"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["memory"] = json!({"limit": 100_000_000})
            })
        },
    },
    Case {
        name: "resources-pids",
        path: PATH,
        cause: Some("bundle.resources"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["pids"] = json!({"limit": 100})
            })
        },
    },
    Case {
        name: "resources-cpu-shares",
        path: PATH,
        cause: Some("bundle.resources"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["cpu"] = json!({"shares": 512})
            })
        },
    },
    Case {
        name: "resources-cpuset",
        path: PATH,
        cause: Some("bundle.resources"),
        spoil: |b, _| config(b, |c| c["linux"]["resources"]["cpu"] = json!({"cpus": "0"})),
    },
    Case {
        name: "resources-swappiness",
        path: PATH,
        cause: Some("bundle.resources"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["memory"] = json!({"swappiness": 10})
            })
        },
    },
    Case {
        name: "resources-unified",
        path: PATH,
        cause: Some("bundle.resources"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["unified"] = json!({"memory.max": "1000000"})
            })
        },
    },
    Case {
        name: "resources-zero",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["memory"] = json!({"limit": 0})
            })
        },
    },
    Case {
        name: "resources-wrong-type",
        path: PATH,
        cause: Some("bundle.config"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["resources"]["memory"] = json!({"limit": "1G"})
            })
        },
    },
    // bundle.seccomp
    Case {
        name: "seccomp-good",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            let mut profile = one_rule(
                &["mkdir"],
                "SCMP_ACT_ERRNO",
                json!([{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]),
            );
            profile["architectures"] = json!(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]);
            seccomp(b, profile)
        },
    },
    Case {
        name: "seccomp-unknown-action",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| seccomp(b, one_rule(&["mkdir"], "SCMP_ACT_NOPE", json!(null))),
    },
    Case {
        name: "seccomp-unknown-default",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| seccomp(b, json!({"defaultAction": "SCMP_ACT_NOPE"})),
    },
    Case {
        name: "seccomp-unknown-arch",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| {
            seccomp(
                b,
                json!({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_NOPE"]}),
            )
        },
    },
    Case {
        name: "seccomp-unknown-operator",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| {
            seccomp(
                b,
                one_rule(
                    &["mkdir"],
                    "SCMP_ACT_ERRNO",
                    json!([{"index": 0, "value": 1, "op": "SCMP_CMP_NOPE"}]),
                ),
            )
        },
    },
    Case {
        name: "seccomp-unknown-syscall",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            seccomp(
                b,
                one_rule(&["no_such_call", "mkdir"], "SCMP_ACT_ERRNO", json!(null)),
            )
        },
    },
    Case {
        name: "seccomp-arg-index",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| {
            seccomp(
                b,
                one_rule(
                    &["mkdir"],
                    "SCMP_ACT_ERRNO",
                    json!([{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]),
                ),
            )
        },
    },
    Case {
        name: "seccomp-notify-default",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| seccomp(b, json!({"defaultAction": "SCMP_ACT_NOTIFY"})),
    },
    Case {
        name: "seccomp-flags",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| {
            seccomp(
                b,
                json!({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"]}),
            )
        },
    },
    Case {
        name: "seccomp-empty-name",
        path: PATH,
        cause: Some("bundle.seccomp"),
        spoil: |b, _| seccomp(b, one_rule(&[""], "SCMP_ACT_ERRNO", json!(null))),
    },
    // bundle.devices
    Case {
        name: "device-host-node",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["devices"] = json!([{"path": "/dev/fuse", "type": "c", "major": 10,
                    "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}])
            })
        },
    },
    Case {
        name: "device-other-numbers",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            config(
                b,
                |c| {
                    c["linux"]["devices"] =
                        json!([{"path": "/dev/null", "type": "b", "major": 9, "minor": 9}])
                },
            )
        },
    },
    Case {
        name: "device-no-host-node",
        path: PATH,
        cause: Some("bundle.devices"),
        spoil: |b, _| {
            config(
                b,
                |c| {
                    c["linux"]["devices"] =
                        json!([{"path": "/dev/rd-nope0", "type": "c", "major": 10, "minor": 229}])
                },
            )
        },
    },
    Case {
        name: "device-no-host-fifo",
        path: PATH,
        cause: Some("bundle.devices"),
        spoil: |b, _| {
            config(b, |c| {
                c["linux"]["devices"] = json!([{"path": "/tmp/rd-no-fifo", "type": "p"}])
            })
        },
    },
    Case {
        name: "device-invalid-type",
        path: PATH,
        cause: Some("bundle.devices"),
        spoil: |b, _| {
            config(
                b,
                |c| {
                    c["linux"]["devices"] =
                        json!([{"path": "/dev/fuse", "type": "x", "major": 10, "minor": 229}])
                },
            )
        },
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
    let mut agreed = 0;
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
        eprintln!(
            "{}: runc {}, doctor failed {failed:?}",
            case.name,
            if runc_ok { "started" } else { "failed" }
        );
        if agrees && names_cause {
            agreed += 1;
        } else {
            disagreements.push(format!(
                "{}: runc {} ({}), doctor failed {failed:?}, expected cause {:?}",
                case.name,
                if runc_ok { "started" } else { "failed" },
                runc_err.trim(),
                case.cause
            ));
        }
    }
    eprintln!("agreement with runc: {agreed} of {} cases", CASES.len());
    assert!(
        disagreements.is_empty(),
        "disagreements with runc:\n{}",
        disagreements.join("\n")
    );
}

// ---- bundle.process (execve limits) and bundle.process-settings ----

/// The test process's (soft, hard) limit from /proc/self/limits; the test
/// user's runs inherit it through runuser (pam_limits sets nothing here).
fn own_limit(label: &str) -> (u64, u64) {
    let text = fs::read_to_string("/proc/self/limits").unwrap();
    let line = text.lines().find(|l| l.starts_with(label)).unwrap();
    let mut values = line[label.len()..].split_whitespace().map(|v| {
        if v == "unlimited" {
            u64::MAX
        } else {
            v.parse().unwrap()
        }
    });
    (values.next().unwrap(), values.next().unwrap())
}

/// The kernel's limit on execve's strings and pointers for the inherited stack.
fn exec_limit() -> u64 {
    let (soft, _) = own_limit("Max stack size");
    (8u64 * 1024 * 1024 / 4 * 3).min(soft / 4).max(32 * 4096)
}

/// process.env of about `total` bytes as the kernel counts it (strings with
/// their NULs, plus a pointer each), besides what `runc spec` sets, HOME=/
/// (added by runc's init) and /bin/true twice (file name and args[0]).
fn env_of(bundle: &Path, total: u64) {
    config(bundle, |c| {
        let mut env: Vec<String> = c["process"]["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let fixed: u64 = env.iter().map(|e| e.len() as u64 + 1 + 8).sum::<u64>()
            + ("HOME=/".len() as u64 + 1 + 8)
            + 2 * ("/bin/true".len() as u64 + 1)
            + 8;
        let mut left = total - fixed;
        loop {
            let name = format!("V{}=", env.len());
            let overhead = name.len() as u64 + 1 + 8;
            let size = left.min(100_000);
            if size <= overhead {
                break;
            }
            env.push(format!("{name}{}", "x".repeat((size - overhead) as usize)));
            left -= size;
        }
        c["process"]["env"] = json!(env);
    });
}

fn process_field(bundle: &Path, field: &str, value: Value) {
    config(bundle, |c| c["process"][field] = value);
}

const PROCESS_CASES: &[Case] = &[
    Case {
        name: "env-3mb",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| env_of(b, 3_000_000),
    },
    Case {
        name: "env-just-under-the-limit",
        path: PATH,
        cause: None,
        spoil: |b, _| env_of(b, exec_limit() - 64),
    },
    Case {
        name: "env-just-over-the-limit",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| env_of(b, exec_limit() + 64),
    },
    Case {
        name: "one-string-at-max-arg-strlen",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            // 131071 bytes and its NUL: MAX_ARG_STRLEN exactly.
            let entry = format!("BIG={}", "y".repeat(131_071 - 4));
            process_field(b, "env", json!(["PATH=/bin", entry]));
        },
    },
    Case {
        name: "one-string-over-max-arg-strlen",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            let entry = format!("BIG={}", "y".repeat(131_072 - 4));
            process_field(b, "env", json!(["PATH=/bin", entry]));
        },
    },
    Case {
        name: "small-stack-rlimit-with-400k-env",
        path: PATH,
        cause: Some("bundle.process"),
        spoil: |b, _| {
            env_of(b, 400_000);
            process_field(
                b,
                "rlimits",
                json!([{"type": "RLIMIT_STACK", "soft": 1_048_576u64, "hard": 1_048_576u64}]),
            );
        },
    },
    Case {
        name: "rlimit-nofile-above-hard",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| {
            let (_, hard) = own_limit("Max open files");
            process_field(
                b,
                "rlimits",
                json!([{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": hard + 1}]),
            );
        },
    },
    Case {
        name: "rlimit-nofile-within-hard",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            let (_, hard) = own_limit("Max open files");
            process_field(
                b,
                "rlimits",
                json!([{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": hard},
                       {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]),
            );
        },
    },
    Case {
        name: "rlimit-soft-above-hard",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| {
            process_field(
                b,
                "rlimits",
                json!([{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 100}]),
            )
        },
    },
    Case {
        name: "rlimit-unknown-type",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| {
            process_field(
                b,
                "rlimits",
                json!([{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]),
            )
        },
    },
    Case {
        name: "oom-score-adj-negative",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| process_field(b, "oomScoreAdj", json!(-1)),
    },
    Case {
        name: "oom-score-adj-positive",
        path: PATH,
        cause: None,
        spoil: |b, _| process_field(b, "oomScoreAdj", json!(500)),
    },
    Case {
        name: "oom-score-adj-out-of-range",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| process_field(b, "oomScoreAdj", json!(1001)),
    },
    Case {
        name: "oom-score-adj-wrong-type",
        path: PATH,
        cause: Some("bundle.config"),
        spoil: |b, _| process_field(b, "oomScoreAdj", json!("5")),
    },
    Case {
        name: "console-size-negative",
        path: PATH,
        cause: Some("bundle.config"),
        spoil: |b, _| process_field(b, "consoleSize", json!({"height": -1, "width": 80})),
    },
    Case {
        name: "apparmor-profile-without-apparmor",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| process_field(b, "apparmorProfile", json!("rd-test-profile")),
    },
    Case {
        name: "selinux-label-without-selinux",
        path: PATH,
        cause: Some("bundle.process-settings"),
        spoil: |b, _| process_field(b, "selinuxLabel", json!("system_u:system_r:container_t:s0")),
    },
    Case {
        name: "scheduler-ignored-by-runc-1.1",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            process_field(
                b,
                "scheduler",
                json!({"policy": "SCHED_FIFO", "priority": 50}),
            )
        },
    },
    Case {
        name: "io-priority-ignored-by-runc-1.1",
        path: PATH,
        cause: None,
        spoil: |b, _| {
            process_field(
                b,
                "ioPriority",
                json!({"class": "IOPRIO_CLASS_RT", "priority": 0}),
            )
        },
    },
];

/// Runs one case through runc and the doctor: runc's result, its stderr, and
/// the doctor's checks as (id, status, code).
fn both(live: &Live, case: &Case) -> (bool, String, Vec<(String, String, String)>) {
    let bundle = live.bundle(&format!("p-{}", case.name), false);
    (case.spoil)(&bundle, live);
    std::process::Command::new("chown")
        .args(["-hR", &format!("{}:{}", live.uid, live.gid)])
        .arg(&bundle)
        .status()
        .unwrap();
    let (runc_ok, runc_err) = live.runc_starts(&bundle, case.path);
    let exe = live.exe();
    let output = live.as_user(
        &[
            exe.to_str().unwrap(),
            "bundle",
            bundle.to_str().unwrap(),
            "--format",
            "json",
        ],
        case.path,
    );
    let report = parse_report(&output);
    let checks = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or("").to_string(),
                c["status"].as_str().unwrap_or("").to_string(),
                c["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (runc_ok, runc_err, checks)
}

#[test]
fn the_doctor_agrees_with_runc_on_process_limits_and_settings() {
    let Some(live) = live("the_doctor_agrees_with_runc_on_process_limits_and_settings") else {
        return;
    };
    let mut disagreements = Vec::new();
    for case in PROCESS_CASES {
        let (runc_ok, runc_err, checks) = both(&live, case);
        let failed: Vec<&str> = checks
            .iter()
            .filter(|(_, status, _)| status == "fail")
            .map(|(id, _, _)| id.as_str())
            .collect();
        let agrees = runc_ok == failed.is_empty();
        let names_cause = match (runc_ok, case.cause) {
            (false, Some(cause)) => failed.contains(&cause),
            (true, None) => true,
            _ => false,
        };
        let last_line = runc_err.trim().lines().last().unwrap_or("").to_string();
        eprintln!(
            "{}: runc {} ({last_line}); doctor failed {failed:?}",
            case.name,
            if runc_ok { "started" } else { "failed" },
        );
        if !agrees || !names_cause {
            disagreements.push(format!(
                "{}: runc {} ({}), doctor failed {failed:?}, expected cause {:?}",
                case.name,
                if runc_ok { "started" } else { "failed" },
                last_line,
                case.cause
            ));
        }
    }
    eprintln!(
        "process cases: {} of {} agree with runc",
        PROCESS_CASES.len() - disagreements.len(),
        PROCESS_CASES.len()
    );
    assert!(
        disagreements.is_empty(),
        "disagreements with runc:\n{}",
        disagreements.join("\n")
    );
}

/// `terminal: true` where there is no terminal (these tests run without
/// one): `runc run` in the foreground fails opening /dev/tty, which depends on
/// how runc is started, not on the bundle (`runc run -d --console-socket`
/// starts it). The doctor, started the same way, warns and fails nothing.
#[test]
fn terminal_without_a_terminal_is_a_warning_where_runc_run_fails() {
    let Some(live) = live("terminal_without_a_terminal_is_a_warning_where_runc_run_fails") else {
        return;
    };
    if fs::File::open("/dev/tty").is_ok() {
        eprintln!("skipped: this test process has a terminal");
        return;
    }
    let case = Case {
        name: "terminal-true",
        path: PATH,
        cause: None,
        spoil: |b, _| process_field(b, "terminal", json!(true)),
    };
    let (runc_ok, runc_err, checks) = both(&live, &case);
    assert!(!runc_ok, "runc started without a terminal");
    assert!(
        runc_err.contains("open /dev/tty: no such device or address"),
        "{runc_err}"
    );
    assert!(
        checks.iter().all(|(_, status, _)| status != "fail"),
        "{checks:?}"
    );
    assert!(
        checks.contains(&(
            "bundle.process-settings".into(),
            "warn".into(),
            "terminal-unavailable".into()
        )),
        "{checks:?}"
    );
}
