"""Run the PDF parser over real-world sample PDFs and print one Markdown table row per file.

Data: ../shared/testdata/pdf-samples/ (py-pdf/sample-files); `files.json` lists the files
with their producer and page count. A file listed there but absent on disk is reported
as missing. The table goes into docs/pdf-extraction.md.

Usage: python bench/pdf_samples.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "testdata" / "pdf-samples"
sys.path.insert(0, str(REPO_ROOT))

from kennisbank.indexer.parsers.base import ParseError  # noqa: E402
from kennisbank.indexer.parsers.pdf import parse_pdf  # noqa: E402

HEADER = (
    "| file | producer | pages | chars | seconds | result | title |\n"
    "| --- | --- | ---: | ---: | ---: | --- | --- |"
)


def run_one(path: Path) -> tuple[str, str, str, str, str]:
    """(pages, chars, seconds, result, title) of one file, as table cells."""
    if not path.is_file():
        return "", "", "", "missing", ""
    data = path.read_bytes()
    start = time.perf_counter()
    try:
        doc = parse_pdf(data)
    except ParseError as error:
        seconds = f"{time.perf_counter() - start:.2f}"
        detail = f" ({error.detail})" if error.detail else ""
        return "", "", seconds, f"`{error.code}`{detail}", ""
    seconds = f"{time.perf_counter() - start:.2f}"
    result = "ok" + "".join(f"; {w}" for w in doc.warnings)
    return str(len(doc.pages)), str(len(doc.text)), seconds, result, doc.title or ""


def outcome(result: str) -> str:
    """`ok`, the ParseError code or `missing`, for the summary line."""
    if result.startswith("ok"):
        return "ok"
    return result.split("`")[1] if "`" in result else result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="pdf-samples folder")
    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not results

    listed = json.loads((args.data / "files.json").read_text(encoding="utf-8"))["data"]
    print(HEADER)
    outcomes: Counter[str] = Counter()
    total = 0.0
    for entry in listed:
        cells = run_one(args.data / entry["path"])
        outcomes[outcome(cells[3])] += 1
        total += float(cells[2] or 0)
        title = cells[4].replace("|", "\\|")
        row = [f"`{entry['path']}`", entry.get("producer") or "", *cells[:4], title]
        print("| " + " | ".join(row) + " |", flush=True)
    summary = ", ".join(f"{name}: {count}" for name, count in outcomes.most_common())
    print(f"\n{len(listed)} listed; {summary}; total parse time {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
