"""The product as `pip install` delivers it: a wheel built from this tree, installed in a
fresh virtual environment outside the checkout, indexes the bundled corpus with its
console script and serves a search over HTTP from the installed package only."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO_ROOT

NOT_PACKAGED = shutil.ignore_patterns(".git", ".venv", "var", "build", "*.egg-info",
                                      "__pycache__", "bench", "test-output", ".*_cache")
SERVING = re.compile(r"Kennisbank draait op (http://\S+?)/? ")


def _run(*command: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(the wheel, the fresh environment's bin/, a clean environment for commands)."""
    base = tmp_path_factory.mktemp("installed")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KENNISBANK_", "PYTHON", "VIRTUAL_ENV"))}
    source = base / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_PACKAGED, symlinks=True)
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         base / "dist", source, cwd=base, env=env)
    wheel = next((base / "dist").glob("kennisbank-*.whl"))
    _run(sys.executable, "-m", "venv", base / "venv", cwd=base, env=env)
    _run(base / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", wheel, cwd=base, env=env)
    shutil.rmtree(source)  # nothing may come from a source tree
    return wheel, base / "venv" / "bin", env


def test_the_wheel_owns_only_the_kennisbank_name(installed) -> None:
    wheel, _bin, _env = installed
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        data = {name for name in archive.namelist() if not name.endswith(".py")}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"kennisbank"}
    assert {"kennisbank/stopwords_nl/stopwords.txt", "kennisbank/webapp/templates/opensearch.xml",
            "kennisbank/webapp/static/style.css", "kennisbank/data/synoniemen.txt"} <= data


def test_installed_command_indexes_searches_and_serves(installed, tmp_path: Path) -> None:
    _wheel, bin_dir, env = installed
    kennisbank, index = bin_dir / "kennisbank", tmp_path / "index"
    package = _run(bin_dir / "python", "-c", "import kennisbank.webapp as w; print(w.__file__)",
                   cwd=tmp_path, env=env)
    assert package.startswith(str(bin_dir.parent)), package
    indexed = _run(kennisbank, "--index", index, "index", CORPUS, cwd=tmp_path, env=env)
    assert "5 nieuw" in indexed
    found = json.loads(_run(kennisbank, "--index", index, "search", "kindcentrum", "--json",
                            cwd=tmp_path, env=env))
    assert found["total"] == 5
    assert found["hits"][0]["path"].endswith(".txt")
    with subprocess.Popen([str(kennisbank), "--index", str(index), "serve", "--port", "0"],
                          cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True) as server:
        try:
            base = SERVING.search(server.stdout.readline()).group(1)
            with urllib.request.urlopen(f"{base}/api/search?q=kindcentrum", timeout=30) as r:
                assert json.load(r)["total"] == 5
            # The last two run in a worker process the installed command starts.
            for path in ("/?q=kindcentrum", "/opensearch.xml", "/static/style.css", "/hulp",
                         "/?q=kind*", "/export.csv?q=kindcentrum"):
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    assert response.status == 200, path
                    body = response.read().decode("utf-8")
            assert len(body.splitlines()) == 6  # the export: a header and 5 documents
        finally:
            server.terminate()
            server.wait(timeout=10)
