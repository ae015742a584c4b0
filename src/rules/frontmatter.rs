use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every file of a collection starts with frontmatter: a first line `---`, YAML, and a
    /// closing line `---` (or TOML between `+++` lines, or a JSON object from a first line `{`
    /// to a line `}`); blank lines may come before the opening line. It fires for a file that is
    /// empty, has no frontmatter, never closes it, holds YAML, TOML or JSON that does not parse
    /// (at the error's line and column; at the tab when a tab indents YAML), repeats a key in
    /// one mapping, nests deeper than 128 levels, expands aliases past 10,000 nodes, is binary,
    /// is not UTF-8 or is 4 GiB or larger, or whose frontmatter is a list or a scalar instead
    /// of a mapping. A frontmatter with template tags (`{{ }}`, `{% %}`) that does not parse is
    /// said to look like a template; a quoted value left open is named as such, at its opening
    /// quote; a file without frontmatter gets help that names the collection's `exclude`.
    ///
    /// A file whose frontmatter is there but cannot be read (it does not parse, or it is not a
    /// mapping) is still an entry of its collection, and still a source if the collection says
    /// so, with its default id (or the id it sets on a plain `id: value` line of its own) and
    /// its body: references to it resolve, and its syntax error is its one finding. Quotes that
    /// cite it are still checked against its body. What the rest of its frontmatter declares
    /// is unknown until the error is fixed: its aliases do not resolve, a `disputes` naming one
    /// of its claims is not reported, it is not reported as an unused source, and `--fix` does
    /// not add a `sha256` to it.
    ///
    /// ## Why
    ///
    /// An entry whose frontmatter cannot be read has no claims and no citations: nothing else
    /// in it can be checked until it parses.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// aliases: [unclosed, flow
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// aliases: [closed, flow]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Fix the YAML at the position shown; quote values that contain `: ` or start with `[`. A
    /// file that is not an entry (a README) goes in the collection's `exclude`.
    id: Frontmatter,
    default: Error,
    summary: "a file has no frontmatter, an unterminated one, or YAML that does not parse",
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    out.extend(
        kb.parse_findings
            .iter()
            .filter(|d| d.rule == RULE.id)
            .cloned(),
    );
}
