"""Searching the bundled programme pages in Dutch, through the search service."""

from __future__ import annotations

import pytest

from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

ALL_PAGES = {
    "kopgroepen.txt",
    "pact-resultaten.txt",
    "pact-voor-kindcentra.txt",
    "rol-en-ontwikkelmodel-kindcentra.txt",
    "werkwijze-kinderopvangfonds.txt",
}


def paths(service: SearchService, query: str, **options: object) -> set[str]:
    response = service.search(SearchRequest(query=query, page_size=50, **options))
    assert response.total == len(response.hits)
    return {hit.path for hit in response.hits}


def test_kindcentrum_finds_all_five_pages(corpus_service: SearchService) -> None:
    assert paths(corpus_service, "kindcentrum") == ALL_PAGES


def test_plural_query_finds_singular_text(corpus_service: SearchService) -> None:
    # Only one page speaks of a "handreiking"/"handreikingen"; the btw-handreiking counts too.
    found = paths(corpus_service, "handreikingen")
    assert found == {"rol-en-ontwikkelmodel-kindcentra.txt", "pact-resultaten.txt"}


def test_diacritics_do_not_matter(corpus_service: SearchService) -> None:
    assert paths(corpus_service, "geintegreerd") == {"kopgroepen.txt"}
    assert paths(corpus_service, "geïntegreerd") == {"kopgroepen.txt"}


def test_phrase_query_needs_the_words_together(corpus_service: SearchService) -> None:
    assert paths(corpus_service, '"rol- en ontwikkelmodel"') == {
        "rol-en-ontwikkelmodel-kindcentra.txt"}
    assert paths(corpus_service, '"kinderopvang onderwijs jeugdhulp"') <= ALL_PAGES
    assert paths(corpus_service, '"ontwikkelmodel rol"') == set()


def test_facet_filter_narrows_and_counts(corpus_service: SearchService) -> None:
    response = corpus_service.search(
        SearchRequest(query="kindcentra", filters={"year": ("2021",)}))
    assert {hit.path for hit in response.hits} == {"rol-en-ontwikkelmodel-kindcentra.txt"}
    # The year facet ignores its own selection, so other years stay visible with counts.
    years = {v.value: v.count for v in response.facets["year"]}
    assert years == {"2023": 1, "2021": 1, "2018": 1}
    assert [v.value for v in response.facets["year"] if v.selected] == ["2021"]


def test_filters_combine_or_within_and_across_facets(corpus_service: SearchService) -> None:
    either_year = {"year": ("2018", "2023")}
    assert len(paths(corpus_service, "", filters=either_year)) == 2
    with_theme = {**either_year, "theme": ("kwaliteit",)}
    assert paths(corpus_service, "", filters=with_theme) == {"werkwijze-kinderopvangfonds.txt"}


def test_filter_values_match_case_insensitively(corpus_service: SearchService) -> None:
    found = paths(corpus_service, "", filters={"organisation": ("kindcentra 2020",)})
    assert found == {"kopgroepen.txt", "pact-resultaten.txt"}


def test_snippet_highlights_stemmed_matches(corpus_service: SearchService) -> None:
    response = corpus_service.search(SearchRequest(query="geintegreerd"))
    assert "<mark>geïntegreerd</mark>" in response.hits[0].snippet


def test_snippet_escapes_document_text(corpus_service: SearchService) -> None:
    response = corpus_service.search(SearchRequest(query="ouderbetrokkenheid"))
    for hit in response.hits:
        stripped = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped


def test_empty_query_lists_everything_newest_first(corpus_service: SearchService) -> None:
    response = corpus_service.search(SearchRequest(query=""))
    assert response.total == 5
    years = [hit.year for hit in response.hits if hit.year]
    assert years == sorted(years, reverse=True)


def test_misspelling_gets_a_suggestion_that_finds_something(
        corpus_service: SearchService) -> None:
    response = corpus_service.search(SearchRequest(query="kindcentrm", literal=True))
    assert response.total == 0
    assert response.suggestion == "kindcentrum"


def test_misspelling_shows_the_corrected_results(corpus_service: SearchService) -> None:
    response = corpus_service.search(SearchRequest(query="kindcentrm"))
    assert (response.total, response.query, response.corrected_from) == (
        5, "kindcentrum", "kindcentrm")
    assert response.suggestion is None


MALFORMED = ['"ouders', "(kindcentra", "AND", "*", "-", "OF OF", "kindcentra AND"]


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_queries_are_read_as_words(corpus_service: SearchService, query: str) -> None:
    response = corpus_service.search(SearchRequest(query=query))
    assert response.notice
    assert response.total >= 0


def test_boolean_and_exclusion(corpus_service: SearchService) -> None:
    both = paths(corpus_service, "wethouders EN pettelaaroverleg")
    assert both == {"kopgroepen.txt"}
    without = paths(corpus_service, "kindcentra -pettelaaroverleg")
    assert "kopgroepen.txt" not in without and without
    either = paths(corpus_service, "pettelaaroverleg OF alert4you")
    assert either == {"kopgroepen.txt", "werkwijze-kinderopvangfonds.txt"}


def test_title_field_query(corpus_service: SearchService) -> None:
    assert paths(corpus_service, "titel:kopgroepen") == {"kopgroepen.txt"}


def test_unknown_field_is_searched_as_text(corpus_service: SearchService) -> None:
    assert paths(corpus_service, "wethouders:pettelaaroverleg") == {"kopgroepen.txt"}


