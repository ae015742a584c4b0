use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every file of a collection starts with frontmatter: a first line `---`, YAML, and a
    /// closing line `---` (or TOML between `+++` lines, or a JSON object from a first line `{`
    /// to a line `}`); blank lines may come before the opening line. It fires for a file that is empty, has no frontmatter, never closes it,
    /// holds YAML, TOML or JSON that does not parse (at the error's line and column; at the tab
    /// when a tab indents YAML), repeats a key in one mapping, nests deeper than 128 levels,
    /// expands aliases past 10,000 nodes, is binary or is not UTF-8, or whose frontmatter is a
    /// list or a scalar instead of a mapping. A frontmatter with template tags (`{{ }}`,
    /// `{% %}`) that does not parse is said to look like a template; a file without frontmatter
    /// gets help that names the collection's `exclude`.
    ///
    /// ## Why
    ///
    /// An entry whose frontmatter cannot be read has no id, no claims and no citations: nothing
    /// else can be checked, and every reference to it would break.
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
    name: "frontmatter",
    default: Error,
    summary: "a file has no frontmatter, an unterminated one, or YAML that does not parse",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    out.extend(
        kb.parse_findings
            .iter()
            .filter(|d| d.rule == RULE.name)
            .cloned(),
    );
}
