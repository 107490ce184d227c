"""`kennisbank index ~/mijn-documenten && kennisbank serve`: the server finds the
originals through the index, so downloads and PDF page links work without telling it
the folder again (issue 12, point 4)."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.live_server import running_server
from tests.pdf_factory import make_pdf
from tests.test_cli import run_cli

CLEAN_ENV = {"KENNISBANK_CORPUS": "", "KENNISBANK_INDEX": ""}


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def own_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A user's folder with a two-page PDF, indexed from another working directory."""
    folder = tmp_path / "mijn-documenten"
    folder.mkdir()
    make_pdf(folder / "verslag.pdf", [["Inleiding over kindcentra."],
                                      ["Het zwaluwnestoverleg vond plaats in maart."]])
    index = tmp_path / "index"
    indexed = run_cli("--index", str(index), "index", str(folder), env=CLEAN_ENV)
    assert indexed.returncode == 0, indexed.stderr
    return folder, index


def _page_link(base: str) -> str:
    status, body = _get(f"{base}/?q=zwaluwnestoverleg")
    assert status == 200
    found = re.search(r'href="(/document/[0-9a-f]{16}/bestand)#page=(\d+)"', body.decode())
    assert found, "no PDF page link on the result page"
    assert found.group(2) == "2"
    return base + found.group(1)


def test_serve_finds_the_folder_the_index_was_built_from(own_folder, tmp_path) -> None:
    folder, index = own_folder
    elsewhere = tmp_path / "ergens-anders"
    elsewhere.mkdir()
    with running_server(index, cwd=elsewhere) as base:
        status, body = _get(_page_link(base))
        assert status == 200
        assert body == (folder / "verslag.pdf").read_bytes()
        status, data = _get(f"{base}/api/search?q=zwaluwnestoverleg")
        hit = json.loads(data)["hits"][0]
        assert _get(f"{base}/document/{hit['id']}/bestand")[0] == 200


def test_an_explicit_corpus_setting_still_wins(own_folder, tmp_path) -> None:
    _folder, index = own_folder
    other = tmp_path / "andere-map"
    other.mkdir()
    with running_server(index, corpus=other) as base:
        assert _get(_page_link(base))[0] == 404


def test_a_moved_folder_is_served_from_its_new_place_after_reindexing(own_folder,
                                                                     tmp_path) -> None:
    folder, index = own_folder
    moved = tmp_path / "verhuisd"
    shutil.move(folder, moved)
    indexed = run_cli("--index", str(index), "index", str(moved), env=CLEAN_ENV)
    assert indexed.returncode == 0, indexed.stderr
    assert "0 nieuw, 0 gewijzigd, 1 ongewijzigd" in indexed.stdout
    with running_server(index) as base:
        status, body = _get(_page_link(base))
    assert status == 200
    assert body == (moved / "verslag.pdf").read_bytes()


def test_reindexing_without_a_folder_uses_the_recorded_one(own_folder) -> None:
    folder, index = own_folder
    (folder / "notitie.txt").write_text("Een notitie over het pettelaaroverleg.",
                                        encoding="utf-8")
    again = run_cli("--index", str(index), "index", env=CLEAN_ENV)
    assert again.returncode == 0, again.stderr
    assert "1 nieuw" in again.stdout
