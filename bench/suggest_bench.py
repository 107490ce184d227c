"""Autocomplete latency for inputs nobody typed before (issue 16: p95 ≤ 15 ms at 10k
documents, ≤ 40 ms at 100k).

Why distinct inputs on a fresh service: a user typing gets a suggestion per keystroke
for text the service has not seen; repeating one input would measure caches. The
inputs are what people type on the way to the cold query set
(`bench/cold_queries.txt`): for each query, the text up to 2..n letters into one of
its words (`ouderbe`, `ouderbetrokkenheid kin`), deduplicated, in a fixed shuffled
order, each asked once through `SearchService.suggest` (the whole job of
`/api/suggest`: completions, matching titles, facet values) after opening the
service with one unrelated search.

Run::

    python bench/suggest_bench.py --index /tmp/idx10k [--count 1000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import latency_summary
from search_bench import load_queries

from kennisbank.request import SearchRequest
from kennisbank.search import SearchService

COLD_QUERIES = Path(__file__).resolve().parent / "cold_queries.txt"


def typed_inputs(count: int, seed: int = 16) -> list[str]:
    """Distinct half-typed inputs from the cold query set."""
    found: dict[str, None] = {}
    for query in load_queries(COLD_QUERIES):
        words = query.text.replace('"', "").split()
        for index, word in enumerate(words):
            for cut in range(2, len(word) + 1, 2):
                found[" ".join([*words[:index], word[:cut]])] = None
    inputs = list(found)
    random.Random(seed).shuffle(inputs)
    return inputs[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args(argv)
    inputs = typed_inputs(args.count)
    began = time.perf_counter()
    service = SearchService(args.index)
    service.search(SearchRequest(query="bench"))
    opened = (time.perf_counter() - began) * 1000
    times = []
    for text in inputs:
        start = time.perf_counter()
        service.suggest(text)
        times.append((time.perf_counter() - start) * 1000)
    latency = latency_summary(times)
    print(f"service opened + one search: {opened:.0f} ms")
    print(f"suggest, {len(times)} distinct inputs once each: p50 {latency['p50']:.2f} ms, "
          f"p95 {latency['p95']:.2f} ms, max {latency['max']:.1f} ms")
    service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
