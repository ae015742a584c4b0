//! The small diagram of one dispute, laid out here: the sources on the left, the positions they
//! back on the right, an arrow from each source to each position it backs, and a bracket that
//! joins the positions that contradict. Two layers, so no crossing-minimisation is needed beyond
//! keeping both columns in name order.
//!
//! Text is measured without a font: every character is given a width at least as wide as the
//! common sans-serif fonts draw it, so a label never overflows its box (the browser test checks
//! this with `getBBox()`).

use std::collections::BTreeSet;

use super::escape::escape;
use super::model::{Dispute, Status};

const FONT: f64 = 13.0;
const PAD_X: f64 = 10.0;
const BOX_H: f64 = 28.0;
const GAP_Y: f64 = 12.0;
const GAP_X: f64 = 64.0;
const MARGIN: f64 = 8.0;
/// Longer labels are cut, with an ellipsis; the whole label is in the node's `<title>`.
const MAX_LABEL: usize = 40;

/// The diagram of `d`, as an `<svg>` element whose accessible name is its `<title>`; `id` is
/// unique in the page and names its title and arrow head.
pub fn diagram(d: &Dispute, id: &str) -> String {
    let sources = sources(d);
    let edges = edges(d, &sources);
    let side_labels: Vec<&str> = d.sides.iter().map(|s| s.label.as_str()).collect();
    let layout = Layout::new(d, &sources, &side_labels);
    let title = title(d, &sources, &edges);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\">\
         <title id=\"{id}-title\">{title}</title>\
         <defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" \
         fill=\"#4d4d4d\"/></marker></defs>",
        w = num(layout.width),
        h = num(layout.height),
        title = escape(&title),
    );
    for &(s, n) in &edges {
        svg.push_str(&layout.edge(s, n, id));
    }
    for (n, label) in sources.iter().enumerate() {
        svg.push_str(&node(
            "source",
            label,
            MARGIN,
            layout.center(n, sources.len()) - BOX_H / 2.0,
            layout.left_w,
        ));
    }
    for (n, label) in side_labels.iter().enumerate() {
        svg.push_str(&node(
            "side",
            label,
            layout.x_right,
            layout.center(n, side_labels.len()) - BOX_H / 2.0,
            layout.right_w,
        ));
    }
    if layout.contradict {
        svg.push_str(&layout.bracket(d.status));
    }
    svg.push_str("</svg>");
    svg
}

/// The sources that the claims of `d` cite, each beside the first position it backs, so that
/// few arrows cross.
fn sources(d: &Dispute) -> Vec<&str> {
    let mut sources: Vec<(usize, &str)> = d
        .sides
        .iter()
        .enumerate()
        .flat_map(|(n, s)| s.claims.iter().map(move |c| (n, c)))
        .flat_map(|(n, c)| c.cites.iter().map(move |q| (n, q.source.as_str())))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    sources.sort();
    let mut seen = BTreeSet::new();
    sources
        .into_iter()
        .filter(|(_, s)| seen.insert(*s))
        .map(|(_, s)| s)
        .collect()
}

/// The arrows: (source, side) for each side that a source backs.
fn edges(d: &Dispute, sources: &[&str]) -> BTreeSet<(usize, usize)> {
    d.sides
        .iter()
        .enumerate()
        .flat_map(|(n, side)| {
            side.claims
                .iter()
                .flat_map(|c| &c.cites)
                .filter_map(|q| sources.iter().position(|s| *s == q.source))
                .map(move |s| (s, n))
        })
        .collect()
}

