"""Agreement between two relevance judges: judge 1 (qrels.tsv) and judge 2 (a graded sample).

Why: one assessor's grades are one opinion. A second, independent judge grading a
sample of the same query-document pairs tells how far the grades (and so the
benchmark's numbers) depend on who judged. Reported: raw agreement on the three grades,
Cohen's kappa (unweighted), weighted kappa (linear and quadratic weights: a 0 against a
2 is a bigger disagreement than a 1 against a 2), the same on the binary split
relevant (grade >= 1) / not relevant, and the confusion matrix.

Judge 2's file is `sample_judge2.tsv` with its `grade` column filled in (0, 1 or 2);
rows with an empty grade are skipped and counted. Columns are found by their header
names `query_id`, `doc` and `grade`, so extra columns (need, passages) do not matter.

Run::

    python bench/relevance/agreement.py [--qrels qrels.tsv] JUDGE2.tsv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRADES = (0, 1, 2)

csv.field_size_limit(10_000_000)


def confusion(first: Sequence[int], second: Sequence[int],
              labels: Sequence[int] = GRADES) -> list[list[int]]:
    """counts[i][j]: pairs judge 1 graded labels[i] and judge 2 labels[j]."""
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for a, b in zip(first, second, strict=True):
        counts[index[a]][index[b]] += 1
    return counts


def raw_agreement(first: Sequence[int], second: Sequence[int]) -> float:
    pairs = list(zip(first, second, strict=True))
    return sum(1 for a, b in pairs if a == b) / len(pairs) if pairs else 0.0


def weighted_kappa(first: Sequence[int], second: Sequence[int],
                   labels: Sequence[int] = GRADES, weights: str = "none") -> float:
    """Cohen's kappa; `weights` "none" (plain kappa), "linear" or "quadratic".

    kappa = 1 - sum(w * observed) / sum(w * expected), with disagreement weights w
    (0 on the diagonal) and expected counts from the two judges' marginals. 1.0 when
    both judges agree everywhere (also when they use only one grade)."""
    counts = confusion(first, second, labels)
    n = sum(map(sum, counts))
    if n == 0:
        return 0.0
    k = len(labels)
    rows = [sum(counts[i]) for i in range(k)]
    cols = [sum(counts[i][j] for i in range(k)) for j in range(k)]

    def weight(i: int, j: int) -> float:
        if weights == "none":
            return 0.0 if i == j else 1.0
        distance = abs(i - j) / (k - 1)
        if weights == "linear":
            return distance
        if weights == "quadratic":
            return distance ** 2
        raise ValueError(f"unknown weights {weights!r}")

    observed = sum(weight(i, j) * counts[i][j] for i in range(k) for j in range(k))
    expected = sum(weight(i, j) * rows[i] * cols[j] / n for i in range(k) for j in range(k))
    if expected == 0:
        return 1.0 if observed == 0 else 0.0
    return 1.0 - observed / expected


def binary(grades: Sequence[int]) -> list[int]:
    return [1 if g >= 1 else 0 for g in grades]


def load_qrels(path: Path) -> dict[tuple[str, str], int]:
    grades = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 3 or row[0].startswith("#") or row[0] == "query_id":
                continue
            grades[(row[0].strip(), row[1].strip())] = int(row[2])
    return grades


def load_judge2(path: Path) -> tuple[dict[tuple[str, str], int], int]:
    """(query id, doc) -> grade, and the number of rows without a grade."""
    grades: dict[tuple[str, str], int] = {}
    empty = 0
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (r for r in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r and not r[0].startswith("#"))
        header = [cell.strip().lower() for cell in next(rows)]
        qcol, dcol, gcol = (header.index(name) for name in ("query_id", "doc", "grade"))
        for row in rows:
            cell = row[gcol].strip() if gcol < len(row) else ""
            if not cell:
                empty += 1
                continue
            grade = int(cell)
            if grade not in GRADES:
                raise SystemExit(f"{path}: grade must be 0, 1 or 2, not {grade}")
            grades[(row[qcol].strip(), row[dcol].strip())] = grade
    return grades, empty


def report(first: Sequence[int], second: Sequence[int]) -> list[str]:
    lines = [f"pairs graded by both judges: {len(first)}", "",
             "| measure | three grades (0/1/2) | relevant yes/no (>= 1) |",
             "| --- | ---: | ---: |"]
    b1, b2 = binary(first), binary(second)
    lines.append(f"| raw agreement | {raw_agreement(first, second):.3f} "
                 f"| {raw_agreement(b1, b2):.3f} |")
    lines.append(f"| Cohen's kappa | {weighted_kappa(first, second):.3f} "
                 f"| {weighted_kappa(b1, b2, (0, 1)):.3f} |")
    lines.append(f"| weighted kappa, linear | {weighted_kappa(first, second, weights='linear'):.3f}"
                 " | - |")
    lines.append("| weighted kappa, quadratic "
                 f"| {weighted_kappa(first, second, weights='quadratic'):.3f} | - |")
    lines += ["", "confusion (rows judge 1, columns judge 2):", "",
              "| judge 1 \\ judge 2 | 0 | 1 | 2 |", "| --- | ---: | ---: | ---: |"]
    for grade, row in zip(GRADES, confusion(first, second), strict=True):
        lines.append(f"| {grade} | " + " | ".join(str(c) for c in row) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("judge2", type=Path, help="sample_judge2.tsv with grades filled in")
    parser.add_argument("--qrels", type=Path, default=HERE / "qrels.tsv")
    args = parser.parse_args(argv)
    judge1 = load_qrels(args.qrels)
    judge2, empty = load_judge2(args.judge2)
    pairs = sorted(key for key in judge2 if key in judge1)
    unknown = len(judge2) - len(pairs)
    if not pairs:
        print(f"no pair is graded by both judges ({empty} rows of {args.judge2} have no "
              "grade yet)", file=sys.stderr)
        return 1
    print("\n".join(report([judge1[k] for k in pairs], [judge2[k] for k in pairs])))
    if empty or unknown:
        print(f"\n{empty} rows without a grade skipped; {unknown} pairs not in {args.qrels}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
