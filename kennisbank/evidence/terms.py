"""What each passage is about: its heaviest index terms, counted in the extraction
worker.

Why here: the worker already walks every word of the text (for the vocabulary), so
counting the terms of each passage there costs a dictionary lookup per word, in
parallel, and only for changed files. The terms are the index's own analysis of a
word (its stem, the stems of its compound parts) plus one term per synonym group
(`IKC` and `integraal kindcentrum` share `=ikc`), so a guide and a report that
name one thing differently still meet.

Which terms a passage keeps is decided before the corpus is known: count × a static
rarity from the general Dutch word list (7 − Zipf frequency), so `kindcentrum` beats
`maken`. The corpus's own rarity (IDF) weighs them later (similarity.py).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kennisbank.analysis import DutchAnalyzer
from kennisbank.synonyms import DEFAULT_SYNONYMS, load_synonym_groups

MAX_TERMS = 30  # per passage
MIN_TERM_CHARS = 3
MAX_ZIPF = 7.0  # the most frequent Dutch words ("de") are near 7.5
UNKNOWN_WORD_RARITY = 4.0  # names, jargon and typos: rare, not the rarest
SYNONYM_PREFIX = "="

# One passage's terms: (term, count) pairs, heaviest first.
PassageTerms = tuple[tuple[str, int], ...]


class PassageTermCounter:
    """Counts the terms of each passage of one document at a time. One per worker
    process: its caches hold per distinct word what the word contributes."""

    def __init__(self, stemmer: str, synonyms: Path = DEFAULT_SYNONYMS) -> None:
        self.analyzer = DutchAnalyzer(stemmer)
        self._single, self._multi = _synonym_forms(self.analyzer, synonyms)
        self.word_terms = lru_cache(maxsize=200_000)(self._word_terms)

    def _word_terms(self, folded: str) -> tuple[tuple[str, float], ...]:
        """(term, rarity) for what one folded word adds: its stem and its compound
        parts' stems; its synonym group."""
        analyzer = self.analyzer
        lexicon = analyzer.splitter().lexicon
        found: dict[str, float] = {}
        for word in (folded, *analyzer.compound_parts(folded)):
            term = analyzer.stem(word)
            if len(term) >= MIN_TERM_CHARS and not term.isdigit():
                zipf = lexicon.get(word)
                rarity = UNKNOWN_WORD_RARITY if zipf is None else max(0.5, MAX_ZIPF - zipf)
                found[term] = max(found.get(term, 0.0), rarity)
        group = self._single.get(folded)
        if group is not None:
            found[group] = UNKNOWN_WORD_RARITY
        return tuple(found.items())

    def count(self, words: Iterable[tuple[str, int]], starts: tuple[int, ...]
              ) -> tuple[PassageTerms, ...]:
        """The terms of each passage, given the document's folded words with their
        start offsets (stop words left out) and where each passage starts."""
        counts = [Counter() for _ in starts]
        rarity: dict[str, float] = {}
        recent: list[str] = []
        for folded, start in words:
            passage = bisect.bisect_right(starts, start) - 1
            if passage < 0:
                continue
            counter = counts[passage]
            for term, weight in self.word_terms(folded):
                counter[term] += 1
                rarity[term] = weight
            recent.append(folded)
            for group in self._groups_ending(recent):
                counter[group] += 1
                rarity[group] = UNKNOWN_WORD_RARITY
            if len(recent) > 8:
                del recent[:-8]
        return tuple(_heaviest(counter, rarity) for counter in counts)

    def _groups_ending(self, recent: list[str]) -> Iterable[str]:
        """Synonym groups whose multi-word form ends with the words just read."""
        for form, group in self._multi.get(recent[-1], ()):
            if tuple(recent[-len(form):]) == form:
                yield group


def _heaviest(counter: Counter, rarity: dict[str, float]) -> PassageTerms:
    ranked = sorted(counter.items(), key=lambda item: (-item[1] * rarity[item[0]], item[0]))
    return tuple(ranked[:MAX_TERMS])


def _synonym_forms(analyzer: DutchAnalyzer, path: Path
                   ) -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """Single-word forms -> group term; multi-word forms by their last word -> (the
    form's words, group term). Words as the worker sees them: folded, no stop words."""
    single: dict[str, str] = {}
    multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    try:
        groups = load_synonym_groups(path)
    except (OSError, UnicodeDecodeError):
        return single, multi
    for group in groups:
        words_of = [tuple(t.text for t in analyzer.words(form, mode="query")) for form in group]
        key = next((words for words in words_of if words), None)
        if key is None:
            continue
        term = SYNONYM_PREFIX + "_".join(key)
        for words in words_of:
            if len(words) == 1:
                single[words[0]] = term
            elif words:
                multi.setdefault(words[-1], []).append((words, term))
    return single, multi
