"""Read access to one published index generation: matching, ranking, facets, offsets.

A snapshot is used by one thread at a time (Whoosh readers seek shared file handles);
the search service keeps one per thread and per generation.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from kennisbank.analysis import DutchAnalyzer
from kennisbank.engine import answering
from kennisbank.engine.completion import (
    ArrayVocabulary,
    Vocabulary,
    WhooshVocabulary,
    complete,
)
from kennisbank.engine.contract import EngineAnswer, EngineQuery
from kennisbank.engine.corrections import VocabularyCorrector
from kennisbank.engine.facets import FacetColumns
from kennisbank.engine.query import (
    ParsedQuery,
    bounded_expansions,
    build_parser,
    parse_query,
)
from kennisbank.engine.ranking import BM25_B, BM25_K1
from kennisbank.engine.schema import FACET_MULTI
from kennisbank.engine.store import GenerationLease, open_generation
from kennisbank.engine.vectors import GenerationArrays, QueryVectors, Scored, best, newest
from kennisbank.evidence.links import DocumentLinks

MIN_CORRECTED_LENGTH = 4  # shorter words are too often abbreviations to correct
WARM_UP_QUERY = "kinderopvang in kindcentra"  # plural and compound: loads the word forms


class IndexSnapshot:
    def __init__(self, root: Path, generation: str,
                 arrays: GenerationArrays | None = None) -> None:
        """`arrays`: those of the same generation other snapshots already use."""
        self.generation = generation
        self._lease = GenerationLease(root, generation)
        try:
            searcher = open_generation(root, generation).searcher(
                weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
        except BaseException:
            self._lease.close()
            raise
        self._searcher = searcher
        # A snapshot nobody closed (e.g. a short-lived service) still closes its files
        # when it is garbage-collected, as its lease does.
        self._close_searcher = weakref.finalize(self, searcher.close)
        try:
            self.arrays = arrays if arrays is not None else GenerationArrays(
                searcher, folder=Path(root) / generation)
        except BaseException:
            self.close()
            raise
        self._parser = build_parser(searcher.schema)
        self._path_column = None
        self._facet_totals: dict[str, dict[str, int]] | None = None

    def close(self) -> None:
        self._close_searcher()
        self._lease.close()

    def analyzer(self) -> DutchAnalyzer:
        """The Dutch analyzer this generation was built with."""
        return self._searcher.schema["body"].analyzer.analyzer

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def answer(self, query: EngineQuery) -> EngineAnswer:
        """The door to the engine: total, hits, facet counts and match spans for one
        engine-independent query (kennisbank.engine.answering)."""
        return answering.answer(self, query)

    def describe(self, text: str, expand: Callable[[str], str] | None = None
                 ) -> tuple[str, str | None]:
        """The query as the engine reads it, and why if not as typed (for `kennisbank
        explain`)."""
        parsed = self.parse(text, expand)
        return str(parsed.highlight), parsed.notice

    def parse(self, text: str, expand: Callable[[str], str] | None = None) -> ParsedQuery:
        """The query, its wildcards bounded to words this generation holds."""
        parsed = parse_query(self._parser, text, expand)
        return bounded_expansions(parsed, self._searcher.reader(), self._vocabularies)

    def evaluate(self, q: wq.Query) -> Scored:
        """Every matching document with its score (all live documents for `Every`)."""
        if isinstance(q, wq.Every):
            return Scored(self.arrays.live.copy(), np.zeros(self.arrays.size))
        return QueryVectors(self.arrays, self._searcher).evaluate(q)

    def best(self, scored: Scored, allowed: np.ndarray, limit: int
             ) -> list[tuple[int, float]]:
        """The `limit` best-scoring documents among `allowed`."""
        return best(scored.scores, allowed, limit, self.arrays.path_order(self._searcher))

    def newest(self, scored: Scored, allowed: np.ndarray, limit: int
               ) -> list[tuple[int, float]]:
        """The `limit` most recent documents among `allowed`."""
        return newest(self.arrays.dates(self._searcher), scored.scores, allowed, limit,
                      self.arrays.path_order(self._searcher))

    def newest_added(self, scored: Scored, allowed: np.ndarray, limit: int
                     ) -> list[tuple[int, float]]:
        """The `limit` documents among `allowed` that entered the index last (those
        added in one run: newest date first). A generation that did not record when
        its documents came in answers by date."""
        added = self.arrays.added(self._searcher)
        if added is None:
            return self.newest(scored, allowed, limit)
        return newest(added, scored.scores, allowed, limit,
                      self.arrays.date_order(self._searcher))

    def warm(self) -> None:
        """Build the generation's arrays every search uses, and load the word lists
        analysing a query needs (once per process: 0.1 s)."""
        self.analyzer().terms(WARM_UP_QUERY, mode="query")
        self.facets()
        self.arrays.dates(self._searcher)
        if self.arrays.added(self._searcher) is not None:
            self.arrays.date_order(self._searcher)
        self.arrays.path_order(self._searcher)
        schema = self._searcher.schema
        self.arrays.field_lengths(self._searcher,
                                  [name for name, field in schema.items() if field.scorable])

    def probe(self, words: int = 20) -> bool:
        """A real search that must find a known answer: the first live document by its
        id, and by the rarest of its first `words` words (cheap: a short posting list).
        False when the index gives a wrong answer."""
        live = np.flatnonzero(self.arrays.live)
        if not live.size:
            return True
        docnum = int(live[0])
        record = self.record(docnum)
        if self.docnum_for_id(record["id"]) != docnum:
            return False
        reader = self._searcher.reader()
        tokens = list(islice(self._searcher.schema["body"].analyzer(record["text"][:2000]),
                             words))
        if not tokens:
            return True
        rarest = min((token.text for token in tokens),
                     key=lambda text: reader.doc_frequency("body", text))
        return bool(self.evaluate(wq.Term("body", rarest)).mask[docnum])

    def live(self) -> np.ndarray:
        """Which document numbers are live (not deleted) documents."""
        return self.arrays.live

    def facets(self) -> FacetColumns:
        return self.arrays.facets(self._searcher, FACET_MULTI)

    def record(self, docnum: int) -> dict:
        return self._searcher.stored_fields(docnum)["record"]

    def record_by_id(self, doc_id: str) -> dict | None:
        docnum = self.docnum_for_id(doc_id)
        return None if docnum is None else self.record(docnum)

    def docnum_for_id(self, doc_id: str) -> int | None:
        return self._searcher.document_number(id=doc_id)

    def paths_of(self, docnums: Iterable[int]) -> list[str]:
        """Corpus paths (unique per document) from a column: a stable key for a ranked
        list that reads no stored record. The column reader is opened once per
        snapshot: opening reads every segment's offset table (~3 ms at 10k)."""
        if self._path_column is None:
            self._path_column = self._searcher.reader().column_reader("path")
        return [self._path_column[docnum] for docnum in docnums]

    def facet_totals(self) -> dict[str, dict[str, int]]:
        """Facet value -> documents, over the whole generation (kept per snapshot)."""
        if self._facet_totals is None:
            self._facet_totals = self.answer(EngineQuery(limit=0)).facets
        return self._facet_totals

    def docnum_for_path(self, path: str) -> int | None:
        return self._searcher.document_number(path=path)

    def indexed_paths(self) -> set[str]:
        """The corpus paths of the live documents (from a column: no stored text read)."""
        reader = self._searcher.reader()
        paths = reader.column_reader("path")
        return {paths[docnum] for docnum in reader.all_doc_ids()}

    def all_records(self) -> Iterable[dict]:
        reader = self._searcher.reader()
        for docnum in reader.all_doc_ids():
            yield reader.stored_fields(docnum)["record"]

    def match_spans(self, docnum: int, q: wq.Query, fieldname: str = "body"
                    ) -> list[tuple[int, int, str]]:
        """Where the query matches in one document (see `match_spans_many`)."""
        return self.match_spans_many([docnum], q, fieldname)[docnum]

    def occurrences(self, fieldname: str = "body") -> Occurrences:
        """A reader of term positions, to share between the steps of one search (the
        proximity re-rank and the snippets read the same blocks)."""
        return Occurrences(self.arrays, self._searcher, fieldname)

    def match_spans_many(self, docnums: Iterable[int], q: wq.Query, fieldname: str = "body",
                         found: Occurrences | None = None
                         ) -> dict[int, list[tuple[int, int, str]]]:
        """Where the query matches in each document: (start, end, term) character spans,
        from the postings, so a 500-page report costs no more than a page. A phrase
        contributes only the places where its words stand together. The positions of
        each term are read from the block holding the document: cheap for the ten hits
        of a page, however long the posting lists."""
        leaves = [leaf for leaf in q.leaves() if leaf.field() == fieldname]
        terms = {term for leaf in leaves if not isinstance(leaf, wq.Phrase)
                 for term in self._expanded_terms(leaf, fieldname)}
        phrases = [leaf for leaf in leaves if isinstance(leaf, wq.Phrase)]
        docnums = sorted(set(docnums))
        found = found or self.occurrences(fieldname)
        for term in {*terms, *(word for phrase in phrases for word in phrase.words)}:
            found.read(term, docnums)
        result = {}
        for docnum in docnums:
            spans = {(start, end, term) for term in terms
                     for _pos, start, end in found.occurrences(docnum, term)}
            for phrase in phrases:
                spans.update(_phrase_spans(docnum, phrase, found))
            result[docnum] = sorted(spans)
        return result

    def close_together(self, docnums: Iterable[int], terms: tuple[str, ...], slop: int,
                       fieldname: str = "body", found: Occurrences | None = None
                       ) -> set[int]:
        """The documents in which all `terms` occur within a window of
        len(terms) - 1 + slop positions."""
        docnums = sorted(set(docnums))
        field = self._searcher.schema[fieldname]
        arrays = [self.arrays.term_positions(self._searcher, fieldname, field.to_bytes(term))
                  for term in terms]
        if all(found_term is not None for found_term in arrays):
            def positions(docnum: int, index: int) -> Iterable[int]:
                return arrays[index].of(docnum).tolist()
        else:
            found = found or self.occurrences(fieldname)
            for term in terms:
                found.read(term, docnums)

            def positions(docnum: int, index: int) -> Iterable[int]:
                return (pos for pos, _start, _end in found.occurrences(docnum, terms[index]))
        close = set()
        for docnum in docnums:
            occurrences = sorted((pos, index) for index in range(len(terms))
                                 for pos in positions(docnum, index))
            if _smallest_window(occurrences, len(terms)) <= len(terms) - 1 + slop:
                close.add(docnum)
        return close

    def _expanded_terms(self, leaf: wq.Query, fieldname: str) -> list[str]:
        # Not Query.existing_terms(): in Whoosh 2.7 its loop variable shadows the
        # `fieldname` argument, so only the first field's terms come back.
        reader = self._searcher.reader()
        return [text.decode("utf-8") if isinstance(text, bytes) else text
                for name, text in leaf.expanded_terms(reader, phrases=True)
                if name == fieldname and (name, text) in reader]


    def complete_words(self, prefix: str, limit: int, skip: frozenset[str] = frozenset(),
                       fieldname: str = "words") -> list[tuple[str, int]]:
        """Words of the unstemmed vocabulary starting with `prefix` (folded), each with
        the number of documents holding it, the most frequent first."""
        return complete(self._vocabularies(fieldname), prefix, limit, skip)

    def _vocabularies(self, fieldname: str) -> list[Vocabulary]:
        """Each segment's vocabulary of the field: from its posting arrays where it has
        them, else from Whoosh's term index."""
        vocabularies: list[Vocabulary] = []
        for leaf, _base in self._searcher.reader().leaf_readers():
            segment = self.arrays.arrays_of(leaf)
            field = segment.field(fieldname) if segment is not None else None
            vocabularies.append(ArrayVocabulary(field) if field is not None
                                else WhooshVocabulary(leaf, fieldname))
        return vocabularies

    def has_word(self, word: str, fieldname: str = "words") -> bool:
        """Whether the unstemmed vocabulary holds `word` (folded)."""
        btext = word.encode("utf-8")
        return any(segment.frequency(btext) for segment in self._vocabularies(fieldname))

    def corrections(self, word: str, limit: int = 3, fieldname: str = "words") -> list[str]:
        """Close words from the unstemmed vocabulary, most frequent first."""
        corrector = VocabularyCorrector(self._vocabularies(fieldname))
        # Misspellings rarely start wrong; a two-letter prefix keeps the scan short.
        # (Whoosh's automaton fails on a prefix longer than the word.)
        if len(word) < MIN_CORRECTED_LENGTH:
            return []
        return list(corrector.suggest(word, limit=limit, maxdist=2, prefix=2))

    def evidence_links(self, doc_id: str) -> DocumentLinks:
        """The document's links between guidance and research passages."""
        evidence = self.arrays.evidence()
        return DocumentLinks.none() if evidence is None else evidence.of(doc_id)

    def similar_ids(self, doc_id: str, text: str, limit: int) -> list[str]:
        """Ids of documents sharing the key terms of `text`, best first, the document
        itself left out. The body is not stored, so the caller passes the record's
        text."""
        docnum = self.docnum_for_id(doc_id)
        if docnum is None or limit <= 0 or not text.strip():
            return []
        results = self._searcher.more_like(docnum, "body", text=text, top=limit, numterms=12)
        return [self.record(hit.docnum)["id"] for hit in results]


