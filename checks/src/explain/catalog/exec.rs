//! Exec causes: the container's entrypoint (architecture, interpreter,
//! lookup, permissions, noexec), a runc binary it cannot read back, and a
//! bundle's config.json and root.path.
//!
//! One exception to the causal order: `storage-noexec` sits after
//! `exec-permission-denied`, since the shared exec wording most often means
//! missing mode bits and only the checks can tell a noexec mount.

use super::{
    confirmed_by, confirmed_by_codes, root, shared, specific, user, Cause, Fix, Pattern, INIT_P,
};
use crate::{bundle, limits, runtime, storage};

// Exec wording shared by exec-permission-denied and storage-noexec.
const EXEC_EACCES_OLD: Pattern = shared("exec user process caused…permission denied");
const EXEC_EACCES_LOOKPATH: Pattern = shared("exec: \"…\": permission denied");
const EXEC_EACCES: Pattern = shared("^exec /…: permission denied");
const EXEC_EACCES_CRUN: Pattern = shared("exec container process…permission denied");
const EACCESS_GO119: Pattern = shared("eaccess /…: permission denied");

const FIX_ENTRYPOINT: Fix = user(
    "fix the image or bundle: check process.args[0] (CMD/ENTRYPOINT), the PATH in \
     process.env, and the file inside the rootfs",
    &[],
);

