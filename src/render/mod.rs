//! Renderers: turn a finished [`Report`](crate::report::Report) into text.
//! They never call into checks; the JSON renderer has its own wire types.

pub(crate) mod explain;
pub(crate) mod github;
pub(crate) mod github_summary;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod mappings;
pub(crate) mod plain;
pub(crate) mod prometheus;

use crate::cli::Format;
use crate::color::Palette;
use crate::report::Report;

/// A `check` or `bundle` report in `format`; human text uses `palette`.
pub(crate) fn report(report: &Report, format: Format, palette: Palette, verbose: bool) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Github => github::render(report),
        Format::Junit => junit::render(report),
        Format::Prometheus => prometheus::render(report, prometheus::now()),
        Format::Human | Format::Runc => human::render(report, palette, verbose),
    }
}
