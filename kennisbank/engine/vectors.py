"""Whole-index arrays for one generation: BM25F scores of every matching document as
numpy vectors, instead of Whoosh's one-document-at-a-time loops in Python.

Why: a result page needs the exact total, counts for every facet and the best hits, so
every matching document must be found and scored. Whoosh does that per document in
Python (several microseconds each), and common words match half of a large library.
Here a term's postings are read once per generation, block by block, turned into BM25F
scores with Whoosh's own formula and statistics, and cached; a query is then a few
vector operations over all documents. Query types this module does not evaluate itself
are scored by Whoosh (`searcher.search(limit=None)`), so the results do not depend on
which path ran. Scores equal Whoosh's up to the order of floating-point additions.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from kennisbank.engine.document_columns import (
    ADDED_FIELD,
    DATE_FIELD,
    live_documents,
    load_document_columns,
    number_column,
    path_ranks,
)
from kennisbank.engine.facets import FacetColumns
from kennisbank.engine.posting_arrays import SUFFIX as ARRAYS_SUFFIX
from kennisbank.engine.posting_arrays import Postings, SegmentArrays
from kennisbank.engine.whoosh_internals import (
    block_at,
    inline_postings,
    posting_blocks,
    raw_matcher,
)
from kennisbank.engine.word_postings import FIELD as ARRAYS_ONLY_FIELD
from kennisbank.evidence.links import EvidenceLinks

# Scored postings of the most recently used terms (12 bytes per posting: a word in
# half of a 100k-document library takes 0.6 MB). With the posting arrays a term missing
# from it costs a few vector operations, so a smaller budget keeps memory down.
TERM_CACHE_BYTES = 48 * 1024 * 1024
# Decoded posting blocks (positions) of the most recently shown documents: the
# proximity re-rank and the snippets read a block of up to 128 postings for each
# document, and the best documents for common words recur across searches.
BLOCK_CACHE_BYTES = 32 * 1024 * 1024
# Documents of the most recently used phrases (a phrase's positions are checked
# document by document, the slowest part of a query).
PHRASE_CACHE_ENTRIES = 256


@dataclass(frozen=True)
class PostingBlocks:
    """Where each posting block of a term starts in one segment's postings file, and
    the last document of each block: a document's positions are then read from its
    own block, instead of walking every block before it (Whoosh's skip_to)."""

    starts: tuple[int, ...]
    last_ids: np.ndarray  # segment-local document numbers


@dataclass(frozen=True)
class TermPostings:
    docs: np.ndarray  # live document numbers
    scores: np.ndarray  # BM25F (Whoosh's) per document
    blocks: dict[int, PostingBlocks | None]  # segment offset -> blocks (None: inline)


@dataclass(frozen=True)
class TermPositions:
    """Where a term occurs, from the posting arrays: `docs` (sorted document numbers,
    deleted ones included), `offsets` (where each one's positions start in `flat`; one
    more than `docs`) and `flat`, the positions in a row."""

    docs: np.ndarray
    offsets: np.ndarray
    flat: np.ndarray

    def occurrence_keys(self, docnums: np.ndarray) -> np.ndarray:
        """`document << 32 | position` of every occurrence in `docnums` (sorted, each
        holding the term): one sorted array to match phrases with."""
        index = np.searchsorted(self.docs, docnums)
        begin, count = self.offsets[index], self.offsets[index + 1] - self.offsets[index]
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        positions = self.flat[np.repeat(begin, count) + within].astype(np.uint64)
        return (np.repeat(docnums.astype(np.uint64), count) << np.uint64(32)) | positions

    def of(self, docnum: int) -> np.ndarray:
        i = int(np.searchsorted(self.docs, docnum))
        if i == len(self.docs) or self.docs[i] != docnum:
            return self.flat[:0]
        return self.flat[self.offsets[i]:self.offsets[i + 1]]


@dataclass(frozen=True)
class Scored:
    """Which documents match (`mask`) and their scores (0 where they do not)."""

    mask: np.ndarray
    scores: np.ndarray

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.mask))


