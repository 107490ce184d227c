"""Behaviour of parse_html: main text and metadata out of any web page, ParseError otherwise."""

from __future__ import annotations

import datetime as dt
import importlib.util
import pickle
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank.indexer.parsers.base import ParsedDocument, ParseError
from kennisbank.indexer.parsers.html import content, parse_html
from tests.conftest import shared_testdata

REPO_ROOT = Path(__file__).resolve().parent.parent

PARAGRAPHS = (
    "Kindcentra werken steeds vaker samen met de gemeente en de kinderopvang.",
    "In deze bijeenkomst delen schoolleiders hun ervaringen met één team en één plan.",
    "Meld je aan via het formulier op de website van het programma.",
)


def page(body: str, head: str = "", charset: str = "utf-8") -> bytes:
    meta = f'<meta charset="{charset}">' if charset else ""
    markup = f"<!DOCTYPE html><html lang='nl'><head>{meta}{head}</head><body>{body}</body></html>"
    return markup.encode(charset or "utf-8")


def programme_page(content: str) -> bytes:
    """A short page of our own kind: banner, header with menu, content, footer."""
    return page(
        '<div id="cookie-banner" class="cookie-consent">Wij gebruiken cookies om de site'
        " te verbeteren. <button>Accepteren</button></div>"
        '<header class="site-header"><a href="/">PACT voor Kindcentra</a>'
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/over">Over ons</a></li>'
        '<li><a href="/contact">Contact</a></li></ul></nav></header>'
        f"{content}"
        "<footer><p>© 2024 PACT voor Kindcentra · Privacyverklaring · Disclaimer</p></footer>"
        "<script>var tracking = 'niet indexeren';</script>",
        head="<title>Samen aan de slag | PACT voor Kindcentra</title>"
        "<style>body { color: red; }</style>",
    )


BOILERPLATE_WORDS = ("cookies", "Accepteren", "Home", "Over ons", "Privacyverklaring", "tracking")


def assert_programme_text(text: str) -> None:
    assert text.split("\n\n") == list(PARAGRAPHS)
    for word in BOILERPLATE_WORDS:
        assert word not in text


# --- main content -------------------------------------------------------------------


def test_short_page_keeps_its_paragraphs_and_drops_the_page_furniture() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    doc = parse_html(programme_page(f"<main><h1>Samen aan de slag</h1>{paragraphs}</main>"))
    assert_programme_text(doc.text)
    assert doc.title == "Samen aan de slag"


def test_short_page_without_main_element_is_read_too() -> None:
    paragraphs = "".join(f"<div>{p}</div>" for p in PARAGRAPHS)
    doc = parse_html(programme_page(f'<div class="content"><h1>Samen aan de slag</h1>{paragraphs}'))
    assert_programme_text(doc.text)


def test_long_article_loses_menus_and_related_links() -> None:
    sentence = (
        "Het kindcentrum biedt onderwijs en opvang onder één dak voor kinderen van nul tot twaalf. "
    )
    article = "".join(f"<p>{sentence * 3}Alinea {i}.</p>" for i in range(12))
    menu = "".join(f"<li><a href='/m{i}'>Menu-item {i}</a></li>" for i in range(30))
    related = "".join(f"<li><a href='/r{i}'>Lees ook artikel {i}</a></li>" for i in range(10))
    doc = parse_html(
        page(
            f"<nav><ul>{menu}</ul></nav><article><h1>Onder één dak</h1>{article}</article>"
            f"<aside><h2>Lees ook</h2><ul>{related}</ul></aside>"
            "<footer>Postbus 123, Utrecht</footer>"
        )
    )
    assert doc.text.count("Alinea") == 12
    assert "Menu-item" not in doc.text
    assert "Lees ook" not in doc.text
    assert "Postbus" not in doc.text


