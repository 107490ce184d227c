"""The search service: the one entry point the CLI and the web app use.

Facets are computed here as plain data (one structure for HTML and JSON): several
values within a facet combine with OR, different facets with AND, and each facet's
counts ignore that facet's own selection.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kennisbank.analysis import fold
from kennisbank.engine.pool import SnapshotPool
from kennisbank.engine.query import (
    OPERATOR_WORDS,
    PROXIMITY_FACTOR,
    PROXIMITY_SLOP,
    RERANK_DEPTH,
    ParsedQuery,
)
from kennisbank.engine.snapshot import FacetTable, IndexSnapshot
from kennisbank.explain import Explanation, explain
from kennisbank.records import FACET_FIELDS
from kennisbank.snippets import pages_for, render_snippet
from kennisbank.synonyms import DEFAULT_SYNONYMS, SynonymFile

MAX_PAGE_SIZE = 100
# Fewer documents than this hold all the words of a plain query: show those first, then
# documents with some of the words (a long question rarely matches word for word).
BROADEN_BELOW = 10
NOTICE_NONE_WITH_ALL = ("Geen document bevat al uw zoekwoorden. Hieronder documenten met "
                        "een deel ervan, de beste eerst.")
NOTICE_FEW_WITH_ALL = ("Weinig documenten bevatten al uw zoekwoorden. Die staan bovenaan; "
                       "daarna volgen documenten met een deel ervan.")
# More-like-this analyses the document's text on every call; the start of a long report
# names its subject well enough, and keeps a document page fast.
SIMILAR_TEXT_CHARS = 100_000
SIMILAR_CACHE_SIZE = 512


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"  # "relevance" | "date"
    page: int = 1
    page_size: int = 10


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    path: str
    type: str
    year: int | None
    score: float
    snippet: str
    pages: list[int]
    format: str
    organisations: tuple[str, ...]
    date: str


@dataclass(frozen=True)
class SearchResponse:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    notice: str | None = None
    generation: str = ""

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.request.page_size))

    def to_json(self) -> dict:
        """The `kennisbank search --json` / `/api/search` contract."""
        return {
            "total": self.total,
            "hits": [
                {"id": h.id, "title": h.title, "path": h.path, "type": h.type,
                 "year": h.year, "score": round(h.score, 4), "snippet": h.snippet,
                 "pages": h.pages}
                for h in self.hits
            ],
            "facets": {
                name: {v.value: v.count for v in values} for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "notice": self.notice,
            "page": self.request.page,
            "page_size": self.request.page_size,
            "page_count": self.page_count,
        }


class SearchService:
    """Answers searches from the newest published generation; a new generation is
    picked up on the next call, without a restart."""

    def __init__(self, index_root: Path, synonyms: Path = DEFAULT_SYNONYMS) -> None:
        self.index_root = Path(index_root)
        self._pool = SnapshotPool(self.index_root)
        self._synonyms = SynonymFile(synonyms)
        self._facet_tables: dict[str, FacetTable] = {}
        self._lock = threading.Lock()
        self._similar_cache: dict[tuple[str, str, int], tuple[str, ...]] = {}

    def close(self) -> None:
        """Release the index (its generations may then be removed by the indexer)."""
        self._pool.close()

    def _facet_table(self, snap: IndexSnapshot) -> FacetTable:
        with self._lock:
            table = self._facet_tables.get(snap.generation)
            if table is None:
                table = snap.facet_table()
                self._facet_tables = {snap.generation: table}
            return table

    def search(self, request: SearchRequest) -> SearchResponse:
        with self._pool.borrow() as snap:
            return self._search(snap, request)

    def _parse(self, snap: IndexSnapshot, query: str) -> ParsedQuery:
        return snap.parse(query, self._synonyms.expander().expand)

    def _search(self, snap: IndexSnapshot, request: SearchRequest) -> SearchResponse:
        parsed = self._parse(snap, request.query)
        table = self._facet_table(snap)
        base = table.live_docs if parsed.is_everything else snap.matching(parsed.query)
        # Spelling help only where the user's words found little (it costs a scan of
        # the vocabulary per unknown word).
        few_found = not parsed.is_everything and len(base) < BROADEN_BELOW
        suggestion = _suggestion(snap, request.query) if few_found else None
        if few_found:
            parsed, base = _broadened(snap, parsed, base)
        selected = _normalise_filters(request.filters, table)
        allowed, facets = _filter_and_count(base, table, selected, request)
        by_date = request.sort == "date" or parsed.is_everything
        filtered = bool(selected or request.year_from or request.year_to)
        end = request.page * request.page_size
        depth = end if by_date else max(end, RERANK_DEPTH)
        top = snap.top(parsed.query, set(allowed) if filtered else None, depth, by_date)
        if not by_date and parsed.proximity_terms:
            top = _reranked_by_proximity(snap, top, parsed.proximity_terms)
        page = top[end - request.page_size:end]
        spans = {} if parsed.is_everything else snap.match_spans_many(
            [docnum for docnum, _score in page], parsed.highlight)
        hits = [_make_hit(snap.record(docnum), score, spans.get(docnum, []))
                for docnum, score in page]
        return SearchResponse(request, len(allowed), hits, facets, suggestion, parsed.notice,
                              snap.generation)

    def explain(self, query: str) -> Explanation:
        """How `query` is analysed and parsed (see kennisbank.explain)."""
        expander = self._synonyms.expander()
        with self._pool.borrow() as snap:
            parsed = self._parse(snap, query)
            analyzer = snap.analyzer()
        return explain(analyzer, expander, query, str(parsed.highlight), parsed.notice)

    def document(self, doc_id: str) -> dict | None:
        with self._pool.borrow() as snap:
            docnum = snap.docnum_for_id(doc_id)
            return None if docnum is None else snap.record(docnum)

    def match_spans(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        """Character spans in the document's text that `query` matches (stemmed and
        expanded forms too), for highlighting a whole document, not just a snippet."""
        with self._pool.borrow() as snap:
            docnum = snap.docnum_for_id(doc_id)
            parsed = self._parse(snap, query)
            if docnum is None or parsed.is_everything:
                return []
            spans = snap.match_spans(docnum, parsed.highlight)
        return [(start, end) for start, end, _term in spans]

    def similar(self, doc_id: str, limit: int = 5) -> list[dict]:
        """Records of documents like this one ("Vergelijkbare documenten"), from the
        index's key terms; cached per generation because it analyses the text."""
        with self._pool.borrow() as snap:
            return self._similar(snap, doc_id, limit)

    def _similar(self, snap: IndexSnapshot, doc_id: str, limit: int) -> list[dict]:
        key = (snap.generation, doc_id, limit)
        with self._lock:
            cached = self._similar_cache.get(key)
        if cached is None:
            docnum = snap.docnum_for_id(doc_id)
            if docnum is None:
                return []
            record = snap.record(docnum)
            text = f"{record['title']}\n{record['text'][:SIMILAR_TEXT_CHARS]}"
            cached = tuple(snap.record(d)["id"] for d in snap.more_like(docnum, text, limit))
            with self._lock:
                if len(self._similar_cache) >= SIMILAR_CACHE_SIZE:
                    self._similar_cache.clear()
                self._similar_cache[key] = cached
        found = (snap.docnum_for_id(other) for other in cached)
        return [snap.record(d) for d in found if d is not None]

    def stats(self) -> dict:
        with self._pool.borrow() as snap:
            table = self._facet_table(snap)
            documents, generation = snap.doc_count(), snap.generation
        counts = {
            name: dict(Counter(v for values in table.values[name].values() for v in values))
            for name in ("type", "format")
        }
        return {"documents": documents, "generation": generation, **counts}


