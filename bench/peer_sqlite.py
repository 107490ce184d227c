"""SQLite FTS5 as a peer: the same documents and the same user-facing job as Kennisbank.

Why SQLite: it ships with Python, and "just use FTS5" is the usual alternative to a
search library. FTS5 has no Dutch stemmer and Python's sqlite3 cannot register a
tokenizer, so the text is analysed in Python before it goes in, the same chain as the
tantivy peer: words of letters and digits, lower case, diacritics removed
(Kennisbank's `fold`), Snowball's Dutch stop words dropped, words of 100 characters or
more dropped, Snowball's Dutch stemmer (PyStemmer `dutch`, Kraaij-Pohlmann, the
algorithm tantivy 0.27 has). That analysis is part of the measured indexing time.

Tables (one database file):

- `fts(title, body)`: contentless FTS5 over the stems (space-separated), for matching
  and BM25 ranking; `unicode61` only splits on the spaces;
- `snip(title, body)`: FTS5 with the original text, for `snippet()`: a stem index
  cannot show the words people read, so the unstemmed copy is indexed a second time
  (`unicode61 remove_diacritics 2`) and asked for the query's words as typed or any
  word starting with their stem; a hit whose text has none of them gets its start;
- `docs(id, title, year)` and `facets(doc, facet, value)` for filters and counts.

The job per query: the match set with BM25 scores into a temporary table, then top 10,
total and every facet's counts with GROUP BY over it (a filtered facet's counts ignore
its own filter, as Kennisbank's), then a snippet per hit.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import Stemmer
from peer_query import Clause, PeerQuery

from kennisbank.analysis import DEFAULT_STOPWORDS, fold, load_word_list
from kennisbank.fields import FACETS

WORD = re.compile(r"[^\W_]+")
MAX_WORD_CHARS = 100
FACET_KEYS = {f.facet: f.attribute for f in FACETS}  # facet API name -> record key
SNIPPET_TOKENS = 32
SNIPPET_CHARS = 200
BATCH = 200


class Analyzer:
    """Word -> stem ("" for a stop word), cached per distinct word (Zipf)."""

    def __init__(self) -> None:
        self.stopwords = load_word_list(DEFAULT_STOPWORDS)
        self.stemmer = Stemmer.Stemmer("dutch")
        self.cache: dict[str, str] = {}

    def stem(self, word: str) -> str:
        found = self.cache.get(word)
        if found is None:
            folded = fold(word)
            found = ("" if folded in self.stopwords or len(word) >= MAX_WORD_CHARS
                     else self.stemmer.stemWord(folded))
            self.cache[word] = found
        return found

    def stems(self, text: str) -> list[str]:
        return [s for s in map(self.stem, WORD.findall(text)) if s]

    def stemmed_text(self, text: str) -> str:
        return " ".join(self.stems(text))


def build(docs: Iterable[dict], path: Path) -> int:
    """Index `docs` into a new database at `path`; the number of documents."""
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    analyzer = Analyzer()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE fts USING fts5(title, body, content='',
            tokenize='unicode61 remove_diacritics 0');
        CREATE VIRTUAL TABLE snip USING fts5(title, body,
            tokenize='unicode61 remove_diacritics 2');
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, year INTEGER);
        CREATE TABLE facets(doc INTEGER, facet TEXT, value TEXT,
            PRIMARY KEY (facet, value, doc)) WITHOUT ROWID;
        BEGIN;
    """)
    count = 0
    for rowid, doc in enumerate(docs, start=1):
        db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                   (rowid, analyzer.stemmed_text(doc["title"]),
                    analyzer.stemmed_text(doc["text"])))
        db.execute("INSERT INTO snip(rowid, title, body) VALUES (?, ?, ?)",
                   (rowid, doc["title"], doc["text"]))
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)",
                   (rowid, doc["id"], doc["title"], doc["year"]))
        for facet, key in FACET_KEYS.items():
            value = doc[key]
            values = value if isinstance(value, list) else ([str(value)] if value else [])
            db.executemany("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)",
                           [(rowid, facet, v) for v in values])
        count += 1
    db.execute("CREATE INDEX facets_doc ON facets(doc, facet, value)")
    db.execute("COMMIT")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.execute("INSERT INTO snip(snip) VALUES ('optimize')")
    db.execute("ANALYZE")
    db.close()
    return count


def _quoted(tokens: Iterable[str]) -> str:
    return '"' + " ".join(tokens) + '"'


