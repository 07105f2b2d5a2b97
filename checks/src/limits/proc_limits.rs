//! `/proc/PID/limits`, as the kernel prints it: a name column, then the
//! soft and hard limit (`unlimited` or a number) and the unit.

/// A soft and a hard limit; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub soft: Option<u64>,
    pub hard: Option<u64>,
}

impl Pair {
    /// The pair as `ulimit` and prlimit print it: `1024:4096`.
    pub fn show(&self) -> String {
        format!("{}:{}", show(self.soft), show(self.hard))
    }
}

/// A limit value as printed: a number or `unlimited`.
pub fn show(value: Option<u64>) -> String {
    value.map_or_else(|| "unlimited".to_string(), |v| v.to_string())
}

/// The kernel's name of RLIMIT_NOFILE in /proc/PID/limits.
pub const NOFILE: &str = "Max open files";
/// The kernel's name of RLIMIT_NPROC in /proc/PID/limits.
pub const NPROC: &str = "Max processes";

/// The limit named `name` in the text of a /proc/PID/limits file.
pub fn find(text: &str, name: &str) -> Option<Pair> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        // "Max processes" must not match a longer name.
        if !rest.starts_with(' ') {
            return None;
        }
        let mut fields = rest.split_whitespace();
        let soft = value(fields.next()?)?;
        let hard = value(fields.next()?)?;
        Some(Pair { soft, hard })
    })
}

/// `unlimited` is `Some(None)`, a number `Some(Some(n))`, anything else `None`.
fn value(text: &str) -> Option<Option<u64>> {
    match text {
        "unlimited" => Some(None),
        n => n.parse().ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "\
Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max processes             96362                96362                processes 
Max open files            1024                 4096                 files     
Max locked memory         8388608              8388608              bytes     
";

    #[test]
    fn parses_the_kernels_table() {
        assert_eq!(
            find(LIMITS, NOFILE),
            Some(Pair {
                soft: Some(1024),
                hard: Some(4096)
            })
        );
        assert_eq!(
            find(LIMITS, NPROC).map(|p| p.show()),
            Some("96362:96362".into())
        );
        assert_eq!(
            find(LIMITS, "Max cpu time"),
            Some(Pair {
                soft: None,
                hard: None
            })
        );
        assert_eq!(find(LIMITS, "Max open"), None);
        assert_eq!(find("Max open files  x y files", NOFILE), None);
        assert_eq!(find("", NOFILE), None);
    }
}
