//! The map of a KB that the HTML report and the DOT output draw: plain data, built once from the
//! index, the contradiction analysis and the findings, in a deterministic order.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::analysis::Context;
use crate::analysis::contradictions::{Conflict, Contradiction, Contradictions, StaleLink};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::index::{ClaimId, EntryId, Kb};
use crate::model::Claim;

/// With more sources than this speaking on structured claims, the agreement matrix is split
/// into one table per subject, each with only the sources that speak about that subject.
pub const MATRIX_COLUMNS: usize = 12;

/// The default limit on the rows of the agreement matrix (`--max-rows`): a page with more
/// rows is slow to open and too long to read.
pub const MAX_ROWS: usize = 1000;

/// Everything the page shows.
#[derive(Debug, Default)]
pub struct Map {
    pub summary: Summary,
    /// Every source, in path order.
    pub sources: Vec<Source>,
    /// The tables of the agreement matrix.
    pub matrices: Vec<Matrix>,
    /// How many rows the matrix would have without the limit, and how many it leaves out.
    pub rows_total: usize,
    pub rows_omitted: usize,
    /// Contradictions and stale `disputes` links: unacknowledged first, then stale, then
    /// acknowledged; each group by subject and property.
    pub disputes: Vec<Dispute>,
    /// The findings, by file, in the order of the other outputs.
    pub findings: Vec<FileFindings>,
    /// Where links to the KB's files point.
    pub links: Links,
    /// What could not be read to make the map (`cannot list …`), for the command to warn of.
    pub notices: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub entries: usize,
    pub sources: usize,
    pub claims: usize,
    /// Claims with a `property`: the ones that can be checked for contradictions.
    pub structured: usize,
    pub citations: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub acknowledged: usize,
    pub unacknowledged: usize,
    pub stale: usize,
}

impl Summary {
    /// The share of claims that are structured, in whole percent, rounded as every percentage
    /// kblint prints is (a quote's similarity too): to the nearest, but 100 only when every
    /// claim is.
    pub fn coverage(&self) -> usize {
        let rounded = (self.structured * 200 + self.claims)
            .checked_div(2 * self.claims)
            .unwrap_or(0);
        if self.structured < self.claims {
            rounded.min(99)
        } else {
            rounded
        }
    }
}

/// How a link to a file of the KB is written.
#[derive(Debug, Default, Clone)]
pub struct Links {
    /// Put before the path: a relative folder like `../`, or a repository browser's URL.
    pub base: String,
    /// Add `#L<line>` (repository browsers scroll to it; a plain file has no lines to go to).
    pub lines: bool,
}

impl Links {
    pub fn to(&self, path: &str, line: usize) -> String {
        let mut url = self.base.clone();
        url.push_str(&encode_path(path));
        if self.lines {
            url.push_str(&format!("#L{line}"));
        }
        url
    }
}

/// `path` as the path of a URL: every byte but letters, digits, `-._~` and `/` percent-encoded.
pub fn encode_path(path: &str) -> String {
    let mut url = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub path: String,
    pub anchor: String,
    /// How many citations name it.
    pub uses: usize,
}

/// A claim as the page names it.
#[derive(Debug, Clone)]
pub struct ClaimRef {
    /// `entry#claim`.
    pub name: String,
    pub text: String,
    pub path: String,
    pub line: usize,
}

/// One table of the agreement matrix.
#[derive(Debug)]
pub struct Matrix {
    /// Indexes into [`Map::sources`].
    pub columns: Vec<usize>,
    pub subjects: Vec<Subject>,
}

#[derive(Debug)]
pub struct Subject {
    pub id: String,
    pub rows: Vec<Row>,
}

#[derive(Debug)]
pub struct Row {
    pub property: String,
    pub anchor: String,
    /// By source (an index into [`Map::sources`]).
    pub cells: BTreeMap<usize, Vec<Cell>>,
    pub status: RowStatus,
    /// The anchors of the disputes that this row's claims take part in.
    pub disputes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// Some claim of the row contradicts another claim.
    Disputed,
    /// Two or more sources, all for the same value.
    Agree,
    /// Two or more sources, for values that do not contradict (a `multi` property).
    Several,
    /// One source.
    Single,
}

