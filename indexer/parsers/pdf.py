"""PDF parser: pypdf text per page, cleaned so that it can be indexed and shown as snippets.

Most of the knowledge base is PDF, and pypdf's raw text is not fit for search as it is:
words are split at line ends (`samen-` / `werking`), ligatures (`ﬁ`) and non-breaking
spaces break tokens, and running headers, footers and page numbers repeat on every page,
polluting results and snippets. `parse_pdf` turns PDF bytes into a `ParsedDocument` with
one cleaned string per page (so a hit can point at its page), or raises one `ParseError`
with a stable code (encrypted, damaged, no_text, empty).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import warnings
from collections import Counter

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from kennisbank.indexer.parsers.base import ParsedDocument, ParseError

NO_TEXT_WARNING = "pagina's zonder tekst"
FAILED_PAGES_WARNING = "pagina's die niet gelezen konden worden"

# --- character level cleaning ------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u0132": "IJ",
        "\u0133": "ij",
        "\u2010": "-",
        "\u2011": "-",
        "\u2028": "\n",
        "\u2029": "\n",
        "\r": "\n",
        **dict.fromkeys("\t\f\v\u00a0\u1680\u202f\u205f\u3000", " "),
        **dict.fromkeys(map(chr, range(0x2000, 0x200B)), " "),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"),
        **dict.fromkeys(chr(c) for c in range(0x20) if chr(c) not in "\t\n\f\v\r"),
        "\x7f": None,
    }
)
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\r?\n[ \t]*")
_SPACES = re.compile(r" {2,}")


# TeX-made PDFs (pdflatex with OT1 fonts) draw accents as separate glyphs before the
# letter, and pypdf returns them as spacing marks: `effici¨ente`, `´e´en`.
_SPACING_ACCENTS = {"¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302",
                    "^": "\u0302", "˜": "\u0303", "˚": "\u030a", "ˇ": "\u030c"}
_ACCENT_BEFORE_LETTER = re.compile(r"([¨´`ˆ^˜˚ˇ])([A-Za-zı])")


def _compose_accent(match: re.Match[str]) -> str:
    letter = "i" if match[2] == "ı" else match[2]  # TeX puts accents on a dotless i
    composed = unicodedata.normalize("NFC", letter + _SPACING_ACCENTS[match[1]])
    return composed if len(composed) == 1 else match[0]


def normalize_chars(text: str) -> str:
    """Fix ligatures, odd spaces, soft hyphens, zero-width and control characters and
    accents drawn apart from their letter; NFC."""
    text = _SOFT_HYPHEN_BREAK.sub("", text.replace("\r\n", "\n"))
    text = _ACCENT_BEFORE_LETTER.sub(_compose_accent, text)
    text = unicodedata.normalize("NFC", text.translate(_CHAR_MAP))
    return _SPACES.sub(" ", text)


def page_lines(raw: str) -> list[str]:
    """The non-empty, stripped lines of one page of raw extracted text."""
    return [line.strip() for line in normalize_chars(raw).split("\n") if line.strip()]


# --- words hyphenated across line ends ---------------------------------------------------

_LINE_END_HYPHEN = re.compile(r"(\w+)-\n(\w+)")
# `rol- en ontwikkelmodel`: an elided compound, the hyphen stays.
_CONJUNCTIONS = frozenset({"en", "of", "tot", "noch", "and", "or", "to", "nor"})


def _join_hyphenated(match: re.Match[str]) -> str:
    left, right = match[1], match[2]
    if right.casefold() in _CONJUNCTIONS:
        return f"{left}- {right}"
    if left.isupper() or right[0].isupper() or any(c.isdigit() for c in left + right[0]):
        return f"{left}-{right}"  # PACT-agenda, Noord-Holland, 0-12: a real hyphen
    return left + right


def join_hyphenated(text: str) -> str:
    """Join `samen-\\nwerking` to `samenwerking`; keep `rol- en`, `PACT-agenda`, `0-12`."""
    return _LINE_END_HYPHEN.sub(_join_hyphenated, text)


def clean_page_text(raw: str) -> str:
    """Clean the raw text of one page (without header/footer removal)."""
    return join_hyphenated("\n".join(page_lines(raw)))


# --- running headers, footers and page numbers --------------------------------------------

_EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be furniture
_REPEAT_SHARE = 0.6
_MIN_PAGES_FOR_REPEATS = 3
_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-\u2013\u2014]?\s*\d{1,3}\s*[-\u2013\u2014]?
      | (?:pagina|page|blz\.?|p\.)\s*\d{1,4}(?:\s*(?:van|of|/)\s*\d{1,4})?
      | \d{1,4}\s*(?:/|van|of)\s*\d{1,4}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_DIGITS = re.compile(r"\d+")


def _edge_key(line: str) -> str:
    return _DIGITS.sub("#", line.casefold())


def _edges(lines: list[str]) -> dict[str, range]:
    """Line indexes of the top and the bottom zone of a page; the middle line(s) never count."""
    count = len(lines)
    size = max(1, min(_EDGE_LINES, count // 2))
    return {"top": range(min(size, count)), "bottom": range(max(0, count - size), count)}


def _edge_keys(lines: list[str]) -> set[tuple[str, str]]:
    return {(zone, _edge_key(lines[i])) for zone, idx in _edges(lines).items() for i in idx}


def _repeated_edge_keys(pages: list[list[str]]) -> set[tuple[str, str]]:
    """(zone, line key) pairs found in the same zone of at least 60% of the pages with text."""
    with_text = [lines for lines in pages if lines]
    if len(with_text) < _MIN_PAGES_FOR_REPEATS:
        return set()
    counts = Counter(key for lines in with_text for key in _edge_keys(lines))
    threshold = max(2, math.ceil(_REPEAT_SHARE * len(with_text)))
    return {key for key, count in counts.items() if count >= threshold}


def _strip_edges(lines: list[str], repeated: set[tuple[str, str]]) -> list[str]:
    drop = {
        i
        for zone, idx in _edges(lines).items()
        for i in idx
        if _PAGE_NUMBER.match(lines[i]) or (zone, _edge_key(lines[i])) in repeated
    }
    return [line for i, line in enumerate(lines) if i not in drop]


_EDGE_NUMBER = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")
_NUMBERED_SHARE = 0.3
_MAX_HEADER_CHARS = 80


def _edge_number(line: str) -> int | None:
    if len(line) > _MAX_HEADER_CHARS:
        return None
    match = _EDGE_NUMBER.search(line)
    return int(match[1] or match[2]) if match else None


def _numbered_offsets(pages: list[list[str]]) -> dict[int, int]:
    """Running headers whose text changes per chapter (`Inleiding 9`, `Hoofdstuk 2: …
    14`) do carry the printed page number, which differs from the PDF page by the
    same offset throughout. Returns, per edge (0 = first line, -1 = last line), the
    offset found on at least 30% of the pages with text."""
    with_text = sum(1 for lines in pages if lines)
    if with_text < _MIN_PAGES_FOR_REPEATS:
        return {}
    found = {}
    for edge in (0, -1):
        offsets = Counter(
            number - _edge_number(lines[edge])
            for number, lines in enumerate(pages, start=1)
            if lines and _edge_number(lines[edge]) is not None
        )
        if offsets:
            offset, count = offsets.most_common(1)[0]
            if count >= max(_MIN_PAGES_FOR_REPEATS, _NUMBERED_SHARE * with_text):
                found[edge] = offset
    return found


def _strip_numbered(lines: list[str], number: int, offsets: dict[int, int]) -> list[str]:
    for edge, offset in offsets.items():
        if lines and _edge_number(lines[edge]) == number - offset:
            lines = lines[1:] if edge == 0 else lines[:-1]
    return lines


def remove_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, lines repeating at the top/bottom of most pages, and running
    headers that carry the page number.

    When every page holds the same few lines and nothing else, those lines are the
    content, not a running header: they stay.
    """
    offsets = _numbered_offsets(pages)
    pages = [_strip_numbered(lines, number, offsets)
             for number, lines in enumerate(pages, start=1)]
    repeated = _repeated_edge_keys(pages)
    stripped = [_strip_edges(lines, repeated) for lines in pages]
    if any(stripped):
        return stripped
    return [_strip_edges(lines, set()) for lines in pages]


