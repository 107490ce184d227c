"""Shared pieces of the scale benchmarks: process-tree memory, percentiles, machine facts,
tables and result files.

Why a module: the index, search and run-all scripts must measure memory and describe
the machine the same way, or their numbers cannot be put side by side. Only the
standard library is used (no psutil), so the benchmarks need nothing the project does
not already install.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The product code under test: the working tree, or an exported commit (run_all.py
# --code) so that numbers do not move while colleagues edit the tree.
CODE_ROOT = Path(os.environ.get("KENNISBANK_BENCH_CODE") or REPO_ROOT)
if str(CODE_ROOT) not in sys.path:
    sys.path.insert(0, str(CODE_ROOT))
RESULTS_DIR = REPO_ROOT / "bench" / "results"
PACKAGES = ("whoosh-reloaded", "pypdf", "trafilatura", "lxml", "beautifulsoup4", "flask",
            "waitress", "PyStemmer", "fpdf2", "tantivy")


# --- memory --------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """Resident set size of one process in kB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def status_kb(pid: int, key: str) -> int:
    """A kB value from /proc/PID/status (VmRSS, VmHWM, ...)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """The process and all its descendants (via /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(child) for child in handle.read().split())
            except FileNotFoundError:
                continue
    return found


class TreeMemorySampler:
    """Samples the summed RSS of a process tree in a thread: the peak a machine must have
    free for an indexer run (writer plus all extraction workers at the same moment)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(rss_kb(p) for p in descendants(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(args: Sequence[str], env: dict[str, str] | None = None,
                 timeout: float | None = None) -> tuple[dict, float, int]:
    """Run a child that prints one JSON object on its last stdout line; return that
    object, the wall time and the peak RSS (kB) of its process tree."""
    began = time.perf_counter()
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env,
                          cwd=REPO_ROOT) as child, TreeMemorySampler(child.pid) as sampler:
        out, _ = child.communicate(timeout=timeout)
    wall = time.perf_counter() - began
    if child.returncode != 0:
        raise RuntimeError(f"{args[1:3]} failed with status {child.returncode}")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]), wall, sampler.peak_kb


def cpu_seconds() -> dict[str, float]:
    """CPU time (user+sys) of this process and of its waited-for children. On a shared
    machine wall time depends on the neighbours; CPU time much less."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_self_s": own.ru_utime + own.ru_stime,
            "cpu_children_s": kids.ru_utime + kids.ru_stime}


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- statistics ----------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(samples_ms: Sequence[float]) -> dict[str, float]:
    return {"p50": percentile(samples_ms, 50), "p95": percentile(samples_ms, 95),
            "p99": percentile(samples_ms, 99), "mean": statistics.fmean(samples_ms),
            "max": max(samples_ms), "n": len(samples_ms)}


def median_of(runs: Iterable[dict[str, float]]) -> dict[str, float]:
    """Per key, the median over repeated runs (the machines are shared and noisy)."""
    runs = list(runs)
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


# --- describing the run --------------------------------------------------------------


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                            check=False)
    return result.stdout.strip()


def machine_info() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle
                          if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            mem_kb = int(handle.readline().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_mb": mem_kb // 1024,
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "code_under_test": str(CODE_ROOT),
        "code_commit": os.environ.get("KENNISBANK_BENCH_COMMIT", "working tree"),
    }


def write_result(name: str, data: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{stamp}-{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def save_result(name: str, result: dict, out: Path | None, as_json: bool) -> None:
    """What every bench's `--out FILE` and `--json` do with its result: the raw result
    to FILE, and a results file with the machine's description (its path printed)."""
    if out:
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if as_json:
        print(write_result(name, {"machine": machine_info(), name: result}))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (pastes straight into docs/performance.md)."""
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)
