//! The man page (roff, section 1), generated from the clap command that also
//! serves `--help` ([`Cli`]): clap_mangen renders NAME, SYNOPSIS, DESCRIPTION,
//! OPTIONS and VERSION, so new options appear without an edit here, and hidden
//! ones never do; [`sections`] adds what clap cannot know (every check with
//! its description, exit status, environment, files, see also). All text goes
//! through the `roff` crate, which escapes it.

mod sections;

use crate::cli::Cli;
use clap::CommandFactory;
use clap_mangen::roff::Roff;
use clap_mangen::Man;

/// The program name the page documents.
const BIN: &str = "rootless-doctor";

/// The man page, roff for section 1.
pub(crate) fn page() -> anyhow::Result<String> {
    let command = Cli::command().disable_help_subcommand(true);
    let man = Man::new(command.clone());
    let mut page = Vec::new();
    title(&command).to_writer(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    sections::subcommands(&command).to_writer(&mut page)?;
    sections::checks().to_writer(&mut page)?;
    sections::fixed().to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    sections::see_also().to_writer(&mut page)?;
    Ok(tidy(&String::from_utf8(page)?))
}

/// The `.TH` line: clap_mangen drops its empty date argument, which shifts
/// the source into the date's place, so it is written here with a date:
/// SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC).
fn title(command: &clap::Command) -> Roff {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    let source = format!("{BIN} {}", command.get_version().unwrap_or_default());
    let mut roff = Roff::new();
    roff.control(
        "TH",
        [
            BIN.to_uppercase().as_str(),
            "1",
            iso_date(seconds).as_str(),
            source.as_str(),
            "User Commands",
        ],
    );
    roff
}

/// `YYYY-MM-DD` of a Unix time (proleptic Gregorian, UTC).
fn iso_date(seconds: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01.
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Each part rendered on its own repeats the roff crate's apostrophe
/// preamble; keep the first. clap_mangen separates an option's help from its
/// possible values with `.br`, a blank line and `.br`, which mandoc -Tlint
/// flags; one `.sp` says the same.
fn tidy(page: &str) -> String {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let page = match page.split_once(PREAMBLE) {
        Some((head, rest)) => format!("{head}{PREAMBLE}{}", rest.replace(PREAMBLE, "")),
        None => page.to_string(),
    };
    page.replace("\n.br\n\n.br\n", "\n.sp\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc_days() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_709_251_199), "2024-02-29");
        assert_eq!(iso_date(1_735_689_600), "2025-01-01");
    }

    #[test]
    fn the_page_keeps_one_preamble_and_no_blank_lines() {
        let page = page().expect("man page");
        assert_eq!(page.matches(".ds Aq \\(aq").count(), 1);
        assert!(page.starts_with(".ie "));
        assert!(!page.contains("\n\n"), "blank line in the page");
    }
}
