"""The cold query set: at least 500 distinct queries drawn from the corpus, each asked once.

Why: `bench/queries.txt` is small and asked over and over, so after the first pass every
term's postings are cached and the numbers say little about a query nobody asked
before, the first search after a restart or a reindex. Issue 14 asks for a large set,
built deterministically from the corpus vocabulary, that is run once each on a fresh
service (and on the peer engines). The mix imitates what people type:

- one word (about a third), drawn from the corpus's words ranked by document frequency
  with a Zipf-like skew (common topical words often, rare ones sometimes; Dutch stop
  words, numbers and very short words never);
- two to four words that occur together: content words, in order, from one window of
  a random document's text;
- quoted phrases of two or three consecutive content words from real text;
- about a fifth of them with one or two facet filters (type, theme, organisation or
  year), taken from the document the words came from, so they usually match.

The output (`bench/cold_queries.txt`, committed) has the format of `bench/queries.txt`,
one query per line::

    WORDS [| FACET=VALUE; FACET=VALUE ...]

with Dutch facet names (`soort`, `thema`, `organisatie`, `jaar`); lines starting with
`#` are comments. Several values of one facet combine with OR, different facets with
AND. Same corpus and seed, same file: the committed set was made from the 10k corpus
(`build_corpus.py --size 10000`, seed 7) and is reused at every size.

Run::

    python bench/cold_queries.py --corpus bench/corpora/scale-10000 [--count 600]
        [--seed 14] [--out bench/cold_queries.txt]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO_ROOT
from peer_docs import load_docs

from kennisbank.analysis import DEFAULT_STOPWORDS, fold, load_word_list
from kennisbank.engine.query import OPERATOR_WORDS

COLD_QUERIES_FILE = REPO_ROOT / "bench" / "cold_queries.txt"
SEED = 14
COUNT = 600
WORD = re.compile(r"[^\W\d_]+")
MIN_DOC_FREQ = 3
MIN_LEN, MAX_LEN = 3, 30
ZIPF_OFFSET, ZIPF_EXPONENT = 20, 1.0  # weight of rank r: 1 / (r + offset) ** exponent
WINDOW = 14  # tokens a multi-word query is drawn from
VOCABULARY_CHARS = 200_000  # per document, for the document frequencies
# (kind, share): one word, 2-4 co-occurring words, a quoted phrase of 2-3 words.
KINDS = (("word", 0.34), ("words2", 0.22), ("words3", 0.14), ("words4", 0.10),
         ("phrase", 0.20))
FILTER_SHARE = 0.22
SECOND_FILTER_SHARE = 0.25  # of the filtered queries
# Facet -> (record key, Dutch name in the file); the weights pick which facet filters.
FILTER_FACETS = (("doctype", "soort", 3), ("themes", "thema", 3),
                 ("organisations", "organisatie", 2), ("year", "jaar", 2))


def _usable(word: str, stopwords: frozenset[str]) -> bool:
    return (MIN_LEN <= len(word) <= MAX_LEN and fold(word) not in stopwords
            and word.upper() not in OPERATOR_WORDS)


class QueryMaker:
    """Draws queries from a list of documents (dicts of `peer_docs.FIELDS`)."""

    def __init__(self, docs: Sequence[dict], seed: int = SEED) -> None:
        self.docs = sorted(docs, key=lambda d: d["id"])
        self.rng = random.Random(seed)
        self.stopwords = load_word_list(DEFAULT_STOPWORDS)
        frequency: Counter[str] = Counter()
        for doc in self.docs:
            frequency.update({w.lower() for w in WORD.findall(
                doc["title"] + " " + doc["text"][:VOCABULARY_CHARS])})
        ranked = sorted(((n, w) for w, n in frequency.items()
                         if n >= MIN_DOC_FREQ and _usable(w, self.stopwords)),
                        key=lambda item: (-item[0], item[1]))
        self.vocabulary = [w for _n, w in ranked]
        weights = [1 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT
                   for rank in range(len(self.vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))
        self.known = frozenset(self.vocabulary)

    def word(self) -> str:
        point = self.rng.random() * self.cumulative[-1]
        return self.vocabulary[bisect.bisect_left(self.cumulative, point)]

    def _window(self, doc: dict) -> list[str | None]:
        """Lower-cased tokens of a random stretch of `doc`; None for a stop word or a
        word outside the vocabulary (it breaks a phrase)."""
        text = doc["text"]
        start = self.rng.randrange(max(1, len(text) - 400))
        tokens = WORD.findall(text[start:start + 400])[1:WINDOW + 1]
        return [t.lower() if t.lower() in self.known else None for t in tokens]

    def co_occurring(self, doc: dict, count: int) -> str | None:
        window = [t for t in self._window(doc) if t is not None]
        window = list(dict.fromkeys(window))
        if len(window) < count:
            return None
        chosen = sorted(self.rng.sample(range(len(window)), count))
        return " ".join(window[i] for i in chosen)

    def phrase(self, doc: dict) -> str | None:
        length = self.rng.choice((2, 2, 3))
        window = self._window(doc)
        runs = [window[i:i + length] for i in range(len(window) - length + 1)]
        runs = [r for r in runs if None not in r and len(set(r)) == length]
        if not runs:
            return None
        return '"' + " ".join(self.rng.choice(runs)) + '"'  # type: ignore[arg-type]

    def filters(self, doc: dict) -> str:
        """One or two facet filters the document itself satisfies."""
        wanted = 2 if self.rng.random() < SECOND_FILTER_SHARE else 1
        available = [(key, name, weight) for key, name, weight in FILTER_FACETS if doc[key]]
        chosen: list[str] = []
        while available and len(chosen) < wanted:
            key, name, _weight = self.rng.choices(
                available, weights=[w for _k, _n, w in available])[0]
            available = [a for a in available if a[0] != key]
            value = doc[key]
            value = self.rng.choice(value) if isinstance(value, list) else value
            chosen.append(f"{name}={value}")
        return "; ".join(chosen)

    def one(self) -> tuple[str, str] | None:
        kind = self.rng.choices([k for k, _ in KINDS], weights=[s for _, s in KINDS])[0]
        doc = self.rng.choice(self.docs)
        if kind == "word":
            text: str | None = self.word()
            # A document that holds the word, for a filter that can match.
            if self.rng.random() < FILTER_SHARE:
                holders = [d for d in self.rng.sample(self.docs, 200)
                           if text in d["text"][:VOCABULARY_CHARS].lower()]
                doc = holders[0] if holders else doc
        elif kind == "phrase":
            text = self.phrase(doc)
        else:
            text = self.co_occurring(doc, int(kind[-1]))
        if not text:
            return None
        line = text
        if self.rng.random() < FILTER_SHARE:
            extra = self.filters(doc)
            line = f"{text} | {extra}" if extra else text
        return kind, line

    def make(self, count: int) -> list[tuple[str, str]]:
        """`count` distinct (kind, line) pairs, in the order drawn."""
        made: dict[str, str] = {}
        for _attempt in range(count * 20):
            if len(made) >= count:
                break
            drawn = self.one()
            if drawn and drawn[1] not in made:
                made[drawn[1]] = drawn[0]
        return [(kind, line) for line, kind in made.items()]


def render(made: list[tuple[str, str]], seed: int, corpus: str) -> str:
    kinds = Counter(kind for kind, _ in made)
    filtered = sum(1 for _, line in made if "|" in line)
    header = [
        "# Cold query set (issue 14): each query is asked once, on a fresh service.",
        "# Made by bench/cold_queries.py; do not edit by hand (regenerate instead).",
        "# Format: QUERY [| FACET=VALUE; FACET=VALUE ...]   (as bench/queries.txt)",
        f"# corpus: {corpus}; seed: {seed}; {len(made)} queries: "
        + ", ".join(f"{kinds[k]} {k}" for k, _ in KINDS) + f"; {filtered} with filters",
    ]
    return "\n".join(header + [line for _, line in made]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, help="extracted text (see peer_docs.py)")
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=COLD_QUERIES_FILE)
    args = parser.parse_args(argv)
    docs = load_docs(args.corpus, args.cache)
    made = QueryMaker(docs, args.seed).make(args.count)
    if len(made) < args.count:
        print(f"only {len(made)} distinct queries", file=sys.stderr)
        return 1
    args.out.write_text(render(made, args.seed, f"{len(docs):,} documents"),
                        encoding="utf-8")
    print(f"{len(made)} queries -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
