"""Turning what a user typed into a Whoosh query, in Dutch or English syntax.

Researchers get words, "exacte woordgroep", -uitsluiten, OF/OR, EN/AND, NIET/NOT,
prefix*, titel:… and facet fields (soort:handreiking). Anything the parser cannot read
cleanly is searched as plain words, and the caller is told so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import islice

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, MultifieldParser, plugins
from whoosh.reading import IndexReader

from kennisbank.engine.completion import Vocabulary, most_frequent
from kennisbank.engine.ranking import EXACT_BOOST
from kennisbank.engine.whoosh_internals import wildcard_parts
from kennisbank.fields import FACET_FIELDS, query_field_aliases

SEARCHABLE_FIELDS = ("title", "body")
QUERYABLE_FIELDS = frozenset(SEARCHABLE_FIELDS) | frozenset(FACET_FIELDS)
FIELD_ALIASES = query_field_aliases()

OPERATOR_WORDS = frozenset({"AND", "EN", "OR", "OF", "NOT", "NIET", "ANDNOT"})
SYNTAX_CHARS = re.compile(r"[\"()\[\]{}*?^~:+\\]|(?<!\w)-")
NOTICE_PLAIN_WORDS = (
    "Uw zoekvraag kon niet als zoekopdracht met operatoren worden gelezen "
    "(bijvoorbeeld door een ontbrekend aanhalingsteken of haakje). "
    "Er is gezocht op de losse woorden."
)


@dataclass(frozen=True)
class ParsedQuery:
    """`query` matches and ranks; `core` is what the user asked for, without the
    ranking boosts, and is what gets highlighted."""

    query: wq.Query
    notice: str | None = None
    core: wq.Query | None = None
    # Stems of the user's words, for the proximity re-rank of the best hits.
    proximity_terms: tuple[str, ...] = ()
    # Only words, no syntax: the engine may then take documents holding some of them
    # (EngineQuery.words), scoring `core`'s clauses one by one plus `boost`, the
    # optional ranking clause (exact word forms) that `query` adds to `core`.
    plain: bool = False
    boost: wq.Query | None = None

    @property
    def highlight(self) -> wq.Query:
        return self.core if self.core is not None else self.query

    @property
    def is_everything(self) -> bool:
        return isinstance(self.query, wq.Every)


def build_parser(schema: Schema) -> MultifieldParser:
    """The query parser: plain words are all required (answering.py may relax that)."""
    parser = MultifieldParser(list(SEARCHABLE_FIELDS), schema, group=AndGroup)
    parser.replace_plugin(
        plugins.OperatorsPlugin(
            And=r"(?<=\s)(AND|EN)(?=\s)",
            Or=r"(?<=\s)(OR|OF)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(NOT|NIET)(?=\s)",
            AndMaybe=None,
            Require=None,
        )
    )
    # `-word` excludes, but only at the start of a word: `btw-regel` is one word.
    parser.add_plugin(plugins.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+(?=\S)",
                                              minusexpr=r"(?<![^\s(])-(?=\S)"))
    parser.add_plugin(plugins.FieldAliasPlugin(FIELD_ALIASES))
    parser.remove_plugin_class(plugins.BoostPlugin)
    parser.remove_plugin_class(plugins.RangePlugin)
    return parser


def looks_malformed(text: str) -> bool:
    """Syntax a user most likely did not mean: unbalanced quotes or brackets, an
    operator with nothing to combine, a wildcard without letters."""
    if text.count('"') % 2 or text.count("(") != text.count(")"):
        return True
    words = text.split()
    if words and (words[0] in OPERATOR_WORDS - {"NOT", "NIET"} or words[-1] in OPERATOR_WORDS):
        return True
    if any(re.fullmatch(r"[-+*?]+", word) for word in words):
        return True
    return any(word.startswith(("*", "?")) for word in words)


def plain_words(text: str) -> str:
    """The words of a query with every bit of syntax removed."""
    cleaned = SYNTAX_CHARS.sub(" ", text)
    return " ".join(w for w in cleaned.split() if w not in OPERATOR_WORDS)


def _fields_of(q: wq.Query) -> set[str]:
    return {name for name, _text in q.iter_all_terms()} | {
        sub.field() for sub in q.leaves() if hasattr(sub, "field") and sub.field()
    }


def without_andnot(q: wq.Query) -> wq.Query:
    """`a ANDNOT b` as `a AND NOT b`. Whoosh 2.7's AndNotMatcher skips the excluded
    documents only when both sides start on the same document, so `ouders -handreiking`
    can keep a document with `handreiking`; And + Not has no such flaw."""
    if isinstance(q, wq.AndNot):
        return wq.And([without_andnot(q.a), wq.Not(without_andnot(q.b))])
    return q if q.is_leaf() else q.apply(without_andnot)


def is_plain(text: str) -> bool:
    """Only words: no quotes, brackets, operators, exclusions, fields or wildcards."""
    words = text.split()
    return len(words) > 1 and plain_words(text) == text and not OPERATOR_WORDS & set(words)


def parse_query(parser: MultifieldParser, text: str,
                expand: Callable[[str], str] | None = None) -> ParsedQuery:
    """Parse what the user typed. Malformed syntax is judged on the user's own text;
    `expand` (synonyms) then rewrites it before Whoosh sees it."""
    text = " ".join(text.split())
    if not text or text == "*":
        return ParsedQuery(wq.Every(), None if not text else NOTICE_PLAIN_WORDS)
    notice = None
    if looks_malformed(text):
        text, notice = plain_words(text), NOTICE_PLAIN_WORDS
    try:
        q = without_andnot(parser.parse(expand(text) if expand else text))
        if not _fields_of(q) <= QUERYABLE_FIELDS:
            raise ValueError("unknown field")
    except Exception:  # any parser failure means: read as plain words
        q, notice = without_andnot(parser.parse(plain_words(text))), NOTICE_PLAIN_WORDS
    if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
        return ParsedQuery(wq.NullQuery, notice)
    plain = is_plain(text) and not notice
    return ParsedQuery(with_ranking_boosts(q, text, parser.schema), notice, core=q,
                       proximity_terms=proximity_terms(text, parser.schema), plain=plain,
                       boost=ranking_boost(text, parser.schema) if plain else None)


def _wanted_words(text: str) -> list[str]:
    """The words the user wants to find: not excluded ones, not field filters."""
    wanted, skip_next = [], False
    for word in text.split():
        if skip_next or word.startswith("-") or ":" in word:
            skip_next = False
            continue
        skip_next = word in ("NOT", "NIET")
        wanted.append(word)
    return wanted


def with_ranking_boosts(q: wq.Query, text: str, schema: Schema) -> wq.Query:
    """Add the optional ranking clauses for the user's words to a parsed query."""
    boost = ranking_boost(text, schema)
    return wq.AndMaybe(q, boost) if boost is not None else q


