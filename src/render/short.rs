//! `path:line:column: severity[rule] message`, one line per finding.

use std::io::{self, Write};

use crate::report::Report;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let (line, column, _, _) = super::region(report, &d.primary);
        // One line per finding, whatever the file name or the message holds.
        let path = super::escape::line(&report.files.get(d.primary.file).path);
        writeln!(
            out,
            "{path}:{line}:{column}: {}[{}] {}",
            d.severity.as_str(),
            d.rule,
            super::escape::line(&d.message)
        )?;
    }
    if report.show_suppressed {
        for hidden in &report.suppressed {
            let d = &hidden.diagnostic;
            let (line, column, _, _) = super::region(report, &d.primary);
            let path = &report.files.get(d.primary.file).path;
            writeln!(
                out,
                "{path}:{line}:{column}: {}[{}] {} (suppressed: {})",
                d.severity.as_str(),
                d.rule,
                d.message,
                hidden.reason
            )?;
        }
    }
    Ok(())
}
