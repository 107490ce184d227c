"""kill -9 of a real indexer process at several points never costs the served index."""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kennisbank.engine.store import current_generation
from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

# Runs the real CLI in a child process, after arranging for the process to SIGKILL
# itself at one point of the run (the same effect as `kill -9` from outside, but at a
# known moment instead of a timed guess).
CRASHING_INDEXER = """
import os, signal, sys
from kennisbank.engine import store

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[1]
if point in ("extracting", "writing"):
    # "writing": past the first batches of a rebuild, with writer processes running
    last = 5 if point == "extracting" else 250
    original = store.IndexWriteSession.upsert
    calls = []
    def upsert(self, record):
        calls.append(record)
        if len(calls) == last:
            die()
        original(self, record)
    store.IndexWriteSession.upsert = upsert
elif point == "publishing":
    store.IndexWriteSession._make_durable = die
elif point == "cleaning-up":
    store.remove_old_generations = die

from kennisbank.cli import main
sys.exit(main(sys.argv[2:]))
"""

OLD, NEW = 20, 15


def _write_documents(corpus: Path, prefix: str, count: int) -> None:
    for number in range(count):
        text = f"Verslag {number} over {prefix}overleg in het kindcentrum en de gemeente.\n"
        (corpus / f"{prefix}-{number:03d}.txt").write_text(text * 20, encoding="utf-8")


def _total(index: Path, query: str) -> int:
    return SearchService(index).search(SearchRequest(query=query)).total


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _write_documents(corpus, "oud", OLD)
    build_index(corpus, index)
    _write_documents(corpus, "nieuw", NEW)
    return corpus, index


def _crash(point: str, corpus: Path, index: Path, *options: str
           ) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CRASHING_INDEXER, point, "--index", str(index), "index",
         str(corpus), "--jobs", "2", *options],
        capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("point", ["extracting", "publishing"])
def test_crash_before_publishing_keeps_the_old_index(indexed: tuple[Path, Path],
                                                     point: str) -> None:
    corpus, index = indexed
    before = current_generation(index)

    crashed = _crash(point, corpus, index)

    assert crashed.returncode == -signal.SIGKILL
    assert current_generation(index) == before
    assert _total(index, "oudoverleg") == OLD
    assert _total(index, "nieuwoverleg") == 0

    report = build_index(corpus, index)  # the lock of the killed run does not block this

    assert len(report.added) == NEW
    assert report.unchanged == OLD
    assert _total(index, "nieuwoverleg") == NEW
    # The half-built generation is gone; the old one stays as the last good one.
    assert sorted(p.name for p in index.glob("gen-*")) == [before, report.generation]


