"""Judged evidence links on Debian's Dutch documentation (issue 15, point 4).

Why this collection: the links join guidance to the material behind it, and judging
them needs real documents nobody on the team wrote, on shared subjects. Debian's
Dutch documentation has both sides: how-to guides, manuals and FAQs (guidance) and
reference pages (manual pages, menu and dialog references: the "research" side, what
the guidance rests on). `roles` names each file's side; the collection is copied with
a sidecar giving that side's document type, indexed with the real indexer, and the
links come from the generation's own passage table.

Three steps::

    python bench/evidence/links_bench.py sample [--collection DIR] [--work DIR]
        draws the blind sample (sample.tsv + sheet.md: texts, no scores); when
        sample.tsv exists, draws a further round (new passages only, links already
        in the sample left out) into sample.tsv and sheet-<round>.md
    python bench/evidence/links_bench.py calibrate [--work DIR]
        joins the judgments (judgments*.tsv) with the scores: precision@1, @3 and
        coverage per threshold

The collection comes from bench/relevance/build_collection.py (default
bench/corpora/relevance).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_COLLECTION = REPO / "bench" / "corpora" / "relevance"
# Judgments: judgments.tsv (round 1), judgments-2.tsv (round 2), one line per link.
SAMPLE, SHEET = HERE / "sample.tsv", HERE / "sheet.md"
SEED = 15
LOW = 0.2  # pairs are drawn from this score up, to see precision below the threshold
# Round 1 was drawn with passage scores alone; round 2 with the document factor
# (kennisbank/evidence/similarity.py), whose scores are lower.
BANDS = {1: ((0.2, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 1.01)),
         2: ((0.2, 0.25), (0.25, 0.3), (0.3, 0.4), (0.4, 1.01))}
PER_BAND = {1: 14, 2: 12}
SHOWN = 3
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.375, 0.4, 0.425, 0.45, 0.5, 0.6)


def role(relpath: str) -> str:
    """The document type a collection file stands in for: handreiking (guidance),
    onderzoeksrapport (the reference side) or "" (neither)."""
    parts = relpath.split("/")
    if parts[0] == "manpages" or (parts[0] == "gimp" and "key-reference" in parts[-1]):
        return "onderzoeksrapport"
    if parts[0] == "libreoffice":
        return "handreiking" if "guide" in parts else "onderzoeksrapport"
    if parts[0] in ("debian-faq", "debian-edu", "aptitude", "gimp"):
        return "handreiking"
    if parts[0] == "lilypond":
        return "handreiking" if "learning" in parts else "onderzoeksrapport"
    return ""


def prepare(collection: Path, corpus: Path) -> None:
    """The collection with a sidecar naming each file's side (its own sidecars, those
    of the programme pages, are kept)."""
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(collection, corpus, ignore=shutil.ignore_patterns(".*"))
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.name.endswith(".meta.toml"):
            continue
        doctype = role(path.relative_to(corpus).as_posix())
        sidecar = path.with_name(path.name + ".meta.toml")
        if doctype and not sidecar.exists():
            sidecar.write_text(f'soort = "{doctype}"\n', encoding="utf-8")


def build(collection: Path, work: Path) -> Path:
    from kennisbank.indexer.run import IndexOptions, run_index

    corpus, index = work / "corpus", work / "index"
    prepare(collection, corpus)
    if index.exists():
        shutil.rmtree(index)
    run_index(IndexOptions(corpus=corpus, index=index, full=True))
    return index


@dataclass(frozen=True)
class Link:
    guidance: int  # passage rows
    research: int
    score: float


class Collection:
    """The index's passages, records and all pairs from LOW up."""

    def __init__(self, index: Path) -> None:
        from kennisbank.engine.generations import current_generation
        from kennisbank.evidence import similarity
        from kennisbank.evidence.store import load_table
        from kennisbank.evidence.update import (
            GUIDANCE,
            RESEARCH,
            EvidenceTypes,
            link_pairs,
            passage_roles,
        )
        from kennisbank.search import SearchService

        self.service = SearchService(index)
        folder = index / current_generation(index)
        self.table = table = load_table(folder)
        roles = passage_roles(table, EvidenceTypes())
        size = len(table.vocabulary)
        idf = similarity.idf_weights(table.terms, table.passage_ptr, size)
        matrix = similarity.weigh(table.passage_ptr, table.terms, table.counts, idf)
        guidance, research = np.flatnonzero(roles == GUIDANCE), np.flatnonzero(roles == RESEARCH)
        found = link_pairs(matrix, table, guidance, research, size, LOW)
        self.doc_of = table.passage_doc()
        self.guidance_rows = guidance
        self.links = [Link(int(g), int(r), float(s)) for g, r, s in zip(*found, strict=True)]

    def shown(self, guidance_row: int, threshold: float) -> list[Link]:
        """What the document page shows for a guidance passage: the best passage of
        each research document, best first, at most SHOWN."""
        candidates = sorted((link for link in self.links if link.guidance == guidance_row
                             and link.score >= threshold), key=lambda link: -link.score)
        seen, shown = set(), []
        for link in candidates:
            doc = self.doc_of[link.research]
            if doc not in seen:
                seen.add(doc)
                shown.append(link)
        return shown[:SHOWN]

    def passage(self, row: int) -> tuple[str, str, int, str]:
        """path, title, passage number (1-based), text of a passage row."""
        doc = int(self.doc_of[row])
        record = self.service.document(str(self.table.doc_ids[doc]))
        number = row - int(self.table.doc_ptr[doc])
        starts = list(record["passage_starts"]) or [0]
        end = starts[number + 1] if number + 1 < len(starts) else len(record["text"])
        return record["path"], record["title"], number + 1, record["text"][starts[number]:end]


