"""Real-world PDFs nobody on the team wrote: the Dutch LilyPond manual that Debian ships
(package lilypond-doc-pdf-nl, installed by `make test`), made by pdfTeX."""

from __future__ import annotations

import shutil
from pathlib import Path

from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

MANUAL = Path("/usr/share/doc/lilypond/html/Documentation/web.nl.pdf")


def test_debian_dutch_manual_indexes_with_text_and_pages(tmp_path: Path) -> None:
    assert MANUAL.is_file(), "lilypond-doc-pdf-nl is missing: run `make test`, which installs it"
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(MANUAL, corpus / "lilypond-web.pdf")

    report = build_index(corpus, index, timeout=120.0)

    assert report.added == ["lilypond-web.pdf"] and report.failed == []
    service = SearchService(index)
    hit = service.search(SearchRequest(query='"flexibele partijen"')).hits[0]
    assert hit.title == "LilyPond"
    assert hit.pages == [11]  # printed page 9; the PDF page is what a viewer opens
    # pdfTeX draws accents apart from their letters; they must come out joined.
    assert "<mark>efficiënte</mark>" in service.search(
        SearchRequest(query="efficiënte")).hits[0].snippet
    record = service.document(hit.id)
    assert len(record["page_starts"]) == 156
    assert "Inleiding 9" not in record["text"]  # the running header is gone
