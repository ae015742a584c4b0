//! The `kblint` command: arguments → pipeline → exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use kblint::cli::{
    CheckArgs, ClaimsAction, Cli, ColorChoice, Command, CommonArgs, DisputesArgs, DisputesFormat,
    FetchArgs, HookAction, OnlineFormat, ReportArgs, SourceAction,
};
use kblint::config::Level;
use kblint::render::{self, Format};
use kblint::{CheckOptions, Mode, rules};

/// The exit status: 0 clean (warnings allowed), 1 errors found, 2 kblint could not do its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Clean = 0,
    Findings = 1,
    Usage = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => match misspelt_command(&cli.check.paths) {
            Some(e) => Err(e),
            None => check(cli.check),
        },
        Some(Command::Check(args)) => check(args),
        Some(Command::Rules) => print(&list_rules()),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Disputes(args)) => disputes(args),
        Some(Command::Report(args)) => report(args),
        Some(Command::Baseline { config, prune }) => {
            kblint::write_baseline(config.as_deref(), &cwd(), prune).map(|text| {
                let _ = write_out(&text);
                Exit::Clean
            })
        }
        Some(Command::Init { force }) => kblint::init::run(&cwd(), force).map(|text| {
            let _ = write_out(&text);
            Exit::Clean
        }),
        Some(Command::Hook {
            action: HookAction::Install { force },
        }) => kblint::hook::install(&cwd(), force).map(|text| {
            let _ = write_out(&text);
            Exit::Clean
        }),
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kblint", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
        Some(Command::ConfigSchema) => print(&kblint::config::json_schema()),
        Some(Command::Lsp) => kblint::lsp::run().map(|()| Exit::Clean),
        Some(Command::Source { action }) => source(action),
        Some(Command::Claims {
            action: ClaimsAction::Suggest { config, write },
        }) => claims_suggest(config.as_deref(), write),
    };
    let exit = result.unwrap_or_else(|e| {
        eprint_lines(&format!("error: {e:#}"));
        Exit::Usage
    });
    ExitCode::from(exit as u8)
}

/// `kblint chek`: a first PATH that does not exist, is a bare word and is close to a command's
/// name is a misspelt command, not a path to narrow the report to.
fn misspelt_command(paths: &[std::path::PathBuf]) -> Option<anyhow::Error> {
    let word = paths.first()?.to_str()?;
    if word.contains(['/', '\\', '.']) || std::path::Path::new(word).exists() {
        return None;
    }
    let command = Cli::command();
    let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    let hint = kblint::suggest::did_you_mean(names.iter().copied(), word);
    (!hint.is_empty()).then(|| {
        anyhow::anyhow!(
            "`{word}` is neither a command nor a file or folder{hint} (see `kblint --help`)"
        )
    })
}

/// `kblint claims suggest`: the diff on standard output (none with `--write`), what was found
/// on standard error.
fn claims_suggest(config: Option<&std::path::Path>, write: bool) -> anyhow::Result<Exit> {
    let run = kblint::claims::run(config, &cwd(), write)?;
    if !write {
        write_out(&kblint::claims::diff(&run.outcome.plan))?;
    }
    for line in kblint::claims::summary(&run).lines() {
        eprintln!("{}", kblint::render::escape::line(line));
    }
    Ok(Exit::Clean)
}

fn cwd() -> std::path::PathBuf {
    std::env::current_dir().unwrap_or_else(|_| ".".into())
}

fn options(
    common: &CommonArgs,
    paths: Vec<std::path::PathBuf>,
    rules: Vec<(String, Level)>,
) -> CheckOptions {
    let mode = match (&common.changed_since, common.staged) {
        (Some(rev), _) => Mode::ChangedSince(rev.clone()),
        (None, true) => Mode::Staged,
        (None, false) => Mode::WorkTree,
    };
    CheckOptions {
        config: common.config.clone(),
        cwd: cwd(),
        mode,
        paths,
        rules,
    }
}

