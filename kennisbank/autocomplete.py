"""Autocomplete: what the search box offers for a half-typed query.

Completions of the word being typed come from the index's own vocabulary (the
engine's `complete_words`: unstemmed forms as documents spell them, the most frequent
first); titles and facet values are matched by what was typed so far. Everything is
asked of the engine through its narrow calls, and nothing is cached: each keystroke is
a new input (bench/suggest_bench.py measures it that way).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kennisbank.analysis import DEFAULT_STOPWORDS, fold, load_word_list
from kennisbank.engine.contract import EngineQuery
from kennisbank.engine.snapshot import IndexSnapshot

# Autocomplete: suggestions in all, and at most so many titles and facet values among
# them; titles and facet values only once this many letters were typed.
SUGGESTIONS = 8
MAX_TITLE_SUGGESTIONS = 3
MAX_FACET_SUGGESTIONS = 2
MIN_TITLE_PREFIX = 2
MIN_FACET_PREFIX = 2
STOP_WORDS = load_word_list(DEFAULT_STOPWORDS)


@dataclass(frozen=True)
class Suggestions:
    """What autocomplete offers for a half-typed query: completions of its last word
    (the whole query with that word completed, and how many documents hold the word),
    documents whose title matches, and facet values that match (facet, value,
    documents)."""

    text: str
    queries: list[tuple[str, int]] = field(default_factory=list)
    titles: list[tuple[str, str]] = field(default_factory=list)  # (document id, title)
    facets: list[tuple[str, str, int]] = field(default_factory=list)



def worth_suggesting(text: str) -> bool:
    """Whether `text` holds anything to complete (not only blanks or query syntax)."""
    return any(fold(word).strip("*?\"") for word in text.split())


def suggestions(snap: IndexSnapshot, text: str, limit: int = SUGGESTIONS) -> Suggestions:
    """At most `limit` suggestions in all: at most MAX_FACET_SUGGESTIONS facet values
    and MAX_TITLE_SUGGESTIONS titles, completions of the last word filling the rest."""
    return _suggestions(snap, text, text.split(), limit)


def _suggestions(snap: IndexSnapshot, text: str, words: list[str], limit: int
                 ) -> Suggestions:
    head, typing = words[:-1], words[-1]
    prefix = "" if text.endswith(" ") else _letters(typing)
    facets = _matching_facet_values(snap, _letters(" ".join(words)),
                                    min(MAX_FACET_SUGGESTIONS, limit))
    titles = _matching_titles(snap, [_letters(w) for w in head], prefix,
                              min(MAX_TITLE_SUGGESTIONS, limit - len(facets)))
    room = limit - len(facets) - len(titles)
    completed = snap.complete_words(prefix, room, skip=STOP_WORDS) if prefix else []
    lead = " ".join(head)
    queries = [(f"{lead} {word}".strip(), count) for word, count in completed]
    return Suggestions(text, queries, titles, facets)


def _letters(text: str) -> str:
    """Folded words with everything but letters and digits taken out: autocomplete
    input is never query syntax."""
    return " ".join("".join(c for c in word if c.isalnum()) for word in fold(text).split())


def _matching_titles(snap: IndexSnapshot, head: list[str], prefix: str, limit: int
                     ) -> list[tuple[str, str]]:
    """Documents whose title holds the finished words and a word starting with the one
    being typed, best first."""
    parts = [f"titel:{word}" for word in head if word]
    if len(prefix) >= MIN_TITLE_PREFIX:
        parts.append(f"(titel:{prefix}* OF titel:{prefix})")
    if not parts or limit <= 0:
        return []
    answer = snap.answer(EngineQuery(" ".join(parts), limit=limit, facets=False))
    return [(hit.record["id"], hit.record["title"]) for hit in answer.hits if hit.record]


def _matching_facet_values(snap: IndexSnapshot, typed: str, limit: int
                           ) -> list[tuple[str, str, int]]:
    """Facet values (not years) with a word starting with what was typed, the most
    used first."""
    if len(typed) < MIN_FACET_PREFIX or limit <= 0:
        return []
    found = [(name, value, count) for name, counts in snap.facet_totals().items()
             if name != "year" for value, count in counts.items()
             if _starts_a_word(fold(value), typed)]
    return sorted(found, key=lambda entry: (-entry[2], fold(entry[1])))[:limit]


def _starts_a_word(value: str, typed: str) -> bool:
    return value.startswith(typed) or f" {typed}" in value or f"-{typed}" in value
