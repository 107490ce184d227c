"""`/beheer/status`: what staff see about the index's health."""

from __future__ import annotations

from pathlib import Path

from kennisbank.config import Settings
from kennisbank.webapp import create_app
from tests.conftest import build_index
from tests.pdf_factory import make_damaged_pdf, make_pdf


def test_status_page_shows_counts_changes_failures_and_checks(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "notitie.txt").write_text("Notitie over <script>alert(1)</script>.",
                                        encoding="utf-8")
    make_pdf(corpus / "deels-gescand.pdf", [["Tekst."], []])
    make_damaged_pdf(corpus / "kapot.pdf")
    build_index(corpus, index)
    (corpus / "later.txt").write_text("Nog niet geïndexeerd.", encoding="utf-8")
    client = create_app(Settings(corpus=corpus, index=index), {"TESTING": True}).test_client()

    response = client.get("/beheer/status")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De index bevat <strong>2</strong> documenten" in page
    assert "2 nieuw, 0 gewijzigd" in page
    assert "kapot.pdf" in page and "beschadigd of onleesbaar bestand" in page
    assert "deels-gescand.pdf: pagina&#39;s zonder tekst: 2" in page
    assert "Nog niet geïndexeerd" in page and "later.txt" in page
    assert "<script>" not in page
