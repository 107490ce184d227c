"""One file -> one DocumentRecord. Runs inside an extraction worker process."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from kennisbank.analysis import DEFAULT_STEMMER, DutchAnalyzer, fold
from kennisbank.evidence.terms import PassageTermCounter, PassageTerms
from kennisbank.indexer.parsers.base import ParsedDocument, ParseError
from kennisbank.indexer.sidecar import SIDECAR_SUFFIX, Sidecar, parse_sidecar, read_sidecar
from kennisbank.indexer.sidecar_values import MAX_CHARS
from kennisbank.indexer.walk import SourceFile
from kennisbank.passages import passage_starts
from kennisbank.records import DocumentRecord, document_id

PAGE_SEPARATOR = "\n\n"
# At most this much of a document's text is indexed (about 2,000 dense pages): see
# bounded_text.
MAX_INDEXED_CHARS = 5_000_000
# The document type of a file whose sidecar sets none, per format, so that every
# document shows up under "Documentsoort". Changed with KENNISBANK_DEFAULT_TYPES.
DEFAULT_TYPES: Mapping[str, str] = MappingProxyType(
    {"pdf": "document", "html": "webpagina", "txt": "tekst", "md": "tekst"})


def _parser_for(fmt: str) -> Callable[[bytes], ParsedDocument]:
    if fmt == "pdf":
        from kennisbank.indexer.parsers.pdf import parse_pdf

        return parse_pdf
    if fmt == "html":
        from kennisbank.indexer.parsers.html import parse_html

        return parse_html
    from kennisbank.indexer.parsers.text import parse_text

    return lambda data: parse_text(data, markdown=fmt == "md")


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ParseError("unreadable", exc.strerror or str(exc)) from exc


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _title_from_path(relpath: str) -> str:
    stem = Path(relpath).stem
    return re.sub(r"[_\-]+", " ", stem).strip().capitalize() or relpath


def _year_of(date: str) -> int | None:
    match = re.match(r"(\d{4})", date)
    return int(match.group(1)) if match else None


def _iso(date: dt.date | None) -> str:
    return date.isoformat() if date else ""


def _page_starts(pages: tuple[str, ...]) -> tuple[int, ...]:
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    return tuple(starts)


@lru_cache(maxsize=1)
def _word_finder() -> DutchAnalyzer:
    """One per worker process: folding and stopwords only (no stems, no compounds)."""
    return DutchAnalyzer(stemmer="none", compounds=False)


@lru_cache(maxsize=2)
def _term_counter(stemmer: str) -> PassageTermCounter:
    """One per worker process and stemmer (its caches are per distinct word)."""
    return PassageTermCounter(stemmer)


def _vocabulary_words(text: str, words: dict[str, str]) -> Iterator[tuple[str, int]]:
    """Adds the text's distinct words to `words` (folded -> as shown) and yields each
    folded word with its start, for whoever also needs the words in order."""
    for token in _word_finder().words(text, mode="query"):
        if token.text not in words:
            surface = text[token.start:token.end].lower()
            accented = not surface.isascii() and fold(surface) == token.text
            words[token.text] = surface if accented else token.text
        yield token.text, token.start


def analyse_words(title: str, text: str, starts: tuple[int, ...], stemmer: str
                  ) -> tuple[str, tuple[PassageTerms, ...]]:
    """The vocabulary of title and text, and the terms of each passage of the text
    (kennisbank/evidence/terms.py), in one walk over the words."""
    words: dict[str, str] = {}
    deque(_vocabulary_words(title, words), maxlen=0)
    terms = _term_counter(stemmer).count(_vocabulary_words(text, words), starts)
    return " ".join(words.values()), terms


def bounded_text(text: str, page_starts: tuple[int, ...]
                 ) -> tuple[str, tuple[int, ...], str | None]:
    """The text cut to MAX_INDEXED_CHARS (at a space where there is one), the page
    starts that remain, and a Dutch warning when it was cut.

    Why a fixed cap: analysis (compounds, stems) runs in the index writer, outside the
    extraction worker's time limit, and costs time in proportion to the text (about
    2.5 million characters a second). With words already bounded (kennisbank/analysis),
    the cap bounds what one file can cost the writer, and gives the same index on every
    machine, which a cut by time would not."""
    if len(text) <= MAX_INDEXED_CHARS:
        return text, page_starts, None
    whole = len(text)
    cut = text.rfind(" ", MAX_INDEXED_CHARS // 2, MAX_INDEXED_CHARS)
    text = text[:cut if cut > 0 else MAX_INDEXED_CHARS]
    warning = (f"De tekst is erg lang ({_thousands(whole)} tekens); alleen de eerste "
               f"{_thousands(len(text))} tekens zijn doorzoekbaar.")
    return text, tuple(start for start in page_starts if start < len(text)), warning


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _bounded(value: str | None, key: str) -> str | None:
    """A metadata value read from the file (PDF info, HTML head), cut to the length a
    sidecar may give it."""
    return value[:MAX_CHARS[key]] if value else value


def build_record(source: SourceFile, data: bytes, parsed: ParsedDocument,
                 sidecar: Sidecar, sidecar_sha256: str,
                 default_types: Mapping[str, str] = DEFAULT_TYPES,
                 stemmer: str = DEFAULT_STEMMER) -> DocumentRecord:
    """Merge what the parser read with what the curator wrote (the curator wins);
    the format's default type when the sidecar names none."""
    text = PAGE_SEPARATOR.join(parsed.pages) if parsed.pages else parsed.text
    text, page_starts, cut = bounded_text(text, _page_starts(parsed.pages))
    date = sidecar.date or _iso(parsed.date)
    year = sidecar.year or _year_of(date)
    title = (sidecar.title or _bounded(parsed.title, "title")
             or _title_from_path(source.relpath))
    starts = passage_starts(text, page_starts)
    vocabulary, terms = analyse_words(title, text, starts, stemmer)
    return DocumentRecord(
        id=document_id(source.relpath),
        path=source.relpath,
        title=title,
        text=text,
        format=source.format,
        size=source.size,
        sha256=sha256_of(data),
        mtime_ns=source.mtime_ns,
        stat_key=source.stat_key,
        sidecar_sha256=sidecar_sha256,
        page_starts=page_starts,
        passage_starts=starts,
        passage_terms=terms,
        description=sidecar.description or _bounded(parsed.description, "description") or "",
        author=sidecar.author or _bounded(parsed.author, "author") or "",
        date=date or (str(year) if year else ""),
        year=year,
        doctype=sidecar.doctype or default_types.get(source.format, ""),
        themes=sidecar.themes,
        organisations=sidecar.organisations,
        audiences=sidecar.audiences,
        source_url=sidecar.source_url,
        warnings=(*parsed.warnings, cut) if cut else parsed.warnings,
        vocabulary=vocabulary,
    )


