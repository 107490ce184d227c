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
