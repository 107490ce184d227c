"""Score main-text extraction from HTML against a benchmark with known article bodies.

Data: ../shared/testdata/html-extraction/ (html/<id>.html.gz and ground-truth.json),
scored as its authors do (scrapinghub/article-extraction-benchmark): both texts are
split into \\w+ tokens and overlapping 4-token shingles; per page tp/fp/fn over the
shingle multisets are normalised to sum to 1; precision and recall are averaged over
pages and F1 = 2PR/(P+R). Time is the median CPU time per page (time.process_time):
on a shared machine, wall-clock time mostly measures the other work going on.

parse_html is compared with trafilatura alone, both with no options at all and with
the settings trafilatura's authors use in their own comparison: a wrapper tuned on one
benchmark has to beat the library it wraps, not only our earlier configurations.

Usage: python bench/html_extraction.py [--data DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from unittest import mock

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "testdata" / "html-extraction"
sys.path.insert(0, str(REPO_ROOT))

from kennisbank.indexer.parsers.base import ParseError  # noqa: E402
from kennisbank.indexer.parsers.html import parse_html  # noqa: E402

TOKEN = re.compile(r"\w+")
SHINGLE = 4

Extractor = Callable[[bytes], str]


# --- scoring ----------------------------------------------------------------------


def shingles(text: str) -> Counter[str]:
    tokens = TOKEN.findall(text or "")
    count = max(1, len(tokens) - SHINGLE + 1)
    return Counter(s for i in range(count) if (s := " ".join(tokens[i : i + SHINGLE])))


def page_counts(expected: str, extracted: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page."""
    truth, found = shingles(expected), shingles(extracted)
    tp = sum((truth & found).values())
    fp = sum((found - truth).values())
    fn = sum((truth - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


# --- variants ---------------------------------------------------------------------


def bs4_get_text(data: bytes) -> str:
    """Baseline: every piece of text on the page."""
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BeautifulSoup(data, "lxml").get_text(" ")


def ours(data: bytes) -> str:
    try:
        return parse_html(data).text
    except ParseError:
        return ""


def ours_fast(data: bytes) -> str:
    """parse_html with trafilatura's second opinions (readability, jusText) switched off."""
    from kennisbank.indexer.parsers.html import content

    with mock.patch.dict(content.TRAFILATURA_OPTIONS, {"fast": True}):
        return ours(data)


def trafilatura_defaults(data: bytes) -> str:
    """trafilatura on the raw bytes exactly as a newcomer calls it: no options at all."""
    import trafilatura

    return trafilatura.extract(data) or ""


# How trafilatura's authors call it in their comparison (tests/comparison_small.py,
# run_trafilatura_fallback / run_trafilatura / run_trafilatura_precision); `fast`
# replaced `no_fallback` in trafilatura 2.
BENCHMARK_SETTINGS = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}


def trafilatura_benchmark(data: bytes) -> str:
    """trafilatura with its authors' benchmark settings, fallbacks on."""
    import trafilatura

    return trafilatura.extract(data, fast=False, **BENCHMARK_SETTINGS) or ""


def trafilatura_benchmark_fast(data: bytes) -> str:
    """The same without trafilatura's fallback extractors (readability, jusText)."""
    import trafilatura

    return trafilatura.extract(data, fast=True, **BENCHMARK_SETTINGS) or ""


def trafilatura_precision(data: bytes) -> str:
    """The benchmark settings with favor_precision=True."""
    import trafilatura

    return trafilatura.extract(data, favor_precision=True, **BENCHMARK_SETTINGS) or ""


def handwritten(data: bytes) -> str:
    """Our own rule-based extractor alone (what parse_html falls back to)."""
    from kennisbank.indexer.parsers.html import content, decoding, tree

    root, _ = tree.parse_tree(decoding.clean_chars(decoding.decode_html(data)))
    return content.rules_text(root)


OURS = "parse_html (ours)"
VARIANTS: dict[str, Extractor] = {
    "bs4 get_text (whole page)": bs4_get_text,
    OURS: ours,
    "parse_html, trafilatura fast": ours_fast,
    "trafilatura defaults": trafilatura_defaults,
    "trafilatura benchmark settings": trafilatura_benchmark,
    "trafilatura benchmark, fast": trafilatura_benchmark_fast,
    "trafilatura benchmark, favor_precision": trafilatura_precision,
    "hand-written rules only": handwritten,
}
# What parse_html must match: trafilatura as it comes, and as its authors benchmark it.
TRAFILATURA_REFERENCES = ("trafilatura defaults", "trafilatura benchmark settings")


# --- running ----------------------------------------------------------------------


def load_pages(data_dir: Path) -> list[tuple[bytes, str]]:
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((raw, item["articleBody"]))
    return pages


def score(extract: Extractor, pages: list[tuple[bytes, str]]) -> dict[str, float]:
    precisions, recalls, millis = [], [], []
    for raw, expected in pages:
        start = time.process_time()
        extracted = extract(raw)
        millis.append((time.process_time() - start) * 1000)
        counts = page_counts(expected, extracted)
        precisions.append(precision(*counts))
        recalls.append(recall(*counts))
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": p, "R": r, "F1": f1, "ms": statistics.median(millis)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--only", nargs="*", choices=list(VARIANTS), help="variants to run")
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    print(f"{len(pages)} pages from {args.data}\n")
    print(f"{'variant':<40} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8}")
    results = {}
    for name in args.only or VARIANTS:
        results[name] = result = score(VARIANTS[name], pages)
        print(
            f"{name:<40} {result['P']:6.3f} {result['R']:6.3f} {result['F1']:6.3f}"
            f" {result['ms']:8.1f}"
        )
    references = [name for name in TRAFILATURA_REFERENCES if name in results]
    if OURS in results and references:
        best = max(references, key=lambda name: results[name]["F1"])
        margin = results[OURS]["F1"] - results[best]["F1"]
        print(f"\nparse_html F1 minus the best trafilatura reference ({best}): {margin:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
