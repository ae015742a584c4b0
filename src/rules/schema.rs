use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// The frontmatter of each entry against its collection's JSON Schema (draft 2020-12 or 7,
    /// with `format` asserted: a `date` that is not a date is a finding). One finding per
    /// violation, at the offending value; for a missing property, at the key of the object that
    /// lacks it (or, for `dependentRequired` and draft 7's `dependencies`, at the key that
    /// requires it); for an unexpected property, at that key; for `not: {required: [key]}`, at
    /// the refused key. A failed `anyOf` or `oneOf` is reported at the deepest failing value of
    /// the branch that came closest (a branch of the value's type before one of another type,
    /// one that takes values of this kind before a `const` or `enum` of other values, then
    /// fewest errors, then deepest), naming it (its `title`, its `$ref` name or its number).
    /// Messages show a long value by its start and its length, never cutting the reason; a key
    /// that is not a plain name is quoted in the path (`redirects["404"]`, `"b.c"`). In
    /// `--format json`, each such finding carries `instance_path` (the JSON Pointer of the
    /// offending value) and `keyword` (the schema keyword it breaks). It also checks
    /// the shape of the keys that kblint itself reads (`id`, `aliases`, `related`, `claims`,
    /// `sha256` of sources, under the names the collection's `keys` gives them): a claim needs
    /// an `id`, `negated` is true or false, and so on.
    ///
    /// ## Why
    ///
    /// The schema is the KB's contract for metadata: dates, owners, statuses. Checked on every
    /// commit, it never drifts from the data.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: 12345
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: An example
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Change the value to what the schema asks for, or change the schema.
    id: Schema,
    default: Error,
    summary: "frontmatter breaks its collection's JSON Schema (one finding per violation)",
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
