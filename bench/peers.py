"""Peers in our own benchmark (issue 14): Kennisbank, tantivy-py and SQLite FTS5 doing the
same user-facing job on the same corpus and queries, warm and cold, in one run.

Why: a latency on its own says little about whether it is good; the same job done by
a Rust library (tantivy) and by SQLite's FTS5 on the same machine, in the same run,
says how far Kennisbank is from what is possible. The job is the result page's: top
10 by BM25, the total, counts for every facet (type, theme, organisation, year,
audience, format; a filtered facet's counts ignore its own selection) and a
highlighted snippet per hit. All engines index the same extracted text
(`peer_docs.py`: Kennisbank's own extraction, cached) with Dutch stemming and stop
words; see `peer_tantivy.py` and `peer_sqlite.py` for each engine's setup and
`peer_query.py` for how a query is translated.

What is measured, each engine in its own child process:

- index: the peers build from the cached text, so their time excludes extraction;
  Kennisbank's comes from `index_bench.py` (`--kennisbank-index-s`; run_all.py passes
  it) or else from the index's last-run.json, and includes extraction (2 workers);
- cold: a fresh process opens the index and asks the first query of
  `bench/queries.txt` ("first search after start", open included), then every query of
  `bench/cold_queries.txt` once. The OS page cache is warm for every engine (each
  index is read once beforehand): this is a cold process, not a cold disk;
- warm: `bench/queries.txt` in one process, a pass for warm-up, then `--repeat`
  passes, engines interleaved per pass; medians over passes of p50/p95;
- Kennisbank over HTTP, cold: the real server started fresh, the first request, then
  every cold query once (`--no-http` skips it).

Run::

    python bench/peers.py --corpus bench/corpora/scale-10000
        --index bench/corpora/scale-10000-index/ours [--work DIR] [--repeat 5]
        [--engines kennisbank,tantivy,sqlite] [--no-http] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    dir_size,
    latency_summary,
    median_of,
    run_measured,
    save_result,
    table,
)
from cold_queries import COLD_QUERIES_FILE
from search_bench import QUERIES_FILE, BenchQuery, Server, _get, load_queries

ENGINES = ("kennisbank", "tantivy", "sqlite")
PEER_MODULES = {"tantivy": "peer_tantivy", "sqlite": "peer_sqlite"}
LABELS = {"kennisbank": "Kennisbank (SearchService)", "tantivy": "tantivy-py 0.27",
          "sqlite": "SQLite FTS5"}
# The targets for the cold set (in-process, full job) and the first search.
COLD_P95_TARGET_MS = {10000: 40.0, 100000: 150.0}
FIRST_SEARCH_TARGET_MS = {100000: 500.0}
CHILD_TIMEOUT_S = 900


def engine_folder(work: Path, name: str) -> Path:
    return work / name / ("index.sqlite" if name == "sqlite" else "index")


# --- engines -------------------------------------------------------------------------


def open_engine(name: str, folder: Path) -> tuple[Callable[[BenchQuery], int],
                                                  Callable[[], None]]:
    """(search, close): `search` runs the whole result-page job and returns the total."""
    if name == "kennisbank":
        from kennisbank.search import SearchRequest, SearchService

        service = SearchService(folder)

        def kennisbank(query: BenchQuery) -> int:
            request = SearchRequest(query=query.text, filters=query.filters)
            return service.search(request).total

        return kennisbank, service.close
    from peer_query import parse

    engine = importlib.import_module(PEER_MODULES[name]).Engine(folder)

    def peer(query: BenchQuery) -> int:
        return engine.search(parse(query.text, dict(query.filters)))["total"]

    return peer, engine.close


def _import_engine(name: str) -> None:
    """Load an engine's code before timing: imports belong to start-up, not search."""
    if name == "kennisbank":
        import kennisbank.search  # noqa: F401
    else:
        importlib.import_module(PEER_MODULES[name])


# --- child processes -----------------------------------------------------------------


def child_build(name: str, corpus: Path, cache: str, folder: Path) -> dict:
    from peer_docs import load_docs

    docs = load_docs(corpus, Path(cache) if cache else None)
    module = importlib.import_module(PEER_MODULES[name])
    began, began_cpu = time.perf_counter(), time.process_time()
    count = module.build(docs, folder)
    return {"seconds": time.perf_counter() - began, "cpu_s": time.process_time() - began_cpu,
            "documents": count, "index_bytes": dir_size(folder.parent)}


