//! `bundle.process`: will the container's process start?
//!
//! Gathers, then judges, what runc does with `process`: the spec checks of
//! `validateProcessSpec`; Go's `exec.LookPath(args[0])` with the PATH of
//! process.env only (a name with a `/` taken as a path, relative to
//! process.cwd; a bare name searched along PATH, non-executable candidates
//! skipped, a hit in a relative entry an error); then what `execve` does with
//! the file: ELF machine and `PT_INTERP` loader, or the `#!` interpreter (no
//! `\r`), recursively up to the kernel's depth of 4. Every path resolves
//! inside the rootfs only.
//!
//! Executable means an x bit for the container user as the kernel decides it
//! with host ids: the owner bit when the inode's host uid is the host uid of
//! process.user.uid; else the group bit when the inode's host gid is the host
//! gid of process.user.gid or one of the subject's groups (rootless runc
//! never calls setgroups, so the process keeps them); else the other bit.
//! `CAP_DAC_OVERRIDE` in process.capabilities.effective makes any x bit do,
//! when the inode's uid and gid are both mapped. Directory search bits and
//! `noexec` mounts are not judged.
//!
//! Decisions: docs/checks/bundle.md, section `bundle.process`.

use super::exec::{machine_name, runs_on, Binary, ElfFacts, FileMeta, Format};
use super::mapping_rules::{host_is_mapped, to_host};
use super::{arg_limits, host_facts, rootfs, with_spec, Code};
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::model::{Evidence, Remediation, Status};
use crate::shell::quote;
use crate::spec::{IdMapping, Spec};
use object::Architecture;
use std::path::{Path, PathBuf};

pub static PROCESS: CheckDef = CheckDef {
    id: "bundle.process",
    title: "container process",
    description: "process.args[0] is resolved exactly as runc will: PATH from process.env, \
                  every symlink resolved inside the rootfs and never outside it; the target \
                  exists, is a regular file, is executable for the container user; an ELF \
                  binary matches the host's machine and its PT_INTERP loader is in the rootfs; \
                  a script's #! interpreter is in the rootfs and the line has no CR.",
    codes: &[
        Code::NoBundle.code(),
        Code::NoProcess.code(),
        Code::CwdEmpty.code(),
        Code::CwdRelative.code(),
        Code::ArgsEmpty.code(),
        Code::ProgramNotFound.code(),
        Code::ProgramIsDirectory.code(),
        Code::ProgramNotExecutable.code(),
        Code::ProgramNotRegular.code(),
        Code::PathUnset.code(),
        Code::NotOnPath.code(),
        Code::RelativePathEntry.code(),
        Code::UnknownFormat.code(),
        Code::DamagedElf.code(),
        Code::WrongArchitecture.code(),
        Code::NotAnExecutableElf.code(),
        Code::BadPtInterp.code(),
        Code::LoaderMissing.code(),
        Code::LoaderNotExecutable.code(),
        Code::LoaderNotElf.code(),
        Code::InterpreterMissing.code(),
        Code::InterpreterNotExecutable.code(),
        Code::ShebangEmpty.code(),
        Code::CrlfShebang.code(),
        Code::InterpretersTooDeep.code(),
        Code::StatFailed.code(),
        Code::IncompleteFacts.code(),
        Code::ArgumentTooLong.code(),
        Code::ArgumentsTooLong.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    with_spec(ctx, |ctx, bundle, spec| {
        let rootfs = match rootfs::rootfs_path(&bundle.dir, spec) {
            Some(path) if rootfs::outcome(bundle, spec).status == Status::Pass => path,
            _ => return Outcome::blocked(&rootfs::ROOTFS),
        };
        let groups = host_facts::subject_groups(ctx.host, ctx.subject);
        let facts = gather(spec, &rootfs, &groups, host_facts::host_architecture());
        let outcome = judge(&facts);
        if outcome.status != Status::Pass {
            return outcome;
        }
        // execve's own limits come after a successful lookup.
        let limits = super::rlimits::subject_limits(ctx.host, ctx.subject);
        let filename = exec_filename(&facts);
        match arg_limits::judge(&arg_limits::gather(spec, &filename, &limits)) {
            Some(finding) => finding.outcome_after(outcome.evidence),
            None => outcome,
        }
    })
}

/// The file name runc's init passes to execve: args[0] as `exec.LookPath`
/// returns it (unchanged when it has a `/`, else `dir/name` of the PATH entry
/// it was found in).
pub fn exec_filename(facts: &ProcessFacts) -> String {
    let name = facts.args.first().cloned().unwrap_or_default();
    match &facts.lookup {
        Some(Lookup::Search(candidates)) => candidates
            .last()
            .map(|(_, b)| b.named.clone())
            .unwrap_or(name),
        _ => name,
    }
}

/// The most interpreters the kernel chains (BINPRM_MAX_RECURSION).
pub const MAX_INTERPRETER_DEPTH: usize = 4;

/// Who the process runs as, in host ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecUser {
    /// process.user.uid / gid, container ids.
    pub uid: u32,
    pub gid: u32,
    /// Their host ids (`None`: unmapped).
    pub host_uid: Option<u32>,
    /// The host gid of process.user.gid and the subject's groups.
    pub host_gids: Vec<u32>,
    /// CAP_DAC_OVERRIDE is in process.capabilities.effective.
    pub dac_override: bool,
    /// The user namespace mappings (`None`: no user namespace, ids are host ids).
    pub maps: Option<(Vec<IdMapping>, Vec<IdMapping>)>,
}

