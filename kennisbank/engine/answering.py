"""The engine's side of the door: one `EngineQuery` answered on one snapshot.

Parsing, matching, filters, facet counts, ranking (BM25F, the exact-form boost, the
proximity re-rank of the best hits) and match spans all happen here, over the
snapshot's arrays; the service above gets plain data (kennisbank.engine.contract).
Facets: several values within a facet combine with OR, different facets with AND,
and each facet's counts ignore that facet's own selection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq

from kennisbank.engine.contract import EngineAnswer, EngineHit, EngineQuery
from kennisbank.engine.facets import FacetColumns
from kennisbank.engine.query import ParsedQuery
from kennisbank.engine.ranking import (
    COVERAGE_POWER,
    MOST_WEIGHT,
    PROXIMITY_FACTOR,
    PROXIMITY_SLOP,
    RERANK_DEPTH,
)
from kennisbank.engine.vectors import Scored
from kennisbank.fields import FACET_FIELDS

if TYPE_CHECKING:  # the snapshot calls in here: no import at run time
    from kennisbank.engine.snapshot import IndexSnapshot, Occurrences


def answer(snap: IndexSnapshot, query: EngineQuery) -> EngineAnswer:
    """Everything the service needs to show one page of results, in one call."""
    parsed = snap.parse(query.text, query.expand)
    if query.paths is not None:
        return _answer_for_paths(snap, parsed, query)
    widenable = parsed.plain
    if query.words != "all" and parsed.plain:
        least = MOST_WEIGHT if query.words == "most" else 0.0
        scored, complete = _most_words(snap, parsed, least)
    else:
        scored = snap.evaluate(parsed.query)
        complete = scored.total
    columns = snap.facets()
    selected = _normalise_filters(query.filters, columns)
    allowed, facets = _filter_and_count(scored.mask, columns, selected, query)
    order = "date" if query.order == "relevance" and parsed.is_everything else query.order
    end = max(query.limit, 0)
    if not end:
        top = []
    elif order == "date":
        top = snap.newest(scored, allowed, end)
    elif order == "added":
        top = snap.newest_added(scored, allowed, end)
    else:
        top = snap.best(scored, allowed, max(end, RERANK_DEPTH))
    # One positions reader for the re-rank and the spans: they read the same blocks.
    found = snap.occurrences()
    if top and parsed.proximity_terms and order == "relevance":
        top = _reranked_by_proximity(snap, top, parsed.proximity_terms, found)
    top = top[:end]
    detailed = [docnum for docnum, _score in top[query.detail_from:]]
    hits = _hits(snap, parsed, top, set(detailed), found)
    return EngineAnswer(int(allowed.sum()), scored.total, hits, facets, selected,
                        parsed.notice, parsed.is_everything, widenable, snap.generation,
                        complete)


def _most_words(snap: IndexSnapshot, parsed: ParsedQuery, least: float
                ) -> tuple[Scored, int]:
    """Plain words, none of them required: documents holding at least MOST_WEIGHT of
    the query's weight, where each word weighs its inverse document frequency (a rare
    word counts more than a common one). A document's BM25F sum is multiplied by the
    share of the weight it holds to the power COVERAGE_POWER, so documents holding
    every word keep an edge through the score. Also: how many hold every word."""
    core = parsed.core if parsed.core is not None else parsed.query
    clauses = list(core.subqueries) if isinstance(core, wq.And) else [core]
    words = [snap.evaluate(clause) for clause in clauses]
    documents = max(int(snap.live().sum()), 1)
    weights = np.array([_idf(word.total, documents) for word in words])
    held = np.sum([weight * word.mask for weight, word in zip(weights, words, strict=True)],
                  axis=0) / max(weights.sum(), 1e-9)
    mask = (held >= least - 1e-9) & (held > 0)
    scores = np.sum([word.scores for word in words], axis=0) * held ** COVERAGE_POWER
    if parsed.boost is not None:
        boost = snap.evaluate(parsed.boost)
        scores = scores + np.where(boost.mask, boost.scores, 0.0)
    complete = int(np.logical_and.reduce([word.mask for word in words]).sum())
    return Scored(mask, np.where(mask, scores, 0.0)), complete


def _idf(frequency: int, documents: int) -> float:
    """BM25's inverse document frequency (as Whoosh computes it)."""
    return math.log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5))


def _answer_for_paths(snap: IndexSnapshot, parsed: ParsedQuery, query: EngineQuery
                      ) -> EngineAnswer:
    """The documents at `query.paths` (those still in the index), in that order, with
    where the query matches in each: no ranking, no facets."""
    docnums = [d for d in map(snap.docnum_for_path, query.paths or ()) if d is not None]
    top = [(docnum, 0.0) for docnum in docnums]
    hits = _hits(snap, parsed, top, set(docnums[query.detail_from:]), None)
    return EngineAnswer(len(hits), len(hits), hits, {}, {}, parsed.notice,
                        parsed.is_everything, False, snap.generation)


def _hits(snap: IndexSnapshot, parsed: ParsedQuery, top: list[tuple[int, float]],
          detailed: set[int], found: Occurrences | None) -> list[EngineHit]:
    spans = {} if parsed.is_everything or not detailed else snap.match_spans_many(
        sorted(detailed), parsed.highlight, found=found)
    paths = snap.paths_of(docnum for docnum, _score in top)
    return [EngineHit(path, score, snap.record(docnum), tuple(spans.get(docnum, ())))
            if docnum in detailed else EngineHit(path, score)
            for (docnum, score), path in zip(top, paths, strict=True)]


def _reranked_by_proximity(snap: IndexSnapshot, top: list[tuple[int, float]],
                           terms: tuple[str, ...], found: Occurrences
                           ) -> list[tuple[int, float]]:
    """The best hits again, those where the query words stand close together first
    among equals (a bounded re-rank: a proximity clause in the query itself would
    score every matching document)."""
    head, tail = top[:RERANK_DEPTH], top[RERANK_DEPTH:]
    close = snap.close_together([docnum for docnum, _score in head], terms, PROXIMITY_SLOP,
                                found=found)
    rescored = [(docnum, score * PROXIMITY_FACTOR if docnum in close else score)
                for docnum, score in head]
    return sorted(rescored, key=lambda hit: -hit[1]) + tail


def _normalise_filters(filters: Mapping[str, tuple[str, ...]], columns: FacetColumns
                       ) -> dict[str, set[str]]:
    """Match requested values case- and diacritic-insensitively to the indexed ones."""
    return {name: {columns.indexed_form(name, v) or v for v in values}
            for name, values in filters.items() if name in FACET_FIELDS and values}


def _filter_and_count(base: np.ndarray, columns: FacetColumns,
                      selected: dict[str, set[str]], query: EngineQuery
                      ) -> tuple[np.ndarray, dict[str, dict[str, int]]]:
    """Which matches pass all filters (OR within a facet, AND across facets), and
    facet counts where each facet ignores its own selection."""
    passing = {name: columns.with_any(name, values) for name, values in selected.items()}
    if query.years is not None:
        low, high = query.years
        in_range = columns.with_number_between("year", low, high)
        passing["year"] = passing["year"] & in_range if "year" in passing else in_range
    facets = {}
    for name in FACET_FIELDS if query.facets else ():
        mask = _all_of(base, [m for other, m in passing.items() if other != name])
        facets[name] = dict(columns.counts(name, mask))
    return _all_of(base, list(passing.values())), facets


def _all_of(base: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    return np.logical_and.reduce([base, *masks]) if masks else base