/// The diagram in words, for its `<title>`: which sources back which side.
fn title(d: &Dispute, sources: &[&str], edges: &BTreeSet<(usize, usize)>) -> String {
    format!(
        "Diagram: {}",
        d.sides
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let backers: Vec<&str> = edges
                    .iter()
                    .filter(|(_, side)| *side == n)
                    .map(|(src, _)| sources[*src])
                    .collect();
                if backers.is_empty() {
                    format!("{} (no source)", s.label)
                } else {
                    format!("{} backs {}", backers.join(" and "), s.label)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// Where the parts of a diagram go: two columns of boxes, centred on each other, and the
/// bracket to the right of the sides.
struct Layout {
    height: f64,
    width: f64,
    /// The widths of the boxes of the sources and of the sides.
    left_w: f64,
    right_w: f64,
    /// Where the column of sides starts.
    x_right: f64,
    /// Where the bracket stands, and its label.
    x_bracket: f64,
    bracket_label: &'static str,
    /// The sides contradict: a bracket joins them.
    contradict: bool,
    /// How many boxes each column has.
    sources: usize,
    sides: usize,
}

impl Layout {
    fn new(d: &Dispute, sources: &[&str], side_labels: &[&str]) -> Layout {
        let height =
            column_height(sources.len()).max(column_height(side_labels.len())) + 2.0 * MARGIN;
        let box_width = |labels: &[&str]| {
            labels
                .iter()
                .map(|l| text_width(&shorten(l)))
                .fold(0.0, f64::max)
                + 2.0 * PAD_X
        };
        let left_w = box_width(sources);
        let right_w = box_width(side_labels);
        let x_right = if sources.is_empty() {
            MARGIN
        } else {
            MARGIN + left_w + GAP_X
        };
        let contradict = d.sides.len() > 1;
        let bracket_label = match d.status {
            Status::Stale => "no contradiction",
            _ => "\u{2260} contradict",
        };
        let x_bracket = x_right + right_w + 12.0;
        let width = if contradict {
            x_bracket + 10.0 + text_width(bracket_label) + MARGIN
        } else {
            x_right + right_w + MARGIN
        };
        Layout {
            height,
            width,
            left_w,
            right_w,
            x_right,
            x_bracket,
            bracket_label,
            contradict,
            sources: sources.len(),
            sides: side_labels.len(),
        }
    }

    /// Where a column of `count` boxes starts, centred in the diagram.
    fn top(&self, count: usize) -> f64 {
        MARGIN + (self.height - 2.0 * MARGIN - column_height(count)) / 2.0
    }

    /// The middle of box `n` of a column of `count`.
    fn center(&self, n: usize, count: usize) -> f64 {
        self.top(count) + n as f64 * (BOX_H + GAP_Y) + BOX_H / 2.0
    }

    /// The arrow from source `s` to side `n`.
    fn edge(&self, s: usize, n: usize, id: &str) -> String {
        let (x1, y1) = (MARGIN + self.left_w, self.center(s, self.sources));
        let (x2, y2) = (self.x_right, self.center(n, self.sides));
        let mid = (x1 + x2) / 2.0;
        format!(
            "<path class=\"edge\" d=\"M{},{}C{},{} {},{} {},{}\" fill=\"none\" stroke=\"#4d4d4d\" \
             stroke-width=\"1.5\" marker-end=\"url(#{id}-arrow)\"/>",
            num(x1),
            num(y1),
            num(mid),
            num(y1),
            num(mid),
            num(y2),
            num(x2 - 1.0),
            num(y2)
        )
    }

    /// The bracket that joins the sides, with its label: red for a contradiction, dashed grey
    /// for a stale link.
    fn bracket(&self, status: Status) -> String {
        let sides = self.sides;
        let (y1, y2) = (self.center(0, sides), self.center(sides - 1, sides));
        let (stroke, dash) = match status {
            Status::Stale => ("#4d4d4d", " stroke-dasharray=\"4 3\""),
            _ => ("#a4001d", ""),
        };
        let mut path = format!("M{},{}V{}", num(self.x_bracket), num(y1), num(y2));
        for n in 0..sides {
            let y = num(self.center(n, sides));
            path.push_str(&format!(
                "M{},{y}H{}",
                num(self.x_right + self.right_w),
                num(self.x_bracket)
            ));
        }
        format!(
            "<path class=\"conflict\" d=\"{path}\" fill=\"none\" stroke=\"{stroke}\" \
             stroke-width=\"2\"{dash}/><text class=\"conflict-label\" x=\"{}\" y=\"{}\" \
             dominant-baseline=\"central\" font-size=\"{FONT}\" fill=\"{stroke}\">{}</text>",
            num(self.x_bracket + 6.0),
            num((y1 + y2) / 2.0),
            escape(self.bracket_label)
        )
    }
}

/// The height of a column of `n` boxes.
fn column_height(n: usize) -> f64 {
    n as f64 * BOX_H + n.saturating_sub(1) as f64 * GAP_Y
}

/// One box with its label.
fn node(class: &str, label: &str, x: f64, y: f64, width: f64) -> String {
    let (fill, stroke) = match class {
        "source" => ("#f3f3f3", "#4d4d4d"),
        _ => ("#e6eefb", "#1d4f91"),
    };
    format!(
        "<g class=\"node {class}\"><title>{full}</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" \
         height=\"{BOX_H}\" rx=\"4\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{tx}\" \
         y=\"{ty}\" dominant-baseline=\"central\" font-size=\"{FONT}\" fill=\"#111111\">{text}</text></g>",
        full = escape(label),
        x = num(x),
        y = num(y),
        w = num(width),
        tx = num(x + PAD_X),
        ty = num(y + BOX_H / 2.0),
        text = escape(&shorten(label)),
    )
}

/// `label`, cut to [`MAX_LABEL`] characters.
fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL - 1).collect();
        s.push('\u{2026}');
        s
    }
}

/// The width of `text` at [`FONT`] pixels, at least as wide as the usual sans-serif fonts
/// (DejaVu Sans, Liberation Sans, Arial, Helvetica, Verdana) draw it.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'm' | 'w' | 'M' | 'W' | '@' | '%' | '&' | '#' => 1.05,
            'a'..='z' => 0.66,
            'A'..='Z' => 0.82,
            '0'..='9' => 0.68,
            ' ' => 0.36,
            c if c.is_ascii() => 0.68,
            // Han, Kana, Hangul and the wide symbols: a full em and a little more.
            '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' => 1.1,
            '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' => 1.1,
            '\u{1F000}'..='\u{1FAFF}' | '\u{20000}'..='\u{3FFFD}' => 1.25,
            _ => 0.9,
        })
        .sum::<f64>()
        * FONT
}

/// A coordinate with at most one decimal, the same on every platform.
fn num(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(0.04), "0");
    }

    #[test]
    fn wide_letters_and_ideographs_are_measured_wider() {
        assert!(text_width("mmmm") > text_width("iiii"));
        assert!(text_width("製品") > text_width("ab"));
    }

    #[test]
    fn long_labels_are_cut() {
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), MAX_LABEL);
        assert!(shorten(&long).ends_with('\u{2026}'));
    }
}