def child_cold(name: str, folder: Path) -> dict:
    first_query = load_queries(QUERIES_FILE)[0]
    cold = load_queries(COLD_QUERIES_FILE)
    _import_engine(name)
    began = time.perf_counter()
    search, close = open_engine(name, folder)
    open_ms = (time.perf_counter() - began) * 1000
    search(first_query)
    first_ms = (time.perf_counter() - began) * 1000
    samples, totals = [], []
    for query in cold:
        began = time.perf_counter()
        totals.append(search(query))
        samples.append((time.perf_counter() - began) * 1000)
    close()
    return {"open_ms": open_ms, "first_ms": first_ms, "latency": latency_summary(samples),
            "samples": samples, "totals": totals}


def child_warm(names: list[str], folders: list[Path], repeat: int) -> dict:
    queries = load_queries(QUERIES_FILE)
    engines = {n: open_engine(n, f) for n, f in zip(names, folders, strict=True)}
    runs: dict[str, list[dict]] = {n: [] for n in names}
    cpu_runs: dict[str, list[dict]] = {n: [] for n in names}
    for search, _close in engines.values():
        for query in queries:  # warm-up
            search(query)
    for _ in range(repeat):
        for name, (search, _close) in engines.items():
            samples, cpu = [], []
            for query in queries:
                began, began_cpu = time.perf_counter(), time.process_time()
                search(query)
                samples.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
            runs[name].append(latency_summary(samples))
            cpu_runs[name].append(latency_summary(cpu))
    totals = {name: [search(q) for q in queries] for name, (search, _c) in engines.items()}
    for _search, close in engines.values():
        close()
    return {name: {"latency": median_of(runs[name]), "cpu": median_of(cpu_runs[name]),
                   "totals": totals[name]} for name in names}


# --- the benchmark -------------------------------------------------------------------


def http_cold(index: Path) -> dict:
    """Kennisbank's real server, started fresh: the first request, then each cold
    query once over one keep-alive connection."""
    first_query = load_queries(QUERIES_FILE)[0]
    cold = load_queries(COLD_QUERIES_FILE)
    began = time.perf_counter()
    server = Server(index)
    try:
        start_ms = (time.perf_counter() - began) * 1000
        conn = server.connection()
        began = time.perf_counter()
        _get(conn, first_query.url())
        first_ms = (time.perf_counter() - began) * 1000
        samples = []
        for query in cold:
            began = time.perf_counter()
            json.loads(_get(conn, query.url()))
            samples.append((time.perf_counter() - began) * 1000)
        conn.close()
    finally:
        server.stop()
    return {"start_ms": start_ms, "first_ms": first_ms, "latency": latency_summary(samples)}


def _child(mode: str, *extra: str) -> dict:
    args = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *extra]
    data, wall, peak_kb = run_measured(args, timeout=CHILD_TIMEOUT_S)
    data["wall_s"] = wall
    data["peak_tree_rss_mb"] = peak_kb / 1024
    return data


def _read_all(folder: Path) -> None:
    """Every file of an index through the OS page cache once, so that no engine's
    cold numbers depend on which index happened to be read last."""
    for path in sorted(folder.rglob("*") if folder.is_dir() else [folder]):
        if path.is_file():
            with path.open("rb") as handle:
                while handle.read(1 << 20):
                    pass


def kennisbank_bytes(index: Path) -> int:
    """The served generation only: older ones (hard links, mostly) stay next to it."""
    try:
        return dir_size(index / (index / "CURRENT").read_text(encoding="utf-8").strip())
    except OSError:
        return dir_size(index)


def kennisbank_index_time(index: Path) -> dict:
    """The last indexer run of `index` (start to finish, extraction included), if it
    read every document: an incremental run's seconds are not a build time."""
    try:
        report = json.loads((index / "last-run.json").read_text(encoding="utf-8"))
        seconds = report.get("seconds") or (
            dt.datetime.fromisoformat(report["finished"])
            - dt.datetime.fromisoformat(report["started"])).total_seconds()
        counts = report.get("counts", {})
        whole = report.get("full") or not (counts["unchanged"] or counts["updated"])
    except (OSError, KeyError, ValueError):
        return {}
    return {"seconds": seconds, "source": "last-run.json of the index"} if whole else {}