/// What one claim says on one row, backed by one source.
#[derive(Debug)]
pub struct Cell {
    /// `tactical`, `not tactical`, `above cto`.
    pub value: String,
    pub claim: ClaimRef,
    /// The quotes this source gives the claim (a claim may cite one source twice).
    pub quotes: Vec<String>,
    pub disputed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// A contradiction that no `disputes` link acknowledges: an error of the KB.
    Unacknowledged,
    /// A `disputes` link between claims that do not contradict.
    Stale,
    /// A contradiction that a `disputes` link acknowledges.
    Acknowledged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unacknowledged => "unacknowledged contradiction",
            Status::Stale => "stale dispute",
            Status::Acknowledged => "acknowledged dispute",
        }
    }
}

#[derive(Debug)]
pub struct Dispute {
    pub anchor: String,
    pub status: Status,
    /// `conflicting values`, `a claim and its negation`, `a circle of rankings`, or for a stale
    /// link `no contradiction`.
    pub kind: &'static str,
    /// The subject (for a circle, every subject in it, joined by `, `).
    pub subject: String,
    pub property: String,
    pub sides: Vec<Side>,
    pub reasons: Vec<Reason>,
}

/// One position in a dispute: a value, its negation, or one ranking of a circle.
#[derive(Debug)]
pub struct Side {
    pub label: String,
    pub claims: Vec<SideClaim>,
}

#[derive(Debug)]
pub struct SideClaim {
    pub claim: ClaimRef,
    pub cites: Vec<Quote>,
}

#[derive(Debug)]
pub struct Quote {
    /// The source as the citation names it.
    pub source: String,
    /// The source's place in [`Map::sources`], when it names one.
    pub source_index: Option<usize>,
    pub quote: Option<String>,
}

/// The reason a `disputes` link records.
#[derive(Debug)]
pub struct Reason {
    /// The claim that holds the link, `entry#claim`.
    pub by: String,
    pub text: Option<String>,
}

#[derive(Debug)]
pub struct FileFindings {
    pub path: String,
    pub anchor: String,
    pub findings: Vec<Finding>,
}

#[derive(Debug)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub rule: RuleId,
    pub message: String,
}

