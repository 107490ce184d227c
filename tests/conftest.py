"""Shared fixtures: real indexes on disk, built from the bundled corpus or from files
the tests write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kennisbank.indexer.run import IndexOptions, run_index
from kennisbank.search import SearchService

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "corpus"
# The team's shared test data (real PDFs and web pages nobody on the team wrote) sits
# beside the checkout; a clone elsewhere runs everything else and skips what needs it.
SHARED = Path(os.environ.get("KENNISBANK_SHARED_DATA") or REPO_ROOT.parent / "shared")
SHARED_TESTDATA = SHARED / "testdata"


def shared_testdata(name: str) -> Path:
    """A folder of the shared test data, or a skip that says where it was looked for."""
    folder = SHARED_TESTDATA / name
    if not folder.is_dir():
        pytest.skip(f"needs the shared test data {folder} (absent in this clone; set "
                    "KENNISBANK_SHARED_DATA to the folder that holds testdata/)")
    return folder


def build_index(corpus: Path, index: Path, **options: object):
    """Run the real indexer (worker processes included) and return its report."""
    settings = {"jobs": 2, "timeout": 20.0, **options}
    return run_index(IndexOptions(corpus=corpus, index=index, **settings))


@pytest.fixture(scope="session")
def corpus_service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """The bundled corpus, indexed once for all read-only tests."""
    index = tmp_path_factory.mktemp("corpus-index")
    build_index(CORPUS, index)
    return SearchService(index)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target
