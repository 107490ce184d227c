"""Measure the search levers of issue 7 one by one, on a real index, without changing
the product: each phase of `SearchService.search` timed on its own (no profiler
overhead), next to prototypes of the alternatives.

Why: the profile shows where the time goes under cProfile, which inflates pure-Python
code; a change should be chosen on plain timings of the same phases and of the
alternative, on the same queries and index. Prototypes here:

- facet counting with per-value document sets (`len(matches & docs_with_value)`, C-speed
  set intersections) instead of a Python loop over every match; the counts are checked
  to be identical to the product's;
- matching on the parsed query without its optional ranking clauses (`core`): the same
  documents match, but the proximity phrase need not be evaluated for each of them;
- one Whoosh pass (score every match once, keep all docnums for facets and the best 10)
  instead of `matching` (all docnums) followed by `top` (scored search again);
- the cost of opening a snapshot and building the facet table (what a per-request
  searcher, or the first search after a reindex, pays).

It uses the service's internals (`_pool`, `_parse`, `_facet_table`, `_filter_and_count`,
`_make_hit`, `_suggestion`), so it follows the code it measures; when those change,
this script must follow.

Run::

    python bench/levers.py --index bench/corpora/scale-10000-index/ours [--passes 3]
"""

from __future__ import annotations

import argparse
import heapq
import json
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine_info, percentile, table, write_result
from search_bench import load_queries

from kennisbank import search as search_module
from kennisbank.engine.snapshot import IndexSnapshot
from kennisbank.records import FACET_FIELDS
from kennisbank.search import SearchRequest, SearchService

FacetSets = dict[str, dict[str, frozenset[int]]]


def facet_sets(table) -> FacetSets:
    """value -> frozenset of docnums, per facet field (built once per generation)."""
    sets: FacetSets = {}
    for name in FACET_FIELDS:
        by_value: dict[str, set[int]] = {}
        for docnum, values in table.values[name].items():
            for value in values:
                by_value.setdefault(value, set()).add(docnum)
        sets[name] = {value: frozenset(docs) for value, docs in by_value.items()}
    return sets


def count_with_sets(base, sets: FacetSets, selected: dict[str, set[str]]
                    ) -> tuple[set[int], dict[str, dict[str, int]]]:
    """Same semantics as the product (OR within a facet, AND across, each facet's counts
    ignore its own selection), by set intersections."""
    base_set = base if isinstance(base, (set, frozenset)) else set(base)
    chosen = {name: frozenset().union(*(sets[name].get(v, frozenset()) for v in values))
              for name, values in selected.items()}
    allowed = base_set
    for docs in chosen.values():
        allowed = allowed & docs
    counts = {}
    for name in FACET_FIELDS:
        scope = base_set
        for other, docs in chosen.items():
            if other != name:
                scope = scope & docs
        counts[name] = {value: n for value, docs in sets[name].items()
                        if (n := len(scope & docs))}
    return allowed, counts


