"""The document page and downloads: metadata, facet links, highlighted preview, similar
documents, and downloads that serve only indexed files inside the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennisbank.config import Settings
from kennisbank.records import document_id
from kennisbank.webapp import create_app
from tests.conftest import build_index
from tests.webapp_fixtures import DEEP_MATCH_PAGE, chip_labels, doc_by_path, page, text_of

pytest_plugins = ["tests.webapp_fixtures"]

HANDREIKING = document_id("handreiking-ouders.txt")
LONG_REPORT = document_id("longitudinaal-onderzoek.pdf")
WEBINAR = document_id("webinar-wijk.html")


def metadata(soup) -> dict[str, str]:
    dl = soup.select_one(".metadata dl")
    return {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in dl.find_all("dt")}


def test_document_page_shows_title_and_all_metadata(client) -> None:
    soup = page(client, f"/document/{HANDREIKING}")
    assert text_of(soup.find("h1")) == "Handreiking ouderbetrokkenheid in kindcentra"
    facts = metadata(soup)
    assert facts["Documentsoort"] == "Handreiking"
    assert facts["Organisatie"] == "PACT voor Kindcentra"
    assert facts["Datum"] == "14 april 2021"
    assert facts["Thema's"] == "ouderbetrokkenheid"
    assert facts["Doelgroepen"] == "professionals, ouders"
    assert facts["Bestandsformaat"] == "Tekst"
    assert facts["Bestandsnaam"] == "handreiking-ouders.txt"
    assert soup.find("title").text.startswith("Handreiking ouderbetrokkenheid in kindcentra")


def test_each_facet_of_a_document_links_to_a_filtered_search(client) -> None:
    soup = page(client, f"/document/{HANDREIKING}")
    links = {text_of(a): a["href"] for a in soup.select(".belongs a")}
    assert {"Handreiking", "Ouderbetrokkenheid", "PACT voor Kindcentra", "2021", "Ouders",
            "Tekst"} <= set(links)
    results = page(client, links["Handreiking"])
    assert chip_labels(results) == ["Documentsoort: Handreiking"]
    assert "Handreiking ouderbetrokkenheid in kindcentra" in text_of(results.select_one(".hits"))


def test_preview_highlights_the_words_of_the_search_it_came_from(client) -> None:
    results = page(client, "/?q=ouders")
    link = next(a["href"] for a in results.select(".hit h3 a")
                if text_of(a) == "Handreiking ouderbetrokkenheid in kindcentra")
    soup = page(client, link)
    marks = {text_of(m).lower() for m in soup.select(".preview mark")}
    # `ouders` also matches the compound `ouderbetrokkenheid` through its part `ouder`.
    assert marks == {"ouders", "ouderbetrokkenheid"}
    assert text_of(soup.select_one(".back a")) == "← Terug naar de resultaten"
    assert soup.select_one(".back a")["href"] == "/?q=ouders"
    assert not page(client, f"/document/{HANDREIKING}").select(".preview mark")


def test_pdf_preview_opens_at_the_matching_page_with_a_link_into_the_pdf(client) -> None:
    results = page(client, "/?q=klimaatadaptatie")
    soup = page(client, results.select_one(".hit h3 a")["href"])
    section = soup.find(id=f"pagina-{DEEP_MATCH_PAGE}")
    assert [text_of(m) for m in section.select("mark")] == ["klimaatadaptatie"]
    assert section.find("a", string=f"Open pagina {DEEP_MATCH_PAGE} in de PDF")["href"] == (
        f"/document/{LONG_REPORT}/bestand#page={DEEP_MATCH_PAGE}")
    window = text_of(soup.select_one(".page-window p"))
    assert window == f"Pagina {DEEP_MATCH_PAGE}–{DEEP_MATCH_PAGE + 9} van 200"
    earlier = page(client, soup.find("a", string="Vorige pagina's")["href"])
    assert earlier.find(id=f"pagina-{DEEP_MATCH_PAGE - 10}")


def test_a_pdf_without_a_search_previews_from_page_one(client) -> None:
    soup = page(client, f"/document/{LONG_REPORT}")
    assert [s["id"] for s in soup.select(".preview section.page")][:2] == ["pagina-1", "pagina-2"]
    assert metadata(soup)["Aantal pagina's"] == "200"


def test_a_start_page_beyond_the_end_shows_the_last_pages(client) -> None:
    soup = page(client, f"/document/{LONG_REPORT}?vanaf=5000")
    assert text_of(soup.select_one(".page-window p")) == "Pagina 200–200 van 200"
    assert text_of(page(client, f"/document/{LONG_REPORT}?vanaf=007").select_one(
        ".page-window p")) == "Pagina 7–16 van 200"


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "\uff11", "9" * 13, "9" * 4301])
def test_a_start_page_that_is_no_page_number_is_a_dutch_400(client, value: str) -> None:
    soup = page(client, f"/document/{LONG_REPORT}?vanaf={value}", status=400)
    assert "Het paginanummer bij ‘vanaf’ moet een geheel getal" in text_of(soup.find("main"))


def test_similar_documents_come_from_the_index(client) -> None:
    soup = page(client, f"/document/{HANDREIKING}")
    similar = soup.select(".similar li a")
    assert similar and len(similar) <= 5
    assert all(a["href"] != f"/document/{HANDREIKING}" for a in similar)
    for a in similar:
        page(client, a["href"])


def test_document_text_and_title_are_shown_escaped(client) -> None:
    doc = doc_by_path("notitie-veiligheid.txt")
    response = client.get(f"/document/{document_id(doc.path)}?q=veiligheid")
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>vet" not in html
    soup = page(client, f"/document/{document_id(doc.path)}?q=veiligheid")
    assert text_of(soup.find("h1")) == doc.title
    assert '<script>alert("tekst")</script>' in text_of(soup.select_one(".preview .text"))


def test_download_serves_the_original_file(client, web_index) -> None:
    with client.get(f"/document/{LONG_REPORT}/bestand") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data == (web_index.corpus / "longitudinaal-onderzoek.pdf").read_bytes()
    # A web page from the corpus could run scripts on our site: it is only downloaded.
    with client.get(f"/document/{WEBINAR}/bestand") as html_file:
        assert html_file.status_code == 200
        assert html_file.headers["Content-Disposition"].startswith("attachment")
        assert "sandbox" in html_file.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", [
    "/document/../../etc/passwd",
    "/document/..%2F..%2Fetc%2Fpasswd/bestand",
    "/document/%2e%2e%2f%2e%2e%2fetc%2fpasswd/bestand",
    "/document/%252e%252e%252fetc%252fpasswd/bestand",
    "/document//etc/passwd/bestand",
    "/document/%2Fetc%2Fpasswd/bestand",
    f"/document/{HANDREIKING}/bestand/../../../../etc/passwd",
    f"/document/{HANDREIKING}/../../etc/passwd",
    f"/document/{HANDREIKING}%00/bestand",
    f"/document/{HANDREIKING.upper()}/bestand",
    "/document/0000000000000000/bestand",
    "/document/handreiking-ouders.txt/bestand",
    "/document/corpus/handreiking-ouders.txt",
    "/static/../webapp/__init__.py",
    "/static/%2e%2e/__init__.py",
    "/api/documents/..%2F..%2Fetc%2Fpasswd",
])
def test_crafted_ids_and_paths_get_a_404(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404, url
    assert b"root:" not in response.data
    if not url.startswith("/api/"):
        assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_a_file_gone_from_the_corpus_is_not_served(web_index, tmp_path: Path) -> None:
    client = create_app(web_index.settings(corpus=tmp_path)).test_client()
    assert client.get(f"/document/{HANDREIKING}").status_code == 200
    assert client.get(f"/document/{HANDREIKING}/bestand").status_code == 404


def test_a_file_replaced_by_a_link_out_of_the_corpus_is_not_served(tmp_path: Path) -> None:
    corpus, secret = tmp_path / "corpus", tmp_path / "geheim.txt"
    corpus.mkdir()
    (corpus / "verslag.txt").write_text("Verslag van de kopgroep.", encoding="utf-8")
    secret.write_text("geheime gegevens", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    (corpus / "verslag.txt").unlink()
    (corpus / "verslag.txt").symlink_to(secret)
    client = create_app(Settings(corpus=corpus, index=tmp_path / "index")).test_client()
    response = client.get(f"/document/{document_id('verslag.txt')}/bestand")
    assert response.status_code == 404
    assert b"geheime" not in response.data


def test_document_metadata_as_json(client) -> None:
    data = client.get(f"/api/documents/{LONG_REPORT}").get_json()
    assert data["title"] == "Longitudinaal onderzoek naar kindcentra"
    assert data["type"] == "onderzoeksrapport" and data["year"] == 2022
    assert data["pages"] == 200 and data["format"] == "pdf"
    assert data["file_url"].endswith(f"/document/{LONG_REPORT}/bestand")
    assert "text" not in data
    missing = client.get("/api/documents/0000000000000000")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404
