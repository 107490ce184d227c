"""Issue 12, point 8: a bad sidecar fails its document with a Dutch reason naming the
sidecar and the key, or is listed as skipped, through the real `kennisbank index`.

One corpus holds a document per bad case, good documents beside them, and a document
whose sidecar turns bad after it was indexed (its good version must stay searchable).
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import running_server
from tests.test_cli import run_cli

THEMES_100K = "themas = [" + ", ".join(f'"thema {n}"' for n in range(100_000)) + "]\n"


@dataclass(frozen=True)
class Bad:
    document: str
    sidecar: str
    expected: tuple[str, ...]  # besides the sidecar's name, in the failure reason


BAD = [
    Bad("datum-onmogelijk.txt", 'datum = "9999-99-99"\n', ("'datum'", "2021-04-14", "9999-99-99")),
    Bad("datum-gisteren.txt", 'datum = "gisteren"\n', ("'datum'", "'gisteren'")),
    Bad("datum-30-februari.txt", 'datum = "2021-02-30"\n', ("'datum'", "2021-02-30")),
    Bad("datum-ver-weg.txt", "datum = 9999-12-31\n", ("'datum'", "1900 en 2100")),
    Bad("titel-lijst.txt", "titel = [1, 2]\n", ("'titel'", "één tekst", "een lijst")),
    Bad("titel-twee-keer.txt", 'titel = "Een"\ntitle = "Twee"\n',
        ("'titel' en 'title'", "betekenen hetzelfde")),
    Bad("thema-twee-keer.txt", 'thema = "btw"\nthemas = ["financiering"]\n',
        ("'thema' en 'themas'",)),
    Bad("diep-genest.txt", "themas = " + "[" * 5000 + "]" * 5000 + "\n", ("te diep genest",)),
    Bad("honderdduizend-themas.txt", THEMES_100K, ("te groot", "64 KB")),
    Bad("51-themas.txt", "themas = [" + ", ".join(f'"t{n}"' for n in range(51)) + "]\n",
        ("'themas'", "51 waarden", "grens is 50")),
    Bad("lange-titel.txt", f'titel = "{"lang " * 120}"\n', ("'titel'", "grens is 500")),
    Bad("thema-lang.txt", f'themas = ["{"x" * 201}"]\n', ("'themas'", "grens is 200")),
    Bad("regeleinde.txt", 'organisaties = ["PACT\\nvoor Kindcentra"]\n',
        ("'organisaties'", "regeleinde")),
    Bad("bron-javascript.txt", 'bron = "javascript:alert(1)"\n', ("'bron'", "https://")),
    Bad("jaar-en-datum.txt", 'jaar = 2020\ndatum = "2021-04-14"\n',
        ("'jaar' (2020)", "'datum' (2021-04-14)", "spreken elkaar tegen")),
    Bad("jaar-tekst.txt", 'jaar = "vorig jaar"\n', ("'jaar'", "jaartal")),
    Bad("onbekende-sleutel.txt", 'kleur = "rood"\n', ("onbekende sleutel 'kleur'",)),
    Bad("geen-toml.txt", "titel = Handreiking zonder aanhalingstekens\n",
        ("geen geldige TOML", "regel 1")),
]
SKIPPED = {
    "map.txt.meta.toml/": "een sidecar moet een bestand zijn",
    "verdwenen.pdf.meta.toml": "sidecar zonder document: 'verdwenen.pdf' bestaat niet",
    "notulen.docx.meta.toml": "sidecar bij 'notulen.docx', dat niet wordt geïndexeerd",
}


def _text(name: str) -> str:
    return f"Verslag {name} over het kindcentrum en de ouderbetrokkenheid.\n"


def _write(folder: Path, name: str, sidecar: str) -> None:
    (folder / name).write_text(_text(name), encoding="utf-8")
    (folder / f"{name}.meta.toml").write_text(sidecar, encoding="utf-8")


def _good_corpus(corpus: Path) -> None:
    corpus.mkdir()
    _write(corpus, "goed.txt", 'titel = "Goede handreiking"\nsoort = "handreiking"\n'
           "datum = 2021-04-14\njaar = 2021\nthemas = []\nauteur = \"\"\n"
           'bron = "https://www.example.nl/handreiking"\n')
    _write(corpus, "later-slecht.txt", 'titel = "Eerste versie goed"\ndatum = "2020-05"\n')


def _bad_corpus(corpus: Path, outside: Path) -> None:
    for case in BAD:
        _write(corpus, case.document, case.sidecar)
    (corpus / "later-slecht.txt.meta.toml").write_text(
        'titel = "Tweede versie"\ndatum = "gisteren"\n', encoding="utf-8")
    (outside / "geheim.toml").write_text('titel = "Geheime titel"\n', encoding="utf-8")
    (corpus / "snelkoppeling.txt").write_text(_text("link"), encoding="utf-8")
    (corpus / "snelkoppeling.txt.meta.toml").symlink_to(outside / "geheim.toml")
    (corpus / "map.txt").write_text(_text("map"), encoding="utf-8")
    (corpus / "map.txt.meta.toml").mkdir()
    (corpus / "map.txt.meta.toml" / "binnenin.txt").write_text("Niet lezen.", encoding="utf-8")
    (corpus / "verdwenen.pdf.meta.toml").write_text('titel = "Weg"\n', encoding="utf-8")
    (corpus / "notulen.docx").write_bytes(b"PK\x03\x04 Word")
    (corpus / "notulen.docx.meta.toml").write_text('titel = "Notulen"\n', encoding="utf-8")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """Index the good corpus, then add every bad case and index again; the corpus,
    the index and the second run's JSON report."""
    root = tmp_path_factory.mktemp("sidecars")
    corpus, index, outside = root / "corpus", root / "index", root / "buiten"
    outside.mkdir()
    _good_corpus(corpus)
    first = run_cli("--index", str(index), "index", str(corpus), "--json")
    assert json.loads(first.stdout)["counts"]["added"] == 2, first.stderr
    _bad_corpus(corpus, outside)
    second = run_cli("--index", str(index), "index", str(corpus), "--json", "--timeout", "20")
    assert second.returncode == 0, second.stderr
    return corpus, index, json.loads(second.stdout)


