//! Which runtimes an AppArmor profile lets create user namespaces.
//!
//! With `kernel.apparmor_restrict_unprivileged_userns = 1`, only a binary
//! attached to a profile with a `userns` rule gets a usable namespace; Ubuntu
//! ships such profiles for some paths (`/usr/bin/podman`), not for every
//! runtime, and a copy elsewhere (`/usr/local/bin/podman`) is not covered.
//! runc, crun and podman are found on the subject's PATH (then in the usual
//! system directories), their real paths resolved, and the profiles in
//! `/etc/apparmor.d` (not those disabled in `/etc/apparmor.d/disable`) are
//! matched against them: attachment globs with `{a,b}`, `*` and `**`.

use crate::host::HostFs;
use std::collections::BTreeSet;

/// The runtimes whose coverage is judged.
pub const RUNTIMES: &[&str] = &["runc", "crun", "podman"];

/// Where runtimes live when the subject's PATH lacks them (Debian's runc is in /usr/sbin).
const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const PROFILE_DIR: &str = "/etc/apparmor.d";
const MAX_PROFILES: usize = 2000;

/// One installed runtime and the profile that covers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub tool: String,
    /// The real (symlink-resolved) path AppArmor attaches by.
    pub path: String,
    /// The profile file in /etc/apparmor.d whose attachment matches and which
    /// has a `userns` rule.
    pub profile: Option<String>,
}

/// What /etc/apparmor.d says about the installed runtimes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profiles {
    pub runtimes: Vec<Coverage>,
    /// Every profile name declared in /etc/apparmor.d (to avoid clashes).
    pub names: BTreeSet<String>,
}

impl Profiles {
    /// Finds the runtimes and matches them against the profiles.
    pub fn gather(host: &HostFs, path_var: &str) -> Self {
        let parsed = read_profiles(host);
        let mut names = BTreeSet::new();
        for p in &parsed {
            names.extend(p.names.iter().cloned());
        }
        let runtimes = RUNTIMES
            .iter()
            .filter_map(|tool| {
                let found = host
                    .look_path(tool, path_var)
                    .or_else(|| host.look_path(tool, SYSTEM_PATH))?;
                let real = host.canonicalize(&found).unwrap_or(found);
                let path = real.display().to_string();
                let profile = parsed
                    .iter()
                    .find(|p| p.userns && p.attachments.iter().any(|a| attaches(a, &path)))
                    .map(|p| p.file.clone());
                Some(Coverage {
                    tool: tool.to_string(),
                    path,
                    profile,
                })
            })
            .collect();
        Profiles { runtimes, names }
    }

    /// The profile name to give a new profile for `tool`.
    pub fn free_name(&self, tool: &str, path: &str) -> String {
        if self.names.contains(tool) {
            crate::nsenv::fixes::profile_file_name(path)
        } else {
            tool.to_string()
        }
    }

    /// The installed runtimes no profile covers.
    pub fn uncovered(&self) -> impl Iterator<Item = &Coverage> {
        self.runtimes.iter().filter(|c| c.profile.is_none())
    }
}

/// One profile file, reduced to what matters here.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ProfileFile {
    file: String,
    names: Vec<String>,
    attachments: Vec<String>,
    userns: bool,
}

fn read_profiles(host: &HostFs) -> Vec<ProfileFile> {
    let Ok(entries) = host.read_dir_names(PROFILE_DIR) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|name| !name.starts_with('.') && !name.contains(".dpkg-") && !name.ends_with('~'))
        .take(MAX_PROFILES)
        .filter_map(|name| {
            let file = format!("{PROFILE_DIR}/{name}");
            if host.exists(format!("{PROFILE_DIR}/disable/{name}")) {
                return None;
            }
            let meta = host.metadata(&file).ok()?;
            if !meta.is_file() {
                return None;
            }
            let text = host.read_text(&file).ok()?;
            Some(parse_profile(file, &text))
        })
        .collect()
}

fn parse_profile(file: String, text: &str) -> ProfileFile {
    let mut names = Vec::new();
    let mut attachments = Vec::new();
    let mut userns = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with("userns")
            && line[6..].starts_with([',', ' ', '\t'])
            && !line.starts_with("userns_")
        {
            userns = true;
        }
        if !line.contains('{') {
            continue;
        }
        let tokens = tokens(line);
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let unquote = |t: &str| t.trim_matches('"').to_string();
        match tokens.as_slice() {
            ["profile", name, rest @ ..] => {
                let name = unquote(name);
                match rest.first() {
                    Some(t) if t.trim_start_matches('"').starts_with('/') => {
                        attachments.push(unquote(t))
                    }
                    _ if name.starts_with('/') => attachments.push(name.clone()),
                    _ => {}
                }
                names.push(name);
            }
            [first, ..] if first.trim_start_matches('"').starts_with('/') => {
                let path = unquote(first);
                names.push(path.clone());
                attachments.push(path);
            }
            _ => {}
        }
    }
    ProfileFile {
        file,
        names,
        attachments,
        userns,
    }
}

/// Whitespace-separated tokens; a double-quoted token keeps its spaces.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// True when an AppArmor attachment (with `{a,b}`, `*`, `**`, `?`) matches `path`.
pub fn attaches(pattern: &str, path: &str) -> bool {
    // Hostile profiles must not make the backtracking matcher explode.
    if pattern.len() > 512 || pattern.matches('*').count() > 8 {
        return false;
    }
    expand(pattern, 0)
        .iter()
        .any(|p| glob(p.as_bytes(), path.as_bytes()))
}

