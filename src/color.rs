//! Colour by role, decided once: `--color`, then NO_COLOR, then
//! CLICOLOR_FORCE, then whether stdout is a terminal (and TERM is not dumb).

use crate::cli::ColorChoice;
use checks::Status;
use owo_colors::{OwoColorize, Style};
use std::io::IsTerminal;

/// The colour policy of one run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Palette {
    active: bool,
}

impl Palette {
    /// Decides once for this run.
    pub(crate) fn decide(choice: ColorChoice) -> Self {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let active = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if env("NO_COLOR").is_some() {
                    false
                } else if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    true
                } else {
                    std::io::stdout().is_terminal() && env("TERM").is_none_or(|term| term != "dumb")
                }
            }
        };
        Palette { active }
    }

    /// A palette that never colours.
    #[cfg(test)]
    pub(crate) fn plain() -> Self {
        Palette { active: false }
    }

    fn paint(&self, text: &str, style: Style) -> String {
        if self.active {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    /// A status word, coloured by severity.
    pub(crate) fn status(&self, status: Status, text: &str) -> String {
        let style = match status {
            Status::Pass => Style::new().green(),
            Status::Skip => Style::new().dimmed(),
            Status::Warn => Style::new().yellow(),
            Status::Fail => Style::new().red().bold(),
            Status::Error => Style::new().magenta().bold(),
        };
        self.paint(text, style)
    }

    /// A heading.
    pub(crate) fn heading(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }

    /// Secondary text: evidence, reasons.
    pub(crate) fn muted(&self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }

    /// A command the user may run.
    pub(crate) fn command(&self, text: &str) -> String {
        self.paint(text, Style::new().cyan())
    }
}