impl ExecUser {
    /// From the spec and the subject's host groups.
    pub fn of(spec: &Spec, subject_groups: &[u32]) -> Self {
        let user = spec
            .process
            .as_ref()
            .and_then(|p| p.user.clone())
            .unwrap_or_default();
        let (uid, gid) = (user.uid.unwrap_or(0), user.gid.unwrap_or(0));
        let maps = spec
            .namespace("user")
            .map(|_| (spec.uid_mappings().to_vec(), spec.gid_mappings().to_vec()));
        let (host_uid, host_gid) = match &maps {
            Some((u, g)) => (to_host(u, uid), to_host(g, gid)),
            None => (Some(uid), Some(gid)),
        };
        let mut host_gids: Vec<u32> = host_gid.into_iter().collect();
        for gid in subject_groups {
            if !host_gids.contains(gid) {
                host_gids.push(*gid);
            }
        }
        let dac_override = spec
            .process
            .as_ref()
            .and_then(|p| p.capabilities.as_ref())
            .and_then(|c| c.effective.as_ref())
            .is_some_and(|caps| caps.iter().any(|c| c == "CAP_DAC_OVERRIDE"));
        ExecUser {
            uid,
            gid,
            host_uid,
            host_gids,
            dac_override,
            maps,
        }
    }

    /// May this user exec a file with these owner and mode bits?
    pub fn may_exec(&self, meta: &FileMeta) -> bool {
        let inode_mapped = match &self.maps {
            None => true,
            Some((u, g)) => host_is_mapped(u, meta.uid) && host_is_mapped(g, meta.gid),
        };
        if self.dac_override && inode_mapped {
            return meta.mode & 0o111 != 0;
        }
        let bit = if self.host_uid == Some(meta.uid) {
            0o100
        } else if self.host_gids.contains(&meta.gid) {
            0o010
        } else {
            0o001
        };
        meta.mode & bit != 0
    }
}

/// How args[0] was looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// args[0] contains a `/`.
    Direct(Binary),
    /// A bare name along PATH: `(entry, candidate)` in PATH order, up to the
    /// first usable one.
    Search(Vec<(String, Binary)>),
}

/// Everything the process judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessFacts {
    pub process_present: bool,
    pub cwd: Option<String>,
    pub args: Vec<String>,
    pub path_var: Option<String>,
    pub user: ExecUser,
    /// `None` when the spec checks fail before any lookup.
    pub lookup: Option<Lookup>,
    /// The interpreters execve meets, in order (loader, or `#!` chain).
    pub chain: Vec<Binary>,
    pub host_arch: Architecture,
    /// The rootfs on the host, for fix commands.
    pub rootfs: PathBuf,
}