@pytest.mark.parametrize("case", BAD, ids=[case.document for case in BAD])
def test_bad_sidecar_fails_its_document_naming_sidecar_and_key(indexed, case: Bad) -> None:
    failed = {f["path"]: f for f in indexed[2]["failed"]}
    failure = failed[case.document]
    assert failure["code"] == "sidecar"
    assert failure["reason"].startswith("metadatabestand (sidecar) is ongeldig: "
                                        f"{case.document}.meta.toml: ")
    for fragment in case.expected:
        assert fragment in failure["reason"]
    assert "Error" not in failure["reason"]  # no RecursionError, no Python at all
    assert len(failure["reason"]) < 300


def test_symlinked_sidecar_outside_the_corpus_fails_unread(indexed) -> None:
    _corpus, index, report = indexed
    failed = {f["path"]: f["reason"] for f in report["failed"]}
    assert failed["snelkoppeling.txt"] == (
        "metadatabestand (sidecar) is ongeldig: snelkoppeling.txt.meta.toml: snelkoppeling "
        "naar een bestand buiten de verzameling; die wordt niet gelezen")
    found = run_cli("--index", str(index), "search", "geheime titel", "--json")
    assert json.loads(found.stdout)["total"] == 0


def test_sidecar_folders_orphans_and_sidecars_of_skipped_files_are_reported(indexed) -> None:
    report = indexed[2]
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    for path, reason in SKIPPED.items():
        assert reason in skipped[path]
    assert "map.txt.meta.toml/binnenin.txt" not in json.dumps(report)
    assert "map.txt" in report["added"]  # the document itself is indexed, without metadata


def test_good_sidecars_pass_and_a_spoiled_one_keeps_the_indexed_version(indexed) -> None:
    _corpus, index, report = indexed
    failed = {f["path"]: f for f in report["failed"]}
    assert failed["later-slecht.txt"]["kept_previous"] is True
    assert "'datum'" in failed["later-slecht.txt"]["reason"]
    assert {case.document for case in BAD} | {"later-slecht.txt", "snelkoppeling.txt"} == set(
        failed)
    found = json.loads(run_cli("--index", str(index), "search", '"eerste versie goed"',
                               "--json").stdout)
    assert [(hit["path"], hit["title"]) for hit in found["hits"]] == [
        ("later-slecht.txt", "Eerste versie goed")]
    good = json.loads(run_cli("--index", str(index), "search", "goede handreiking",
                              "--json").stdout)["hits"][0]
    assert (good["title"], good["type"], good["year"]) == ("Goede handreiking", "handreiking",
                                                           2021)


def test_search_page_stays_small_next_to_a_sidecar_with_100000_themes(indexed) -> None:
    corpus, index, _report = indexed
    with (running_server(index, corpus) as url,
          urllib.request.urlopen(f"{url}/?q=kindcentrum", timeout=30) as response):
        page = response.read()
    assert response.status == 200
    assert b"Verslag" in page
    assert len(page) < 100_000
    assert b"thema 99999" not in page
