"""Completions of a word being typed, from the index's own vocabulary of unstemmed,
folded word forms (the `words` field), the most frequent first.

Why from the posting arrays: each segment's terms are stored there sorted, with where
each term's postings start, so the words beginning with a prefix are one binary search
away and their document frequencies one `np.diff`: no Python object per vocabulary
entry, nothing to build when a generation is opened, the same cost for a word nobody
typed before. A segment without arrays is read through Whoosh's own term index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np

from kennisbank.engine.analyzer import SURFACE_SEPARATOR
from kennisbank.engine.posting_arrays import FieldArrays

# Each segment offers this many times `limit` candidates; their frequencies are then
# summed over all segments, so a word common overall but not in one segment still wins.
CANDIDATES_PER_LIMIT = 4
# The last byte no UTF-8 text holds: every word starting with a prefix sorts below
# prefix + this.
AFTER_PREFIX = b"\xff"


class ArrayVocabulary:
    """One segment's sorted vocabulary of a field, read from its posting arrays."""

    def __init__(self, field: FieldArrays) -> None:
        self._field = field

    def starting_with(self, prefix: bytes, wanted: int) -> list[tuple[bytes, int]]:
        """Up to `wanted` words starting with `prefix`, the most frequent first."""
        arrays = self._field.arrays
        low = self._first_at_least(prefix)
        high = self._first_at_least(prefix + AFTER_PREFIX)
        if low >= high:
            return []
        frequencies = np.diff(arrays["starts"][low:high + 1])
        if len(frequencies) > wanted:
            best = np.argpartition(-frequencies, wanted - 1)[:wanted]
        else:
            best = np.arange(len(frequencies))
        return [(self.term(low + int(i)), int(frequencies[i])) for i in best]

    def frequency(self, word: bytes) -> int:
        found = self._field.lookup(word)
        return 0 if found is None else len(found.docs)

    def occurrences(self, word: bytes) -> float:
        """How often the word occurs in the segment (the sum of its weights)."""
        found = self._field.lookup(word)
        return 0.0 if found is None else float(found.weights.sum(dtype=np.float64))

    def words_from(self, prefix: bytes) -> list[bytes]:
        """Every word starting with `prefix`, in byte order."""
        low = self._first_at_least(prefix)
        high = self._first_at_least(prefix + AFTER_PREFIX)
        return [self.term(index) for index in range(low, high)]

    def term(self, index: int) -> bytes:
        arrays = self._field.arrays
        start, end = int(arrays["term_starts"][index]), int(arrays["term_starts"][index + 1])
        return arrays["terms"][start:end].tobytes()

    def _first_at_least(self, key: bytes) -> int:
        low, high = 0, len(self._field.arrays["term_starts"]) - 1
        while low < high:
            middle = (low + high) // 2
            if self.term(middle) < key:
                low = middle + 1
            else:
                high = middle
        return low


class WhooshVocabulary:
    """The same from Whoosh's term index, for a segment without posting arrays."""

    def __init__(self, leaf, fieldname: str, scan_limit: int = 20_000) -> None:
        self._leaf = leaf
        self._fieldname = fieldname
        self._scan_limit = scan_limit

    def starting_with(self, prefix: bytes, wanted: int) -> list[tuple[bytes, int]]:
        found = []
        for count, (btext, info) in enumerate(self._leaf.iter_prefix(self._fieldname, prefix)):
            if count >= self._scan_limit:
                break
            found.append((btext, info.doc_frequency()))
        return sorted(found, key=lambda entry: -entry[1])[:wanted]

    def frequency(self, word: bytes) -> int:
        return self._leaf.doc_frequency(self._fieldname, word)

    def occurrences(self, word: bytes) -> float:
        return self._leaf.frequency(self._fieldname, word)

    def words_from(self, prefix: bytes) -> list[bytes]:
        return list(self._leaf.expand_prefix(self._fieldname, prefix))


Vocabulary = ArrayVocabulary | WhooshVocabulary


def most_frequent(vocabularies: Iterable[Vocabulary], prefix: bytes, limit: int
                  ) -> list[tuple[bytes, int]]:
    """Up to `limit` words starting with `prefix`, with their document frequencies
    summed over the segments, the most frequent first (then in byte order). Each
    segment offers its own most frequent CANDIDATES_PER_LIMIT × `limit`."""
    segments = list(vocabularies)
    wanted = max(limit, 1) * CANDIDATES_PER_LIMIT
    candidates = {word for vocabulary in segments
                  for word, _count in vocabulary.starting_with(prefix, wanted)
                  if SURFACE_SEPARATOR.encode() not in word}
    totals = {word: sum(vocabulary.frequency(word) for vocabulary in segments)
              for word in candidates}
    ranked = sorted(totals.items(), key=lambda entry: (-entry[1], entry[0]))
    return [(word, count) for word, count in ranked if count][:limit]


def complete(vocabularies: Iterable[ArrayVocabulary | WhooshVocabulary], prefix: str,
             limit: int, skip: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """Words of the index starting with `prefix` (folded), as documents most often spell
    them (with their diacritics), with the number of documents holding them, the most
    frequent first (then alphabetically); `skip` (stop words) and the prefix itself
    are left out."""
    segments = list(vocabularies)
    # More than asked: the prefix itself and stop words are left out after.
    ranked = most_frequent(segments, prefix.encode("utf-8"),
                           max(limit, 1) * CANDIDATES_PER_LIMIT)
    return [(_spelled(segments, word), count)
            for word, count in _kept(ranked, prefix, skip, limit)]


def _kept(ranked: list[tuple[bytes, int]], prefix: str, skip: frozenset[str], limit: int
          ) -> Iterator[tuple[str, int]]:
    kept = 0
    for btext, count in ranked:
        word = btext.decode("utf-8")
        if kept >= limit:
            return
        if count and word != prefix and word not in skip:
            kept += 1
            yield word, count


def _spelled(segments: list[ArrayVocabulary | WhooshVocabulary], word: str) -> str:
    """The word as most documents holding it with diacritics spell it, if more of them
    do than without (`creeren` -> `creëren`); else the folded word."""
    spellings: Counter[str] = Counter()
    key = f"{word}{SURFACE_SEPARATOR}".encode()
    for vocabulary in segments:
        for entry, count in vocabulary.starting_with(key, CANDIDATES_PER_LIMIT):
            spellings[entry.decode("utf-8").split(SURFACE_SEPARATOR, 1)[1]] += count
    return spellings.most_common(1)[0][0] if spellings else word
