"""Do the two forms of a word meet in our analysis? Agreement per category of word form.

Why: most recall lost on the relevance benchmark is a document using another form of
the query's word (issue 17). This measures, on real pairs from the relevance
collection's vocabulary (`bench/word_forms_pairs.tsv`), how often the analyzer used for
indexing and querying maps both forms to one term: participle/infinitive, diminutive/
base, loanword plurals, English words; and how often it wrongly joins pairs that must
stay apart. `--merges` lists every rewrite the word-form rules make on the collection's
vocabulary (to review for false merges); `--speed` measures analyzer throughput.

Run::

    python bench/word_forms.py [--pairs FILE] [--merges] [--speed] [--no-word-forms]
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from kennisbank.analysis import DutchAnalyzer  # noqa: E402

PAIRS = Path(__file__).resolve().parent / "word_forms_pairs.tsv"
COLLECTION = REPO_ROOT / "bench" / "corpora" / "relevance"
TAG_RE = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)


def read_pairs(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def meet(analyzer: DutchAnalyzer, form: str, base: str) -> tuple[bool, bool]:
    """(same query term, each form's query finds a document with the other), the
    second counting the alternatives only the index holds (compound parts)."""
    query_form, query_base = (analyzer.terms(word, mode="query") for word in (form, base))
    found = (set(query_form) <= set(analyzer.terms(base))
             and set(query_base) <= set(analyzer.terms(form)))
    return query_form == query_base, found


def agreement(analyzer: DutchAnalyzer, pairs: list[dict[str, str]]) -> None:
    totals: dict[str, Counter[str]] = {}
    expect: dict[str, str] = {}
    for pair in pairs:
        same, found = meet(analyzer, pair["form"], pair["base"])
        expect[pair["category"]] = pair["expect"]
        counts = totals.setdefault(pair["category"], Counter())
        counts["n"] += 1
        counts["same"] += same
        counts["found"] += found
    print("| category | expect | pairs | same term | query finds the other form |")
    print("| --- | --- | ---: | ---: | ---: |")
    for category, counts in totals.items():
        n = counts["n"]
        same, found = counts["same"], counts["found"]
        print(f"| {category} | {expect[category]} | {n} | {same} ({same / n:.0%}) "
              f"| {found} ({found / n:.0%}) |")


def collection_texts(root: Path) -> list[str]:
    texts = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".html", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            texts.append(html.unescape(TAG_RE.sub(" ", text)) if path.suffix == ".html"
                         else text)
    return texts


def merges(texts: list[str]) -> None:
    """Every word of the collection the word-form rules rewrite, by rule outcome."""
    from kennisbank.word_forms import load_word_forms

    forms = load_word_forms()
    plain = DutchAnalyzer(word_forms=False)
    vocabulary: Counter[str] = Counter()
    for text in texts:
        vocabulary.update(token.text for token in plain.words(text, mode="query"))
    rewritten = {word: forms.base_form(word) for word in vocabulary}
    changed = {word: base for word, base in rewritten.items() if base != word}
    print(f"{len(changed)} of {len(vocabulary)} distinct words rewritten")
    for word, base in sorted(changed.items()):
        print(f"{word}\t{base}\t{vocabulary[word]}")


def speed(texts: list[str], word_forms: bool, rounds: int = 3) -> float:
    """Characters per second of index-time analysis (fresh analyzer, warm word list)."""
    sample = texts[:600]
    chars = sum(map(len, sample))
    DutchAnalyzer(word_forms=word_forms).terms("toegevoegd kindje")  # load word lists
    best = float("inf")
    for _ in range(rounds):
        analyzer = DutchAnalyzer(word_forms=word_forms)
        analyzer.terms("toegevoegd kindje")
        start = time.perf_counter()
        for text in sample:
            for _token in analyzer(text):
                pass
        best = min(best, time.perf_counter() - start)
    return chars / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--collection", type=Path, default=COLLECTION)
    parser.add_argument("--no-word-forms", action="store_true",
                        help="measure the analyzer without the word-form rules")
    parser.add_argument("--merges", action="store_true", help="list the rewrites")
    parser.add_argument("--speed", action="store_true", help="analyzer chars/s")
    args = parser.parse_args()
    try:
        analyzer = DutchAnalyzer(word_forms=not args.no_word_forms)
    except TypeError:  # an analyzer from before the word-form rules
        analyzer = DutchAnalyzer()
    agreement(analyzer, read_pairs(args.pairs))
    if args.merges or args.speed:
        texts = collection_texts(args.collection)
        if args.merges:
            merges(texts)
        if args.speed:
            for enabled in (False, True):
                print(f"word forms {'on' if enabled else 'off'}: "
                      f"{speed(texts, enabled) / 1e6:.2f} M chars/s")


if __name__ == "__main__":
    main()
