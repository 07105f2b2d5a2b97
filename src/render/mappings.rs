//! `mappings` output: the runtime-spec's `uidMappings` and `gidMappings`.

use crate::cli::Format;
use checks::mappings::IdMapping;
use checks::subject::Subject;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireMapping {
    #[serde(rename = "containerID")]
    container_id: u32,
    #[serde(rename = "hostID")]
    host_id: u32,
    size: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireMappings {
    uid_mappings: Vec<WireMapping>,
    gid_mappings: Vec<WireMapping>,
}

#[derive(Serialize)]
struct WireLinux {
    linux: WireMappings,
}

fn wire(mappings: &[IdMapping]) -> Vec<WireMapping> {
    mappings
        .iter()
        .map(|m| WireMapping {
            container_id: m.container_id,
            host_id: m.host_id,
            size: m.size,
        })
        .collect()
}

fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Renders the mappings in `format`.
pub(crate) fn render(
    format: Format,
    subject: &Subject,
    uids: &[IdMapping],
    gids: &[IdMapping],
) -> String {
    let both = WireMappings {
        uid_mappings: wire(uids),
        gid_mappings: wire(gids),
    };
    match format {
        Format::Json => pretty(&both),
        Format::Runc => pretty(&WireLinux { linux: both }),
        // Human; run.rs refuses the report-only formats before we get here.
        Format::Human | Format::Github | Format::Junit | Format::Prometheus => {
            let total = |maps: &[IdMapping]| maps.iter().map(|m| u64::from(m.size)).sum::<u64>();
            let mut out = String::new();
            let _ = writeln!(
                out,
                "# {} ids for {}'s containers: uid {} and gid {} become root (0) inside,",
                total(uids),
                subject.name,
                subject.uid,
                subject.gid
            );
            let _ = writeln!(
                out,
                "# then the subordinate ranges of /etc/subuid and /etc/subgid follow from id 1."
            );
            let _ = writeln!(
                out,
                "# Merge these keys into \"linux\" of config.json; mapping more than one id needs"
            );
            let _ = writeln!(
                out,
                "# a privileged newuidmap and newgidmap (see `rootless-doctor check`)."
            );
            out.push_str(&pretty(&both));
            out
        }
    }
}
