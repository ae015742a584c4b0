#!/usr/bin/env python3
"""How much of an article survives `kblint source add`, measured on the article extraction
benchmark (181 real pages, their article text marked by people).

For each page: `kblint source add` of the local HTML file into a scratch KB; then an entry that
quotes 5 sentences of the marked article text from that snapshot; one `kblint check` over the
whole KB counts the quotes it finds (quote recall). The snapshots' text is also scored with the
benchmark's own measure (4-word shingles against the marked text, as its evaluate.py computes
precision, recall and F1), to compare with the extractors' published scores.

    python3 bench/extraction.py [--kblint target/release/kblint] [--pages N] [--json OUT]

The benchmark's folder is found at ../shared/article-extraction-benchmark from the repository
(or given with --benchmark). Nothing is fetched from the network.
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
QUOTES_PER_PAGE = 5


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kblint", default=str(HERE / "target" / "debug" / "kblint"))
    parser.add_argument(
        "--benchmark",
        default=str(HERE.parent / "shared" / "article-extraction-benchmark"),
    )
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--json", help="write per-page results here")
    parser.add_argument("--misses", action="store_true", help="print every quote not found")
    parser.add_argument("--keep", help="make the scratch KB here and keep it")
    parser.add_argument("--jobs", type=int, default=2, help="pages added at once")
    args = parser.parse_args()

    bench = Path(args.benchmark)
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)
    if args.pages:
        keys = keys[: args.pages]
    kblint = os.path.abspath(args.kblint)

    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(args.keep or tmp)
        kb.mkdir(parents=True, exist_ok=True)
        (kb / "kblint.toml").write_text(
            '[collections.sources]\ninclude = ["sources/*.md"]\nsources = true\n\n'
            '[collections.notes]\ninclude = ["notes/*.md"]\n\n'
            '[rules]\nunused-source = "off"\n',
            encoding="utf-8",
        )
        shutil.rmtree(kb / "work", ignore_errors=True)
        for folder in ("pages", "notes", "sources"):
            (kb / folder).mkdir(exist_ok=True)
            for old in (kb / folder).iterdir():
                old.unlink()
        # Each page is added to a KB of its own (so that no run lints the snapshots before
        # it), then moved into the one KB that `kblint check` reads.
        def add(key):
            work = kb / "work" / key[:16]
            (work / "sources").mkdir(parents=True, exist_ok=True)
            (work / "kblint.toml").write_text(
                '[collections.sources]\ninclude = ["sources/*.md"]\nsources = true\n',
                encoding="utf-8",
            )
            page = kb / "pages" / f"{key[:16]}.html"
            page.write_bytes(gzip.decompress((bench / "html" / f"{key}.html.gz").read_bytes()))
            sid = f"p-{key[:16]}"
            run = subprocess.run(
                [kblint, "source", "add", str(page), "--id", sid, "--no-raw", "--quiet"],
                cwd=work,
                capture_output=True,
                text=True,
            )
            snapshot = work / "sources" / f"{sid}.md"
            body = ""
            if run.returncode == 0 and snapshot.exists():
                text = snapshot.read_text(encoding="utf-8")
                body = text.split("\n---\n", 1)[1] if "\n---\n" in text else ""
                snapshot.rename(kb / "sources" / f"{sid}.md")
            else:
                print(f"{key[:16]}: source add failed: {run.stderr.strip()}", file=sys.stderr)
            shutil.rmtree(work)
            quotes = pick_sentences(truth[key]["articleBody"])
            if run.returncode == 0:
                write_entry(kb / "notes" / f"{key[:16]}.md", sid, quotes)
            return key, {"id": sid, "added": run.returncode == 0, "quotes": quotes, "body": body}

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = dict(pool.map(add, keys))
        check = subprocess.run(
            [kblint, "check", "--format", "json", "--quiet"],
            cwd=kb,
            capture_output=True,
            text=True,
        )
        report = json.loads(check.stdout)
        missed = Counter()
        missed_lines = {}
        for d in report["diagnostics"]:
            if d["rule"] in ("quote-not-found", "misattributed-quote"):
                missed[d["path"]] += 1
                missed_lines.setdefault(d["path"], []).append(d["line"])
            elif d["severity"] == "error":
                print(f"unexpected finding: {d['rule']} {d['path']}: {d['message']}",
                      file=sys.stderr)

        total = found = 0
        scores = []
        per_page = []
        for key in keys:
            r = results[key]
            n = len(r["quotes"])
            miss = missed[f"notes/{key[:16]}.md"] if r["added"] else n
            total += n
            found += n - miss
            scores.append(shingle_scores(truth[key]["articleBody"], r["body"]))
            per_page.append({"page": key, "quotes": n, "found": n - miss,
                             "precision_recall": scores[-1]})
            if args.misses and miss:
                for q in r["quotes"]:
                    if not quote_in(q, r["body"]):
                        print(f"miss {key[:16]}: {q[:100]}")
        precision, recall, f1 = metrics(scores)
        print(f"pages: {len(keys)}  added: {sum(r['added'] for r in results.values())}")
        print(f"quotes found: {found}/{total} = {100 * found / max(total, 1):.2f}%")
        print(f"pages with every quote found: "
              f"{sum(p['found'] == p['quotes'] for p in per_page)}/{len(per_page)}")
        print(f"shingle precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
        if args.json:
            Path(args.json).write_text(json.dumps(per_page, indent=1), encoding="utf-8")


def pick_sentences(article):
    """Five sentences spread over the marked article text: deterministic, each at least six
    words, so that a quote is a real sentence and not a caption or a stray word."""
    sentences = []
    for line in article.splitlines():
        for s in re.split(r"(?<=[.!?…])\s+(?=[\"“‘(\[A-Z0-9])", line.strip()):
            s = s.strip()
            if len(s.split()) >= 6 and len(s) <= 600:
                sentences.append(s)
    if len(sentences) <= QUOTES_PER_PAGE:
        return sentences
    step = len(sentences) / QUOTES_PER_PAGE
    return [sentences[int(i * step + step / 2)] for i in range(QUOTES_PER_PAGE)]


def write_entry(path, sid, quotes):
    lines = ["---", "claims:"]
    for n, q in enumerate(quotes):
        lines += [
            f"  - id: q{n}",
            f"    text: {json.dumps(q, ensure_ascii=False)}",
            "    cites:",
            f"      - source: {sid}",
            f"        quote: {json.dumps(q, ensure_ascii=False)}",
        ]
    lines += ["---", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def quote_in(quote, body):
    norm = lambda s: " ".join(s.replace("’", "'").replace("“", '"').replace("”", '"').split())
    return norm(quote) in norm(body)


# The benchmark's evaluate.py, for its precision / recall / F1 of 4-word shingles.
TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text, n=4):
    tokens = TOKEN_RE.findall(text or "")
    out = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            out.append(shingle)
    return Counter(out)


def shingle_scores(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return [x / s for x in (tp, fp, fn)] if s > 0 else [tp, fp, fn]


def metrics(scores):
    def prec(tp, fp, fn):
        if fp == fn == 0:
            return 1.0
        if tp == fp == 0:
            return 0.0
        return tp / (tp + fp)

    def rec(tp, fp, fn):
        if fp == fn == 0:
            return 1.0
        if tp == fn == 0:
            return 0.0
        return tp / (tp + fn)

    precision = statistics.mean([prec(*s) for s in scores if s[0] + s[1] > 0])
    recall = statistics.mean([rec(*s) for s in scores if s[0] + s[2] > 0])
    return precision, recall, 2 * precision * recall / (precision + recall)


if __name__ == "__main__":
    main()