/// Builds the map of `kb`, with its findings `diagnostics` (sorted as the other outputs sort
/// them). The agreement matrix keeps at most `max_rows` rows (0: no limit): the disputed
/// rows, then the rows that two or more sources back, then the others, in subject order.
pub fn build(cx: Context<'_>, diagnostics: &[Diagnostic], links: Links, max_rows: usize) -> Map {
    let kb = cx.kb;
    // Anchors are made in the order of the page's parts: sources, disputes, rows, files.
    let mut anchors = Anchors::default();
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let contradictions = cx.contradictions();
    let (sources, source_slot) = sources(kb, &cx.citations().uses, &mut anchors);
    let slot_of = |name: &str| kb.source(name).and_then(|e| source_slot.get(&e).copied());
    let (disputes, anchor_of) = disputes(kb, contradictions, &mut anchors, &slot_of);
    let rows = Rows {
        kb,
        slot_of: &slot_of,
        contradicting: contradictions
            .found
            .iter()
            .flat_map(|c| c.claims.iter().copied())
            .collect(),
        in_dispute: in_dispute(kb, contradictions, &anchor_of),
    };
    let (matrices, rows_total, rows_omitted) = rows.matrices(max_rows, &mut anchors);
    let findings = file_findings(kb, diagnostics, &mut anchors);
    let status_count = |s: Status| disputes.iter().filter(|d| d.status == s).count();
    Map {
        summary: Summary {
            files: kb.files.len(),
            entries: kb.entries.len(),
            sources: sources.len(),
            claims: kb.entries.iter().map(|e| e.claims.len()).sum(),
            structured: kb
                .all_claims()
                .filter(|(_, c)| c.property.is_some())
                .count(),
            citations: kb.all_claims().map(|(_, c)| c.cites.len()).sum(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            acknowledged: status_count(Status::Acknowledged),
            unacknowledged: status_count(Status::Unacknowledged),
            stale: status_count(Status::Stale),
        },
        sources,
        matrices,
        rows_total,
        rows_omitted,
        disputes,
        findings,
        links,
        notices: Vec::new(),
    }
}

/// Every source, in path order, and the place of each source entry in that list.
fn sources(
    kb: &Kb,
    uses: &HashMap<EntryId, usize>,
    anchors: &mut Anchors,
) -> (Vec<Source>, HashMap<EntryId, usize>) {
    let source_entries: Vec<EntryId> = kb
        .entry_ids()
        .filter(|&e| kb.entries[e].is_source)
        .collect();
    let source_slot: HashMap<EntryId, usize> = source_entries
        .iter()
        .enumerate()
        .map(|(n, &e)| (e, n))
        .collect();
    let sources: Vec<Source> = source_entries
        .iter()
        .map(|&e| {
            let id = kb.entries[e].id.value.to_string();
            Source {
                anchor: anchors.make("source", &id),
                path: kb.files.get(kb.entries[e].file).path.clone(),
                uses: uses.get(&e).copied().unwrap_or(0),
                id,
            }
        })
        .collect();
    (sources, source_slot)
}

/// The anchors of the disputes that each claim is in (`anchor_of` in the order of
/// [`dispute_claims`]).
fn in_dispute(
    kb: &Kb,
    contradictions: &Contradictions,
    anchor_of: &[String],
) -> HashMap<ClaimId, Vec<String>> {
    let mut in_dispute: HashMap<ClaimId, Vec<String>> = HashMap::new();
    for (found, anchor) in dispute_claims(kb, contradictions)
        .into_iter()
        .zip(anchor_of)
    {
        for c in found {
            in_dispute.entry(c).or_default().push(anchor.clone());
        }
    }
    in_dispute
}

/// The findings, by file, in their order.
fn file_findings(kb: &Kb, diagnostics: &[Diagnostic], anchors: &mut Anchors) -> Vec<FileFindings> {
    let mut findings: Vec<FileFindings> = Vec::new();
    for d in diagnostics {
        let file = kb.files.get(d.primary.file);
        let at = file.position(d.primary.span.start);
        let finding = Finding {
            line: at.line,
            column: at.column,
            severity: d.severity,
            rule: d.rule,
            message: d.message.clone(),
        };
        match findings.last_mut() {
            Some(f) if f.path == file.path => f.findings.push(finding),
            _ => findings.push(FileFindings {
                anchor: anchors.make("file", &file.path),
                path: file.path.clone(),
                findings: vec![finding],
            }),
        }
    }
    findings
}

/// A row of the agreement matrix before its cells: its structured claims, each with the
/// sources it cites (by place in the list of sources), by subject and property.
type RowClaims<'k> = BTreeMap<(&'k str, &'k str), Vec<(ClaimId, Vec<usize>)>>;

/// What the rows of the agreement matrix are made of.
struct Rows<'a> {
    kb: &'a Kb,
    /// A source's place in the list of sources, by name.
    slot_of: &'a dyn Fn(&str) -> Option<usize>,
    /// The claims in a contradiction.
    contradicting: HashSet<ClaimId>,
    /// The anchors of the disputes each claim is in.
    in_dispute: HashMap<ClaimId, Vec<String>>,
}

