"""Where indexing time goes: extraction per format, analysis, and Whoosh writing, plus
what other writer settings and schema choices would cost or save.

Why: the indexer extracts in worker processes while one writer analyses and indexes.
Whether more workers help depends on how the time splits between those parts; which
writer change helps most needs them measured on the same documents. This script
extracts a sample of a corpus once (serially, timed per format), then indexes the same
records with several writer variants, each into a fresh folder:

- `default`    `ix.writer()`, `add_document`, `commit()`: the baseline of the issue;
- `ours`       what `IndexWriteSession` does on a rebuild: `limitmb=256`,
               `update_document`, `commit(mergetype=CLEAR)`;
- `ours-1g`    the same with `limitmb=1024` (no spilling of the posting pool);
- `procs2`     Whoosh's own multi-process writer (`procs=2, multisegment=True`):
               analysis and posting writing in two processes;
- `no-words`   our writer without the `words` field (the unstemmed vocabulary used for
               "Bedoelde u"), which analyses every text a second time;
- `words-arrays` what a rebuild's writer process does since schema 7: Whoosh writes
               every field but `words`, whose postings are collected by us
               (engine/word_postings.py) and written with the other fields' posting
               arrays after the segment is complete (engine/segment_arrays.py);
               `ours` is what it did before;
- `short-record` our writer with the stored record's text cut to 20,000 characters
               (snippets come from it; the rest is stored only to be unpickled).

Analysis alone (the Dutch analyzer over title, body and words, as Whoosh calls it) is
timed separately, so "Whoosh writing" = writer time - analysis. Optionally a cProfile
of the `ours` variant lists the top functions.

Run::

    python bench/profile_index.py --corpus bench/corpora/scale-10000 [--limit 2000]
        [--variants default,ours,procs2,no-words,short-record] [--cprofile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import cpu_seconds, dir_size, machine_info, table, write_result

from kennisbank.engine.schema import build_schema
from kennisbank.engine.segment_arrays import write_missing_arrays
from kennisbank.engine.store import _record_fields
from kennisbank.engine.whoosh_internals import new_segment_id, next_docnum
from kennisbank.engine.word_postings import WordPostings
from kennisbank.indexer.extract import extract
from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.walk import walk_corpus
from kennisbank.records import DocumentRecord

SHORT_RECORD_CHARS = 20_000


def sample_files(corpus: Path, limit: int) -> list:
    """Every k-th file, so the sample keeps the corpus's mix of formats and sizes."""
    files, _skipped = walk_corpus(corpus)
    step = max(1, len(files) // limit) if limit else 1
    return files[::step][:limit] if limit else files


def extract_all(files: list) -> tuple[list[DocumentRecord], dict[str, dict[str, float]]]:
    records: list[DocumentRecord] = []
    stats: dict[str, dict[str, float]] = defaultdict(lambda: {"docs": 0, "s": 0.0,
                                                              "text_mb": 0.0})
    for source in files:
        began = time.perf_counter()
        try:
            record = extract(source)
        except ParseError:
            continue
        row = stats[source.format]
        row["s"] += time.perf_counter() - began
        row["docs"] += 1
        row["text_mb"] += len(record.text.encode("utf-8")) / 1e6
        records.append(record)
    return records, dict(stats)


def analysis_only(records: list[DocumentRecord]) -> dict[str, float]:
    """Seconds the schema's analyzers take per field, on exactly the values the writer
    gets (`_record_fields`: e.g. `words` may be the worker-made vocabulary)."""
    schema = build_schema()
    fields = [_record_fields(record) for record in records]
    times = {}
    for name, kwargs in (("title", {"positions": True}),
                         ("body", {"positions": True, "chars": True}),
                         ("words", {})):
        analyzer = schema[name].analyzer
        began = time.perf_counter()
        for document in fields:
            for _token in analyzer(document[name], **kwargs):
                pass
        times[name] = time.perf_counter() - began
    return times


def _write(records: list[DocumentRecord], folder: Path, schema_change: Callable | None,
           writer_args: dict, update: bool, commit_args: dict,
           words_arrays: bool = False) -> dict[str, float]:
    from whoosh import index as whoosh_index

    schema = build_schema()
    if schema_change:
        schema_change(schema)
    ix = whoosh_index.create_in(str(folder), schema)
    cpu_before = cpu_seconds()
    began = time.perf_counter()
    writer = ix.writer(**writer_args)
    add = writer.update_document if update else writer.add_document
    words = WordPostings(schema["words"]) if words_arrays else None
    for record in records:
        fields = _record_fields(record)
        if words is not None:
            words.add_document(next_docnum(writer), fields.pop("words"))
        add(**{k: v for k, v in fields.items() if k in schema})
    added = time.perf_counter()
    writer.commit(**commit_args)
    committed = time.perf_counter()
    if words is not None:
        with whoosh_index.open_dir(str(folder)).reader() as reader:
            write_missing_arrays(folder, reader, {new_segment_id(writer): words})
    done = time.perf_counter()
    cpu_after = cpu_seconds()
    cpu = sum(cpu_after.values()) - sum(cpu_before.values())
    return {"add_s": added - began, "commit_s": committed - added,
            "arrays_s": done - committed, "total_s": done - began,
            "cpu_s": cpu, "index_mb": dir_size(folder) / 1e6}


def _short(record: DocumentRecord) -> DocumentRecord:
    return replace(record, text=record.text[:SHORT_RECORD_CHARS])


def variants() -> dict[str, dict]:
    from whoosh import writing

    ours = {"writer_args": {"limitmb": 256}, "update": True,
            "commit_args": {"mergetype": writing.CLEAR}}
    return {
        "default": {"writer_args": {}, "update": False, "commit_args": {}},
        "ours": ours,
        # Whoosh's posting pool spills sorted runs to disk past `limitmb` and merges
        # them at commit; a larger pool avoids that at the cost of writer memory.
        "ours-1g": {**ours, "writer_args": {"limitmb": 1024}},
        "procs2": {"writer_args": {"procs": 2, "limitmb": 128, "multisegment": True},
                   "update": False, "commit_args": {}},
        "no-words": {**ours, "schema_change": lambda s: s.remove("words")},
        "words-arrays": {**ours, "words_arrays": True},
        # Only the stored copy is cut: the body is still indexed in full.
        "short-record": {**ours, "short_record": True},
    }


def run_variant(name: str, records: list[DocumentRecord], profile: bool) -> dict:
    spec = variants()[name]
    folder = Path(tempfile.mkdtemp(prefix=f"kb-profile-{name}-"))
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler:
            profiler.enable()
        if spec.get("short_record"):
            result = _write_short_record(records, folder, spec)
        else:
            result = _write(records, folder, spec.get("schema_change"), spec["writer_args"],
                            spec["update"], spec["commit_args"], spec.get("words_arrays", False))
        if profiler:
            profiler.disable()
            result["profile"] = _top(profiler)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _write_short_record(records: list[DocumentRecord], folder: Path, spec: dict) -> dict:
    """Index the full text, but store the record with its text cut short."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.create_in(str(folder), build_schema())
    cpu_before = sum(cpu_seconds().values())
    began = time.perf_counter()
    writer = ix.writer(**spec["writer_args"])
    for record in records:
        fields = _record_fields(record)
        fields["record"] = _record_fields(_short(record))["record"]
        writer.update_document(**fields)
    added = time.perf_counter()
    writer.commit(**spec["commit_args"])
    done = time.perf_counter()
    return {"add_s": added - began, "commit_s": done - added, "total_s": done - began,
            "cpu_s": sum(cpu_seconds().values()) - cpu_before,
            "index_mb": dir_size(folder) / 1e6}


def _top(profiler: cProfile.Profile, limit: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def render(result: dict) -> str:
    lines = [f"{result['documents']} documents, {result['text_mb']:.1f} MB text"]
    lines.append(table(("format", "docs", "extract s", "ms/doc", "MB/s text"), [
        (fmt, int(row["docs"]), row["s"], 1000 * row["s"] / max(1, row["docs"]),
         row["text_mb"] / row["s"] if row["s"] else 0.0)
        for fmt, row in sorted(result["extraction"].items())]))
    analysis = result["analysis"]
    lines.append("\nanalysis alone: " + ", ".join(f"{k} {v:.1f} s" for k, v in
                                                   analysis.items())
                 + f" (total {sum(analysis.values()):.1f} s, "
                 f"{result['text_mb'] / sum(analysis.values()):.2f} MB/s)\n")
    rows = []
    for name, row in result["writers"].items():
        rows.append((name, row["add_s"], row["commit_s"], row["total_s"], row["cpu_s"],
                     result["text_mb"] / row["total_s"], row["index_mb"]))
    lines.append(table(("writer variant", "add s", "commit s", "total s", "CPU s",
                        "MB/s text", "index MB"), rows))
    extraction = sum(row["s"] for row in result["extraction"].values())
    ours = result["writers"].get("ours")
    if ours:
        write_only = ours["total_s"] - sum(analysis.values())
        total = extraction + ours["total_s"]
        lines.append(
            f"\nserial split (ours): extraction {extraction:.1f} s "
            f"({100 * extraction / total:.0f} %), analysis {sum(analysis.values()):.1f} s "
            f"({100 * sum(analysis.values()) / total:.0f} %), Whoosh writing "
            f"{write_only:.1f} s ({100 * write_only / total:.0f} %)")
    if "ours_profile" in result:
        lines.append(f"\ncProfile of the 'ours' writer (tottime):\n{result['ours_profile']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=2000, help="sample size (0: all)")
    parser.add_argument("--variants",
                        default="default,ours,ours-1g,procs2,no-words,short-record")
    parser.add_argument("--cprofile", action="store_true",
                        help="also profile the 'ours' writer (an extra pass)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = sample_files(args.corpus, args.limit)
    records, extraction = extract_all(files)
    result = {"corpus": str(args.corpus), "documents": len(records),
              "text_mb": sum(row["text_mb"] for row in extraction.values()),
              "extraction": extraction, "analysis": analysis_only(records), "writers": {}}
    for name in args.variants.split(","):
        print(f"writer variant {name}…", file=sys.stderr, flush=True)
        result["writers"][name] = run_variant(name, records, profile=False)
    if args.cprofile:  # a separate pass: cProfile slows Python code 2-3x
        print("cProfile of the 'ours' writer…", file=sys.stderr, flush=True)
        result["ours_profile"] = run_variant("ours", records, profile=True)["profile"]
    print(render(result))
    if args.json:
        print(write_result("profile-index", {"machine": machine_info(), "profile": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