def run(corpus: Path, index: Path, work: Path, engines: list[str], repeat: int,
        http_too: bool, cache: Path | None, kennisbank_index_s: float | None) -> dict:
    from peer_docs import load_docs

    from kennisbank.engine.store import document_count

    if "tantivy" in engines and importlib.util.find_spec("tantivy") is None:
        print("tantivy is not installed (pip install -e '.[bench]'): skipped",
              file=sys.stderr)
        engines = [e for e in engines if e != "tantivy"]
    folders = {name: index if name == "kennisbank" else engine_folder(work, name)
               for name in engines}
    began = time.perf_counter()
    # The extracted text is only for the peers; Kennisbank alone reads its own index.
    documents = (len(load_docs(corpus, cache)) if set(engines) - {"kennisbank"}
                 else document_count(index))
    result: dict = {"corpus": str(corpus), "index": str(index), "engines": engines,
                    "documents": documents, "extract_or_load_s": time.perf_counter() - began,
                    "cold_queries": len(load_queries(COLD_QUERIES_FILE)),
                    "warm_queries": len(load_queries(QUERIES_FILE)), "repeat": repeat}
    builds: dict[str, dict] = {}
    if kennisbank_index_s is not None:
        builds["kennisbank"] = {"seconds": kennisbank_index_s, "source": "index_bench.py",
                                "index_bytes": kennisbank_bytes(index)}
    else:
        builds["kennisbank"] = {**kennisbank_index_time(index),
                                "index_bytes": kennisbank_bytes(index)}
    for name in engines:
        if name != "kennisbank":
            print(f"  building {name} ...", file=sys.stderr, flush=True)
            builds[name] = _child("build", name, str(corpus), str(cache or ""),
                                  str(folders[name]))
    result["build"] = builds
    for folder in folders.values():
        _read_all(folder)
    cold = {}
    for name in engines:
        print(f"  cold queries on {name} ...", file=sys.stderr, flush=True)
        cold[name] = _child("cold", name, str(folders[name]))
    result["cold"] = cold
    if http_too and "kennisbank" in engines:
        print("  cold queries over HTTP ...", file=sys.stderr, flush=True)
        result["http_cold"] = http_cold(index)
    print("  warm queries ...", file=sys.stderr, flush=True)
    result["warm"] = _child("warm", str(repeat), ",".join(engines),
                            *(str(folders[n]) for n in engines))
    return result


# --- report --------------------------------------------------------------------------


def _ratio(ours: float | None, theirs: float | None) -> str:
    if not ours or not theirs:
        return ""
    return f"{ours / theirs:.1f}x"


def render(result: dict, size: int | None = None) -> str:
    engines = result["engines"]
    build, cold, warm = result["build"], result["cold"], result["warm"]
    rows = []
    for name in engines:
        b, c, w = build.get(name, {}), cold[name], warm[name]["latency"]
        totals = c["totals"]
        rows.append((LABELS[name], b.get("seconds", ""), b.get("index_bytes", 0) / 1e6,
                     w["p50"], w["p95"], c["latency"]["p50"], c["latency"]["p95"],
                     c["first_ms"], statistics.median(totals),
                     sum(1 for t in totals if t == 0)))
    text = (f"{result['documents']:,} documents; warm: {result['warm_queries']} queries x "
            f"{result['repeat']} passes (medians); cold: {result['cold_queries']} queries "
            "once each in a fresh process\n\n")
    text += table(("engine", "index s", "index MB", "warm p50 ms", "warm p95 ms",
                   "cold p50 ms", "cold p95 ms", "first search ms", "cold median hits",
                   "cold no hits"), rows)
    kb_build = build.get("kennisbank", {})
    text += ("\n\nindex s: the peers from cached extracted text (extraction excluded); "
             f"Kennisbank from {kb_build.get('source', '?')}, extraction included. "
             "first search: open + the first query of queries.txt in a fresh process.")
    text += "\n\n" + by_kind(result)
    if "kennisbank" in engines:
        ours_b, ours_c, ours_w = kb_build, cold["kennisbank"], warm["kennisbank"]["latency"]
        ratio_rows = []
        for name in (e for e in engines if e != "kennisbank"):
            c, w = cold[name], warm[name]["latency"]
            ratio_rows.append((
                f"Kennisbank / {LABELS[name]}",
                _ratio(ours_b.get("seconds"), build[name].get("seconds")),
                _ratio(ours_w["p50"], w["p50"]), _ratio(ours_w["p95"], w["p95"]),
                _ratio(ours_c["latency"]["p50"], c["latency"]["p50"]),
                _ratio(ours_c["latency"]["p95"], c["latency"]["p95"]),
                _ratio(ours_c["first_ms"], c["first_ms"])))
        if ratio_rows:
            text += "\n\n" + table(("ratio (>1: Kennisbank slower)", "index", "warm p50",
                                    "warm p95", "cold p50", "cold p95", "first search"),
                                   ratio_rows)
        text += "\n\n" + table(("cold target", "measured", "goal", ""),
                               cold_targets(result, size))
    return text