/// Expands the first brace group, recursively; at most 64 alternatives.
fn expand(pattern: &str, depth: usize) -> Vec<String> {
    let Some(open) = pattern.find('{') else {
        return vec![pattern.to_string()];
    };
    let mut level = 0;
    let mut close = None;
    for (i, c) in pattern[open..].char_indices() {
        match c {
            '{' => level += 1,
            '}' => {
                level -= 1;
                if level == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(close) = close else {
        return vec![pattern.to_string()];
    };
    if depth > 8 {
        return vec![pattern.to_string()];
    }
    let inner = &pattern[open + 1..close];
    let mut alternatives = Vec::new();
    let (mut level, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                alternatives.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    alternatives.push(&inner[start..]);
    let mut out = Vec::new();
    for alt in alternatives {
        let joined = format!("{}{alt}{}", &pattern[..open], &pattern[close + 1..]);
        for e in expand(&joined, depth + 1) {
            if out.len() >= 64 {
                return out;
            }
            out.push(e);
        }
    }
    out
}

fn glob(pattern: &[u8], path: &[u8]) -> bool {
    match pattern {
        [] => path.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=path.len()).any(|i| glob(rest, &path[i..])),
        [b'*', rest @ ..] => (0..=path.len())
            .take_while(|&i| i == 0 || path[i - 1] != b'/')
            .any(|i| glob(rest, &path[i..])),
        [b'?', rest @ ..] => matches!(path, [c, tail @ ..] if *c != b'/' && glob(rest, tail)),
        [c, rest @ ..] => matches!(path, [p, tail @ ..] if p == c && glob(rest, tail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{symlink, PermissionsExt};

    #[test]
    fn attachments_expand_braces_and_globs() {
        assert!(attaches(
            "/usr/{bin,local/bin}/podman",
            "/usr/local/bin/podman"
        ));
        assert!(attaches("/usr/{bin,local/bin}/podman", "/usr/bin/podman"));
        assert!(!attaches("/usr/bin/podman", "/usr/local/bin/podman"));
        assert!(attaches("/opt/*/bin/runc", "/opt/x/bin/runc"));
        assert!(!attaches("/opt/*/runc", "/opt/x/bin/runc"));
        assert!(attaches("/opt/**/runc", "/opt/x/bin/runc"));
        assert!(attaches("/usr/sbin/run?", "/usr/sbin/runc"));
        assert!(!attaches("/usr/{bin", "/usr/bin"));
    }

    #[test]
    fn profiles_parse_names_attachments_and_userns() {
        let p = parse_profile(
            "/etc/apparmor.d/podman".into(),
            "abi <abi/4.0>,\ninclude <tunables/global>\n\n\
             profile podman /usr/bin/podman flags=(unconfined) {\n  userns,\n\n  \
             include if exists <local/podman>\n}\n",
        );
        assert_eq!(p.names, ["podman"]);
        assert_eq!(p.attachments, ["/usr/bin/podman"]);
        assert!(p.userns);
        let p = parse_profile(
            "/etc/apparmor.d/x".into(),
            "\"/home/a b/rootlesskit\" flags=(unconfined) {\n  # userns,\n}\n",
        );
        assert_eq!(p.attachments, ["/home/a b/rootlesskit"]);
        assert!(!p.userns);
    }

    #[test]
    fn runtimes_are_matched_against_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for bin in ["usr/sbin/runc", "usr/bin/podman"] {
            let real = root.join(bin);
            fs::create_dir_all(real.parent().unwrap()).unwrap();
            fs::write(&real, "").unwrap();
            fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
        }
        fs::create_dir_all(root.join("usr/local/bin")).unwrap();
        symlink("/usr/bin/podman", root.join("usr/local/bin/podman")).unwrap();
        fs::create_dir_all(root.join("etc/apparmor.d/disable")).unwrap();
        fs::write(
            root.join("etc/apparmor.d/podman"),
            "profile podman /usr/bin/podman flags=(unconfined) {\n  userns,\n}\n",
        )
        .unwrap();
        fs::write(
            root.join("etc/apparmor.d/runc"),
            "profile runc /usr/sbin/runc flags=(unconfined) {\n  userns,\n}\n",
        )
        .unwrap();
        symlink("../runc", root.join("etc/apparmor.d/disable/runc")).unwrap();
        let found = Profiles::gather(&HostFs::rooted(root), "/usr/local/bin:/usr/bin:/bin");
        assert_eq!(
            found.runtimes,
            [
                Coverage {
                    tool: "runc".into(),
                    path: "/usr/sbin/runc".into(),
                    profile: None,
                },
                Coverage {
                    tool: "podman".into(),
                    path: "/usr/bin/podman".into(),
                    profile: Some("/etc/apparmor.d/podman".into()),
                },
            ]
        );
        assert_eq!(found.uncovered().count(), 1);
        assert_eq!(
            found.free_name("podman", "/usr/bin/podman"),
            "usr.bin.podman"
        );
        assert_eq!(found.free_name("runc", "/usr/sbin/runc"), "runc");
    }
}
