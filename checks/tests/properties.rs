//! Property tests (proptest) of the subordinate id allocator and of the
//! uid/gid mapping rules, each against an independent model: the allocator
//! against a scan of candidate starts (and a brute-force scan on a small id
//! space), the bundle's mapping judge against id sets compared element by
//! element, and `mappings_for` against that judge; the bare runtimes' engine
//! verdicts against a model of the checks each one needs.

use checks::bundle::mapping_rules::{judge, HelperFact, IdKind, MapFacts, Userns};
use checks::distro::Distro;
use checks::mappings::{mappings_for, MAX_ENTRIES};
use checks::os_release::OsRelease;
use checks::spec::IdMapping;
use checks::subordinate::alloc::{free_range, FIRST_ID, FULL};
use checks::Status;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// One past the last id the allocator may hand out (4294967295 is "no id").
const END: u64 = u32::MAX as u64;

/// A subid entry as the parser lets it through, or an account id `(id, 1)`:
/// starts near the allocator's floor or near the top of the id space.
fn range() -> impl Strategy<Value = (u64, u64)> {
    let start = prop_oneof![0..400_000u64, END - 400_000..=END];
    (start, 0..200_000u64).prop_map(|(s, c)| (s, c.min((1 << 32) - s)))
}

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.0 + b.1 && b.0 < a.0 + a.1
}

fn fits(taken: &[(u64, u64)], start: u64, want: u64) -> bool {
    start >= FIRST_ID
        && start + want <= END
        && !taken.iter().any(|&t| t.1 > 0 && overlaps(t, (start, want)))
}

proptest! {
    #[test]
    fn the_allocation_is_the_lowest_free_block(
        taken in prop::collection::vec(range(), 0..24),
        want in prop_oneof![Just(FULL), 1..300_000u64],
    ) {
        // The lowest fitting start is the floor or the end of a taken range
        // (else the id before it would fit too).
        let model = std::iter::once(FIRST_ID)
            .chain(taken.iter().map(|t| t.0 + t.1))
            .filter(|&s| fits(&taken, s, want))
            .min();
        let got = free_range(&taken, want);
        prop_assert_eq!(got, model.map(|s| (s, want)));
        if let Some((start, count)) = got {
            prop_assert_eq!(count, want);
            prop_assert!(start + count - 1 < END, "uses 4294967295");
        }
    }

    #[test]
    fn the_allocation_matches_a_brute_force_scan(
        taken in prop::collection::vec(
            (FIRST_ID - 50..FIRST_ID + 600, 0..80u64), 0..12),
        want in 1..60u64,
    ) {
        let expected = (FIRST_ID..).find(|&s| fits(&taken, s, want));
        prop_assert_eq!(free_range(&taken, want), expected.map(|s| (s, want)));
    }
}

fn ids(start: u32, size: u32) -> BTreeSet<u64> {
    (u64::from(start)..u64::from(start) + u64::from(size)).collect()
}

/// The runtime's rules (runc, the kernel, newuidmap) on small ids, with sets.
fn model_passes(maps: &[IdMapping], own: u32, ranges: &[(u32, u32)]) -> bool {
    let root = maps
        .iter()
        .find(|m| ids(m.container_id, m.size).contains(&0))
        .map(|m| m.host_id);
    if maps.is_empty() || root != Some(own) {
        return false;
    }
    for (i, m) in maps.iter().enumerate() {
        if m.size == 0 {
            return false;
        }
        for n in &maps[i + 1..] {
            let container = ids(m.container_id, m.size);
            let host = ids(m.host_id, m.size);
            if !container.is_disjoint(&ids(n.container_id, n.size))
                || !host.is_disjoint(&ids(n.host_id, n.size))
            {
                return false;
            }
        }
    }
    if maps.len() == 1 && maps[0].size == 1 {
        return true;
    }
    let allowed: BTreeSet<u64> = ranges.iter().flat_map(|&(s, c)| ids(s, c)).collect();
    let authorised = maps
        .iter()
        .all(|m| (m.size == 1 && m.host_id == own) || ids(m.host_id, m.size).is_subset(&allowed));
    authorised && maps.len() <= MAX_ENTRIES
}

fn facts(maps: Vec<IdMapping>, own: u32, ranges: Vec<(u32, u32)>) -> MapFacts {
    MapFacts {
        kind: IdKind::Uid,
        subject: "alice".into(),
        rootless: true,
        userns: Userns::New,
        mappings: maps,
        own_id: own,
        chown_ok: vec![own],
        ranges,
        helper: HelperFact {
            status: Status::Pass,
            code: None,
            message: "usable".into(),
        },
        config_path: "/b/config.json".into(),
    }
}