def best(scores: np.ndarray, allowed: np.ndarray, limit: int, tiebreak: np.ndarray
         ) -> list[tuple[int, float]]:
    """The `limit` allowed documents with the highest score; equal scores in
    `tiebreak` order (the documents' paths: the same order whatever segments the
    index happens to consist of, so results are reproducible)."""
    docs = np.flatnonzero(allowed)
    if limit <= 0 or not len(docs):
        return []
    keys = scores[docs]
    if limit < len(docs):
        cutoff = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        docs, keys = docs[keys >= cutoff], keys[keys >= cutoff]
    order = np.lexsort((tiebreak[docs], -keys))[:limit]
    return [(int(docs[i]), float(keys[i])) for i in order]


def newest(dates: np.ndarray, scores: np.ndarray, allowed: np.ndarray, limit: int,
           tiebreak: np.ndarray) -> list[tuple[int, float]]:
    """The `limit` allowed documents with the latest date (undated last), each with
    its score."""
    ranked = best(dates.astype(np.float64), allowed, limit, tiebreak)
    return [(docnum, float(scores[docnum])) for docnum, _date in ranked]


class GenerationArrays:
    """Arrays of one generation, built lazily from any of its searchers and shared by
    all snapshots of that generation (so by all request threads)."""

    def __init__(self, searcher: Searcher, cache_bytes: int = TERM_CACHE_BYTES,
                 block_cache_bytes: int = BLOCK_CACHE_BYTES, folder: Path | None = None
                 ) -> None:
        """`folder`: the generation's folder, where its segments' posting arrays are
        (posting_arrays.py); without it every term is decoded from Whoosh's blocks."""
        self._folder = folder
        self._segment_arrays: dict[str, SegmentArrays | None] = {}
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self._columns = (load_document_columns(folder, self.size) if folder is not None
                         else None)
        self.live = (self._columns.live if self._columns is not None
                     else live_documents(reader))
        self._terms = _BoundedCache(cache_bytes, _size)
        self._lengths: dict[str, np.ndarray] = {}
        self._totals: dict[str, int] = {}
        self._dates: np.ndarray | None = None
        self._added: np.ndarray | None = None
        self._date_order: np.ndarray | None = None
        self._facets: FacetColumns | None = None
        self._path_order: np.ndarray | None = None
        self._phrases = _BoundedCache(PHRASE_CACHE_ENTRIES, _one)
        self._blocks = _BoundedCache(block_cache_bytes, _block_size)
        self._positions = _BoundedCache(block_cache_bytes, _positions_size)
        self._evidence: EvidenceLinks | None = None
        self._evidence_read = False
        self._lock = threading.Lock()

    def dates(self, searcher: Searcher) -> np.ndarray:
        """The sortable date column (0 where a document has none)."""
        if self._dates is None:
            self._dates = (self._columns.dates if self._columns is not None
                           else number_column(searcher.reader(), DATE_FIELD))
        return self._dates

    def added(self, searcher: Searcher) -> np.ndarray | None:
        """When each document first entered the index (seconds since 1970); None for
        a generation written before that was recorded (engine/added.py)."""
        if ADDED_FIELD not in searcher.schema:
            return None
        if self._added is None:
            self._added = (self._columns.added if self._columns is not None
                           and self._columns.added is not None
                           else number_column(searcher.reader(), ADDED_FIELD))
        return self._added

    def date_order(self, searcher: Searcher) -> np.ndarray:
        """Each document's rank by date, newest first, then by path: the tie-break
        between documents added to the index in the same run."""
        if self._date_order is None:
            ranked = np.lexsort((self.path_order(searcher), -self.dates(searcher)))
            order = np.empty(self.size, dtype=np.int64)
            order[ranked] = np.arange(self.size)
            self._date_order = order
        return self._date_order

    def path_order(self, searcher: Searcher) -> np.ndarray:
        """Each document's rank by path: the tie-break between equal scores or dates."""
        if self._path_order is None:
            self._path_order = (self._columns.path_rank if self._columns is not None
                                else path_ranks(searcher.reader()))
        return self._path_order

    def postings(self, searcher: Searcher, fieldname: str, btext: bytes
                 ) -> tuple[np.ndarray, np.ndarray, dict[int, PostingBlocks | None]]:
        """Live document numbers holding the term, their weights, and the blocks."""
        docs, weights, blocks, _frequency = self._postings(searcher, fieldname, btext)
        return docs, weights, blocks

    def _postings(self, searcher: Searcher, fieldname: str, btext: bytes
                  ) -> tuple[np.ndarray, np.ndarray, dict[int, PostingBlocks | None], int]:
        """`postings`, and the number of documents holding the term, deleted ones
        included (Whoosh's document frequency)."""
        docs, weights, blocks = read_postings(searcher.reader(), fieldname, btext,
                                              self.arrays_of)
        keep = self.live[docs]
        return docs[keep].astype(np.int32), weights[keep], blocks, len(docs)

    def term_positions(self, searcher: Searcher, fieldname: str, btext: bytes
                       ) -> TermPositions | None:
        """The term's positions over every segment, from the posting arrays; None
        when a segment that holds the term has none (read them the Whoosh way)."""
        key = ("positions", fieldname, btext)
        cached = self._positions.get(key)
        if cached is not None:
            return cached
        docs, counts, flats = [], [], []
        for leaf, offset in searcher.reader().leaf_readers():
            arrays = self.arrays_of(leaf)
            field = arrays.field(fieldname) if arrays is not None else None
            if field is None:
                return None
            postings = field.lookup(btext)
            if postings is None:
                continue
            if postings.positions is None:
                return None
            docs.append(postings.docs.astype(np.int64) + offset)
            counts.append(postings.positions[0].astype(np.int64))
            flats.append(postings.positions[1])
        if not docs:
            return None
        offsets = np.zeros(sum(map(len, counts)) + 1, dtype=np.int64)
        np.cumsum(np.concatenate(counts), out=offsets[1:])
        flat = flats[0] if len(flats) == 1 else np.concatenate(flats)  # one: a view
        found = TermPositions(np.concatenate(docs), offsets, flat)
        return self._positions.put(key, found)

    def arrays_of(self, leaf) -> SegmentArrays | None:
        """The segment's posting arrays, mapped once per generation; None when it has
        none or they cannot be read (the Whoosh way then gives the same answer)."""
        if self._folder is None:
            return None
        segment = leaf.segment().segment_id()
        with self._lock:
            if segment in self._segment_arrays:
                return self._segment_arrays[segment]
        path = self._folder / f"{segment}{ARRAYS_SUFFIX}"
        try:
            arrays = SegmentArrays(path)
        except (OSError, ValueError):
            arrays = None
        with self._lock:
            return self._segment_arrays.setdefault(segment, arrays)

    def term(self, searcher: Searcher, fieldname: str, btext: bytes) -> TermPostings:
        """A term's documents and BM25F scores, cached."""
        key = (fieldname, btext)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        docs, weights, blocks, frequency = self._postings(searcher, fieldname, btext)
        scores = self._bm25f(searcher, fieldname, btext, docs, weights, frequency)
        entry = TermPostings(docs, scores, blocks)
        return self._terms.put(key, entry)

    def posting_values(self, searcher: Searcher, fieldname: str, btext: bytes,
                       docnums: Iterable[int]) -> dict[int, bytes]:
        """The raw posting values (encoded positions) of the term in these documents,
        each read from its own block. Only blocks holding one of the documents are
        read (the cached postings say which documents hold the term at all), and
        decoded blocks are kept for the next search (see BLOCK_CACHE_BYTES)."""
        entry = self.term(searcher, fieldname, btext)
        wanted = np.unique(np.fromiter(docnums, dtype=np.int64))
        wanted = wanted[_contains(entry.docs, wanted)]
        found: dict[int, bytes] = {}
        for leaf, offset in searcher.reader().leaf_readers():
            local = wanted[(wanted >= offset) & (wanted < offset + leaf.doc_count_all())]
            if offset not in entry.blocks or not len(local):
                continue
            blocks = entry.blocks[offset]
            block_of = (np.searchsorted(blocks.last_ids, local - offset).tolist()
                        if blocks else [0] * len(local))
            reader = _BlockReader(leaf, fieldname, btext, blocks)
            for docnum, block in zip(local.tolist(), block_of, strict=True):
                ids, values = self._block(reader, offset, block)
                i = bisect_left(ids, docnum - offset)
                if i < len(ids) and ids[i] == docnum - offset:
                    found[docnum] = values[i]
        return found

    def _block(self, reader: _BlockReader, offset: int, block: int
               ) -> tuple[tuple[int, ...], tuple[bytes, ...]]:
        key = (reader.fieldname, reader.btext, offset, block)
        cached = self._blocks.get(key)
        if cached is not None:
            return cached
        return self._blocks.put(key, reader.read(block))

    def evidence(self) -> EvidenceLinks | None:
        """The generation's evidence links (kennisbank/evidence), loaded on first use;
        None when it has no evidence files."""
        with self._lock:
            if not self._evidence_read and self._folder is not None:
                self._evidence = EvidenceLinks.load(self._folder)
                self._evidence_read = True
            return self._evidence

    def facets(self, searcher: Searcher, fields: Iterable[str]) -> FacetColumns:
        """The facet fields' values per document, built once per generation."""
        if self._facets is None:
            reader = searcher.reader()
            postings = {
                name: [(_text(term), self.postings(searcher, name, term)[0])
                       for term in reader.lexicon(name)]
                for name in fields
            }
            self._facets = FacetColumns.from_postings(self.size, postings)
        return self._facets

    def cached_phrase(self, key: tuple) -> np.ndarray | None:
        return self._phrases.get(key)

    def cache_phrase(self, key: tuple, docs: np.ndarray) -> None:
        self._phrases.put(key, docs)

    def _bm25f(self, searcher: Searcher, fieldname: str, btext: bytes, docs: np.ndarray,
               weights: np.ndarray, frequency: int) -> np.ndarray:
        """Whoosh's BM25FScorer, term for term (see whoosh.scoring.bm25)."""
        if not searcher.schema[fieldname].scorable:
            return weights  # Whoosh's WeightScorer
        weighting = searcher.weighting
        b, k1 = weighting.B, weighting.K1
        idf, avgfl = self._statistics(searcher, fieldname, btext, frequency)
        lengths = self._field_lengths(searcher, fieldname)[docs]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))

    def _statistics(self, searcher: Searcher, fieldname: str, btext: bytes,
                    frequency: int) -> tuple[float, float]:
        """(idf, average field length) as Whoosh computes them; for the field only the
        posting arrays hold, from the arrays' document frequency and total length."""
        if fieldname != ARRAYS_ONLY_FIELD:
            return (searcher.idf(fieldname, btext),
                    searcher.avg_field_length(fieldname) or 1)
        documents = searcher.doc_count_all()
        idf = math.log(documents / (frequency + 1)) + 1  # whoosh.scoring.WeightingModel
        return idf, (self._total_length(searcher, fieldname) / (documents or 1)) or 1

    def _total_length(self, searcher: Searcher, fieldname: str) -> int:
        total = self._totals.get(fieldname)
        if total is None:
            total = 0
            for leaf, _offset in searcher.reader().leaf_readers():
                arrays = self.arrays_of(leaf)
                field = arrays.field(fieldname) if arrays is not None else None
                total += (field.total_length() or 0) if field is not None else 0
            self._totals[fieldname] = total
        return total

    def field_lengths(self, searcher: Searcher, fieldnames: Iterable[str]) -> None:
        """Read the fields' document lengths now (BM25F needs them)."""
        for fieldname in fieldnames:
            self._field_lengths(searcher, fieldname)

    def _field_lengths(self, searcher: Searcher, fieldname: str) -> np.ndarray:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = np.ones(self.size, dtype=np.float64)
            for leaf, offset in searcher.reader().leaf_readers():
                count = leaf.doc_count_all()
                arrays = self.arrays_of(leaf)
                field = arrays.field(fieldname) if arrays is not None else None
                stored = field.lengths() if field is not None else None
                if stored is not None and len(stored) == count:
                    lengths[offset:offset + count] = np.maximum(stored, 1)
                else:
                    lengths[offset:offset + count] = [
                        leaf.doc_field_length(docnum, fieldname, 1) or 1
                        for docnum in range(count)]
            with self._lock:
                self._lengths[fieldname] = lengths
        return lengths