class Engine:
    """An opened database answering PeerQuery's with Kennisbank's result-page job."""

    name = "sqlite-fts5"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                  check_same_thread=False)
        self.db.execute("CREATE TEMP TABLE m(doc INTEGER PRIMARY KEY, score REAL)")
        self.analyzer = Analyzer()

    # --- query text ------------------------------------------------------------------

    def _expression(self, clause: Clause) -> str | None:
        """One clause as an FTS5 expression over the stems, or None (only stop words)."""
        if clause.kind == "prefix":
            expr = _quoted([fold(clause.words[0])]) + " *"
        elif clause.kind in ("any", "not"):
            parts = [e for e in (self._expression(Clause("word", (w,))) for w in clause.words)
                     if e]
            expr = "(" + " OR ".join(parts) + ")" if parts else ""
        else:
            stems = self.analyzer.stems(" ".join(clause.words))
            expr = _quoted(stems) if stems else ""
        if not expr:
            return None
        return f"title : {expr}" if clause.field == "title" else expr

    def _match(self, query: PeerQuery) -> tuple[str, str]:
        """(positive expression, negative expression); "" where there is none."""
        positive = [e for e in map(self._expression, query.positive) if e]
        negative = [e for e in map(self._expression, query.negative) if e]
        return " AND ".join(positive), " OR ".join(negative)

    def _snippet_match(self, query: PeerQuery) -> str:
        """The user's words as typed, or any word starting with their stem."""
        options = []
        for clause in query.positive:
            for word in clause.words:
                for token in WORD.findall(fold(word)):
                    stem = self.analyzer.stem(token)
                    if stem:
                        options += [_quoted([token]), _quoted([stem]) + " *"]
        return " OR ".join(dict.fromkeys(options))

    # --- the job ---------------------------------------------------------------------

    def _fill_matches(self, query: PeerQuery) -> bool:
        """The match set into temp table m (score: lower is better); False if the
        query has words and they match nothing."""
        db = self.db
        db.execute("DELETE FROM m")
        positive, negative = self._match(query)
        if positive:
            expr = f"({positive}) NOT ({negative})" if negative else positive
            db.execute("INSERT INTO m SELECT rowid, bm25(fts) FROM fts WHERE fts MATCH ?",
                       (expr,))
            return True
        # Browsing (no words): every document, newest first.
        sql = "INSERT INTO m SELECT rowid, -coalesce(year, 0) FROM docs"
        if negative:
            db.execute(sql + " WHERE rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)",
                       (negative,))
        else:
            db.execute(sql)
        return False

    @staticmethod
    def _where(filters: dict[str, tuple[str, ...]]) -> tuple[str, list[str]]:
        sql, args = [], []
        for facet, values in filters.items():
            if values:
                marks = ", ".join("?" * len(values))
                sql.append("m.doc IN (SELECT doc FROM facets WHERE facet = ? "
                           f"AND value IN ({marks}))")
                args += [facet, *values]
        return (" AND ".join(sql) or "1"), args

    def _facets(self, filters: dict[str, tuple[str, ...]]) -> dict[str, dict[str, int]]:
        groups = [([f for f in FACET_KEYS if not filters.get(f)], filters)]
        groups += [([f], {k: v for k, v in filters.items() if k != f})
                   for f in FACET_KEYS if filters.get(f)]
        counts: dict[str, dict[str, int]] = {f: {} for f in FACET_KEYS}
        for facets, applied in groups:
            if not facets:
                continue
            where, args = self._where(applied)
            marks = ", ".join("?" * len(facets))
            rows = self.db.execute(
                "SELECT f.facet, f.value, count(*) FROM m JOIN facets f ON f.doc = m.doc "
                f"WHERE f.facet IN ({marks}) AND {where} GROUP BY f.facet, f.value",
                [*facets, *args])
            for facet, value, count in rows:
                counts[facet][value] = count
        return counts

    def _snippets(self, query: PeerQuery, docs: list[int]) -> dict[int, str]:
        if not docs:
            return {}
        marks = ", ".join("?" * len(docs))
        found: dict[int, str] = {}
        expr = self._snippet_match(query)
        if expr:
            found = dict(self.db.execute(
                f"SELECT rowid, snippet(snip, 1, '<b>', '</b>', '…', {SNIPPET_TOKENS}) "
                f"FROM snip WHERE snip MATCH ? AND rowid IN ({marks})", [expr, *docs]))
        missing = [d for d in docs if not found.get(d)]
        if missing:
            marks = ", ".join("?" * len(missing))
            found.update(self.db.execute(
                f"SELECT rowid, substr(body, 1, {SNIPPET_CHARS}) FROM snip "
                f"WHERE rowid IN ({marks})", missing))
        return found

    def search(self, query: PeerQuery) -> dict:
        """Top 10 (id, title, snippet), total and facet counts."""
        self._fill_matches(query)
        where, args = self._where(query.filters)
        top = [doc for (doc,) in self.db.execute(
            f"SELECT doc FROM m WHERE {where} ORDER BY score LIMIT 10", args)]
        total = self.db.execute(f"SELECT count(*) FROM m WHERE {where}", args).fetchone()[0]
        facets = self._facets(query.filters)
        snippets = self._snippets(query, top)
        info = {}
        if top:
            marks = ", ".join("?" * len(top))
            info = {row[0]: row[1:] for row in self.db.execute(
                f"SELECT rowid, id, title FROM docs WHERE rowid IN ({marks})", top)}
        hits = [(info[d][0], info[d][1], snippets.get(d, "")) for d in top]
        return {"total": total, "hits": hits, "facets": facets}

    def close(self) -> None:
        self.db.close()
