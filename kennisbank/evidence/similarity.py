"""How alike two passages are: cosine of their TF-IDF vectors over rare terms, times
the square root of how alike their documents are.

Why this measure: a guide and the report behind it share the rare words of their
subject (`ouderbetrokkenheid`, `toegangsrecht`), rarely their phrasing. IDF over all
passages favours those words; terms in more than MAX_DF_SHARE of the passages are
left out of the vectors altogether (they say little, and they are what makes an
all-pairs product expensive), and each vector is normalised over what remains.

The document factor: a passage means what its document is about. Without it a GIMP
guide's passage on layers met LibreOffice Draw's layer dialog, a guide on parents'
meetings a report on meeting rooms; with it (each document the normalised sum of its
passages' vectors) the judged links ranked better (ROC AUC 0.87 -> 0.90 on the 153
judged links, docs/evidence.md). It only lowers scores, so the pairs above the
threshold are found on the passages alone first.

All pairs above a threshold are found with an inverted list over the targets, in
chunks of query rows whose partial products are summed in a dense buffer of bounded
size: plain numpy, no per-pair Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kennisbank.evidence.arrays import ranges

# The shown threshold, calibrated on judged pairs (docs/evidence.md).
MIN_SCORE = 0.45  # precision@1 0.82 on 261 judged links; below it about 2 in 3
MAX_DF_SHARE = 0.05
MIN_DF_CAP = 20  # a small library keeps terms that 20 passages share
# ... and a large one drops terms in more than MAX_DF passages, whatever their share:
# the all-pairs work grows with the square of each kept term's passages, so with a
# cap by share alone 10 times the library cost 100 times the time (at 100k documents
# a quarter of an hour); with this cap it grows with the library (docs/evidence.md).
MAX_DF = 5000
# A passage with fewer distinct terms ("Voorbeelden:", one table row) says too little
# to be linked.
MIN_PASSAGE_TERMS = 8
PER_PASSAGE = 10  # partners kept per passage (of the query side), best first
BUFFER_CELLS = 4_000_000  # dense accumulator cells per chunk (32 MB of float64)


@dataclass(frozen=True)
class TermMatrix:
    """Rows of (term, weight), CSR-like: row i is entries indptr[i]:indptr[i+1]."""

    indptr: np.ndarray  # int64, rows + 1
    terms: np.ndarray  # int32
    weights: np.ndarray  # float32

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def row_of_entry(self) -> np.ndarray:
        return np.repeat(np.arange(self.rows, dtype=np.int64), np.diff(self.indptr))


def idf_weights(terms: np.ndarray, indptr: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """log(N / df) per term over passages (N: passages with any term); 0 for terms
    in more than MAX_DF_SHARE of them (or more than MAX_DF), which drops them from
    the vectors."""
    passages = max(1, int(np.count_nonzero(np.diff(indptr))))
    df = np.bincount(terms, minlength=vocabulary_size).astype(np.float64)
    with np.errstate(divide="ignore"):
        idf = np.log(passages / np.maximum(df, 1))
    idf[df > max(MIN_DF_CAP, min(MAX_DF_SHARE * passages, MAX_DF))] = 0.0
    return idf


def weigh(indptr: np.ndarray, terms: np.ndarray, counts: np.ndarray, idf: np.ndarray
          ) -> TermMatrix:
    """(1 + log tf) × idf, each row normalised to length 1; zero weights dropped."""
    log_tf = np.log(np.arange(256, dtype=np.float32).clip(1))  # counts are bytes
    weights = (1.0 + log_tf[counts]) * idf.astype(np.float32)[terms]
    keep = weights > 0
    kept_per_row = _row_sums(keep.astype(np.int64), indptr)
    weights = weights[keep]
    new_indptr = np.concatenate(([0], np.cumsum(kept_per_row))).astype(np.int64)
    squares = _row_sums(weights * weights, new_indptr)
    norms = np.sqrt(np.where(kept_per_row > 0, squares, 1.0)).astype(np.float32)
    weights /= np.repeat(norms, kept_per_row)
    return TermMatrix(new_indptr, terms[keep].astype(np.int32), weights)


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sum of each row's entries (0 for an empty row)."""
    sums = np.add.reduceat(np.append(values, values.dtype.type(0)), indptr[:-1])
    return np.where(np.diff(indptr) > 0, sums, 0)


def select_rows(matrix: TermMatrix, rows: np.ndarray) -> TermMatrix:
    """The given rows, in that order."""
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    lengths = ends - starts
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    entries = ranges(starts, lengths)
    return TermMatrix(indptr, matrix.terms[entries], matrix.weights[entries])


@dataclass(frozen=True)
class Pairs:
    """Scored pairs: query row, target row, cosine."""

    queries: np.ndarray  # int64
    targets: np.ndarray  # int64
    scores: np.ndarray  # float32

    @classmethod
    def empty(cls) -> Pairs:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))