def test_scripts_styles_and_forms_are_not_text() -> None:
    doc = parse_html(
        page(
            "<p>Zichtbare tekst over de kindcentra in de wijk.</p>"
            "<script>document.write('script-tekst')</script><style>.x{color:red}</style>"
            "<noscript>zet javascript aan</noscript>"
            "<form><label>Zoekterm</label><input name='q'><button>Zoeken</button></form>"
        )
    )
    assert doc.text == "Zichtbare tekst over de kindcentra in de wijk."


def test_text_is_paragraphs_with_normalised_whitespace() -> None:
    doc = parse_html(
        page(
            "<main><p>  Eerste \n\t alinea   met\u00a0ruimte. </p>"
            "<p>Tweede<br>regel na een br.</p>"
            "<ul><li>Een punt</li><li>Nog een punt</li></ul></main>"
        )
    )
    assert "\n\n\n" not in doc.text
    for line in doc.text.splitlines():
        assert line == line.strip()
        assert "  " not in line
    assert doc.text.startswith("Eerste alinea met ruimte.\n\nTweede")


def test_title_is_not_repeated_as_first_line() -> None:
    doc = parse_html(
        page(
            "<main><h1>Onder één dak</h1><p>Het kindcentrum biedt onderwijs en opvang.</p></main>",
            head="<title>Onder één dak</title>",
        )
    )
    assert doc.title == "Onder één dak"
    assert doc.text == "Het kindcentrum biedt onderwijs en opvang."


def test_result_pickles_for_worker_processes() -> None:
    doc = parse_html(programme_page("<main><p>Een korte alinea tekst.</p></main>"))
    assert pickle.loads(pickle.dumps(doc)) == doc


# --- metadata -----------------------------------------------------------------------

BODY = "<main><h1>Kop van de pagina</h1><p>Gewone tekst van de pagina zelf.</p></main>"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ("<title>Titel van de pagina</title>", BODY, "Titel van de pagina"),
        ("<title>Titel | PACT voor Kindcentra</title>", BODY, "Kop van de pagina"),
        ("<title>Titel - PACT</title>", "<p>Tekst zonder kop erboven.</p>", "Titel"),
        (
            '<title>Titel | Site</title><meta property="og:title" content="Open Graph">',
            BODY,
            "Open Graph",
        ),
        ("", BODY, "Kop van de pagina"),
        ("", "<p>Alleen tekst, geen kop.</p>", None),
        # libxml2 leaves an SVG icon that comes first in <head>: its <title> is not the page's
        (
            "<svg><title>Zoekicoon</title></svg><title>Titel van de pagina</title>",
            "<svg><title>Menu-icoon</title></svg>" + BODY,
            "Titel van de pagina",
        ),
        (
            "",
            "<h1>Kop<script>var x = 1;</script> van de pagina</h1><p>Tekst.</p>",
            "Kop van de pagina",
        ),
    ],
)
def test_title(head: str, body: str, title: str | None) -> None:
    assert parse_html(page(body, head=head)).title == title


def test_description_and_author_from_meta_tags() -> None:
    doc = parse_html(
        page(
            BODY,
            head='<meta name="description" content=" Over  samenwerking. ">'
            '<meta name="author" content="Team PACT">',
        )
    )
    assert doc.description == "Over samenwerking."
    assert doc.author == "Team PACT"
    og = parse_html(page(BODY, head='<meta property="og:description" content="Via OG.">'))
    assert og.description == "Via OG."
    assert og.author is None


def test_metadata_tags_in_the_body_count_too() -> None:
    body = (
        '<main><meta itemprop="datePublished" content="2022-04-01">'
        '<meta itemprop="author" content="Redactie"><p>Tekst van de pagina.</p></main>'
    )
    doc = parse_html(page(body, head='<meta name="date" content="2020-01-01">'))
    assert doc.date == dt.date(2022, 4, 1)  # datePublished ranks above date


