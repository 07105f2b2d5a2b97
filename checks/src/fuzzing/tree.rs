//! The input of the `process_resolution` target: a small rootfs and a process,
//! written as text so that seeds are readable and easy to write by hand.
//!
//! One directive per line (unknown lines are ignored):
//!
//! ```text
//! d PATH                  a directory
//! f PATH [MODE [CONTENT]] a file; MODE octal (default 755); CONTENT with \n
//!                         escapes, or elf:MACHINE:INTERP for an ELF header
//!                         (MACHINE x86_64, aarch64, i386 or a number)
//! l PATH TARGET           a symlink; $OUT in TARGET is the host directory
//!                         beside the rootfs (an escape the resolver must refuse)
//! args A B ...            process.args
//! env K=V                 one process.env entry
//! cwd PATH                process.cwd (default /)
//! user UID GID            process.user
//! map C H S               a user namespace with this uid and gid mapping
//! ```
//!
//! [`Tree::lay_out`] creates the entries under a rootfs directory. It never
//! writes outside it: entry paths keep only their normal components, an entry
//! whose parent goes through a symlink or a file is skipped, and nothing
//! existing is overwritten. Sizes are capped so that one input stays cheap.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// At most this many entries are laid out.
pub const MAX_ENTRIES: usize = 64;
/// Longer paths, targets and contents are cut to this many bytes.
pub const MAX_LEN: usize = 512;

/// One entry of the rootfs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir(String),
    File {
        path: String,
        mode: u32,
        content: Vec<u8>,
    },
    Link {
        path: String,
        target: String,
    },
}

/// A decoded input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub entries: Vec<Entry>,
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub cwd: Option<String>,
    pub user: Option<(u32, u32)>,
    pub map: Option<(u32, u32, u32)>,
}

fn cut(text: &str) -> String {
    let mut end = text.len().min(MAX_LEN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

fn unescape(text: &str) -> Vec<u8> {
    text.replace("\\n", "\n")
        .replace("\\r", "\r")
        .replace("\\t", "\t")
        .into_bytes()
}

impl Tree {
    /// Decodes the text directives; anything else is ignored.
    pub fn parse(data: &[u8]) -> Tree {
        let text = String::from_utf8_lossy(&data[..data.len().min(64 * 1024)]);
        let mut tree = Tree::default();
        for line in text.lines() {
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            let mut fields = rest.splitn(3, ' ');
            let mut next = || cut(fields.next().unwrap_or(""));
            match word {
                "d" => tree.entries.push(Entry::Dir(next())),
                "f" => {
                    let path = next();
                    let mode = u32::from_str_radix(&next(), 8).map_or(0o755, |m| m & 0o7777);
                    let content = next();
                    let content = match content.strip_prefix("elf:") {
                        Some(spec) => elf_from_spec(spec),
                        None => unescape(&content),
                    };
                    tree.entries.push(Entry::File {
                        path,
                        mode,
                        content,
                    });
                }
                "l" => {
                    let path = next();
                    let target = cut(rest.split_once(' ').map_or("", |(_, t)| t));
                    tree.entries.push(Entry::Link { path, target });
                }
                "args" => tree.args = rest.split(' ').take(16).map(cut).collect(),
                "env" => tree.env.push(cut(rest)),
                "cwd" => tree.cwd = Some(cut(rest)),
                "user" => {
                    let (uid, gid) = (next(), next());
                    tree.user = Some((uid.parse().unwrap_or(0), gid.parse().unwrap_or(0)));
                }
                "map" => {
                    let (c, h, s) = (next(), next(), next());
                    tree.map = Some((
                        c.parse().unwrap_or(0),
                        h.parse().unwrap_or(0),
                        s.parse().unwrap_or(0),
                    ));
                }
                _ => {}
            }
        }
        tree.entries.truncate(MAX_ENTRIES);
        tree
    }

    /// Creates the entries under `rootfs` (an existing directory); `out` is
    /// substituted for `$OUT` in link targets. Entries that cannot be made
    /// safely are skipped.
    pub fn lay_out(&self, rootfs: &Path, out: &Path) {
        for entry in &self.entries {
            let path = match entry {
                Entry::Dir(p) | Entry::File { path: p, .. } | Entry::Link { path: p, .. } => p,
            };
            let Some(host) = safe_parent(rootfs, Path::new(path)) else {
                continue;
            };
            // Errors (exists, name too long, ...) just skip the entry.
            let _ = match entry {
                Entry::Dir(_) => fs::create_dir(&host),
                Entry::File { mode, content, .. } => fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&host)
                    .and_then(|mut f| f.write_all(content))
                    .and_then(|()| fs::set_permissions(&host, fs::Permissions::from_mode(*mode))),
                Entry::Link { target, .. } => {
                    let target = target.replace("$OUT", &out.display().to_string());
                    symlink(target, &host)
                }
            };
        }
    }
}

/// `rootfs/path` with every missing parent created, or `None` when the path
/// is empty or a parent is a symlink or not a directory (following it could
/// leave the rootfs).
fn safe_parent(rootfs: &Path, path: &Path) -> Option<PathBuf> {
    let parts: Vec<_> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect();
    let (last, parents) = parts.split_last()?;
    let mut at = rootfs.to_path_buf();
    for part in parents {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return None,
            Err(_) => fs::create_dir(&at).ok()?,
        }
    }
    Some(at.join(last))
}

