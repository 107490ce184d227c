"""Pool candidate documents per query and print judging sheets, for (re)judging.

Why: judgments are only as good as the pool they were made from. A document that no
judged system retrieved counts as not relevant, which favours the systems that were
pooled. So the pool is wide: the top of each configuration of run.py (AND queries),
the top of an OR version of (b) and (c) (finds documents that miss one of the words,
e.g. an unsplit compound), and the documents with most matches of a hand-written
regular expression per query (`pool_patterns.tsv`, written from the information need).

A sheet shows, per pooled document, its key, title, where it was found, and the
passages around the query's words, so a judge can grade it (and open the file when
the passages do not settle it). Grades go into qrels.tsv by hand; see docs/relevance.md.

Run::

    python bench/relevance/pool.py [--depth 20] [--other-depth N] [--grep-depth 15]
        [--out DIR] [--workdir DIR] [--only-unjudged] [--query ID ...] [--blind]

`--blind` writes sheets a judge can grade without knowing which system found what:
no "found by" column, no existing grade, documents shuffled (seeded per query) and
numbered; `blind.tsv` lists query id, number and key, so grades can be written as
`query id <TAB> number <TAB> grade` and joined back (`--blind-grades FILE` turns such
a file into qrels rows). `pool.tsv` still records the sources, for the report.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402

DEFAULT_PATTERNS = HERE / "pool_patterns.tsv"


def fold(text: str) -> str:
    """Lower case without diacritics, so patterns need not spell accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def load_patterns(path: Path = DEFAULT_PATTERNS) -> dict[str, re.Pattern[str]]:
    """Query id -> the pattern that adds grep candidates to its pool."""
    patterns = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 2 and not row[0].startswith("#") and row[0] != "query_id":
                patterns[row[0].strip()] = re.compile(row[1].strip())
    return patterns


def or_rankings(config: str, workdir: Path, queries: list[run.Query],
                depth: int) -> dict[str, list[str]]:
    """The same index, queried with OR between the words (BM25F)."""
    from whoosh import index, scoring
    from whoosh.qparser import MultifieldParser, OrGroup

    if config == "c":
        from kennisbank.engine.store import current_generation, open_generation

        root = workdir / "index-c"
        ix = open_generation(root, current_generation(root))
        key_field = "path"  # our schema stores the collection path
    else:
        ix = index.open_dir(str(workdir / f"index-{config}"))
        key_field = "key"
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
    rankings: dict[str, list[str]] = {}
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        for query in queries:
            hits = searcher.search(parser.parse(query.text), limit=depth)
            rankings[query.id] = [hit[key_field] for hit in hits]
    return rankings


def query_stems(text: str) -> list[str]:
    """Crude prefixes of the query's words, to find passages worth reading."""
    words = re.findall(r"[^\W_]+", fold(text))
    return sorted({w[: max(4, len(w) - 3)] for w in words if len(w) >= 3}, key=len,
                  reverse=True)


def passages(doc: run.Doc, query: run.Query, pattern: re.Pattern[str] | None,
             width: int = 160, limit: int = 4) -> list[str]:
    """Up to `limit` passages (`width` characters either side) around the query's words."""
    folded = fold(doc.text)
    spans: list[tuple[int, int]] = []
    rx = [re.compile(re.escape(stem)) for stem in query_stems(query.text)]
    if pattern is not None:
        rx.append(pattern)
    for expression in rx:
        for match in expression.finditer(folded):
            spans.append((match.start(), match.end()))
            if len(spans) > 50:
                break
    spans.sort()
    chosen: list[tuple[int, int]] = []
    for start, end in spans:
        if chosen and start < chosen[-1][1] + width:
            continue
        chosen.append((max(0, start - width), min(len(folded), end + width)))
        if len(chosen) >= limit:
            break
    return [" ".join(doc.text[s:e].split()) for s, e in chosen]


