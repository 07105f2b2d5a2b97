//! The registry's invariants: ids, codes, one file per check, and a docs
//! heading for every id and code (docs/checks), both ways.

use super::*;
use crate::model::{Code, CommonCode};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn all() -> impl Iterator<Item = &'static CheckDef> {
    HOST_CHECKS.iter().chain(BUNDLE_CHECKS).copied()
}

fn kebab(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn ids_are_unique_lowercase_kebab_family_dot_name() {
    let mut seen = BTreeSet::new();
    for def in all() {
        assert!(seen.insert(def.id), "duplicate id {}", def.id);
        let (family, name) = def.id.split_once('.').expect("family.name");
        assert!(kebab(family) && kebab(name), "{}", def.id);
        assert!(
            !def.title.is_empty() && !def.description.is_empty(),
            "{}",
            def.id
        );
    }
}

#[test]
fn codes_are_kebab_case_unique_within_their_check_and_not_common() {
    let common: BTreeSet<Code> = CommonCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(common.len(), CommonCode::ALL.len(), "duplicate common code");
    for def in all() {
        let mut seen = BTreeSet::new();
        for &code in def.codes {
            assert!(kebab(code.as_str()), "{}: code '{code}'", def.id);
            assert!(seen.insert(code), "{}: code '{code}' twice", def.id);
            assert!(
                !common.contains(&code),
                "{}: '{code}' is a common code",
                def.id
            );
        }
    }
}

#[test]
fn select_keeps_report_order_and_names_an_unknown_id() {
    let only = vec![
        "userns.create".to_string(),
        "userns.clone-sysctl".to_string(),
    ];
    let picked = select(HOST_CHECKS, &only, &[]).unwrap();
    let ids: Vec<&str> = picked.iter().map(|d| d.id).collect();
    assert_eq!(ids, ["userns.clone-sysctl", "userns.create"]);
    let skip = vec!["bundle.config".to_string()];
    assert_eq!(
        select(BUNDLE_CHECKS, &[], &skip).unwrap().len(),
        BUNDLE_CHECKS.len() - 1
    );
    assert_eq!(select(BUNDLE_CHECKS, &only, &[]), Err("userns.create"));
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

#[test]
fn each_check_is_defined_in_the_file_named_after_it() {
    for def in all() {
        let (family, name) = def.id.split_once('.').unwrap();
        let path = repo()
            .join("checks/src")
            .join(family)
            .join(format!("{}.rs", name.replace('-', "_")));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {} ({e})", def.id, path.display()));
        assert!(
            text.contains(&format!("id: \"{}\"", def.id)),
            "{} is not defined in {}",
            def.id,
            path.display()
        );
    }
}

/// The `## id` sections of docs/checks and the ``### `code` `` headings in
/// each; `README.md`'s "Common codes" section is keyed by "common".
fn documented() -> BTreeMap<String, Vec<String>> {
    let dir = repo().join("docs/checks");
    let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("docs/checks")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current: Option<String> = None;
        for line in text.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                let heading = heading.trim();
                current = if heading == "Common codes" {
                    Some("common".to_string())
                } else if heading.contains('.') && !heading.contains(' ') {
                    Some(heading.to_string())
                } else {
                    None
                };
                if let Some(id) = &current {
                    assert!(
                        sections.insert(id.clone(), Vec::new()).is_none(),
                        "two sections for {id}"
                    );
                }
            } else if let Some(heading) = line.strip_prefix("### `") {
                let code = heading.trim_end().trim_end_matches('`').to_string();
                match &current {
                    Some(id) => sections.get_mut(id).unwrap().push(code),
                    None => panic!("{}: code heading {code} outside a check", path.display()),
                }
            } else if line.starts_with("# ") {
                current = None;
            }
        }
    }
    sections
}

#[test]
fn every_id_and_code_has_a_docs_heading_and_every_heading_a_check() {
    let docs = documented();
    let common: Vec<String> = CommonCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    assert_eq!(
        docs.get("common"),
        Some(&common),
        "docs/checks/README.md, Common codes"
    );
    for def in all() {
        let headings = docs
            .get(def.id)
            .unwrap_or_else(|| panic!("no `## {}` section in docs/checks", def.id));
        let declared: Vec<String> = def.codes.iter().map(|c| c.as_str().to_string()).collect();
        for code in &declared {
            assert_eq!(
                headings.iter().filter(|h| *h == code).count(),
                1,
                "{}: code `{code}` needs one ### heading in its docs section",
                def.id
            );
        }
        for heading in headings {
            assert!(
                declared.contains(heading),
                "{}: docs heading `{heading}` is not a code of the check (stale)",
                def.id
            );
        }
    }
    for id in docs.keys().filter(|id| *id != "common") {
        assert!(
            all().any(|def| def.id == id),
            "docs/checks has a section for {id}, which is no check"
        );
    }
}
