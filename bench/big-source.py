#!/usr/bin/env python3
"""A KB where one large source is cited by many quotes that are not in it, for timing the
language server on a source edit (every citing quote is checked again, and its nearest passage
searched again):

    bench/big-source.py OUT [--bytes 3000000] [--quotes 40]
    scripts/bench-lsp.py --source OUT kb/sources/big.md

Deterministic: the same arguments always write the same files. Standard library only.
"""
import argparse
import hashlib
import os
import random

WORDS = (
    "vision backlog roadmap customer value team market strategy owner manager delivery "
    "outcome quarter budget research feedback priority stakeholder release scope goal "
    "metric insight risk plan"
).split()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--bytes", type=int, default=3_000_000, help="size of the source's body")
    ap.add_argument("--quotes", type=int, default=40, help="entries citing it with a misquote")
    args = ap.parse_args()
    rng = random.Random(3)
    lines, size = [], 0
    while size < args.bytes:
        line = " ".join(rng.choice(WORDS) for _ in range(14)) + ".\n"
        lines.append(line)
        size += len(line)
    body = "".join(lines)
    digest = hashlib.sha256(body.encode()).hexdigest()
    os.makedirs(os.path.join(args.out, "kb/sources"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "kb/entries"), exist_ok=True)

    def write(path, text):
        with open(os.path.join(args.out, path), "w", encoding="utf-8") as f:
            f.write(text)

    write(
        "kb/sources/big.md",
        f"---\nid: src-big\ntitle: \"Big\"\nurl: https://example.org/big\n"
        f"retrieved: 2026-11-01\nsha256: {digest}\n---\n{body}",
    )
    for e in range(args.quotes):
        words = rng.choice(lines).strip().rstrip(".").split()
        words[3] = f"zzz{e}"  # one word the source does not have
        quote = " ".join(words[:10])
        write(
            f"kb/entries/e{e}.md",
            f"---\nid: e-{e}\ntitle: \"E{e}\"\nclaims:\n  - id: c1\n    text: \"t\"\n"
            f"    cites:\n      - source: src-big\n        quote: \"{quote}\"\n---\nbody\n",
        )
    write(
        "kblint.toml",
        '[collections.entries]\ninclude = ["kb/entries/**/*.md"]\n\n'
        '[collections.sources]\ninclude = ["kb/sources/**/*.md"]\nsources = true\n',
    )


if __name__ == "__main__":
    main()