fn check(args: CheckArgs) -> anyhow::Result<Exit> {
    let opts = options(&args.common, args.paths.clone(), args.rules.clone());
    let progress = Progress::start(args.common.quiet);
    let mut report = kblint::check_kb(&opts)?;
    if args.unsafe_fixes && !args.fix && !args.diff {
        anyhow::bail!("`--unsafe-fixes` goes with `--fix` or `--diff`");
    }
    if args.diff {
        let plan = kblint::fix::plan(&report, args.unsafe_fixes);
        drop(progress);
        for notice in &report.notices {
            eprint_line(&format!("warning: {notice}"));
        }
        for line in &plan.declined {
            eprint_line(line);
        }
        write_out(&kblint::fix::unified_diff(&plan))?;
        let fixes: usize = plan.files.iter().map(|f| f.applied.len()).sum();
        let digests: usize = plan.files.iter().map(|f| f.digests).sum();
        eprintln!("{}", fixed_summary("would fix", fixes, digests, 0));
        return Ok(if report.has_errors() {
            Exit::Findings
        } else {
            Exit::Clean
        });
    }
    let mut fix_failed = false;
    if args.fix {
        // A failed write changes no file: the report is still printed, and the run exits 2.
        let outcome = kblint::fix::apply(&report, args.unsafe_fixes).unwrap_or_else(|e| {
            eprint_lines(&format!("error: {e:#}"));
            fix_failed = true;
            kblint::fix::Outcome::default()
        });
        for line in &outcome.declined {
            eprint_line(line);
        }
        if !outcome.applied.is_empty() || outcome.digests > 0 {
            // A new lint of the fixed KB: only what now passes counts as fixed.
            report = kblint::check_kb(&opts)?;
            let fixed = outcome.resolved(&report);
            let failed = outcome.applied.len() - fixed;
            eprintln!("{}", fixed_summary("fixed", fixed, outcome.digests, failed));
        }
    }
    drop(progress);
    if matches!(args.format, Format::Github | Format::Sarif) {
        // GitHub resolves these paths from the top of the repository, not from the KB root.
        report.repo_prefix = kblint::tree::git(&report.root, &["rev-parse", "--show-prefix"])
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
            .unwrap_or_default();
    }
    warn(&report.notices);
    report.show_suppressed = args.show_suppressed;
    let color = use_color(args.common.color);
    let mut out = Vec::new();
    if args.statistics {
        render::statistics::render(args.format, &report, &mut out)?;
    } else {
        render::render(args.format, &report, &mut out, color)?;
    }
    write_out_bytes(&out)?;
    if args.format == Format::Github
        && let Some(note) = render::github::overflow_note(&report)
    {
        eprintln!("{note}");
    }
    if opts.mode == Mode::Staged && report.has_errors() {
        for note in unstaged_notes(&report) {
            eprint_line(&note);
        }
    }
    let exit = if fix_failed {
        Exit::Usage
    } else if report.has_errors() {
        Exit::Findings
    } else {
        Exit::Clean
    };
    // The process ends now and the system takes its memory back at once: freeing the KB's
    // files one by one first would only delay the exit.
    std::mem::forget(report);
    Ok(exit)
}

/// "fixed 2 findings, recorded 1 digest (1 fix written but the finding remains)".
fn fixed_summary(verb: &str, fixed: usize, digests: usize, failed: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let recorded = if verb == "fixed" {
        "recorded"
    } else {
        "would record"
    };
    let findings = format!("{verb} {}", plural(fixed, "finding", "findings"));
    let digests_line = format!("{recorded} {}", plural(digests, "digest", "digests"));
    let mut line = match (fixed, digests) {
        (0, d) if d > 0 => digests_line,
        (_, 0) => findings,
        _ => format!("{findings}, {digests_line}"),
    };
    if failed > 0 {
        line.push_str(&format!(
            " ({} written but the finding remains)",
            plural(failed, "fix", "fixes")
        ));
    }
    line
}

/// With `--staged`, the files with findings whose working-tree copy has changes that are not
/// staged: a fix made in the editor but not `git add`ed is why a commit is still rejected.
fn unstaged_notes(report: &kblint::Report) -> Vec<String> {
    let mut paths: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| report.files.get(d.primary.file))
        .filter(|f| {
            // The staged text, as linted, against the working tree's bytes.
            std::fs::read(report.root.join(&f.path)).is_ok_and(|now| now != f.text().as_bytes())
        })
        .map(|f| f.path.as_str())
        .collect();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            format!(
                "note: `{p}` has changes that are not staged; this check read the staged version (if the changes fix it: `git add {p}`)"
            )
        })
        .collect()
}

fn disputes(args: DisputesArgs) -> anyhow::Result<Exit> {
    let common = args.common;
    if args.format == DisputesFormat::Dot {
        let opts = options(&common, Vec::new(), Vec::new());
        let map = kblint::render::html::map(&opts, kblint::render::html::Links::default(), 0)?;
        warn(&map.notices);
        write_out(&kblint::render::dot::render(&map))?;
        return Ok(Exit::Clean);
    }
    let acknowledged = kblint::rule_id::RuleId::AcknowledgedDispute;
    let only = vec![(acknowledged.name().to_string(), Level::Info)];
    let mut opts = options(&common, Vec::new(), only);
    let others: Vec<(String, Level)> = rules::RULES
        .iter()
        .filter(|r| r.id != acknowledged)
        .map(|r| (r.name.to_string(), Level::Off))
        .collect();
    opts.rules.extend(others);
    let report = kblint::check_kb(&opts)?;
    let mut out = Vec::new();
    render::render(Format::Human, &report, &mut out, use_color(common.color))?;
    write_out_bytes(&out)?;
    Ok(Exit::Clean)
}

fn report(args: ReportArgs) -> anyhow::Result<Exit> {
    let common = CommonArgs {
        config: args.config.clone(),
        staged: args.staged,
        ..CommonArgs::default()
    };
    let opts = options(&common, Vec::new(), Vec::new());
    let to_stdout = args.html.as_os_str() == "-";
    let links = match &args.base_url {
        Some(url) => kblint::render::html::base_url_links(url)?,
        None if to_stdout => kblint::render::html::Links::default(),
        None => kblint::render::html::relative_links(&opts, &cwd().join(&args.html))?,
    };
    let map = kblint::render::html::map(&opts, links, args.max_rows)?;
    warn(&map.notices);
    let page = kblint::render::html::render(&map);
    if to_stdout {
        write_out(&page)?;
    } else {
        std::fs::write(&args.html, page)
            .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", args.html.display()))?;
    }
    Ok(Exit::Clean)
}