class Bitsets:
    """Per-term document bitsets (Python ints), built lazily from the postings and kept
    per generation: AND/OR/NOT of whole posting lists, and facet counts by popcount,
    run in C instead of Whoosh's per-document Python matchers."""

    def __init__(self, snap: IndexSnapshot, table) -> None:
        self.reader = snap._searcher.reader()
        self.size = self.reader.doc_count_all()
        self.live = self._from_ids(table.live_docs)
        self.terms: dict[tuple[str, object], int] = {}
        self.values = {name: {value: self._from_ids(docs) for value, docs in by_value.items()}
                       for name, by_value in facet_sets(table).items()}

    def _from_ids(self, ids) -> int:
        buffer = bytearray(self.size // 8 + 1)
        for docnum in ids:
            buffer[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(buffer, "little")

    def term(self, fieldname: str, text) -> int:
        key = (fieldname, text)
        bits = self.terms.get(key)
        if bits is None:
            ids = (self.reader.postings(fieldname, text).all_ids()
                   if key in self.reader else ())
            bits = self.terms[key] = self._from_ids(ids) & self.live
        return bits

    def evaluate(self, q) -> int | None:
        """Matching documents of a boolean tree of terms; None for anything else
        (phrases, prefixes: those stay with Whoosh)."""
        from whoosh import query as wq

        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.AndMaybe):
            return self.evaluate(q.a)
        if isinstance(q, wq.AndNot):
            a, b = self.evaluate(q.a), self.evaluate(q.b)
            return None if a is None or b is None else a & ~b
        if isinstance(q, (wq.And, wq.Or)):
            parts = [self.evaluate(sub) for sub in q.subqueries]
            if any(part is None for part in parts):
                return None
            result = self.live if isinstance(q, wq.And) else 0
            for part in parts:
                result = result & part if isinstance(q, wq.And) else result | part
            return result
        if isinstance(q, wq.Every):
            return self.live
        return None

    def counts(self, matches: int, selected: dict[str, set[str]]
               ) -> tuple[int, dict[str, dict[str, int]]]:
        chosen = {}
        for name, values in selected.items():
            union = 0
            for value in values:
                union |= self.values[name].get(value, 0)
            chosen[name] = union
        allowed = matches
        for bits in chosen.values():
            allowed &= bits
        counts = {}
        for name in FACET_FIELDS:
            scope = matches
            for other, bits in chosen.items():
                if other != name:
                    scope &= bits
            counts[name] = {value: n for value, bits in self.values[name].items()
                            if (n := (scope & bits).bit_count())}
        return allowed, counts


def _ids(bits: int) -> set[int]:
    return {i for i, bit in enumerate(bin(bits)[:1:-1]) if bit == "1"}


def one_pass(snap: IndexSnapshot, q, allowed: Callable[[int], bool] | None, limit: int
             ) -> tuple[list[int], list[tuple[int, float]]]:
    """Score every match once: all docnums (for totals and facets) and the best `limit`."""
    searcher = snap._searcher
    results = searcher.search(q, limit=None)
    docs = [docnum for _score, docnum in results.top_n]
    scored = ((score, docnum) for score, docnum in results.top_n
              if allowed is None or allowed(docnum))
    best = heapq.nlargest(limit, scored)
    return docs, [(docnum, score) for score, docnum in best]


def _timed(function: Callable, *args) -> tuple[float, object]:
    began = time.perf_counter()
    value = function(*args)
    return (time.perf_counter() - began) * 1000, value


def measure(index: Path, passes: int) -> dict:
    service = SearchService(index)
    queries = load_queries()
    with service._pool.borrow() as snap:
        open_ms, fresh = _timed(IndexSnapshot, index, snap.generation)
        table_ms, table = _timed(fresh.facet_table)
        fresh.close()
        sets_ms, sets = _timed(facet_sets, table)
        bitsets_ms, bitsets = _timed(Bitsets, snap, table)
        bitset_mismatches: list[str] = []
        bitset_unsupported: list[str] = []
        for query in queries:  # warm-up
            service.search(SearchRequest(query=query.text, filters=query.filters))
        began = time.perf_counter()
        for query in queries:  # the term bitsets, built once per generation
            parsed = service._parse(snap, query.text)
            bitsets.evaluate(getattr(parsed, "core", None) or parsed.query)
        terms_ms = (time.perf_counter() - began) * 1000
        phases: dict[str, list[float]] = {}
        mismatches: list[str] = []
        core_mismatches: list[str] = []
        record_bytes = []

        def add(name: str, ms: float) -> None:
            phases.setdefault(name, []).append(ms)

        for _ in range(passes):
            for query in queries:
                request = SearchRequest(query=query.text, filters=query.filters)
                total_ms, _response = _timed(service.search, request)
                add("whole search (service)", total_ms)
                ms, parsed = _timed(service._parse, snap, query.text)
                add("parse", ms)
                if parsed.is_everything:
                    base = table.live_docs
                    add("matching (all docnums)", 0.0)
                else:
                    ms, base = _timed(snap.matching, parsed.query)
                    add("matching (all docnums)", ms)
                    core = getattr(parsed, "core", None)
                    if core is not None:
                        ms, core_docs = _timed(snap.matching, core)
                        add("prototype: matching on the core query (no boosts)", ms)
                        if set(core_docs) != set(base):
                            core_mismatches.append(query.label)
                selected = search_module._normalise_filters(request.filters, table)
                ms, (allowed, facets) = _timed(search_module._filter_and_count, base, table,
                                               selected, request)
                add("facet counts: product loop", ms)
                ms, (allowed_sets, counts) = _timed(count_with_sets, base, sets, selected)
                add("facet counts: set prototype", ms)
                product_counts = {name: {v.value: v.count for v in values if v.count}
                                  for name, values in facets.items()}
                if counts != product_counts or set(allowed) != set(allowed_sets):
                    mismatches.append(query.label)
                core = getattr(parsed, "core", None) or parsed.query
                ms, bits = _timed(bitsets.evaluate, core)
                if bits is not None:
                    count_ms, (allowed_bits, bit_counts) = _timed(bitsets.counts, bits,
                                                                  selected)
                    add("prototype: matching + facet counts with term bitsets",
                        ms + count_ms)
                    add("  (the product's matching + facet loop, same queries)",
                        phases["matching (all docnums)"][-1]
                        + phases["facet counts: product loop"][-1])
                    if bit_counts != product_counts or _ids(allowed_bits) != set(allowed):
                        bitset_mismatches.append(query.label)
                elif query.label not in bitset_unsupported:
                    bitset_unsupported.append(query.label)
                by_date = parsed.is_everything
                filtered = bool(selected)
                ms, top = _timed(snap.top, parsed.query, set(allowed) if filtered else None,
                                 10, by_date)
                add("top 10 (Whoosh scored search)", ms)
                core = getattr(parsed, "core", None)
                if core is not None and not parsed.is_everything:
                    ms, _ = _timed(snap.top, core, set(allowed) if filtered else None, 10,
                                   by_date)
                    add("for comparison: top 10 without ranking boosts", ms)
                if not parsed.is_everything:
                    allowed_set = set(allowed) if filtered else None
                    check = allowed_set.__contains__ if allowed_set is not None else None
                    ms, _ = _timed(one_pass, snap, parsed.query, check, 10)
                    add("prototype: one scored pass (all + top 10)", ms)
                hit_ms = record_ms = spans_ms = 0.0
                for docnum, score in top:
                    ms, record = _timed(snap.record, docnum)
                    record_ms += ms
                    record_bytes.append(len(pickle.dumps(record)))
                    if not parsed.is_everything:
                        ms, _ = _timed(snap.match_spans, docnum, parsed.highlight)
                        spans_ms += ms
                    ms, _ = _timed(search_module._make_hit, snap, docnum, score, parsed)
                    hit_ms += ms
                add("10 hits (_make_hit)", hit_ms)
                add("  stored records", record_ms)
                add("  match spans", spans_ms)
                if not parsed.is_everything:
                    ms, _ = _timed(search_module._suggestion, snap, query.text)
                    add("'Bedoelde u' suggestion", ms)
    service.close()
    rows = {name: {"median": statistics.median(v), "p95": percentile(v, 95),
                   "mean": statistics.fmean(v)} for name, v in phases.items()}
    return {"queries": len(queries), "passes": passes, "phases": rows,
            "one_time_ms": {"open snapshot": open_ms, "facet table": table_ms,
                            "facet sets (prototype)": sets_ms,
                            "facet bitsets (prototype)": bitsets_ms,
                            f"bitsets of the {len(bitsets.terms)} query terms": terms_ms},
            "record_bytes": {"median": statistics.median(record_bytes),
                             "p95": percentile(record_bytes, 95), "max": max(record_bytes)},
            "facet_mismatches": mismatches, "core_match_mismatches": core_mismatches,
            "bitset_mismatches": bitset_mismatches, "bitset_unsupported": bitset_unsupported}


def render(result: dict) -> str:
    rows = [(name, r["median"], r["p95"], r["mean"]) for name, r in result["phases"].items()]
    text = table(("phase (ms per search)", "median", "p95", "mean"), rows)
    text += "\n\none-time costs (ms): " + ", ".join(
        f"{k} {v:.0f}" for k, v in result["one_time_ms"].items())
    rb = result["record_bytes"]
    text += (f"\nstored record per hit (pickled): median {rb['median'] / 1e3:.1f} kB, "
             f"p95 {rb['p95'] / 1e3:.1f} kB, max {rb['max'] / 1e3:.0f} kB")
    text += ("\nset-based facet counts identical to the product's: "
             + ("yes" if not result["facet_mismatches"] else
                f"NO for {result['facet_mismatches']}"))
    text += (f"\nqueries left to Whoosh by the bitset prototype (phrases, prefixes): "
             f"{len(result['bitset_unsupported'])}")
    text += ("\nbitset matching and counts identical to the product's: "
             + ("yes" if not result["bitset_mismatches"] else
                f"NO for {result['bitset_mismatches']}"))
    text += ("\nthe core query matches the same documents as the boosted one: "
             + ("yes" if not result["core_match_mismatches"] else
                f"NO for {result['core_match_mismatches']}"))
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.index.resolve(), args.passes)
    print(render(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.json:
        print(write_result("levers", {"machine": machine_info(), "levers": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
