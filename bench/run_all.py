"""Run the whole scale benchmark for one corpus size and keep the result.

Why: numbers are only comparable when they come from the same corpus, the same steps
and a record of the machine, versions and code they were measured on. This script
builds (or reuses) the corpus, runs the indexing benchmark, the search benchmark (in
process and over HTTP, with the web app's RSS), the peer benchmark (the same job on
tantivy-py and SQLite FTS5, warm and on the cold query set; `peers.py`) and optionally
both profiles, each as a child process; then prints the tables with the issue's
targets and writes everything to `bench/results/<time>-scale-<size>.json`.

`--code HEAD` (or any commit) benchmarks that commit instead of the working tree: it is
exported with `git archive` (read-only for the repository) to `bench/corpora/.code-*`
and put first on every child's path, so colleagues' uncommitted edits do not move the
numbers mid-run.

Run::

    python bench/run_all.py --size 10000 [--code HEAD] [--repeat 1] [--search-repeat 5]
        [--no-baseline] [--no-http] [--no-peers] [--one-job] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO_ROOT, machine_info, table, write_result

BENCH = REPO_ROOT / "bench"
CORPORA = BENCH / "corpora"
# The targets on a 2-core machine: size -> p95 of faceted search with snippets.
P95_TARGET_MS = {10000: 50.0, 100000: 250.0}
NOOP_TARGET_S = 2.0
SPEEDUP_TARGET = 2.0
RSS_TARGET_MB = 300.0


def export_code(revision: str) -> tuple[Path, str]:
    """The tree of `revision` in bench/corpora/.code-<sha>, made once."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{revision}^{{commit}}"],
                         cwd=REPO_ROOT, capture_output=True, text=True, check=True
                         ).stdout.strip()
    target = CORPORA / f".code-{sha[:12]}"
    if not (target / "kennisbank").is_dir():
        CORPORA.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as archive:
            subprocess.run(["git", "archive", "--format=tar", sha], cwd=REPO_ROOT,
                           stdout=archive, check=True)
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(target, filter="data")
    _map_packages(target)
    return target, sha


def _map_packages(tree: Path) -> None:
    """Give an exported tree the installed layout (pyproject's package-dir: indexer/ is
    kennisbank.indexer, …) with symlinks, so its own code is imported from sys.path,
    not the working tree's through the editable install."""
    for folder in ("indexer", "webapp", "stopwords_nl"):
        link = tree / "kennisbank" / folder
        if (tree / folder).is_dir() and not link.exists():
            link.symlink_to(Path("..") / folder, target_is_directory=True)


