#!/usr/bin/env python3
"""Writes one adversarial KB (issue 17) of a given size into a folder.

    adversarial.py KIND SIZE DIR

KIND is one of:
  conflicts  SIZE claims in one entry, alternating two values of one `single` property
  negations  SIZE claims in one entry, alternating a value and its negation
  ring       an `order` ring over SIZE subjects (SIZE tiny entries, one entry of SIZE claims)
  disputes   about sqrt(SIZE) claims with conflicting values, each disputing every other one
             (SIZE dispute links in all)
  vocabulary a vocabulary of SIZE values, with 100 claims using (and misspelling) them
  nearest    a failing 200-character quote against a source of SIZE bytes
  quotes     SIZE failing 200-character quotes against a 2 MB source
  periodic   a failing quote of SIZE bytes that repeats a short unit ("ha ha ha ...")
  baseline   SIZE baseline entries for SIZE findings, with one stale entry
  suppressions SIZE unused suppression comments in one entry
"""
import math
import os
import subprocess
import sys

kind, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(f"{out}/kb/entries", exist_ok=True)
os.makedirs(f"{out}/kb/sources", exist_ok=True)
os.makedirs(f"{out}/schema", exist_ok=True)

CONFIG = """vocabulary = "schema/vocabulary.yaml"

[collections.entries]
include = ["kb/entries/**/*.md"]

[collections.sources]
include = ["kb/sources/**/*.md"]
sources = true
"""
open(f"{out}/kblint.toml", "w").write(CONFIG)

SOURCE_BODY = "Product owners are more tactical. Product managers are more strategic.\n"


def write(path, text):
    with open(f"{out}/{path}", "w") as f:
        f.write(text)


def source(body=SOURCE_BODY):
    write("kb/sources/guide.md", f"---\nid: guide\n---\n{body}")


CITE = '    cites: [{source: guide, quote: "Product owners are more tactical"}]\n'
vocabulary = (
    "properties:\n"
    "  orientation:\n    kind: single\n    values: [strategic, tactical]\n"
    "  seniority:\n    kind: order\n"
)

if kind in ("conflicts", "negations"):
    source()
    claims = []
    for i in range(size):
        if kind == "conflicts":
            value = "tactical" if i % 2 else "strategic"
            extra = ""
        else:
            value, extra = "tactical", ("    negated: true\n" if i % 2 else "")
        claims.append(
            f"  - id: c{i}\n    text: Claim {i}.\n    property: orientation\n"
            f"    value: {value}\n{extra}{CITE}"
        )
    write("kb/entries/many.md", "---\nid: many\nclaims:\n" + "".join(claims) + "---\n")
elif kind == "ring":
    source()
    for i in range(size):
        write(f"kb/entries/s{i}.md", f"---\nid: s{i}\n---\n")
    claims = [
        f"  - id: c{i}\n    text: Ranked.\n    subject: s{i}\n    property: seniority\n"
        f"    above: s{(i + 1) % size}\n{CITE}"
        for i in range(size)
    ]
    write("kb/entries/ring.md", "---\nid: ring\nclaims:\n" + "".join(claims) + "---\n")
elif kind == "disputes":
    source()
    n = max(2, round(math.sqrt(size)))
    claims = []
    for i in range(n):
        value = "tactical" if i % 2 else "strategic"
        disputes = ", ".join(f"c{j}" for j in range(n) if j != i)
        claims.append(
            f"  - id: c{i}\n    text: Claim {i}.\n    property: orientation\n"
            f"    value: {value}\n    disputes: [{disputes}]\n{CITE}"
        )
    write("kb/entries/many.md", "---\nid: many\nclaims:\n" + "".join(claims) + "---\n")
elif kind == "vocabulary":
    source()
    values = ", ".join(f"value{i}" for i in range(size))
    vocabulary += f"  big:\n    kind: multi\n    values: [{values}]\n"
    claims = [
        f"  - id: c{i}\n    text: Claim {i}.\n    property: big\n"
        f"    value: {'valeu' if i % 2 else 'value'}{i * 7919 % size}\n{CITE}"
        for i in range(100)
    ]
    write("kb/entries/many.md", "---\nid: many\nclaims:\n" + "".join(claims) + "---\n")
elif kind in ("nearest", "quotes"):
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()
    body_size = size if kind == "nearest" else 2_000_000
    parts, n, total = [], 0, 0
    while total < body_size:
        w = words[(n * 7 + n // 13) % len(words)]
        parts.append(w)
        total += len(w) + 1
        n += 1
    source(" ".join(parts) + "\n")
    quote = " ".join(parts[1000:1040])[:200].replace("e", "3")
    count = 1 if kind == "nearest" else size
    claims = [
        f"  - id: c{i}\n    text: Claim {i}.\n"
        f"    cites: [{{source: guide, quote: \"{quote[i % 7:]}\"}}]\n"
        for i in range(count)
    ]
    write("kb/entries/many.md", "---\nid: many\nclaims:\n" + "".join(claims) + "---\n")
elif kind == "periodic":
    source("They laughed: ha ha ha ha. Then they stopped.\n")
    quote = ("ha " * (size // 3)).strip()
    write(
        "kb/entries/many.md",
        f"---\nid: many\nclaims:\n  - id: c1\n    text: Laughter.\n"
        f"    cites: [{{source: guide, quote: \"{quote}\"}}]\n---\n",
    )
elif kind == "baseline":
    source()
    # SIZE entries without a `title` (an error each, baselined), and one stale entry.
    os.makedirs(f"{out}/kb/entries/many", exist_ok=True)
    for i in range(size):
        write(f"kb/entries/many/e{i}.md", f"---\nid: e{i}\nclaims: 7\n---\n")
elif kind == "suppressions":
    source()
    lines = "".join(f"  # kblint-allow schema -- comment {i}\n  k{i}: v{i}\n" for i in range(size))
    write("kb/entries/many.md", f"---\nid: many\nextra:\n{lines}---\n")
else:
    sys.exit(f"unknown kind {kind}")
write("schema/vocabulary.yaml", vocabulary)
if kind == "baseline":
    # The baseline of those findings, written by kblint, with one stale entry added.
    subprocess.run(["kblint", "baseline"], cwd=out, check=True, capture_output=True,
                   env={**os.environ, "PATH": os.environ.get("KBLINT_DIR", "") + ":" + os.environ["PATH"]})
    text = open(f"{out}/kblint-baseline.json").read()
    stale = '    { "rule": "schema", "path": "kb/entries/gone.md", "fingerprint": "00", "message": "" },\n'
    text = text.replace('"findings": [\n', '"findings": [\n' + stale, 1)
    open(f"{out}/kblint-baseline.json", "w").write(text)
