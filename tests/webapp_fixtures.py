"""A small fixed collection for the web app tests, indexed once per session.

Why its own corpus: facet tests need known metadata (types, themes, years, formats) with
overlaps, pagination needs more than one page, highlighting needs a match on page 180 of
a long PDF (far beyond the first 32 KB of text), escaping needs a document whose title
and text contain markup.

Test modules import the helpers below and load the fixtures with
`pytest_plugins = ["tests.webapp_fixtures"]`; since they import this module first,
pytest may not rewrite its asserts: PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kennisbank.config import Settings
from kennisbank.webapp import create_app
from tests.conftest import build_index
from tests.pdf_factory import make_pdf

LONG_PDF_PAGES = 200
DEEP_MATCH_PAGE = 180
NEWS_ITEMS = 12


@dataclass(frozen=True)
class Doc:
    path: str
    title: str
    doctype: str
    year: int
    organisations: tuple[str, ...]
    themes: tuple[str, ...]
    audiences: tuple[str, ...]
    text: str = ""
    pages: tuple[tuple[str, ...], ...] = ()
    date: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def format(self) -> str:
        return Path(self.path).suffix.lstrip(".")

    def facet_values(self) -> dict[str, tuple[str, ...]]:
        return {"type": (self.doctype,), "theme": self.themes,
                "organisation": self.organisations, "year": (str(self.year),),
                "audience": self.audiences, "format": (self.format,)}


def _long_report_pages() -> tuple[tuple[str, ...], ...]:
    pages = []
    for number in range(1, LONG_PDF_PAGES + 1):
        lines = [f"Hoofdstuk {number}: de ontwikkeling van kindcentra in gemeente {number}.",
                 *(f"Regel {i} van pagina {number} beschrijft onderwijs en opvang samen."
                   for i in range(1, 13))]
        if number == DEEP_MATCH_PAGE:
            lines.insert(5, "Hier gaat het over klimaatadaptatie van schoolgebouwen.")
        pages.append(tuple(lines))
    return tuple(pages)


DOCS: tuple[Doc, ...] = (
    Doc("handreiking-ouders.txt", "Handreiking ouderbetrokkenheid in kindcentra",
        "handreiking", 2021, ("PACT voor Kindcentra",), ("ouderbetrokkenheid",),
        ("professionals", "ouders"), date="2021-04-14",
        text="Ouders zijn de eerste opvoeders. Deze handreiking beschrijft hoe een "
             "integraal kindcentrum ouders betrekt. Ouderbetrokkenheid vraagt om tijd, "
             "gesprekken en vertrouwen tussen professionals en ouders."),
    Doc("handreiking-btw.txt", "Handreiking btw voor kindcentra", "handreiking", 2019,
        ("Het Kinderopvangfonds",), ("financiering", "wet- en regelgeving"),
        ("bestuurders", "gemeenten"),
        text="Over btw en de verhuur van ruimte aan kinderopvang. Gemeenten en besturen "
             "lezen hier wat de belastingdienst verwacht van een kindcentrum."),
    Doc("kennistafel-rapport.pdf", "De meerwaarde van kindcentra", "onderzoeksrapport",
        2020, ("Kennistafel", "PACT voor Kindcentra"), ("onderzoek", "ouderbetrokkenheid"),
        ("onderzoekers",),
        pages=(("De Kennistafel onderzocht de meerwaarde van kindcentra.",),
               ("Methode: interviews met professionals in tien kindcentra.",),
               ("Resultaat: ouderbetrokkenheid groeit als ouders welkom zijn.",))),
    Doc("longitudinaal-onderzoek.pdf", "Longitudinaal onderzoek naar kindcentra",
        "onderzoeksrapport", 2022, ("Nederlands Jeugdinstituut",), ("onderzoek",),
        ("onderzoekers", "beleidsmakers"), pages=_long_report_pages()),
    Doc("brochure-inclusie.md", "Inclusie in het kindcentrum", "brochure", 2018,
        ("Pedagogisch PACT",), ("inclusie", "passend onderwijs"), ("professionals",),
        text="# Inclusie in het kindcentrum\n\nPassend onderwijs en jeugdhulp werken samen "
             "zodat elk kind meedoet.\n"),
    Doc("notitie-veiligheid.txt", 'Over <script>alert("titel")</script> veiligheid',
        "notitie", 2017, ("Kindcentra 2020",), ("kwaliteit",), ("bestuurders",),
        text='Een notitie over veiligheid. <script>alert("tekst")</script> staat hier '
             "als gewone tekst, net als <b>vet</b> en &amp;."),
    Doc("webinar-wijk.html", "Webinar wijkgericht werken", "webinar", 2021,
        ("PACT voor Kindcentra",), ("wijkgericht werken",), ("gemeenten",),
        text="<html><head><title>Webinar wijkgericht werken</title></head><body><main>"
             "<h1>Webinar wijkgericht werken</h1><p>In dit webinar vertellen wethouders "
             "en professionals hoe het kindcentrum samenwerkt met de wijk en de "
             "jeugdhulp. Wijkgericht werken begint bij de vragen van ouders.</p>"
             "<p>De opname is terug te kijken.</p></main></body></html>"),
    *(Doc(f"nieuws/nieuwsbericht-{n:02d}.txt", f"Nieuwsbericht {n} over het kindcentrum",
          "nieuwsbericht", 2010 + n, ("PACT voor Kindcentra",), ("kindcentra",),
          ("professionals",), date=f"{2010 + n}-0{1 + n % 9}-15",
          text=f"Nieuws nummer {n}: een nieuw kindcentrum opent in de wijk.")
      for n in range(1, NEWS_ITEMS + 1)),
)


def _sidecar(doc: Doc) -> str:
    def items(values: tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    lines = [f"titel = '{doc.title}'", f'soort = "{doc.doctype}"', f"jaar = {doc.year}",
             f"organisaties = {items(doc.organisations)}", f"themas = {items(doc.themes)}",
             f"doelgroepen = {items(doc.audiences)}"]
    if doc.date:
        lines.append(f'datum = "{doc.date}"')
    lines.extend(f'{key} = "{value}"' for key, value in doc.extra.items())
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, docs: tuple[Doc, ...] = DOCS) -> Path:
    for doc in docs:
        path = root / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if doc.pages:
            make_pdf(path, [list(lines) for lines in doc.pages], title=doc.title,
                     creation_date=dt.date(doc.year, 6, 1))
        else:
            path.write_text(textwrap.dedent(doc.text), encoding="utf-8")
        path.with_name(path.name + ".meta.toml").write_text(_sidecar(doc), encoding="utf-8")
    return root


@dataclass(frozen=True)
class WebIndex:
    corpus: Path
    index: Path

    def settings(self, **changes: object) -> Settings:
        return Settings(corpus=self.corpus, index=self.index).with_overrides(**changes)


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> WebIndex:
    root = tmp_path_factory.mktemp("web")
    corpus = write_corpus(root / "corpus")
    report = build_index(corpus, root / "index")
    assert report.documents == len(DOCS), report.to_json()
    return WebIndex(corpus, root / "index")


@pytest.fixture(scope="session")
def app(web_index: WebIndex):
    return create_app(web_index.settings(), {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def doc_by_path(path: str) -> Doc:
    return next(doc for doc in DOCS if doc.path == path)


# --- reading pages the way a user sees them ------------------------------------------


def page(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def summary(soup: BeautifulSoup) -> str:
    return text_of(soup.find(id="aantal"))


def hit_titles(soup: BeautifulSoup) -> list[str]:
    return [text_of(h3) for h3 in soup.select(".hit h3")]


def facet_counts(soup: BeautifulSoup, param: str) -> dict[str, int]:
    """value -> the count shown beside its checkbox."""
    counts = {}
    for box in soup.select(f"#filterformulier input[type=checkbox][name='{param}']"):
        label = soup.find("label", attrs={"for": box["id"]})
        counts[box["value"]] = int(label.select_one(".count").get_text())
    return counts


def checked(soup: BeautifulSoup, param: str) -> set[str]:
    return {box["value"] for box in soup.select(
        f"#filterformulier input[type=checkbox][name='{param}'][checked]")}


def chip_labels(soup: BeautifulSoup) -> list[str]:
    return [text_of(chip.find("span")) for chip in soup.select("a.chip")]
