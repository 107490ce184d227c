"""Wildcards stand for a bounded number of words (issue 13): `a* b* … z*` must not make
a search score the whole vocabulary, and the user is told when words were left out."""

from __future__ import annotations

import pytest

from kennisbank.engine.query import MAX_EXPANSIONS, NOTICE_EXPANSIONS_CUT
from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

RARE_WORDS = [f"zwaluw{index:03d}x" for index in range(3 * MAX_EXPANSIONS)]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    corpus = tmp_path_factory.mktemp("wildcards")
    # Every rare word in one document; `zwaluwnest` in many (the most frequent).
    (corpus / "lijst.txt").write_text(" ".join(RARE_WORDS), encoding="utf-8")
    for index in range(5):
        (corpus / f"nest-{index}.txt").write_text(
            f"Het zwaluwnest nummer {index} hangt onder de dakgoot van het kindcentrum.",
            encoding="utf-8")
    index = tmp_path_factory.mktemp("wildcards-index")
    build_index(corpus, index)
    return SearchService(index)


def test_a_wildcard_with_too_many_words_takes_the_most_frequent_and_says_so(service) -> None:
    response = service.search(SearchRequest(query="zwaluw*", page_size=100))
    assert response.notice == NOTICE_EXPANSIONS_CUT
    assert response.total == 6  # the five nests (most frequent word) and the list
    assert sum(h.path.startswith("nest-") for h in response.hits) == 5


def test_a_narrow_wildcard_is_searched_in_full_without_a_notice(service) -> None:
    response = service.search(SearchRequest(query="dakgo*"))
    assert response.notice is None
    assert response.total == 5


def test_a_wildcard_per_letter_is_answered_with_a_notice(service) -> None:
    query = " OF ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz")
    response = service.search(SearchRequest(query=query))
    assert response.total == 6
    assert NOTICE_EXPANSIONS_CUT in (response.notice or "")


def test_every_word_of_a_field_is_everything(service) -> None:
    assert service.search(SearchRequest(query="titel:*")).total == 6


@pytest.fixture(scope="module")
def alphabet(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """Many words for every letter; one word per letter is in three documents."""
    corpus = tmp_path_factory.mktemp("alphabet")
    letters = "abcdefghijklmnopqrstuvwxyz"
    many = [f"{letter}{letter}woord{index:03d}" for letter in letters
            for index in range(2 * MAX_EXPANSIONS)]
    (corpus / "woordenlijst.txt").write_text(" ".join(many), encoding="utf-8")
    frequent = " ".join(f"{letter}kern" for letter in letters)
    for index in range(3):
        (corpus / f"alfabet-{index}.txt").write_text(frequent, encoding="utf-8")
    index = tmp_path_factory.mktemp("alphabet-index")
    build_index(corpus, index)
    return SearchService(index)


def test_all_wildcards_of_a_query_share_the_budget(alphabet) -> None:
    """`a* b* … z*` needs every letter's most frequent word: a budget spent on the first
    wildcards would leave the last ones standing for nothing, and find no document."""
    query = " ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz")
    response = alphabet.search(SearchRequest(query=query))
    assert {hit.path for hit in response.hits} >= {f"alfabet-{i}.txt" for i in range(3)}
    assert NOTICE_EXPANSIONS_CUT in (response.notice or "")