SegmentArraysOf = Callable[[Any], SegmentArrays | None]


def read_postings(reader, fieldname: str, btext: bytes,
                  arrays_of: SegmentArraysOf = lambda _leaf: None
                  ) -> tuple[np.ndarray, np.ndarray, dict[int, PostingBlocks | None]]:
    """All (document number, weight) postings of a term over every segment, deleted
    documents included, and each segment's block layout: from the segment's posting
    arrays where it has them (`arrays_of`, posting_arrays.py), else decoded from
    Whoosh's blocks, a block at a time rather than a posting at a time."""
    all_docs, all_weights, blocks = [], [], {}
    for leaf, offset in reader.leaf_readers():
        found = _from_arrays(arrays_of(leaf), fieldname, btext, leaf.doc_count_all())
        if found is None:
            if (fieldname, btext) not in leaf:
                continue
            found = _matcher_postings(raw_matcher(leaf, fieldname, btext))
        elif not len(found[0]):
            continue
        docs, weights, blocks[offset] = found
        all_docs.append(docs + offset)
        all_weights.append(weights)
    if not all_docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), blocks
    return np.concatenate(all_docs), np.concatenate(all_weights), blocks


def _from_arrays(arrays: SegmentArrays | None, fieldname: str, btext: bytes,
                 segment_size: int
                 ) -> tuple[np.ndarray, np.ndarray, PostingBlocks | None] | None:
    """None when the segment has no arrays for the field (read it the Whoosh way);
    empty arrays when the term is not in the segment. A document number outside the
    segment means a damaged file: an error, so the reader checks the generation
    (numpy would quietly count a negative number from the end)."""
    field = arrays.field(fieldname) if arrays is not None else None
    if field is None:
        return None
    postings = field.lookup(btext)
    if postings is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), None
    docs = postings.docs
    if len(docs) and (int(docs.min()) < 0 or int(docs.max()) >= segment_size):
        raise ValueError(f"posting arrays of {fieldname}:{btext!r} point outside the "
                         "segment")
    blocks = None if postings.block_starts is None else PostingBlocks(
        postings.block_starts, postings.block_last.astype(np.int64))
    return (postings.docs.astype(np.int64), postings.weights.astype(np.float64), blocks)


