//! The `skillaudit` command line.

mod corpus;
mod fetch_args;
mod progress;
mod serve;
mod worker;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use skillaudit_engine::baseline::{self, Baseline};
use skillaudit_engine::config::{self, Threshold};
use skillaudit_engine::{fix, scan_with_progress, Progress, ScanOptions, DEFAULT_MAX_FILE_SIZE};
use skillaudit_report::Format;
use skillaudit_rules::docs;
use skillaudit_rules::registry::{self, RULES};
use skillaudit_rules::Severity;

#[derive(Parser)]
#[command(
    name = "skillaudit",
    version,
    about = "Security audit of the container setup of MCP servers",
    propagate_version = true
)]
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
    /// Audit many repositories (directories, git URLs, or lists of them) and
    /// print which misconfigurations are most common.
    Corpus(corpus::CorpusArgs),
    /// Run the hosted audit web service (pages, JSON API, badges).
    Serve(serve::ServeArgs),
    /// Run audit workers only (no HTTP) on the shared queue of a PostgreSQL store.
    Worker(worker::WorkerArgs),
    /// Print the full documentation of one rule.
    Explain {
        /// A rule id, e.g. missing-user.
        rule: String,
    },
    /// Print the code model of one source file (for debugging the frontends).
    #[command(hide = true)]
    DebugCode {
        /// A .ts/.tsx/.js/.py/.go file.
        file: PathBuf,
    },
    /// Write the rule documentation (docs/rules) from the rules' doc comments.
    #[command(hide = true)]
    GenerateDocs {
        /// Only check that DIR is up to date; exit 1 when it is not.
        #[arg(long)]
        check: bool,
        /// The directory of the pages.
        #[arg(default_value = docs::DOCS_DIR)]
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Directories, files or git URLs to scan.
    #[arg(default_value = ".")]
    targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    /// Show findings at or above this severity [default: low, or the config's `min-severity`].
    #[arg(long, value_enum)]
    min_severity: Option<Severity>,
    /// Exit with 1 when a shown finding is at or above this severity [default: high, or the config's `fail-on`].
    #[arg(long, value_enum)]
    fail_on: Option<Threshold>,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Skip files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_SIZE >> 20, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_file_size: u64,
    /// Print the report only: in text format the findings without the
    /// summary line and skipped-file notices; no progress indicator.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Apply the safe fixes to the files, then report what remains.
    #[arg(long)]
    fix: bool,
    /// Also apply the unsafe fixes (they may change how the server runs).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print a unified diff of the fixes instead of writing them.
    #[arg(long)]
    diff: bool,
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
    /// Show only findings of these contexts (where the container or code
    /// comes from); repeat or separate with commas.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CONTEXT")]
    context: Vec<skillaudit_engine::Purpose>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules => {
            let mut out = String::new();
            for r in RULES {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<30} {:<9} {:<10} {}\n",
                    m.id,
                    m.severity.name(),
                    m.target.name(),
                    m.summary
                ));
            }
            print(&out)
        }
        Command::Explain { rule } => match registry::find(&rule) {
            Some(m) => print(&docs::page(m)),
            None => {
                let close: Vec<String> = registry::did_you_mean(&rule)
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect();
                eprintln!(
                    "error: unknown rule `{rule}`{}",
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", close.join(", "))
                    }
                );
                eprintln!("       `skillaudit rules` lists every rule");
                ExitCode::from(2)
            }
        },
        Command::GenerateDocs { check, dir } => generate_docs(&dir, check),
        Command::Corpus(args) => corpus::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Worker(args) => worker::run(args),
        Command::DebugCode { file } => match skillaudit_engine::code::dump_file(&file) {
            Ok(text) => print(&text),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// `generate-docs`: write the pages, or with `--check` say what is stale.
fn generate_docs(dir: &Path, check: bool) -> ExitCode {
    if check {
        let problems = docs::check(dir);
        if problems.is_empty() {
            eprintln!("{} is up to date", dir.display());
            return ExitCode::SUCCESS;
        }
        for p in &problems {
            eprintln!("{}: {p}", dir.display());
        }
        eprintln!(
            "run `skillaudit generate-docs {}` to regenerate",
            dir.display()
        );
        return ExitCode::from(1);
    }
    match docs::write(dir) {
        Ok(written) if written.is_empty() => {
            eprintln!("{} is up to date", dir.display());
            ExitCode::SUCCESS
        }
        Ok(written) => {
            for w in &written {
                eprintln!("wrote {}", dir.join(w).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the rule documentation into {}: {e}",
                dir.display()
            );
            ExitCode::from(2)
        }
    }
}

/// A report destination that cannot work, found before scanning.
fn check_output(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!(
            "--output {} is a directory; give the path of a file to write the report to",
            path.display()
        ));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(format!(
            "cannot write the report to {}: directory {} does not exist",
            path.display(),
            parent.display()
        ));
    }
    Ok(())
}