# --- metadata --------------------------------------------------------------------------

_INFO_KEYS = ("/Title", "/Author", "/Subject", "/CreationDate", "/ModDate")
_WORD_PREFIX = re.compile(r"^microsoft\s+(?:word|powerpoint|excel)\s*-\s*", re.IGNORECASE)
_FILE_SUFFIX = re.compile(
    r"\.(?:docx?|dotx?|pptx?|xlsx?|odt|odp|ods|pdf|indd|rtf|pages|key|txt)$", re.IGNORECASE
)
_PLACEHOLDER = re.compile(
    r"^(?:untitled|naamloos|no title|geen titel|titel|title|document|presentatie|presentation"
    r"|powerpoint[- ]presentatie|powerpoint presentation|slide|dia|book|map|unspecified"
    r"|anonymous|unknown|onbekend|user|gebruiker|admin|administrator"
    r"|microsoft office[- ](?:user|gebruiker))\s*\d*$",
    re.IGNORECASE,
)
_SLUG = re.compile(r"^[\w.-]*(?:_[\w.-]*)+$|^[a-z0-9]+(?:-[a-z0-9]+)+$")


def _read_info(reader: PdfReader) -> dict[str, str]:
    """The document info strings; unreadable metadata gives an empty dict, never an error."""
    try:
        info = reader.metadata
        if info is None:
            return {}
        values = {key: info.get(key) for key in _INFO_KEYS}
        values = {k: v.get_object() if hasattr(v, "get_object") else v for k, v in values.items()}
    except Exception:  # metadata is optional: a broken /Info must not fail the document
        return {}
    return {key: value for key, value in values.items() if isinstance(value, str)}