def test_exclusion_holds_whatever_the_document_order(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # With one worker documents are numbered in this order, which is the order that
    # tripped Whoosh's AndNot: the excluded word's first document comes first.
    for name, text in [("a.txt", "Een handreiking."), ("b.txt", "Ouders en de handreiking."),
                       ("c.txt", "Alleen ouders.")]:
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, tmp_path / "index", jobs=1)
    service = SearchService(tmp_path / "index")
    for query in ("ouders -handreiking", "ouders NIET handreiking", "ouders NOT handreiking"):
        hits = service.search(SearchRequest(query=query)).hits
        assert [hit.path for hit in hits] == ["c.txt"], query


@pytest.mark.parametrize(("query", "page"), [
    ("betrokkenheid ouders", "pact-resultaten.txt"),  # says only "ouderbetrokkenheid"
    ("IKC", "kopgroepen.txt"),  # says only "Integraal Kindcentrum"
    ("kindcentrum", "pact-voor-kindcentra.txt"),  # says only "kindcentra"
    ("rolmodel", "rol-en-ontwikkelmodel-kindcentra.txt"),  # says "rol- en ontwikkelmodel"
    ("geintegreerd", "kopgroepen.txt"),  # says "geïntegreerd"
])
def test_dutch_searches_find_the_page_with_the_matching_form(
        corpus_service: SearchService, query: str, page: str) -> None:
    assert page in paths(corpus_service, query)


def test_plain_words_none_together_show_partial_matches(corpus_service: SearchService) -> None:
    from kennisbank.search import NOTICE_NONE_WITH_ALL

    response = corpus_service.search(SearchRequest(query="pettelaaroverleg zonnebloemveld"))
    assert response.notice == NOTICE_NONE_WITH_ALL
    assert [hit.path for hit in response.hits] == ["kopgroepen.txt"]


def test_documents_with_all_words_come_before_partial_matches(
        corpus_service: SearchService) -> None:
    response = corpus_service.search(SearchRequest(query="pettelaaroverleg wethouders"))
    assert response.notice is None  # one document holds both: nothing to explain
    assert response.hits[0].path == "kopgroepen.txt"  # the only one with both words
    assert response.total > 1


def test_a_document_with_the_rare_word_is_found_without_the_common_one(tmp_path) -> None:
    """Plain words are not all required: a document holding the query's rare word
    (most of its weight) is found, one holding only its common word is not, and
    documents holding both rank first, however many there are."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(12):
        (corpus / f"beide-{number:02}.txt").write_text(
            f"Verslag {number}. Voorschoolse educatie en ouders in het kindcentrum.",
            encoding="utf-8")
    (corpus / "alleen-zeldzaam.txt").write_text(
        "Voorschoolse educatie in de peuterspeelzaal.", encoding="utf-8")
    for number in range(25):
        (corpus / f"alleen-gewoon-{number:02}.txt").write_text(
            f"Bericht {number}: ouders praten mee.", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    response = service.search(SearchRequest(query="voorschoolse ouders", page_size=50))
    found = [hit.path for hit in response.hits]
    assert "alleen-zeldzaam.txt" in found
    assert not any(path.startswith("alleen-gewoon") for path in found)
    assert all(path.startswith("beide") for path in found[:12])
    assert response.total == 13 and response.notice is None
    service.close()


@pytest.mark.parametrize("query", ['"pettelaaroverleg zonnebloemveld"',
                                   "pettelaaroverleg EN zonnebloemveld",
                                   "pettelaaroverleg -kindcentra"])
def test_explicit_syntax_is_never_broadened(corpus_service: SearchService, query: str) -> None:
    response = corpus_service.search(SearchRequest(query=query))
    assert response.total == 0
    assert response.notice is None


@pytest.mark.parametrize("word", ["peuterspeelzaal", "welzijn", "opvoeding"])
def test_no_suggestion_for_a_word_found_as_a_compound_part(corpus_service: SearchService,
                                                           word: str) -> None:
    # The corpus has these only inside compounds (peuterspeelzaalorganisaties,
    # jeugdwelzijn, opvoedingsomgeving): found, and not "corrected".
    response = corpus_service.search(SearchRequest(query=word))
    assert response.total >= 1
    assert response.suggestion is None


def test_words_close_together_rank_first(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = " ".join(["tekst"] * 30)
    (corpus / "a-ver.txt").write_text(f"Passend onderwijs. {filler} Jeugdhulp.", encoding="utf-8")
    (corpus / "z-dicht.txt").write_text(f"Jeugdhulp en passend onderwijs. {filler}",
                                      encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    hits = SearchService(tmp_path / "index").search(
        SearchRequest(query="passend onderwijs jeugdhulp")).hits
    assert [hit.path for hit in hits] == ["z-dicht.txt", "a-ver.txt"]


def test_other_word_forms_find_the_document(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Het thema is toegevoegd aan de kindjes van groep 3.",
                                  encoding="utf-8")
    (corpus / "b.txt").write_text("Dit gebied bieden wij niet aan.", encoding="utf-8")
    (corpus / "c.txt").write_text("Wij bieden hulp.", encoding="utf-8")
    build_index(corpus, tmp_path / "index", jobs=1)
    service = SearchService(tmp_path / "index")
    assert paths(service, "toevoegen") == {"a.txt"}
    assert paths(service, "kind themas") == {"a.txt"}
    # `gebied` is not a participle of `bieden`: only the documents that say `bieden`.
    assert paths(service, "gebied") == {"b.txt"}