def ranking_boost(text: str, schema: Schema) -> wq.Query | None:
    """The optional ranking clause for the user's words: their own, unstemmed forms."""
    words = " ".join(plain_words(" ".join(_wanted_words(text))).split())
    if not words:
        return None
    exact = schema["words"].analyzer.analyzer.terms(words, mode="query")
    if not exact:
        return None
    return wq.Or([wq.Or([wq.Term("words", term) for term in exact], boost=EXACT_BOOST)])


# A wildcard stands for at most MAX_EXPANSIONS words of the index (the most frequent
# ones), and all wildcards of a query together for MAX_QUERY_EXPANSIONS: `a* b* … z*`
# would otherwise score every word of the vocabulary, for seconds per request. No more
# than MAX_SCANNED_TERMS vocabulary entries are read per wildcard.
MAX_EXPANSIONS = 50
MAX_QUERY_EXPANSIONS = 200
MAX_SCANNED_TERMS = 20_000
NOTICE_EXPANSIONS_CUT = (
    "Een zoekwoord met * past op heel veel woorden; er is gezocht op de woorden die het "
    "vaakst voorkomen. Maak het begin van het woord langer om preciezer te zoeken."
)


def bounded_expansions(parsed: ParsedQuery, reader: IndexReader,
                       vocabularies: Callable[[str], list[Vocabulary]] | None = None
                       ) -> ParsedQuery:
    """The parsed query with every wildcard replaced by the words it stands for, at
    most MAX_EXPANSIONS each, and a notice when words were left out. `vocabularies`
    gives a field's per-segment vocabularies (engine/completion.py): a prefix is then
    expanded from the posting arrays' sorted terms, the truly most frequent words,
    instead of by a scan of Whoosh's term index."""
    chosen: dict[tuple[str, str, str], tuple[tuple[bytes, ...], bool]] = {}
    per_wildcard = _expansions_each(parsed)

    def expand(q: wq.Query) -> wq.Query:
        if not isinstance(q, wq.Prefix | wq.Wildcard):
            return q if q.is_leaf() else q.apply(expand)
        if isinstance(q, wq.Prefix) and not q.text:
            return wq.Every(q.fieldname, boost=q.boost)  # what Whoosh makes of `field:*`
        key = (type(q).__name__, q.fieldname, q.text)
        if key not in chosen:
            chosen[key] = _most_frequent(q, reader, per_wildcard, vocabularies)
        texts = chosen[key][0]
        if len(texts) == 1:  # as Whoosh scores a single expansion: without the boost
            return wq.Term(q.fieldname, texts[0])
        return wq.Or([wq.Term(q.fieldname, t) for t in texts], boost=q.boost) if texts else (
            wq.NullQuery)

    if not any(isinstance(leaf, wq.Prefix | wq.Wildcard)
               for q in (parsed.query, parsed.core) if q is not None
               for leaf in q.leaves()):
        return parsed
    bounded = replace(parsed, query=expand(parsed.query),
                      core=expand(parsed.core) if parsed.core is not None else None,
                      )
    if any(cut for _texts, cut in chosen.values()):
        notice = " ".join(filter(None, (parsed.notice, NOTICE_EXPANSIONS_CUT)))
        bounded = replace(bounded, notice=notice)
    return bounded


