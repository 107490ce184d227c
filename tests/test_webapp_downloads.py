"""Download headers (issue 12, point 5): a Content-Disposition that any file name turns
into a valid header, and one charset on text downloads."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import Headers

from kennisbank.records import document_id
from kennisbank.webapp.downloads import MAX_NAME_CHARS, clean_filename, content_disposition

pytest_plugins = ["tests.webapp_fixtures"]

HEADER = re.compile(r"(attachment|inline); filename=\"([\x20-\x7e]*)\"; "
                    r"filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)")


def parts(name: str, attachment: bool = True) -> tuple[str, str]:
    value = content_disposition(name, attachment)
    found = HEADER.fullmatch(value)
    assert found, value
    return found.group(2), unquote(found.group(3), errors="strict")


@given(st.text(max_size=400))
def test_any_file_name_gives_a_valid_header(name: str) -> None:
    value = content_disposition(name)
    Headers().set("Content-Disposition", value)  # werkzeug accepts it: no CR, LF or NUL
    fallback, exact = parts(name)
    assert exact == clean_filename(name) and 0 < len(exact) <= MAX_NAME_CHARS
    assert '"' not in fallback and "\\" not in fallback and "%" not in fallback
    assert not any(ord(c) < 32 or ord(c) == 127 for c in exact)


@pytest.mark.parametrize(("name", "fallback", "exact"), [
    ("verslag.pdf", "verslag.pdf", "verslag.pdf"),
    ("naam\r\nSet-Cookie: x=1.txt", "naam Set-Cookie: x=1.txt", "naam Set-Cookie: x=1.txt"),
    ("Één overzicht – 2021.pdf", "Een overzicht _ 2021.pdf", "Één overzicht – 2021.pdf"),
    ('zeg "kaas".txt', "zeg _kaas_.txt", 'zeg "kaas".txt'),
    ("50% korting.txt", "50_ korting.txt", "50% korting.txt"),
    ("a\\b\\c.txt", "a b c.txt", "a b c.txt"),
    ("\x00\x1b[31mrood\x7f.txt", "[31mrood.txt", "[31mrood.txt"),
    ("\u202egpj.exe", "gpj.exe", "gpj.exe"),  # a right-to-left override goes
    ("..\u2028.txt", "txt", "txt"),
    ("\r\n", "bestand", "bestand"),
    ("数据.pdf", "__.pdf", "数据.pdf"),
])
def test_file_names_and_their_ascii_fallback(name: str, fallback: str, exact: str) -> None:
    assert parts(name) == (fallback, exact)


def test_a_very_long_name_is_cut_but_keeps_its_extension() -> None:
    _fallback, exact = parts("rapport " * 100 + "einde.pdf")
    assert len(exact) == MAX_NAME_CHARS
    assert exact.startswith("rapport rapport") and exact.endswith(".pdf")


def test_inline_files_say_so() -> None:
    assert content_disposition("a.pdf", attachment=False).startswith('inline; filename="a.pdf"')


@pytest.mark.parametrize(("path", "content_type"), [
    ("handreiking-ouders.txt", "text/plain; charset=utf-8"),
    ("brochure-inclusie.md", "text/plain; charset=utf-8"),
    ("webinar-wijk.html", "text/html; charset=utf-8"),
    ("kennistafel-rapport.pdf", "application/pdf"),
])
def test_downloads_name_one_charset(client, path: str, content_type: str) -> None:
    with client.get(f"/document/{document_id(path)}/bestand") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == content_type
        assert parts(path, attachment=path.endswith(".html"))[1] == path
        assert response.headers["Content-Disposition"] == content_disposition(
            path, attachment=path.endswith(".html"))


def test_exports_name_one_charset_and_a_safe_file_name(client) -> None:
    # Closed, as a server closes every response: an export's turn lasts until then.
    with client.get("/export.csv?q=kindcentrum") as csv_export:
        pass
    with client.get("/export.ris?q=kindcentrum") as ris_export:
        pass
    assert csv_export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert ris_export.headers["Content-Type"] == (
        "application/x-research-info-systems; charset=utf-8")
    assert csv_export.headers["Content-Disposition"] == (
        "attachment; filename=\"kennisbank-resultaten.csv\"; "
        "filename*=UTF-8''kennisbank-resultaten.csv")
