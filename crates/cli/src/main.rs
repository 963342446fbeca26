//! The `skillaudit` command line.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use skillaudit_engine::{fix, scan, ScanOptions, DEFAULT_MAX_FILE_SIZE};
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
    /// Show findings at or above this severity.
    #[arg(long, value_enum, default_value_t = SeverityArg::Low)]
    min_severity: SeverityArg,
    /// Exit with 1 when a shown finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    fail_on: FailOn,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Skip files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_SIZE >> 20)]
    max_file_size: u64,
    /// Apply the safe fixes to the files, then report what remains.
    #[arg(long)]
    fix: bool,
    /// Also apply the unsafe fixes (they may change how the server runs).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print a unified diff of the fixes instead of writing them.
    #[arg(long)]
    diff: bool,
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
    let options = ScanOptions {
        targets: args.targets.clone(),
        min_severity: severity(args.min_severity),
        max_file_size: args.max_file_size.saturating_mul(1 << 20),
    };
    if args.diff || args.fix || args.unsafe_fixes {
        return run_fix(&args, &options);
    }
    let result = match scan(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    report(&args, &result)
}

/// Render the result and exit as the findings say.
fn report(args: &ScanArgs, result: &skillaudit_engine::ScanResult) -> ExitCode {
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => args.output.is_none() && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let rendered = skillaudit_report::render(result, format, color);
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
    let threshold = match args.fail_on {
        FailOn::Never => None,
        FailOn::Critical => Some(Severity::Critical),
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Info => Some(Severity::Info),
    };
    let failed = threshold.is_some_and(|t| result.findings.iter().any(|f| f.finding.severity >= t));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--fix`, `--unsafe-fixes`, `--diff`: apply (or show) the fixes, then
/// report like a plain scan (`--diff`: the patch only, exit 1 if not empty).
fn run_fix(args: &ScanArgs, options: &ScanOptions) -> ExitCode {
    let fix_options = fix::FixOptions { unsafe_fixes: args.unsafe_fixes, write: !args.diff };
    let (result, outcome) = match fix::fix(options, fix_options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (safe, unsafe_left) = fix::fixable(&result);
    let files = outcome.changes.len();
    let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("{n} {one}") } else { format!("{n} {many}") };
    if outcome.rejected > 0 {
        eprintln!("warning: {} not applied: the edited file would not have parsed the same way", plural(outcome.rejected, "fix was", "fixes were"));
    }
    if args.diff {
        let patch = outcome.diff();
        eprintln!("{} would be applied ({} changed)", plural(outcome.applied, "fix", "fixes"), plural(files, "file", "files"));
        if !args.unsafe_fixes && unsafe_left > 0 {
            eprintln!("{} more with --unsafe-fixes", plural(unsafe_left, "fix is", "fixes are"));
        }
        let written = match &args.output {
            Some(path) => std::fs::write(path, &patch).map_err(|e| format!("cannot write {}: {e}", path.display())),
            None => {
                print(&patch);
                Ok(())
            }
        };
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        return if patch.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    eprintln!("fixed {} in {}", plural(outcome.applied, "finding", "findings"), plural(files, "file", "files"));
    let remaining = safe + unsafe_left;
    if remaining > 0 {
        let hint = if unsafe_left > 0 && !args.unsafe_fixes { " (unsafe ones need --unsafe-fixes)" } else { "" };
        eprintln!("{} still fixable{hint}", plural(remaining, "finding is", "findings are"));
    }
    report(args, &result)
}