def sidecar_name(source: SourceFile) -> str:
    """How messages name a document's sidecar: the file name staff see beside it."""
    return source.path.name + SIDECAR_SUFFIX


def content_hashes(source: SourceFile) -> tuple[bytes, str, bytes, str]:
    """The file's and its sidecar's bytes and hashes. A sidecar the walk found unsafe
    (a symlink out of the corpus) or that cannot be read fails the file here."""
    if source.sidecar_problem:
        raise ParseError("sidecar", f"{sidecar_name(source)}: {source.sidecar_problem}")
    sidecar_data = read_sidecar(source.sidecar, sidecar_name(source)) if source.sidecar else b""
    data = read_bytes(source.path)
    return data, sha256_of(data), sidecar_data, sha256_of(sidecar_data) if sidecar_data else ""


def extract(source: SourceFile, known: tuple[str, str] | None = None,
            default_types: Mapping[str, str] = DEFAULT_TYPES,
            stemmer: str = DEFAULT_STEMMER) -> DocumentRecord | None:
    """Parse one file. Returns None when its content equals `known` (sha256 of file
    and sidecar as indexed): the file was touched but not changed."""
    data, sha, sidecar_data, sidecar_sha = content_hashes(source)
    if known == (sha, sidecar_sha):
        return None
    sidecar = parse_sidecar(sidecar_data, sidecar_name(source)) if sidecar_data else Sidecar()
    if not data:
        raise ParseError("empty")
    parsed = _parser_for(source.format)(data)
    return build_record(source, data, parsed, sidecar, sidecar_sha, default_types, stemmer)