def _run(script: str, *args: str, env: dict[str, str]) -> dict:
    """Run one benchmark script; stream its table; return its JSON result."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, str(BENCH / script), *args, "--out", str(out)],
                       cwd=REPO_ROOT, env=env, check=True)
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


def _capture(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=REPO_ROOT,
                            env=env, check=True, capture_output=True, text=True)
    return result.stdout


def targets(size: int, index: dict | None, search: dict | None,
            peers: dict | None = None) -> list[tuple]:
    """The issue's targets next to the measured values (wall time, medians)."""
    rows = []
    if peers:
        from peers import cold_targets

        rows.extend(cold_targets(peers, size))
    if search:
        p95 = search["in_process"]["ours"]["p95"]
        goal = P95_TARGET_MS.get(size)
        rows.append(("faceted search p95 (in process)", f"{p95:.0f} ms",
                     f"<= {goal:.0f} ms" if goal else "(no target at this size)",
                     "" if goal is None else ("met" if p95 <= goal else "NOT met")))
        if "http" in search:
            rss = search["http"]["rss_mb"]["after_searches"]
            count = search["http"]["rss_mb"]["searches"]
            rows.append((f"web app RSS after {count:,} searches", f"{rss:.0f} MB",
                         f"<= {RSS_TARGET_MB:.0f} MB (at 100k)",
                         "met" if rss <= RSS_TARGET_MB else "NOT met"))
    if index:
        summary = index["summary"]
        if "speedup_vs_baseline" in summary.get("full", {}):
            speedup = summary["full"]["speedup_vs_baseline"]
            rows.append(("full build speed-up vs single-process default writer",
                         f"{speedup:.2f}x", f">= {SPEEDUP_TARGET:.0f}x (at 10k)",
                         "met" if speedup >= SPEEDUP_TARGET else "NOT met"))
        noop = summary["noop"]["seconds"]
        rows.append(("incremental run, nothing changed", f"{noop:.2f} s",
                     f"< {NOOP_TARGET_S:.0f} s (at 10k)",
                     "met" if noop < NOOP_TARGET_S else "NOT met"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="1000, 10000 or 100000")
    parser.add_argument("--code", default="worktree", help="'worktree' or a git revision")
    parser.add_argument("--repeat", type=int, default=1, help="full builds per variant")
    parser.add_argument("--search-repeat", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow baseline")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-peers", action="store_true",
                        help="skip the tantivy / SQLite FTS5 comparison and the cold set")
    parser.add_argument("--searches", type=int, default=1000,
                        help="HTTP searches before reading the web app's RSS")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--one-job", action="store_true", help="also a 1-worker build")
    parser.add_argument("--skip-index", action="store_true",
                        help="reuse the existing index (search only)")
    parser.add_argument("--profile", action="store_true", help="also run both profiles")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    commit = "working tree"
    if args.code != "worktree":
        code, commit = export_code(args.code)
        env["KENNISBANK_BENCH_CODE"] = str(code)
        env["KENNISBANK_BENCH_COMMIT"] = commit
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(code), env.get("PYTHONPATH"))
                                            if p)
    corpus = CORPORA / f"scale-{args.size}"
    work = CORPORA / f"scale-{args.size}-index"
    began = time.monotonic()
    subprocess.run([sys.executable, str(BENCH / "build_corpus.py"), "--size",
                    str(args.size), "--out", str(corpus)], cwd=REPO_ROOT, check=True)
    corpus_info = json.loads((corpus / ".build.json").read_text(encoding="utf-8"))

    index = None
    if not args.skip_index:
        index_args = ["--corpus", str(corpus), "--work", str(work), "--repeat",
                      str(args.repeat)]
        index_args += ["--no-baseline"] * args.no_baseline + ["--one-job"] * args.one_job
        index = _run("index_bench.py", *index_args, env=env)
    search_args = ["--index", str(work / "ours"), "--repeat", str(args.search_repeat),
                   "--searches", str(args.searches), "--clients", str(args.clients)]
    search = _run("search_bench.py", *search_args, *(["--no-http"] * args.no_http), env=env)
    peers = None
    if not args.no_peers:
        peer_args = ["--corpus", str(corpus), "--index", str(work / "ours"), "--work",
                     str(CORPORA / f"scale-{args.size}-peers"), "--size", str(args.size),
                     "--repeat", str(args.search_repeat)]
        if index:
            peer_args += ["--kennisbank-index-s", str(index["summary"]["full"]["seconds"])]
        peers = _run("peers.py", *peer_args, *(["--no-http"] * args.no_http), env=env)

    profiles = {}
    if args.profile:
        profiles["search"] = _capture("profile_search.py", "--index", str(work / "ours"),
                                      env=env)
        profiles["index"] = _capture("profile_index.py", "--corpus", str(corpus),
                                     "--cprofile", env=env)
        print(profiles["search"])
        print(profiles["index"])

    machine = machine_info()
    machine["code_commit"] = commit
    result = {"size": args.size, "machine": machine, "corpus": corpus_info,
              "index": index, "search": search, "peers": peers, "profiles": profiles,
              "seconds": round(time.monotonic() - began, 1)}
    print(f"\n## Scale {args.size}: targets (code: {commit})\n")
    print(table(("target", "measured", "goal", ""), targets(args.size, index, search, peers)))
    print(write_result(f"scale-{args.size}", result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
