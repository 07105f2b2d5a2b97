//! The uid/gid mappings for config.json that fit the subject's subordinate
//! ranges: the own id to container 0, then the subordinate ranges from
//! container id 1, in file order, as the runtime-spec's `linux.uidMappings`
//! and `linux.gidMappings` want them.

/// One runtime-spec id mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdMapping {
    pub container_id: u32,
    pub host_id: u32,
    pub size: u32,
}

/// runc passes at most this many mapping entries to newuidmap (its argv holds
/// 20 slots: the tool, the pid and 3 per entry, and a terminating null).
pub const MAX_ENTRIES: usize = 5;

/// The mappings: `own` -> 0, then each subordinate range from container id 1;
/// host ids already mapped (the own id, an earlier overlapping or duplicate
/// range) are skipped, since the kernel rejects overlapping host ranges, and
/// so is host id 4294967295, which no extent may reach; ranges beyond
/// [`MAX_ENTRIES`] or past the 32-bit id space are left out.
pub fn mappings_for(own: u32, ranges: &[(u32, u32)]) -> Vec<IdMapping> {
    let mut mappings = vec![IdMapping {
        container_id: 0,
        host_id: own,
        size: 1,
    }];
    let mut used: Vec<(u64, u64)> = vec![(u64::from(own), u64::from(own) + 1)];
    let mut next: u64 = 1;
    for &(start, count) in ranges {
        let end = (u64::from(start) + u64::from(count)).min(u64::from(u32::MAX));
        for (piece_start, piece_end) in uncovered(u64::from(start), end, &used) {
            if mappings.len() == MAX_ENTRIES {
                return mappings;
            }
            let room = u64::from(u32::MAX) - next;
            let size = (piece_end - piece_start).min(room);
            if size == 0 {
                return mappings;
            }
            mappings.push(IdMapping {
                container_id: next as u32,
                host_id: piece_start as u32,
                size: size as u32,
            });
            used.push((piece_start, piece_start + size));
            next += size;
        }
    }
    mappings
}

/// The parts of `[start, end)` outside every `used` span, in order.
fn uncovered(start: u64, end: u64, used: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut sorted = used.to_vec();
    sorted.sort_unstable();
    let mut pieces = Vec::new();
    let mut at = start;
    for (s, e) in sorted {
        if e <= at {
            continue;
        }
        if s >= end {
            break;
        }
        if s > at {
            pieces.push((at, s));
        }
        at = e;
    }
    if at < end {
        pieces.push((at, end));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_id_first_then_ranges_back_to_back() {
        let maps = mappings_for(1000, &[(100000, 65536), (300000, 10)]);
        let triples: Vec<_> = maps
            .iter()
            .map(|m| (m.container_id, m.host_id, m.size))
            .collect();
        assert_eq!(
            triples,
            [(0, 1000, 1), (1, 100000, 65536), (65537, 300000, 10)]
        );
    }

    #[test]
    fn at_most_five_entries_inside_the_id_space() {
        let ranges: Vec<(u32, u32)> = (0..9).map(|i| (100000 + i * 100, 10)).collect();
        assert_eq!(mappings_for(1, &ranges).len(), MAX_ENTRIES);
        let huge = mappings_for(0, &[(0, u32::MAX), (5, 5)]);
        assert_eq!(huge.len(), 2);
        assert_eq!((huge[1].host_id, huge[1].size), (1, u32::MAX - 1));
    }

    #[test]
    fn overlapping_ranges_and_the_own_id_are_mapped_once() {
        // Found by the property tests: overlapping lines in /etc/subuid gave
        // overlapping host ranges, which the kernel rejects (EINVAL).
        let maps = mappings_for(100010, &[(100000, 100), (100050, 100), (100000, 10)]);
        let triples: Vec<_> = maps
            .iter()
            .map(|m| (m.container_id, m.host_id, m.size))
            .collect();
        assert_eq!(
            triples,
            [
                (0, 100010, 1),
                (1, 100000, 10),
                (11, 100011, 89),
                (100, 100100, 50)
            ]
        );
        // 4294967295 is never a host id of a mapping.
        let top = mappings_for(1000, &[(u32::MAX - 9, 10)]);
        assert_eq!((top[1].host_id, top[1].size), (u32::MAX - 9, 9));
    }
}