pub(super) const CAUSES: &[Cause] = &[
    Cause {
        id: "exec-format-error",
        title: "binary for another CPU architecture, or a script without #!",
        explanation: "execve answers ENOEXEC when the file is an ELF for another machine (and \
            no binfmt_misc emulation is registered), or neither ELF nor a #! script.",
        patterns: &[
            specific("exec format error"),
            specific("does not match the detected host platform"),
            specific("accessing a corrupted shared library"),
        ],
        checks: &[confirmed_by_codes(
            &bundle::PROCESS,
            &[
                bundle::Code::WrongArchitecture.code(),
                bundle::Code::UnknownFormat.code(),
                bundle::Code::DamagedElf.code(),
                bundle::Code::NotAnExecutableElf.code(),
                bundle::Code::LoaderNotElf.code(),
                bundle::Code::ShebangEmpty.code(),
                bundle::Code::BadPtInterp.code(),
            ],
        )],
        remediation: &[user(
            "use an image for this architecture (--platform linux/$(uname -m)), install \
             qemu-user-static for emulation, or add a #! line to the script",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "exec-enoent-interpreter-or-crlf",
        title: "the entrypoint exists but its interpreter or loader does not",
        explanation: "execve answers ENOENT for an existing file when its #! interpreter or \
            ELF loader is missing in the rootfs: a script saved with CRLF (#!/bin/sh\\r), \
            #!/bin/bash on a busybox image, or a glibc binary on musl.",
        patterns: &[
            specific("exec user process caused…no such file or directory"),
            specific("^exec /…: no such file or directory"),
            // a relative entrypoint (`ENTRYPOINT ["./entrypoint.sh"]`) with a CRLF shebang
            specific("^exec ./…: no such file or directory"),
            // the same line behind a compose log prefix (`svc-1   | exec /…`)
            specific("| exec /…: no such file or directory"),
            specific("missing dynamic library"),
            specific("error while loading shared libraries"),
            // musl's loader naming a glibc dependency it cannot find
            specific("error loading shared library…(needed by"),
        ],
        checks: &[confirmed_by_codes(
            &bundle::PROCESS,
            &[
                bundle::Code::InterpreterMissing.code(),
                bundle::Code::LoaderMissing.code(),
                bundle::Code::CrlfShebang.code(),
                bundle::Code::BadPtInterp.code(),
                bundle::Code::InterpretersTooDeep.code(),
            ],
        )],
        remediation: &[user(
            "convert the script to LF (sed -i 's/\\r$//' FILE), use an interpreter present in \
             the image, or build the binary static",
            &[],
        )],
        yields_to: &["exec-not-found-in-path"],
    },
    Cause {
        id: "exec-not-found-in-path",
        title: "process.args[0] not found in the container",
        explanation: "The runtime looks args[0] up inside the rootfs with the PATH of \
            process.env (none there means bare names are never found). `stat X: no such \
            file` means X itself is missing, often hidden by a volume mounted over its \
            directory.",
        patterns: &[
            specific("executable file not found in $path"),
            specific("executable file \"…\" not found"),
            specific("exec: \"…\": stat…no such file or directory"),
            specific("exec: \"…\": stat…not a directory"),
            specific("oci runtime attempted to invoke a command that was not found"),
            specific("oci runtime command not found error"),
            specific("path environment variable is not set"),
            specific("executable '…' not found in $path"),
            specific("the path \"…\" is not a regular file"),
            specific("cannot run executable found relative to current directory"),
        ],
        checks: &[confirmed_by_codes(
            &bundle::PROCESS,
            &[
                bundle::Code::ProgramNotFound.code(),
                bundle::Code::ProgramIsDirectory.code(),
                bundle::Code::ProgramNotRegular.code(),
                bundle::Code::PathUnset.code(),
                bundle::Code::NotOnPath.code(),
                bundle::Code::RelativePathEntry.code(),
            ],
        )],
        remediation: &[FIX_ENTRYPOINT],
        yields_to: &[
            "newuidmap-missing",
            "rootless-net-helper-missing",
            "fuse-overlayfs-or-fusermount-missing",
        ],
    },
    Cause {
        id: "exec-permission-denied",
        title: "the entrypoint is not executable for the container user",
        explanation: "The file lacks an x bit the container user can use, sits on a noexec \
            mount, is owned by an unmapped id with a restrictive mode, or an LSM denies it.",
        patterns: &[
            specific("the path \"…\" exists but it is not executable"),
            // Go's exec.LookPath skips a file on $PATH that has no x bit and
            // reports it as not found: a script's name said so is usually a
            // script copied into the image without chmod +x.
            specific(".sh\": executable file not found in $path"),
            specific("does not have correct permissions"),
            EXEC_EACCES_OLD,
            EXEC_EACCES_LOOKPATH,
            EXEC_EACCES,
            EXEC_EACCES_CRUN,
            EACCESS_GO119,
            // tini as PID 1 failing to exec the entrypoint
            shared("tini (…)] exec …failed: permission denied"),
        ],
        checks: &[confirmed_by_codes(
            &bundle::PROCESS,
            &[
                bundle::Code::ProgramNotExecutable.code(),
                bundle::Code::ProgramNotRegular.code(),
                bundle::Code::InterpreterNotExecutable.code(),
                bundle::Code::LoaderNotExecutable.code(),
            ],
        )],
        remediation: &[user(
            "make the file executable in the image (chmod +x, COPY --chmod=755) and readable by \
             the container user",
            &[],
        )],
        yields_to: &[
            "runc-binary-not-readable",
            "rootless-privileged-device-limits",
            "ubuntu-apparmor-userns-restriction",
        ],
    },
    Cause {
        id: "storage-noexec",
        title: "container storage or a volume on a noexec mount",
        explanation: "When the graph root or a bind-mounted volume is mounted noexec, the \
            kernel refuses to execute anything from it and the runtime reports permission \
            denied at exec.",
        patterns: &[
            EXEC_EACCES_OLD,
            EXEC_EACCES_LOOKPATH,
            EXEC_EACCES,
            EXEC_EACCES_CRUN,
            EACCESS_GO119,
        ],
        // bundle.process does not judge mount options; storage.graphroot
        // tells a noexec graph root (a noexec volume stays undecided).
        checks: &[confirmed_by_codes(
            &storage::GRAPHROOT,
            &[storage::Code::Noexec.code()],
        )],
        remediation: &[user(
            "move graphroot (storage.conf) or the volume to a filesystem mounted without \
             noexec",
            &[],
        )],
        yields_to: &[
            "runc-binary-not-readable",
            "rootless-privileged-device-limits",
            "ubuntu-apparmor-userns-restriction",
        ],
    },
    Cause {
        id: "runc-binary-not-readable",
        title: "runc binary not readable by the user",
        explanation: "Rootless runc copies itself through /proc/self/exe before starting the \
            container (a CVE-2019-5736 mitigation); a runc installed mode 0111 cannot be read \
            back.",
        patterns: &[
            specific("create safe /proc/self/exe clone"),
            specific("open /proc/self/exe: permission denied"),
            specific("could not ensure we are a cloned binary"),
            INIT_P,
        ],
        checks: &[confirmed_by_codes(
            &runtime::OCI_RUNTIME,
            &[
                runtime::Code::RuncUnreadable.code(),
                runtime::Code::RuncGroupReadable.code(),
            ],
        )],
        remediation: &[root(
            "make runc readable",
            &["chmod 755 \"$(command -v runc)\""],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-config-invalid",
        title: "config.json missing or incomplete",
        explanation: "The runtime validates config.json before anything else: it must exist in \
            the bundle directory and have a process with args and an absolute cwd.",
        patterns: &[
            specific("json specification file…not found"),
            specific("process property must not be empty"),
            specific("cwd property must not be empty"),
            specific("cwd must be an absolute path"),
            specific("args must not be empty"),
            specific("no mount in spec"),
        ],
        checks: &[
            confirmed_by(&bundle::CONFIG),
            confirmed_by(&bundle::PROCESS),
        ],
        remediation: &[user(
            "create or complete config.json",
            &["runc spec --rootless"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-rootfs-invalid",
        title: "root.path missing, not a directory, or behind a symlink",
        explanation: "runc compares root.path with its resolved form and refuses a missing \
            directory or any symlink on the way (e.g. /home -> /var/home).",
        patterns: &[
            specific("invalid rootfs"),
            specific("must be mounted on ordinary directory"),
        ],
        checks: &[confirmed_by(&bundle::ROOTFS)],
        remediation: &[user(
            "point root.path at an existing directory through a path without symlinks",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "runc-tty-console-socket",
        title: "terminal requested for a detached container without a console socket",
        explanation: "With process.terminal true, a detached runc (create, run -d) must hand \
            the terminal to someone through --console-socket.",
        patterns: &[specific(
            "cannot allocate tty if runc will detach without setting console socket",
        )],
        checks: &[],
        remediation: &[user(
            "set \"terminal\": false in config.json, or pass --console-socket",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "rlimit-nofile-too-low",
        title: "the user's open-file or process limit is below what the container asks for",
        explanation: "An unprivileged runtime can only lower its limits: a container asking \
            for more open files or processes than the user's hard limit (--ulimit, \
            containers.conf default_ulimits, config.json rlimits) is refused by setrlimit, and \
            a container given a low limit runs out of descriptors. podman gives rootless \
            containers the user's hard RLIMIT_NOFILE, at most 1048576.",
        patterns: &[
            specific("error setting rlimit type 7"),
            specific("error setting rlimit type 6"),
            specific("error setting rlimit type…operation not permitted"),
            specific("setrlimit \"rlimit_…\": operation not permitted"),
            specific("error setting new rlimits: operation not permitted"),
            specific("setting rlimits for ready process…operation not permitted"),
            specific("setrlimit `rlimit_nofile`: operation not permitted"),
            specific("setrlimit `rlimit_nproc`: operation not permitted"),
            shared("setting rlimits for ready process"),
            specific("setrlimit `RLIMIT_NOFILE`"),
            specific("setrlimit `RLIMIT_NPROC`"),
            specific("open files: cannot modify limit"),
            shared("too many open files"),
        ],
        checks: &[
            confirmed_by_codes(
                &limits::NOFILE,
                &[limits::Code::NofileLow.code(), limits::Code::NprocLow.code()],
            ),
            confirmed_by_codes(
                &bundle::PROCESS_SETTINGS,
                &[bundle::Code::RlimitAboveHard.code()],
            ),
        ],
        remediation: &[
            root(
                "raise the user's hard limit for every login, then log in again",
                &["echo '<user> - nofile 1048576' > /etc/security/limits.d/90-rootless-<user>-nofile.conf"],
            ),
            user(
                "or ask for no more than `ulimit -Hn` (`--ulimit nofile=N:N`, or `--ulimit host`)",
                &[],
            ),
        ],
        yields_to: &[],
    },
];
