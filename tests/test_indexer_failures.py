"""Broken files are reported in Dutch, never stop a run, and never cost what was indexed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index
from tests.pdf_factory import make_damaged_pdf, make_encrypted_pdf, make_pdf, make_slow_pdf

TIMEOUT = 3.0


def _good_pdf(path: Path, word: str) -> Path:
    return make_pdf(path, [[f"Handreiking over {word} in het kindcentrum."], ["Tweede pagina."]],
                    title=f"Handreiking {word}", creation_date=dt.date(2020, 5, 1))


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "goed.txt").write_text("Ouderbetrokkenheid in het kindcentrum.", encoding="utf-8")
    _good_pdf(corpus / "goed.pdf", "huisvesting")
    make_damaged_pdf(corpus / "kapot.pdf")
    make_encrypted_pdf(corpus / "versleuteld.pdf")
    (corpus / "leeg.txt").write_bytes(b"")
    make_slow_pdf(corpus / "traag.pdf")
    return corpus


def test_bad_files_are_reported_and_good_ones_indexed(bad_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    began = time.monotonic()
    report = build_index(bad_corpus, index, timeout=TIMEOUT)
    elapsed = time.monotonic() - began

    assert sorted(report.added) == ["goed.pdf", "goed.txt"]
    failures = {f.path: f.code for f in report.failed}
    assert failures == {"kapot.pdf": "damaged", "versleuteld.pdf": "encrypted",
                        "leeg.txt": "empty", "traag.pdf": "timeout"}
    reasons = {f.path: f.reason for f in report.failed}
    assert "versleuteld" in reasons["versleuteld.pdf"]
    assert "te lang" in reasons["traag.pdf"]
    # The hanging file is cut off at its limit: the run does not wait for it to finish.
    assert elapsed < 10 * TIMEOUT
    service = SearchService(index)
    assert service.search(SearchRequest(query="huisvesting")).total == 1
    assert service.search(SearchRequest(query="ouderbetrokkenheid")).total == 1


def test_fixed_files_are_indexed_on_the_next_run(bad_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(bad_corpus, index, timeout=TIMEOUT)
    for name in ("kapot.pdf", "versleuteld.pdf", "traag.pdf"):
        _good_pdf(bad_corpus / name, name.split(".")[0] + "woord")
    (bad_corpus / "leeg.txt").write_text("Nu met tekst over jeugdhulp.", encoding="utf-8")

    report = build_index(bad_corpus, index, timeout=TIMEOUT)

    assert report.failed == []
    assert sorted(report.added) == ["kapot.pdf", "leeg.txt", "traag.pdf", "versleuteld.pdf"]
    assert report.documents == 6
    assert SearchService(index).search(SearchRequest(query="kapotwoord")).total == 1


@pytest.mark.parametrize("full", [False, True])
def test_a_file_that_breaks_keeps_its_previous_version(tmp_path: Path, full: bool) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _good_pdf(corpus / "rapport.pdf", "wijkgericht")
    build_index(corpus, index)
    make_damaged_pdf(corpus / "rapport.pdf")

    report = build_index(corpus, index, full=full)

    assert [(f.path, f.code, f.kept_previous) for f in report.failed] == [
        ("rapport.pdf", "damaged", True)]
    hits = SearchService(index).search(SearchRequest(query="wijkgericht")).hits
    assert [hit.path for hit in hits] == ["rapport.pdf"]


def test_pdf_pages_and_metadata_reach_the_index(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    make_pdf(corpus / "rapport.pdf",
             [["Inleiding over kindcentra."], ["Niets bijzonders."], ["Hier staat de btw-regel."]],
             title="Onderzoek btw", author="Kennistafel", creation_date=dt.date(2019, 3, 4))
    build_index(corpus, index)
    hit = SearchService(index).search(SearchRequest(query="btw-regel")).hits[0]
    assert hit.title == "Onderzoek btw"
    assert hit.pages == [3]
    assert hit.year == 2019
    assert "<mark>" in hit.snippet
