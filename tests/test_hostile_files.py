"""A corpus of hostile and odd files: the run ends, every bad file is reported with a
reason, every good file is searchable."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index
from tests.pdf_factory import make_pdf


def _pdf_with_huge_image(path: Path) -> None:
    """A 8000x8000 image (small once compressed, 64 MB once decoded) next to real text."""
    image = Image.new("L", (8000, 8000), 200)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Plattegrond van het kindcentrum Zonnewijzer.")
    pdf.image(buffer, x=10, y=30, w=100)
    pdf.output(str(path))


def _hostile_corpus(corpus: Path) -> None:
    corpus.mkdir()
    (corpus / "goede notitie.txt").write_text("Notitie over de regierol van gemeenten.",
                                              encoding="utf-8")
    (corpus / "übersicht ondersteuning é.txt").write_text("Ondersteuningsplan jeugdhulp.",
                                                         encoding="utf-8")
    (corpus / "latin1.txt").write_bytes("Café-overleg over de peuterspeelzaal.".encode("latin-1"))
    (corpus / "onbekende codering.txt").write_bytes(bytes(range(128, 256)) * 40)
    (corpus / "nep.pdf").write_text("<html><body><p>Geen PDF</p></body></html>",
                                    encoding="utf-8")
    (corpus / "afgekapt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    (corpus / "binair.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    deep = "<div>" * 100_000 + "<p>Diep verstopte tekst over kindcentra.</p>" + "</div>" * 100_000
    (corpus / "diep genest.html").write_text(f"<html><body>{deep}</body></html>",
                                             encoding="utf-8")
    one_line = "<p>" + "Lange regel over ouderbetrokkenheid. " * 30_000 + "</p>"
    (corpus / "een regel.html").write_text(f"<html><body>{one_line}</body></html>",
                                           encoding="utf-8")
    make_pdf(corpus / "duizend paginas.pdf",
             [[f"Pagina {n} van het longitudinaal onderzoek."] for n in range(1, 1201)])
    _pdf_with_huge_image(corpus / "grote afbeelding.pdf")
    (corpus / "buiten.txt").symlink_to("/etc/passwd")


def test_hostile_corpus_is_survived(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _hostile_corpus(corpus)

    report = build_index(corpus, index, timeout=30.0, memory_mb=512)

    failed = {f.path: f.reason for f in report.failed}
    skipped = {s["path"]: s["reason"] for s in report.skipped}
    assert set(failed) == {"nep.pdf", "afgekapt.pdf", "binair.txt"}
    assert "webpagina" in failed["nep.pdf"]
    assert all(reason for reason in failed.values())
    assert set(skipped) == {"buiten.txt"}
    assert len(report.added) == 8

    service = SearchService(index)
    for query, path in [("regierol", "goede notitie.txt"),
                        ("ondersteuningsplan", "übersicht ondersteuning é.txt"),
                        ("café-overleg", "latin1.txt"),
                        ("verstopte", "diep genest.html"),
                        ("ouderbetrokkenheid", "een regel.html"),
                        ("zonnewijzer", "grote afbeelding.pdf")]:
        assert [hit.path for hit in service.search(SearchRequest(query=query)).hits] == [path]
    deep_page = service.search(SearchRequest(query='"pagina 1187"')).hits
    assert [(hit.path, hit.pages) for hit in deep_page] == [("duizend paginas.pdf", [1187])]