def test_crash_after_publishing_serves_the_new_index(indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed

    crashed = _crash("cleaning-up", corpus, index)

    assert crashed.returncode == -signal.SIGKILL
    assert _total(index, "nieuwoverleg") == NEW
    report = build_index(corpus, index)
    assert report.counts()["unchanged"] == OLD + NEW
    assert report.counts()["added"] == 0


def test_no_worker_outlives_a_killed_indexer(indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed
    # Forked workers share the indexer's command line, which names this test's index.
    crashed = _crash("extracting", corpus, index)  # returns once no one holds its pipes
    assert crashed.returncode == -signal.SIGKILL
    leftovers = subprocess.run(["pgrep", "-f", str(index)], capture_output=True, text=True,
                               check=False)
    assert leftovers.stdout.split() == []


def test_no_writer_process_outlives_a_killed_rebuild(indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed
    _write_documents(corpus, "groot", 300)
    crashed = _crash("writing", corpus, index, "--full")
    assert crashed.returncode == -signal.SIGKILL
    leftovers = subprocess.run(["pgrep", "-f", str(index)], capture_output=True, text=True,
                               check=False)
    assert leftovers.stdout.split() == []
    assert _total(index, "oudoverleg") == OLD  # the old generation is still served


def test_unwritable_index_is_reported_and_the_old_one_served(indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed
    before = current_generation(index)

    def small_files_only() -> None:  # any file over 4 kB fails to write, like a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    failed = subprocess.run(
        [sys.executable, "-m", "kennisbank.cli", "--index", str(index), "index", str(corpus)],
        capture_output=True, text=True, timeout=120, check=False, preexec_fn=small_files_only)

    assert failed.returncode == 1
    assert "de index kon niet worden geschreven" in failed.stderr
    assert "De vorige index blijft in gebruik" in failed.stderr
    assert current_generation(index) == before
    assert sorted(p.name for p in index.glob("gen-*")) == [before]
    assert _total(index, "oudoverleg") == OLD


def test_a_generation_that_fails_its_check_is_not_published(indexed: tuple[Path, Path]) -> None:
    from kennisbank.engine.store import IndexCheckError, IndexWriteSession
    from kennisbank.records import DocumentRecord, document_id

    _corpus, index = indexed
    before = current_generation(index)
    record = DocumentRecord(id=document_id("x.txt"), path="x.txt", title="X",
                            text="Het zwaluwnest.", format="txt", size=15, sha256="0")
    session = IndexWriteSession(index)
    with pytest.raises(IndexCheckError, match="in plaats van"), session:
        session.upsert(record)
        session.expected_documents = OLD  # one too few: something went missing
    assert current_generation(index) == before
    assert sorted(p.name for p in index.glob("gen-*")) == [before]
    assert _total(index, "zwaluwnest") == 0


def _can_mount_tmpfs() -> bool:
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(shutil.which("unshare") is None or not _can_mount_tmpfs(),
                    reason="needs a small real file system: unshare with user namespaces "
                    "(util-linux) to mount a tmpfs without root")
def test_a_full_disk_in_a_writer_process_gives_only_the_dutch_message(tmp_path: Path) -> None:
    """A rebuild writes in several processes; the one that finds the disk full must not
    print its traceback on the user's terminal. The index lives on a 6 MB tmpfs; the
    previous generation is tiny, so the free-space estimate lets the run start."""
    corpus, extra, index = tmp_path / "corpus", tmp_path / "extra", tmp_path / "index"
    for folder in (corpus, extra, index):
        folder.mkdir()
    (corpus / "klein.txt").write_text("Het kindcentrum.", encoding="utf-8")
    for number in range(300):
        words = " ".join(f"woord{number}x{i}" for i in range(300))
        (extra / f"groot-{number:03d}.txt").write_text(words, encoding="utf-8")
    cli = f"{sys.executable} -m kennisbank.cli --index {index}"
    script = (f"mount -t tmpfs -o size=6m tmpfs {index} && "
              f"{cli} index {corpus} >/dev/null && cp {extra}/* {corpus}/ && "
              f"{cli} index {corpus} --full --jobs 2")
    failed = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                             script], capture_output=True, text=True, timeout=120,
                            check=False)
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr and "Error" not in failed.stderr
    assert "de index kon niet worden geschreven: de schijf is vol" in failed.stderr


def test_too_little_free_space_stops_the_run_before_it_writes(
        indexed: tuple[Path, Path]) -> None:
    """A file as large as the free space (sparse: it takes none) means the index could
    not be written; the run says so before writing anything."""
    corpus, index = indexed
    free = shutil.disk_usage(index).free
    with (corpus / "enorm.txt").open("wb") as huge:
        huge.truncate(free)
    before = sorted(p.name for p in index.iterdir())
    failed = subprocess.run(
        [sys.executable, "-m", "kennisbank.cli", "--index", str(index), "index", str(corpus)],
        capture_output=True, text=True, timeout=120, check=False)
    assert failed.returncode == 1, failed.stderr
    assert "te weinig vrije schijfruimte" in failed.stderr
    assert "KENNISBANK_INDEX" in failed.stderr and "Traceback" not in failed.stderr
    assert sorted(p.name for p in index.iterdir()) == before
    assert _total(index, "oudoverleg") == OLD
