//! Exit codes: the contract CI gates on (README.md, "Exit codes").

use crate::cli::FailOn;
use checks::Status;

/// Nothing at or above the gate, no error.
pub(crate) const OK: u8 = 0;
/// At least one check at or above the gate.
pub(crate) const GATE: u8 = 1;
/// Usage error, or the doctor could not start.
pub(crate) const USAGE: u8 = 2;
/// No gate tripped, but some check ended in error.
pub(crate) const INCONCLUSIVE: u8 = 3;

/// The exit code for a set of check statuses under a gate.
pub(crate) fn for_statuses(statuses: impl IntoIterator<Item = Status>, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Fail => Some(Status::Fail),
        FailOn::Warn => Some(Status::Warn),
        FailOn::Never => None,
    };
    let mut errored = false;
    let mut tripped = false;
    for status in statuses {
        match (status, threshold) {
            (Status::Error, _) => errored = true,
            (status, Some(threshold)) if status >= threshold => tripped = true,
            _ => {}
        }
    }
    match (threshold, tripped, errored) {
        (None, _, _) => OK,
        (_, true, _) => GATE,
        (_, false, true) => INCONCLUSIVE,
        _ => OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn gates_follow_the_contract() {
        assert_eq!(for_statuses([Pass, Skip, Warn], FailOn::Fail), OK);
        assert_eq!(for_statuses([Pass, Warn], FailOn::Warn), GATE);
        assert_eq!(for_statuses([Pass, Skip], FailOn::Warn), OK);
        assert_eq!(for_statuses([Fail, Error], FailOn::Fail), GATE);
        assert_eq!(for_statuses([Warn, Error], FailOn::Fail), INCONCLUSIVE);
        assert_eq!(for_statuses([Fail, Error], FailOn::Never), OK);
        assert_eq!(for_statuses([], FailOn::Fail), OK);
    }
}
