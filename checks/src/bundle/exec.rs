//! What the kernel will find when it execs a path in the rootfs: the file's
//! type, owner and mode, and its format (ELF machine and `PT_INTERP`, or a
//! `#!` line parsed as `fs/binfmt_script.c` does).
//!
//! ELF headers are read with the object crate through a lazy read cache, so
//! only the header, the program headers and the interpreter string are read
//! from a file of any size; a `PT_INTERP` longer than [`PATH_MAX`] is refused
//! as the kernel refuses it.

use super::resolve::{resolve, ResolveError, Resolved, PATH_MAX};
use object::elf::{FileHeader32, FileHeader64, ET_DYN, ET_EXEC, PT_INTERP};
use object::read::elf::{FileHeader, ProgramHeader};
use object::{Architecture, Endianness, FileKind, ReadCache, ReadRef};
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The bytes of a `#!` line the kernel reads (Linux >= 5.1).
pub const BINPRM_BUF_SIZE: usize = 256;

/// Owner, mode and type of a resolved file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    pub is_file: bool,
    pub is_dir: bool,
    /// Permission bits.
    pub mode: u32,
    /// Host uid and gid of the inode.
    pub uid: u32,
    pub gid: u32,
}

/// A file's executable format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Elf(ElfFacts),
    /// A `#!` line: the interpreter token as the kernel cuts it (a trailing
    /// `\r` included), and whether the line holds a `\r` at all.
    Script {
        interpreter: Option<String>,
        carriage_return: bool,
    },
    /// Neither ELF nor `#!` (or empty): ENOEXEC.
    Other,
    /// ELF magic, but the headers could not be parsed.
    BadElf(String),
}

/// What an ELF header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfFacts {
    pub machine: Architecture,
    pub e_machine: u16,
    pub class64: bool,
    /// `ET_EXEC` or `ET_DYN`: the kernel execs nothing else.
    pub executable_type: bool,
    /// The `PT_INTERP` path; `Err` when it is unreadable or too long.
    pub interpreter: Option<Result<String, String>>,
}

/// A path looked up in the rootfs, with what was found there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binary {
    /// The path as named (in args[0], a PATH entry, PT_INTERP or `#!`).
    pub named: String,
    pub resolved: Result<Resolved, ResolveError>,
    pub meta: Option<FileMeta>,
    /// Set only for regular files.
    pub format: Option<Format>,
}

impl Binary {
    /// Looks `named` up inside the rootfs and reads what is there.
    pub fn inspect(rootfs: &Path, cwd: &Path, named: &str) -> Binary {
        let resolved = resolve(rootfs, cwd, Path::new(named));
        let meta = resolved.as_ref().ok().and_then(|r| {
            fs::metadata(&r.host_path).ok().map(|m| FileMeta {
                is_file: m.is_file(),
                is_dir: m.is_dir(),
                mode: m.mode() & 0o7777,
                uid: m.uid(),
                gid: m.gid(),
            })
        });
        let format = match (&resolved, &meta) {
            (Ok(r), Some(m)) if m.is_file => Some(read_format(&r.host_path)),
            _ => None,
        };
        Binary {
            named: named.to_string(),
            resolved,
            meta,
            format,
        }
    }

    /// The path in the container after symlinks, or as named.
    pub fn final_path(&self) -> PathBuf {
        match &self.resolved {
            Ok(r) => r.container_path.clone(),
            Err(_) => PathBuf::from(&self.named),
        }
    }
}

/// Reads the format of a regular file.
pub fn read_format(host_path: &Path) -> Format {
    let Ok(mut file) = fs::File::open(host_path) else {
        return Format::Other;
    };
    let mut head = Vec::with_capacity(BINPRM_BUF_SIZE);
    if (&mut file)
        .take(BINPRM_BUF_SIZE as u64)
        .read_to_end(&mut head)
        .is_err()
    {
        return Format::Other;
    }
    match head_format(&head) {
        Some(format) => format,
        None => match fs::File::open(host_path) {
            Ok(file) => elf_format(&ReadCache::new(file)),
            Err(e) => Format::BadElf(e.to_string()),
        },
    }
}

/// The format of a whole file held in memory; [`read_format`] of the same
/// bytes on disk gives the same answer.
pub fn format_of_bytes(data: &[u8]) -> Format {
    head_format(&data[..data.len().min(BINPRM_BUF_SIZE)]).unwrap_or_else(|| elf_format(data))
}

/// The format decided by the first [`BINPRM_BUF_SIZE`] bytes; `None` for ELF
/// magic, whose headers must be read from the whole file.
fn head_format(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"\x7fELF") {
        return None;
    }
    Some(match head.strip_prefix(b"#!") {
        Some(rest) => script_format(rest),
        None => Format::Other,
    })
}

/// Parses a `#!` line as `fs/binfmt_script.c` does: the interpreter is the
/// first token after `#!`, delimited by space or tab only.
pub fn script_format(rest: &[u8]) -> Format {
    let line = match rest.iter().position(|&b| b == b'\n') {
        Some(end) => &rest[..end],
        None => rest,
    };
    let carriage_return = line.contains(&b'\r');
    let trimmed: &[u8] = {
        let start = line
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(line.len());
        &line[start..]
    };
    let end = trimmed
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(trimmed.len());
    let token = &trimmed[..end];
    Format::Script {
        interpreter: (!token.is_empty()).then(|| String::from_utf8_lossy(token).into_owned()),
        carriage_return,
    }
}

