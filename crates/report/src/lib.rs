//! Stage 8: **render**. Each format only reads the finding list of a
//! [`ScanResult`]; nothing here changes what was found.

mod common;
pub use common::{Redactor, SnippetLine};
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use skillaudit_engine::ScanResult;

pub const TOOL_NAME: &str = "skillaudit";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const INFORMATION_URI: &str = "https://github.com/skillaudit/skillaudit";

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    pub const NAMES: &'static [&'static str] = &[
        "text", "json", "sarif", "github", "gitlab", "junit", "markdown", "html",
    ];

    /// The format's name (`--format`, the service's `?format=`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// `--format json`: the command line takes the format names.
#[cfg(feature = "clap")]
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// Render a scan result.
pub fn render(result: &ScanResult, format: Format, color: bool) -> String {
    match format {
        Format::Text => text::render(result, color),
        Format::Json => json::render(result),
        Format::Sarif => sarif::render(result),
        Format::Github => github::render(result),
        Format::Gitlab => gitlab::render(result),
        Format::Junit => junit::render(result),
        Format::Markdown => markdown::render(result),
        Format::Html => html::render(result),
    }
}
