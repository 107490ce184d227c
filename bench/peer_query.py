"""What a benchmark query asks, in a form every peer engine can translate.

Why: the query files use Kennisbank's syntax (Dutch operators `OF`/`NIET`, `titel:`,
`-word`, `prefix*`, quoted phrases, facet filters after `|`). Each peer has its own
syntax and analysis, so a query is read once here into plain clauses and each engine
builds its own query from them, with its own analyser: the engines answer the same
question, not the same string. Semantics follow Kennisbank: every clause must match
(AND), several values of one facet combine with OR and different facets with AND.
Kennisbank goes further than the peers (synonyms, compound parts, broadening to "any
word" when fewer than 10 documents hold all words, a proximity re-rank); the peers do
the plain job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELD_NAMES = {"titel": "title", "title": "title"}
NOT_WORDS = frozenset({"NIET", "NOT"})
OR_WORDS = frozenset({"OF", "OR"})
AND_WORDS = frozenset({"EN", "AND"})
TOKEN = re.compile(r'-?"[^"]*"|\S+')


@dataclass(frozen=True)
class Clause:
    """`kind`: "word" (one word as typed; an engine's analyser may make it a phrase,
    `btw-handreiking`, or nothing, a stop word), "phrase", "prefix", "any" (one of
    `words`), "not" (none of `words`). `field`: "title", or None for title and body."""

    kind: str
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class PeerQuery:
    clauses: tuple[Clause, ...]
    filters: dict[str, tuple[str, ...]]  # facet API name -> values

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.kind != "not")

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.kind == "not")


def _clause(token: str) -> Clause:
    field = None
    name, colon, rest = token.partition(":")
    if colon and name.lower() in FIELD_NAMES and rest:
        field, token = FIELD_NAMES[name.lower()], rest
    if token.startswith('"') and token.endswith('"') and len(token) > 1:
        return Clause("phrase", tuple(token[1:-1].split()), field)
    if token.endswith("*") and len(token) > 1:
        return Clause("prefix", (token.rstrip("*"),), field)
    return Clause("word", (token,), field)


def parse(text: str, filters: dict[str, tuple[str, ...]] | None = None) -> PeerQuery:
    """Kennisbank's query syntax as clauses (the subset the benchmark files use)."""
    tokens = TOKEN.findall(text)
    clauses: list[Clause] = []
    negate = join_or = False
    for token in tokens:
        if token in NOT_WORDS:
            negate = True
            continue
        if token in OR_WORDS and clauses:
            join_or = True
            continue
        if token in AND_WORDS:
            continue
        if token.startswith("-") and len(token) > 1:
            negate, token = True, token[1:]
        clause = _clause(token)
        if negate:
            clauses.append(Clause("not", clause.words, clause.field))
        elif join_or and clauses[-1].kind in ("word", "any"):
            previous = clauses.pop()
            clauses.append(Clause("any", previous.words + clause.words, previous.field))
        else:
            clauses.append(clause)
        negate = join_or = False
    return PeerQuery(tuple(clauses), dict(filters or {}))