def test_author_that_is_a_link_is_ignored() -> None:
    head = '<meta property="article:author" content="https://www.facebook.com/pact">'
    assert parse_html(page(BODY, head=head)).author is None


@pytest.mark.parametrize(
    ("head", "body", "date"),
    [
        (
            '<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">',
            BODY,
            dt.date(2024, 3, 5),
        ),
        ('<meta name="DC.date" content="2023-11-19">', BODY, dt.date(2023, 11, 19)),
        ('<meta name="dcterms.created" content="05-03-2022">', BODY, dt.date(2022, 3, 5)),
        ('<meta name="date" content="Tue, 19 Nov 2019 10:00:00 GMT">', BODY, dt.date(2019, 11, 19)),
        (
            '<script type="application/ld+json">{"@type": "Article", "datePublished": '
            '"2021-06-30T08:00:00Z"}</script>',
            BODY,
            dt.date(2021, 6, 30),
        ),
        (
            "",
            '<p>Geplaatst op <time datetime="2020-01-31">31 januari</time>.</p>',
            dt.date(2020, 1, 31),
        ),
        ('<meta name="date" content="geen datum">', BODY, None),
        ('<meta name="date" content="2024-13-45">', BODY, None),
        ("", BODY, None),
    ],
)
def test_publication_date(head: str, body: str, date: dt.date | None) -> None:
    assert parse_html(page(body, head=head)).date == date


# --- encodings ----------------------------------------------------------------------

DUTCH = "Café-coördinatie: één ideeën “quote” €5"


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1", "latin-1"])
def test_declared_legacy_charset(charset: str) -> None:
    data = f'<html><head><meta charset="{charset}"></head><body><p>{DUTCH}</p></body></html>'
    assert parse_html(data.encode("cp1252")).text == DUTCH


def test_http_equiv_charset() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    data = f"<html><head>{head}</head><body><p>{DUTCH}</p></body></html>".encode("cp1252")
    assert parse_html(data).text == DUTCH


def test_legacy_bytes_without_declaration_are_detected() -> None:
    text = "De coördinatie van één kindcentrum is geen café. " * 5
    data = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    assert parse_html(data).text == text.strip()


def test_utf8_without_declaration() -> None:
    data = f"<html><body><p>{DUTCH}</p></body></html>".encode()
    assert parse_html(data).text == DUTCH


def test_utf8_declared_as_latin1_is_still_utf8() -> None:
    data = f'<meta charset="iso-8859-1"><p>{DUTCH}</p>'.encode()
    assert parse_html(data).text == DUTCH


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_marks_and_utf16(codec: str) -> None:
    data = f"<html><body><p>{DUTCH}</p></body></html>".encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):  # no BOM: recognised by its NUL bytes
        data = f"<html><body><p>Hallo wereld, {DUTCH}</p></body></html>".encode(codec)
    assert DUTCH in parse_html(data).text


def test_xml_declaration_with_encoding() -> None:
    data = f'<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>{DUTCH}</p></body></html>'
    assert parse_html(data.encode("cp1252")).text == DUTCH