def main(argv: list[str] | None = None) -> int:
    from kennisbank.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", type=Path, default=run.DEFAULT_COLLECTION)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/relevance-pool"))
    parser.add_argument("--depth", type=int, default=20, help="top N of (c) and (c) OR")
    parser.add_argument("--other-depth", type=int, default=None,
                        help="top N of (a), (b) and (b) OR (default: --depth)")
    parser.add_argument("--grep-depth", type=int, default=15, help="top N of the pattern")
    parser.add_argument("--out", type=Path, default=Path("/tmp/relevance-pool/sheets"))
    parser.add_argument("--only-unjudged", action="store_true")
    parser.add_argument("--query", nargs="*", default=None, help="only these query ids")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--passages", type=int, default=4, help="passages per document")
    parser.add_argument("--width", type=int, default=160, help="characters around a match")
    parser.add_argument("--blind", action="store_true",
                        help="hide sources and grades, shuffle and number the documents")
    parser.add_argument("--blind-grades", type=Path, default=None,
                        help="convert 'qid<TAB>number<TAB>grade' (numbers of the blind "
                             "sheets in --out) to qrels rows on stdout, and stop")
    args = parser.parse_args(argv)
    if args.blind_grades:
        return blind_to_qrels(args.out / "blind.tsv", args.blind_grades)
    other_depth = args.other_depth if args.other_depth is not None else args.depth

    queries = run.load_queries()
    if args.query:
        queries = [q for q in queries if q.id in set(args.query)]
    qrels = run.load_qrels()
    patterns = load_patterns()
    results, _ = run.run_configs("abc", args.collection.resolve(), queries, args.workdir,
                                 args.jobs, load_settings().stemmer)
    collection = args.collection.resolve()
    docs = {d.key: d for d in run.documents_from_index(collection, args.workdir / "index-c")}
    sources: dict[str, dict[str, list[str]]] = {q.id: {} for q in queries}
    for config, result in results.items():
        for q in queries:
            depth = args.depth if config == "c" else other_depth
            for rank, key in enumerate(result.rankings[q.id][:depth], start=1):
                sources[q.id].setdefault(key, []).append(f"{config}@{rank}")
    for config in ("b", "c"):
        depth = args.depth if config == "c" else other_depth
        for qid, ranking in or_rankings(config, args.workdir, queries, depth).items():
            for rank, key in enumerate(ranking, start=1):
                sources[qid].setdefault(key, []).append(f"{config}-or@{rank}")
    folded = {key: fold(f"{d.title}\n{d.text}") for key, d in docs.items()}
    for q in queries:
        pattern = patterns.get(q.id)
        if pattern is None:
            continue
        counts = [(len(pattern.findall(text)), key) for key, text in folded.items()]
        matched = sorted((c for c in counts if c[0]), key=lambda item: (-item[0], item[1]))
        for rank, (count, key) in enumerate(matched[: args.grep_depth], start=1):
            sources[q.id].setdefault(key, []).append(f"grep@{rank}({count})")

    args.out.mkdir(parents=True, exist_ok=True)
    blind_file = (args.out / "blind.tsv").open("w", encoding="utf-8") if args.blind else None
    with (args.out / "pool.tsv").open("w", encoding="utf-8") as pool_file:
        for q in queries:
            judged = qrels.get(q.id, {})
            lines = [f"# {q.id} [{q.category}] {q.text}", f"# need: {q.need}", ""]
            keys = sorted(sources[q.id])
            for key in keys:
                pool_file.write(f"{q.id}\t{key}\t{','.join(sources[q.id][key])}\n")
            if args.blind:
                random.Random(f"blind-{q.id}").shuffle(keys)
            number = 0
            for key in keys:
                found = sources[q.id][key]
                if args.only_unjudged and key in judged:
                    continue
                doc = docs.get(key)
                title = doc.title if doc else "?"
                if args.blind:
                    number += 1
                    assert blind_file is not None
                    blind_file.write(f"{q.id}\t{number}\t{key}\n")
                    lines.append(f"## [{number}] {key}")
                else:
                    grade = judged.get(key, "")
                    lines.append(f"## {key}  grade={grade}  [{', '.join(found)}]")
                lines.append(f"   title: {title}  ({len(doc.text) if doc else 0} chars)")
                if doc:
                    lines.append(f"   start: {' '.join(doc.text[:args.width * 2].split())}")
                    for passage in passages(doc, q, patterns.get(q.id), args.width,
                                            args.passages):
                        lines.append(f"   ... {passage}")
                lines.append("")
            (args.out / f"{q.id}.txt").write_text("\n".join(lines), encoding="utf-8")
            print(f"{q.id}: {len(sources[q.id])} pooled, "
                  f"{sum(1 for k in sources[q.id] if k not in judged)} unjudged")
    if blind_file is not None:
        blind_file.close()
    return 0


def blind_to_qrels(blind: Path, grades: Path) -> int:
    """Join grades given by sheet number back to document keys (qrels rows on stdout)."""
    keys: dict[tuple[str, str], str] = {}
    for row in csv.reader(blind.open(encoding="utf-8"), delimiter="\t"):
        keys[(row[0], row[1])] = row[2]
    for row in csv.reader(grades.open(encoding="utf-8"), delimiter="\t"):
        if not row or row[0].startswith("#"):
            continue
        qid, number, grade = (cell.strip() for cell in row[:3])
        print(f"{qid}\t{keys[(qid, number)]}\t{int(grade)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