/// Gathers the facts for `spec` with the rootfs at `rootfs`.
pub fn gather(
    spec: &Spec,
    rootfs: &Path,
    subject_groups: &[u32],
    host_arch: Architecture,
) -> ProcessFacts {
    let process = spec.process.as_ref();
    let mut facts = ProcessFacts {
        process_present: process.is_some(),
        cwd: process.and_then(|p| p.cwd.clone()),
        args: process.and_then(|p| p.args.clone()).unwrap_or_default(),
        path_var: process.and_then(|p| p.path_var().map(str::to_string)),
        user: ExecUser::of(spec, subject_groups),
        lookup: None,
        chain: Vec::new(),
        host_arch,
        rootfs: rootfs.to_path_buf(),
    };
    let cwd = match facts.cwd.as_deref() {
        Some(cwd) if cwd.starts_with('/') => PathBuf::from(cwd),
        _ => return facts,
    };
    let Some(name) = facts.args.first().cloned() else {
        return facts;
    };
    let usable = |b: &Binary| {
        b.meta
            .as_ref()
            .is_some_and(|m| !m.is_dir && facts.user.may_exec(m))
    };
    let chosen = if name.contains('/') {
        let binary = Binary::inspect(rootfs, &cwd, &name);
        let chosen = usable(&binary).then(|| binary.clone());
        facts.lookup = Some(Lookup::Direct(binary));
        chosen
    } else {
        let mut candidates = Vec::new();
        let mut chosen = None;
        let path_var = facts.path_var.clone().unwrap_or_default();
        let entries: Vec<&str> = if path_var.is_empty() {
            Vec::new()
        } else {
            path_var.split(':').take(256).collect()
        };
        for entry in entries {
            let dir = if entry.is_empty() { "." } else { entry };
            let candidate = Binary::inspect(rootfs, &cwd, &format!("{dir}/{name}"));
            let found = usable(&candidate);
            candidates.push((entry.to_string(), candidate.clone()));
            if found {
                chosen = Some(candidate);
                break;
            }
        }
        facts.lookup = Some(Lookup::Search(candidates));
        chosen
    };
    let Some(mut current) = chosen else {
        return facts;
    };
    // What execve meets: the loader, or the #! chain, one level past the limit.
    for _ in 0..=MAX_INTERPRETER_DEPTH {
        let next = match &current.format {
            Some(Format::Elf(ElfFacts {
                interpreter: Some(Ok(loader)),
                ..
            })) => Some((loader.clone(), true)),
            Some(Format::Script {
                interpreter: Some(interp),
                ..
            }) => Some((interp.clone(), false)),
            _ => None,
        };
        let Some((path, is_loader)) = next else { break };
        let binary = Binary::inspect(rootfs, &cwd, &path);
        facts.chain.push(binary.clone());
        if is_loader {
            break;
        }
        current = binary;
    }
    facts
}

/// How runc (and crun) will report an execve failure of `name`.
fn exec_error(name: &str, errno: &str) -> String {
    format!(
        "runc will fail: exec {name}: {errno} (on the container's stderr; runc 1.0: exec user \
         process caused: {errno}; crun: exec container process `{name}`)"
    )
}

fn lookup_error(name: &str, what: &str) -> String {
    format!(
        "runc will fail: unable to start container process: exec: \"{name}\": {what} (crun: \
         executable file `{name}` not found)"
    )
}

fn host_file(rootfs: &Path, container: &Path) -> String {
    rootfs
        .join(container.strip_prefix("/").unwrap_or(container))
        .display()
        .to_string()
}