def segment_postings(leaf, fieldname: str) -> Iterator[tuple[bytes, Postings]]:
    """Every term of a field in one segment with its postings, and their positions
    where the field keeps them (for posting_arrays), a term at a time."""
    fmt = leaf.schema[fieldname].format
    with_positions = fmt.supports("positions")
    for btext in leaf.lexicon(fieldname):
        matcher = raw_matcher(leaf, fieldname, btext)
        blocks = posting_blocks(matcher, values=with_positions)
        if blocks is None:
            ids, weights = inline_postings(matcher)
            _ids, values = inline_postings(raw_matcher(leaf, fieldname, btext), values=True)
            parts = [(None, None, ids, weights, values)]
        else:
            parts = list(blocks)
        docs = np.concatenate([np.asarray(p[2], dtype=np.int32) for p in parts])
        yield btext, Postings(
            docs, np.concatenate([np.asarray(p[3], dtype=np.float32) for p in parts]),
            None if blocks is None else tuple(p[0] for p in parts),
            None if blocks is None else np.asarray([p[1] for p in parts], dtype=np.int32),
            _positions(fmt, [v for p in parts for v in p[4]]) if with_positions else None)


def segment_lengths(leaf, fieldname: str) -> np.ndarray:
    """Each document's length in a field of one segment (for posting_arrays). Whoosh
    answers None, not 0, for a document whose field is empty."""
    return np.fromiter((leaf.doc_field_length(docnum, fieldname, 0) or 0
                        for docnum in range(leaf.doc_count_all())), dtype=np.int64,
                       count=leaf.doc_count_all())


