//! The scanner: normalised lines against compiled patterns.
//!
//! Contract: each line (or window of a long line) is normalised once into a
//! reused buffer, summarised as a 256-bit set of byte pairs, and only the
//! patterns whose pairs are all present are searched for. The evidence hints
//! ([`evidence::HINTS`]) are compiled with the causes' patterns and searched
//! in the same pass; a line that matched a decoder's trigger is decoded once.
//! Memory is bounded by [`WINDOW`] plus one best match per cause and the
//! bounded evidence; time is linear in the input.

use super::evidence::{self, Evidence};
use super::normalize::{self, normalize_into};
use super::{weights, Explanation, Match, Strength, CAUSES, EXCERPT_MAX};
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
    /// (index into CAUSES, strength for that cause, field weight).
    owners: Vec<(usize, Strength, i32)>,
    /// Evidence hint bits this pattern sets (hint patterns have no owners).
    hint: u32,
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
            let weight = weights::weight(p.text, cause.id, p.strength);
            if let Some(&at) = by_text.get(p.text) {
                out[at].owners.push((ci, p.strength, weight));
                continue;
            }
            by_text.insert(p.text, out.len());
            out.push(compile_one(p.text, vec![(ci, p.strength, weight)], 0));
        }
    }
    for &(text, bit) in evidence::HINTS {
        out.push(compile_one(text, Vec::new(), bit));
    }
    out
}

fn compile_one(text: &str, owners: Vec<(usize, Strength, i32)>, hint: u32) -> CompiledPattern {
    let (anchored, text) = match text.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let fragments = compile_fragments(text);
    let mut bloom = [0u64; 4];
    for f in &fragments {
        add_pairs(f, &mut bloom);
    }
    CompiledPattern {
        fragments,
        anchored,
        bloom,
        owners,
        hint,
    }
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
    weight: i32,
    /// Every line the cause matched was a warning (`WARN[…]`,
    /// `level=warning`, `WARNING:`), not the error itself.
    warnings_only: bool,
    line: usize,
    excerpt: String,
}

/// A scan in progress.
pub(super) struct Scan {
    compiled: &'static [CompiledPattern],
    norm: Vec<u8>,
    scratch: normalize::Scratch,
    line_hits: Vec<Option<(Strength, i32)>>,
    best: Vec<Option<Best>>,
    evidence: Evidence,
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
            evidence: Evidence::default(),
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
        let mut hints = 0u32;
        for p in self.compiled {
            if !covers(&bloom, &p.bloom) || !fragments_match(&self.norm, &p.fragments, p.anchored) {
                continue;
            }
            hints |= p.hint;
            for &(ci, strength, weight) in &p.owners {
                let hit = &mut self.line_hits[ci];
                match hit {
                    Some((s, w)) if *s == strength => *w = (*w).max(weight),
                    Some((s, _)) if *s < strength => {}
                    _ => *hit = Some((strength, weight)),
                }
                any = true;
            }
        }
        if hints != 0 {
            self.evidence.hints |= hints;
            if hints & evidence::hint::TRIGGERS != 0 {
                self.evidence.decode(raw, hints);
            }
        }
        if !any {
            return;
        }
        let warning = is_warning(raw);
        let line_set: u128 = self
            .line_hits
            .iter()
            .enumerate()
            .filter(|(_, h)| h.is_some())
            .fold(0, |acc, (ci, _)| acc | bit(ci));
        for ci in 0..CAUSES.len() {
            let Some((strength, weight)) = self.line_hits[ci].take() else {
                continue;
            };
            self.together[ci] |= line_set;
            let warnings_only = warning && self.best[ci].as_ref().is_none_or(|b| b.warnings_only);
            match &mut self.best[ci] {
                Some(b) if b.strength == strength => {
                    b.weight = b.weight.max(weight);
                    b.warnings_only = warnings_only;
                }
                Some(b) if b.strength < strength => b.warnings_only = warnings_only,
                best => {
                    *best = Some(Best {
                        strength,
                        weight,
                        warnings_only,
                        line: line_no,
                        excerpt: excerpt(raw),
                    })
                }
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
        let follow_up_only =
            !found.is_empty() && found.iter().all(|(_, b)| b.strength == Strength::FollowUp);
        let mut matches: Vec<Match> = found
            .into_iter()
            .map(|(i, b)| Match {
                cause: &CAUSES[i],
                line: b.line,
                excerpt: b.excerpt,
                strength: b.strength,
                weight: b.weight,
                score: b.weight,
                warning_only: b.warnings_only,
                evidence: Vec::new(),
            })
            .collect();
        for m in &mut matches {
            super::score(m, &self.evidence, None);
        }
        super::rank(&mut matches);
        Explanation {
            matches,
            follow_up_only,
            decoded: self.evidence,
        }
    }
}

/// Whether a raw line is a warning: a logrus `WARN[…]` or `level=warning`,
/// or a leading `WARNING:` / `[WARNING]`.
fn is_warning(raw: &[u8]) -> bool {
    let start = raw
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(raw.len());
    let head = &raw[start..raw.len().min(start + 16)];
    let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"warn[") || starts(b"warning:") || starts(b"[warning]") {
        return true;
    }
    let window = &raw[..raw.len().min(256)];
    window
        .windows(b"level=warn".len())
        .any(|w| w.eq_ignore_ascii_case(b"level=warn"))
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
