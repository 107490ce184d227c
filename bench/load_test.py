"""Load test: several concurrent clients search the real server for a bounded time.

Loopback only (the script refuses any other host) and bounded in time, so it is safe on
shared machines. Prints requests/s, latency percentiles and the number of errors.

    python bench/load_test.py --index var/index --seconds 30 --clients 8
    python bench/load_test.py --url http://127.0.0.1:8000 --seconds 30
"""

from __future__ import annotations

import argparse
import ipaddress
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, suppress
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.live_server import running_server  # noqa: E402 - needs the repo on sys.path

QUERIES = ["kindcentrum", "ouderbetrokkenheid", "IKC", "betrokkenheid ouders", "handreiking",
           "gemeenten", '"rol- en ontwikkelmodel"', "jeugdhulp onderwijs", "btw", "kinderopvang",
           "wethouders", "samenwerking", "geintegreerd", "kindcentra -pettelaaroverleg", ""]


def _check_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    loopback = host == "localhost"
    with suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if not loopback:
        raise SystemExit(f"Alleen het eigen toestel (loopback) mag belast worden, niet {host!r}.")


def _client(base_url: str, deadline: float, latencies: list[float], errors: list[str]) -> None:
    number = 0
    while time.monotonic() < deadline:
        query = QUERIES[number % len(QUERIES)]
        number += 1
        url = f"{base_url}/?q={urllib.parse.quote(query)}"
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                ok = response.status == 200
        except (urllib.error.URLError, OSError) as exc:
            errors.append(repr(exc))
            continue
        latencies.append(time.perf_counter() - began)
        if not ok:
            errors.append(f"status {response.status}")


def run(base_url: str, clients: int, seconds: float) -> dict[str, float]:
    _check_loopback(base_url)
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(base_url, deadline, latencies, errors))
               for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"requests": len(latencies), "errors": len(errors),
            "requests_per_second": len(latencies) / elapsed,
            "p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server on this machine")
    parser.add_argument("--index", type=Path, default=REPO_ROOT / "var" / "index",
                        help="start a server on this index (when --url is not given)")
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT / "corpus")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with ExitStack() as stack:
        base_url = args.url or stack.enter_context(running_server(args.index, args.corpus,
                                                                  threads=8))
        result = run(base_url, args.clients, min(args.seconds, 300.0))
    print(f"{result['requests']} verzoeken in {args.seconds:g} s met {args.clients} clients: "
          f"{result['requests_per_second']:.1f} verzoeken/s, "
          f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms, fouten: {result['errors']}")
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
