//! `kblint disputes --format dot`: every dispute of the map as a Graphviz cluster, the sources
//! pointing at the positions they back, and the positions that contradict joined by a red
//! `contradicts` edge (a dashed grey one for a stale `disputes` link).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::html::model::{Map, Status};

pub fn render(map: &Map) -> String {
    let mut out = String::from(
        "digraph disputes {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n",
    );
    for (n, d) in map.disputes.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{n} {{");
        let _ = writeln!(
            out,
            "    label={};",
            quote(&format!(
                "{} · {} ({})",
                d.subject,
                d.property,
                d.status.as_str()
            ))
        );
        if d.status == Status::Unacknowledged {
            out.push_str("    color=\"#a4001d\"; penwidth=2;\n");
        }
        let sources: BTreeSet<&str> = d
            .sides
            .iter()
            .flat_map(|s| &s.claims)
            .flat_map(|c| &c.cites)
            .map(|q| q.source.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        let sources: Vec<&str> = sources.into_iter().collect();
        for (k, s) in sources.iter().enumerate() {
            let _ = writeln!(
                out,
                "    d{n}_src{k} [label={}, fillcolor=\"#f3f3f3\"];",
                quote(s)
            );
        }
        for (k, side) in d.sides.iter().enumerate() {
            let claims: Vec<&str> = side.claims.iter().map(|c| c.claim.name.as_str()).collect();
            let _ = writeln!(
                out,
                "    d{n}_side{k} [label={}, fillcolor=\"#e6eefb\", tooltip={}];",
                quote(&side.label),
                quote(&claims.join(", "))
            );
        }
        let mut edges = BTreeSet::new();
        for (k, side) in d.sides.iter().enumerate() {
            for q in side.claims.iter().flat_map(|c| &c.cites) {
                if let Some(s) = sources.iter().position(|s| *s == q.source) {
                    edges.insert((s, k));
                }
            }
        }
        for (s, k) in edges {
            let _ = writeln!(out, "    d{n}_src{s} -> d{n}_side{k} [label=\"backs\"];");
        }
        let style = match d.status {
            Status::Stale => "style=dashed, color=\"#4d4d4d\", label=\"no contradiction\"",
            _ => "color=\"#a4001d\", penwidth=2, label=\"contradicts\"",
        };
        for k in 1..d.sides.len() {
            let _ = writeln!(
                out,
                "    d{n}_side{} -> d{n}_side{k} [dir=none, constraint=false, {style}];",
                k - 1
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

/// A DOT string literal: quotes and backslashes escaped, line breaks kept as `\n`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_are_escaped() {
        assert_eq!(
            super::quote("a \"b\" \\ c\nd"),
            "\"a \\\"b\\\" \\\\ c\\nd\""
        );
    }
}