impl Rows<'_> {
    /// The tables of the agreement matrix, with how many rows there are in all and how many
    /// the limit `max_rows` leaves out. First each row's claims and the sources they cite,
    /// which is all that its status needs; the cells (quotes, names) only for the rows that
    /// are shown.
    fn matrices(&self, max_rows: usize, anchors: &mut Anchors) -> (Vec<Matrix>, usize, usize) {
        let rows = self.row_claims();
        let statuses: Vec<RowStatus> = rows.values().map(|claims| self.status(claims)).collect();
        let rows_total = rows.len();
        let keep = kept(&statuses, max_rows);
        let rows_omitted = keep.iter().filter(|k| !**k).count();
        let mut subjects: Vec<Subject> = Vec::new();
        for (((subject, property), claims), status) in rows
            .into_iter()
            .zip(statuses)
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(row, _)| row)
        {
            let row = self.row(subject, property, claims, status, anchors);
            match subjects.last_mut() {
                Some(s) if s.id == subject => s.rows.push(row),
                _ => subjects.push(Subject {
                    id: subject.to_string(),
                    rows: vec![row],
                }),
            }
        }
        (tables(subjects), rows_total, rows_omitted)
    }

    /// The structured claims that cite a source, by subject and property.
    fn row_claims(&self) -> RowClaims<'_> {
        let kb = self.kb;
        let mut rows: RowClaims<'_> = BTreeMap::new();
        for (id, claim) in kb.all_claims() {
            let (Some(property), Some(subject)) = (&claim.property, kb.subject(id)) else {
                continue;
            };
            let mut slots: Vec<usize> = claim
                .cites
                .iter()
                .filter_map(|c| c.source.as_ref().and_then(|s| (self.slot_of)(&s.value)))
                .collect();
            slots.sort_unstable();
            slots.dedup();
            if slots.is_empty() {
                continue;
            }
            let key = (
                kb.entries[subject].id.value.as_str(),
                property.value.as_str(),
            );
            rows.entry(key).or_default().push((id, slots));
        }
        rows
    }

    /// Whether a row is disputed, backed by one source, or by several that agree or not.
    fn status(&self, claims: &[(ClaimId, Vec<usize>)]) -> RowStatus {
        let sources: BTreeSet<usize> = claims.iter().flat_map(|(_, s)| s.iter().copied()).collect();
        let values: BTreeSet<String> = claims
            .iter()
            .map(|(c, _)| assertion(self.kb.claim(*c)))
            .collect();
        if claims.iter().any(|(c, _)| self.contradicting.contains(c)) {
            RowStatus::Disputed
        } else if sources.len() < 2 {
            RowStatus::Single
        } else if values.len() == 1 {
            RowStatus::Agree
        } else {
            RowStatus::Several
        }
    }

    /// A row that is shown, with its cells: what each source says, with its quotes.
    fn row(
        &self,
        subject: &str,
        property: &str,
        claims: Vec<(ClaimId, Vec<usize>)>,
        status: RowStatus,
        anchors: &mut Anchors,
    ) -> Row {
        let kb = self.kb;
        let mut cells: BTreeMap<usize, Vec<Cell>> = BTreeMap::new();
        let mut disputes: BTreeSet<String> = BTreeSet::new();
        for (id, _) in claims {
            let claim = kb.claim(id);
            disputes.extend(self.in_dispute.get(&id).into_iter().flatten().cloned());
            let mut by_source: BTreeMap<usize, Vec<String>> = BTreeMap::new();
            for cite in &claim.cites {
                if let Some(slot) = cite.source.as_ref().and_then(|s| (self.slot_of)(&s.value)) {
                    let quotes = by_source.entry(slot).or_default();
                    quotes.extend(cite.quote.as_ref().map(|q| q.value.to_string()));
                }
            }
            for (slot, quotes) in by_source {
                cells.entry(slot).or_default().push(Cell {
                    value: assertion(claim),
                    claim: claim_ref(kb, id),
                    quotes,
                    disputed: self.contradicting.contains(&id),
                });
            }
        }
        Row {
            property: property.to_string(),
            anchor: anchors.make("row", &format!("{subject}.{property}")),
            cells,
            status,
            disputes: disputes.into_iter().collect(),
        }
    }
}

/// Which rows the limit `max_rows` keeps: the disputed rows, then the rows that two or more
/// sources back, then the rest. Disputed rows count towards the limit too: a table of
/// thousands of rows takes a browser many seconds to lay out, and every dispute is on the
/// page in any case, in the disputes part.
fn kept(statuses: &[RowStatus], max_rows: usize) -> Vec<bool> {
    let total = statuses.len();
    if max_rows == 0 || total <= max_rows {
        return vec![true; total];
    }
    let rank = |s: RowStatus| match s {
        RowStatus::Disputed => 0u8,
        RowStatus::Agree | RowStatus::Several => 1,
        RowStatus::Single => 2,
    };
    let mut ranked: Vec<(u8, usize)> = statuses
        .iter()
        .enumerate()
        .map(|(n, s)| (rank(*s), n))
        .collect();
    ranked.sort_unstable();
    let mut keep = vec![false; total];
    for (n, (_, row)) in ranked.into_iter().enumerate() {
        keep[row] = n < max_rows;
    }
    keep
}

