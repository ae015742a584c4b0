//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;

/// What `kblint --version` prints after the name: the version and, when the build knew it, the
/// commit it was built from with that commit's date, as in `0.1.0 (1a2b3c4d5 2026-12-01)`
/// (`build.rs` sets it).
pub const VERSION: &str = env!("KBLINT_VERSION");

#[derive(Debug, Parser)]
#[command(
    name = "kblint",
    version = VERSION,
    about = "A linter for Git-backed knowledge bases: frontmatter schemas, verified citations, contradictory claims"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint the KB (the default command)
    Check(CheckArgs),
    /// List every rule with its default severity and a one-line summary
    Rules,
    /// Explain a rule: what it checks, why, an example that fires it and one that does not
    Explain {
        /// The rule's name, as `kblint rules` lists it
        rule: String,
    },
    /// Write every current error and warning to the baseline file, so that `check` reports
    /// only new ones (`kblint-baseline.json`, or the config's `baseline`)
    Baseline {
        /// The config file (default: the nearest kblint.toml in this folder or above)
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Only remove the entries that match no finding any more; add nothing
        #[arg(long)]
        prune: bool,
    },
    /// List every acknowledged dispute of the KB, with both sides and their quotes
    Disputes(DisputesArgs),
    /// Write a page that maps what the sources agree and disagree on
    Report(ReportArgs),
    /// Write a starter kblint.toml, schemas, vocabulary, one source and one entry
    Init {
        /// Overwrite files that already exist
        #[arg(long)]
        force: bool,
    },
    /// Manage the git pre-commit hook
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Print a shell completion script
    Completions { shell: clap_complete::Shell },
    /// Print the JSON Schema of kblint.toml (for editors)
    ConfigSchema,
    /// Run a language server on standard input and output, for editors (LSP 3.17)
    Lsp,
    /// Add a source from a web page or a file, or check the sources against the live web
    Source {
        #[command(subcommand)]
        action: SourceAction,
    },
    /// Help with the claims themselves
    Claims {
        #[command(subcommand)]
        action: ClaimsAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourceAction {
    /// Snapshot a web page (http/https) or a local HTML, text or Markdown file as a new source
    Add(SourceAddArgs),
    /// Fetch every source with a `url` again and say whether its quotes are still there
    Check(SourceCheckArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// Give up on a page after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = crate::source::fetch::DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,
    /// Refuse a page larger than this many MiB (decompressed)
    #[arg(long, value_name = "MIB", default_value_t = crate::source::fetch::DEFAULT_MAX_SIZE_MIB)]
    pub max_size: u64,
    /// The config file (default: the nearest kblint.toml in this folder or above)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Show no progress on slow downloads
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SourceAddArgs {
    /// The page's address (http or https) or the file's path
    #[arg(value_name = "URL|FILE")]
    pub target: String,
    /// The new source's id (default: derived from its title)
    #[arg(long)]
    pub id: Option<String>,
    /// The collection to add it to, when several have `sources = true`
    #[arg(long, value_name = "NAME")]
    pub collection: Option<String>,
    /// The title (default: the document's own)
    #[arg(long)]
    pub title: Option<String>,
    /// Do not keep the fetched bytes beside the snapshot
    #[arg(long)]
    pub no_raw: bool,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SourceCheckArgs {
    /// Fetch the pages (required: this command is the only one that uses the network)
    #[arg(long)]
    pub online: bool,
    /// The sources to check (default: every source with a `url`)
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OnlineFormat::Human)]
    pub format: OnlineFormat,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OnlineFormat {
    /// a line per source and per quote, then a summary
    #[default]
    Human,
    /// one JSON object: `sources` (each with its `quotes`) and `summary`
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ClaimsAction {
    /// For each claim without `property`, the property and value of the vocabulary that its
    /// text (or its quotes) states, where exactly one is clear, as a diff
    Suggest {
        /// The config file (default: the nearest kblint.toml in this folder or above)
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write the suggestions into the files (all of them or none)
        #[arg(long)]
        write: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Write .git/hooks/pre-commit that runs `kblint check --staged`
    Install {
        /// Replace an existing pre-commit hook
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Args, Default)]
pub struct CommonArgs {
    /// The config file (default: the nearest kblint.toml in this folder or above)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read every file from the git index instead of the working tree
    #[arg(long, conflicts_with = "changed_since")]
    pub staged: bool,
    /// Report only the findings that the changes since REV introduced
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Show no progress bar
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct CheckArgs {
    /// Show only the findings in these files or folders (the whole KB is still read)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Set a rule's severity for this run: `--rule acknowledged-dispute=info`
    #[arg(long = "rule", value_name = "RULE=LEVEL", value_parser = parse_rule_level)]
    pub rules: Vec<(String, crate::config::Level)>,
    /// Apply the fixes that cannot change what a citation proves
    #[arg(long, conflicts_with_all = ["staged", "changed_since"])]
    pub fix: bool,
    /// With --fix or --diff, also apply fixes that change a quote (near misses)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the edits that --fix would make, as a unified diff, and write nothing
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Also list the findings that suppressions and the baseline hide, with their reasons
    #[arg(long)]
    pub show_suppressed: bool,
    /// Print how many findings each rule (and each collection) has, instead of the findings
    #[arg(long)]
    pub statistics: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct DisputesArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = DisputesFormat::Human)]
    pub format: DisputesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DisputesFormat {
    /// the acknowledged disputes, rustc-style, with both sides' quotes
    #[default]
    Human,
    /// every dispute (acknowledged, unacknowledged, stale) as a Graphviz graph
    Dot,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Write the page to FILE (`-` for standard output)
    #[arg(long, value_name = "FILE")]
    pub html: PathBuf,
    /// Link to the KB's files as URL + path + `#L<line>` (a repository browser, e.g.
    /// `https://github.com/OWNER/REPO/blob/main/`), instead of relative paths
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// At most N rows in the agreement matrix: the disputed ones first, then those that two or
    /// more sources back (0: every row)
    #[arg(long, value_name = "N", default_value_t = crate::render::html::MAX_ROWS)]
    pub max_rows: usize,
    /// The config file (default: the nearest kblint.toml in this folder or above)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read every file from the git index instead of the working tree
    #[arg(long)]
    pub staged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

fn parse_rule_level(s: &str) -> Result<(String, crate::config::Level), String> {
    let (name, level) = s
        .split_once('=')
        .ok_or("expected RULE=LEVEL, e.g. `unused-source=off`")?;
    if crate::rules::find(name).is_none() {
        let hint = crate::suggest::did_you_mean(crate::rules::names().into_iter(), name);
        return Err(format!("unknown rule `{name}`{hint} (see `kblint rules`)"));
    }
    let level = match level {
        "error" => crate::config::Level::Error,
        "warn" | "warning" => crate::config::Level::Warn,
        "info" => crate::config::Level::Info,
        "off" => crate::config::Level::Off,
        other => {
            return Err(format!(
                "unknown level `{other}`: expected error, warn, info or off"
            ));
        }
    };
    Ok((name.to_string(), level))
}
