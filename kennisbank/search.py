"""The search service: the one entry point the CLI and the web app use.

Facets are computed here as plain data (one structure for HTML and JSON): several
values within a facet combine with OR, different facets with AND, and each facet's
counts ignore that facet's own selection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from kennisbank.analysis import fold
from kennisbank.engine.facets import FacetColumns
from kennisbank.engine.pool import SnapshotPool
from kennisbank.engine.query import OPERATOR_WORDS, ParsedQuery
from kennisbank.engine.ranking import (
    BROADEN_BELOW,
    PROXIMITY_FACTOR,
    PROXIMITY_SLOP,
    RERANK_DEPTH,
)
from kennisbank.engine.snapshot import IndexSnapshot, Occurrences
from kennisbank.engine.store import IndexMissingError
from kennisbank.engine.vectors import Scored
from kennisbank.explain import Explanation, explain
from kennisbank.fields import FACET_FIELDS
from kennisbank.request import SearchRequest
from kennisbank.snippets import pages_for, render_snippet
from kennisbank.synonyms import DEFAULT_SYNONYMS, SynonymFile

T = TypeVar("T")
# The health probe's search gets this long before the service is reported as failing.
HEALTH_PROBE_SECONDS = 10.0
# A search that fails on a damaged generation is tried again on the next intact one.
RETRIES_ON_DAMAGE = 3
NOTICE_NONE_WITH_ALL = ("Geen document bevat al uw zoekwoorden. Hieronder documenten met "
                        "een deel ervan, de beste eerst.")
NOTICE_FEW_WITH_ALL = ("Weinig documenten bevatten al uw zoekwoorden. Die staan bovenaan; "
                       "daarna volgen documenten met een deel ervan.")
# More-like-this analyses the document's text on every call; the start of a long report
# names its subject well enough, and keeps a document page fast.
SIMILAR_TEXT_CHARS = 100_000
SIMILAR_CACHE_SIZE = 512
# Record fields an export leaves out: the whole text is large, and may be sent between
# processes (webapp/offload.py).
EXPORT_SKIPS = frozenset({"text", "page_starts"})


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
class Ranking:
    """A search before its page is cut out: what every answer to it starts from."""

    parsed: ParsedQuery
    total: int
    top: list[tuple[int, float]]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None
    found: Occurrences


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

    def __init__(self, index_root: Path, synonyms: Path = DEFAULT_SYNONYMS,
                 verify_in_background: bool = False) -> None:
        """`verify_in_background`: check every file of each newly opened generation
        against its checksum in a background thread (for a long-running server)."""
        self.index_root = Path(index_root)
        self._pool = SnapshotPool(self.index_root, verify_in_background)
        self._synonyms = SynonymFile(synonyms)
        self._lock = threading.Lock()
        self._probe_in_flight = threading.Lock()
        self._similar_cache: dict[tuple[str, str, int], tuple[str, ...]] = {}

    def close(self) -> None:
        """Release the index (its generations may then be removed by the indexer)."""
        self._pool.close()

    def warm(self) -> bool:
        """Read what every search needs from the newest generation (facet values,
        dates, field lengths) now rather than in the first search; False when there
        is no index yet."""
        try:
            self._on_snapshot(IndexSnapshot.warm)
        except IndexMissingError:
            return False
        return True

    def _on_snapshot(self, work: Callable[[IndexSnapshot], T]) -> T:
        """`work` on a snapshot of the generation being served. If it fails and a deep
        check then finds that generation damaged, it runs again on the generation the
        pool falls back to: damage is never an answer, nor a traceback."""
        for _attempt in range(RETRIES_ON_DAMAGE):
            with self._pool.borrow() as snap:
                try:
                    return work(snap)
                except Exception:
                    if not self._pool.damaged_by_failure(snap.generation):
                        raise
        with self._pool.borrow() as snap:
            return work(snap)

    def health(self, timeout: float = HEALTH_PROBE_SECONDS) -> dict:
        """What `/healthz` and `kennisbank status` report: a real search on the served
        generation (its answer right or not, how long it took), the pool's view of the
        generations, and `degraded`: why an older generation is served, or None. The
        probe gets `timeout` seconds: a monitor must get an answer even when searching
        hangs (then `search_ok` is False and `search_timed_out` True). While a hung
        probe is still running no second one starts, so a monitor polling a hung
        service does not pile up threads."""
        outcome: dict[str, object] = {}

        def probe() -> None:
            try:
                outcome["ok"] = self._on_snapshot(IndexSnapshot.probe)
            except BaseException as exc:  # handed to the caller below
                outcome["error"] = exc
            finally:
                self._probe_in_flight.release()

        began = time.perf_counter()
        timed_out = not self._probe_in_flight.acquire(blocking=False)
        if not timed_out:
            searching = threading.Thread(target=probe, name="kennisbank-proefzoekvraag",
                                         daemon=True)
            searching.start()
            searching.join(timeout)
            timed_out = searching.is_alive()
        if "error" in outcome:
            raise outcome["error"]
        return {"search_ok": bool(outcome.get("ok", False)),
                "search_ms": round((time.perf_counter() - began) * 1000, 1),
                "search_timed_out": timed_out,
                **self._pool.health(), "degraded": self.degradation()}

    def degradation(self) -> str | None:
        """Why the served generation is not the current one (Dutch), or None."""
        state = self._pool.health()
        current, serving = state["current"], state["serving"]
        if serving is None or (serving == current and current not in state["damaged"]):
            return None
        if current is None:
            problem = "het bestand CURRENT, dat de huidige versie aanwijst, is onleesbaar"
        else:
            problem = (f"de nieuwste versie ({current}) is beschadigd: "
                       f"{state['damaged'].get(current, 'onbekende fout')}")
        return (f"De index is beschadigd ({problem}). Er wordt gezocht in de vorige goede "
                f"versie ({serving}); recente wijzigingen ontbreken daarin. Draai "
                "kennisbank index om de index te herstellen.")

    def search(self, request: SearchRequest) -> SearchResponse:
        return self._on_snapshot(lambda snap: self._search(snap, request))

    def _parse(self, snap: IndexSnapshot, query: str) -> ParsedQuery:
        return snap.parse(query, self._synonyms.expander().expand)

    def _search(self, snap: IndexSnapshot, request: SearchRequest) -> SearchResponse:
        end = request.page * request.page_size
        ranking = self._rank(snap, request, end)
        page = ranking.top[end - request.page_size:end]
        spans = {} if ranking.parsed.is_everything else snap.match_spans_many(
            [docnum for docnum, _score in page], ranking.parsed.highlight,
            found=ranking.found)
        hits = [_make_hit(snap.record(docnum), score, spans.get(docnum, []))
                for docnum, score in page]
        return SearchResponse(request, ranking.total, hits, ranking.facets,
                              ranking.suggestion, ranking.parsed.notice, snap.generation)

    def _rank(self, snap: IndexSnapshot, request: SearchRequest, end: int) -> Ranking:
        """The documents that answer `request`, the best `end` of them in order."""
        parsed = self._parse(snap, request.query)
        scored = snap.evaluate(parsed.query)
        # Spelling help only where the user's words found little (it costs a scan of
        # the vocabulary per unknown word).
        few_found = not parsed.is_everything and scored.total < BROADEN_BELOW
        suggestion = _suggestion(snap, request.query) if few_found else None
        if few_found:
            parsed, scored = _broadened(snap, parsed, scored)
        columns = snap.facets()
        selected = _normalise_filters(request.filters, columns)
        allowed, facets = _filter_and_count(scored.mask, columns, selected, request)
        ranked_by_date = request.sort == "date" or parsed.is_everything
        if ranked_by_date:
            top = snap.newest(scored, allowed, end)
        else:
            top = snap.best(scored, allowed, max(end, RERANK_DEPTH))
        # One positions reader for the re-rank and the snippets: they read the same
        # posting blocks.
        found = snap.occurrences()
        if parsed.proximity_terms and not ranked_by_date:
            top = _reranked_by_proximity(snap, top, parsed.proximity_terms, found)
        return Ranking(parsed, int(allowed.sum()), top[:end], facets, suggestion, found)

    def ranked_paths(self, request: SearchRequest, limit: int) -> tuple[int, list[str]]:
        """How many documents answer `request`, and the corpus paths of the best
        `limit` in order: the first step of an export, which then fetches its rows in
        parts (`export_rows`), so a long list is streamed, not built in memory."""
        def ranked(snap: IndexSnapshot) -> tuple[int, list[str]]:
            ranking = self._rank(snap, request, limit)
            return ranking.total, snap.paths_of(docnum for docnum, _s in ranking.top)

        return self._on_snapshot(ranked)

    def export_rows(self, query: str, paths: list[str]) -> list[tuple[dict, list[int]]]:
        """Records of the documents at `paths` with the pages on which `query` matches,
        skipping documents that left the index since they were ranked (found by path,
        so a generation switch in between is harmless). No snippets: an export has no
        use for them."""
        def rows(snap: IndexSnapshot) -> list[tuple[dict, list[int]]]:
            parsed = self._parse(snap, query)
            docnums = [d for d in map(snap.docnum_for_path, paths) if d is not None]
            spans = {} if parsed.is_everything else snap.match_spans_many(
                docnums, parsed.highlight)
            found = []
            for docnum in docnums:
                record = snap.record(docnum)
                pages = pages_for(spans.get(docnum, []), record["page_starts"])
                found.append(({k: v for k, v in record.items() if k not in EXPORT_SKIPS},
                              pages))
            return found

        return self._on_snapshot(rows)

    def explain(self, query: str) -> Explanation:
        """How `query` is analysed and parsed (see kennisbank.explain)."""
        expander = self._synonyms.expander()
        parsed, analyzer = self._on_snapshot(
            lambda snap: (self._parse(snap, query), snap.analyzer()))
        return explain(analyzer, expander, query, str(parsed.highlight), parsed.notice)

    def document(self, doc_id: str) -> dict | None:
        def find(snap: IndexSnapshot) -> dict | None:
            docnum = snap.docnum_for_id(doc_id)
            return None if docnum is None else snap.record(docnum)

        return self._on_snapshot(find)

    def match_spans(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        """Character spans in the document's text that `query` matches (stemmed and
        expanded forms too), for highlighting a whole document, not just a snippet."""
        def spans(snap: IndexSnapshot) -> list[tuple[int, int, str]]:
            docnum = snap.docnum_for_id(doc_id)
            parsed = self._parse(snap, query)
            if docnum is None or parsed.is_everything:
                return []
            return snap.match_spans(docnum, parsed.highlight)

        return [(start, end) for start, end, _term in self._on_snapshot(spans)]

    def similar(self, doc_id: str, limit: int = 5) -> list[dict]:
        """Records of documents like this one ("Vergelijkbare documenten"), from the
        index's key terms; cached per generation because it analyses the text."""
        return self._on_snapshot(lambda snap: self._similar(snap, doc_id, limit))

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

    def indexed_paths(self) -> set[str]:
        """The corpus paths the served generation holds (for the health report)."""
        return self._on_snapshot(IndexSnapshot.indexed_paths)

    def stats(self) -> dict:
        def counted(snap: IndexSnapshot) -> dict:
            columns, everything = snap.facets(), snap.live()
            counts = {name: columns.counts(name, everything) for name in ("type", "format")}
            return {"documents": snap.doc_count(), "generation": snap.generation, **counts}

        return self._on_snapshot(counted)


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