fn binary_evidence(label: &str, b: &Binary) -> Vec<Evidence> {
    let mut out = vec![];
    let value = match (&b.resolved, &b.meta) {
        (Ok(r), Some(m)) => format!(
            "{} -> {} (mode {:04o}, host owner {}:{})",
            b.named,
            r.container_path.display(),
            m.mode,
            m.uid,
            m.gid
        ),
        (Ok(r), None) => format!("{} -> {}", b.named, r.container_path.display()),
        (Err(e), _) => format!("{}: {}", b.named, e.describe()),
    };
    out.push(Evidence::fact(label, value));
    if let Ok(r) = &b.resolved {
        out.extend(
            r.links
                .iter()
                .map(|l| Evidence::fact("symlink in the rootfs", l.clone())),
        );
    }
    if let Some(Format::Elf(elf)) = &b.format {
        out.push(Evidence::fact(
            format!("{label} ELF machine"),
            machine_name(elf.machine, Some(elf.e_machine)),
        ));
    }
    out
}

fn edit_fix(summary: impl Into<String>, commands: Vec<String>) -> Remediation {
    Remediation::root(summary, commands).as_user()
}

/// Judges whether the process will start.
pub fn judge(facts: &ProcessFacts) -> Outcome {
    if !facts.process_present {
        return Outcome::fail(
            Code::NoProcess,
            "config.json has no process; runc will fail: process property must not be empty",
        )
        .fix(edit_fix(
            "add a process (runc spec writes a complete config.json)",
            vec!["runc spec --rootless".into()],
        ));
    }
    let cwd = facts.cwd.as_deref().unwrap_or("");
    if cwd.is_empty() {
        return Outcome::fail(
            Code::CwdEmpty,
            "process.cwd is empty; runc will fail: Cwd property must not be empty",
        )
        .fix(edit_fix(
            "set process.cwd to an absolute path such as /",
            vec![],
        ));
    }
    if !cwd.starts_with('/') {
        return Outcome::fail(
            Code::CwdRelative,
            format!(
                "process.cwd {cwd:?} is relative; runc will fail: Cwd must be an absolute path"
            ),
        )
        .fix(edit_fix("make process.cwd absolute", vec![]));
    }
    let Some(name) = facts.args.first() else {
        return Outcome::fail(
            Code::ArgsEmpty,
            "process.args is empty; runc will fail: args must not be empty",
        )
        .fix(edit_fix(
            "name the program to run in process.args, e.g. [\"sh\"]",
            vec![],
        ));
    };
    let user_fact = Evidence::fact(
        "process.user",
        format!(
            "uid {} gid {} (host uid {}, host groups {:?}{})",
            facts.user.uid,
            facts.user.gid,
            facts
                .user
                .host_uid
                .map_or("unmapped".to_string(), |u| u.to_string()),
            facts.user.host_gids,
            if facts.user.dac_override {
                ", CAP_DAC_OVERRIDE"
            } else {
                ""
            }
        ),
    );
    let mut evidence = vec![
        Evidence::fact("process.args[0]", name.clone()),
        Evidence::fact("process.cwd", cwd),
        Evidence::fact(
            "PATH in process.env",
            facts.path_var.clone().unwrap_or_else(|| "(none)".into()),
        ),
        user_fact,
    ];
    let chosen = match facts.lookup.as_ref() {
        None => return Outcome::error(Code::IncompleteFacts, "args[0] was not looked up"),
        Some(Lookup::Direct(b)) => {
            evidence.extend(binary_evidence("args[0]", b));
            match (&b.resolved, &b.meta) {
                (Err(e), _) => {
                    return Outcome::fail(
                        Code::ProgramNotFound,
                        format!(
                            "{name}: {}; {}",
                            e.describe(),
                            lookup_error(name, &format!("stat {name}: {}", e.errno_text()))
                        ),
                    )
                    .with_all(evidence)
                    .fix(edit_fix(
                        format!(
                            "put the program into the rootfs at {name}, or fix process.args[0]"
                        ),
                        vec![format!(
                            "ls -l {}",
                            quote(&host_file(&facts.rootfs, Path::new(name)))
                        )],
                    ));
                }
                (Ok(_), Some(m)) if m.is_dir => {
                    return Outcome::fail(
                        Code::ProgramIsDirectory,
                        format!(
                            "{name} is a directory in the rootfs; {}",
                            lookup_error(name, "is a directory")
                        ),
                    )
                    .with_all(evidence)
                    .fix(edit_fix(
                        "name a program, not a directory, in process.args[0]",
                        vec![],
                    ));
                }
                (Ok(r), Some(m)) if !facts.user.may_exec(m) || !m.is_file => {
                    let file = host_file(&facts.rootfs, &r.container_path);
                    let code = if m.is_file {
                        Code::ProgramNotExecutable
                    } else {
                        Code::ProgramNotRegular
                    };
                    return Outcome::fail(
                        code,
                        format!(
                            "{} (mode {:04o}, host owner {}:{}) is not executable for container \
                             uid {} gid {}; {}",
                            r.container_path.display(),
                            m.mode,
                            m.uid,
                            m.gid,
                            facts.user.uid,
                            facts.user.gid,
                            lookup_error(name, "permission denied")
                        ),
                    )
                    .with_all(evidence)
                    .fix(edit_fix(
                        "make it executable",
                        vec![format!("chmod a+x {}", quote(&file))],
                    ));
                }
                (Ok(_), Some(_)) => b,
                (Ok(r), None) => {
                    return Outcome::error(
                        Code::StatFailed,
                        format!("cannot stat {} in the rootfs", r.container_path.display()),
                    )
                    .with_all(evidence)
                }
            }
        }
        Some(Lookup::Search(candidates)) => {
            for (entry, b) in candidates {
                evidence.extend(binary_evidence(&format!("PATH entry {entry:?}"), b));
            }
            match candidates.last() {
                Some((entry, b))
                    if b.meta
                        .as_ref()
                        .is_some_and(|m| !m.is_dir && facts.user.may_exec(m)) =>
                {
                    if !entry.starts_with('/') {
                        return Outcome::fail(
                            Code::RelativePathEntry,
                            format!(
                                "{name} is found through the relative PATH entry {entry:?}; {}",
                                lookup_error(
                                    name,
                                    "cannot run executable found relative to current directory"
                                )
                            ),
                        )
                        .with_all(evidence)
                        .fix(edit_fix(
                            "use only absolute directories in PATH of process.env",
                            vec![],
                        ));
                    }
                    b
                }
                _ => {
                    let (code, why) = if facts.path_var.as_deref().unwrap_or("").is_empty() {
                        (
                            Code::PathUnset,
                            "process.env sets no PATH, so a bare name is never found".to_string(),
                        )
                    } else {
                        (
                            Code::NotOnPath,
                            format!(
                                "no executable {name} in any PATH directory of process.env ({})",
                                facts.path_var.as_deref().unwrap_or("")
                            ),
                        )
                    };
                    return Outcome::fail(
                        code,
                        format!(
                            "{why}; {}",
                            lookup_error(name, "executable file not found in $PATH")
                        ),
                    )
                    .with_all(evidence)
                    .fix(edit_fix(
                        "set PATH in process.env (runc spec uses PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) or give an absolute path in process.args[0]",
                        vec![],
                    ));
                }
            }
        }
    };
    let exec_name = match facts.lookup.as_ref() {
        Some(Lookup::Search(c)) => c.last().map(|(_, b)| b.named.clone()).unwrap_or_default(),
        _ => name.clone(),
    };
    judge_exec(facts, chosen, &exec_name, evidence)
}