/// The subjects in one table when their sources fit in [`MATRIX_COLUMNS`] columns, else one
/// table per subject, each with the sources that speak about it.
fn tables(subjects: Vec<Subject>) -> Vec<Matrix> {
    let used: BTreeSet<usize> = subjects
        .iter()
        .flat_map(|s| &s.rows)
        .flat_map(|r| r.cells.keys().copied())
        .collect();
    if used.len() <= MATRIX_COLUMNS {
        if subjects.is_empty() {
            Vec::new()
        } else {
            vec![Matrix {
                columns: used.into_iter().collect(),
                subjects,
            }]
        }
    } else {
        subjects
            .into_iter()
            .map(|s| Matrix {
                columns: s
                    .rows
                    .iter()
                    .flat_map(|r| r.cells.keys().copied())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                subjects: vec![s],
            })
            .collect()
    }
}

/// What a claim asserts, in a few words: `tactical`, `not tactical`, `above cto`.
fn assertion(claim: &Claim) -> String {
    let not = if claim.negated { "not " } else { "" };
    if let Some(v) = &claim.value {
        format!("{not}{}", v.value)
    } else if let Some(t) = claim.above() {
        format!("{not}above {}", t.value)
    } else if let Some(t) = claim.below() {
        format!("{not}below {}", t.value)
    } else if let Some(r) = claim.range() {
        let end = |t: &Option<crate::model::Text>| {
            t.as_ref().map_or("…".to_string(), |t| t.value.to_string())
        };
        format!("{not}{} to {}", end(&r.min), end(&r.max))
    } else if claim.property.is_none()
        && let Some(text) = &claim.text
    {
        text.to_string()
    } else {
        format!("{not}(no value)")
    }
}

fn claim_ref(kb: &Kb, id: ClaimId) -> ClaimRef {
    let entry = &kb.entries[id.entry];
    let claim = kb.claim(id);
    let file = kb.files.get(entry.file);
    ClaimRef {
        name: kb.claim_name(id),
        text: claim.text.as_deref().unwrap_or_default().to_string(),
        path: file.path.clone(),
        line: file.position(claim.id.span().start).line,
    }
}

fn subject_name(kb: &Kb, id: ClaimId) -> String {
    kb.subject(id)
        .map_or_else(|| "?".to_string(), |e| kb.entries[e].id.value.to_string())
}

/// The claims of each dispute that [`disputes`] builds, in the same order before sorting.
fn dispute_claims(kb: &Kb, contradictions: &Contradictions) -> Vec<Vec<ClaimId>> {
    let mut out: Vec<Vec<ClaimId>> = contradictions
        .found
        .iter()
        .map(|c| c.claims.clone())
        .collect();
    out.extend(
        contradictions
            .stale_links(kb)
            .into_iter()
            .map(|s| vec![s.claim, s.target]),
    );
    out
}

/// The dispute cards, sorted, and the anchor of each dispute in the order of
/// [`dispute_claims`].
fn disputes(
    kb: &Kb,
    contradictions: &Contradictions,
    anchors: &mut Anchors,
    slot_of: &dyn Fn(&str) -> Option<usize>,
) -> (Vec<Dispute>, Vec<String>) {
    let side_claim = |id: ClaimId| side_claim(kb, slot_of, id);
    let mut cards: Vec<Dispute> = Vec::new();
    for c in &contradictions.found {
        cards.push(contradiction_card(kb, c, &side_claim));
    }
    for stale in contradictions.stale_links(kb) {
        cards.push(stale_card(kb, &stale, &side_claim));
    }
    sorted_cards(cards, anchors)
}