fn judged(maps: Vec<IdMapping>, own: u32, ranges: Vec<(u32, u32)>) -> Status {
    judge(
        &facts(maps, own, ranges),
        &Distro::from_os_release(&OsRelease::default()),
    )
    .status
}

fn small_mapping() -> impl Strategy<Value = IdMapping> {
    (0..12u32, 0..64u32, 0..10u32).prop_map(|(c, h, s)| IdMapping {
        container_id: c,
        host_id: h,
        size: s,
    })
}

/// Subordinate ranges as `subject_ranges` returns them: count at least 1.
fn small_ranges() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec((0..64u32, 1..24u32), 0..4)
}

proptest! {
    #[test]
    fn the_mapping_judge_agrees_with_the_runtime_rules(
        maps in prop::collection::vec(small_mapping(), 0..7),
        own in 0..64u32,
        ranges in small_ranges(),
    ) {
        let expected = model_passes(&maps, own, &ranges);
        let status = judged(maps.clone(), own, ranges.clone());
        prop_assert_eq!(status == Status::Pass, expected, "{:?} own {} ranges {:?}", maps, own, ranges);
        prop_assert!(matches!(status, Status::Pass | Status::Fail));
    }

    #[test]
    fn mappings_past_the_id_space_fail(
        host in u32::MAX - 100..=u32::MAX,
        extra in 0..1000u32,
    ) {
        // host + size reaches 2^32 or more: the kernel's extent would wrap.
        let size = u32::MAX - host + 1 + extra;
        let maps = vec![
            IdMapping { container_id: 0, host_id: 1000, size: 1 },
            IdMapping { container_id: 1, host_id: host, size },
        ];
        prop_assert_eq!(judged(maps, 1000, vec![(host, u32::MAX - host)]), Status::Fail);
    }

    #[test]
    fn generated_mappings_always_validate(
        own in 0..100_000u32,
        ranges in prop::collection::vec(
            (prop_oneof![100_000..2_000_000u32, u32::MAX - 300_000..u32::MAX], 1..200_000u32)
                .prop_map(|(s, c)| (s, c.min(u32::MAX - s))),
            1..8),
    ) {
        let maps: Vec<IdMapping> = mappings_for(own, &ranges)
            .into_iter()
            .map(|m| IdMapping { container_id: m.container_id, host_id: m.host_id, size: m.size })
            .collect();
        prop_assert!(maps.len() <= MAX_ENTRIES);
        let status = judged(maps.clone(), own, ranges.clone());
        prop_assert_eq!(status, Status::Pass, "{:?} from {:?}", maps, ranges);
    }
}

/// The engines section against a model of what each bare runtime needs,
/// over every mix of statuses of the checks it reads.
mod engine_verdicts {
    use checks::check::{CheckDef, CheckResult, Fact, OciRuntime, Outcome, Tool, Verdict};
    use checks::model::{Code, CommonCode};
    use checks::{mount, runtime, userns, verdicts};
    use proptest::prelude::*;
    use std::time::Duration;

    /// How a need's check ended, as the model reads it.
    #[derive(Clone, Copy, Debug)]
    enum End {
        Holds,
        Fails,
        /// Skipped because `userns.create` failed (only for `mount.bind`).
        BlockedByUserns,
        Unknown,
        NotReported,
    }

    fn end() -> impl Strategy<Value = End> {
        prop_oneof![
            Just(End::Holds),
            Just(End::Fails),
            Just(End::BlockedByUserns),
            Just(End::Unknown),
            Just(End::NotReported),
        ]
    }

    fn outcome(end: End, warn: bool) -> Option<Outcome> {
        Some(match end {
            End::Holds if warn => Outcome::warn(Code::new("some-warning"), "x"),
            End::Holds => Outcome::pass("x"),
            End::Fails => Outcome::fail(Code::new("some-failure"), "x"),
            End::BlockedByUserns => Outcome::blocked(&userns::CREATE),
            End::Unknown if warn => Outcome::error(CommonCode::ProbeTimedOut, "x"),
            End::Unknown => Outcome::skip(CommonCode::ProbeNotRun, "x"),
            End::NotReported => return None,
        })
    }

