"""Noisy neighbours: do ordinary searches keep their speed while other clients hammer the
expensive requests (exports of 1,000 rows, queries full of wildcards)?

Issue 13's budget: with 8 clients fetching exports and wildcard queries, 2 clients doing
ordinary searches keep their p95 within 3x of their p95 on an otherwise idle server, and
no request fails. A request the server turns away because it is busy (503 with
Retry-After) counts as failed here.

The real server (`kennisbank serve`, waitress, its default thread count) runs on an
existing index. Idle and noisy phases alternate `--rounds` times, so a slow spell of the
shared machine hits both; the report gives each phase's median p50/p95 over the rounds
and the ratio noisy/idle. Loopback only, bounded in time.

    python bench/noisy_neighbour.py --index /tmp/idx10k [--seconds 15] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import latency_summary, machine_info, table, write_result  # noqa: E402
from load_test import QUERIES, _check_loopback  # noqa: E402

from kennisbank.config import Settings  # noqa: E402
from tests.live_server import running_server  # noqa: E402

WILDCARDS = " ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz")
# Per noisy client, round robin: the requests issue 13 measured as starving searches.
NOISY_PATHS = (
    "/export.csv?q=",  # every document, newest first: the longest export there is
    "/export.ris?q=kinderopvang",
    f"/?q={quote(WILDCARDS)}",
    "/export.csv?q=kindcentrum",
    f"/api/search?q={quote('sam* ont* kind* ouder*')}",
    "/export.ris?q=",
    f"/?q={quote('ge* be* ver* on*')}",
    "/export.csv?q=gemeente",
)


class Tally:
    """Latencies and outcomes of one kind of client, shared by its threads."""

    def __init__(self) -> None:
        self.latencies_ms: list[float] = []
        self.statuses: Counter[str] = Counter()
        self.lock = threading.Lock()

    def record(self, began: float, outcome: str) -> None:
        with self.lock:
            self.statuses[outcome] += 1
            if outcome == "200":
                self.latencies_ms.append((time.perf_counter() - began) * 1000)

    @property
    def failed(self) -> int:
        return sum(n for outcome, n in self.statuses.items() if outcome != "200")


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return str(response.status)
    except urllib.error.HTTPError as exc:
        return str(exc.code)
    except (urllib.error.URLError, OSError) as exc:
        return type(exc).__name__


def _client(urls: Callable[[int], str], deadline: float, tally: Tally) -> None:
    number = 0
    while time.monotonic() < deadline:
        url = urls(number)
        number += 1
        began = time.perf_counter()
        tally.record(began, _fetch(url))


def _clients(base_url: str, seconds: float, count: int, noisy: bool) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    if noisy:
        def urls(c: int) -> Callable[[int], str]:
            return lambda n: base_url + NOISY_PATHS[(n + c) % len(NOISY_PATHS)]
    else:
        def urls(c: int) -> Callable[[int], str]:
            return lambda n: f"{base_url}/?q={quote(QUERIES[(n + 7 * c) % len(QUERIES)])}"
    threads = [threading.Thread(target=_client, args=(urls(c), deadline, tally))
               for c in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def _noisy_outcomes(base_url: str, seconds: float, count: int) -> Counter[str]:
    return _clients(base_url, seconds, count, noisy=True).statuses


def phase(base_url: str, seconds: float, noisy_clients: int, search_clients: int
          ) -> tuple[Tally, Counter[str]]:
    """The noisy clients run in a process of their own, as they would on other
    machines: in this process their threads would slow the measured clients down at
    Python's interpreter lock (reading half a megabyte of chunked response is Python
    work), and the bench would measure itself."""
    if not noisy_clients:
        return _clients(base_url, seconds, search_clients, noisy=False), Counter()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        noisy = pool.apply_async(_noisy_outcomes, (base_url, seconds, noisy_clients))
        searches = _clients(base_url, seconds, search_clients, noisy=False)
        return searches, noisy.get(timeout=seconds + 120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--url", help="a running server on this machine instead")
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--noisy-clients", type=int, default=8)
    parser.add_argument("--search-clients", type=int, default=2)
    parser.add_argument("--threads", type=int, default=Settings().threads,
                        help="server threads (default: the server's own default)")
    args = parser.parse_args()
    idle_runs, noisy_runs, noisy_outcomes, failures = [], [], Counter(), 0
    with ExitStack() as stack:
        base_url = args.url or stack.enter_context(
            running_server(args.index, threads=args.threads))
        _check_loopback(base_url)
        _fetch(f"{base_url}/?q=kindcentrum")  # the first search reads the facet columns
        for _round in range(args.rounds):
            idle, _ = phase(base_url, args.seconds, 0, args.search_clients)
            busy, noisy = phase(base_url, args.seconds, args.noisy_clients,
                                args.search_clients)
            idle_runs.append(latency_summary(idle.latencies_ms))
            noisy_runs.append(latency_summary(busy.latencies_ms))
            noisy_outcomes.update(noisy)
            failures += idle.failed + busy.failed + sum(
                n for outcome, n in noisy.items() if outcome != "200")
            print(f"ronde {_round + 1}: rustig p95 {idle_runs[-1]['p95']:.1f} ms, "
                  f"druk p95 {noisy_runs[-1]['p95']:.1f} ms, zware verzoeken "
                  f"{dict(noisy)}", flush=True)
    result = {
        "machine": machine_info(), "threads": args.threads, "seconds": args.seconds,
        "rounds": args.rounds, "noisy_clients": args.noisy_clients,
        "search_clients": args.search_clients,
        "idle": {k: statistics.median(r[k] for r in idle_runs) for k in idle_runs[0]},
        "noisy": {k: statistics.median(r[k] for r in noisy_runs) for k in noisy_runs[0]},
        "noisy_outcomes": dict(noisy_outcomes), "failed_requests": failures,
    }
    result["p95_ratio"] = result["noisy"]["p95"] / result["idle"]["p95"]
    print(table(("fase", "p50 ms", "p95 ms"), [
        ("rustig (alleen zoekers)", f"{result['idle']['p50']:.1f}",
         f"{result['idle']['p95']:.1f}"),
        (f"druk ({args.noisy_clients} zware clients)", f"{result['noisy']['p50']:.1f}",
         f"{result['noisy']['p95']:.1f}")]))
    print(f"p95 druk/rustig: {result['p95_ratio']:.2f} (doel <= 3); zware verzoeken: "
          f"{dict(noisy_outcomes)}; mislukt: {failures}")
    print(f"resultaat: {write_result('noisy_neighbour', result)}")
    return 0 if result["p95_ratio"] <= 3 and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
