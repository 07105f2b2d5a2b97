//! The scanner: normalised lines against compiled patterns.
//!
//! Contract: each line (or window of a long line) is normalised once into a
//! reused buffer, summarised as a 256-bit set of byte pairs, and only the
//! patterns whose pairs are all present are searched for. Memory is bounded by
//! [`WINDOW`] plus one best match per cause; time is linear in the input.

use super::normalize::{self, normalize_into};
use super::{Explanation, Match, Strength, CAUSES, EXCERPT_MAX};
use std::sync::OnceLock;

/// Lines longer than this many bytes are read in overlapping windows.
pub const WINDOW: usize = 8 * 1024;
/// Bytes shared by consecutive windows of one long line.
pub(super) const OVERLAP: usize = 1024;

type Bloom = [u64; 4];

/// One distinct pattern text, with every cause that lists it.
struct CompiledPattern {
    fragments: Vec<Vec<u8>>,
    anchored: bool,
    bloom: Bloom,
    /// (index into CAUSES, strength for that cause).
    owners: Vec<(usize, Strength)>,
}

/// Distinct patterns, compiled once: shared patterns appear in several causes
/// but are searched for once per line.
fn compiled() -> &'static [CompiledPattern] {
    static COMPILED: OnceLock<Vec<CompiledPattern>> = OnceLock::new();
    COMPILED.get_or_init(compile_all)
}

fn compile_all() -> Vec<CompiledPattern> {
    let mut out: Vec<CompiledPattern> = Vec::new();
    let mut by_text: std::collections::HashMap<&'static str, usize> = Default::default();
    for (ci, cause) in CAUSES.iter().enumerate() {
        for p in cause.patterns {
            if let Some(&at) = by_text.get(p.text) {
                out[at].owners.push((ci, p.strength));
                continue;
            }
            let (anchored, text) = match p.text.strip_prefix('^') {
                Some(rest) => (true, rest),
                None => (false, p.text),
            };
            let fragments = compile_fragments(text);
            let mut bloom = [0u64; 4];
            for f in &fragments {
                add_pairs(f, &mut bloom);
            }
            by_text.insert(p.text, out.len());
            out.push(CompiledPattern {
                fragments,
                anchored,
                bloom,
                owners: vec![(ci, p.strength)],
            });
        }
    }
    out
}

/// The normalised, non-empty fragments of a pattern text.
pub(super) fn compile_fragments(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for part in text.split('…') {
        let mut buf = Vec::new();
        normalize_into(part.as_bytes(), &mut buf);
        // A fragment keeps its own edges: trim spaces the split left behind.
        let start = buf.iter().position(|&c| c != b' ').unwrap_or(buf.len());
        let end = buf
            .iter()
            .rposition(|&c| c != b' ')
            .map_or(start, |e| e + 1);
        if start < end {
            out.push(buf[start..end].to_vec());
        }
    }
    out
}

fn add_pairs(bytes: &[u8], bloom: &mut Bloom) {
    let mut prev = match bytes.first() {
        Some(&b) => b as usize,
        None => return,
    };
    for &b in &bytes[1..] {
        let h = (prev * 31 + b as usize) & 255;
        bloom[h >> 6] |= 1u64 << (h & 63);
        prev = b as usize;
    }
}

