"""Plain-text and Markdown files: encodings, residue lines, titles."""

from __future__ import annotations

import pytest

from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.parsers.text import parse_text


def test_cp1252_fallback_keeps_dutch_letters() -> None:
    parsed = parse_text("Geïntegreerd samenwerken – één team".encode("cp1252"))
    assert parsed.text == "Geïntegreerd samenwerken – één team"


def test_residue_lines_are_dropped() -> None:
    data = (b"slide2.jpg\n\nRol- en ontwikkelmodel\n\nOmslag betrokken jpg\n"
            b"kinderopvangfonds ga naar de homepage\nDe tekst.")
    parsed = parse_text(data)
    assert parsed.text == "Rol- en ontwikkelmodel\n\nDe tekst."
    assert parsed.title == "Rol- en ontwikkelmodel"


def test_markdown_heading_is_the_title() -> None:
    parsed = parse_text(b"# Notitie **huisvesting**\n\nZie [de site](https://example.org).",
                        markdown=True)
    assert parsed.title == "Notitie huisvesting"
    assert "de site" in parsed.text and "https" not in parsed.text


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", b"slide1.jpg\n"])
def test_empty_text_is_reported(data: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_text(data)
    assert caught.value.code == "empty"


def test_binary_file_is_unsupported() -> None:
    with pytest.raises(ParseError) as caught:
        parse_text(b"PK\x03\x04\x00\x00binary")
    assert caught.value.code == "unsupported"