/// A claim on one side of a dispute, with its citations.
fn side_claim(kb: &Kb, slot_of: &dyn Fn(&str) -> Option<usize>, id: ClaimId) -> SideClaim {
    SideClaim {
        claim: claim_ref(kb, id),
        cites: kb
            .claim(id)
            .cites
            .iter()
            .map(|c| {
                let source = c.source.as_ref().map_or("", |s| s.value.as_str());
                Quote {
                    source: source.to_string(),
                    source_index: slot_of(source),
                    quote: c.quote.as_ref().map(|q| q.value.to_string()),
                }
            })
            .collect(),
    }
}

/// The card of a contradiction: its claims grouped into sides by what they assert, and the
/// reasons of the `disputes` links between them.
fn contradiction_card(
    kb: &Kb,
    c: &Contradiction,
    side_claim: &dyn Fn(ClaimId) -> SideClaim,
) -> Dispute {
    let members: HashSet<ClaimId> = c.claims.iter().copied().collect();
    let mut sides: Vec<Side> = Vec::new();
    for &id in &c.claims {
        let label = match c.conflict {
            Conflict::Cycle => format!("{} {}", subject_name(kb, id), assertion(kb.claim(id))),
            _ => assertion(kb.claim(id)),
        };
        match sides.iter_mut().find(|s| s.label == label) {
            Some(side) => side.claims.push(side_claim(id)),
            None => sides.push(Side {
                label,
                claims: vec![side_claim(id)],
            }),
        }
    }
    let mut reasons = Vec::new();
    for &id in &c.claims {
        for d in &kb.claim(id).disputes {
            if kb
                .claim_ref(id.entry, &d.target.value)
                .is_some_and(|t| t != id && members.contains(&t))
            {
                reasons.push(Reason {
                    by: kb.claim_name(id),
                    text: d.reason.clone(),
                });
            }
        }
    }
    let mut subjects: Vec<String> = c.claims.iter().map(|&id| subject_name(kb, id)).collect();
    if c.conflict == Conflict::Cycle {
        // Every subject of the circle: the claims' own and the ones they rank.
        for &id in &c.claims {
            let claim = kb.claim(id);
            for t in claim.above().into_iter().chain(claim.below()) {
                subjects.push(kb.entry(&t.value).map_or_else(
                    || t.value.to_string(),
                    |e| kb.entries[e].id.value.to_string(),
                ));
            }
        }
    }
    subjects.sort();
    subjects.dedup();
    Dispute {
        anchor: String::new(),
        status: if c.acknowledged {
            Status::Acknowledged
        } else {
            Status::Unacknowledged
        },
        kind: match c.conflict {
            Conflict::Values => "conflicting values",
            Conflict::Negation => "a claim and its negation",
            Conflict::Cycle => "a circle of rankings",
        },
        subject: subjects.join(", "),
        property: c.property.clone(),
        sides,
        reasons,
    }
}

/// The card of a `disputes` link between two claims that do not contradict each other.
fn stale_card(
    kb: &Kb,
    stale: &StaleLink<'_>,
    side_claim: &dyn Fn(ClaimId) -> SideClaim,
) -> Dispute {
    let (a, b, reason) = (stale.claim, stale.target, stale.link.reason.clone());
    let mut sides: Vec<Side> = Vec::new();
    for id in [a, b] {
        sides.push(Side {
            label: format!("{} {}", subject_name(kb, id), assertion(kb.claim(id))),
            claims: vec![side_claim(id)],
        });
    }
    let mut subjects = vec![subject_name(kb, a), subject_name(kb, b)];
    subjects.dedup();
    let property = |id: ClaimId| {
        kb.claim(id)
            .property
            .as_ref()
            .map_or_else(String::new, |p| p.value.to_string())
    };
    let mut properties = vec![property(a), property(b)];
    properties.dedup();
    Dispute {
        anchor: String::new(),
        status: Status::Stale,
        kind: "no contradiction",
        subject: subjects.join(", "),
        property: properties.join(", "),
        sides,
        reasons: vec![Reason {
            by: kb.claim_name(a),
            text: reason,
        }],
    }
}

