"""The search service: the one entry point the CLI and the web app use.

Facets are computed here as plain data (one structure for HTML and JSON): several
values within a facet combine with OR, different facets with AND, and each facet's
counts ignore that facet's own selection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from kennisbank.analysis import fold
from kennisbank.autocomplete import SUGGESTIONS, Suggestions, suggestions, worth_suggesting
from kennisbank.engine.contract import EngineAnswer, EngineHit, EngineQuery, Span
from kennisbank.engine.pool import SnapshotPool
from kennisbank.engine.query import OPERATOR_WORDS, plain_words
from kennisbank.engine.ranking import BROADEN_BELOW, WIDEN_BELOW
from kennisbank.engine.snapshot import IndexSnapshot
from kennisbank.engine.store import IndexMissingError
from kennisbank.evidence.shown import Evidence, shown_evidence
from kennisbank.explain import Explanation, explain
from kennisbank.passages import BEST_PASSAGES, Passage, best_passages, passage_starts
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
# More-like-this analyses the document's text on every call; the start of a long report
# names its subject well enough, and keeps a document page fast.
SIMILAR_TEXT_CHARS = 100_000
SIMILAR_CACHE_SIZE = 512
# "Waarom gevonden?": forms read from at most this many matches of a hit.
MAX_SPANS_FOR_FORMS = 5_000
MAX_FORMS_PER_TERM = 4
# Record fields an export leaves out: the whole text is large, and may be sent between
# processes (webapp/offload.py).
EXPORT_SKIPS = frozenset({"text", "page_starts", "passage_starts"})
# The passages view reads the passages of this many best documents, this many each.
PASSAGE_DOCUMENTS = 50
PASSAGES_PER_DOCUMENT = 5


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
    # Index term -> the forms in the text it matched ("Waarom gevonden?").
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The best passages for the query, best first (kennisbank/passages.py).
    passages: list[Passage] = field(default_factory=list)
    added: str = ""  # when it first entered the index ("" in an index without it)
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PassageHit:
    """One passage in the passages view, with the document it is from."""

    hit: Hit
    passage: Passage


@dataclass(frozen=True)
class SearchResponse:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    notice: str | None = None
    generation: str = ""
    # The query that was searched: the request's, or its spelling correction, in
    # which case `corrected_from` is what the user typed.
    query: str = ""
    corrected_from: str | None = None
    # The synonyms and abbreviations the query was widened with.
    expanded_with: tuple[str, ...] = ()
    # The passages view: this page's passages (`total` counts them all).
    passages: list[PassageHit] = field(default_factory=list)

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
                 "pages": h.pages, "matched_forms": {t: list(f) for t, f in h.forms.items()},
                 "passages": [_passage_json(p) for p in h.passages]}
                for h in self.hits
            ],
            "view": self.request.view,
            "passages": [{**_passage_json(p.passage), "id": p.hit.id, "title": p.hit.title,
                          "path": p.hit.path, "type": p.hit.type, "year": p.hit.year}
                         for p in self.passages],
            "facets": {
                name: {v.value: v.count for v in values} for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "notice": self.notice,
            "corrected_from": self.corrected_from,
            "expanded_with": list(self.expanded_with),
            "page": self.request.page,
            "page_size": self.request.page_size,
            "page_count": self.page_count,
        }


def _passage_json(passage: Passage) -> dict:
    return {"number": passage.number, "page": passage.page, "start": passage.start,
            "end": passage.end, "score": round(passage.score, 4),
            "snippet": passage.snippet}


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

    def _question(self, request: SearchRequest, limit: int, detail_from: int
                  ) -> EngineQuery:
        years = None
        if request.year_from is not None or request.year_to is not None:
            years = (request.year_from or 0, request.year_to or 9999)
        expand = self._synonyms.expander().expand if request.synonyms else None
        return EngineQuery(request.query, expand, words="most",
                           filters=request.filters, years=years,
                           order=request.sort if request.sort in ("date", "added")
                           else "relevance",
                           limit=limit, detail_from=detail_from)

    def _search(self, snap: IndexSnapshot, request: SearchRequest) -> SearchResponse:
        """The search as typed; if that finds nothing and a spelling correction of its
        plain words does, the corrected search, which says what was typed."""
        response = self._search_as_typed(snap, request)
        correction = _correction(request, response.suggestion)
        if correction is None:
            return response
        corrected = self._search_as_typed(snap, replace(request, query=correction))
        if not corrected.total:  # the filters, not the spelling, leave nothing
            return response
        return replace(corrected, request=request, suggestion=None,
                       corrected_from=request.query)

    def _search_as_typed(self, snap: IndexSnapshot, request: SearchRequest
                         ) -> SearchResponse:
        if request.view == "passages":
            return self._passages_view(snap, request)
        end = request.page * request.page_size
        answer, suggestion = self._answer(snap, self._question(
            request, end, end - request.page_size))
        hits = [_make_hit(hit) for hit in answer.hits[end - request.page_size:end]]
        facets = _facets(answer)
        return SearchResponse(request, answer.total, hits, facets, suggestion,
                              answer.notice, answer.generation, query=request.query,
                              expanded_with=self._expansions(request))

    def _passages_view(self, snap: IndexSnapshot, request: SearchRequest
                       ) -> SearchResponse:
        """The best passages of the best PASSAGE_DOCUMENTS documents, best first:
        passages holding more of the query's words first, then the better document."""
        answer, suggestion = self._answer(snap, self._question(request, PASSAGE_DOCUMENTS, 0))
        facets = _facets(answer)
        found = []
        for rank, engine_hit in enumerate(answer.hits):
            hit = _make_hit(engine_hit, PASSAGES_PER_DOCUMENT)
            found.extend((passage.score, -rank, PassageHit(hit, passage))
                         for passage in hit.passages)
        found.sort(key=lambda entry: (-entry[0], -entry[1]))
        end = request.page * request.page_size
        page = [entry[2] for entry in found[end - request.page_size:end]]
        return SearchResponse(request, len(found), [], facets, suggestion, answer.notice,
                              answer.generation, query=request.query,
                              expanded_with=self._expansions(request), passages=page)

    def _expansions(self, request: SearchRequest) -> tuple[str, ...]:
        """The alternatives the synonym list adds to the query, each once."""
        if not request.synonyms:
            return ()
        found = self._synonyms.expander().expansions(request.query)
        return tuple(dict.fromkeys(alt for expansion in found
                                   for alt in expansion.alternatives))

    def _answer(self, snap: IndexSnapshot, question: EngineQuery
                ) -> tuple[EngineAnswer, str | None]:
        """The engine's answer (plain words: documents holding most of the query's
        weight), widened to any of the words when none holds most of it, a notice
        when no document holds them all, and a spelling suggestion when the words
        found little."""
        answer = snap.answer(question)
        # Spelling help only where the user's words found little (it costs a scan of
        # the vocabulary per unknown word).
        if answer.everything or answer.complete >= BROADEN_BELOW:
            return answer, None
        suggestion = _suggestion(snap, question.text)
        if answer.widenable and answer.matched < WIDEN_BELOW:
            wider = snap.answer(replace(question, words="any"))
            if wider.matched > answer.matched:
                answer = wider
        if answer.widenable and not answer.complete and answer.matched:
            answer = replace(answer, notice=NOTICE_NONE_WITH_ALL)
        return answer, suggestion

    def ranked_paths(self, request: SearchRequest, limit: int
                     ) -> tuple[int, list[str], str]:
        """How many documents answer `request`, the corpus paths of the best `limit` in
        order, and the query that was searched (its spelling correction, as on the
        result page): the first step of an export, which then fetches its rows in
        parts (`export_rows`), so a long list is streamed, not built in memory."""
        def ranked(snap: IndexSnapshot) -> tuple[int, list[str], str]:
            answer, suggestion = self._answer(snap, self._question(request, limit, limit))
            correction = _correction(request, suggestion)
            if correction is not None:
                corrected, _again = self._answer(snap, self._question(
                    replace(request, query=correction), limit, limit))
                if corrected.total:
                    return corrected.total, [hit.path for hit in corrected.hits], correction
            return answer.total, [hit.path for hit in answer.hits], request.query

        return self._on_snapshot(ranked)

    def export_rows(self, query: str, paths: list[str]) -> list[tuple[dict, list[int]]]:
        """Records of the documents at `paths` with the pages on which `query` matches,
        skipping documents that left the index since they were ranked (found by path,
        so a generation switch in between is harmless). No snippets: an export has no
        use for them."""
        answer = self._on_snapshot(lambda snap: snap.answer(self._located(query, paths)))
        return [({k: v for k, v in hit.record.items() if k not in EXPORT_SKIPS},
                 pages_for(hit.spans, hit.record["page_starts"]))
                for hit in answer.hits if hit.record is not None]

    def _located(self, query: str, paths: list[str]) -> EngineQuery:
        return EngineQuery(query, self._synonyms.expander().expand, paths=tuple(paths))

    def explain(self, query: str) -> Explanation:
        """How `query` is analysed and parsed (see kennisbank.explain)."""
        expander = self._synonyms.expander()
        (described, notice), analyzer = self._on_snapshot(
            lambda snap: (snap.describe(query, expander.expand), snap.analyzer()))
        return explain(analyzer, expander, query, described, notice)

    def word_analysis(self, query: str) -> Explanation:
        """How `query`'s words are analysed, without parsing the query again: all a
        result page's "Waarom gevonden?" needs (parsing expands wildcards, which an
        expensive request does in a worker process, not in the server thread)."""
        analyzer = self._on_snapshot(IndexSnapshot.analyzer)
        return explain(analyzer, self._synonyms.expander(), query, "", None)

    def document(self, doc_id: str) -> dict | None:
        return self._on_snapshot(lambda snap: snap.record_by_id(doc_id))

    def match_spans(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        """Character spans in the document's text that `query` matches (stemmed and
        expanded forms too), for highlighting a whole document, not just a snippet."""
        def spans(snap: IndexSnapshot) -> tuple[Span, ...]:
            record = snap.record_by_id(doc_id)
            if record is None:
                return ()
            answer = snap.answer(self._located(query, [record["path"]]))
            return answer.hits[0].spans if answer.hits else ()

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
            record = snap.record_by_id(doc_id)
            if record is None:
                return []
            text = f"{record['title']}\n{record['text'][:SIMILAR_TEXT_CHARS]}"
            cached = tuple(snap.similar_ids(doc_id, text, limit))
            with self._lock:
                if len(self._similar_cache) >= SIMILAR_CACHE_SIZE:
                    self._similar_cache.clear()
                self._similar_cache[key] = cached
        found = (snap.record_by_id(other) for other in cached)
        return [record for record in found if record is not None]

    def evidence(self, doc_id: str) -> Evidence | None:
        """The document's links between guidance and research passages, ready to
        show (kennisbank/evidence); None when there is no such document."""
        def shown(snap: IndexSnapshot) -> Evidence | None:
            record = snap.record_by_id(doc_id)
            if record is None:
                return None
            return shown_evidence(record, snap.evidence_links(doc_id), snap.record_by_id)

        return self._on_snapshot(shown)

    def suggest(self, text: str, limit: int = SUGGESTIONS) -> Suggestions:
        """Autocomplete for `text` as typed so far (kennisbank/autocomplete.py)."""
        if not worth_suggesting(text):
            return Suggestions(text)
        return self._on_snapshot(lambda snap: suggestions(snap, text, limit))

    def indexed_paths(self) -> set[str]:
        """The corpus paths the served generation holds (for the health report)."""
        return self._on_snapshot(IndexSnapshot.indexed_paths)

    def stats(self) -> dict:
        def counted(snap: IndexSnapshot) -> dict:
            totals = snap.facet_totals()
            counts = {name: dict(totals[name]) for name in ("type", "format")}
            return {"documents": snap.doc_count(), "generation": snap.generation, **counts}

        return self._on_snapshot(counted)


def _facets(answer: EngineAnswer) -> dict[str, list[FacetValue]]:
    """The answer's facet counts as the pages and the JSON show them."""
    return {name: _facet_values(counts, answer.selected.get(name, set()), name)
            for name, counts in answer.facets.items()}


def _facet_values(counter: Mapping[str, int], selected: set[str], name: str
                  ) -> list[FacetValue]:
    if name == "year":
        ordered = sorted(counter, key=lambda v: v, reverse=True)
    else:
        ordered = sorted(counter, key=lambda v: (-counter[v], fold(v)))
    values = [FacetValue(v, counter[v], v in selected) for v in ordered]
    values.extend(FacetValue(v, 0, True) for v in sorted(selected - set(counter)))
    return values


def _make_hit(hit: EngineHit, passages: int = BEST_PASSAGES) -> Hit:
    record, score, spans = hit.record or {}, hit.score, list(hit.spans)
    snippet_source = record["text"] or record.get("description", "")
    starts = tuple(record.get("passage_starts") or ()) or passage_starts(
        record["text"], record["page_starts"])  # a record indexed before passages
    best = best_passages(record["text"], starts, tuple(record["page_starts"]), spans,
                         passages)
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
        forms=found_forms(record["text"], spans),
        passages=best,
        added=record.get("added", ""),
        themes=tuple(record["themes"]),
    )


