"""Search benchmark: latency of the user-facing search, in-process and over HTTP, against
a plain-Whoosh baseline in the same run, and the web app's memory after 1,000 searches.

Why: what users feel is the whole job the web app does for a result page: the top 10
hits, the total, counts for every facet and highlighted snippets with PDF pages. That
is `SearchService.search`, measured here per query of `bench/queries.txt` (warm: after
a warm-up pass; the warm-up pass itself is reported as "first time each query is
asked", since the service caches postings and decoded blocks across searches). A
shared machine is noisy, so each repetition runs our search and the
baseline back to back, and the report gives medians over repetitions and the ratio to
the baseline: the same parser on the same index, `searcher.search(q, limit=10)` with
filters as plain term queries, without facets or snippets.

The HTTP part starts the real server (`kennisbank serve --port 0`), asks `/api/search`
over one keep-alive loopback connection, then runs 1,000 searches from 4 client threads
(waitress has 8 worker threads and the service keeps one searcher per thread, so memory
is only realistic when several threads served requests) and reads VmRSS/VmHWM of the
server process from /proc.

Run::

    python bench/search_bench.py --index bench/corpora/scale-10000-index/ours
        [--repeat 5] [--no-http] [--searches 1000] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    CODE_ROOT,
    REPO_ROOT,
    latency_summary,
    median_of,
    save_result,
    status_kb,
    table,
)

from kennisbank.fields import FACET_PARAMS, facet_field_name

QUERIES_FILE = REPO_ROOT / "bench" / "queries.txt"


@dataclass(frozen=True)
class BenchQuery:
    text: str
    filters: dict[str, tuple[str, ...]]

    @property
    def label(self) -> str:
        extra = "; ".join(f"{k}={'|'.join(v)}" for k, v in self.filters.items())
        return f"{self.text} [{extra}]" if extra else self.text

    def url(self, page: int = 1) -> str:
        pairs = [("q", self.text)] if self.text else []
        pairs += [(FACET_PARAMS[k], v) for k, values in self.filters.items() for v in values]
        if page > 1:
            pairs.append(("pagina", str(page)))
        return "/api/search?" + urlencode(pairs)


def load_queries(path: Path = QUERIES_FILE) -> list[BenchQuery]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        text, _, filter_part = line.partition("|")
        filters: dict[str, list[str]] = {}
        for item in filter_part.split(";"):
            if "=" in item:
                name, value = (part.strip() for part in item.split("=", 1))
                field = facet_field_name(name)
                if field is None:
                    raise ValueError(f"unknown facet {name!r} in {path}")
                filters.setdefault(field, []).append(value)
        queries.append(BenchQuery(text.strip(), {k: tuple(v) for k, v in filters.items()}))
    return queries


# --- in-process ----------------------------------------------------------------------


def ours(index: Path) -> tuple[Callable[[BenchQuery], int], Callable[[], None]]:
    """The search the web app runs (top 10 + total + facets + snippets + suggestion)."""
    from kennisbank.search import SearchRequest, SearchService

    service = SearchService(index)

    def search(query: BenchQuery) -> int:
        return service.search(SearchRequest(query=query.text, filters=query.filters)).total

    return search, lambda: None


def baseline(index: Path) -> tuple[Callable[[BenchQuery], int], Callable[[], None]]:
    """Plain Whoosh on the same index: same parser, top 10 by BM25F, no extras."""
    from whoosh import query as wq
    from whoosh import scoring

    from kennisbank.engine.query import build_parser, parse_query
    from kennisbank.engine.store import current_generation, open_generation

    ix = open_generation(index, current_generation(index))
    searcher = ix.searcher(weighting=scoring.BM25F())
    parser = build_parser(ix.schema)

    def search(query: BenchQuery) -> int:
        parsed = parse_query(parser, query.text)
        parts = [] if parsed.is_everything else [parsed.query]
        for name, values in query.filters.items():
            parts.append(wq.Or([wq.Term(name, v) for v in values]))
        q = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else wq.Every())
        return len([hit.docnum for hit in searcher.search(q, limit=10)])

    return search, searcher.close


def cold_first_search(index: Path, query: BenchQuery) -> float:
    """ms for the first search of a fresh service: opening the generation, reading the
    facet table. Every search after a reindex pays this once per thread."""
    began = time.perf_counter()
    ours(index)[0](query)
    return (time.perf_counter() - began) * 1000


def timed_pass(search: Callable[[BenchQuery], int], queries: list[BenchQuery],
               cpu: list[float] | None = None) -> list[float]:
    """Wall ms per query; CPU ms per query appended to `cpu` (less sensitive to the
    neighbours on a shared machine)."""
    samples = []
    for query in queries:
        began, began_cpu = time.perf_counter(), time.process_time()
        search(query)
        samples.append((time.perf_counter() - began) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - began_cpu) * 1000)
    return samples


def in_process(index: Path, queries: list[BenchQuery], repeat: int) -> dict:
    cold_ms = cold_first_search(index, queries[0])
    ours_search, _ = ours(index)
    base_search, base_close = baseline(index)
    # Warm-up: searchers, caches, OS page cache. Kept as "first time asked": each
    # query's own terms and posting blocks are read for the first time here.
    first_cpu: list[float] = []
    first = latency_summary(timed_pass(ours_search, queries, first_cpu))
    timed_pass(base_search, queries)
    ours_runs, base_runs, ours_cpu_runs, base_cpu_runs = [], [], [], []
    per_query: list[list[float]] = [[] for _ in queries]
    for _ in range(repeat):
        cpu: list[float] = []
        samples = timed_pass(ours_search, queries, cpu)
        ours_runs.append(latency_summary(samples))
        ours_cpu_runs.append(latency_summary(cpu))
        for slot, value in zip(per_query, samples, strict=True):
            slot.append(value)
        cpu = []
        base_runs.append(latency_summary(timed_pass(base_search, queries, cpu)))
        base_cpu_runs.append(latency_summary(cpu))
    base_close()
    totals = [ours_search(q) for q in queries]
    ours_median, base_median = median_of(ours_runs), median_of(base_runs)
    slowest = sorted(((statistics.median(s), q.label, total)
                      for s, q, total in zip(per_query, queries, totals, strict=True)),
                     reverse=True)[:10]
    return {
        "queries": len(queries), "repeat": repeat, "cold_first_search_ms": cold_ms,
        "ours": ours_median, "baseline": base_median, "first_time": first,
        "first_time_cpu": latency_summary(first_cpu),
        "ratio": {k: ours_median[k] / base_median[k] for k in ("p50", "p95", "p99")},
        "ours_cpu": median_of(ours_cpu_runs), "baseline_cpu": median_of(base_cpu_runs),
        "slowest": [{"ms": ms, "query": label, "total": total}
                    for ms, label, total in slowest],
        "runs": {"ours": ours_runs, "baseline": base_runs},
    }


# --- over HTTP -----------------------------------------------------------------------


class Server:
    """`kennisbank serve --port 0` as a child process; stopped with Ctrl-C (SIGINT)."""

    def __init__(self, index: Path) -> None:
        script = Path(sys.executable).with_name("kennisbank")
        command = [str(script)] if script.exists() else [
            sys.executable, "-c", "import sys; from kennisbank.cli import main; sys.exit(main())"]
        # The server runs the same code as the rest of the benchmark (see benchlib).
        path = os.pathsep.join(p for p in (str(CODE_ROOT), os.environ.get("PYTHONPATH"))
                               if p)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
        self.process = subprocess.Popen(
            [*command, "--index", str(index), "serve", "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline()
        if "http://" not in line:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r} {self.process.stderr.read()}")
        address = line.split("http://", 1)[1].split("/", 1)[0]
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)

    @property
    def pid(self) -> int:
        return self.process.pid

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=120)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _get(conn: http.client.HTTPConnection, url: str) -> bytes:
    conn.request("GET", url)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{url}: HTTP {response.status}")
    return body


def over_http(index: Path, queries: list[BenchQuery], repeat: int, searches: int,
              clients: int = 4) -> dict:
    server = Server(index)
    try:
        conn = server.connection()
        began = time.perf_counter()
        _get(conn, queries[0].url())
        first_ms = (time.perf_counter() - began) * 1000
        rss_start = status_kb(server.pid, "VmRSS")
        for query in queries:  # warm-up
            _get(conn, query.url())
        runs = []
        for _ in range(repeat):
            samples = []
            for query in queries:
                began = time.perf_counter()
                json.loads(_get(conn, query.url()))
                samples.append((time.perf_counter() - began) * 1000)
            runs.append(latency_summary(samples))
        conn.close()
        rss_warm = status_kb(server.pid, "VmRSS")
        urls = [queries[i % len(queries)].url(page=1 + (i // len(queries)) % 3)
                for i in range(searches)]
        load = _load(server, urls, clients)
        return {
            "repeat": repeat, "first_request_ms": first_ms, "latency": median_of(runs),
            "load": load, "rss_mb": {
                "after_first": rss_start / 1024, "after_warmup": rss_warm / 1024,
                "after_searches": status_kb(server.pid, "VmRSS") / 1024,
                "peak_hwm": status_kb(server.pid, "VmHWM") / 1024,
                # Whoosh reads index files through mmap: those pages count in RSS but
                # are the page cache's (RssFile), not memory the app allocated (RssAnon).
                "anon": status_kb(server.pid, "RssAnon") / 1024,
                "file": status_kb(server.pid, "RssFile") / 1024,
                "searches": searches, "clients": clients},
            "runs": runs,
        }
    finally:
        server.stop()


def _load(server: Server, urls: list[str], clients: int) -> dict:
    """`urls` from `clients` threads, each with its own keep-alive connection."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(part: list[str]) -> None:
        conn = server.connection()
        mine = []
        for url in part:
            began = time.perf_counter()
            try:
                _get(conn, url)
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                errors.append(str(exc))
                conn.close()
                conn = server.connection()
                continue
            mine.append((time.perf_counter() - began) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(urls[i::clients],))
               for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {"searches": len(urls), "clients": clients, "seconds": seconds,
            "per_second": len(latencies) / seconds, "errors": len(errors),
            "latency": latency_summary(latencies) if latencies else {}}


