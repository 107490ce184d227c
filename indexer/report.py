"""The report of an indexer run: what changed, what failed and why, what was skipped.

Saved beside the index (last-run.json) so `kennisbank status` and the web app can show
it after the run has ended.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kennisbank.engine.store import REPORT_FILE, atomic_write_text


@dataclass
class Failure:
    path: str
    code: str
    reason: str  # Dutch
    kept_previous: bool = False  # an older version of this file is still searchable


@dataclass
class RunReport:
    corpus: str
    started: str
    finished: str = ""
    full: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    # Generations found damaged at the start ({"generation", "problem"}), and the intact
    # one this run built on instead ("" when it rebuilt from scratch).
    damaged: list[dict] = field(default_factory=list)
    repaired_from: str = ""
    documents: int = 0
    generation: str = ""
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "failed": len(self.failed),
            "skipped": len(self.skipped),
        }

    def to_json(self) -> dict:
        return {**asdict(self), "counts": self.counts()}


def save_report(root: Path, report: RunReport) -> None:
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_text(root / REPORT_FILE, json.dumps(report.to_json(), ensure_ascii=False,
                                                     indent=2))


def load_report(root: Path) -> dict | None:
    try:
        return json.loads((root / REPORT_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