class _Inverted:
    """The targets by term: which rows hold each term, with what weight."""

    def __init__(self, targets: TermMatrix, vocabulary_size: int) -> None:
        order = np.argsort(targets.terms, kind="stable")
        self.rows = targets.row_of_entry()[order]
        self.weights = targets.weights[order]
        counts = np.bincount(targets.terms, minlength=vocabulary_size)
        self.starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.size = targets.rows


def pairs_above(queries: TermMatrix, targets: TermMatrix, vocabulary_size: int,
                threshold: float, per_query: int = PER_PASSAGE) -> Pairs:
    """Every (query, target) pair with cosine ≥ threshold, at most `per_query` per
    query row (the best)."""
    if queries.rows == 0 or targets.rows == 0:
        return Pairs.empty()
    inverted = _Inverted(targets, vocabulary_size)
    chunk = max(1, BUFFER_CELLS // inverted.size)
    found = [_chunk_pairs(queries, inverted, begin, min(begin + chunk, queries.rows),
                          threshold, per_query)
             for begin in range(0, queries.rows, chunk)]
    return Pairs(*(np.concatenate(parts) for parts in zip(*found, strict=True)))


def _chunk_pairs(queries: TermMatrix, inverted: _Inverted, begin: int, end: int,
                 threshold: float, per_query: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first, last = queries.indptr[begin], queries.indptr[end]
    terms = queries.terms[first:last]
    lengths = inverted.starts[terms + 1] - inverted.starts[terms]
    entries = ranges(inverted.starts[terms], lengths)
    local_rows = np.repeat(np.arange(begin, end) - begin, np.diff(queries.indptr[begin:end + 1]))
    keys = np.repeat(local_rows, lengths) * inverted.size + inverted.rows[entries]
    products = np.repeat(queries.weights[first:last], lengths) * inverted.weights[entries]
    sums = np.bincount(keys, weights=products, minlength=(end - begin) * inverted.size)
    hits = np.flatnonzero(sums >= threshold)
    query_rows, target_rows, scores = hits // inverted.size, hits % inverted.size, sums[hits]
    keep = best_per_group(query_rows, scores, per_query)
    return (query_rows[keep] + begin, target_rows[keep],
            np.minimum(scores[keep], 1.0).astype(np.float32))


def best_per_group(groups: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of at most `limit` best scores per group value."""
    order = np.lexsort((-scores, groups))
    sorted_groups = groups[order]
    first_of_group = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.arange(len(order)) - first_of_group
    return order[rank < limit]


def document_vectors(matrix: TermMatrix, doc_ptr: np.ndarray, docs: np.ndarray,
                     vocabulary_size: int) -> TermMatrix:
    """Row i: document docs[i] as the normalised sum of its passages' vectors."""
    docs = np.asarray(docs, dtype=np.int64)
    passages = doc_ptr[docs + 1] - doc_ptr[docs]
    sub = select_rows(matrix, ranges(doc_ptr[docs], passages))
    owner = np.repeat(np.repeat(np.arange(len(docs)), passages), np.diff(sub.indptr))
    keys, inverse = np.unique(owner * vocabulary_size + sub.terms, return_inverse=True)
    sums = np.bincount(inverse, weights=sub.weights).astype(np.float32)
    rows = keys // vocabulary_size
    indptr = np.searchsorted(rows, np.arange(len(docs) + 1)).astype(np.int64)
    norms = np.sqrt(_row_sums(sums * sums, indptr))
    sums /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(indptr)).astype(np.float32)
    return TermMatrix(indptr, (keys % vocabulary_size).astype(np.int32), sums)


def pair_cosines(left: TermMatrix, left_rows: np.ndarray, right: TermMatrix,
                 right_rows: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """cos(left[left_rows[i]], right[right_rows[i]]) for each i: the left row spread
    into a dense vector once per distinct row, the right rows gathered against it (the
    side with fewer distinct rows is spread: in an incremental run, the changed
    documents)."""
    if len(np.unique(right_rows)) < len(np.unique(left_rows)):
        left, left_rows, right, right_rows = right, right_rows, left, left_rows
    result = np.zeros(len(left_rows), dtype=np.float32)
    dense = np.zeros(vocabulary_size, dtype=np.float32)
    order = np.argsort(left_rows, kind="stable")
    bounds = np.flatnonzero(np.diff(left_rows[order])) + 1
    for group in np.split(order, bounds) if len(order) else ():
        row = left_rows[group[0]]
        first, last = left.indptr[row], left.indptr[row + 1]
        dense[left.terms[first:last]] = left.weights[first:last]
        others = right_rows[group]
        starts, lengths = right.indptr[others], right.indptr[others + 1] - right.indptr[others]
        entries = ranges(starts, lengths)
        products = dense[right.terms[entries]] * right.weights[entries]
        result[group] = _row_sums(products, np.concatenate(([0], np.cumsum(lengths))))
        dense[left.terms[first:last]] = 0.0
    return result
