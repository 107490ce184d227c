"""Autocomplete as the search box and browsers use it: `/api/suggest` on a real index,
in the JSON the page script renders and in OpenSearch's suggestions format."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kennisbank.config import Settings
from kennisbank.search import SearchService
from kennisbank.webapp import create_app
from tests.conftest import build_index

pytest_plugins = ["tests.webapp_fixtures"]

TEXTS = {
    "samenwerken.txt": "Samen een kindcentrum creëren. Het kindcentrum werkt geïntegreerd "
                       "met de kinderopvang. Creëren vraagt tijd.",
    "kinderopvang.txt": "De kinderopvang en het kindcentrum. Kinderen spelen buiten.",
    "creatief.txt": "Creatief werken in de kinderopvang met kinderen.",
}
SIDECARS = {
    "samenwerken.txt": 'titel = "Een kindcentrum creëren"\nthemas = ["kindcentrumvorming"]\n',
    "kinderopvang.txt": 'titel = "Kinderopvang in het kindcentrum"\n',
}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("suggest")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    for name, sidecar in SIDECARS.items():
        (corpus / f"{name}.meta.toml").write_text(sidecar, encoding="utf-8")
    build_index(corpus, root / "index")
    return corpus, root / "index"


@pytest.fixture(scope="module")
def suggest_client(small_index: tuple[Path, Path]):
    corpus, index = small_index
    settings = Settings(corpus=corpus, index=index)
    return create_app(settings, {"TESTING": True}).test_client()


def _suggestions(client, text: str, **params: str) -> list[dict]:
    response = client.get("/api/suggest", query_string={"q": text, **params})
    assert response.status_code == 200
    return response.get_json()["suggestions"]


def test_completions_come_from_the_index_most_frequent_first(suggest_client) -> None:
    queries = [s["text"] for s in _suggestions(suggest_client, "kin")
               if s["kind"] == "zoekvraag"]
    # kind: 3 documents (kinderen, and the compounds' parts), kinderopvang 3, a-z
    assert queries == ["kind", "kinderopvang", "kindcentrum"]
    first = _suggestions(suggest_client, "kin")[0]
    assert first["group"] == "Zoeksuggesties" and first["count"] == 3
    assert parse_qs(urlsplit(first["url"]).query) == {"q": ["kind"]}


def test_typing_without_diacritics_suggests_the_word_as_documents_spell_it(
        suggest_client) -> None:
    texts = [s["text"] for s in _suggestions(suggest_client, "creer")]
    assert texts[0] == "creëren"
    assert "geïntegreerd" in [s["text"] for s in _suggestions(suggest_client, "geint")]


def test_the_last_word_is_completed_after_the_words_before_it(suggest_client) -> None:
    texts = [s["text"] for s in _suggestions(suggest_client, "samen kinderop")
             if s["kind"] == "zoekvraag"]
    assert texts == ["samen kinderopvang"]


def test_stop_words_are_not_suggested(suggest_client) -> None:
    texts = {s["text"] for s in _suggestions(suggest_client, "he")}
    assert "het" not in texts


def test_titles_and_facet_values_are_grouped_and_labelled(suggest_client) -> None:
    found = _suggestions(suggest_client, "kindcentrum")
    groups = [s["group"] for s in found]
    assert groups == sorted(groups, key=["Zoeksuggesties", "Documenten", "Filters"].index)
    documents = [s for s in found if s["kind"] == "document"]
    assert {s["text"] for s in documents} == {"Een kindcentrum creëren",
                                              "Kinderopvang in het kindcentrum"}
    assert all(s["url"].startswith("/document/") for s in documents)
    filters = [s for s in found if s["kind"] == "filter"]
    assert [s["text"] for s in filters] == ["Thema: Kindcentrumvorming"]
    assert parse_qs(urlsplit(filters[0]["url"]).query) == {"thema": ["kindcentrumvorming"]}
    assert len(found) <= 8


@pytest.mark.parametrize("text", ["", "   ", "*", '"', "titel:", "<script>", "a" * 5000,
                                  "kin*", "NIET", "\x00"])
def test_odd_input_gets_an_answer_not_an_error(suggest_client, text: str) -> None:
    response = suggest_client.get("/api/suggest", query_string={"q": text})
    assert response.status_code == 200
    assert isinstance(response.get_json()["suggestions"], list)


def test_browsers_get_the_opensearch_suggestions_format(suggest_client) -> None:
    response = suggest_client.get("/api/suggest?q=kin&formaat=opensearch")
    assert response.mimetype == "application/x-suggestions+json"
    text, completions, descriptions, urls = response.get_json(force=True)
    assert text == "kin" and completions[0] == "kind"
    assert len(completions) == len(descriptions) == len(urls)
    assert urls[0] == "http://localhost/?q=kind"
    description = suggest_client.get("/opensearch.xml").get_data(as_text=True)
    assert 'type="application/x-suggestions+json"' in description
    wrong = suggest_client.get("/api/suggest?q=kin&formaat=xml")
    assert wrong.status_code == 400 and "formaat" in wrong.get_json()["message"]


def test_the_service_answers_a_word_nobody_typed_before_quickly(
        small_index: tuple[Path, Path]) -> None:
    service = SearchService(small_index[1])
    assert service.suggest("zzzq").queries == []
    assert [q for q, _n in service.suggest("buit").queries] == ["buiten"]
    service.close()
