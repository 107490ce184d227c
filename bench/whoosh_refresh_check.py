"""Check whether ``Searcher.refresh()`` agrees with a freshly opened searcher.

Why: the Kennisbank web app keeps a long-lived Whoosh searcher while the
indexer adds, deletes and merges segments.  whoosh-reloaded 2.7.5 changed
``FileIndex._reader(reuse=...)`` so that a refreshed reader *appends the old
reader's segments* that are no longer in the table of contents; after a merge
this is suspected to keep merged-away segments alive and count documents twice.
This script reproduces each write pattern we use (plain add, add with the
default merge policy, ``optimize=True``, deletes with and without merge),
compares ``searcher.refresh()`` with ``ix.searcher()``, and also checks that a
searcher opened *before* a merging commit keeps working after the merged-away
segment files were deleted from disk (Linux keeps unlinked open files alive).

It only uses the public Whoosh API, so the same file runs against the original
``whoosh`` 2.7.4 and ``whoosh-reloaded`` 2.7.5; run it with each interpreter::

    python bench/whoosh_refresh_check.py            # human-readable report
    python bench/whoosh_refresh_check.py --strict   # exit 1 on any mismatch
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import whoosh
from whoosh import index
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.index import Index
from whoosh.query import Every, Term
from whoosh.searching import Searcher

BATCHES = 3
PER_BATCH = 10

Snapshot = dict[str, Any]


def make_schema() -> Schema:
    """A small schema with a unique id, stored text and a sortable column."""
    return Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(stored=True),
        n=NUMERIC(stored=True, sortable=True),
    )


def add_batch(writer: Any, batch: int, per_batch: int = PER_BATCH) -> None:
    """Add ``per_batch`` documents tagged with ``groep<batch>``."""
    for i in range(per_batch):
        num = batch * 1000 + i
        writer.add_document(
            id=f"d{num}",
            body=f"kindcentrum alle groep{batch} document{num}",
            n=num,
        )


def build_index(ixdir: str, batches: int, per_batch: int) -> Index:
    """Create an index with ``batches`` segments (one commit each, no merging)."""
    ix = index.create_in(ixdir, make_schema())
    for batch in range(batches):
        writer = ix.writer()
        add_batch(writer, batch, per_batch)
        writer.commit(merge=False)
    return ix


def snapshot(searcher: Searcher) -> Snapshot:
    """Collect the numbers that must match between refreshed and fresh searchers."""
    reader = searcher.reader()
    leaves = list(reader.leaf_readers())
    return {
        "generation": reader.generation(),
        "segments": len(leaves),
        "doc_count": searcher.doc_count(),
        "doc_count_all": searcher.doc_count_all(),
        "hits_every": len(searcher.search(Every(), limit=None)),
        "hits_alle": len(searcher.search(Term("body", "alle"), limit=None)),
        "hits_groep0": len(searcher.search(Term("body", "groep0"), limit=None)),
        "distinct_ids": len({f["id"] for f in searcher.all_stored_fields()}),
    }


def segment_files(ixdir: str, searcher: Searcher) -> list[str]:
    """Names of files on disk that belong to the searcher's segments."""
    names: list[str] = []
    for leaf, _offset in searcher.reader().leaf_readers():
        seg = leaf.segment()
        if seg is None:
            continue
        prefix = f"{seg.segment_id()}."
        names.extend(n for n in sorted(os.listdir(ixdir)) if n.startswith(prefix))
    return names


# --- write patterns -------------------------------------------------------
# Each takes the index, the number of the batch to add and the batch size.

Mutation = Callable[[Index, int, int], None]


def add_no_merge(ix: Index, batch: int, per_batch: int) -> None:
    writer = ix.writer()
    add_batch(writer, batch, per_batch)
    writer.commit(merge=False)


def add_default_merge(ix: Index, batch: int, per_batch: int) -> None:
    writer = ix.writer()
    add_batch(writer, batch, per_batch)
    writer.commit()  # default policy: MERGE_SMALL


def add_optimize(ix: Index, batch: int, per_batch: int) -> None:
    writer = ix.writer()
    add_batch(writer, batch, per_batch)
    writer.commit(optimize=True)


def delete_no_merge(ix: Index, batch: int, per_batch: int) -> None:
    # Deletes up to 5 documents of groep0 (in the first segment, already on disk).
    writer = ix.writer()
    for i in range(5):
        writer.delete_by_term("id", f"d{i}")
    writer.commit(merge=False)


def delete_and_merge(ix: Index, batch: int, per_batch: int) -> None:
    writer = ix.writer()
    for i in range(5):
        writer.delete_by_term("id", f"d{i}")
    add_batch(writer, batch, per_batch)
    writer.commit()


def update_optimize(ix: Index, batch: int, per_batch: int) -> None:
    # update_document() = delete-by-unique-field + add; optimize rewrites all.
    writer = ix.writer()
    for i in range(5):
        writer.update_document(id=f"d{i}", body=f"kindcentrum alle bijgewerkt {i}", n=i)
    writer.commit(optimize=True)