/// The execve stage: format, machine, loader, interpreters.
fn judge_exec(
    facts: &ProcessFacts,
    top: &Binary,
    exec_name: &str,
    mut evidence: Vec<Evidence>,
) -> Outcome {
    let host = machine_name(facts.host_arch, None);
    let mut current = top;
    let mut what = exec_name.to_string();
    let mut is_loader = false;
    let mut scripts = 0;
    for next_index in 0..=facts.chain.len() {
        let current_path = current.final_path();
        let file = host_file(&facts.rootfs, &current_path);
        // The kernel reports a bad loader as ELIBBAD, anything else as ENOEXEC.
        let bad_format = if is_loader {
            "accessing a corrupted shared library"
        } else {
            "exec format error"
        };
        let elf = match &current.format {
            None | Some(Format::Other) => {
                return Outcome::fail(
                    Code::UnknownFormat,
                    format!(
                        "{what} ({}) is neither an ELF binary nor a #! script; {}",
                        current_path.display(),
                        exec_error(exec_name, bad_format)
                    ),
                )
                .with_all(evidence)
                .fix(edit_fix(
                    "start the file with a #! line naming its interpreter, or run it through one in process.args",
                    vec![format!("head -c 64 {} | od -c", quote(&file))],
                ));
            }
            Some(Format::BadElf(reason)) => {
                return Outcome::fail(
                    Code::DamagedElf,
                    format!(
                        "{what} ({}) has a damaged ELF header ({reason}); {}",
                        current_path.display(),
                        exec_error(exec_name, bad_format)
                    ),
                )
                .with_all(evidence)
                .fix(edit_fix(
                    "replace the file with an intact copy",
                    vec![format!("file {}", quote(&file))],
                ));
            }
            Some(Format::Script {
                interpreter,
                carriage_return,
            }) => {
                if is_loader {
                    return Outcome::fail(
                        Code::LoaderNotElf,
                        format!(
                            "{what} is a script, not an ELF loader; {}",
                            exec_error(exec_name, bad_format)
                        ),
                    )
                    .with_all(evidence);
                }
                scripts += 1;
                if scripts > MAX_INTERPRETER_DEPTH {
                    return Outcome::fail(
                        Code::InterpretersTooDeep,
                        format!(
                            "{what} is a #! script nested more than {MAX_INTERPRETER_DEPTH} \
                             interpreters deep; {}",
                            exec_error(exec_name, "too many levels of symbolic links")
                        ),
                    )
                    .with_all(evidence);
                }
                let Some(interp) = interpreter else {
                    return Outcome::fail(
                        Code::ShebangEmpty,
                        format!(
                            "{what} ({}) has a #! line without an interpreter; {}",
                            current_path.display(),
                            exec_error(exec_name, "exec format error")
                        ),
                    )
                    .with_all(evidence)
                    .fix(edit_fix(
                        "name the interpreter on the #! line, e.g. #!/bin/sh",
                        vec![],
                    ));
                };
                if *carriage_return {
                    return Outcome::fail(
                        Code::CrlfShebang,
                        format!(
                            "the #! line of {} ends in a carriage return (CRLF line endings): the \
                             kernel looks for {:?}; {}",
                            current_path.display(),
                            interp,
                            exec_error(exec_name, "no such file or directory")
                        ),
                    )
                    .with_all(evidence)
                    .fix(edit_fix(
                        "convert the script to LF line endings",
                        vec![format!("sed -i 's/\\r$//' {}", quote(&file))],
                    ));
                }
                let Some(next) = facts.chain.get(next_index) else {
                    return Outcome::error(
                        Code::IncompleteFacts,
                        "the #! interpreter was not inspected",
                    )
                    .with_all(evidence);
                };
                evidence.extend(binary_evidence("#! interpreter", next));
                let role = format!("its #! interpreter {interp}");
                if let Some(problem) =
                    interpreter_problem(facts, next, false, exec_name, &role, &what)
                {
                    return problem.outcome_after(evidence);
                }
                what = format!("the #! interpreter {interp}");
                current = next;
                continue;
            }
            Some(Format::Elf(elf)) => elf,
        };
        let arch = machine_name(elf.machine, Some(elf.e_machine));
        if !runs_on(elf.machine, facts.host_arch) {
            return Outcome::fail(
                Code::WrongArchitecture,
                format!(
                    "{what} ({}) is an {arch} ELF binary; this host is {host}; {}",
                    current_path.display(),
                    exec_error(exec_name, bad_format)
                ),
            )
            .with_all(evidence)
            .with(Evidence::fact("host machine", host.clone()))
            .fix(edit_fix(
                format!("use a {host} build of the image (or register a binfmt_misc handler such as qemu-user-static)"),
                vec![format!("file {}", quote(&file))],
            ));
        }
        if !elf.executable_type {
            return Outcome::fail(
                Code::NotAnExecutableElf,
                format!(
                    "{what} ({}) is an ELF file but neither an executable nor a shared object; {}",
                    current_path.display(),
                    exec_error(exec_name, bad_format)
                ),
            )
            .with_all(evidence)
            .fix(edit_fix(
                "name a program, not an object file",
                vec![format!("file {}", quote(&file))],
            ));
        }
        if is_loader {
            return pass(facts, exec_name, top, evidence);
        }
        let loader = match &elf.interpreter {
            None => return pass(facts, exec_name, top, evidence),
            Some(Err(reason)) => {
                return Outcome::fail(
                    Code::BadPtInterp,
                    format!(
                        "{what} ({}) has an unusable PT_INTERP ({reason}); {}",
                        current_path.display(),
                        exec_error(exec_name, "exec format error")
                    ),
                )
                .with_all(evidence)
                .fix(edit_fix(
                    "replace the binary with an intact copy",
                    vec![format!("file {}", quote(&file))],
                ));
            }
            Some(Ok(loader)) => loader,
        };
        let Some(next) = facts.chain.get(next_index) else {
            return Outcome::error(Code::IncompleteFacts, "the ELF loader was not inspected")
                .with_all(evidence);
        };
        evidence.extend(binary_evidence("ELF loader (PT_INTERP)", next));
        let role = format!("its ELF loader {loader}");
        if let Some(problem) = interpreter_problem(facts, next, true, exec_name, &role, &what) {
            return problem.outcome_after(evidence);
        }
        what = format!("the ELF loader {loader}");
        current = next;
        is_loader = true;
    }
    Outcome::error(
        Code::IncompleteFacts,
        "the interpreter chain ended before a verdict",
    )
    .with_all(evidence)
}

