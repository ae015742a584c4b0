//! GitHub Actions workflow commands (`::error file=…,line=…::message`) that annotate the diff
//! of a pull request.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::report::Report;

/// GitHub shows at most this many annotations of each level per step.
pub const SHOWN_PER_LEVEL: usize = 10;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let (line, col, end_line, end_column) = super::region(report, &d.primary);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let path = format!(
            "{}{}",
            report.repo_prefix,
            report.files.get(d.primary.file).path
        );
        let mut message = d.message.clone();
        for r in &d.related {
            let (l, c, _, _) = super::region(report, r);
            message.push_str(&format!(
                "\n{}{}:{l}:{c}: {}",
                report.repo_prefix,
                report.files.get(r.file).path,
                r.message
            ));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        writeln!(
            out,
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_column},title={}::{}",
            property(&path),
            property(&format!("kblint({})", d.rule)),
            data(&message)
        )?;
    }
    Ok(())
}

/// A note for standard error when GitHub will not show every annotation.
pub fn overflow_note(report: &Report) -> Option<String> {
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let notices = report.diagnostics.len() - errors - warnings;
    if errors.max(warnings).max(notices) <= SHOWN_PER_LEVEL {
        return None;
    }
    Some(format!(
        "note: {errors} errors, {warnings} warnings and {notices} notices were printed, but GitHub shows at most {SHOWN_PER_LEVEL} annotations of each level per step; upload `--format sarif` to code scanning to see them all"
    ))
}

/// Escapes a command's message; other control characters than line breaks are written as
/// `\u{..}`, so that they never reach a terminal that shows the log.
pub fn data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::escape::line(&s).into_owned()
}

/// Escapes a command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_as_the_workflow_syntax_requires() {
        assert_eq!(
            super::data("50% done\r\nnext: a, b"),
            "50%25 done%0D%0Anext: a, b"
        );
        assert_eq!(super::property("kb/a:b,c.md"), "kb/a%3Ab%2Cc.md");
    }
}
