"""Relevance benchmark: how well does each stage of our Dutch analysis find what people need?

Why: every change to the analysis (stemmer, compound splitting, abbreviations, query
semantics) trades recall against precision, and only graded judgments over a fixed
collection tell whether a change helps. Three configurations are indexed from the
same extracted text and queried with the same AND semantics, so only the analysis
differs:

  (a) Whoosh's default `StemmingAnalyzer()` (English Porter stemmer, English stop words);
  (b) plain Snowball Dutch: RegexTokenizer | LowercaseFilter | StopFilter(stopwords_nl)
      | StemFilter(PyStemmer `dutch_porter`);
  (c) the full Kennisbank pipeline: our indexer `run_index` and
      `SearchService.search(SearchRequest(query, page_size=100))`.

(a) and (b) read the text through our own extraction (`indexer.extract.extract`, i.e.
`parse_html` / `parse_text` plus the sidecar title), index title (boost 3.0) and body,
parse with `MultifieldParser` over title+body with `AndGroup` (our app's default) and
rank with BM25F, like (c).

Metrics per query, averaged over queries: nDCG@10 (gains 0/1/2, log2 discount, ideal
ranking from all judged documents of the query), MRR (first document with grade >= 1)
and recall@100 (grade >= 1). Documents that were never judged count as not relevant;
`judged@10` says how many of the top ten were judged, so a change that brings up many
unjudged documents is visible (then extend the judgments, see docs/relevance.md).

Every mean is reported with a 95 % bootstrap interval (queries resampled with
replacement, 10,000 resamples, fixed seed), overall, per category and for the "old 47"
queries of the first bench beside the full set. `--compare BEFORE.json AFTER.json`
re-scores two earlier result files (their top 20 per query) with the current
judgments and reports the paired difference per category with its interval.

Run::

    python bench/relevance/run.py [--collection DIR] [--only abc] [--jobs 2]
        [--workdir DIR] [--per-query] [--stemmer NAME]
    python bench/relevance/run.py --compare BEFORE.json AFTER.json [--config c]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh.analysis import Analyzer

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from kennisbank.indexer.extract import extract  # noqa: E402
from kennisbank.indexer.parsers.base import ParseError  # noqa: E402
from kennisbank.indexer.walk import SourceFile, walk_corpus  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_COLLECTION = REPO_ROOT / "bench" / "corpora" / "relevance"
DEFAULT_QUERIES = HERE / "queries.tsv"
DEFAULT_QRELS = HERE / "qrels.tsv"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
STOPWORDS = REPO_ROOT / "stopwords_nl" / "stopwords.txt"
TITLE_BOOST = 3.0  # as kennisbank.engine.ranking.TITLE_BOOST
DEPTH = 100  # ranking depth fetched per query (recall@100)
CUTOFF = 10  # nDCG@10
PROGRAMME_PREFIX = "pact"  # query ids about the five programme pages
CATEGORIES = ("inflection", "compound", "abbreviation", "diacritics", "phrase", "multiword",
              "verb-form", "question")
OLD_QUERY_COUNT = 36  # nl01-nl36 and pact01-pact11: the 47 queries of the first bench
BOOTSTRAP_ROUNDS = 10_000
BOOTSTRAP_SEED = 20261204

CONFIGS: dict[str, str] = {
    "a": "Whoosh StemmingAnalyzer (English)",
    "b": "Snowball Dutch (dutch_porter) only",
    "c": "Kennisbank full analysis",
}


@dataclass(frozen=True)
class Query:
    id: str
    category: str
    text: str
    need: str


@dataclass(frozen=True)
class Doc:
    key: str  # path relative to the collection: what qrels.tsv refers to
    title: str
    text: str


@dataclass
class Metrics:
    ndcg: float
    rr: float
    recall: float
    judged: float | None  # None when nothing was found
    hits: int


@dataclass
class RunResult:
    config: str
    rankings: dict[str, list[str]]
    seconds_index: float
    seconds_search: float
    notes: dict[str, object] = field(default_factory=dict)


# --- judgments --------------------------------------------------------------------


def _rows(path: Path) -> Iterable[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and not row[0].startswith("#") and row[0] != "id" and row[0] != "query_id":
                yield row


def load_queries(path: Path = DEFAULT_QUERIES) -> list[Query]:
    queries = [Query(*(cell.strip() for cell in row[:4])) for row in _rows(path)]
    ids = [q.id for q in queries]
    if len(ids) != len(set(ids)):
        raise SystemExit(f"{path}: duplicate query ids")
    return queries


def load_qrels(path: Path = DEFAULT_QRELS) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for row in _rows(path):
        qid, key, grade = row[0].strip(), row[1].strip(), int(row[2])
        if grade not in (0, 1, 2):
            raise SystemExit(f"{path}: grade must be 0, 1 or 2 ({qid} {key} {grade})")
        qrels.setdefault(qid, {})[key] = grade
    return qrels


# --- metrics ----------------------------------------------------------------------


def dcg(gains: Sequence[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def evaluate(ranking: Sequence[str], judged: dict[str, int]) -> Metrics:
    gains = [judged.get(key, 0) for key in ranking[:CUTOFF]]
    ideal = dcg(sorted(judged.values(), reverse=True)[:CUTOFF])
    ndcg = dcg(gains) / ideal if ideal else 0.0
    relevant = {key for key, grade in judged.items() if grade >= 1}
    rr = next((1.0 / (i + 1) for i, key in enumerate(ranking) if key in relevant), 0.0)
    found = len(relevant.intersection(ranking[:DEPTH]))
    recall = found / len(relevant) if relevant else 0.0
    top = ranking[:CUTOFF]
    judged_share = sum(1 for key in top if key in judged) / len(top) if top else None
    return Metrics(ndcg, rr, recall, judged_share, len(ranking))


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def randomization_p(x: Sequence[float], y: Sequence[float], rounds: int = 20_000) -> float:
    """Two-sided paired randomization test on the mean difference (seeded: the same
    numbers give the same p)."""
    diffs = [a - b for a, b in zip(x, y, strict=True)]
    observed = abs(sum(diffs))
    rng = random.Random(12345)
    hits = 0
    for _ in range(rounds):
        total = sum(d if rng.random() < 0.5 else -d for d in diffs)
        if abs(total) >= observed - 1e-12:
            hits += 1
    return (hits + 1) / (rounds + 1)


def bootstrap_ci(values: Sequence[float], rounds: int = BOOTSTRAP_ROUNDS,
                 seed: int = BOOTSTRAP_SEED, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean: resample the queries with replacement.

    Seeded, so the same numbers always give the same interval. For paired differences
    pass the per-query differences (the same resample of queries for both systems)."""
    values = list(values)
    if not values:
        return (0.0, 0.0)
    n = len(values)
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(rounds))
    tail = (1 - level) / 2
    low = means[math.floor(tail * (rounds - 1))]
    high = means[math.ceil((1 - tail) * (rounds - 1))]
    return (low, high)


