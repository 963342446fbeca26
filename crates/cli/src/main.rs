//! The `skillaudit` command line.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use skillaudit_engine::baseline::{self, Baseline};
use skillaudit_engine::config::{self, Threshold};
use skillaudit_engine::{scan, ScanOptions, DEFAULT_MAX_FILE_SIZE};
use skillaudit_report::Format;
use skillaudit_rules::registry::{self, RULES};
use skillaudit_rules::Severity;

#[derive(Parser)]
#[command(name = "skillaudit", version, about = "Security audit of the container setup of MCP servers", propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan directories, files or git URLs for container misconfigurations.
    Scan(ScanArgs),
    /// List every rule: id, severity, what it looks at, summary.
    Rules,
    /// Print the full documentation of one rule.
    Explain {
        /// A rule id, e.g. missing-user.
        rule: String,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Directories, files or git URLs to scan.
    #[arg(default_value = ".")]
    targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    /// Show findings at or above this severity [default: low, or the config's `min-severity`].
    #[arg(long, value_enum)]
    min_severity: Option<SeverityArg>,
    /// Exit with 1 when a shown finding is at or above this severity [default: high, or the config's `fail-on`].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Skip files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_SIZE >> 20)]
    max_file_size: u64,
    /// Read the project configuration from FILE [default: skillaudit.toml or .skillaudit.toml at the scan root].
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Report only findings that are not in this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    baseline: Option<std::path::PathBuf>,
    /// Record every current finding (after ignores and config) in FILE as the baseline; exits 0 once written.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<std::path::PathBuf>,
    /// Disregard inline ignore comments and the config's `disable`, `[[ignore]]` and `[allow.*]`.
    #[arg(long)]
    no_ignores: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

fn severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Critical => Severity::Critical,
        SeverityArg::High => Severity::High,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Info => Severity::Info,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules => {
            let mut out = String::new();
            for r in RULES {
                let m = r.meta();
                out.push_str(&format!("{:<30} {:<9} {:<10} {}\n", m.id, m.severity.name(), m.target.name(), m.summary));
            }
            print(&out)
        }
        Command::Explain { rule } => match registry::find(&rule) {
            Some(m) => print(&format!("{} ({}, {})\n{}\n\n{}", m.id, m.severity.name(), m.target.name(), m.summary, m.documentation())),
            None => {
                let close: Vec<&str> = RULES.iter().map(|r| r.meta().id).filter(|id| id.contains(rule.as_str()) || rule.contains(id)).collect();
                eprintln!("error: unknown rule `{rule}`{}", if close.is_empty() { String::new() } else { format!(" (did you mean {}?)", close.join(", ")) });
                eprintln!("       `skillaudit rules` lists every rule");
                ExitCode::from(2)
            }
        },
    }
}

fn print(s: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`skillaudit rules | head`) is not an error worth a panic.
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
    ExitCode::SUCCESS
}

fn run_scan(args: ScanArgs) -> ExitCode {
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let config = match config::for_targets(&args.targets, args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Flags win over the configuration, which wins over the defaults.
    let min_severity = args.min_severity.map(severity).or(config.as_ref().and_then(|c| c.min_severity)).unwrap_or(Severity::Low);
    let threshold = match args.fail_on {
        Some(FailOn::Never) => None,
        Some(FailOn::Critical) => Some(Severity::Critical),
        Some(FailOn::High) => Some(Severity::High),
        Some(FailOn::Medium) => Some(Severity::Medium),
        Some(FailOn::Low) => Some(Severity::Low),
        Some(FailOn::Info) => Some(Severity::Info),
        None => match config.as_ref().and_then(|c| c.fail_on) {
            Some(Threshold::Never) => None,
            Some(Threshold::At(s)) => Some(s),
            None => Some(Severity::High),
        },
    };
    let options = ScanOptions {
        targets: args.targets,
        min_severity,
        max_file_size: args.max_file_size.saturating_mul(1 << 20),
        config,
        no_ignores: args.no_ignores,
        baseline,
        record_baseline: args.write_baseline.is_some(),
    };
    let result = match scan(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => args.output.is_none() && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let rendered = skillaudit_report::render(&result, format, color);
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, rendered) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        None => {
            print(&rendered);
        }
    }
    if let Some(path) = &args.write_baseline {
        let n = result.baseline_entries.len();
        if let Err(e) = baseline::write(path, env!("CARGO_PKG_VERSION"), &result.baseline_entries) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        eprintln!("wrote {n} finding{} to the baseline {}", if n == 1 { "" } else { "s" }, path.display());
        return ExitCode::SUCCESS;
    }
    let failed = threshold.is_some_and(|t| result.findings.iter().any(|f| f.finding.severity >= t));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