def _reranked_by_proximity(snap: IndexSnapshot, top: list[tuple[int, float]],
                           terms: tuple[str, ...]) -> list[tuple[int, float]]:
    """The best hits again, those where the query words stand close together first
    among equals (a bounded re-rank: a proximity clause in the query itself would
    score every matching document)."""
    head, tail = top[:RERANK_DEPTH], top[RERANK_DEPTH:]
    close = snap.close_together([docnum for docnum, _score in head], terms, PROXIMITY_SLOP)
    rescored = [(docnum, score * PROXIMITY_FACTOR if docnum in close else score)
                for docnum, score in head]
    return sorted(rescored, key=lambda hit: -hit[1]) + tail


def _broadened(snap: IndexSnapshot, parsed: ParsedQuery, base: list[int]
               ) -> tuple[ParsedQuery, list[int]]:
    """Few documents hold all the words of a plain query: also take those with some of
    them (ranked after), and say so."""
    if parsed.broad is None:
        return parsed, base
    wider = snap.matching(parsed.broad)
    if len(wider) <= len(base):
        return parsed, base
    notice = NOTICE_NONE_WITH_ALL if not base else NOTICE_FEW_WITH_ALL
    return replace(parsed, query=parsed.broad, notice=notice), wider


def _normalise_filters(
    filters: Mapping[str, tuple[str, ...]], table: FacetTable
) -> dict[str, set[str]]:
    """Match requested values case- and diacritic-insensitively to the indexed ones."""
    selected: dict[str, set[str]] = {}
    for name, values in filters.items():
        if name not in FACET_FIELDS or not values:
            continue
        known = {fold(v): v for doc_values in table.values[name].values() for v in doc_values}
        selected[name] = {known.get(fold(v), v) for v in values}
    return selected