def draw(collection: Collection, round_: int, judged_rows: set[int]) -> list[Link]:
    """Guidance passages stratified by their best link's score (not drawn before);
    each with the links the page would show at LOW."""
    rng = random.Random(SEED + round_ - 1)
    best: dict[int, float] = {}
    for link in collection.links:
        best[link.guidance] = max(best.get(link.guidance, 0.0), link.score)
    drawn: list[Link] = []
    for low, high in BANDS[round_]:
        rows = sorted(row for row, score in best.items()
                      if low <= score < high and row not in judged_rows)
        for row in rng.sample(rows, min(PER_BAND[round_], len(rows))):
            drawn.extend(collection.shown(row, LOW))
    rng.shuffle(drawn)
    return drawn


def clean(text: str, limit: int = 1500) -> str:
    return " ".join(text.split())[:limit]


def write_sample(collection: Collection, links: list[Link], first: int, sheet: Path
                 ) -> int:
    """Append the links to sample.tsv (ids from `first` on; links already in it are
    left out) and write their texts to `sheet`; returns how many were written."""
    known = {_key_of(row) for row in _read_tsv(SAMPLE)} if SAMPLE.exists() else set()
    new_file = not SAMPLE.exists()
    lines = ["# Links to judge (see GUIDELINE.md)", ""]
    written = 0
    with open(SAMPLE, "a", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        if new_file:
            out.writerow(["link", "guidance_path", "guidance_passage", "research_path",
                          "research_passage"])
        for link in links:
            g_path, g_title, g_no, g_text = collection.passage(link.guidance)
            r_path, r_title, r_no, r_text = collection.passage(link.research)
            if (g_path, g_no, r_path, r_no) in known:
                continue
            known.add((g_path, g_no, r_path, r_no))
            name = f"L{first + written:03d}"
            written += 1
            out.writerow([name, g_path, g_no, r_path, r_no])
            lines += [f"## {name}", "", f"**Guidance** — {g_title} ({g_path}, "
                      f"passage {g_no})", "", f"> {clean(g_text)}", "",
                      f"**Linked** — {r_title} ({r_path}, passage {r_no})", "",
                      f"> {clean(r_text)}", ""]
    sheet.write_text("\n".join(lines), encoding="utf-8")
    return written


def _key_of(row: dict[str, str]) -> tuple[str, int, str, int]:
    return (row["guidance_path"], int(row["guidance_passage"]), row["research_path"],
            int(row["research_passage"]))


def calibrate(collection: Collection) -> None:
    """Precision@1 and @3 of what the page shows, among the judged guidance
    passages, and the share of guidance passages with any link, per threshold."""
    rows, grades = _read_tsv(SAMPLE), {row["link"]: int(row["relevant"])
                                       for path in sorted(HERE.glob("judgments*.tsv"))
                                       for row in _read_tsv(path)}
    by_key = {_key_of(r): grades[r["link"]] for r in rows if r["link"] in grades}
    judged_rows = {_row(collection, path, no) for path, no, _p, _n in by_key}
    print(f"{len(by_key)} judged links over {len(judged_rows)} guidance passages")
    print("threshold  passages  p@1    links  p@3    unjudged  coverage")
    for threshold in THRESHOLDS:
        firsts, shown, missing = [], [], 0
        for row in sorted(judged_rows):
            links = collection.shown(row, threshold)
            grades_shown = []
            for link in links:
                key = (*collection.passage(link.guidance)[0:3:2],
                       *collection.passage(link.research)[0:3:2])
                if key in by_key:
                    grades_shown.append(by_key[key])
                else:
                    missing += 1
            if grades_shown:
                firsts.append(grades_shown[0])
                shown.extend(grades_shown)
        linked = {link.guidance for link in collection.links if link.score >= threshold}
        coverage = len(linked) / max(1, len(collection.guidance_rows))
        print(f"{threshold:9.3f}  {len(firsts):8d}  {_mean(firsts):5.2f}  {len(shown):5d}  "
              f"{_mean(shown):5.2f}  {missing:8d}  {coverage:7.1%}")


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _row(collection: Collection, path: str, number: int) -> int:
    from kennisbank.records import document_id

    doc = collection.table.doc_index(document_id(path))
    return int(collection.table.doc_ptr[doc]) + number - 1


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("sample", "calibrate"))
    parser.add_argument("--collection", type=Path, default=DEFAULT_COLLECTION)
    parser.add_argument("--work", type=Path, default=Path("/tmp/evidence-links"))
    parser.add_argument("--reuse", action="store_true", help="use the index in --work")
    args = parser.parse_args(argv)
    index = args.work / "index"
    if not args.reuse:
        if not args.collection.is_dir():
            print(f"no collection at {args.collection}: run build_collection.py",
                  file=sys.stderr)
            return 2
        index = build(args.collection, args.work)
    collection = Collection(index)
    if args.step == "sample":
        rows = _read_tsv(SAMPLE) if SAMPLE.exists() else []
        round_ = 2 if rows else 1
        judged = {_row(collection, r["guidance_path"], int(r["guidance_passage"]))
                  for r in rows}
        sheet = SHEET if round_ == 1 else HERE / f"sheet-{round_}.md"
        written = write_sample(collection, draw(collection, round_, judged), len(rows) + 1,
                               sheet)
        print(f"{written} links added to {SAMPLE}, their texts in {sheet}")
    else:
        calibrate(collection)
    return 0


if __name__ == "__main__":
    sys.exit(main())