def _positions(fmt, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(positions per posting, all positions in a row) of raw posting values."""
    decoded = [fmt.decode_positions(value) for value in values]
    counts = np.fromiter(map(len, decoded), dtype=np.uint32, count=len(decoded))
    flat = np.fromiter((p for ps in decoded for p in ps), dtype=np.uint32,
                       count=int(counts.sum()))
    return counts, flat


def _matcher_postings(matcher) -> tuple[np.ndarray, np.ndarray, PostingBlocks | None]:
    blocks = posting_blocks(matcher)
    if blocks is None:  # short posting lists are stored inline with the term
        ids, weights = inline_postings(matcher)
        return (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64),
                None)
    starts, last_ids, docs, weights = [], [], [], []
    for start, last_id, block_ids, block_weights, _values in blocks:
        starts.append(start)
        last_ids.append(last_id)
        docs.append(np.asarray(block_ids, dtype=np.int64))
        weights.append(np.asarray(block_weights, dtype=np.float64))
    return (np.concatenate(docs), np.concatenate(weights),
            PostingBlocks(tuple(starts), np.asarray(last_ids, dtype=np.int64)))


class _BoundedCache:
    """The most recently used entries within a budget of `size_of` units (bytes, or
    entries with `_one`; the newest entry stays even if it alone is larger), for the
    request threads together."""

    def __init__(self, budget: int, size_of: Callable[[Any], int]) -> None:
        self.bytes = 0
        self._budget = budget
        self._size_of = size_of
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> Any:
        """Keep `value` (or return the one another thread kept first)."""
        with self._lock:
            if key in self._entries:
                return self._entries[key]
            self._entries[key] = value
            self.bytes += self._size_of(value)
            while self.bytes > self._budget and len(self._entries) > 1:
                _key, old = self._entries.popitem(last=False)
                self.bytes -= self._size_of(old)
            return value


class _BlockReader:
    """Decodes posting blocks of one term in one segment; the matcher (a term lookup)
    is opened only when a block is not cached."""

    def __init__(self, leaf, fieldname: str, btext: bytes, blocks: PostingBlocks | None
                 ) -> None:
        self.leaf, self.fieldname, self.btext, self.blocks = leaf, fieldname, btext, blocks
        self._matcher = None

    def read(self, block: int) -> tuple[tuple[int, ...], tuple[bytes, ...]]:
        """(segment-local documents, values) of the block; an inline posting list is
        block 0."""
        if self._matcher is None:
            self._matcher = raw_matcher(self.leaf, self.fieldname, self.btext)
        matcher = self._matcher
        if self.blocks is None:
            ids, values = inline_postings(matcher, values=True)
            self._matcher = None  # consumed
            return tuple(ids), tuple(values)
        if block >= len(self.blocks.starts):
            return (), ()
        return block_at(matcher, self.blocks.starts[block])


def _positions_size(found: TermPositions) -> int:
    """Bytes held (a single segment's positions are a view of the mapped file, counted
    all the same: the budget stays an upper bound)."""
    return found.docs.nbytes + found.offsets.nbytes + found.flat.nbytes


def _one(_value: object) -> int:
    return 1


def _block_size(decoded: tuple[tuple[int, ...], tuple[bytes, ...]]) -> int:
    ids, values = decoded
    return 64 + 40 * len(ids) + sum(len(value) for value in values)


def _contains(sorted_docs: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of `docs` are in the sorted array (binary search, no sort of the whole
    posting list as np.isin would do)."""
    if not len(sorted_docs):
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_docs, docs), len(sorted_docs) - 1)
    return sorted_docs[at] == docs