    fn result(def: &'static CheckDef, outcome: Outcome) -> CheckResult {
        CheckResult {
            def,
            outcome,
            duration: Duration::ZERO,
        }
    }

    /// The model: the checks that block, in the runtime's order, and
    /// whether any need is unknown.
    fn model(needs: &[(&'static str, End)]) -> (Verdict, Vec<&'static str>) {
        let mut blocked: Vec<&str> = Vec::new();
        let mut unknown = false;
        for (id, end) in needs {
            let by = match end {
                End::Fails => Some(*id),
                End::BlockedByUserns => Some("userns.create"),
                End::Holds => None,
                End::Unknown | End::NotReported => {
                    unknown = true;
                    None
                }
            };
            if let Some(by) = by.filter(|by| !blocked.contains(by)) {
                blocked.push(by);
            }
        }
        match (blocked.is_empty(), unknown) {
            (false, _) => (Verdict::Fails, blocked),
            (true, true) => (Verdict::Unknown, blocked),
            (true, false) => (Verdict::Works, blocked),
        }
    }

    proptest! {
        #[test]
        fn runc_crun_and_bwrap_follow_the_model(
            userns_end in end(),
            bind_end in end(),
            xdg_end in end(),
            runc_runs in any::<bool>(),
            crun_runs in any::<bool>(),
            bwrap_setuid in any::<bool>(),
            bwrap_end in end(),
            warn in any::<bool>(),
        ) {
            // userns.create is never blocked by itself.
            let userns_end = match userns_end {
                End::BlockedByUserns => End::Fails,
                other => other,
            };
            let mut results = Vec::new();
            if let Some(o) = outcome(userns_end, warn) {
                results.push(result(&userns::CREATE, o));
            }
            if let Some(o) = outcome(bind_end, warn) {
                results.push(result(&mount::BIND, o));
            }
            let xdg_end = match xdg_end {
                End::BlockedByUserns => End::Holds,
                other => other,
            };
            if let Some(o) = outcome(xdg_end, false) {
                results.push(result(&runtime::XDG_RUNTIME_DIR, o));
            }
            let runtime_fact = |name: &'static str, runs_here: bool| {
                Fact::OciRuntime(OciRuntime {
                    name,
                    path: format!("/usr/bin/{name}").into(),
                    version: None,
                    runs_here,
                })
            };
            let found = Outcome::pass("x")
                .stating(runtime_fact("runc", runc_runs))
                .stating(runtime_fact("crun", crun_runs))
                .stating(Fact::Tool(Tool {
                    name: "bwrap",
                    path: "/usr/bin/bwrap".into(),
                    setuid_root: bwrap_setuid,
                    file_caps: checks::filecaps::CapsState::None,
                }));
            results.push(result(&runtime::OCI_RUNTIME, found));
            // runtime.bwrap is never blocked by userns.create.
            let bwrap_end = match bwrap_end {
                End::BlockedByUserns => End::Fails,
                other => other,
            };
            if let Some(o) = outcome(bwrap_end, false) {
                results.push(result(&runtime::BWRAP, o));
            }

            let engines = verdicts::derive(&results);
            let names: Vec<&str> = engines.iter().map(|e| e.name).collect();
            prop_assert_eq!(names, vec!["runc", "crun", "bwrap"]);
            let binary = |runs: bool| if runs { End::Holds } else { End::Fails };
            let expected = [
                model(&[
                    ("runtime.xdg-runtime-dir", xdg_end),
                    ("runtime.oci-runtime", binary(runc_runs)),
                    ("userns.create", userns_end),
                    ("mount.bind", bind_end),
                ]),
                model(&[
                    ("runtime.xdg-runtime-dir", xdg_end),
                    ("userns.create", userns_end),
                    ("runtime.oci-runtime", binary(crun_runs)),
                    ("mount.bind", bind_end),
                ]),
                if bwrap_setuid {
                    (Verdict::Works, vec![])
                } else {
                    model(&[
                        ("runtime.bwrap", bwrap_end),
                        ("userns.create", userns_end),
                        ("mount.bind", bind_end),
                    ])
                },
            ];
            for (engine, (verdict, blocked)) in engines.iter().zip(expected) {
                let got: Vec<&str> = engine.blocked_by.iter().map(|c| c.id).collect();
                prop_assert_eq!(engine.verdict, verdict, "{}", engine.name);
                prop_assert_eq!(got, blocked, "{}", engine.name);
            }
        }
    }
}
