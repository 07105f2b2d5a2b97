//! The import graph of `checks/src` has no cycle, and imports go downwards
//! through the layers of `lib.rs`: host facts, probes, what a check is, the
//! check families, then what uses the checks. Families import one another
//! only through their public `CheckDef` statics and finding `Code`s.
//!
//! Run `cargo test -p rootless-doctor-checks --test layers -- --nocapture` to
//! print the module graph. Test code (`tests.rs`, `*_tests.rs`, and whatever
//! follows `#[cfg(test)]` in a file) may import more and is not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `checks/src` and its layer.
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("shell", 0),
    ("host", 0),
    ("accounts", 1),
    ("subject", 2),
    ("pam_limits", 2),
    ("os_release", 1),
    ("distro", 2),
    ("mountinfo", 1),
    ("filecaps", 1),
    ("proc_status", 1),
    ("container", 1),
    ("cgroupfs", 3),
    ("subordinate", 3),
    ("engines", 3),
    ("spec", 0),
    ("packages", 1),
    ("spawn", 0),
    ("privdrop", 3),
    ("probe", 4),
    ("check", 5),
    ("nsenv", 3),
    ("live", 6),
    ("userns", 7),
    ("idmap", 7),
    ("subid", 7),
    ("mount", 7),
    ("runtime", 7),
    ("cgroup", 7),
    ("network", 7),
    ("storage", 7),
    ("session", 7),
    ("limits", 7),
    ("systemd", 1),
    ("engine", 7),
    ("state", 7),
    ("engines", 3),
    ("bundle", 7),
    ("engine", 7),
    ("registry", 8),
    ("capabilities", 8),
    ("verdicts", 8),
    ("mappings", 0),
    ("explain", 9),
    ("preflight", 9),
    ("children", 10),
    ("fuzzing", 10),
    ("testing", 10),
];

const FAMILY_LAYER: u8 = 7;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`mount/overlay.rs` -> `mount`).
fn owner(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    name == "tests"
        || name.ends_with("_tests")
        || path.components().any(|c| c.as_os_str() == "tests")
}

/// The file's text without comments and without what follows `#[cfg(test)]`.
fn production_code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b…` path in `code`, with `crate::{a, b::c}` groups
/// expanded, as lists of segments.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        expand(rest, Vec::new(), &mut out);
    }
    out
}

/// Reads one path (or a `{…}` group of them) at the start of `text`.
fn expand(text: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&group[start..i], prefix.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&group[start..i], prefix.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let ident: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        if !prefix.is_empty() {
            out.push(prefix);
        }
        return;
    }
    let mut path = prefix;
    path.push(ident.clone());
    match text[ident.len()..].strip_prefix("::") {
        Some(more) => expand(more, path, out),
        None => out.push(path),
    }
}

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .unwrap_or_else(|| panic!("module {module} has no layer in checks/tests/layers.rs"))
        .1
}

/// What a family may take from another: a `CheckDef` static (upper case) or
/// its finding codes.
fn public_contract(item: Option<&String>) -> bool {
    match item {
        Some(item) => {
            item == "Code"
                || (item
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    && item.chars().any(|c| c.is_ascii_uppercase()))
        }
        None => false,
    }
}

#[test]
fn imports_go_downwards_and_the_module_graph_has_no_cycle() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for path in &files {
        let Some(from) = owner(path) else { continue };
        if is_test_file(path) {
            continue;
        }
        let code = production_code(&std::fs::read_to_string(path).unwrap());
        graph.entry(from.clone()).or_default();
        for segments in crate_paths(&code) {
            let to = &segments[0];
            if *to == from || to.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                continue;
            }
            if to == "finding_codes" {
                continue;
            }
            graph.get_mut(&from).unwrap().insert(to.clone());
            let (lf, lt) = (layer(&from), layer(to));
            let rel = path.strip_prefix(src()).unwrap().display();
            if lf == FAMILY_LAYER && lt == FAMILY_LAYER {
                if !public_contract(segments.get(1)) {
                    problems.push(format!(
                        "{rel}: the {from} family uses crate::{} of the {to} family",
                        segments.join("::")
                    ));
                }
            } else if lt >= lf {
                problems.push(format!(
                    "{rel}: {from} (layer {lf}) imports crate::{} (layer {lt})",
                    segments.join("::")
                ));
            }
        }
    }
    for (from, tos) in &graph {
        eprintln!(
            "{from} -> {}",
            tos.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let cycles = cycles(&graph);
    assert!(cycles.is_empty(), "import cycles: {cycles:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(edges) = s.graph.get(v) {
            for w in edges {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let low = s.low[w].min(s.low[v]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.index[w].min(s.low[v]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn the_path_reader_expands_groups() {
    let paths = crate_paths("use crate::{a::B, c::{d, e::F}};\nlet x = crate::g::h(1);");
    let text: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(text, ["a::B", "c::d", "c::e::F", "g::h"]);
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycles(&graph), [vec!["a".to_string(), "b".to_string()]]);
}