def _size(entry: TermPostings) -> int:
    return entry.docs.nbytes + entry.scores.nbytes + 64 * len(entry.blocks)


class QueryVectors:
    """Evaluates a Whoosh query over a generation's arrays: the same documents and
    scores as Whoosh's matchers, including their quirks (a compound query with one
    subquery ignores its own boost; a negated clause scores 1; a multi-term query's
    one expansion is scored without the boost)."""

    def __init__(self, arrays: GenerationArrays, searcher: Searcher) -> None:
        self._arrays = arrays
        self._searcher = searcher
        self._reader = searcher.reader()

    def evaluate(self, q: wq.Query) -> Scored:
        scored = self._evaluate(q)
        return scored if scored is not None else self._by_whoosh(q)

    def _empty(self) -> Scored:
        size = self._arrays.size
        return Scored(np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64))

    def _by_whoosh(self, q: wq.Query) -> Scored:
        results = self._searcher.search(q, limit=None)
        scored = self._empty()
        pairs = np.array([(docnum, score or 0.0) for score, docnum in results.top_n],
                         dtype=np.float64).reshape(-1, 2)
        docs = pairs[:, 0].astype(np.int64)
        scored.mask[docs] = True
        scored.scores[docs] = pairs[:, 1]
        return scored

    def _evaluate(self, q: wq.Query) -> Scored | None:
        kind = type(q)
        if q is wq.NullQuery or kind is wq.NullQuery.__class__:
            return self._empty()
        if kind is wq.Term:
            scored = self._term(q.fieldname, q.text)
            return scored if scored is None or q.boost == 1.0 else _boosted(scored, q.boost)
        if kind in (wq.And, wq.Or):
            return self._compound(q)
        if kind in (wq.AndMaybe, wq.AndNot):
            return self._binary(q)
        if kind is wq.Not:
            inner = self._evaluate(q.query)
            if inner is None:
                return None
            mask = self._arrays.live & ~inner.mask
            return Scored(mask, mask.astype(np.float64))
        if kind is wq.Phrase:
            return self._phrase(q)
        if isinstance(q, wq.MultiTerm) and kind in (wq.Prefix, wq.Wildcard):
            return self._multiterm(q)
        return None

    def _term(self, fieldname: str, text) -> Scored | None:
        if fieldname not in self._searcher.schema:
            return self._empty()
        try:
            btext = text if isinstance(text, bytes) else (
                self._searcher.schema[fieldname].to_bytes(text))
        except ValueError:
            return self._empty()
        if fieldname != ARRAYS_ONLY_FIELD and (fieldname, btext) not in self._reader:
            return self._empty()
        postings = self._arrays.term(self._searcher, fieldname, btext)
        scored = self._empty()
        scored.mask[postings.docs] = True
        scored.scores[postings.docs] = postings.scores
        return scored

    def _compound(self, q: wq.And | wq.Or) -> Scored | None:
        subs = q.subqueries
        if not subs:
            return self._empty()
        if len(subs) == 1:
            return self._evaluate(subs[0])
        if isinstance(q, wq.Or) and q.scale is not None:
            return None
        parts = [self._evaluate(sub) for sub in subs]
        if any(part is None for part in parts):
            return None
        combine = np.logical_and if isinstance(q, wq.And) else np.logical_or
        mask = combine.reduce([part.mask for part in parts])
        scores = np.where(mask, np.sum([part.scores for part in parts], axis=0), 0.0)
        return _boosted(Scored(mask, scores), q.boost)

    def _binary(self, q: wq.AndMaybe | wq.AndNot) -> Scored | None:
        a, b = self._evaluate(q.a), self._evaluate(q.b)
        if a is None or b is None:
            return None
        if isinstance(q, wq.AndNot):
            mask = a.mask & ~b.mask
            return Scored(mask, np.where(mask, a.scores, 0.0))
        return Scored(a.mask, a.scores + np.where(a.mask & b.mask, b.scores, 0.0))

    def _phrase(self, q: wq.Phrase) -> Scored | None:
        """Documents where the words follow each other (within the slop), as Whoosh's
        SpanNear2 decides, scored as the sum of the words' scores (SpanNear2 wraps an
        intersection of the word matchers). The positions are checked only in the
        documents holding every word, and the answer is cached per generation."""
        words = [self._term(q.fieldname, word) for word in q.words]
        if not words or any(word is None or not word.mask.any() for word in words):
            return self._empty()
        candidates = np.logical_and.reduce([word.mask for word in words])
        key = (q.fieldname, tuple(q.words), q.slop)
        found = self._arrays.cached_phrase(key)
        if found is None:
            found = self._phrase_docs(q, np.flatnonzero(candidates))
            self._arrays.cache_phrase(key, found)
        mask = np.zeros(self._arrays.size, dtype=bool)
        mask[found] = True
        scores = np.where(mask, np.sum([word.scores for word in words], axis=0), 0.0)
        return _boosted(Scored(mask, scores), q.boost)

    def _phrase_docs(self, q: wq.Phrase, candidates: np.ndarray) -> np.ndarray:
        field = self._searcher.schema[q.fieldname]
        words = [self._arrays.term_positions(self._searcher, q.fieldname,
                                             field.to_bytes(word)) for word in q.words]
        if all(word is not None for word in words):
            return _phrase_in_arrays(words, candidates, q.slop)
        matchers = [self._reader.postings(q.fieldname, field.to_bytes(word))
                    for word in q.words]
        decode = field.format.decode_positions
        found = []
        for docnum in candidates.tolist():
            positions = []
            for matcher in matchers:
                matcher.skip_to(docnum)
                positions.append(decode(matcher.value()))
            if _in_sequence(positions, q.slop):
                found.append(docnum)
        return np.asarray(found, dtype=np.int64)

    def _multiterm(self, q: wq.MultiTerm) -> Scored | None:
        texts = [text for _fieldname, text in q.expanded_terms(self._reader) if text]
        if not texts:
            return self._empty()
        if len(texts) == 1:
            return self._term(q.fieldname, texts[0])
        return self._compound(wq.Or([wq.Term(q.fieldname, text) for text in texts],
                                    boost=q.boost))