def found_forms(text: str, spans: list[Span]) -> dict[str, tuple[str, ...]]:
    """Per matched index term, the distinct forms (case-insensitive) the text has at
    its matches: `kindcentra` for the term `kindcentrum`, `ouderbetrokkenheid` for the
    compound part `betrokkenheid`. Bounded: the first MAX_SPANS_FOR_FORMS matches, at
    most MAX_FORMS_PER_TERM forms per term."""
    forms: dict[str, dict[str, str]] = {}
    for start, end, term in spans[:MAX_SPANS_FOR_FORMS]:
        seen = forms.setdefault(term, {})
        form = text[start:end]
        if len(seen) < MAX_FORMS_PER_TERM:
            seen.setdefault(form.lower(), form)
    return {term: tuple(seen.values()) for term, seen in forms.items()}


def _correction(request: SearchRequest, suggestion: str | None) -> str | None:
    """The query to search instead of `request`'s: its spelling suggestion, unless the
    user asked for the literal search or typed query syntax."""
    if suggestion is None or request.literal or not is_correctable(request.query):
        return None
    return suggestion


def is_correctable(text: str) -> bool:
    """Plain words only: quotes, operators, exclusions and fields are never corrected."""
    words = text.split()
    return bool(words) and plain_words(text) == text and not OPERATOR_WORDS & set(words)


def _suggestion(snap: IndexSnapshot, text: str) -> str | None:
    """"Bedoelde u": the query with each word that finds nothing, and is not in the
    unstemmed vocabulary, replaced by a close word that is. Operators and words with
    query syntax stay as typed; offered only when the corrected query finds results.
    It also helps a query that found something through its other words."""
    corrected, changed = [], False
    for word in text.split():
        folded = fold(word)
        if (word in OPERATOR_WORDS or not folded.isalpha() or snap.has_word(folded)
                or _matches(snap, word)):
            corrected.append(word)
            continue
        options = snap.corrections(folded)
        corrected.append(options[0] if options else word)
        changed = changed or bool(options)
    if not changed:
        return None
    candidate = " ".join(corrected)
    return candidate if _matches(snap, candidate) else None


def _matches(snap: IndexSnapshot, text: str) -> int:
    """How many documents hold all words of `text` (none for a query without words)."""
    answer = snap.answer(EngineQuery(text, limit=0, facets=False))
    return 0 if answer.everything else answer.matched
