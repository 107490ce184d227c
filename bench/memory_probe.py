"""What the search service's memory consists of, per number of concurrent threads.

Why: RSS mixes anonymous memory the process allocated (Python objects, Whoosh caches,
one searcher per pooled snapshot, the generation's arrays) with file-backed pages. This
probe runs the benchmark queries in-process from 1, 4 and 8 threads (waitress's
default) on a fresh service each time and reports RssAnon and RssFile after every step
and the number of snapshots the pool opened; with `--tracemalloc` it also lists the
largest Python allocation sites after the last step. `--compare-mmap` repeats every
step with Whoosh's default mmap reading, which copies the index per searcher (what
made the web app 1.5 GB at 10k documents before commit f816f19).

Run::

    python bench/memory_probe.py --index bench/corpora/scale-10000-index/ours
        [--searches 400] [--threads 1,4,8] [--tracemalloc] [--compare-mmap]
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import status_kb, table
from search_bench import load_queries


def _step(index: Path, searches: int, threads: int, trace: bool, mmap: bool) -> dict:
    """One fresh process per step, so steps do not share caches or heap."""
    args = [sys.executable, __file__, "--child", str(index), str(searches), str(threads),
            "1" if trace else "0", "1" if mmap else "0"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    values = dict(item.split("=") for item in lines[0].split())
    return {"threads": threads, "mmap": mmap,
            **{k: float(v) for k, v in values.items()},
            "trace": "\n".join(lines[1:])}


def _open_with_mmap(root: Path, generation: str):
    """The generation as Whoosh opens it by default (before commit f816f19 we did too):
    Whoosh's BufferFile copies every mmapped sub-file it opens into a BytesIO, so each
    searcher ends up holding a private copy of the index files it touched."""
    from whoosh import index as whoosh_index

    return whoosh_index.open_dir(str(root / generation))


def child(index: Path, searches: int, threads: int, trace: bool, mmap: bool) -> None:
    from kennisbank.engine import snapshot as snapshot_module
    from kennisbank.engine import store as store_module
    from kennisbank.processes import limit_malloc_arenas
    from kennisbank.search import SearchRequest, SearchService
    from webapp.server import MALLOC_ARENAS

    limit_malloc_arenas(MALLOC_ARENAS)  # as the server does before its threads start
    if mmap:
        snapshot_module.open_generation = _open_with_mmap
        store_module.open_generation = _open_with_mmap

    opened = []
    original_init = snapshot_module.IndexSnapshot.__init__

    def counting_init(self, *args, **kwargs):
        opened.append(1)
        original_init(self, *args, **kwargs)

    snapshot_module.IndexSnapshot.__init__ = counting_init
    if trace:
        tracemalloc.start(10)
    service = SearchService(index)
    queries = load_queries()
    requests = [SearchRequest(query=q.text, filters=q.filters, page=1 + (i // len(queries)) % 3)
                for i, q in enumerate(queries * (searches // len(queries) + 1))][:searches]
    service.search(requests[0])
    pid = os.getpid()
    before_anon = status_kb(pid, "RssAnon") / 1024

    def worker(part: list) -> None:
        for request in part:
            service.search(request)

    workers = [threading.Thread(target=worker, args=(requests[i::threads],))
               for i in range(threads)]
    began, began_cpu = time.perf_counter(), time.process_time()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    gc.collect()
    print(f"wall={wall:.2f} cpu={cpu:.2f} "
          f"anon_first={before_anon:.1f} anon={status_kb(pid, 'RssAnon') / 1024:.1f} "
          f"file={status_kb(pid, 'RssFile') / 1024:.1f} "
          f"hwm={status_kb(pid, 'VmHWM') / 1024:.1f} snapshots={len(opened)}")
    if trace:
        snapshot = tracemalloc.take_snapshot()
        for stat in snapshot.statistics("lineno")[:15]:
            print(f"{stat.size / 1e6:8.1f} MB  {stat.count:8d}  {stat.traceback[0]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(Path(argv[1]), int(argv[2]), int(argv[3]), argv[4] == "1", argv[5] == "1")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--searches", type=int, default=400)
    parser.add_argument("--threads", default="1,4,8")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--compare-mmap", action="store_true",
                        help="also run every step with Whoosh's default mmap reading")
    args = parser.parse_args(argv)
    counts = [int(t) for t in args.threads.split(",")]
    modes = (False, True) if args.compare_mmap else (False,)  # mmap off, on
    steps = [_step(args.index.resolve(), args.searches, t,
                   args.tracemalloc and t == max(counts), mmap)
             for mmap in modes for t in counts]
    print(table(("threads", "mmap", "snapshots opened", "RssAnon after 1st search MB",
                 f"RssAnon after {args.searches} MB", "RssFile MB", "peak RSS MB",
                 "wall s", "CPU s"),
                [(s["threads"], "yes" if s["mmap"] else "no", int(s["snapshots"]),
                  s["anon_first"], s["anon"], s["file"], s["hwm"], s["wall"], s["cpu"])
                 for s in steps]))
    for step in steps:
        if step["trace"]:
            print(f"\nlargest allocation sites ({step['threads']} threads):\n{step['trace']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
