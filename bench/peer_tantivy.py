"""tantivy-py as a peer: the same documents and the same user-facing job as Kennisbank.

Why tantivy: a Rust search library (Lucene's design) with Python bindings, the obvious
"how fast could it be" reference for a Python engine. Bench-only (`pip install
'.[bench]'`); nothing outside bench/ imports it.

Analysis, for title and body: tantivy's simple tokenizer (letters and digits), lower
case, ASCII folding (as Kennisbank's `fold`), Snowball's Dutch stop words, words over
100 characters dropped, and Snowball's Dutch stemmer (tantivy 0.27 only has
Kraaij-Pohlmann, `dutch`; Kennisbank uses Porter's `dutch_porter`). Facet fields are
raw (untokenized) fast text fields, so filters are term queries and counts are terms
aggregations.

The job per query: top 10 by BM25 and the total (`searcher.search`), counts of every
facet value over the matching documents (one terms aggregation, plus one per filtered
facet, whose counts ignore that facet's own selection, as Kennisbank's), and a
highlighted snippet of each hit's body (`SnippetGenerator`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import tantivy
from peer_query import Clause, PeerQuery

from kennisbank.analysis import fold
from kennisbank.fields import FACETS

ANALYZER = "dutch_stem"
TEXT_FIELDS = ("title", "body")
FACET_KEYS = {f.facet: f.attribute for f in FACETS}  # facet API name -> record key
SNIPPET_CHARS = 200
MAX_FACET_VALUES = 1000


def analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(100))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stopword("dutch"))
            .filter(tantivy.Filter.stemmer("dutch"))
            .build())


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name=ANALYZER)
    builder.add_text_field("body", stored=True, tokenizer_name=ANALYZER)
    for facet in FACET_KEYS:
        builder.add_text_field(facet, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year_n", fast=True)  # browsing by facet: newest first
    return builder.build()


def _open(folder: Path) -> tantivy.Index:
    index = tantivy.Index(schema(), path=str(folder))
    index.register_tokenizer(ANALYZER, analyzer())
    return index


def build(docs: Iterable[dict], folder: Path) -> int:
    """Index `docs` into a new index in `folder`; the number of documents."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = _open(folder)
    writer = index.writer()  # default heap; one indexing thread per core
    count = 0
    for doc in docs:
        fields: dict = {"id": doc["id"], "title": doc["title"], "body": doc["text"]}
        for facet, key in FACET_KEYS.items():
            value = doc[key]
            values = value if isinstance(value, list) else ([str(value)] if value else [])
            if values:
                fields[facet] = values
        if doc["year"]:
            fields["year_n"] = doc["year"]
        writer.add_document(tantivy.Document(**fields))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


class Engine:
    """An opened index answering PeerQuery's with Kennisbank's result-page job."""

    name = "tantivy"

    def __init__(self, folder: Path) -> None:
        self.index = _open(folder)
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = analyzer()

    def _stems(self, text: str) -> list[str]:
        return self.analyzer.analyze(text)

    def _on_fields(self, clause: Clause, make: object) -> tantivy.Query | None:
        fields = (clause.field,) if clause.field else TEXT_FIELDS
        queries = [q for q in (make(f) for f in fields) if q is not None]  # type: ignore[operator]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, q) for q in queries])

    def _words(self, clause: Clause, words: tuple[str, ...]) -> tantivy.Query | None:
        stems = self._stems(" ".join(words))

        def make(field: str) -> tantivy.Query | None:
            if not stems:
                return None
            if len(stems) == 1:
                return tantivy.Query.term_query(self.schema, field, stems[0])
            return tantivy.Query.phrase_query(self.schema, field, stems)

        return self._on_fields(clause, make)

    def _clause(self, clause: Clause) -> tantivy.Query | None:
        if clause.kind == "prefix":
            # Unstemmed, folded: `samenwerk*` matches the indexed stems that start so.
            prefix = re.escape(fold(clause.words[0]))

            def make(field: str) -> tantivy.Query:
                return tantivy.Query.regex_query(self.schema, field, prefix + ".*")

            return self._on_fields(clause, make)
        if clause.kind in ("any", "not"):
            parts = [q for q in (self._words(clause, (w,)) for w in clause.words) if q]
            if not parts:
                return None
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])
        return self._words(clause, clause.words)

    def _text_query(self, query: PeerQuery) -> tantivy.Query | None:
        """The words part, or None when it matches everything (browsing)."""
        parts = [(tantivy.Occur.Must, q) for q in map(self._clause, query.positive) if q]
        parts += [(tantivy.Occur.MustNot, q) for q in map(self._clause, query.negative)
                  if q]
        if not any(occur == tantivy.Occur.Must for occur, _ in parts):
            if not parts:
                return None
            parts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(parts)

    def _with_filters(self, text: tantivy.Query | None, filters: dict[str, tuple[str, ...]]
                      ) -> tantivy.Query:
        parts = [] if text is None else [(tantivy.Occur.Must, text)]
        parts += [(tantivy.Occur.Must,
                   tantivy.Query.term_set_query(self.schema, facet, list(values)))
                  for facet, values in filters.items() if values]
        if not parts:
            return tantivy.Query.all_query()
        return parts[0][1] if len(parts) == 1 else tantivy.Query.boolean_query(parts)

    def _facets(self, text: tantivy.Query | None, filters: dict[str, tuple[str, ...]]
                ) -> dict[str, dict[str, int]]:
        """Counts per facet value; a filtered facet's counts ignore its own filter."""
        groups: list[tuple[list[str], dict[str, tuple[str, ...]]]] = []
        free = [facet for facet in FACET_KEYS if not filters.get(facet)]
        if free:
            groups.append((free, filters))
        groups += [([facet], {k: v for k, v in filters.items() if k != facet})
                   for facet in FACET_KEYS if filters.get(facet)]
        counts: dict[str, dict[str, int]] = {}
        for facets, applied in groups:
            spec = {f: {"terms": {"field": f, "size": MAX_FACET_VALUES}} for f in facets}
            answer = self.searcher.aggregate(self._with_filters(text, applied), spec)
            for facet in facets:
                counts[facet] = {b["key"]: b["doc_count"] for b in answer[facet]["buckets"]}
        return counts

    def search(self, query: PeerQuery) -> dict:
        """Top 10 (id, title, snippet), total and facet counts."""
        text = self._text_query(query)
        full = self._with_filters(text, query.filters)
        if text is None:
            result = self.searcher.search(full, 10, order_by_field="year_n",
                                          order=tantivy.Order.Desc)
        else:
            result = self.searcher.search(full, 10)
        snippets = (tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "body")
                    if text is not None else None)
        if snippets is not None:
            snippets.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for _score, address in result.hits:
            doc = self.searcher.doc(address)
            snippet = snippets.snippet_from_doc(doc).to_html() if snippets else ""
            # No body match (browsing, a title or prefix match): the start of the text.
            snippet = snippet or doc.get_first("body")[:SNIPPET_CHARS]
            hits.append((doc.get_first("id"), doc.get_first("title"), snippet))
        return {"total": result.count, "hits": hits,
                "facets": self._facets(text, query.filters)}

    def close(self) -> None:
        self.searcher = None