def paired_bootstrap(before: Sequence[float], after: Sequence[float],
                     rounds: int = BOOTSTRAP_ROUNDS,
                     seed: int = BOOTSTRAP_SEED) -> tuple[float, float, float]:
    """Mean difference after - before over the same queries and its 95 % interval."""
    diffs = [a - b for b, a in zip(before, after, strict=True)]
    low, high = bootstrap_ci(diffs, rounds, seed)
    return (mean(diffs), low, high)


def with_ci(values: Sequence[float]) -> str:
    low, high = bootstrap_ci(values)
    return f"{mean(values):.3f} [{low:.2f}, {high:.2f}]"


def is_old(query_id: str) -> bool:
    """One of the 47 queries of the first bench (kept as a subset)."""
    if query_id.startswith(PROGRAMME_PREFIX):
        return True
    digits = query_id.removeprefix("nl")
    return digits.isdigit() and int(digits) <= OLD_QUERY_COUNT


# --- extraction (shared by a and b) -------------------------------------------------


def _extract_one(source: SourceFile) -> tuple[str, str, str] | tuple[str, None, str]:
    try:
        record = extract(source)
    except ParseError as exc:
        return source.relpath, None, exc.code
    assert record is not None
    return record.path, record.title, record.text


def extract_collection(collection: Path, jobs: int) -> tuple[list[Doc], dict[str, str]]:
    """Every file's title and text exactly as our indexer extracts it."""
    files, _skipped = walk_corpus(collection)
    docs: list[Doc] = []
    failed: dict[str, str] = {}
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for key, title, text in pool.map(_extract_one, files, chunksize=32):
            if title is None:
                failed[key] = text
            else:
                docs.append(Doc(key, title, text))
    return docs, failed


