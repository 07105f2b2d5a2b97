//! Finding a free block of subordinate ids, as `useradd` does: the lowest
//! block of the wanted size at or above 100000 that overlaps no one's range
//! and no account's id, inside the 32-bit id space (4294967295 is never used:
//! it is the kernel's "no id").

/// Where useradd starts allocating (SUB_UID_MIN in login.defs).
pub const FIRST_ID: u64 = 100_000;

/// The size of a full allocation (SUB_UID_COUNT).
pub const FULL: u64 = 65_536;

/// One past the last usable id.
const ID_SPACE_END: u64 = u32::MAX as u64;

/// The lowest `(start, want)` block at or above [`FIRST_ID`] that overlaps
/// none of `taken` (each `(start, count)`), or `None` when the id space is full.
pub fn free_range(taken: &[(u64, u64)], want: u64) -> Option<(u64, u64)> {
    if want == 0 {
        return None;
    }
    let mut sorted: Vec<(u64, u64)> = taken.iter().copied().filter(|(_, c)| *c > 0).collect();
    sorted.sort_unstable();
    let mut candidate = FIRST_ID;
    for (start, count) in sorted {
        let end = start.saturating_add(count);
        if end <= candidate {
            continue;
        }
        if start >= candidate + want {
            break;
        }
        candidate = end;
    }
    (candidate + want <= ID_SPACE_END).then_some((candidate, want))
}

/// `A-B`, the inclusive form `usermod --add-subuids` takes.
pub fn inclusive(start: u64, count: u64) -> String {
    format!("{}-{}", start, start + count - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_free_block_like_useradd() {
        assert_eq!(free_range(&[], FULL), Some((100000, FULL)));
        assert_eq!(free_range(&[(100000, 65536)], FULL), Some((165536, FULL)));
        assert_eq!(free_range(&[(165536, 65536)], FULL), Some((100000, FULL)));
        assert_eq!(free_range(&[(165535, 65536)], FULL), Some((231071, FULL)));
        assert_eq!(
            free_range(&[(100000, 10), (150000, 65536)], FULL),
            Some((215536, FULL))
        );
        assert_eq!(
            free_range(&[(100000, 10), (300000, 65536)], FULL),
            Some((100010, FULL))
        );
        assert_eq!(
            free_range(&[(65534, 1), (1000, 1)], FULL),
            Some((100000, FULL))
        );
        assert_eq!(inclusive(165536, 65536), "165536-231071");
    }

    #[test]
    fn never_overlaps_and_stays_in_the_id_space() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..500 {
            let taken: Vec<(u64, u64)> = (0..20)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % 5_000_000, state % 200_000)
                })
                .collect();
            let (start, count) = free_range(&taken, FULL).expect("room left");
            assert!(start >= FIRST_ID && start + count <= ID_SPACE_END);
            for (s, c) in &taken {
                assert!(
                    start + count <= *s || s + c <= start,
                    "{start} overlaps {s}+{c}"
                );
            }
        }
        assert_eq!(free_range(&[(FIRST_ID, ID_SPACE_END)], FULL), None);
        assert_eq!(free_range(&[], 0), None);
    }
}
