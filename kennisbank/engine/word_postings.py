"""The `words` field's postings, collected by the index writer itself and written
only into the segment's posting arrays (posting_arrays.py), never through Whoosh.

Why: `words` (every distinct unstemmed word of a document, for autocomplete, "Bedoelde
u" and the exact-form boost) doubled the postings Whoosh's pure-Python writer handled
and took 60 % of its time (docs/performance.md, "Indexing"), while every reader of
the field already reads the arrays. Here the field's analysis is Whoosh's own
(`FieldType.index`, so terms, frequencies and weights are what Whoosh would have
written); what is kept per posting is three machine numbers instead of a tuple in a
pickled, sorted pool. Document lengths are stored rounded as Whoosh rounds them, and
the exact total beside them, so BM25F scores equal those Whoosh would give.
"""

from __future__ import annotations

from array import array as machine_array
from collections.abc import Iterator
from typing import Any

import numpy as np

from kennisbank.engine.posting_arrays import FieldArrays, Postings
from kennisbank.engine.whoosh_internals import quantized_length

FIELD = "words"


class WordPostings:
    """The `words` postings of one segment being written, in any document order."""

    def __init__(self, field: Any) -> None:
        """`field`: the schema's field object (its analyzer and format)."""
        self._field = field
        self._term_ids: dict[bytes, int] = {}
        # 12 bytes a posting: 50,000 documents of a 100k build in one writer process
        # hold about 35 million.
        self._terms = machine_array("i")
        self._docs = machine_array("i")
        self._weights = machine_array("f")
        self._lengths: dict[int, int] = {}  # document -> length as stored
        self.total = 0  # the field's total length, as Whoosh's segment records it

    def __len__(self) -> int:
        """How many documents were added."""
        return len(self._lengths)

    def add_document(self, docnum: int, value: str | None) -> None:
        """Analyse one document's field value, as Whoosh's add_document would."""
        length = 0
        if value:
            ids, terms, docs, weights = self._term_ids, self._terms, self._docs, self._weights
            for btext, frequency, weight, _value in self._field.index(value):
                terms.append(ids.setdefault(btext, len(ids)))
                docs.append(docnum)
                weights.append(weight)
                length += frequency
        self._lengths[docnum] = quantized_length(length)
        self.total += length

    def add_carried(self, field: FieldArrays, new_of_old: np.ndarray) -> None:
        """Documents carried over from an older segment's arrays (a merge):
        `new_of_old[old document]` is its number here, -1 where it is not carried.
        Like Whoosh's merge, the rounded lengths are carried and summed."""
        a = field.arrays
        blob, bounds = a["terms"].tobytes(), a["term_starts"].tolist()
        old_terms = np.repeat(np.arange(len(bounds) - 1), np.diff(a["starts"]))
        new_docs = new_of_old[a["docs"]]
        keep = new_docs >= 0
        local = {}
        for term in np.unique(old_terms[keep]).tolist():
            btext = blob[bounds[term]:bounds[term + 1]]
            local[term] = self._term_ids.setdefault(btext, len(self._term_ids))
        self._terms.extend(local[t] for t in old_terms[keep].tolist())
        self._docs.extend(new_docs[keep].tolist())
        self._weights.extend(a["weights"][keep].tolist())
        lengths = field.lengths()
        for old, new in enumerate(new_of_old.tolist()):
            if new >= 0:
                self._lengths[new] = int(lengths[old])
                self.total += int(lengths[old])

    def lengths(self, doc_count: int) -> np.ndarray:
        """Each document's length as stored (0 for one never added)."""
        found = np.zeros(doc_count, dtype=np.int64)
        for docnum, length in self._lengths.items():
            found[docnum] = length
        return found

    def postings(self) -> Iterator[tuple[bytes, Postings]]:
        """Every term with its postings, terms in byte order, documents ascending."""
        terms = list(self._term_ids)
        in_order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int64)
        rank[in_order] = np.arange(len(terms))
        keys = rank[np.frombuffer(self._terms, dtype=np.int32)]
        docs = np.frombuffer(self._docs, dtype=np.int32)
        order = np.lexsort((docs, keys))
        docs = docs[order]
        weights = np.frombuffer(self._weights, dtype=np.float32)[order]
        starts = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=len(terms)), out=starts[1:])
        for i, term in enumerate(in_order):
            first, end = int(starts[i]), int(starts[i + 1])
            yield terms[term], Postings(docs[first:end], weights[first:end], None, None)
