"""The index's health: does every corpus file have a place (indexed, failed or skipped),
does every indexed document still have its file, and which PDFs lack text on some pages.

Read-only: `kennisbank status` and the web app's status page both show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kennisbank.indexer.report import load_report
from kennisbank.indexer.walk import walk_corpus


@dataclass
class Health:
    corpus: str
    files: int = 0
    indexed: int = 0
    # In the corpus, but neither indexed nor reported as failed.
    not_indexed: list[str] = field(default_factory=list)
    # Indexed, but the file is gone.
    missing_files: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.not_indexed and not self.missing_files


def check_health(index_root: Path, corpus: Path, manifest: set[str]) -> Health:
    """Compare the corpus on disk with the paths the served index holds (`manifest`,
    from SearchService.indexed_paths) and the last run's report."""
    report = load_report(index_root) or {}
    health = Health(corpus=str(corpus), indexed=len(manifest),
                    warnings=list(report.get("warnings", [])))
    if not corpus.is_dir():
        health.missing_files = sorted(manifest)
        return health
    files, _skipped = walk_corpus(corpus)
    health.files = len(files)
    accounted = set(manifest) | {f["path"] for f in report.get("failed", [])}
    present = {source.relpath for source in files}
    health.not_indexed = sorted(present - accounted)
    health.missing_files = sorted(set(manifest) - present)
    return health