# --- failures: only ParseError, with the right code -----------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\r\n ",
        b"<!DOCTYPE html>",
        b"<!-- alleen commentaar -->",
        b"<html><head><title>Titel</title></head><body><img src='a.png'></body></html>",
        b"<html><body><script>var a = 'geen tekst';</script><style>p{}</style></body></html>",
    ],
)
def test_page_without_text_is_empty(data: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(data)
    assert caught.value.code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(100_000),
        b"\x00" * 5000,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(8).randbytes(4000),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + random.Random(9).randbytes(4000),
    ],
    ids=["random", "zeros", "png", "pdf"],
)
def test_binary_junk_is_damaged(data: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(data)
    assert caught.value.code == "damaged"


def test_unexpected_failure_inside_becomes_damaged(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("kapot")

    monkeypatch.setattr(content.trafilatura, "extract", broken)
    with pytest.raises(ParseError) as caught:
        parse_html(page("<p>Tekst.</p>"))
    assert caught.value.code == "damaged"
    assert "RuntimeError" in caught.value.detail


@pytest.mark.parametrize("depth", [300, 3000, 100_000])
@pytest.mark.parametrize("tag", ["div", "table", "b"])
def test_deep_nesting_is_read_without_recursing(depth: int, tag: str) -> None:
    nested = f"<{tag}>" * depth + "<p>Diep verstopte zin.</p>" + f"</{tag}>" * depth
    doc = parse_html(
        page(
            f"<p>Eerste zin van de pagina.</p>{nested}<p>Laatste zin.</p>"
            '<p>Geplaatst op <time datetime="2020-01-31">31 januari</time>.</p>'
        )
    )
    assert "Eerste zin van de pagina." in doc.text
    assert "Diep verstopte zin." in doc.text
    assert doc.warnings
    assert doc.date == dt.date(2020, 1, 31)  # metadata behind the deep part is found


def test_heading_around_deep_nesting_gives_its_title() -> None:
    nested = "<b>" * 5000 + "diep" + "</b>" * 5000
    doc = parse_html(page(f"<h1>Kop van de pagina{nested}</h1><p>Tekst van de pagina.</p>"))
    assert doc.title == "Kop van de pagina"


@pytest.mark.parametrize(
    "data",
    [
        b"https://www.pactvoorkindcentra.nl/over-ons",
        b"programma.html",
        b'<?xml version="1.0"?><?xml version="1.0"?><p>Tekst over kindcentra.</p>',
    ],
    ids=["url", "filename", "xml"],
)
def test_markup_beautifulsoup_warns_about_is_read_quietly(data: bytes) -> None:
    # bs4 warns that these look like a URL, a file name or XML; pytest makes that an error.
    assert parse_html(data).text


def test_unclosed_tags_by_the_thousand() -> None:
    doc = parse_html(b"<html><body>" + b"<font><span>woord " * 20_000 + b"</body></html>")
    assert doc.text.count("woord") == 20_000


def test_megabytes_on_one_line() -> None:
    words = "kindcentrum " * 500_000
    doc = parse_html(page(f"<p>{words}</p>"))
    assert doc.text == words.strip()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_document_or_parse_error(data: bytes) -> None:
    try:
        doc = parse_html(data)
    except ParseError as error:
        assert error.code in {"empty", "damaged"}
    else:
        assert isinstance(doc, ParsedDocument)
        assert doc.text.strip()


_MARKUP = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<table>",
        "<td>",
        "<br>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<nav>",
        "<main>",
        "&amp;",
        "&#0;",
        "<?xml?>",
        "<![CDATA[",
        "\x00",
        "\ufffe",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_MARKUP, st.text(max_size=20)), max_size=60))
def test_any_tag_soup_gives_a_document_or_empty(pieces: list[str]) -> None:
    try:
        doc = parse_html("".join(pieces).encode("utf-8", "surrogatepass"))
    except ParseError as error:
        assert error.code in {"empty", "damaged"}
    else:
        assert doc.text == doc.text.strip()
        assert not re.search(r"[\x00-\x08]", doc.text)


# --- the benchmark --------------------------------------------------------------------


def test_main_text_benchmark_f1_is_at_least_090_and_at_least_trafilaturas() -> None:
    """At least as good as trafilatura alone, with no options and with its authors' settings."""
    pages = shared_testdata("html-extraction")
    spec = importlib.util.spec_from_file_location(
        "bench_html", REPO_ROOT / "bench" / "html_extraction.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    loaded = bench.load_pages(pages)
    result = bench.score(bench.ours, loaded)
    assert result["F1"] >= 0.90
    for name in bench.TRAFILATURA_REFERENCES:
        assert result["F1"] >= bench.score(bench.VARIANTS[name], loaded)["F1"], name
