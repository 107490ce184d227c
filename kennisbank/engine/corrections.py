""""Bedoelde u": words of the unstemmed vocabulary close to a word the index lacks,
read from the segments' posting arrays (the `words` field is not in Whoosh's segments,
engine/word_postings.py).

The answers are those Whoosh's `ReaderCorrector` gave when it read the field: the
words sharing the first `prefix` letters within `maxdist` edits, ranked by how often
they occur (its score does not use the distance), then by the word. Whoosh measured
the distance differently for one segment (its Levenshtein automaton) than for several
(Damerau-Levenshtein, where swapping two letters is one edit); so does this.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from whoosh.spelling import Corrector
from whoosh.support.levenshtein import damerau_levenshtein, levenshtein

from kennisbank.engine.completion import Vocabulary


class VocabularyCorrector(Corrector):
    """Corrections from the vocabularies of every segment of a generation."""

    def __init__(self, segments: Sequence[Vocabulary]) -> None:
        self._segments = list(segments)

    def _suggestions(self, text: str, maxdist: int, prefix: int
                     ) -> Iterator[tuple[float, str]]:
        start = text[:prefix]
        words = sorted({word.decode("utf-8") for segment in self._segments
                        for word in segment.words_from(start.encode("utf-8"))})
        for word in words:
            if self._distance(word, text, prefix, maxdist) <= maxdist:
                count = sum(segment.occurrences(word.encode("utf-8"))
                            for segment in self._segments) or 1
                yield 0 - (maxdist + (1.0 / count * 0.5)), word

    def _distance(self, word: str, text: str, prefix: int, maxdist: int) -> int:
        if len(self._segments) == 1:  # the automaton: the prefix matched exactly
            return levenshtein(word[prefix:], text[prefix:], limit=maxdist)
        return damerau_levenshtein(word, text, limit=maxdist)
