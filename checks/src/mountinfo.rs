//! /proc/self/mountinfo, parsed leniently through [`HostFs`].
//!
//! Mount points and roots are unescaped (`\040` is a space). The mount that
//! holds a path is the one with the longest mount point that is a prefix of
//! it; later lines win ties, as they stack on top.

use crate::host::HostFs;
use std::path::{Path, PathBuf};

/// One line of mountinfo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub mount_point: PathBuf,
    /// Per-mount options (`rw,nosuid,nodev`).
    pub options: Vec<String>,
    /// The optional fields before ` - `: the propagation (`shared:1`,
    /// `master:3`, `propagate_from:2`, `unbindable`); empty for a private
    /// mount.
    pub optional: Vec<String>,
    pub fs_type: String,
    pub source: String,
    /// Per-superblock options.
    pub super_options: Vec<String>,
}

impl Mount {
    /// True when the per-mount options contain `option`.
    pub fn has_option(&self, option: &str) -> bool {
        self.options.iter().any(|o| o == option)
    }

    /// True when the mount is in a shared peer group (a `shared:N` field),
    /// the test podman and RootlessKit make on `/`.
    pub fn is_shared(&self) -> bool {
        self.optional.iter().any(|o| o.starts_with("shared:"))
    }
}

/// The mount table of the doctor's own process.
pub fn read(host: &HostFs) -> Vec<Mount> {
    host.read_text("/proc/self/mountinfo")
        .map(|text| parse(&text))
        .unwrap_or_default()
}

/// Parses mountinfo text; lines that do not have the expected shape are skipped.
pub fn parse(text: &str) -> Vec<Mount> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Mount> {
    let (before, after) = line.split_once(" - ")?;
    let fields: Vec<&str> = before.split(' ').collect();
    if fields.len() < 6 {
        return None;
    }
    let mut tail = after.split(' ');
    Some(Mount {
        mount_point: PathBuf::from(unescape(fields[4])),
        options: fields[5].split(',').map(str::to_string).collect(),
        optional: fields[6..]
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| o.to_string())
            .collect(),
        fs_type: tail.next()?.to_string(),
        source: unescape(tail.next().unwrap_or("")),
        super_options: tail
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Decodes the octal escapes the kernel writes for space, tab, newline and backslash.
pub fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() {
            let digits = &bytes[i + 1..i + 4];
            if digits.iter().all(|b| (b'0'..=b'7').contains(b)) {
                let value = digits
                    .iter()
                    .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                if let Ok(value) = u8::try_from(value) {
                    out.push(value);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first mount whose mount point is `/`: the one podman 4 (its rootless
/// start-up) and RootlessKit (`warnPropagation`) read the propagation of.
pub fn root(mounts: &[Mount]) -> Option<&Mount> {
    mounts.iter().find(|m| m.mount_point == Path::new("/"))
}

/// The mount that holds `path` (an absolute, already canonical host path).
pub fn mount_of<'m>(mounts: &'m [Mount], path: &Path) -> Option<&'m Mount> {
    mounts
        .iter()
        .filter(|m| path.starts_with(&m.mount_point))
        .fold(None, |best: Option<&Mount>, m| match best {
            Some(b) if b.mount_point.components().count() > m.mount_point.components().count() => {
                Some(b)
            }
            _ => Some(m),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
30 22 0:25 / /usr/local rw,nosuid,relatime shared:5 - ext4 /dev/vdb rw
31 22 0:26 / /mnt/my\\040disk ro - vfat /dev/sdc1 ro,fmask=0022
garbage line
35 22 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw
";

    #[test]
    fn parses_options_types_and_escapes() {
        let mounts = parse(SAMPLE);
        assert_eq!(mounts.len(), 4);
        assert!(mounts[1].has_option("nosuid"));
        assert_eq!(mounts[2].mount_point, PathBuf::from("/mnt/my disk"));
        assert_eq!(mounts[3].fs_type, "cgroup2");
    }

    #[test]
    fn the_longest_prefix_holds_the_path() {
        let mounts = parse(SAMPLE);
        let m = mount_of(&mounts, Path::new("/usr/local/bin/newuidmap")).unwrap();
        assert_eq!(m.mount_point, PathBuf::from("/usr/local"));
        let m = mount_of(&mounts, Path::new("/usr/bin/newuidmap")).unwrap();
        assert_eq!(m.mount_point, PathBuf::from("/"));
        // A path component prefix is not a path prefix.
        let m = mount_of(&mounts, Path::new("/usr/localx")).unwrap();
        assert_eq!(m.mount_point, PathBuf::from("/"));
    }

    #[test]
    fn optional_fields_give_the_propagation_of_root() {
        let mounts = parse(SAMPLE);
        assert_eq!(mounts[0].optional, ["shared:1"]);
        assert!(root(&mounts).unwrap().is_shared());
        assert!(!mounts[2].is_shared());
        assert!(mounts[2].optional.is_empty());
        let slave = parse(
            "1 0 0:1 / / rw master:363 - overlay overlay rw\n\
             2 1 0:2 / / rw shared:9 - tmpfs tmpfs rw\n",
        );
        // The first line for / is the one podman and RootlessKit read.
        assert_eq!(root(&slave).unwrap().optional, ["master:363"]);
        assert!(!root(&slave).unwrap().is_shared());
        assert!(root(&parse("2 1 0:2 / /usr rw - tmpfs tmpfs rw\n")).is_none());
    }

    #[test]
    fn unescape_leaves_stray_backslashes() {
        assert_eq!(unescape("a\\134b\\0"), "a\\b\\0");
        assert_eq!(unescape("x\\"), "x\\");
    }
}