# --- report --------------------------------------------------------------------------


def render(result: dict) -> str:
    local = result["in_process"]
    rows = [("SearchService.search (facets+snippets)", *(local["ours"][k] for k in
                                                        ("p50", "p95", "p99", "mean")), ""),
            ("  the same, first time each query is asked", *(local["first_time"][k] for k in
                                                           ("p50", "p95", "p99", "mean")), ""),
            ("plain Whoosh top 10 (baseline)", *(local["baseline"][k] for k in
                                                 ("p50", "p95", "p99", "mean")), ""),
            ("ratio ours / baseline", *(local["ratio"][k] for k in ("p50", "p95", "p99")),
             "", ""),
            ("SearchService.search, CPU ms", *(local["ours_cpu"][k] for k in
                                               ("p50", "p95", "p99", "mean")), ""),
            ("plain Whoosh, CPU ms", *(local["baseline_cpu"][k] for k in
                                       ("p50", "p95", "p99", "mean")), "")]
    http_result = result.get("http")
    if http_result:
        lat = http_result["latency"]
        load = http_result["load"]
        rows.append(("HTTP /api/search, 1 client", lat["p50"], lat["p95"], lat["p99"],
                     lat["mean"], ""))
        if load.get("latency"):
            rows.append((f"HTTP, {load['clients']} clients, {load['searches']} searches",
                         load["latency"]["p50"], load["latency"]["p95"],
                         load["latency"]["p99"], load["latency"]["mean"],
                         f"{load['per_second']:.1f}/s"))
    text = table(("search (ms)", "p50", "p95", "p99", "mean", "throughput"), rows)
    text += f"\n\ncold first search (new service): {local['cold_first_search_ms']:.0f} ms"
    if http_result:
        rss = http_result["rss_mb"]
        text += (f"\nweb app RSS: {rss['after_first']:.0f} MB after the first search, "
                 f"{rss['after_searches']:.0f} MB after {rss['searches']} more "
                 f"(peak {rss['peak_hwm']:.0f} MB; now {rss.get('anon', 0):.0f} MB anonymous "
                 f"+ {rss.get('file', 0):.0f} MB mapped index files)")
    text += "\nslowest queries (median ms, total hits):\n" + "\n".join(
        f"  {row['ms']:7.1f}  {row['total']:6d}  {row['query']}" for row in local["slowest"])
    return text


def run(index: Path, repeat: int, http_too: bool, searches: int, clients: int = 4) -> dict:
    queries = load_queries()
    result = {"index": str(index), "in_process": in_process(index, queries, repeat)}
    if http_too:
        result["http"] = over_http(index, queries, repeat, searches, clients)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--searches", type=int, default=1000, help="for the RSS measurement")
    parser.add_argument("--clients", type=int, default=4,
                        help="concurrent HTTP clients for the RSS measurement")
    parser.add_argument("--json", action="store_true", help="write bench/results/*.json")
    parser.add_argument("--out", type=Path, help="write the raw result as JSON here")
    args = parser.parse_args(argv)
    result = run(args.index.resolve(), args.repeat, not args.no_http, args.searches,
                 args.clients)
    print(render(result))
    save_result("search", result, args.out, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