fn print(s: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`skillaudit rules | head`) is not an error worth a panic.
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
    ExitCode::SUCCESS
}

fn run_scan(args: ScanArgs) -> ExitCode {
    if let Some(Err(e)) = args.output.as_deref().map(check_output) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
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
    let min_severity = args
        .min_severity
        .or(config.as_ref().and_then(|c| c.min_severity))
        .unwrap_or(Severity::Low);
    let threshold = match args.fail_on.or(config.as_ref().and_then(|c| c.fail_on)) {
        Some(t) => t.severity(),
        None => Some(Severity::High),
    };
    let options = ScanOptions {
        targets: args.targets.clone(),
        min_severity,
        max_file_size: args.max_file_size.saturating_mul(1 << 20),
        config,
        no_ignores: args.no_ignores,
        baseline,
        record_baseline: args.write_baseline.is_some(),
        contexts: args.context.clone(),
        ..ScanOptions::default()
    };
    if args.diff || args.fix || args.unsafe_fixes {
        return run_fix(&args, &options, threshold);
    }
    let counters = Arc::new(Progress::new());
    let indicator = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        progress::Indicator::start(Arc::clone(&counters), std::io::stderr(), progress::delay())
    });
    let scanned = scan_with_progress(&options, &counters);
    if let Some(i) = indicator {
        i.finish();
    }
    let result = match scanned {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let code = report(&args, &result, threshold);
    // The process ends here: freeing the result (every lowered file's IR,
    // every parsed model) one allocation at a time took about 2 % of a
    // source scan, and the operating system reclaims it all at once.
    std::mem::forget(result);
    code
}

/// Render the result and exit as the findings say.
fn report(
    args: &ScanArgs,
    result: &skillaudit_engine::ScanResult,
    threshold: Option<Severity>,
) -> ExitCode {
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal()
        }
    };
    let rendered = match args.format {
        // --quiet: the findings alone, as ruff prints its diagnostics alone.
        Format::Text if args.quiet => skillaudit_report::text::render_findings(result, color),
        _ => skillaudit_report::render(result, args.format, color),
    };
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
        eprintln!(
            "wrote {n} finding{} to the baseline {}",
            if n == 1 { "" } else { "s" },
            path.display()
        );
        return ExitCode::SUCCESS;
    }
    let failed = threshold.is_some_and(|t| result.findings.iter().any(|f| f.finding.severity >= t));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--fix`, `--unsafe-fixes`, `--diff`: apply (or show) the fixes, then
/// report like a plain scan (`--diff`: the patch only, exit 1 if not empty).
/// `n` with its noun: "1 fix", "2 fixes".
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `fix --diff`: the fixes as a patch, on stdout or in `--output`; exit
/// code 1 when there is something to apply.
fn write_diff(args: &ScanArgs, outcome: &fix::FixOutcome, unsafe_left: usize) -> ExitCode {
    let patch = outcome.diff();
    if !args.quiet {
        eprintln!(
            "{} would be applied ({} changed)",
            plural(outcome.applied, "fix", "fixes"),
            plural(outcome.changes.len(), "file", "files")
        );
        if !args.unsafe_fixes && unsafe_left > 0 {
            eprintln!(
                "{} more with --unsafe-fixes",
                plural(unsafe_left, "fix is", "fixes are")
            );
        }
    }
    let written = match &args.output {
        Some(path) => std::fs::write(path, &patch)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            print(&patch);
            Ok(())
        }
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    if patch.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_fix(args: &ScanArgs, options: &ScanOptions, threshold: Option<Severity>) -> ExitCode {
    let fix_options = fix::FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        write: !args.diff,
    };
    let (result, outcome) = match fix::fix(options, fix_options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (safe, unsafe_left) = fix::fixable(&result);
    let files = outcome.changes.len();
    if outcome.rejected > 0 {
        eprintln!(
            "warning: {} not applied: the edited file would not have parsed the same way",
            plural(outcome.rejected, "fix was", "fixes were")
        );
    }
    if args.diff {
        return write_diff(args, &outcome, unsafe_left);
    }
    if !args.quiet {
        eprintln!(
            "fixed {} in {}",
            plural(outcome.applied, "finding", "findings"),
            plural(files, "file", "files")
        );
    }
    let remaining = safe + unsafe_left;
    if remaining > 0 && !args.quiet {
        let hint = if unsafe_left > 0 && !args.unsafe_fixes {
            " (unsafe ones need --unsafe-fixes)"
        } else {
            ""
        };
        eprintln!(
            "{} still fixable{hint}",
            plural(remaining, "finding is", "findings are")
        );
    }
    report(args, &result, threshold)
}