# --- configurations a and b: plain Whoosh -------------------------------------------


def dutch_stopwords(path: Path = STOPWORDS) -> frozenset[str]:
    """Our stop word list as written (lower case, not diacritic-folded: (b) does not fold)."""
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry:
            words.add(entry)
    return frozenset(words)


class DutchPorterStem:
    """PyStemmer's `dutch_porter` as a picklable callable: Whoosh pickles the schema
    (and so the stem function) into the index, and a C stemmer object cannot be."""

    def __init__(self) -> None:
        self._stem: Callable[[str], str] | None = None

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, _state: dict) -> None:
        self._stem = None

    def __call__(self, word: str) -> str:
        if self._stem is None:
            import Stemmer

            self._stem = Stemmer.Stemmer("dutch_porter").stemWord
        return self._stem(word)


def plain_analyzer(config: str) -> Analyzer:
    """(a) Whoosh's English default, or (b) the plain Dutch chain without our additions."""
    from whoosh import analysis

    if config == "a":
        return analysis.StemmingAnalyzer()
    return (analysis.RegexTokenizer() | analysis.LowercaseFilter()
            | analysis.StopFilter(stoplist=dutch_stopwords())
            | analysis.StemFilter(stemfn=DutchPorterStem()))


def run_plain(config: str, docs: list[Doc], queries: list[Query], workdir: Path) -> RunResult:
    """Index title + body with one of the plain analyzers and run every query the way
    our app parses it (AND between words, title boost, BM25F)."""
    from whoosh import index, scoring
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import AndGroup, MultifieldParser

    began = time.monotonic()
    analyzer = plain_analyzer(config)
    schema = Schema(
        key=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, phrase=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=analyzer, phrase=True),
    )
    folder = workdir / f"index-{config}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    for doc in docs:
        writer.add_document(key=doc.key, title=doc.title, body=doc.text)
    writer.commit()
    indexed = time.monotonic()
    parser = MultifieldParser(["title", "body"], ix.schema, group=AndGroup)
    rankings: dict[str, list[str]] = {}
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        for query in queries:
            results = searcher.search(parser.parse(query.text), limit=DEPTH)
            rankings[query.id] = [hit["key"] for hit in results]
    return RunResult(config, rankings, indexed - began, time.monotonic() - indexed)


# --- configuration c: the real thing ---------------------------------------------------


def run_kennisbank(collection: Path, queries: list[Query], workdir: Path, jobs: int,
                   stemmer: str) -> RunResult:
    """The real thing: a full `run_index` and the one search API, as users get it."""
    from kennisbank.indexer.run import IndexOptions, run_index
    from kennisbank.search import SearchRequest, SearchService

    began = time.monotonic()
    folder = workdir / "index-c"
    shutil.rmtree(folder, ignore_errors=True)
    report = run_index(IndexOptions(corpus=collection, index=folder, full=True, jobs=jobs,
                                    stemmer=stemmer))
    indexed = time.monotonic()
    service = SearchService(folder)
    rankings: dict[str, list[str]] = {}
    try:
        for query in queries:
            response = service.search(SearchRequest(query=query.text, page_size=DEPTH))
            rankings[query.id] = [hit.path for hit in response.hits]
    finally:
        service.close()
    notes = {"stemmer": stemmer, "documents": report.documents,
             "failed": [f.path for f in report.failed]}
    return RunResult("c", rankings, indexed - began, time.monotonic() - indexed, notes)


# --- reporting --------------------------------------------------------------------


def per_query(results: dict[str, RunResult], queries: list[Query],
              qrels: dict[str, dict[str, int]]) -> dict[str, dict[str, Metrics]]:
    return {
        config: {q.id: evaluate(run.rankings.get(q.id, []), qrels.get(q.id, {}))
                 for q in queries}
        for config, run in results.items()
    }


