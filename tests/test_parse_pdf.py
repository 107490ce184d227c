"""Behaviour of the PDF parser: what the indexer gets back for good, odd and broken PDFs."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PageObject, PdfReader

from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.parsers.pdf import (
    FAILED_PAGES_WARNING,
    NO_TEXT_WARNING,
    clean_page_text,
    normalize_chars,
    parse_pdf,
    parse_pdf_date,
    remove_page_furniture,
    title_from_info,
)
from tests.conftest import shared_testdata
from tests.pdf_factory import (
    make_damaged_pdf,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_pdf,
    make_slow_pdf,
)


@pytest.fixture(scope="module")
def samples() -> Path:
    """py-pdf/sample-files from the shared test data (skipped where it is absent)."""
    return shared_testdata("pdf-samples")


def parse_file(path: Path):
    return parse_pdf(path.read_bytes())


def parse_error(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_pdf(data)
    return caught.value


# --- generated PDFs ------------------------------------------------------------------------


def test_each_page_text_lands_on_its_page_number(tmp_path):
    pages = [["Eerste pagina over ouderbetrokkenheid."], ["Tweede pagina over inclusie."]]
    pages.append(["Derde pagina over het IKC."])
    doc = parse_file(make_pdf(tmp_path / "drie.pdf", pages))

    assert doc.pages == (
        "Eerste pagina over ouderbetrokkenheid.",
        "Tweede pagina over inclusie.",
        "Derde pagina over het IKC.",
    )
    assert doc.text == "\n\n".join(doc.pages)
    assert doc.warnings == ()


def test_words_hyphenated_at_line_end_are_joined_but_real_hyphens_stay(tmp_path):
    lines = [
        "De interprofessionele samen-",
        "werking in het kindcentrum gebruikt het rol-",
        "en ontwikkelmodel en de PACT-",
        "agenda voor kinderen van 0-",
        "12 jaar, in Noord-",
        "Holland en elders. Ook het rol- en ontwikkelmodel midden in een regel.",
    ]
    text = parse_file(make_pdf(tmp_path / "afbreking.pdf", [lines])).text

    assert "samenwerking in het kindcentrum" in text
    assert "samen-" not in text
    assert "het rol- en ontwikkelmodel en de PACT-agenda" in text
    assert "kinderen van 0-12 jaar" in text
    assert "Noord-Holland" in text
    assert "Ook het rol- en ontwikkelmodel midden" in text


def test_running_header_footer_and_page_numbers_are_dropped(tmp_path):
    pages = [[f"Inhoud van pagina {n} over wijkgericht werken."] for n in range(1, 6)]
    pages[1].insert(0, "Bijlage: adressen van de kopgroepen")  # top of one page only
    pages[3].append("Noot: dit staat maar één keer onderaan.")  # bottom of one page only
    path = make_pdf(
        tmp_path / "koppen.pdf",
        pages,
        header="PACT voor Kindcentra – Handreiking gemeenten",
        footer="Pagina {page} van {nb}",
    )
    doc = parse_file(path)

    assert len(doc.pages) == 5
    for number, page in enumerate(doc.pages, start=1):
        assert f"Inhoud van pagina {number} over wijkgericht werken." in page
        assert "Handreiking gemeenten" not in page
        assert "van 5" not in page
    assert doc.pages[1].startswith("Bijlage: adressen van de kopgroepen")
    assert doc.pages[3].endswith("Noot: dit staat maar één keer onderaan.")


@pytest.mark.parametrize("footer", ["{page}", "- {page} -", "{page} / {nb}"])
def test_bare_page_numbers_are_dropped(tmp_path, footer):
    pages = [["Eerste pagina."], ["Tweede pagina."]]
    doc = parse_file(make_pdf(tmp_path / "nummers.pdf", pages, footer=footer))
    assert doc.pages == ("Eerste pagina.", "Tweede pagina.")


def test_document_info_gives_title_author_and_date(tmp_path):
    path = make_pdf(
        tmp_path / "info.pdf",
        [["Inleiding", "Tekst over kansengelijkheid."]],
        title="Handreiking ouderbetrokkenheid",
        author="Kennistafel PACT",
        creation_date=dt.datetime(2021, 6, 14, 10, 30, tzinfo=dt.UTC),
    )
    doc = parse_file(path)

    assert doc.title == "Handreiking ouderbetrokkenheid"
    assert doc.author == "Kennistafel PACT"
    assert doc.date == dt.date(2021, 6, 14)


@pytest.mark.parametrize("info_title", [None, "", "Untitled", "Microsoft Word - notitie_v3.docx"])
def test_title_falls_back_to_first_heading_of_page_one(tmp_path, info_title):
    lines = ["12", "Notitie over btw in het kindcentrum", "Een langere eerste alinea, met tekst."]
    doc = parse_file(make_pdf(tmp_path / "kop.pdf", [lines], title=info_title))
    assert doc.title == "Notitie over btw in het kindcentrum"


def test_unreadable_document_info_does_not_fail_the_parse(tmp_path):
    path = make_pdf(tmp_path / "info.pdf", [["Tekst blijft leesbaar."]], title="Titel")
    data = path.read_bytes()
    info_ref = data[data.rindex(b"/Info") :].split(b"R", 1)[0] + b"R"
    broken = data.replace(info_ref, b"/Info 9999".ljust(len(info_ref)))

    doc = parse_pdf(broken)

    assert doc.text == "Tekst blijft leesbaar."
    assert doc.title == "Tekst blijft leesbaar."  # from the page, not from /Info


def test_nbsp_and_soft_hyphens_in_a_pdf_are_cleaned(tmp_path):
    lines = ["PACT\u00a0voor\u00a0Kindcentra en ouder\u00adbetrokkenheid"]
    lines += ["gebruik van be\u00ad", "leid"]
    doc = parse_file(make_pdf(tmp_path / "spaties.pdf", [lines]))
    assert doc.text == "PACT voor Kindcentra en ouderbetrokkenheid\ngebruik van beleid"


def test_encrypted_with_user_password_is_reported_as_encrypted(tmp_path):
    assert parse_error(make_encrypted_pdf(tmp_path / "geheim.pdf").read_bytes()).code == "encrypted"


def test_owner_password_only_opens_and_parses(tmp_path):
    path = make_pdf(tmp_path / "eigenaar.pdf", [["Openbaar maar beveiligd."]], owner_password="x")
    assert PdfReader(path).is_encrypted
    assert parse_file(path).text == "Openbaar maar beveiligd."


def test_damaged_pdf_is_reported_as_damaged(tmp_path):
    error = parse_error(make_damaged_pdf(tmp_path / "kapot.pdf").read_bytes())
    assert error.code == "damaged"
    assert error.detail


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_input_is_reported_as_empty(data):
    assert parse_error(data).code == "empty"


def test_not_a_pdf_is_reported_as_damaged():
    assert parse_error(b"<html><body>404 niet gevonden</body></html>").code == "damaged"


def test_image_only_pdf_is_reported_as_no_text(tmp_path):
    assert parse_error(make_image_only_pdf(tmp_path / "scan.pdf").read_bytes()).code == "no_text"


def test_pages_without_text_are_kept_empty_and_listed_in_a_warning(tmp_path):
    pages = [["Pagina met tekst."], [], ["Nog een pagina met tekst."], []]
    doc = parse_file(make_pdf(tmp_path / "gemengd.pdf", pages))

    assert doc.pages == ("Pagina met tekst.", "", "Nog een pagina met tekst.", "")
    assert doc.warnings == (f"{NO_TEXT_WARNING}: 2, 4",)


def test_a_page_that_cannot_be_read_is_left_empty_and_reported(tmp_path, monkeypatch):
    path = make_pdf(tmp_path / "drie.pdf", [["Een."], ["Twee."], ["Drie."]])
    monkeypatch.setattr(PageObject, "extract_text", _failing_on_page(1))

    doc = parse_file(path)

    assert doc.pages == ("Een.", "", "Drie.")
    assert doc.warnings == (f"{FAILED_PAGES_WARNING}: 2",)


def test_no_readable_page_at_all_is_damaged(tmp_path, monkeypatch):
    path = make_pdf(tmp_path / "een.pdf", [["Tekst die niet gelezen kan worden."]])
    monkeypatch.setattr(PageObject, "extract_text", _failing_on_page(0))
    error = parse_error(path.read_bytes())
    assert (error.code, error.detail) == ("damaged", "kapotte inhoud")


def _failing_on_page(index):
    """PageObject.extract_text, raising for the page with this 0-based index."""
    original = PageObject.extract_text

    def extract_text(self, *args, **kwargs):
        if self.page_number == index:
            raise ValueError("kapotte inhoud")
        return original(self, *args, **kwargs)

    return extract_text


def test_slow_pdf_is_a_small_valid_file_with_one_big_content_stream(tmp_path):
    path = make_slow_pdf(tmp_path / "traag.pdf")
    assert path.stat().st_size < 200_000
    page = PdfReader(path).pages[0]
    assert len(page.get_contents().get_data()) > 5_000_000  # no text extraction here: too slow


def test_parser_leaves_global_warning_filters_alone(tmp_path):
    before = list(warnings.filters)
    parse_file(make_pdf(tmp_path / "a.pdf", [["Tekst."]]))
    assert warnings.filters == before


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_raise_nothing_but_parse_error(junk):
    with contextlib.suppress(ParseError):
        parse_pdf(b"%PDF-1.4\n" + junk)


# --- cleaning, dates and titles as plain functions --------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\ufb01nanciering en \ufb02exibele \ufb00ecten", "financiering en flexibele ffecten"),
        ("e\ufb03ci\u00ebnt, a\ufb04uent, \ufb05, \ufb06", "efficiënt, affluent, st, st"),
        ("\u0133sbaan \u0132ssel", "ijsbaan IJssel"),
        ("PACT\u00a0voor\u202fKindcentra", "PACT voor Kindcentra"),
        ("kind\u00adcentrum, ge\u200bïnte\ufeffgreerd", "kindcentrum, geïntegreerd"),
        ("ge\u0069\u0308ntegreerd", "geïntegreerd"),  # NFC: i + combining diaeresis
        ("veel    spaties\tende", "veel spaties ende"),
        ("  regel \r\n\n\n  volgende  ", "regel\nvolgende"),
        ("samen\u00ad\nwerking", "samenwerking"),
        ("IKC’s en “ouders”", "IKC’s en “ouders”"),
    ],
)
def test_clean_page_text(raw, clean):
    assert clean_page_text(raw) == clean


def test_normalize_chars_removes_control_characters():
    assert normalize_chars("a\x00b\x07c") == "abc"


def test_furniture_removal_needs_three_pages_and_keeps_lines_seen_once():
    two_pages = [["Kop", "tekst een"], ["Kop", "tekst twee"]]
    assert remove_page_furniture(two_pages) == two_pages

    pages = [["Kop 1", "uniek", "tekst"], ["Kop 2", "tekst b"], ["Kop 3", "tekst c"]]
    assert remove_page_furniture(pages) == [["uniek", "tekst"], ["tekst b"], ["tekst c"]]


def test_identical_pages_are_content_not_furniture():
    pages = [["Dezelfde regel"]] * 4
    assert remove_page_furniture(pages) == pages


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("D:20210614103000+02'00'", dt.date(2021, 6, 14)),
        ("D:20210614", dt.date(2021, 6, 14)),
        ("D:2021", dt.date(2021, 1, 1)),
        ("20210614103000Z", dt.date(2021, 6, 14)),
        ("D:20230410074654Z07'46'", dt.date(2023, 4, 10)),
        ("2021-06-14T10:30:00", dt.date(2021, 6, 14)),
        ("D:20211399", None),
        ("D:0000", None),
        ("gisteren", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_pdf_date(raw, date):
    assert parse_pdf_date(raw) == date


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Handreiking gemeenten", "Handreiking gemeenten"),
        ("Microsoft Word - Handreiking gemeenten.docx", "Handreiking gemeenten"),
        ("Microsoft Word - handreiking_gemeenten_v2.docx", None),
        ("rapport-kennistafel-2020", None),
        ("imagemagick-images\x00", None),
        ("untitled", None),
        ("Document1", None),
        ("Microsoft PowerPoint - Presentatie1", None),
        ("   ", None),
    ],
)
def test_title_from_info(raw, title):
    assert title_from_info(raw) == title


# --- real-world PDFs (py-pdf/sample-files) ----------------------------------------------------


def test_sample_libreoffice_document(samples: Path):
    path = samples / "002-trivial-libre-office-writer/002-trivial-libre-office-writer.pdf"
    doc = parse_file(path)
    assert doc.text.startswith("Lorem ipsum dolor sit amet")
    assert doc.date == dt.date(2022, 4, 3)


def test_sample_latex_four_pages_without_page_numbers(samples: Path):
    doc = parse_file(samples / "004-pdflatex-4-pages/pdflatex-4-pages.pdf")
    assert len(doc.pages) == 4
    assert "Hello, here is some text without a meaning" in doc.pages[0]
    assert not any(page.endswith(("\n1", "\n2", "\n3", "\n4")) for page in doc.pages)


def test_sample_pdfa_ligatures_and_title(samples: Path):
    doc = parse_file(samples / "021-pdfa/crazyones-pdfa.pdf")
    assert doc.title == "The Crazy Ones"
    assert "The misfits. The rebels." in doc.text
    assert "see things differently" in doc.text


def test_sample_two_columns_hyphenation_joined(samples: Path):
    doc = parse_file(samples / "026-latex-multicolumn/multicolumn.pdf")
    assert "consectetuer adipiscing elit" in doc.text
    assert "Praesent malesuada" in doc.text


def test_sample_password_protected_is_encrypted(samples: Path):
    path = samples / "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
    assert parse_error(path.read_bytes()).code == "encrypted"


def test_sample_scanned_image_is_no_text(samples: Path):
    path = samples / "019-grayscale-image/grayscale-image.pdf"
    assert parse_error(path.read_bytes()).code == "no_text"


def test_sample_with_broken_page_tree_is_damaged(samples: Path):
    # 017's /Info and its page tree both point at objects that are missing from the file.
    path = samples / "017-unreadable-meta-data/unreadablemetadata.pdf"
    assert parse_error(path.read_bytes()).code == "damaged"


def test_sample_identical_rotated_pages_keep_their_text(samples: Path):
    doc = parse_file(samples / "015-arabic/habibi-rotated.pdf")
    assert len(doc.pages) == 4
    assert all("habibi" in page for page in doc.pages)


def test_parse_accepts_bytes_like_input(samples: Path):
    data = (samples / "001-trivial/minimal-document.pdf").read_bytes()
    assert parse_pdf(bytearray(data)).text == parse_pdf(io.BytesIO(data).getvalue()).text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("effici¨ente", "efficiënte"), ("´e´en", "één"), ("co¨ordinatie", "coördinatie"),
     ("ge¨ıntegreerd", "geïntegreerd"), ("pr`es", "près"), ("a^2", "a^2"), ("x ´ y", "x ´ y")],
)
def test_accents_drawn_apart_are_joined_to_their_letter(raw: str, expected: str) -> None:
    from kennisbank.indexer.parsers.pdf import normalize_chars

    assert normalize_chars(raw) == expected


def test_chapter_headers_with_page_numbers_are_dropped() -> None:
    from kennisbank.indexer.parsers.pdf import remove_page_furniture

    topics = ["ouders", "gemeenten", "huisvesting", "jeugdhulp", "financiering", "inclusie"]
    # PDF page n+2 prints page number n in a header that changes per chapter.
    pages = [["Inhoud", "Inleiding 1"], ["Voorwoord van de Kennistafel"]] + [
        [f"{'Inleiding' if n < 3 else 'Hoofdstuk 2: Samenwerken'} {n}", f"Over {topic}."]
        for n, topic in enumerate(topics, start=1)]
    cleaned = remove_page_furniture(pages)
    assert cleaned[2:] == [[f"Over {topic}."] for topic in topics]
    assert cleaned[:2] == [["Inhoud", "Inleiding 1"], ["Voorwoord van de Kennistafel"]]
