"""Machine access: the JSON API, CSV and RIS exports, OpenSearch, the health check, a new
index picked up without a restart, and no input that ends in a server error."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisbank.config import Settings
from kennisbank.engine.store import current_generation
from kennisbank.records import document_id
from kennisbank.search import SearchRequest, SearchService
from kennisbank.webapp import create_app
from kennisbank.webapp.export import ExportRow, csv_text
from tests.conftest import build_index
from tests.webapp_fixtures import DEEP_MATCH_PAGE, DOCS, hit_titles, page, summary, text_of

pytest_plugins = ["tests.webapp_fixtures"]

CLI_KEYS = {"total", "hits", "facets", "suggestion", "notice", "page", "page_size",
            "page_count", "corrected_from", "expanded_with", "view", "passages"}
HIT_KEYS = {"id", "title", "path", "type", "year", "score", "snippet", "pages",
            "matched_forms", "passages"}


def test_api_search_returns_the_cli_json(client, web_index) -> None:
    data = client.get("/api/search?q=kindcentrum&soort=nieuwsbericht&aantal=5").get_json()
    expected = SearchService(web_index.index).search(SearchRequest(
        query="kindcentrum", filters={"type": ("nieuwsbericht",)}, page_size=5)).to_json()
    assert set(data) >= CLI_KEYS
    assert {k: data[k] for k in CLI_KEYS - {"suggestion"}} == {
        k: expected[k] for k in CLI_KEYS - {"suggestion"}}
    assert all(set(hit) == HIT_KEYS for hit in data["hits"])
    assert data["total"] == 12 and data["page_count"] == 3


def test_api_takes_the_same_parameters_as_the_page(client) -> None:
    url = "?q=kindcentra&thema=onderzoek&van=2021&sorteer=datum"
    data = client.get("/api/search" + url).get_json()
    soup = page(client, "/" + url)
    assert summary(soup) == f"{data['total']} resultaat voor “kindcentra”"
    assert [hit["title"] for hit in data["hits"]] == hit_titles(soup)
    assert data["facets"]["year"] == {"2022": 1, "2020": 1}
    english = client.get("/api/search?q=kindcentra&theme=onderzoek&year_from=2021&sort=date")
    assert english.get_json()["hits"] == data["hits"]


def test_api_pages_through_results_with_links(client) -> None:
    data = client.get("/api/search?q=kindcentrum&aantal=10").get_json()
    assert data["links"]["previous"] is None
    following = client.get(data["links"]["next"]).get_json()
    assert following["page"] == 2 and following["links"]["next"] is None
    ids = {hit["id"] for hit in data["hits"]} | {hit["id"] for hit in following["hits"]}
    assert len(ids) == data["total"] == 18


def test_api_reports_bad_parameters_as_json_in_dutch(client) -> None:
    response = client.get("/api/search?pagina=nul")
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("Het paginanummer moet")


def test_csv_export_holds_the_whole_result_list(client) -> None:
    response = client.get("/export.csv?q=kindcentrum&aantal=5&pagina=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 18
    assert list(rows[0]) == ["titel", "soort", "organisatie", "jaar", "paginas", "link"]
    by_title = {row["titel"]: row for row in rows}
    report = by_title["De meerwaarde van kindcentra"]
    assert report["soort"] == "onderzoeksrapport"
    assert report["organisatie"] == "Kennistafel; PACT voor Kindcentra"
    assert report["jaar"] == "2020"
    assert report["link"] == f"http://localhost/document/{document_id('kennistafel-rapport.pdf')}"
    deep = client.get("/export.csv?q=klimaatadaptatie").data.decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(deep)))["paginas"] == str(DEEP_MATCH_PAGE)


def test_an_export_of_a_misspelled_search_holds_the_corrected_results(client) -> None:
    shown = client.get("/api/search?q=klimaatadaptatei").get_json()
    assert shown["corrected_from"] == "klimaatadaptatei" and shown["total"] == 1
    deep = client.get("/export.csv?q=klimaatadaptatei").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(deep)))
    assert len(rows) == 1 and rows[0]["paginas"] == str(DEEP_MATCH_PAGE)
    literal = client.get("/export.csv?q=klimaatadaptatei&letterlijk=ja")
    assert list(csv.DictReader(io.StringIO(literal.data.decode("utf-8-sig")))) == []


def test_csv_cells_never_start_a_spreadsheet_formula() -> None:
    record = {"title": '=HYPERLINK("http://example.org")', "doctype": "+brochure",
              "organisations": ["@org"], "year": None}
    text = csv_text([ExportRow(record, [], "http://localhost/document/x", "")])
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["titel"].startswith("'=") and row["soort"] == "'+brochure"
    assert row["organisatie"] == "'@org"


def test_ris_export_imports_into_reference_managers(client) -> None:
    response = client.get("/export.ris?soort=onderzoeksrapport")
    assert response.mimetype == "application/x-research-info-systems"
    text = response.get_data(as_text=True)
    assert "\r\n" in text and text.count("ER  - ") == 2
    records = [block for block in text.split("ER  - \r\n") if block.strip()]
    first = dict(line.split("  - ", 1) for line in records[0].strip().split("\r\n"))
    assert first["TY"] == "RPRT"
    assert first["TI"] == "Longitudinaal onderzoek naar kindcentra"
    assert first["PY"] == "2022" and first["PB"] == "Nederlands Jeugdinstituut"
    assert first["LA"] == "nl" and first["UR"].startswith("http://localhost/document/")


def test_opensearch_description_lets_a_browser_add_the_site(client) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    templates = [url.get("template") for url in root.findall("os:Url", ns)]
    assert "http://localhost/?q={searchTerms}" in templates
    link = page(client, "/").find("link", rel="search")
    assert link["href"] == "/opensearch.xml"


def test_health_check_names_generation_and_count(client, web_index) -> None:
    data = client.get("/healthz").get_json()
    assert {k: data[k] for k in ("status", "documents", "generation", "current", "problem")} == {
        "status": "ok", "documents": len(DOCS), "problem": None,
        "generation": current_generation(web_index.index),
        "current": current_generation(web_index.index)}
    assert data["search_ms"] >= 0


def test_help_page_explains_the_query_syntax(client) -> None:
    text = text_of(page(client, "/hulp").find("main"))
    for operator in ('"exacte woordgroep"', "-woord", "OF", "EN", "begin*", "titel:woord"):
        assert operator in text


def test_a_new_index_is_picked_up_without_a_restart(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "eerste.txt").write_text("Over de kopgroep kinderopvang.", encoding="utf-8")
    build_index(corpus, index)
    client = create_app(Settings(corpus=corpus, index=index)).test_client()
    assert summary(page(client, "/?q=zwembad")) == "0 resultaten voor “zwembad”"
    before = client.get("/healthz").get_json()
    (corpus / "tweede.txt").write_text("Het kindcentrum bouwt een zwembad.", encoding="utf-8")
    build_index(corpus, index)
    assert summary(page(client, "/?q=zwembad")) == "1 resultaat voor “zwembad”"
    after = client.get("/healthz").get_json()
    assert after["documents"] == 2 and after["generation"] != before["generation"]


def test_without_an_index_the_site_says_so(tmp_path: Path) -> None:
    client = create_app(Settings(corpus=tmp_path, index=tmp_path / "geen")).test_client()
    response = client.get("/?q=kindcentrum")
    assert response.status_code == 503
    assert "Nog geen index" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503


INTEGER_PARAMS = ("pagina", "page", "aantal", "size", "van", "year_from", "tot", "year_to",
                  "vanaf")
PARAMS = st.sampled_from(["q", "soort", "thema", "jaar", "sorteer", "type", "sort", "formaat",
                          "organisatie", "doelgroep", *INTEGER_PARAMS])
# More than Python's 4,300-digit limit for int(), and other numbers that are not numbers.
HUGE_NUMBERS = st.sampled_from(["9" * 4301, "1" + "0" * 4300, "0" * 4300 + "1",
                                "-" + "9" * 4301, "9" * 4301 + ".5", "\u0663" * 4301,
                                "\uff19" * 4301, "9" * 100_000])
VALUES = st.text(max_size=40) | st.integers(-10**6, 10**6).map(str) | HUGE_NUMBERS
HANDREIKING = document_id("handreiking-ouders.txt")
EVERY_PATH = ["/", "/api/search", "/export.csv", "/export.ris", f"/document/{HANDREIKING}",
              f"/document/{HANDREIKING}/bestand", f"/api/documents/{HANDREIKING}",
              "/opensearch.xml", "/hulp", "/healthz", "/beheer/status", "/favicon.ico"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=st.lists(st.tuples(PARAMS, VALUES), max_size=5),
       path=st.sampled_from(EVERY_PATH))
def test_no_input_ever_produces_a_server_error(app, params, path) -> None:
    with app.test_client().get(path, query_string=params) as response:
        assert response.status_code in (200, 400), (path, params)
        if response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            for script in ("app.js", "suggest.js"):
                page = page.replace(f'<script src="/static/{script}" defer></script>', "")
            assert "<script>" not in page


SEARCHING_PATHS = ("/", "/api/search", "/export.csv", "/export.ris", f"/document/{HANDREIKING}")


@pytest.mark.parametrize("path", SEARCHING_PATHS)
@pytest.mark.parametrize("param", INTEGER_PARAMS)
@pytest.mark.parametrize("value", ["9" * 4301, "1" + "0" * 4300, "0" * 4300 + "1"])
def test_every_integer_parameter_with_4301_digits_is_a_dutch_400(client, path, param,
                                                                  value) -> None:
    response = client.get(path, query_string={"q": "kindcentra", param: value})
    if param == "vanaf" and not path.startswith("/document/"):
        assert response.status_code == 200  # not a parameter there
        return
    assert response.status_code == 400, (path, param)
    if path.startswith("/api/"):
        data = response.get_json()
        assert data["status"] == 400 and " moet een " in data["message"]
    else:
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert text_of(soup.find("h1")) == "Ongeldige zoekopdracht"
        assert " moet een " in text_of(soup.find("main"))