fn elf_format<'data, R: ReadRef<'data>>(data: R) -> Format {
    let parsed = match FileKind::parse(data) {
        Ok(FileKind::Elf32) => elf_facts::<FileHeader32<Endianness>, R>(data),
        Ok(FileKind::Elf64) => elf_facts::<FileHeader64<Endianness>, R>(data),
        Ok(_) => Err("not an ELF file object can read".into()),
        Err(e) => Err(e.to_string()),
    };
    match parsed {
        Ok(facts) => Format::Elf(facts),
        Err(e) => Format::BadElf(e),
    }
}

fn elf_facts<'data, H: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    data: R,
) -> Result<ElfFacts, String> {
    let header = H::parse(data).map_err(|e| e.to_string())?;
    let endian = header.endian().map_err(|e| e.to_string())?;
    let e_machine = header.e_machine(endian).0;
    let class64 = header.is_type_64();
    let e_type = header.e_type(endian);
    let mut interpreter = None;
    for ph in header
        .program_headers(endian, data)
        .map_err(|e| e.to_string())?
    {
        if ph.p_type(endian) != PT_INTERP {
            continue;
        }
        let size: u64 = ph.p_filesz(endian).into();
        if !(2..=PATH_MAX as u64).contains(&size) {
            interpreter = Some(Err(format!("PT_INTERP of {size} bytes")));
            break;
        }
        interpreter = Some(match ph.data(endian, data) {
            Ok(bytes) => {
                let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                Ok(String::from_utf8_lossy(&bytes[..end]).into_owned())
            }
            Err(()) => Err("PT_INTERP lies outside the file".into()),
        });
        break;
    }
    Ok(ElfFacts {
        machine: machine_of(e_machine, class64),
        e_machine,
        class64,
        executable_type: e_type == ET_EXEC || e_type == ET_DYN,
        interpreter,
    })
}

/// The architecture of an ELF `e_machine` and class.
pub fn machine_of(e_machine: u16, class64: bool) -> Architecture {
    use object::elf::*;
    match (object::elf::Machine(e_machine), class64) {
        (EM_X86_64, true) => Architecture::X86_64,
        (EM_X86_64, false) => Architecture::X86_64_X32,
        (EM_386, _) => Architecture::I386,
        (EM_AARCH64, true) => Architecture::Aarch64,
        (EM_AARCH64, false) => Architecture::Aarch64_Ilp32,
        (EM_ARM, _) => Architecture::Arm,
        (EM_RISCV, true) => Architecture::Riscv64,
        (EM_RISCV, false) => Architecture::Riscv32,
        (EM_PPC64, _) => Architecture::PowerPc64,
        (EM_PPC, _) => Architecture::PowerPc,
        (EM_S390, true) => Architecture::S390x,
        (EM_LOONGARCH, true) => Architecture::LoongArch64,
        (EM_MIPS, true) => Architecture::Mips64,
        (EM_MIPS, false) => Architecture::Mips,
        (EM_SPARCV9, _) => Architecture::Sparc64,
        _ => Architecture::Unknown,
    }
}

/// A readable name: `X86_64`, or `e_machine 4660` when object has none.
pub fn machine_name(arch: Architecture, e_machine: Option<u16>) -> String {
    match (arch, e_machine) {
        (Architecture::Unknown, Some(n)) => format!("e_machine {n}"),
        (arch, _) => format!("{arch:?}").to_lowercase(),
    }
}

/// True when a binary of `elf` runs natively on `host` (x86_64 kernels
/// also run i386 binaries through IA32 emulation).
pub fn runs_on(elf: Architecture, host: Architecture) -> bool {
    elf == host || (host == Architecture::X86_64 && elf == Architecture::I386)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebang_lines_are_cut_like_the_kernel() {
        let interp = |s: &[u8]| match script_format(s) {
            Format::Script {
                interpreter,
                carriage_return,
            } => (interpreter, carriage_return),
            other => panic!("{other:?}"),
        };
        assert_eq!(interp(b"/bin/sh\necho"), (Some("/bin/sh".into()), false));
        assert_eq!(interp(b" \t/bin/sh -e\n"), (Some("/bin/sh".into()), false));
        assert_eq!(interp(b"/bin/sh\r\n"), (Some("/bin/sh\r".into()), true));
        assert_eq!(interp(b"/bin/sh -e\r\n"), (Some("/bin/sh".into()), true));
        assert_eq!(interp(b"  \n"), (None, false));
    }

    #[test]
    fn machines_are_named() {
        assert_eq!(machine_of(62, true), Architecture::X86_64);
        assert_eq!(machine_of(183, true), Architecture::Aarch64);
        assert_eq!(machine_name(Architecture::Aarch64, Some(183)), "aarch64");
        assert_eq!(
            machine_name(Architecture::Unknown, Some(4660)),
            "e_machine 4660"
        );
        assert!(runs_on(Architecture::I386, Architecture::X86_64));
        assert!(!runs_on(Architecture::Aarch64, Architecture::X86_64));
    }
}
