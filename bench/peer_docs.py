"""The corpus as extracted text, cached once, for the peer engines and the cold query set.

Why: a comparison with other engines only means something when every engine indexes
the same text. Kennisbank's own extraction (`kennisbank.indexer.extract.extract`) turns
each file into a record; the fields the peers need are kept here as plain dicts in one
pickle, so the peers' indexing time is the engine's alone (extraction excluded) and
the slow PDF parsing is paid once per corpus, not once per engine or run.

The cache sits next to the corpora (`bench/corpora/<corpus name>.docs.pickle`) unless
`--cache` says otherwise, and is rebuilt when the corpus's `.build.json` changed.

Run::

    python bench/peer_docs.py --corpus /tmp/bench10k [--cache FILE] [--jobs 2]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO_ROOT

CORPORA = REPO_ROOT / "bench" / "corpora"
CACHE_VERSION = 1
# What a peer needs from a record: text to index and show, and the facet values.
FIELDS = ("id", "path", "title", "text", "format", "doctype", "themes", "organisations",
          "year", "audiences")


def default_cache(corpus: Path) -> Path:
    return CORPORA / f"{corpus.resolve().name}.docs.pickle"


def corpus_key(corpus: Path) -> str:
    """Changes when the corpus was rebuilt (its build record) or the cache format."""
    build = corpus / ".build.json"
    stamp = build.read_bytes() if build.exists() else str(corpus.resolve()).encode()
    return hashlib.sha256(stamp + str(CACHE_VERSION).encode()).hexdigest()[:16]


def _extract_one(source: object) -> dict | None:
    from kennisbank.indexer.extract import extract

    try:
        record = extract(source)  # type: ignore[arg-type]
    except Exception:
        return None  # the indexer reports these as failed; no engine gets them
    if record is None:
        return None
    doc = {name: getattr(record, name) for name in FIELDS}
    doc["themes"], doc["organisations"], doc["audiences"] = (
        list(doc["themes"]), list(doc["organisations"]), list(doc["audiences"]))
    return doc


def extract_corpus(corpus: Path, jobs: int = 2) -> tuple[list[dict], float]:
    """Every indexable file of `corpus` as a dict of FIELDS, in walk order; seconds."""
    from kennisbank.indexer.walk import walk_corpus

    began = time.perf_counter()
    files, _skipped = walk_corpus(corpus)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        docs = [d for d in pool.imap(_extract_one, files, chunksize=32) if d is not None]
    return docs, time.perf_counter() - began


def load_docs(corpus: Path, cache: Path | None = None, jobs: int = 2) -> list[dict]:
    """The cached extraction of `corpus`, made first if missing or stale."""
    cache = cache or default_cache(corpus)
    key = corpus_key(corpus)
    if cache.exists():
        with cache.open("rb") as handle:
            stored = pickle.load(handle)
        if stored.get("key") == key:
            return stored["docs"]
    docs, seconds = extract_corpus(corpus, jobs)
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump({"key": key, "corpus": str(corpus.resolve()), "seconds": seconds,
                     "docs": docs}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(cache)
    print(f"extracted {len(docs):,} documents in {seconds:.0f} s -> {cache}",
          file=sys.stderr)
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    docs = load_docs(args.corpus, args.cache, args.jobs)
    chars = sum(len(d["text"]) for d in docs)
    print(f"{len(docs):,} documents, {chars / 1e6:.1f} M characters of text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
