use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::Conflict;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Two claims on the same subject, property and value (or ranking) differ only in
    /// `negated`: one says the subject is `internal`, the other that it is not. Works for every
    /// kind of property; `below` is read as the reverse `above`; for a `quantity`, a negated
    /// range contradicts a claim whose range lies inside it ("not 5 to 9" against "7").
    ///
    /// And two claims without `property` on the same subject whose texts are the same once one
    /// negation is taken out of one of them: "The PO owns the backlog." and "The PO does not own
    /// the backlog.". The comparison ignores case, punctuation and white space (curly
    /// apostrophes read as `'`). The negations that count, each taken out once:
    ///
    /// - `not`, `never`, `no`, `no longer`, and `cannot` (read as `can`);
    /// - `isn't`, `aren't`, `wasn't`, `weren't`, `hasn't`, `haven't`, `hadn't`, `can't`,
    ///   `couldn't`, `won't` (read as `will`), `wouldn't`, `shouldn't`, `mustn't`, `mightn't`,
    ///   `needn't`, `shan't`;
    /// - with `do`: `does not own` and `doesn't own` against `owns` (and `does own`), `do not
    ///   write` and `don't write` against `write` (and `do write`), `did not own` and `didn't
    ///   own` against `did own` and the regular past `owned`; adverbs between stay in place
    ///   (`does not always attend` against `always attends`).
    ///
    /// A prefix is not a negation: "unaccountable" never meets "accountable". Neither are
    /// `none`, `nobody`, `nothing`, `neither` or `without`. Any other difference in wording,
    /// however small, keeps two claims apart: this check is built to be right when it fires,
    /// not to find every contradiction in prose.
    ///
    /// Only claims whose times overlap are compared (`valid_from` included, `valid_to` left
    /// out; a claim without them holds at all times), and the message names both periods when
    /// either claim is timed.
    ///
    /// ## Why
    ///
    /// A claim and its negation cannot both hold.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: internal
    ///     text: The role serves internal stakeholders.
    ///     property: stakeholders
    ///     value: internal
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: not-internal
    ///     text: The role does not serve internal stakeholders.
    ///     property: stakeholders
    ///     value: internal
    ///     negated: true
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: internal
    ///     text: The role serves internal stakeholders.
    ///     property: stakeholders
    ///     value: internal
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: not-external
    ///     text: The role does not serve external stakeholders.
    ///     property: stakeholders
    ///     value: external
    ///     negated: true
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// Two claims without property, one the negation of the other:
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: writes-stories
    ///     text: The product owner writes the user stories.
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: no-stories
    ///     text: The product owner doesn't write the user stories.
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: writes-stories
    ///     text: The product owner writes the user stories.
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: no-stories-alone
    ///     text: The product owner doesn't write the user stories alone.
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Correct one claim, give each the time in which it holds (`valid_from`, `valid_to`), or
    /// acknowledge the disagreement with `disputes`.
    id: NegationConflict,
    default: Error,
    summary: "two claims on the same subject, property and value (or rank), holding at overlapping times, differ only in `negated`; or two claims without property differ only by one negation",
    needs: [Contradictions],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().unacknowledged(Conflict::Negation) {
        let subject = support::subject_of(kb, c);
        let message = match c.tally.as_slice() {
            [(_, yes), (_, no)] if c.in_words() => format!(
                "claims about `{subject}` and their negations in words: {yes} claims and {no} negations of them ({} pairs)",
                c.pairs
            ),
            [(_, yes), (_, no)] => format!(
                "a claim and its negation on `{}`: {yes} claims and {no} negations of them ({} pairs)",
                c.property, c.pairs
            ),
            _ if c.in_words() => {
                let texts: Vec<String> = c
                    .claims
                    .iter()
                    .map(|&id| {
                        format!(
                            "\"{}\"",
                            support::shortened(kb.claim(id).text.as_deref().unwrap_or_default())
                        )
                    })
                    .collect();
                format!(
                    "two claims about `{subject}` say the opposite: {}{}",
                    texts.join(" and "),
                    support::periods(kb, c)
                )
            }
            _ => format!(
                "a claim and its negation on `{}`{}",
                c.property,
                support::periods(kb, c)
            ),
        };
        out.extend(support::finding(kb, RULE.id, c, message).map(|d| {
            d.help("correct one of the claims, or acknowledge the disagreement with `disputes`")
        }));
    }
}