/// `MACHINE:INTERP` as a 64-bit little-endian ELF header with one
/// `PT_INTERP` program header (none when INTERP is empty).
fn elf_from_spec(spec: &str) -> Vec<u8> {
    let (machine, interp) = spec.split_once(':').unwrap_or((spec, ""));
    let e_machine: u16 = match machine {
        "x86_64" => 62,
        "aarch64" => 183,
        "i386" => 3,
        other => other.parse().unwrap_or(0),
    };
    elf64(e_machine, interp.as_bytes())
}

/// A minimal 64-bit little-endian `ET_DYN` ELF image.
pub fn elf64(e_machine: u16, interp: &[u8]) -> Vec<u8> {
    let phnum: u16 = if interp.is_empty() { 0 } else { 1 };
    let mut out = Vec::with_capacity(128 + interp.len());
    out.extend_from_slice(b"\x7fELF\x02\x01\x01\x00");
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&3u16.to_le_bytes()); // e_type ET_DYN
    out.extend_from_slice(&e_machine.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes()); // e_version
    out.extend_from_slice(&0u64.to_le_bytes()); // e_entry
    out.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    out.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
    out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    for half in [64u16, 56, phnum, 64, 0, 0] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    if phnum == 1 {
        let size = interp.len() as u64 + 1;
        out.extend_from_slice(&3u32.to_le_bytes()); // PT_INTERP
        out.extend_from_slice(&4u32.to_le_bytes()); // PF_R
        for word in [120u64, 0, 0, size, size, 1] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(interp);
        out.push(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_decode_and_stay_inside_the_rootfs() {
        let tree = Tree::parse(
            b"d usr/bin\nf usr/bin/tool 700 #!/bin/sh\\n\nl bin usr/bin\nl bin/x /etc\n\
              f ../../escape 755 x\nargs tool -c\nenv PATH=/bin\ncwd /usr\n",
        );
        assert_eq!(tree.args, ["tool", "-c"]);
        assert_eq!(tree.env, ["PATH=/bin"]);
        let dir = tempfile::tempdir().unwrap();
        let rootfs = dir.path().join("rootfs");
        fs::create_dir(&rootfs).unwrap();
        tree.lay_out(&rootfs, dir.path());
        let tool = rootfs.join("usr/bin/tool");
        assert_eq!(fs::read(&tool).unwrap(), b"#!/bin/sh\n");
        assert_eq!(
            fs::metadata(&tool).unwrap().permissions().mode() & 0o777,
            0o700
        );
        // Through the symlink `bin`: skipped, not created in usr/bin.
        assert!(!rootfs.join("usr/bin/x").exists());
        // `..` components are dropped: the file lands inside.
        assert!(rootfs.join("escape").is_file());
        assert!(!dir.path().join("escape").exists());
    }

    #[test]
    fn elf_headers_parse_back() {
        use crate::bundle::exec::{format_of_bytes, Format};
        let Format::Elf(elf) = format_of_bytes(&elf64(183, b"/lib/ld-linux-aarch64.so.1")) else {
            panic!("not an ELF");
        };
        assert_eq!(elf.e_machine, 183);
        assert_eq!(
            elf.interpreter,
            Some(Ok("/lib/ld-linux-aarch64.so.1".into()))
        );
        let Format::Elf(elf) = format_of_bytes(&elf64(62, b"")) else {
            panic!("not an ELF");
        };
        assert_eq!(elf.interpreter, None);
    }
}
