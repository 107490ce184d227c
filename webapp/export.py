"""Export of a result list for researchers: CSV for spreadsheets, RIS for reference
managers (Zotero, EndNote, Mendeley)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app

from kennisbank.search import SearchService

# An export holds at most this many documents, the best first (README, "Export"), read
# and sent this many at a time; app.config EXPORT_MAX_ROWS / EXPORT_PART_ROWS override.
MAX_EXPORT_ROWS = 1000
EXPORT_PART_ROWS = 100
EXPORT_HEADER = "X-Kennisbank-Export"
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


ID_SLOT = "0000000000000000"  # a document id's shape; replaced by each row's id


@dataclass(frozen=True)
class ExportLinks:
    """Absolute link patterns with ID_SLOT where the document id goes: built once per
    export from the app's routes, so a part can be written without the app (in a worker
    process, webapp/offload.py)."""

    document: str
    file: str

    def row(self, record: dict, pages: list[int]) -> ExportRow:
        doc_id = record["id"]
        return ExportRow(record, pages, self.document.replace(ID_SLOT, doc_id),
                         self.file.replace(ID_SLOT, doc_id))


def export_part(render: Callable[[list[ExportRow]], str], query: str, paths: list[str],
                links: ExportLinks, service: SearchService) -> str:
    """One part of an export as text: the documents at `paths`, in that order."""
    return render([links.row(record, pages)
                   for record, pages in service.export_rows(query, paths)])


def export_limits() -> tuple[int, int]:
    """(most rows in one export, rows per streamed part) for the running app."""
    config = current_app.config
    return (config.get("EXPORT_MAX_ROWS", MAX_EXPORT_ROWS),
            config.get("EXPORT_PART_ROWS", EXPORT_PART_ROWS))


def export_extent(rows: int, total: int) -> str:
    """`1000 van 2345 resultaten`: what the file holds, in the response header."""
    return f"{rows} van {total} resultaten"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_header() -> str:
    """The start of a CSV export: a byte order mark so Excel reads it as UTF-8, then
    the header row."""
    return "\ufeff" + csv_rows([], header=True)


def csv_rows(rows: Iterable[ExportRow], header: bool = False) -> str:
    """RFC 4180 CSV lines for `rows` (a part of a streamed export)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for row in rows:
        record = row.record
        writer.writerow([_cell(v) for v in (
            record["title"], record["doctype"], "; ".join(record["organisations"]),
            record["year"] or "", ", ".join(map(str, row.pages)), row.url)])
    return out.getvalue()


def csv_text(rows: Iterable[ExportRow]) -> str:
    return csv_header() + csv_rows(rows)


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