def _phrase_in_arrays(words: list[TermPositions], candidates: np.ndarray, slop: int
                      ) -> np.ndarray:
    """The candidates in which some occurrence of each word follows one of the
    previous word within 1..slop positions (as `_in_sequence`), for all candidates at
    once."""
    reached = words[0].occurrence_keys(candidates)
    for word in words[1:]:
        following = word.occurrence_keys(candidates)
        wanted = reached + np.uint64(1) if slop == 1 else np.sort(np.concatenate(
            [reached + np.uint64(step) for step in range(1, slop + 1)]))
        reached = following[_sorted_members(wanted, following)]
        if not len(reached):
            break
    return np.unique(reached >> np.uint64(32)).astype(np.int64)


def _sorted_members(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Which needles occur in the sorted haystack: a binary search each, instead of
    np.isin's hashing (which took 40 % of a cold phrase search at 100k documents)."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool)
    index = np.minimum(np.searchsorted(haystack, needles), len(haystack) - 1)
    return haystack[index] == needles


def _in_sequence(positions: list[list[int]], slop: int) -> bool:
    """Whether some occurrence of each word follows one of the previous word within
    1..slop positions."""
    reached = set(positions[0])
    for following in positions[1:]:
        wanted = {p + step for p in reached for step in range(1, slop + 1)}
        reached = wanted.intersection(following)
        if not reached:
            return False
    return True


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _boosted(scored: Scored, boost: float) -> Scored:
    return scored if boost == 1.0 else Scored(scored.mask, scored.scores * boost)