def _smallest_window(occurrences: list[tuple[int, int]], wanted: int) -> float:
    """Width in positions of the smallest window holding each of `wanted` terms, given
    (position, term index) pairs sorted by position; infinite if a term is missing."""
    best, seen, left = math.inf, Counter(), 0
    for position, term in occurrences:
        seen[term] += 1
        while len(seen) == wanted:
            best = min(best, position - occurrences[left][0])
            gone = occurrences[left][1]
            seen[gone] -= 1
            if not seen[gone]:
                del seen[gone]
            left += 1
    return best


class Occurrences:
    """Where terms occur in a few documents, each read from the posting block that
    holds the document (see GenerationArrays.posting_values). `read` a term's
    documents together first; a document asked for without that is read alone."""

    def __init__(self, arrays: GenerationArrays, searcher: Searcher, fieldname: str
                 ) -> None:
        self._arrays = arrays
        self._searcher = searcher
        self._fieldname = fieldname
        self._format = searcher.schema[fieldname].format
        self._values: dict[str, dict[int, bytes]] = {}
        self._read: dict[str, set[int]] = {}

    def read(self, term: str, docnums: Iterable[int]) -> None:
        """Read the term's positions in these documents (those not read yet)."""
        read = self._read.setdefault(term, set())
        wanted = set(docnums) - read
        if wanted:
            self._values.setdefault(term, {}).update(self._posting_values(term, wanted))
            read.update(wanted)

    def occurrences(self, docnum: int, term: str) -> list[tuple[int, int, int]]:
        """(position, start, end) of every occurrence of `term` in the document."""
        self.read(term, (docnum,))
        value = self._values[term].get(docnum)
        return [] if value is None else self._format.decode_as("characters", value)

    def _posting_values(self, term: str, docnums: set[int]) -> dict[int, bytes]:
        btext = self._searcher.schema[self._fieldname].to_bytes(term)
        if (self._fieldname, btext) not in self._searcher.reader():
            return {}
        return self._arrays.posting_values(self._searcher, self._fieldname, btext, docnums)


def _phrase_spans(docnum: int, phrase: wq.Phrase, found: Occurrences
                  ) -> list[tuple[int, int, str]]:
    occurrences = [{pos: (start, end) for pos, start, end in
                    found.occurrences(docnum, word)} for word in phrase.words]
    if not occurrences or not all(occurrences):
        return []
    key = " ".join(phrase.words)
    spans = []
    for first in occurrences[0]:
        chain = [first]
        for positions in occurrences[1:]:
            following = [p for p in positions if 0 < p - chain[-1] <= phrase.slop]
            if not following:
                break
            chain.append(min(following))
        if len(chain) == len(occurrences):
            spans.extend((*occurrences[i][pos], key) for i, pos in enumerate(chain))
    return spans
