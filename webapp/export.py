"""Export of a result list for researchers: CSV for spreadsheets, RIS for reference
managers (Zotero, EndNote, Mendeley)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

CSV_COLUMNS = ("titel", "soort", "organisatie", "jaar", "paginas", "link")
# Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Documentsoort -> RIS reference type; anything else is GEN (generic).
RIS_TYPES = {
    "onderzoeksrapport": "RPRT",
    "rapport": "RPRT",
    "boek": "BOOK",
    "brochure": "PAMP",
    "factsheet": "PAMP",
    "magazine": "MGZN",
    "nieuwsbericht": "NEWS",
    "webpagina": "ELEC",
    "webinar": "VIDEO",
    "beleidsplan": "GOVDOC",
}


@dataclass(frozen=True)
class ExportRow:
    record: dict
    pages: list[int]  # pages on which the query matched (PDFs)
    url: str  # the document page in the Kennisbank
    file_url: str  # the original file


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_text(rows: Iterable[ExportRow]) -> str:
    """RFC 4180 CSV with a header row; a byte order mark so Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        record = row.record
        writer.writerow([_cell(v) for v in (
            record["title"], record["doctype"], "; ".join(record["organisations"]),
            record["year"] or "", ", ".join(map(str, row.pages)), row.url)])
    return "\ufeff" + out.getvalue()


def ris_text(rows: Iterable[ExportRow]) -> str:
    """One RIS record per document, CRLF line ends as the format prescribes."""
    lines: list[str] = []
    for row in rows:
        lines.extend(_ris_record(row))
    return "".join(f"{line}\r\n" for line in lines)


def _ris_record(row: ExportRow) -> list[str]:
    record = row.record
    tags: list[tuple[str, str]] = [("TY", RIS_TYPES.get(record["doctype"], "GEN")),
                                   ("TI", record["title"])]
    tags.extend(("AU", author.strip()) for author in record["author"].split(";")
                if author.strip())
    tags.extend(("PB", org) for org in record["organisations"][:1])
    tags.extend(("A2", org) for org in record["organisations"][1:])
    if record["year"]:
        tags.append(("PY", str(record["year"])))
    if len(record["date"]) == 10:
        tags.append(("DA", record["date"].replace("-", "/")))
    tags.extend(("KW", theme) for theme in record["themes"])
    if record["description"]:
        tags.append(("AB", record["description"]))
    if record["doctype"]:
        tags.append(("M3", record["doctype"]))
    tags.extend([("UR", record["source_url"] or row.url), ("L1", row.file_url), ("LA", "nl")])
    if record["source_url"]:
        tags.append(("L2", row.url))
    tags.append(("ER", ""))
    return [f"{tag}  - {' '.join(value.split())}" for tag, value in tags]
