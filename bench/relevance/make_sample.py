"""Draw the blind sample for the second judge (issue 17): sample_judge2.tsv.

Why: agreement between two independent judges says how much the benchmark's numbers
depend on who judged. The sample is stratified over the new queries (nl37 onwards) and
over judge 1's grades -- per query one pair of each grade judge 1 gave -- but the file
holds no grade, no rank and no system: only the query, the need, the document key, its
title, the start of its text and passages around the query's words, in a shuffled
order. Deterministic (fixed seed), so it can be redrawn and checked.

Run::

    python bench/relevance/make_sample.py [--collection DIR] [--workdir DIR] [--out FILE]

`--workdir` must hold the index that pool.py/run.py built (`index-c`), whose stored
text is what the passages come from.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pool  # noqa: E402
import run  # noqa: E402

SEED = 17


def clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def draw(qrels: dict[str, dict[str, int]], query_ids: list[str],
         seed: int = SEED) -> list[tuple[str, str]]:
    """Per query, one pair for each grade judge 1 used (random within the grade)."""
    rng = random.Random(seed)
    pairs = []
    for qid in query_ids:
        judged = qrels.get(qid, {})
        for grade in (2, 1, 0):
            keys = sorted(k for k, g in judged.items() if g == grade)
            if keys:
                pairs.append((qid, rng.choice(keys)))
    rng.shuffle(pairs)
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", type=Path, default=run.DEFAULT_COLLECTION)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/relevance-pool"))
    parser.add_argument("--out", type=Path, default=HERE / "sample_judge2.tsv")
    parser.add_argument("--first", type=int, default=37, help="first new nlNN query")
    args = parser.parse_args(argv)
    queries = {q.id: q for q in run.load_queries()}
    new = [q for q in queries if q.startswith("nl") and int(q[2:]) >= args.first]
    pairs = draw(run.load_qrels(), new)
    docs = {d.key: d for d in run.documents_from_index(args.collection.resolve(),
                                                       args.workdir / "index-c")}
    patterns = pool.load_patterns()
    with args.out.open("w", encoding="utf-8") as out:
        out.write("sample_id\tquery_id\tdoc\tquery\tneed\ttitle\ttext_start\tpassages\tgrade\n")
        for number, (qid, key) in enumerate(pairs, start=1):
            q, doc = queries[qid], docs[key]
            passages = pool.passages(doc, q, patterns.get(qid), 200, 3)
            out.write("\t".join([f"s{number:03d}", qid, key, clean(q.text), clean(q.need),
                                 clean(doc.title), clean(doc.text[:500]),
                                 clean(" ... ".join(passages)), ""]) + "\n")
    print(f"{len(pairs)} pairs from {len(new)} queries written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