/// Existence and permission of an interpreter or (`loader`) the ELF loader;
/// the caller puts its evidence first.
fn interpreter_problem(
    facts: &ProcessFacts,
    next: &Binary,
    loader: bool,
    exec_name: &str,
    role: &str,
    of: &str,
) -> Option<Finding> {
    match (&next.resolved, &next.meta) {
        (Err(e), _) => Some(
            Finding::fail(
                if loader {
                    Code::LoaderMissing
                } else {
                    Code::InterpreterMissing
                },
                format!(
                    "{of} exists, but {role} does not: {}; {}",
                    e.describe(),
                    exec_error(exec_name, "no such file or directory")
                ),
            )
            .fixes([edit_fix(
                format!(
                    "add {} to the rootfs (or use a statically linked program)",
                    next.named
                ),
                vec![format!(
                    "ls -l {}",
                    quote(&host_file(&facts.rootfs, Path::new(&next.named)))
                )],
            )]),
        ),
        (Ok(r), Some(m)) if !m.is_file || !facts.user.may_exec(m) => {
            let file = host_file(&facts.rootfs, &r.container_path);
            Some(
                Finding::fail(
                    if loader {
                        Code::LoaderNotExecutable
                    } else {
                        Code::InterpreterNotExecutable
                    },
                    format!(
                        "{role} ({}, mode {:04o}) is not an executable file for container uid {}; \
                         {}",
                        r.container_path.display(),
                        m.mode,
                        facts.user.uid,
                        exec_error(exec_name, "permission denied")
                    ),
                )
                .fixes([edit_fix(
                    "make it executable",
                    vec![format!("chmod a+x {}", quote(&file))],
                )]),
            )
        }
        (Ok(_), Some(_)) => None,
        (Ok(r), None) => Some(Finding::error(
            Code::StatFailed,
            format!("cannot stat {} in the rootfs", r.container_path.display()),
        )),
    }
}

fn pass(facts: &ProcessFacts, exec_name: &str, top: &Binary, evidence: Vec<Evidence>) -> Outcome {
    let mut steps = vec![format!("{} -> {}", exec_name, top.final_path().display())];
    steps.extend(
        facts
            .chain
            .iter()
            .map(|b| format!("{} -> {}", b.named, b.final_path().display())),
    );
    Outcome::pass(format!(
        "{} starts in the rootfs for container uid {}: {}",
        facts.args.first().map(String::as_str).unwrap_or(""),
        facts.user.uid,
        steps.join(", ")
    ))
    .with_all(evidence)
}
