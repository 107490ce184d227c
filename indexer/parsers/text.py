"""Plain text and Markdown: decoding, residue lines from copy-pasted web pages, a title."""

from __future__ import annotations

import re
import unicodedata

from kennisbank.indexer.parsers.base import ParsedDocument, ParseError

# Lines that are left-overs of images and navigation, not prose:
# `slide2.jpg`, `Omslag betrokken jpg`, `kinderopvangfonds ga naar de homepage`.
RESIDUE_PATTERNS = (
    re.compile(r"^[\w\s.\-]{0,80}[\s.](jpe?g|png|gif|svg|webp|bmp|tiff?)$", re.IGNORECASE),
    re.compile(r"^.{0,60}\bga naar de homepage$", re.IGNORECASE),
)
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
MARKDOWN_NOISE = re.compile(r"(!\[[^\]]*\]\([^)]*\))|(\[([^\]]+)\]\([^)]*\))|[*_`]{1,3}")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252, the usual encoding of Dutch Windows files."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def is_residue(line: str) -> bool:
    stripped = line.strip()
    return any(pattern.match(stripped) for pattern in RESIDUE_PATTERNS)


def clean_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00ad", "").replace("\u00a0", " ")
    return [line.rstrip() for line in text.split("\n") if not is_residue(line)]


def _title_from(lines: list[str]) -> str | None:
    for line in lines:
        heading = MARKDOWN_HEADING.match(line.strip())
        candidate = heading.group(1) if heading else line.strip()
        if candidate:
            return candidate if len(candidate) <= 150 else None
    return None


def _strip_markdown(line: str) -> str:
    heading = MARKDOWN_HEADING.match(line.strip())
    if heading:
        line = heading.group(1)
    return MARKDOWN_NOISE.sub(lambda m: m.group(3) or "", line)


def parse_text(data: bytes, markdown: bool = False) -> ParsedDocument:
    if not data.strip():
        raise ParseError("empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("unsupported", "binair bestand, geen tekst")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = decode_text(data)
    lines = clean_lines(text)
    if markdown:
        lines = [_strip_markdown(line) for line in lines]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not body:
        raise ParseError("empty")
    return ParsedDocument(text=body, title=_title_from(lines))
