"""Evidence links: a guidance passage shows the research passages on its subject
("Onderbouwing uit onderzoek"), a research passage the guidance that applies it
("Toegepast in"), on the document page, in the JSON API and in `kennisbank links`;
kept up to date incrementally; the similarity is the cosine it claims to be."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from kennisbank.config import Settings
from kennisbank.engine.generations import current_generation
from kennisbank.evidence import similarity
from kennisbank.evidence.store import load_links, load_table
from kennisbank.evidence.terms import MAX_TERMS, PassageTermCounter
from kennisbank.evidence.update import EvidenceTypes
from kennisbank.records import document_id
from kennisbank.webapp import create_app
from tests.conftest import build_index
from tests.pdf_factory import make_pdf
from tests.test_cli import run_cli

PARENTS = ("Ouderbetrokkenheid groeit als ouders zich welkom voelen in het kindcentrum. "
           "Oudergesprekken, een actieve ouderraad en huisbezoeken bouwen vertrouwen op "
           "tussen ouders en pedagogisch medewerkers.")
VAT = ("De btw op de verhuur van lokalen aan de kinderopvang hangt af van de afspraken "
       "met de belastingdienst. Een schoolbestuur dat ruimte verhuurt, berekent soms btw "
       "over de huurprijs en de servicekosten.")
SPORTS = ("Sportverenigingen organiseren na schooltijd voetbaltraining, zwemles en "
          "turnlessen in de gymzaal van het dorp, met vrijwilligers als trainers.")
METHOD = ("Methode: de onderzoekers hielden interviews en enquêtes in veertig scholen "
          "verspreid over twaalf provincies, tussen januari en maart.")


def _write(root: Path, relpath: str, doctype: str, title: str,
           text: str = "", pages: list[list[str]] | None = None) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if pages is not None:
        make_pdf(path, pages, title=title)
    else:
        path.write_text(text, encoding="utf-8")
    path.with_name(path.name + ".meta.toml").write_text(
        f'titel = "{title}"\nsoort = "{doctype}"\n', encoding="utf-8")


# Texts on other subjects, of no linked type: with them the shared words of a guide
# and its report are rare in the library, as they are in a real one.
OTHER_SUBJECTS = (
    "Het weer in de herfst is wisselend: regen, storm en soms een zonnige middag.",
    "Een recept voor erwtensoep met rookworst, knolselderij, prei en wortel.",
    "De trein naar Utrecht vertrekt van spoor zeven; reizigers stappen over in Gouda.",
    "Tulpen en narcissen bloeien in het voorjaar in de bollenvelden bij Lisse.",
    "De gemeenteraad besprak de begroting, de riolering en de nieuwe fietspaden.",
    "Schaken vraagt geduld: een opening, het middenspel en ten slotte het eindspel.",
)


def write_evidence_corpus(root: Path) -> Path:
    for number, text in enumerate(OTHER_SUBJECTS, start=1):
        _write(root, f"anders/tekst-{number}.txt", "tekst", f"Ander onderwerp {number}", text)
    _write(root, "handreiking-ouders.txt", "handreiking", "Ouders betrekken",
           f"Ouders betrekken\n\n{PARENTS} Zo worden ouders partners.\n\n"
           f"Sport na school\n\n{SPORTS}")
    _write(root, "handreiking-btw.txt", "handreiking", "Btw bij verhuur",
           f"{VAT} Vraag vooraf advies aan de belastingdienst.")
    _write(root, "rapport-ouders.pdf", "onderzoeksrapport", "Onderzoek naar ouders",
           pages=[[METHOD], [f"Resultaten. {PARENTS} Dat bleek in bijna alle scholen."]])
    _write(root, "rapport-btw.txt", "onderzoeksrapport", "Onderzoek naar btw",
           f"Uit ons onderzoek: {VAT} Dat gold voor de meeste besturen.")
    _write(root, "tekst-sport.txt", "tekst", "Sport in het dorp", SPORTS)
    return root


@pytest.fixture(scope="module")
def evidence_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    corpus = write_evidence_corpus(tmp_path_factory.mktemp("evidence-corpus"))
    index = tmp_path_factory.mktemp("evidence-index")
    build_index(corpus, index)
    return corpus, index


def _links(index: Path, path: str) -> dict:
    found = run_cli("--index", str(index), "links", path, "--json")
    assert found.returncode == 0, found.stderr
    return json.loads(found.stdout)


def _linked_titles(data: dict) -> set[tuple[int, str, int | None]]:
    return {(item["passage"]["passage"], other["title"], other["page"])
            for item in data["passages"] for other in item["linked"]}


def test_a_guide_links_to_the_research_on_its_subject_with_page(evidence_index) -> None:
    _corpus, index = evidence_index
    data = _links(index, "handreiking-ouders.txt")
    assert data["role"] == "guidance" and data["heading"] == "Onderbouwing uit onderzoek"
    assert _linked_titles(data) == {(1, "Onderzoek naar ouders", 2)}
    assert _linked_titles(_links(index, "handreiking-btw.txt")) == {
        (1, "Onderzoek naar btw", None)}


def test_research_shows_the_guidance_that_applies_it(evidence_index) -> None:
    _corpus, index = evidence_index
    data = _links(index, "rapport-ouders.pdf")
    assert data["role"] == "research" and data["heading"] == "Toegepast in"
    assert [(item["passage"]["passage"], item["passage"]["page"]) for item in
            data["passages"]] == [(2, 2)]
    assert _linked_titles(data) == {(2, "Ouders betrekken", None)}


def test_documents_of_other_types_have_no_links(evidence_index) -> None:
    _corpus, index = evidence_index
    data = _links(index, "tekst-sport.txt")
    assert (data["role"], data["passages"]) == ("", [])
    shown = run_cli("--index", str(index), "links", "tekst-sport.txt")
    assert "geen handreiking of onderzoek" in shown.stdout


def test_an_unknown_document_is_a_clear_dutch_error(evidence_index) -> None:
    _corpus, index = evidence_index
    found = run_cli("--index", str(index), "links", "bestaat-niet.pdf")
    assert found.returncode == 3
    assert "de index bevat geen document ‘bestaat-niet.pdf’" in found.stderr


@pytest.fixture(scope="module")
def evidence_client(evidence_index):
    corpus, index = evidence_index
    app = create_app(Settings(index=index, corpus=corpus))
    return app.test_client()


def test_the_json_document_api_gives_the_links_with_urls(evidence_client) -> None:
    doc_id = document_id("handreiking-ouders.txt")
    data = evidence_client.get(f"/api/documents/{doc_id}").get_json()
    links = data["links"]
    assert links["role"] == "guidance"
    own = links["passages"][0]["passage"]
    assert own["url"].endswith(f"/document/{doc_id}#passage-1")
    other = links["passages"][0]["linked"][0]
    assert other["doc_id"] == document_id("rapport-ouders.pdf")
    assert other["url"].endswith(f"/document/{other['doc_id']}?vanaf=2#pagina-2")
    assert other["score"] >= similarity.MIN_SCORE
    assert "passage_terms" not in data and "vocabulary" not in data


def test_the_document_page_shows_the_links_beside_the_passage(evidence_client) -> None:
    doc_id = document_id("handreiking-ouders.txt")
    soup = BeautifulSoup(evidence_client.get(f"/document/{doc_id}").text, "html.parser")
    section = soup.select_one("section.evidence")
    assert section["aria-labelledby"] == "bewijs-kop"
    assert section.h2.get_text() == "Onderbouwing uit onderzoek"
    own = section.select_one(".evidence-own a")
    assert own.get_text(strip=True) == "Passage 1"
    assert own["href"] == f"/document/{doc_id}#passage-1"
    linked = section.select(".evidence-linked a")
    assert [a.get_text() for a in linked] == ["Onderzoek naar ouders"]
    assert "pagina 2" in section.select_one(".evidence-linked .meta-inline").get_text()
    # The passage it points at exists on the page.
    assert soup.select_one("#passage-1") is not None


def _pairs(index: Path) -> set[tuple[str, int, str, int]]:
    """(guidance doc, passage, research doc, passage) of every stored link."""
    folder = index / current_generation(index)
    table, links = load_table(folder), load_links(folder)
    doc_of = table.passage_doc()

    def where(row: int) -> tuple[str, int]:
        doc = doc_of[row]
        return str(table.doc_ids[doc]), int(row - table.doc_ptr[doc]) + 1

    return {(*where(g), *where(r)) for g, r in zip(links.guidance, links.research,
                                                  strict=True)}


def test_links_follow_added_changed_and_removed_files(tmp_path: Path) -> None:
    corpus = write_evidence_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    btw_pair = (document_id("handreiking-btw.txt"), 1, document_id("rapport-btw.txt"), 1)
    assert btw_pair in _pairs(index)

    _write(corpus, "rapport-sport.txt", "onderzoeksrapport", "Onderzoek naar sport",
           f"{SPORTS} Zo bleek uit de telling.")
    (corpus / "rapport-ouders.pdf").unlink()
    report = build_index(corpus, index)
    assert (report.added, report.removed, report.unchanged) == (
        ["rapport-sport.txt"], ["rapport-ouders.pdf"], 4 + len(OTHER_SUBJECTS))
    pairs = _pairs(index)
    assert btw_pair in pairs  # kept: neither side was read again
    sport = (document_id("handreiking-ouders.txt"), 2, document_id("rapport-sport.txt"), 1)
    assert sport in pairs  # an unchanged guide links to new research
    assert not any(document_id("rapport-ouders.pdf") in pair for pair in pairs)

    _write(corpus, "handreiking-ouders.txt", "handreiking", "Ouders betrekken",
           f"Sport en spel\n\n{SPORTS} Ouders helpen als vrijwilliger.")
    assert build_index(corpus, index).updated == ["handreiking-ouders.txt"]
    pairs = _pairs(index)
    assert sport not in pairs  # the guide has one passage now, about sport
    assert (document_id("handreiking-ouders.txt"), 1, document_id("rapport-sport.txt"),
            1) in pairs

    rebuilt = tmp_path / "rebuilt"
    build_index(corpus, rebuilt, full=True)
    assert _pairs(rebuilt) == pairs


def test_which_types_are_research_is_configuration(tmp_path: Path) -> None:
    corpus = write_evidence_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    assert _links(index, "tekst-sport.txt")["role"] == ""
    types = EvidenceTypes(research=("onderzoeksrapport", "Tekst"))
    report = build_index(corpus, index, evidence_types=types)
    # No file read again: only the links are recomputed.
    assert report.unchanged == 5 + len(OTHER_SUBJECTS)
    data = _links(index, "tekst-sport.txt")
    assert data["role"] == "research"
    assert _linked_titles(data) == {(1, "Ouders betrekken", None)}


def test_another_threshold_recomputes_the_links_without_reading_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = write_evidence_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    scores = np.sort(load_links(index / current_generation(index)).scores)
    assert len(scores) >= 2 and scores[0] < scores[-1]
    monkeypatch.setattr(similarity, "MIN_SCORE", float(scores[-1]))
    report = build_index(corpus, index)
    assert report.unchanged == 5 + len(OTHER_SUBJECTS)
    assert len(load_links(index / current_generation(index)).scores) < len(scores)
    rebuilt = tmp_path / "rebuilt"
    build_index(corpus, rebuilt, full=True)
    assert _pairs(index) == _pairs(rebuilt)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_cut_off_evidence_files_read_as_missing(evidence_index, tmp_path: Path,
                                                keep: float) -> None:
    """A damaged file reads as none (the next run recomputes it), and leaves no file
    open behind (np.load keeps its own open when the zip is cut off)."""
    from kennisbank.evidence.store import LINKS_FILE, TERMS_FILE

    _corpus, index = evidence_index
    folder = index / current_generation(index)
    assert load_table(folder) is not None and load_links(folder) is not None
    for name in (TERMS_FILE, LINKS_FILE):
        whole = (folder / name).read_bytes()
        (tmp_path / name).write_bytes(whole[:int(len(whole) * keep)])
    assert load_table(tmp_path) is None and load_links(tmp_path) is None


def test_synonyms_and_compounds_meet_in_the_passage_terms() -> None:
    counter = PassageTermCounter("dutch_porter")
    analyzer = counter.analyzer

    def terms(text: str) -> set[str]:
        words = [(t.text, t.start) for t in analyzer.words(text, mode="query")]
        return {term for term, _count in counter.count(words, (0,))[0]}

    short, long = terms("Het IKC in de wijk."), terms("Het integraal kindcentrum in de wijk.")
    assert short & long >= {"=ikc", "wijk"}
    assert "ouder" in terms("De ouderbetrokkenheid groeit.")  # a compound part


def test_a_passage_keeps_only_its_heaviest_terms() -> None:
    counter = PassageTermCounter("dutch_porter")
    words = [(f"woord{number}x", number * 10) for number in range(500)]
    (kept,) = counter.count([("kindcentrum", 0), ("kindcentrum", 5), *words], (0,))
    assert len(kept) == MAX_TERMS
    assert kept[0] == ("kindcentrum", 2)


def _random_matrix(rng: random.Random, rows: int, vocabulary: int
                   ) -> tuple[similarity.TermMatrix, np.ndarray]:
    dense = np.zeros((rows, vocabulary))
    for row in range(rows):
        for term in rng.sample(range(vocabulary), rng.randint(0, 6)):
            dense[row, term] = rng.random()
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense = np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    indptr = np.concatenate(([0], np.cumsum((dense > 0).sum(axis=1))))
    rows_of, terms = np.nonzero(dense)
    matrix = similarity.TermMatrix(indptr.astype(np.int64), terms.astype(np.int32),
                                   dense[rows_of, terms].astype(np.float32))
    return matrix, dense


@pytest.mark.parametrize("seed", range(5))
def test_pairs_above_finds_exactly_the_pairs_brute_force_finds(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similarity, "BUFFER_CELLS", 50)  # many small chunks
    rng = random.Random(seed)
    queries, dense_q = _random_matrix(rng, 40, 25)
    targets, dense_t = _random_matrix(rng, 30, 25)
    found = similarity.pairs_above(queries, targets, 25, 0.3, per_query=4)
    cosine = dense_q @ dense_t.T
    expected = set()
    for row in range(40):
        best = sorted((-cosine[row, col], col) for col in range(30) if cosine[row, col] >= 0.3)
        expected |= {(row, col) for _score, col in best[:4]}
    assert set(zip(found.queries.tolist(), found.targets.tolist(), strict=True)) == expected
    assert np.allclose(found.scores, cosine[found.queries, found.targets], atol=1e-5)


@pytest.fixture(scope="module")
def evidence_server(evidence_index) -> Iterator[str]:
    from tests.live_server import running_server

    corpus, index = evidence_index
    with running_server(index, corpus) as url:
        yield url


def test_in_a_browser_the_links_are_keyboard_reachable_and_announced(
        evidence_server: str) -> None:
    import axe_playwright_python
    from playwright import sync_api

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, tab_to

    doc_id = document_id("handreiking-ouders.txt")
    axe = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # The context bypasses the page's Content-Security-Policy only to inject axe.
        page = browser.new_page(base_url=evidence_server, locale="nl-NL", bypass_csp=True)
        page.goto(f"/document/{doc_id}")
        page.add_script_tag(path=str(axe))
        result = page.evaluate("""() => axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})""")
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]] == []
        region = page.get_by_role("region", name="Onderbouwing uit onderzoek")
        sync_api.expect(region).to_be_visible()
        # Each list of links is named by the passage it belongs to.
        sync_api.expect(region.get_by_role("list").nth(1)).to_have_accessible_name(
            re.compile(r"^Passage 1: .*Ouderbetrokkenheid groeit"))
        tab_to(page, ".evidence-linked a")
        sync_api.expect(page.locator(".evidence-linked a").first).to_be_focused()
        page.keyboard.press("Enter")
        sync_api.expect(page.locator("h1")).to_have_text("Onderzoek naar ouders")
        sync_api.expect(page.locator("#pagina-2")).to_be_in_viewport()
        browser.close()