def _passes(doc_values: tuple[str, ...], name: str, wanted: set[str] | None,
            request: SearchRequest) -> bool:
    if name == "year" and (request.year_from or request.year_to):
        years = [int(v) for v in doc_values if v.isdigit()]
        low, high = request.year_from or 0, request.year_to or 9999
        if not any(low <= y <= high for y in years):
            return False
    return wanted is None or bool(wanted.intersection(doc_values))


def _filter_and_count(base, table: FacetTable, selected: dict[str, set[str]],
                      request: SearchRequest) -> tuple[list[int], dict[str, list[FacetValue]]]:
    """One pass over the matches: which pass all filters, and facet counts where each
    facet ignores its own selection."""
    counters = {name: Counter() for name in FACET_FIELDS}
    active = set(selected) | ({"year"} if request.year_from or request.year_to else set())
    allowed: list[int] = []
    for docnum in base:
        values = {name: table.values[name].get(docnum, ()) for name in FACET_FIELDS}
        failing = [n for n in active if not _passes(values[n], n, selected.get(n), request)]
        if not failing:
            allowed.append(docnum)
            for name in FACET_FIELDS:
                counters[name].update(values[name])
        elif len(failing) == 1:
            counters[failing[0]].update(values[failing[0]])
    facets = {
        name: _facet_values(counters[name], selected.get(name, set()), name)
        for name in FACET_FIELDS
    }
    return allowed, facets


def _facet_values(counter: Counter, selected: set[str], name: str) -> list[FacetValue]:
    if name == "year":
        ordered = sorted(counter, key=lambda v: v, reverse=True)
    else:
        ordered = sorted(counter, key=lambda v: (-counter[v], fold(v)))
    values = [FacetValue(v, counter[v], v in selected) for v in ordered]
    values.extend(FacetValue(v, 0, True) for v in sorted(selected - set(counter)))
    return values


def _make_hit(record: dict, score: float, spans: list[tuple[int, int, str]]) -> Hit:
    snippet_source = record["text"] or record.get("description", "")
    return Hit(
        id=record["id"],
        title=record["title"],
        path=record["path"],
        type=record["doctype"],
        year=record["year"],
        score=score,
        snippet=render_snippet(snippet_source, spans),
        pages=pages_for(spans, record["page_starts"]),
        format=record["format"],
        organisations=tuple(record["organisations"]),
        date=record["date"],
    )


def _suggestion(snap: IndexSnapshot, text: str) -> str | None:
    """"Bedoelde u": the query with each word that finds nothing, and is not in the
    unstemmed vocabulary, replaced by a close word that is. Operators and words with
    query syntax stay as typed; offered only when the corrected query finds results.
    It also helps a query that found something through its other words."""
    corrected, changed = [], False
    for word in text.split():
        folded = fold(word)
        if (word in OPERATOR_WORDS or not folded.isalpha()
                or snap.has_word("words", folded) or snap.matching(snap.parse(word).query)):
            corrected.append(word)
            continue
        options = snap.corrections("words", folded)
        corrected.append(options[0] if options else word)
        changed = changed or bool(options)
    if not changed:
        return None
    candidate = " ".join(corrected)
    parsed = snap.parse(candidate)
    return candidate if not parsed.is_everything and snap.matching(parsed.query) else None