/// Prints each notice as a warning on standard error.
fn warn(notices: &[String]) {
    for notice in notices {
        eprint_line(&format!("warning: {notice}"));
    }
}

fn source(action: SourceAction) -> anyhow::Result<Exit> {
    match action {
        SourceAction::Add(args) => {
            let options = kblint::source::AddOptions {
                target: args.target,
                id: args.id,
                collection: args.collection,
                title: args.title,
                no_raw: args.no_raw,
                limits: limits(&args.fetch),
                config: args.fetch.config.clone(),
                cwd: cwd(),
            };
            let bar = Download::new(args.fetch.quiet);
            let added = kblint::source::add(&options, &|read, total| bar.show(read, total))?;
            drop(bar);
            let raw = added
                .raw
                .map(|r| format!(" (raw bytes in `{r}`)"))
                .unwrap_or_default();
            eprint_lines(&format!(
                "added source `{}`: `{}`{raw}\n  title: {}",
                added.id, added.path, added.title
            ));
            Ok(Exit::Clean)
        }
        SourceAction::Check(args) => {
            if !args.online {
                anyhow::bail!(
                    "`kblint source check` needs `--online` (it fetches every source again); `kblint check` verifies the quotes against the snapshots, offline"
                );
            }
            let options = kblint::source::online::OnlineOptions {
                ids: args.ids,
                limits: limits(&args.fetch),
                config: args.fetch.config.clone(),
                cwd: cwd(),
            };
            let bar = Download::new(args.fetch.quiet);
            let report =
                kblint::source::online::check(&options, &|read, total| bar.show(read, total))?;
            drop(bar);
            match args.format {
                OnlineFormat::Human => write_out(&kblint::source::online::render_human(&report))?,
                OnlineFormat::Json => {
                    write_out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?
                }
            }
            Ok(if report.failed() {
                Exit::Findings
            } else {
                Exit::Clean
            })
        }
    }
}

fn limits(args: &FetchArgs) -> kblint::source::fetch::Limits {
    kblint::source::fetch::Limits {
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_size.saturating_mul(1024 * 1024),
    }
}

/// A download's progress on standard error, on a terminal, once a download takes over a second.
struct Download(Option<indicatif::ProgressBar>);

impl Download {
    fn new(quiet: bool) -> Download {
        Download((!quiet && io::stderr().is_terminal()).then(indicatif::ProgressBar::hidden))
    }

    fn show(&self, read: u64, total: Option<u64>) {
        let Some(bar) = &self.0 else { return };
        if bar.is_hidden() {
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} downloading {bytes}/{total_bytes} ({bytes_per_sec})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        if let Some(total) = total {
            bar.set_length(total);
        }
        bar.set_position(read);
    }
}

impl Drop for Download {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn list_rules() -> String {
    let width = rules::RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    rules::RULES
        .iter()
        .map(|r| {
            format!(
                "{:width$}  {:5}  {}\n",
                r.name,
                r.default.as_str(),
                r.summary
            )
        })
        .collect()
}

fn explain(name: &str) -> anyhow::Result<Exit> {
    let Some(rule) = rules::find(name) else {
        let names = rules::names();
        let hint = kblint::suggest::did_you_mean(names.iter().copied(), name);
        if !hint.is_empty() {
            anyhow::bail!("unknown rule `{name}`{hint}");
        }
        anyhow::bail!("unknown rule `{name}`; the rules are: {}", names.join(", "));
    };
    print(&format!(
        "# {} (default: {})\n\n{}\n\n{}\n{}",
        rule.name,
        rule.default.as_str(),
        rule.summary,
        rule.documentation(),
        rules::EXAMPLES_NOTE
    ))
}

/// Prints one line on standard error with every control character of it (a file name's ESC,
/// carriage return or line break) written as `\u{..}`, as the findings on standard output are:
/// a KB's file names cannot rewrite the terminal or start a line that CI reads as a command.
fn eprint_line(line: &str) {
    eprintln!("{}", render::escape::line(line));
}

/// Like [`eprint_line`] for a message of several lines: its own line breaks are kept.
fn eprint_lines(text: &str) {
    for line in text.split('\n') {
        eprint_line(line);
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

fn print(text: &str) -> anyhow::Result<Exit> {
    write_out(text)?;
    Ok(Exit::Clean)
}

fn write_out(text: &str) -> io::Result<()> {
    write_out_bytes(text.as_bytes())
}

/// Writes to standard output; a closed pipe (`kblint check | head`) is not an error.
fn write_out_bytes(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A spinner on standard error for runs longer than a second, on a terminal only.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start(quiet: bool) -> Progress {
        if quiet || !io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::hidden();
        bar.set_message("linting the knowledge base");
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Progress(Some(bar))
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