def _expansions_each(parsed: ParsedQuery) -> int:
    """How many words each wildcard may stand for: MAX_EXPANSIONS, less when the query
    has so many wildcards that together they would pass MAX_QUERY_EXPANSIONS (shared
    evenly, so `a* b* … z*` keeps a few words for every letter, not 50 for the first
    four and none for the rest)."""
    wildcards = {(type(leaf).__name__, leaf.fieldname, leaf.text)
                 for q in (parsed.query, parsed.core) if q is not None
                 for leaf in q.leaves() if isinstance(leaf, wq.Prefix | wq.Wildcard)}
    return max(1, min(MAX_EXPANSIONS, MAX_QUERY_EXPANSIONS // max(1, len(wildcards))))


def _most_frequent(q: wq.MultiTerm, reader: IndexReader, limit: int,
                   vocabularies: Callable[[str], list[Vocabulary]] | None = None
                   ) -> tuple[tuple[bytes, ...], bool]:
    """Up to `limit` of the words `q` stands for, the most frequent first (then in
    vocabulary order), and whether any were left out."""
    prefix, pattern = wildcard_parts(q)
    if pattern is None and vocabularies is not None and limit > 0:
        found = most_frequent(vocabularies(q.fieldname), prefix.encode("utf-8"), limit + 1)
        kept = tuple(btext for btext, _df in found[:limit])
        return tuple(sorted(kept)), len(found) > limit
    frequencies = _frequencies(q, reader)
    found = sorted(frequencies.items(), key=lambda entry: (-entry[1], entry[0]))
    kept = tuple(btext for btext, _df in found[:max(limit, 0)])
    return tuple(sorted(kept)), len(found) > len(kept)


def _frequencies(q: wq.MultiTerm, reader: IndexReader) -> dict[bytes, int]:
    """Document frequency of each word `q` stands for, at most MAX_SCANNED_TERMS per
    segment: one pass over each segment's vocabulary from the literal prefix, reading
    the frequency that comes with each entry (a separate lookup per word cost about
    25 µs, seconds for `a* b* … z*`)."""
    prefix, pattern = wildcard_parts(q)
    frequencies: dict[bytes, int] = {}
    for leaf, _base in reader.leaf_readers():
        if q.fieldname not in leaf.schema:
            continue
        entries = leaf.iter_prefix(q.fieldname, prefix)
        for btext, info in islice(entries, MAX_SCANNED_TERMS + 1):
            if pattern is None or pattern.match(btext.decode("utf-8")):
                frequencies[btext] = frequencies.get(btext, 0) + info.doc_frequency()
    return frequencies


def proximity_terms(text: str, schema: Schema) -> tuple[str, ...]:
    words = " ".join(plain_words(" ".join(_wanted_words(text))).split())
    stems = tuple(dict.fromkeys(schema["body"].analyzer.analyzer.terms(words, mode="query")))
    return stems if len(stems) > 1 else ()
