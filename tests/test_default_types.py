"""Issue 12, point 9 (part): every file without a `soort` in its sidecar gets its
format's default type, configurable with KENNISBANK_DEFAULT_TYPES, and a plain
`kennisbank index` after changing that setting shows the new types."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pdf_factory import make_pdf
from tests.test_cli import run_cli


def _corpus(corpus: Path) -> None:
    corpus.mkdir()
    make_pdf(corpus / "rapport.pdf", [["Het kindcentrum in cijfers."]])
    (corpus / "notitie.txt").write_text("Een notitie over het kindcentrum.", encoding="utf-8")
    (corpus / "uitleg.md").write_text("# Uitleg\n\nHet kindcentrum uitgelegd.", encoding="utf-8")
    (corpus / "pagina.html").write_text(
        "<html><head><title>Pagina</title></head><body><p>Het kindcentrum op het web, "
        "met een lange alinea over samenwerking.</p></body></html>", encoding="utf-8")
    (corpus / "handreiking.txt").write_text("Een handreiking voor het kindcentrum.",
                                            encoding="utf-8")
    (corpus / "handreiking.txt.meta.toml").write_text('soort = "handreiking"\n',
                                                      encoding="utf-8")


def _types(index: Path) -> tuple[dict[str, int], dict[str, str]]:
    found = run_cli("--index", str(index), "search", "kindcentrum", "--json", "--limit", "20")
    assert found.returncode == 0, found.stderr
    payload = json.loads(found.stdout)
    return payload["facets"]["type"], {hit["path"]: hit["type"] for hit in payload["hits"]}


def test_every_format_has_a_default_type_and_changing_it_reindexes(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _corpus(corpus)
    first = run_cli("--index", str(index), "index", str(corpus))
    assert first.returncode == 0, first.stderr

    facet, per_file = _types(index)
    assert facet == {"document": 1, "tekst": 2, "webpagina": 1, "handreiking": 1}
    assert per_file == {"rapport.pdf": "document", "notitie.txt": "tekst", "uitleg.md": "tekst",
                        "pagina.html": "webpagina", "handreiking.txt": "handreiking"}

    env = {"KENNISBANK_DEFAULT_TYPES": "pdf=rapport, txt=notitie"}
    second = run_cli("--index", str(index), "index", str(corpus), "--json", env=env)
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    # Only the formats whose default changed are read again.
    assert sorted(report["updated"]) == ["handreiking.txt", "notitie.txt", "rapport.pdf"]
    assert report["counts"]["unchanged"] == 2

    facet, per_file = _types(index)
    assert facet == {"rapport": 1, "notitie": 1, "tekst": 1, "webpagina": 1, "handreiking": 1}
    assert per_file["rapport.pdf"] == "rapport"
    assert per_file["handreiking.txt"] == "handreiking"  # the sidecar wins over the default

    third = run_cli("--index", str(index), "index", str(corpus), "--json", env=env)
    assert json.loads(third.stdout)["counts"]["unchanged"] == 5


def test_a_bad_default_types_value_stops_with_a_dutch_message(tmp_path: Path) -> None:
    refused = run_cli("--index", str(tmp_path / "index"), "index", str(tmp_path),
                      env={"KENNISBANK_DEFAULT_TYPES": "docx=rapport"})
    assert refused.returncode == 2
    assert refused.stderr.startswith("kennisbank: KENNISBANK_DEFAULT_TYPES='docx=rapport': "
                                     "'docx=rapport' moet de vorm FORMAAT=SOORT hebben")
