"""The `kennisbank` command as staff and scripts use it: real processes, real index."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS

KENNISBANK = [sys.executable, "-m", "kennisbank.cli"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KENNISBANK, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, check=False)


def test_index_then_search_json_contract(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    indexed = run_cli("--index", index, "index", str(CORPUS))
    assert indexed.returncode == 0, indexed.stderr
    assert "5 nieuw" in indexed.stdout
    assert "added 5 / updated 0 / unchanged 0 / removed 0 / failed 0" in indexed.stdout

    found = run_cli("--index", index, "search", "kindcentrum", "--json", "--limit", "3")
    payload = json.loads(found.stdout)
    assert payload["total"] == 5
    assert len(payload["hits"]) == 3
    assert set(payload["hits"][0]) >= {"id", "title", "path", "type", "year", "score",
                                       "snippet", "pages"}
    assert set(payload["facets"]) == {"type", "theme", "organisation", "year", "audience",
                                      "format"}
    assert payload["facets"]["format"] == {"txt": 5}
    assert payload["suggestion"] is None


def test_environment_chooses_corpus_and_index(tmp_path: Path) -> None:
    env = {"KENNISBANK_CORPUS": str(CORPUS), "KENNISBANK_INDEX": str(tmp_path / "idx")}
    assert run_cli("index", env=env).returncode == 0
    found = run_cli("search", "pettelaaroverleg", "--filter", "soort=webpagina", env=env)
    assert found.returncode == 0
    assert found.stdout.startswith("1 resultaat voor “pettelaaroverleg”")
    assert "kopgroepen.txt" in found.stdout


def test_status_shows_counts_and_last_run(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    run_cli("--index", index, "index", str(CORPUS))
    status = run_cli("--index", index, "status")
    assert status.returncode == 0
    assert "5 documenten" in status.stdout
    assert "webpagina: 5" in status.stdout
    assert "Laatste indexering" in status.stdout
    as_json = json.loads(run_cli("--index", index, "status", "--json").stdout)
    assert as_json["documents"] == 5
    assert as_json["last_run"]["counts"]["added"] == 5


def test_second_indexer_is_refused_with_the_running_pid(tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    with open(index / "indexer.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write("4242")
        lock.flush()
        refused = run_cli("--index", str(index), "index", str(CORPUS))
    assert refused.returncode != 0
    assert "Er draait al een indexering" in refused.stderr
    assert "4242" in refused.stderr


def test_clear_dutch_errors(tmp_path: Path) -> None:
    missing_index = run_cli("--index", str(tmp_path / "leeg"), "search", "ouders")
    assert missing_index.returncode != 0
    assert "nog geen index" in missing_index.stderr
    missing_corpus = run_cli("--index", str(tmp_path / "i"), "index", str(tmp_path / "nergens"))
    assert missing_corpus.returncode != 0
    assert "bestaat niet" in missing_corpus.stderr
    bad_filter = run_cli("--index", str(tmp_path / "i"), "search", "x", "--filter", "kleur=rood")
    assert bad_filter.returncode == 2
    assert "onbekend filterveld" in bad_filter.stderr
    bad_env = run_cli("search", "x", env={"KENNISBANK_PORT": "acht"})
    assert bad_env.returncode == 2
    assert "KENNISBANK_PORT" in bad_env.stderr


def test_status_reconciles_corpus_and_index(tmp_path: Path) -> None:
    from tests.pdf_factory import make_pdf

    corpus, index = tmp_path / "corpus", str(tmp_path / "index")
    corpus.mkdir()
    make_pdf(corpus / "deels-gescand.pdf", [["Tekst op pagina een."], [], ["Pagina drie."]])
    (corpus / "weg.txt").write_text("Dit bestand verdwijnt straks.", encoding="utf-8")
    run_cli("--index", index, "index", str(corpus))
    run_cli("--index", index, "index", str(corpus))  # incremental: the warning must persist
    (corpus / "weg.txt").unlink()
    (corpus / "nieuw.txt").write_text("Nog niet geïndexeerd.", encoding="utf-8")

    status = run_cli("--index", index, "status")

    assert "deels-gescand.pdf: pagina's zonder tekst: 2" in status.stdout
    assert "nog niet geïndexeerd: nieuw.txt" in status.stdout
    assert "bestand ontbreekt, maar staat nog in de index: weg.txt" in status.stdout
    health = json.loads(run_cli("--index", index, "status", "--json").stdout)["health"]
    assert health["consistent"] is False
    run_cli("--index", index, "index", str(corpus))
    assert "In orde: alle 2 bestanden" in run_cli("--index", index, "status").stdout


def test_explain_shows_how_a_query_is_analysed(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    run_cli("--index", index, "index", str(CORPUS))
    shown = run_cli("--index", index, "search", "IKC's van de kindcentra", "--explain")
    assert shown.returncode == 0
    assert "IKC's: genormaliseerd ikc, stam ikc" in shown.stdout
    assert "van: stopwoord" in shown.stdout
    assert "kindcentra: genormaliseerd kindcentra, enkelvoud kindcentrum" in shown.stdout
    assert "synoniem: ikc's → ook integraal kindcentrum" in shown.stdout
    as_json = json.loads(run_cli("--index", index, "search", "kindcentra", "--explain",
                                 "--json").stdout)
    assert as_json["words"][0]["singular"] == "kindcentrum"
    assert "body:kindcentrum" in as_json["parsed"]


def test_search_corrects_a_misspelling_and_says_what_it_did(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    run_cli("--index", index, "index", str(CORPUS))
    shown = run_cli("--index", index, "search", "kindcentrun")
    assert shown.returncode == 0
    assert "resultaten voor “kindcentrum”" in shown.stdout
    assert ("Resultaten voor “kindcentrum”. Zoek in plaats daarvan naar “kindcentrun” met "
            "--letterlijk.") in shown.stdout
    literal = run_cli("--index", index, "search", "kindcentrun", "--letterlijk")
    assert "0 resultaten voor “kindcentrun”" in literal.stdout
    assert "Bedoelde u: kindcentrum?" in literal.stdout
    as_json = json.loads(run_cli("--index", index, "search", "kindcentrun", "--json").stdout)
    assert as_json["corrected_from"] == "kindcentrun" and as_json["total"] == 5


def test_search_says_which_synonyms_widened_the_query(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    run_cli("--index", index, "index", str(CORPUS))
    shown = run_cli("--index", index, "search", "IKC")
    assert ("Ook gezocht op: integraal kindcentrum (zonder: --zonder-synoniemen)."
            in shown.stdout)
    narrow = run_cli("--index", index, "search", "IKC", "--zonder-synoniemen", "--json")
    assert json.loads(narrow.stdout)["expanded_with"] == []