/// The cards sorted for the reader, with their anchors in the sorted order; and the anchor of
/// each card in its first order.
fn sorted_cards(cards: Vec<Dispute>, anchors: &mut Anchors) -> (Vec<Dispute>, Vec<String>) {
    let mut order: Vec<usize> = (0..cards.len()).collect();
    order.sort_by(|&x, &y| {
        let key = |d: &Dispute| {
            (
                d.status,
                d.subject.clone(),
                d.property.clone(),
                d.sides.first().map(|s| s.label.clone()),
            )
        };
        key(&cards[x]).cmp(&key(&cards[y])).then(x.cmp(&y))
    });
    let mut anchor_of = vec![String::new(); cards.len()];
    for (n, &i) in order.iter().enumerate() {
        anchor_of[i] = anchors.make("dispute", &(n + 1).to_string());
    }
    let mut slots: Vec<Option<Dispute>> = cards.into_iter().map(Some).collect();
    let sorted = order
        .iter()
        .filter_map(|&i| {
            let mut d = slots[i].take()?;
            d.anchor = anchor_of[i].clone();
            Some(d)
        })
        .collect();
    (sorted, anchor_of)
}

/// Element ids made from KB names: white space and `%` replaced, unique within the page.
#[derive(Default)]
struct Anchors {
    used: HashSet<String>,
    /// For each cleaned name already taken, the suffix to try next: names that clean to the
    /// same text take `~2`, `~3`, ... in turn, without trying the taken ones again.
    next: HashMap<String, usize>,
    /// Ids tried in all (a test holds it linear).
    tries: usize,
}

impl Anchors {
    fn make(&mut self, kind: &str, name: &str) -> String {
        let clean: String = name
            .chars()
            .map(|c| {
                if c.is_whitespace() || matches!(c, '%' | '"' | '\'' | '<' | '>' | '&') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let base = format!("{kind}-{clean}");
        self.tries += 1;
        if self.used.insert(base.clone()) {
            self.next.insert(base.clone(), 2);
            return base;
        }
        let next = self.next.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}~{next}");
            *next += 1;
            self.tries += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_unique_and_free_of_white_space() {
        let mut a = Anchors::default();
        assert_eq!(a.make("row", "po.orientation"), "row-po.orientation");
        assert_eq!(a.make("row", "po orientation"), "row-po_orientation");
        assert_eq!(a.make("row", "po\torientation"), "row-po_orientation~2");
        // A name that looks like a made one does not make the next one collide.
        assert_eq!(a.make("row", "po orientation~3"), "row-po_orientation~3");
        assert_eq!(a.make("row", "po%orientation"), "row-po_orientation~4");
    }

    #[test]
    fn coverage_rounds_to_the_nearest_and_is_100_only_when_complete() {
        let cover = |structured, claims| {
            Summary {
                structured,
                claims,
                ..Summary::default()
            }
            .coverage()
        };
        assert_eq!(cover(2, 3), 67);
        assert_eq!(cover(1, 3), 33);
        assert_eq!(cover(1, 8), 13);
        assert_eq!(cover(999, 1000), 99);
        assert_eq!(cover(5, 5), 100);
        assert_eq!(cover(0, 0), 0);
    }

    #[test]
    fn names_that_clean_alike_cost_linear_time() {
        let mut a = Anchors::default();
        let n = 4000;
        let mut ids = HashSet::new();
        for i in 0..n {
            // Every name cleans to `source-__________________`.
            let name: String = (0..18)
                .map(|b| if i >> b & 1 == 1 { '%' } else { '_' })
                .collect();
            assert!(ids.insert(a.make("source", &name)));
        }
        assert!(a.tries <= 2 * n, "{} ids tried for {n} names", a.tries);
    }

    #[test]
    fn links_encode_the_path() {
        let plain = Links {
            base: "../".into(),
            lines: false,
        };
        assert_eq!(plain.to("kb/a b.md", 3), "../kb/a%20b.md");
        let browser = Links {
            base: "https://example.org/blob/main/".into(),
            lines: true,
        };
        assert_eq!(
            browser.to("kb/a.md", 3),
            "https://example.org/blob/main/kb/a.md#L3"
        );
    }
}