def _tidy(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(normalize_chars(value).split())
    return None if not value or _PLACEHOLDER.match(value) else value


def title_from_info(value: str | None) -> str | None:
    """A real title from /Title; None for empty, placeholder or file-name titles."""
    value = _tidy(value)
    if value is None:
        return None
    value = _FILE_SUFFIX.sub("", _WORD_PREFIX.sub("", value)).strip()
    if not value or _PLACEHOLDER.match(value) or _SLUG.match(value):
        return None
    return value


def _is_heading_like(line: str) -> bool:
    return (
        3 <= len(line) <= 100
        and len(line.split()) <= 12
        and line.count(",") <= 1
        and sum(c.isalpha() for c in line) >= 2
        and not line.endswith((",", ";", ":", "-"))
        and not _PAGE_NUMBER.match(line)
    )


def title_from_lines(lines: list[str]) -> str | None:
    """The first heading-like line among the first lines of page 1."""
    return next((line for line in lines[:5] if _is_heading_like(line)), None)


_PDF_DATE = re.compile(r"^\s*(?:D\s*:)?\s*(\d{4})(\d{2})?(\d{2})?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_pdf_date(value: str | None) -> dt.date | None:
    """The date of a PDF date string (`D:20210614103000+02'00'`, also ISO); None if invalid."""
    if not value:
        return None
    match = _ISO_DATE.search(value) or _PDF_DATE.match(value)
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- reading ----------------------------------------------------------------------------


def _open(data: bytes) -> PdfReader:
    """A reader, decrypted with the empty user password when the file is encrypted."""
    reader = PdfReader(io.BytesIO(data))
    if not reader.is_encrypted:
        return reader
    try:
        result = reader.decrypt("")
    except Exception as exc:  # unknown security handler, AES without `cryptography`, ...
        raise ParseError("encrypted", _short(exc)) from exc
    if result == PasswordType.NOT_DECRYPTED:
        raise ParseError("encrypted")
    return reader


def _extract_pages(reader: PdfReader) -> tuple[list[str], dict[int, str]]:
    """Raw text per page, and the errors of pages that could not be read (by page number)."""
    texts: list[str] = []
    failed: dict[int, str] = {}
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except DependencyError:
            raise
        except Exception as exc:  # one bad page must not cost the other pages
            texts.append("")
            failed[number] = _short(exc)
    return texts, failed


def _short(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message[:200]


def _page_list(numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, numbers[:limit]))
    return shown if len(numbers) <= limit else f"{shown} … ({len(numbers)} in totaal)"


def _warnings(pages: list[str], failed: dict[int, str]) -> tuple[str, ...]:
    empty = [n for n, text in enumerate(pages, start=1) if not text and n not in failed]
    result = []
    if empty:
        result.append(f"{NO_TEXT_WARNING}: {_page_list(empty)}")
    if failed:
        result.append(f"{FAILED_PAGES_WARNING}: {_page_list(sorted(failed))}")
    return tuple(result)


def _parse(data: bytes) -> ParsedDocument:
    reader = _open(data)
    raw_pages, failed = _extract_pages(reader)
    if not raw_pages:
        raise ParseError("empty", "PDF zonder pagina's")
    lines = remove_page_furniture([page_lines(raw) for raw in raw_pages])
    pages = [join_hyphenated("\n".join(page)) for page in lines]
    if not any(pages):
        if failed:
            raise ParseError("damaged", next(iter(failed.values())))
        raise ParseError("no_text")
    info = _read_info(reader)
    return ParsedDocument(
        text="\n\n".join(pages),
        title=title_from_info(info.get("/Title")) or title_from_lines(lines[0]),
        pages=tuple(pages),
        description=_tidy(info.get("/Subject")),
        author=_tidy(info.get("/Author")),
        date=parse_pdf_date(info.get("/CreationDate")) or parse_pdf_date(info.get("/ModDate")),
        warnings=_warnings(pages, failed),
    )


def _check_signature(data: bytes) -> None:
    """A file named .pdf that is something else gets a reason staff can act on."""
    head = data[:1024]
    if b"%PDF-" in head:
        return
    if re.search(rb"<(!doctype html|html|head|body)\b", head, re.IGNORECASE):
        raise ParseError("damaged", "dit is een webpagina (HTML) met de extensie .pdf")
    raise ParseError("damaged", "geen PDF-bestand (de kenmerkende %PDF-kop ontbreekt)")


def parse_pdf(data: bytes) -> ParsedDocument:
    """Parse PDF bytes into cleaned text per page plus metadata; raises only ParseError."""
    data = bytes(data)  # no copy when it already is bytes
    if not data or data.isspace():
        raise ParseError("empty")
    _check_signature(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about every quirk; local to this call
        try:
            return _parse(data)
        except ParseError:
            raise
        except DependencyError as exc:  # AES without the `cryptography` package
            raise ParseError("encrypted", _short(exc)) from exc
        except Exception as exc:  # anything pypdf trips over means the file is unreadable
            raise ParseError("damaged", _short(exc)) from exc