@dataclass(frozen=True)
class Scenario:
    """A write pattern applied to an index of ``batches`` x ``per_batch`` documents."""

    name: str
    mutate: Mutation
    batches: int = BATCHES
    per_batch: int = PER_BATCH


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("add, merge=False", add_no_merge),
    # 10-doc segments are too big for MERGE_SMALL to touch (it needs >= 5 segments
    # whose sizes sum below a Fibonacci bound), so use 1-doc segments to force a merge.
    Scenario("add, default merge (no merge happens)", add_default_merge),
    Scenario("add, default merge (small segments merged)", add_default_merge, 6, 1),
    Scenario("add, optimize=True", add_optimize),
    Scenario("delete, merge=False", delete_no_merge),
    Scenario("delete+add, default merge", delete_and_merge),
    Scenario("update, optimize=True", update_optimize),
)


@dataclass
class Result:
    """Outcome of one scenario."""

    name: str
    rounds: list[tuple[Snapshot, Snapshot]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(a == b for a, b in self.rounds)


def run_refresh_scenario(scenario: Scenario) -> Result:
    """Open a searcher, mutate twice, compare refresh() with a fresh searcher each time."""
    result = Result(scenario.name)
    ixdir = tempfile.mkdtemp(prefix="whoosh-refresh-")
    try:
        ix = build_index(ixdir, scenario.batches, scenario.per_batch)
        searcher = ix.searcher()
        for round_no in range(2):
            scenario.mutate(ix, scenario.batches + round_no, scenario.per_batch)
            searcher = searcher.refresh()
            with ix.searcher() as fresh:
                result.rounds.append((snapshot(searcher), snapshot(fresh)))
        searcher.close()
    except Exception:
        result.error = traceback.format_exc(limit=3).strip().splitlines()[-1]
    finally:
        shutil.rmtree(ixdir, ignore_errors=True)
    return result


def run_stale_searcher_check() -> tuple[bool, list[str]]:
    """A searcher opened before an optimizing commit must still answer from its snapshot."""
    lines: list[str] = []
    ixdir = tempfile.mkdtemp(prefix="whoosh-stale-")
    try:
        ix = build_index(ixdir, BATCHES, PER_BATCH)
        old = ix.searcher()
        before = snapshot(old)
        old_files = segment_files(ixdir, old)
        add_optimize(ix, BATCHES, PER_BATCH)
        gone = [n for n in old_files if not os.path.exists(os.path.join(ixdir, n))]
        lines.append(
            f"old searcher's segment files deleted by the commit: {len(gone)}/{len(old_files)}"
        )
        after = snapshot(old)
        lines.append(f"old searcher snapshot unchanged: {after == before}")
        sorted_hits = old.search(Term("body", "alle"), sortedby="n", reverse=True, limit=3)
        top = [hit["n"] for hit in sorted_hits]
        lines.append(f"old searcher sorted-by-column top3: {top}")
        stored = old.document(id="d5")
        lines.append(f"old searcher stored fields of d5 readable: {stored is not None}")
        lines.append(f"old searcher up_to_date(): {old.up_to_date()}")
        ok = after == before and top == [2009, 2008, 2007] and stored is not None
        old.close()
        return ok, lines
    except Exception:
        lines.append("ERROR " + traceback.format_exc(limit=3).strip().splitlines()[-1])
        return False, lines
    finally:
        shutil.rmtree(ixdir, ignore_errors=True)


def installed_distribution() -> str:
    """Which PyPI distribution provides the imported ``whoosh`` package."""
    for dist in ("whoosh-reloaded", "whoosh"):
        try:
            return f"{dist} {metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            continue
    return "unknown distribution"


def format_snapshot(snap: Snapshot) -> str:
    keys = (
        "segments",
        "doc_count",
        "doc_count_all",
        "hits_every",
        "hits_alle",
        "hits_groep0",
        "distinct_ids",
    )
    return " ".join(f"{k}={snap[k]}" for k in keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 on any mismatch")
    args = parser.parse_args(argv)

    print(
        f"{installed_distribution()} (whoosh.versionstring() {whoosh.versionstring()}) "
        f"on Python {sys.version.split()[0]}"
    )
    print(
        "each scenario: build an index with several merge=False commits, open a searcher, "
        "then 2 rounds of <write pattern> + searcher.refresh() vs a new ix.searcher()"
    )
    all_ok = True
    for scenario in SCENARIOS:
        res = run_refresh_scenario(scenario)
        all_ok &= res.ok
        print(
            f"\n[{'OK ' if res.ok else 'BAD'}] {scenario.name} "
            f"(start: {scenario.batches} commits x {scenario.per_batch} docs)"
        )
        if res.error:
            print(f"    error: {res.error}")
        for i, (refreshed, fresh) in enumerate(res.rounds, 1):
            print(f"    round {i} refresh(): {format_snapshot(refreshed)}")
            print(f"    round {i} fresh    : {format_snapshot(fresh)}")

    ok, lines = run_stale_searcher_check()
    all_ok &= ok
    print(f"\n[{'OK ' if ok else 'BAD'}] searcher opened before an optimize=True commit")
    for line in lines:
        print(f"    {line}")
    print(f"\nsummary: {'all scenarios agree' if all_ok else 'MISMATCHES FOUND'}")
    return 1 if args.strict and not all_ok else 0


if __name__ == "__main__":
    sys.exit(main())