def _kinds(queries: list[BenchQuery]) -> dict[str, list[int]]:
    """Positions of the cold queries per kind (a filtered query also counts in its kind)."""
    kinds: dict[str, list[int]] = {"1 word": [], "2-4 words": [], "phrase": [],
                                   "with filters": []}
    for i, query in enumerate(queries):
        if '"' in query.text:
            kinds["phrase"].append(i)
        else:
            kinds["1 word" if len(query.text.split()) == 1 else "2-4 words"].append(i)
        if query.filters:
            kinds["with filters"].append(i)
    return kinds


def by_kind(result: dict) -> str:
    """Cold p50 / p95 per kind of query and engine: where the cold time goes."""
    engines = result["engines"]
    rows = []
    for kind, positions in _kinds(load_queries(COLD_QUERIES_FILE)).items():
        if not positions:
            continue
        cells = []
        for name in engines:
            samples = result["cold"][name]["samples"]
            if len(samples) <= max(positions):
                return ""  # the query file changed since the run
            summary = latency_summary([samples[i] for i in positions])
            cells.append(f"{summary['p50']:.1f} / {summary['p95']:.1f}")
        rows.append((kind, len(positions), *cells))
    return table(("cold, by kind (p50 / p95 ms)", "queries", *(LABELS[n] for n in engines)),
                 rows)


def cold_targets(result: dict, size: int | None) -> list[tuple]:
    """The issue's cold targets next to Kennisbank's numbers."""
    rows = []
    ours = result["cold"].get("kennisbank")
    if not ours:
        return rows
    p95, goal = ours["latency"]["p95"], COLD_P95_TARGET_MS.get(size or 0)
    rows.append(("cold query set p95 (in process, full job)", f"{p95:.0f} ms",
                 f"<= {goal:.0f} ms" if goal else "(no target at this size)",
                 "" if goal is None else ("met" if p95 <= goal else "NOT met")))
    first, goal = ours["first_ms"], FIRST_SEARCH_TARGET_MS.get(size or 0)
    rows.append(("first search after start (in process)", f"{first:.0f} ms",
                 f"<= {goal:.0f} ms" if goal else "<= 500 ms at 100k",
                 "" if goal is None else ("met" if first <= goal else "NOT met")))
    http = result.get("http_cold")
    if http:
        rows.append(("cold query set over HTTP, p50 / p95",
                     f"{http['latency']['p50']:.0f} / {http['latency']['p95']:.0f} ms",
                     "", ""))
        rows.append(("first request after server start (start-up itself)",
                     f"{http['first_ms']:.0f} ms ({http['start_ms']:.0f} ms)", "", ""))
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        mode, rest = argv[1], argv[2:]
        if mode == "build":
            data = child_build(rest[0], Path(rest[1]), rest[2], Path(rest[3]))
        elif mode == "cold":
            data = child_cold(rest[0], Path(rest[1]))
        else:
            data = child_warm(rest[1].split(","), [Path(p) for p in rest[2:]], int(rest[0]))
        print(json.dumps(data))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True, help="Kennisbank's index")
    parser.add_argument("--work", type=Path,
                        help="where the peers' indexes go (default: next to the corpus)")
    parser.add_argument("--cache", type=Path, help="extracted text (see peer_docs.py)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--repeat", type=int, default=5, help="warm passes")
    parser.add_argument("--size", type=int, help="corpus size, for the targets")
    parser.add_argument("--kennisbank-index-s", type=float,
                        help="Kennisbank's full build time (else from last-run.json)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--json", action="store_true", help="write bench/results/*.json")
    parser.add_argument("--out", type=Path, help="write the raw result as JSON here")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    work = (args.work or corpus.with_name(corpus.name + "-peers")).resolve()
    engines = [e for e in args.engines.split(",") if e]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    result = run(corpus, args.index.resolve(), work, engines, args.repeat, not args.no_http,
                 args.cache, args.kennisbank_index_s)
    print(render(result, args.size))
    save_result("peers", result, args.out, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
