"""Where search time goes: cProfile of `SearchService.search` over the benchmark queries,
grouped into the phases of a result page.

Why: the search benchmark says how slow; this says why. The phases are the functions
`SearchService.search` calls (matching for the total and facets, facet counting, top-10
ranking, stored-record loading, match spans from the postings, snippet rendering, the
"Bedoelde u" suggestion), each reported with its cumulative share of the total. Since a
phase may call another (the suggestion runs matching again), shares can add up to more
than 100 %. cProfile slows pure-Python code more than C code, so shares are indicative;
the search benchmark's numbers are the real latencies.

Run::

    python bench/profile_search.py --index bench/corpora/scale-10000-index/ours
        [--passes 3] [--top 30] [--query-filter WORD]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine_info, table, write_result
from search_bench import load_queries

from kennisbank.search import SearchRequest, SearchService

# (label, file name ending, function name): the phases of one search.
PHASES = (
    ("whole search", "kennisbank/search.py", "search"),
    ("parse query", "engine/snapshot.py", "parse"),
    ("matching + scoring (vectors)", "engine/snapshot.py", "evaluate"),
    ("  read + score a term's postings (cold terms)", "engine/vectors.py", "term"),
    ("  phrase positions (cold phrases)", "engine/vectors.py", "_phrase_docs"),
    ("  Whoosh fallback (unvectorised query types)", "engine/vectors.py", "_by_whoosh"),
    ("the engine's answer (one call through the door)", "engine/answering.py", "answer"),
    ("filter + facet counts", "engine/answering.py", "_filter_and_count"),
    ("top-k by score", "engine/snapshot.py", "best"),
    ("top-k by date", "engine/snapshot.py", "newest"),
    ("proximity re-rank of the top hits", "engine/answering.py", "_reranked_by_proximity"),
    ("service: answer, widening, suggestion", "kennisbank/search.py", "_answer"),
    ("match spans of the page's hits", "engine/snapshot.py", "match_spans_many"),
    ("stored records (unpickle)", "engine/snapshot.py", "record"),
    ("build hits (snippet, pages)", "kennisbank/search.py", "_make_hit"),
    ("  render snippet", "kennisbank/snippets.py", "render_snippet"),
    ("'Bedoelde u' suggestion", "kennisbank/search.py", "_suggestion"),
    ("Whoosh stored_fields", "whoosh/reading.py", "stored_fields"),
    ("pickle.loads", "~", "<built-in method _pickle.loads>"),
)


def profile(index: Path, passes: int, word: str | None) -> tuple[pstats.Stats, int]:
    queries = [q for q in load_queries() if word is None or word in q.text]
    service = SearchService(index)
    requests = [SearchRequest(query=q.text, filters=q.filters) for q in queries]
    for request in requests:  # warm-up outside the profile: searchers, facet table
        service.search(request)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(passes):
        for request in requests:
            service.search(request)
    profiler.disable()
    return pstats.Stats(profiler), passes * len(requests)


def phases(stats: pstats.Stats, searches: int) -> list[tuple[str, float, float, int]]:
    """(label, ms per search, share of the whole search, calls per search)."""
    table_rows = []
    entries = stats.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    whole = None
    for label, file_end, func in PHASES:
        calls = cumulative = 0.0
        for (filename, _line, name), (_cc, nc, _tt, ct, _callers) in entries.items():
            if name == func and filename.replace("\\", "/").endswith(file_end):
                calls += nc
                cumulative += ct
        if whole is None:
            whole = cumulative or 1.0
        table_rows.append((label, 1000 * cumulative / searches, 100 * cumulative / whole,
                           round(calls / searches, 1)))
    return table_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--query-filter", help="only queries containing this text")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    stats, searches = profile(args.index.resolve(), args.passes, args.query_filter)
    rows = phases(stats, searches)
    print(f"{searches} profiled searches\n")
    print(table(("phase", "ms/search (profiled)", "% of search", "calls/search"), rows))
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(args.top)
    print("\nTop functions by own time:\n" + out.getvalue())
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(args.top)
    print("Top functions by cumulative time:\n" + out.getvalue())
    if args.json:
        print(write_result("profile-search", {
            "machine": machine_info(), "index": str(args.index), "searches": searches,
            "phases": [dict(zip(("phase", "ms", "share", "calls"), row, strict=True))
                       for row in rows]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
