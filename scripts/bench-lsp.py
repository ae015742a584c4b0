#!/usr/bin/env python3
"""Latency of `kblint lsp`: time from `didChange` to the `publishDiagnostics` of that version.

Opens one file of the KB, then sends EDITS changes to it, each after the previous one's
diagnostics arrived, and prints the median, the 95th percentile and the worst time, the
server's CPU time per edit, and its resident memory once the KB is loaded. Standard library
only.

    scripts/bench-lsp.py [--kblint target/release/kblint] [--edits 100]
                         [--source | --value | --rename] KB_ROOT [FILE]

An entry edit (the default) alternates a misquote and the original text, so that every other
check has a `quote-not-found` to publish; FILE defaults to the first entry that cites a quote.
With `--source`, the file is a source (by default the one its first citation names) and the
edit alternates a word added to its body and the original: every citation of that source is
checked again, and every other check has a `source-hash-mismatch` to publish. With `--value`,
the entry's first claim value gets `x` added and taken away (what the claim asserts changes, so
the contradictions are searched again); with `--rename`, its id does (the names change, so the
whole KB is checked again).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse


def uri(path):
    return "file://" + urllib.parse.quote(os.path.realpath(path))


class Server:
    def __init__(self, kblint, root):
        self.proc = subprocess.Popen(
            [kblint, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 1

    def send(self, msg):
        body = json.dumps(dict(jsonrpc="2.0", **msg)).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("the server closed its output")
            line = line.strip()
            if not line:
                break
            name, value = line.split(b":", 1)
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send(dict(id=rid, method=method, params=params))
        while True:
            msg = self.read()
            if msg.get("id") == rid and "method" not in msg:
                return msg

    def published(self, doc, version):
        while True:
            msg = self.read()
            if (
                msg.get("method") == "textDocument/publishDiagnostics"
                and msg["params"]["uri"] == doc
                and msg["params"].get("version") == version
            ):
                return msg["params"]["diagnostics"]


def cpu_seconds(pid):
    """User and system CPU time of a process so far (Linux), to tell the server's own work from
    waiting for a core on a busy machine."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def rss_mb(pid):
    """Resident memory of a process (Linux), in MiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def source_of(root, entry):
    """The path of the source that the first citation of `entry` names."""
    with open(os.path.join(root, entry), encoding="utf-8") as f:
        for line in f:
            line = line.strip().lstrip("- ")
            if line.startswith("source:"):
                name = line.split(":", 1)[1].strip().strip("\"'")
                for top, dirs, files in sorted(os.walk(root)):
                    dirs.sort()
                    for n in sorted(files):
                        path = os.path.join(top, n)
                        if n.endswith(".md"):
                            with open(path, encoding="utf-8") as g:
                                head = g.read(400)
                            if f"\nid: {name}\n" in head:
                                return os.path.relpath(path, root)
    sys.exit(f"no source for {entry}")


def first_entry_with_quote(root):
    for top, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        if "sources" in top.split(os.sep):
            continue
        for name in sorted(files):
            path = os.path.join(top, name)
            if name.endswith(".md"):
                with open(path, encoding="utf-8") as f:
                    if "quote:" in f.read():
                        return os.path.relpath(path, root)
    sys.exit("no entry with a quote")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kblint", default="target/release/kblint")
    ap.add_argument("--edits", type=int, default=100)
    kind = ap.add_mutually_exclusive_group()
    kind.add_argument("--source", action="store_true", help="edit a source's body")
    kind.add_argument("--value", action="store_true", help="edit a claim's value")
    kind.add_argument("--rename", action="store_true", help="edit the entry's id")
    ap.add_argument("root")
    ap.add_argument("entry", nargs="?")
    args = ap.parse_args()
    kblint = os.path.abspath(args.kblint)
    entry = args.entry or first_entry_with_quote(args.root)
    if args.source and not args.entry:
        entry = source_of(args.root, entry)
    path = os.path.join(args.root, entry)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if args.source:
        # A word added to the body: the check has a `source-hash-mismatch` to publish.
        at = text.index("\n---", 3) + 5
        broken = text[:at] + "zzz " + text[at:]
        expected = "source-hash-mismatch"
    elif args.value or args.rename:
        key = "\n    value: " if args.value else "\nid: "
        at = text.index(key) + len(key)
        broken = text[:at] + "x" + text[at:]
        expected = None
    else:
        at = text.index("quote:")
        # A word of the quote changed: the check has a `quote-not-found` to publish.
        broken = text[:at] + text[at:].replace("quote: ", "quote: zzz ", 1)
        expected = "quote-not-found"

    server = Server(kblint, args.root)
    root_uri = uri(args.root)
    started = time.perf_counter()
    server.request("initialize", {"processId": None, "rootUri": root_uri, "capabilities": {}})
    server.send(dict(method="initialized", params={}))
    doc = uri(path)
    server.send(
        dict(
            method="textDocument/didOpen",
            params={"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": text}},
        )
    )
    server.published(doc, 1)
    load = time.perf_counter() - started
    rss = rss_mb(server.proc.pid)
    times = []
    cpu_before = cpu_seconds(server.proc.pid)
    for n in range(args.edits):
        version = n + 2
        new = broken if n % 2 == 0 else text
        sent = time.perf_counter()
        server.send(
            dict(
                method="textDocument/didChange",
                params={
                    "textDocument": {"uri": doc, "version": version},
                    "contentChanges": [{"text": new}],
                },
            )
        )
        diagnostics = server.published(doc, version)
        times.append(time.perf_counter() - sent)
        found = any(d.get("code") == expected for d in diagnostics)
        if expected and found != (n % 2 == 0):
            sys.exit(f"edit {n}: expected the misquote to be {'found' if n % 2 == 0 else 'gone'}")
    cpu = cpu_seconds(server.proc.pid) - cpu_before
    server.request("shutdown", None)
    server.send(dict(method="exit"))
    server.proc.wait(timeout=60)
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(
        f"{args.root}: {entry}: first check {load * 1000:.0f} ms, resident memory {rss:.0f} MiB; "
        f"{len(ms)} edits: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
        f"worst {max(ms):.1f} ms; server CPU time {cpu * 1000 / len(ms):.1f} ms per edit"
    )
    return server.proc.returncode


if __name__ == "__main__":
    sys.exit(main())
