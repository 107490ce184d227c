"""Synonyms and abbreviations, applied at query time from an editable file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennisbank.search import SearchRequest, SearchService
from kennisbank.synonyms import SynonymExpander, load_synonym_groups
from tests.conftest import build_index

EXPANDER = SynonymExpander([("IKC", "integraal kindcentrum"), ("PO", "primair onderwijs")])


@pytest.mark.parametrize(
    ("typed", "expanded"),
    [
        ("IKC", '(IKC OR "integraal kindcentrum")'),
        ("ikc's ouders", '(ikc\'s OR "integraal kindcentrum") ouders'),
        ("IKC’s", '(IKC’s OR "integraal kindcentrum")'),
        ("Integraal  Kindcentrum", '("Integraal Kindcentrum" OR IKC)'),
        ("-IKC kindcentra", '-(IKC OR "integraal kindcentrum") kindcentra'),
        ('"IKC" po', '"IKC" (po OR "primair onderwijs")'),
        ("titel:IKC", "titel:IKC"),
        ("PACT-IKC", "PACT-IKC"),
        ("ikcs pool", "ikcs pool"),
    ],
)
def test_expansion_of_typed_queries(typed: str, expanded: str) -> None:
    assert EXPANDER.expand(typed) == expanded


def test_bundled_list_holds_the_domain_abbreviations() -> None:
    groups = {group[0]: group for group in load_synonym_groups()}
    assert "integraal kindcentrum" in groups["IKC"]
    assert "buitenschoolse opvang" in groups["BSO"]
    assert len(groups) >= 20


def test_abbreviation_finds_the_long_form_and_back(corpus_service: SearchService) -> None:
    by_abbreviation = {h.path for h in corpus_service.search(SearchRequest(query="IKC")).hits}
    # kopgroepen.txt says only "Integraal Kindcentrum", never "IKC".
    assert "kopgroepen.txt" in by_abbreviation
    by_long_form = {h.path for h in
                    corpus_service.search(SearchRequest(query="integraal kindcentrum")).hits}
    # rol-en-ontwikkelmodel says only "IKC".
    assert "rol-en-ontwikkelmodel-kindcentra.txt" in by_long_form


def test_staff_edit_the_list_without_reindexing(corpus_copy: Path, tmp_path: Path) -> None:
    index, synonyms = tmp_path / "index", tmp_path / "synoniemen.txt"
    build_index(corpus_copy, index)
    synonyms.write_text("# leeg\n", encoding="utf-8")
    service = SearchService(index, synonyms)
    assert service.search(SearchRequest(query="schoolbesturenoverleg")).total == 0
    synonyms.write_text("schoolbesturenoverleg | Pettelaaroverleg\n", encoding="utf-8")
    assert service.search(SearchRequest(query="schoolbesturenoverleg")).total == 1