def _groups(queries: list[Query]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for q in queries:
        groups.setdefault(q.category, []).append(q.id)
    groups["(programme pages)"] = [q.id for q in queries if q.id.startswith(PROGRAMME_PREFIX)]
    old = [q.id for q in queries if is_old(q.id)]
    if 0 < len(old) < len(queries):
        groups["old 47"] = old
        groups["new"] = [q.id for q in queries if not is_old(q.id)]
    groups["all"] = [q.id for q in queries]
    return {name: ids for name, ids in groups.items() if ids}


def summary_table(scores: dict[str, dict[str, Metrics]], queries: list[Query]) -> list[str]:
    lines = ["| configuration | nDCG@10 [95 % CI] | MRR | recall@100 | judged@10 | no result |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for config, per in scores.items():
        values = [per[q.id] for q in queries]
        lines.append(
            f"| ({config}) {CONFIGS[config]} | {with_ci([m.ndcg for m in values])} "
            f"| {mean(m.rr for m in values):.3f} | {mean(m.recall for m in values):.3f} "
            f"| {mean(m.judged for m in values if m.judged is not None):.2f} "
            f"| {sum(1 for m in values if m.hits == 0)} |")
    return lines


def category_table(scores: dict[str, dict[str, Metrics]], queries: list[Query]) -> list[str]:
    configs = list(scores)
    head = " | ".join(f"({c})" for c in configs)
    lines = [f"| category (nDCG@10, 95 % CI) | queries | {head} |",
             "| --- | ---: |" + " ---: |" * len(configs)]
    for name, ids in _groups(queries).items():
        cells = " | ".join(with_ci([scores[c][i].ndcg for i in ids]) for c in configs)
        lines.append(f"| {name} | {len(ids)} | {cells} |")
    return lines


def query_table(scores: dict[str, dict[str, Metrics]], queries: list[Query],
                results: dict[str, RunResult], qrels: dict[str, dict[str, int]]) -> list[str]:
    configs = list(scores)
    head = " | ".join(f"({c}) nDCG / hits" for c in configs)
    lines = [f"| id | category | query | {head} | first relevant in (c) |",
             "| --- | --- | --- |" + " ---: |" * len(configs) + " --- |"]
    for q in queries:
        cells = " | ".join(f"{scores[c][q.id].ndcg:.2f} / {scores[c][q.id].hits}"
                           for c in configs)
        first = ""
        if "c" in results:
            ranking = results["c"].rankings.get(q.id, [])
            rank = next((i + 1 for i, k in enumerate(ranking)
                         if qrels.get(q.id, {}).get(k, 0) >= 1), None)
            first = str(rank) if rank else "-"
        lines.append(f"| {q.id} | {q.category} | `{q.text}` | {cells} | {first} |")
    return lines


def significance(scores: dict[str, dict[str, Metrics]], queries: list[Query]) -> list[str]:
    lines = []
    if "c" not in scores:
        return lines
    c = [scores["c"][q.id].ndcg for q in queries]
    for other in ("a", "b"):
        if other in scores:
            o = [scores[other][q.id].ndcg for q in queries]
            gain = (mean(c) / mean(o) - 1) * 100 if mean(o) else float("inf")
            lines.append(f"(c) vs ({other}): nDCG@10 {gain:+.1f} % relative, paired "
                         f"randomization test p = {randomization_p(c, o):.3f}")
    return lines


def _git(*args: str) -> str:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # read-only: never touch .git/index
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True,
                             text=True, check=True, env=env)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def versions(collection: Path) -> dict[str, object]:
    packages = {}
    for name in ("whoosh-reloaded", "PyStemmer", "trafilatura", "lxml", "beautifulsoup4"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    try:
        manifest = json.loads((collection / ".manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    return {
        "python": platform.python_version(),
        "python_packages": packages,
        "debian_packages": manifest.get("packages", {}),
        "collection_builder": manifest.get("builder_version"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def write_json(path: Path, results: dict[str, RunResult],
               scores: dict[str, dict[str, Metrics]], queries: list[Query],
               collection: Path, documents: int, seconds: float) -> None:
    groups = _groups(queries)
    payload = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "collection": str(collection),
        "documents": documents,
        "queries": len(queries),
        "versions": versions(collection),
        "seconds_total": round(seconds, 1),
        "configs": {
            config: {
                "name": CONFIGS[config],
                "ndcg@10": mean(m.ndcg for m in per.values()),
                "mrr": mean(m.rr for m in per.values()),
                "recall@100": mean(m.recall for m in per.values()),
                "judged@10": mean(m.judged for m in per.values() if m.judged is not None),
                "categories": {name: mean(per[i].ndcg for i in ids)
                               for name, ids in groups.items()},
                "seconds_index": round(results[config].seconds_index, 1),
                "seconds_search": round(results[config].seconds_search, 1),
                "notes": results[config].notes,
            }
            for config, per in scores.items()
        },
        "per_query": {
            q.id: {
                "category": q.category,
                "query": q.text,
                **{config: {"ndcg@10": round(per[q.id].ndcg, 4), "rr": round(per[q.id].rr, 4),
                            "recall@100": round(per[q.id].recall, 4), "hits": per[q.id].hits,
                            "top20": results[config].rankings.get(q.id, [])[:20]}
                   for config, per in scores.items()},
            }
            for q in queries
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def check_judgments(queries: list[Query], qrels: dict[str, dict[str, int]],
                    collection: Path) -> None:
    """Say so when judgments point at documents the collection does not have: the
    collection was built from other package versions, and the numbers are not comparable."""
    missing = sorted({key for q in queries for key in qrels.get(q.id, {})
                      if not (collection / key).is_file()})
    unjudged = [q.id for q in queries if not any(g >= 1 for g in qrels.get(q.id, {}).values())]
    if missing:
        print(f"WARNING: {len(missing)} judged documents are not in {collection} "
              f"(e.g. {missing[0]}); rebuild it with build_collection.py", file=sys.stderr)
    if unjudged:
        print(f"WARNING: queries without any relevant document: {', '.join(unjudged)}",
              file=sys.stderr)


def documents_from_index(collection: Path, index: Path) -> list[Doc]:
    """Title and text of every document exactly as (c) indexed them (records are stored),
    so (a) and (b) need no second extraction when (c) runs. Only the public
    `SearchService.document` is used, so engine refactorings do not break this."""
    from kennisbank.records import document_id
    from kennisbank.search import SearchService

    files, _skipped = walk_corpus(collection)
    service = SearchService(index)
    try:
        records = (service.document(document_id(source.relpath)) for source in files)
        docs = [Doc(r["path"], r["title"], r["text"]) for r in records if r is not None]
    finally:
        service.close()
    return sorted(docs, key=lambda d: d.key)


def run_configs(configs: str, collection: Path, queries: list[Query], workdir: Path,
                jobs: int, stemmer: str,
                log: Callable[[str], None] = print) -> tuple[dict[str, RunResult], int]:
    """Run (c) first: its stored records are the text (a) and (b) index."""
    results: dict[str, RunResult] = {}
    docs: list[Doc] | None = None
    if "c" in configs:
        results["c"] = run_kennisbank(collection, queries, workdir, jobs, stemmer)
        log(f"(c) indexed in {results['c'].seconds_index:.1f} s "
            f"(run_index, {jobs} workers, stemmer {stemmer})")
        docs = documents_from_index(collection, workdir / "index-c")
    if {"a", "b"} & set(configs):
        if docs is None:
            began = time.monotonic()
            docs, failed = extract_collection(collection, jobs)
            log(f"extracted {len(docs)} documents ({len(failed)} failed) in "
                f"{time.monotonic() - began:.1f} s")
        for config in "ab":
            if config in configs:
                results[config] = run_plain(config, docs, queries, workdir)
                log(f"({config}) indexed in {results[config].seconds_index:.1f} s")
    documents = len(docs) if docs is not None else 0
    return dict(sorted(results.items())), documents


def rankings_from_json(path: Path, config: str) -> dict[str, list[str]]:
    """The top 20 per query of one configuration from an earlier run.py result file."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    return {qid: entry[config]["top20"] for qid, entry in payload["per_query"].items()
            if config in entry}


def compare_table(before: dict[str, list[str]], after: dict[str, list[str]],
                  queries: list[Query], qrels: dict[str, dict[str, int]],
                  names: tuple[str, str] = ("before", "after")) -> list[str]:
    """Per category: both means with intervals and the paired difference with its
    interval (paired bootstrap over the category's queries)."""
    missing = [q.id for q in queries if q.id not in before or q.id not in after]
    if missing:
        raise SystemExit(f"queries missing from a result file: {', '.join(missing)}")
    old = {q.id: evaluate(before[q.id], qrels.get(q.id, {})) for q in queries}
    new = {q.id: evaluate(after[q.id], qrels.get(q.id, {})) for q in queries}
    lines = [f"| category (nDCG@10) | queries | {names[0]} [95 % CI] | {names[1]} [95 % CI] "
             "| difference [95 % CI] |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, ids in _groups(queries).items():
        b = [old[i].ndcg for i in ids]
        a = [new[i].ndcg for i in ids]
        diff, low, high = paired_bootstrap(b, a)
        lines.append(f"| {name} | {len(ids)} | {with_ci(b)} | {with_ci(a)} "
                     f"| {diff:+.3f} [{low:+.2f}, {high:+.2f}] |")
    ids = [q.id for q in queries]
    judged = [(mean(m.judged for m in side.values() if m.judged is not None))
              for side in (old, new)]
    lines.append("")
    lines.append(f"judged@10: {names[0]} {judged[0]:.2f}, {names[1]} {judged[1]:.2f}; "
                 f"paired randomization test (all) p = "
                 f"{randomization_p([new[i].ndcg for i in ids], [old[i].ndcg for i in ids]):.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    from kennisbank.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", type=Path, default=DEFAULT_COLLECTION)
    parser.add_argument("--only", default="abc", help="configurations to run, e.g. c or ab")
    parser.add_argument("--jobs", type=int, default=2, help="extraction worker processes")
    parser.add_argument("--stemmer", default=None,
                        help="stemmer for (c); default: KENNISBANK_STEMMER or the app default")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the indexes here (default: a temporary folder)")
    parser.add_argument("--per-query", action="store_true", help="also print every query")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--qrels", type=Path, default=DEFAULT_QRELS)
    parser.add_argument("--json", type=Path, default=None,
                        help="result file (default: bench/results/relevance-<time>.json)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="re-score two result files with the current judgments and "
                             "report the paired difference; runs nothing")
    parser.add_argument("--config", default="c", help="configuration to --compare")
    args = parser.parse_args(argv)
    if args.compare:
        queries, qrels = load_queries(args.queries), load_qrels(args.qrels)
        before, after = (rankings_from_json(path, args.config) for path in args.compare)
        names = (args.compare[0].stem, args.compare[1].stem)
        print("\n".join(compare_table(before, after, queries, qrels, names)))
        return 0
    configs = "".join(c for c in "abc" if c in args.only.lower())
    if not configs:
        parser.error("--only needs one or more of a, b, c")
    if not args.collection.is_dir():
        print(f"No collection at {args.collection}; build it with "
              "bench/relevance/build_collection.py", file=sys.stderr)
        return 2
    stemmer = args.stemmer or load_settings().stemmer
    queries, qrels = load_queries(args.queries), load_qrels(args.qrels)
    check_judgments(queries, qrels, args.collection)
    began = time.monotonic()
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="relevance-")) if temporary else args.workdir
    try:
        results, documents = run_configs(configs, args.collection.resolve(), queries, workdir,
                                         args.jobs, stemmer)
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.monotonic() - began
    scores = per_query(results, queries, qrels)
    print(f"\nRelevance: {len(queries)} queries, {documents} documents, "
          f"{sum(len(v) for v in qrels.values())} judgments\n")
    print("\n".join(summary_table(scores, queries)))
    print()
    print("\n".join(category_table(scores, queries)))
    for line in significance(scores, queries):
        print(line)
    if args.per_query:
        print()
        print("\n".join(query_table(scores, queries, results, qrels)))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = args.json or RESULTS_DIR / f"relevance-{stamp}.json"
    write_json(out, results, scores, queries, args.collection, documents, seconds)
    print(f"\n{seconds:.0f} s in total; results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