fn covers(line: &Bloom, pattern: &Bloom) -> bool {
    (pattern[0] & !line[0])
        | (pattern[1] & !line[1])
        | (pattern[2] & !line[2])
        | (pattern[3] & !line[3])
        == 0
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    if from > hay.len() || hay.len() - from < needle.len() {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut i = from;
    while i <= last_start {
        if hay[i] == first && &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether all fragments occur in order in `line`; with `anchored`, the first
/// one at its start.
pub(super) fn fragments_match(line: &[u8], fragments: &[Vec<u8>], anchored: bool) -> bool {
    if anchored && !fragments.first().is_some_and(|f| line.starts_with(f)) {
        return false;
    }
    let mut pos = 0;
    for f in fragments {
        match find_from(line, f, pos) {
            Some(at) => pos = at + f.len(),
            None => return false,
        }
    }
    !fragments.is_empty()
}

struct Best {
    strength: Strength,
    line: usize,
    excerpt: String,
}

/// A scan in progress.
pub(super) struct Scan {
    compiled: &'static [CompiledPattern],
    norm: Vec<u8>,
    scratch: normalize::Scratch,
    line_hits: Vec<Option<Strength>>,
    best: Vec<Option<Best>>,
    /// Per cause, the causes that matched on a line together with it (a bit
    /// per catalogue index): a named cause only drops the candidates it
    /// competed with on a line.
    together: Vec<u128>,
    /// Lines completed so far.
    lines: usize,
}

impl Scan {
    pub(super) fn new() -> Self {
        let compiled = compiled();
        Scan {
            compiled,
            norm: Vec::with_capacity(WINDOW),
            scratch: normalize::Scratch::default(),
            line_hits: vec![None; CAUSES.len()],
            best: (0..CAUSES.len()).map(|_| None).collect(),
            together: vec![0; CAUSES.len()],
            lines: 0,
        }
    }

    /// One whole line of the paste (without its newline).
    pub(super) fn line(&mut self, raw: &[u8]) {
        if raw.len() <= WINDOW {
            self.window(raw);
        } else {
            let step = WINDOW - OVERLAP;
            let mut start = 0;
            loop {
                let end = (start + WINDOW).min(raw.len());
                self.window(&raw[start..end]);
                if end == raw.len() {
                    break;
                }
                start += step;
            }
        }
        self.lines += 1;
    }

    /// The end of a streamed line: `rest` is its last (or only) part; `long`
    /// says earlier windows of it were already scanned.
    pub(super) fn line_end(&mut self, rest: &[u8], long: bool) {
        if !rest.is_empty() || !long {
            self.window(rest);
        }
        self.lines += 1;
    }

    /// Scans one window of the current line (number `self.lines + 1`).
    pub(super) fn window(&mut self, raw: &[u8]) {
        let line_no = self.lines + 1;
        normalize::normalize_with(raw, &mut self.norm, &mut self.scratch);
        if self.norm.is_empty() {
            return;
        }
        let mut bloom = [0u64; 4];
        add_pairs(&self.norm, &mut bloom);
        let mut any = false;
        for p in self.compiled {
            if !covers(&bloom, &p.bloom) || !fragments_match(&self.norm, &p.fragments, p.anchored) {
                continue;
            }
            for &(ci, strength) in &p.owners {
                let hit = &mut self.line_hits[ci];
                if hit.is_none_or(|h| strength < h) {
                    *hit = Some(strength);
                }
            }
            any = true;
        }
        if !any {
            return;
        }
        let line_set: u128 = self
            .line_hits
            .iter()
            .enumerate()
            .filter(|(_, h)| h.is_some())
            .fold(0, |acc, (ci, _)| acc | bit(ci));
        for ci in 0..CAUSES.len() {
            let Some(strength) = self.line_hits[ci].take() else {
                continue;
            };
            self.together[ci] |= line_set;
            let better = match &self.best[ci] {
                None => true,
                Some(b) => strength < b.strength,
            };
            if better {
                self.best[ci] = Some(Best {
                    strength,
                    line: line_no,
                    excerpt: excerpt(raw),
                });
            }
        }
    }

    pub(super) fn finish(self) -> Explanation {
        let mut found: Vec<(usize, Best)> = self
            .best
            .into_iter()
            .enumerate()
            .filter_map(|(i, b)| b.map(|b| (i, b)))
            .collect();
        // A cause matched on its own wording (named or specific) explains the
        // lines it matched: shared and follow-up candidates that matched one of
        // those lines together with it are dropped.
        let own_wording: u128 = found
            .iter()
            .filter(|(_, b)| b.strength <= Strength::Specific)
            .fold(0, |acc, (i, _)| acc | bit(*i));
        let together = &self.together;
        found.retain(|(i, b)| b.strength <= Strength::Specific || together[*i] & own_wording == 0);
        if found.iter().any(|(_, b)| b.strength != Strength::FollowUp) {
            found.retain(|(_, b)| b.strength != Strength::FollowUp);
        }
        // A cause yields only to a more specific one that matched on its own
        // wording (named or specific), not to a fellow candidate of shared text.
        let present: Vec<&'static str> = found
            .iter()
            .filter(|(_, b)| b.strength <= Strength::Specific)
            .map(|(i, _)| CAUSES[*i].id)
            .collect();
        found.retain(|(i, _)| !CAUSES[*i].yields_to.iter().any(|y| present.contains(y)));
        found.sort_by_key(|(i, b)| (b.strength, *i));
        let follow_up_only =
            !found.is_empty() && found.iter().all(|(_, b)| b.strength == Strength::FollowUp);
        Explanation {
            matches: found
                .into_iter()
                .map(|(i, b)| Match {
                    cause: &CAUSES[i],
                    line: b.line,
                    excerpt: b.excerpt,
                    strength: b.strength,
                })
                .collect(),
            follow_up_only,
        }
    }
}

/// The bit of a catalogue index (the catalogue holds at most 128 causes).
fn bit(index: usize) -> u128 {
    1u128 << (index & 127)
}

/// The pasted line for display: lossy UTF-8, control characters (escape
/// sequences included) replaced by spaces, trimmed, capped at a char boundary.
fn excerpt(raw: &[u8]) -> String {
    let capped = &raw[..raw.len().min(EXCERPT_MAX * 2)];
    let text = String::from_utf8_lossy(capped);
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.len() <= EXCERPT_MAX {
        return trimmed.to_string();
    }
    let mut end = EXCERPT_MAX;
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &trimmed[..end])
}
