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
/// ranges beyond [`MAX_ENTRIES`] or past the 32-bit id space are left out.
pub fn mappings_for(own: u32, ranges: &[(u32, u32)]) -> Vec<IdMapping> {
    let mut mappings = vec![IdMapping {
        container_id: 0,
        host_id: own,
        size: 1,
    }];
    let mut next: u64 = 1;
    for &(start, count) in ranges {
        if mappings.len() == MAX_ENTRIES {
            break;
        }
        let room = u64::from(u32::MAX) - next;
        let size = u64::from(count).min(room);
        if size == 0 {
            break;
        }
        mappings.push(IdMapping {
            container_id: next as u32,
            host_id: start,
            size: size as u32,
        });
        next += size;
    }
    mappings
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
        let ranges = vec![(100000, 10); 9];
        assert_eq!(mappings_for(1, &ranges).len(), MAX_ENTRIES);
        let huge = mappings_for(1, &[(1, u32::MAX), (5, 5)]);
        assert_eq!(huge.len(), 2);
        assert_eq!(huge[1].size, u32::MAX - 1);
    }
}