def _broadened(snap: IndexSnapshot, parsed: ParsedQuery, scored: Scored
               ) -> tuple[ParsedQuery, Scored]:
    """Few documents hold all the words of a plain query: also take those with some of
    them (ranked after), and say so."""
    if parsed.broad is None:
        return parsed, scored
    wider = snap.evaluate(parsed.broad)
    if wider.total <= scored.total:
        return parsed, scored
    notice = NOTICE_NONE_WITH_ALL if not scored.total else NOTICE_FEW_WITH_ALL
    return replace(parsed, query=parsed.broad, notice=notice), wider


def _normalise_filters(
    filters: Mapping[str, tuple[str, ...]], columns: FacetColumns
) -> dict[str, set[str]]:
    """Match requested values case- and diacritic-insensitively to the indexed ones."""
    return {name: {columns.indexed_form(name, v) or v for v in values}
            for name, values in filters.items() if name in FACET_FIELDS and values}


def _filter_and_count(base: np.ndarray, columns: FacetColumns,
                      selected: dict[str, set[str]], request: SearchRequest
                      ) -> tuple[np.ndarray, dict[str, list[FacetValue]]]:
    """Which matches pass all filters (OR within a facet, AND across facets), and
    facet counts where each facet ignores its own selection."""
    passing = {name: columns.with_any(name, values) for name, values in selected.items()}
    if request.year_from or request.year_to:
        in_range = columns.with_number_between("year", request.year_from or 0,
                                               request.year_to or 9999)
        passing["year"] = passing["year"] & in_range if "year" in passing else in_range
    facets = {}
    for name in FACET_FIELDS:
        mask = _all_of(base, [m for other, m in passing.items() if other != name])
        facets[name] = _facet_values(columns.counts(name, mask), selected.get(name, set()),
                                     name)
    return _all_of(base, list(passing.values())), facets


def _all_of(base: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    return np.logical_and.reduce([base, *masks]) if masks else base


def _facet_values(counter: Mapping[str, int], selected: set[str], name: str
                  ) -> list[FacetValue]:
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
                or snap.has_word("words", folded) or snap.evaluate(snap.parse(word).query).total):
            corrected.append(word)
            continue
        options = snap.corrections("words", folded)
        corrected.append(options[0] if options else word)
        changed = changed or bool(options)
    if not changed:
        return None
    candidate = " ".join(corrected)
    parsed = snap.parse(candidate)
    return candidate if not parsed.is_everything and snap.evaluate(parsed.query).total else None
