//! No comment or document cites a document that is not in the repository:
//! the design notes and reference files the project was started from are not
//! shipped, so a citation of them (or of their section labels) leads nowhere.

use std::path::{Path, PathBuf};

/// Names of documents that live outside the repository.
const OUTSIDE: &[&str] = &[
    "DESIGN.md",
    "failure-modes.md",
    "runtime-internals.md",
    "anchors-checks.md",
    "style-anchors.md",
    "shared/reference",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | ".git" | "corpus" | "artifacts") {
                files(&path, out);
            }
        } else if name.ends_with(".rs") || name.ends_with(".md") || name.ends_with(".sh") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_cites_a_document_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut all = Vec::new();
    for dir in [
        "checks",
        "src",
        "tests",
        "docs",
        "bench",
        "packaging",
        "fuzz",
    ] {
        files(&root.join(dir), &mut all);
    }
    all.push(root.join("README.md"));
    let this = Path::new(file!()).file_name().unwrap();
    let mut found = Vec::new();
    for path in all.iter().filter(|p| p.file_name() != Some(this)) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for name in OUTSIDE.iter().filter(|name| line.contains(*name)) {
                found.push(format!("{}:{}: {name}", path.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "citations of documents not in the repository:\n{}",
        found.join("\n")
    );
}
