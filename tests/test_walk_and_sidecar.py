"""Which files the indexer reads, which it skips, and how sidecars are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.sidecar import parse_sidecar
from kennisbank.indexer.walk import walk_corpus


def test_walk_picks_supported_files_and_lists_the_rest(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["a.pdf", "b.HTML", "c.htm", "sub/d.txt", "sub/e.md", "f.docx", ".verborgen.txt",
                 "~$rapport.pdf", "g.txt~", ".git/config", "a.pdf.meta.toml"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "buiten.txt").symlink_to("/etc/hostname")

    files, skipped = walk_corpus(tmp_path)

    assert [f.relpath for f in files] == ["a.pdf", "b.HTML", "c.htm", "sub/d.txt", "sub/e.md"]
    assert [f.format for f in files] == ["pdf", "html", "html", "txt", "md"]
    assert files[0].sidecar == tmp_path / "a.pdf.meta.toml"
    reasons = {s.relpath: s.reason for s in skipped}
    assert set(reasons) == {".git/", "f.docx", ".verborgen.txt", "~$rapport.pdf", "g.txt~",
                            "buiten.txt"}
    assert "niet ondersteund" in reasons["f.docx"]
    assert "buiten" in reasons["buiten.txt"]


def test_sidecar_with_dutch_keys() -> None:
    sidecar = parse_sidecar(
        b'titel = "Handreiking btw"\nsoort = "handreiking"\njaar = 2019\n'
        b'themas = ["btw", "financiering"]\norganisaties = "Kindcentra 2020"\n')
    assert sidecar.title == "Handreiking btw"
    assert sidecar.doctype == "handreiking"
    assert sidecar.year == 2019
    assert sidecar.themes == ("btw", "financiering")
    assert sidecar.organisations == ("Kindcentra 2020",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('titel = "open', "sidecar"),
        ("kleur = 'rood'", "onbekende sleutel"),
        ("jaar = 'vorig jaar'", "jaartal"),
        ("themas = [1, 2]", "lijst"),
    ],
)
def test_bad_sidecar_is_a_dutch_parse_error(content: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_sidecar(content.encode())
    assert caught.value.code == "sidecar"
    assert message in caught.value.reason_nl or message == "sidecar"


def test_walk_reports_sidecars_without_an_indexed_document(tmp_path: Path) -> None:
    for name in ["a.txt", "a.txt.meta.toml", "weg.pdf.meta.toml", "b.docx", "b.docx.meta.toml",
                 "a.txt.meta.toml.meta.toml", "c.txt", ".d.txt.meta.toml"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "c.txt.meta.toml").mkdir()  # a folder named like a sidecar: not entered
    (tmp_path / "c.txt.meta.toml" / "binnen.txt").write_text("x", encoding="utf-8")
    (tmp_path / "map").mkdir()
    (tmp_path / "map.meta.toml").write_text("x", encoding="utf-8")

    files, skipped = walk_corpus(tmp_path)

    assert [(f.relpath, f.sidecar) for f in files] == [
        ("a.txt", tmp_path / "a.txt.meta.toml"), ("c.txt", None)]
    reasons = {s.relpath: s.reason for s in skipped}
    assert reasons == {
        ".d.txt.meta.toml": "verborgen bestand",
        "a.txt.meta.toml.meta.toml": "sidecar bij 'a.txt.meta.toml', dat zelf een sidecar is",
        "b.docx": "bestandstype '.docx' wordt niet ondersteund",
        "b.docx.meta.toml": "sidecar bij 'b.docx', dat niet wordt geïndexeerd (zie de reden daar)",
        "c.txt.meta.toml/": "map met de naam van een sidecar; een sidecar moet een bestand zijn "
                            "(de map wordt niet doorzocht)",
        "map.meta.toml": "sidecar bij de map 'map/'; een sidecar hoort bij een bestand",
        "weg.pdf.meta.toml": "sidecar zonder document: 'weg.pdf' bestaat niet (hernoemd of "
                             "verwijderd?)",
    }


def test_walk_follows_sidecar_links_only_inside_the_corpus(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "buiten"
    (corpus / "gedeeld").mkdir(parents=True)
    outside.mkdir()
    (outside / "geheim.toml").write_text('titel = "Geheim"', encoding="utf-8")
    (corpus / "gedeeld" / "standaard.toml").write_text('soort = "notitie"', encoding="utf-8")
    for name, target in [("binnen", corpus / "gedeeld" / "standaard.toml"),
                         ("buiten", outside / "geheim.toml"), ("kapot", corpus / "bestaat-niet")]:
        (corpus / f"{name}.txt").write_text("x", encoding="utf-8")
        (corpus / f"{name}.txt.meta.toml").symlink_to(target)

    files, _skipped = walk_corpus(corpus)

    found = {f.relpath: (f.sidecar, f.sidecar_problem) for f in files}
    assert found["binnen.txt"] == (corpus / "gedeeld" / "standaard.toml", "")
    assert found["buiten.txt"] == (None, "snelkoppeling naar een bestand buiten de "
                                         "verzameling; die wordt niet gelezen")
    assert found["kapot.txt"] == (None, "snelkoppeling naar een bestand dat niet bestaat")
