"""The `kennisbank` command: index, search, status, serve. Messages in Dutch."""

from __future__ import annotations

import argparse
import errno
import json
import re
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from kennisbank.config import (
    Settings,
    SettingsError,
    corpus_folder,
    evidence_types,
    load_settings,
)
from kennisbank.dutch_argparse import DutchArgumentParser, seconds, whole_number
from kennisbank.engine.diskspace import DiskSpaceError
from kennisbank.engine.generations import check_index
from kennisbank.engine.parallel import WriterProcessError
from kennisbank.engine.store import IndexBusyError, IndexCheckError, IndexMissingError
from kennisbank.evidence.shown import Evidence, ShownPassage
from kennisbank.explain import format_explanation
from kennisbank.fields import FACET_FIELDS, facet_field_name
from kennisbank.records import document_id
from kennisbank.request import MAX_PAGE, MAX_PAGE_SIZE, SORT_NAMES, SearchRequest
from kennisbank.search import SearchResponse, SearchService
from kennisbank.snippets import strip_marks
from kennisbank.terminal import printable

if TYPE_CHECKING:
    from kennisbank.indexer.health import Health


class UsageError(ValueError):
    """A wrong argument; the message is Dutch."""


def _parser() -> argparse.ArgumentParser:
    parser = DutchArgumentParser(
        prog="kennisbank", description="Kennisbank PACT voor Kindcentra: indexeren en zoeken.",
        epilog="Meer hulp bij een opdracht: kennisbank OPDRACHT --help")
    parser.add_argument("--version", action="version", version=f"kennisbank {_version()}",
                        help="toon het versienummer en stop")
    parser.add_argument("--index", type=Path, help="map van de index (standaard ./var/index, "
                        "of KENNISBANK_INDEX)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="OPDRACHT",
                                title="opdrachten")

    index = sub.add_parser("index", help="documenten (opnieuw) indexeren",
                           description="Documenten indexeren; alleen wat veranderde wordt "
                           "opnieuw gelezen.")
    index.add_argument("corpus", nargs="?", type=Path, metavar="MAP",
                       help="map met documenten (standaard: KENNISBANK_CORPUS, anders de map "
                       "waaruit de index eerder is gemaakt, anders ./corpus)")
    index.add_argument("--full", action="store_true", help="alles opnieuw opbouwen")
    index.add_argument("--jobs", type=whole_number(0, 256), metavar="N",
                       help="aantal werkprocessen (standaard: aantal cores)")
    index.add_argument("--timeout", type=seconds, metavar="S",
                       help="tijdslimiet per bestand in seconden (standaard 60)")
    index.add_argument("--json", action="store_true", help="verslag als JSON")

    search = sub.add_parser("search", help="zoeken in de index",
                            description="Zoeken in de index, zoals op de website.")
    search.add_argument("query", nargs="?", default="", metavar="ZOEKVRAAG",
                        help="zoekvraag, bv. \"ouderbetrokkenheid kindcentrum\"")
    search.add_argument("--filter", action="append", default=[], metavar="VELD=WAARDE",
                        help="filter op een facet, bv. soort=handreiking (herhaalbaar)")
    search.add_argument("--limit", type=whole_number(1, MAX_PAGE_SIZE), default=10,
                        metavar="N", help="aantal resultaten per pagina (standaard 10)")
    search.add_argument("--page", type=whole_number(1, MAX_PAGE), default=1, metavar="N",
                        help="resultatenpagina (standaard 1)")
    search.add_argument("--sort", type=_sort_order, default="relevance",
                        metavar="relevantie|datum|toegevoegd",
                        help="sorteren op relevantie (standaard), datum (nieuwste eerst) "
                        "of toegevoegd (laatst aan de index toegevoegd eerst)")
    search.add_argument("--json", action="store_true", help="uitvoer als JSON")
    search.add_argument("--passages", action="store_true",
                        help="toon de beste passages uit alle documenten in plaats van "
                             "een lijst van documenten")
    search.add_argument("--letterlijk", "--literal", dest="literal", action="store_true",
                        help="zoek precies zoals getypt, zonder spellingcorrectie")
    search.add_argument("--zonder-synoniemen", "--no-synonyms", dest="synonyms",
                        action="store_false",
                        help="zoek zonder synoniemen en afkortingen (IKC, integraal kindcentrum)")
    search.add_argument("--explain", action="store_true",
                        help="toon hoe de zoekvraag is ontleed (woorden, stammen, synoniemen)")

    links = sub.add_parser(
        "links", help="onderbouwing uit onderzoek of toepassingen van een document",
        description="Per passage van een document de passages uit onderzoek die erbij "
        "aansluiten (voor een handreiking) of de praktijkdocumenten die erbij aansluiten "
        "(voor een onderzoeksrapport).")
    links.add_argument("document", metavar="DOCUMENT",
                       help="id van het document (16 tekens, zoals in de zoekresultaten) "
                       "of zijn pad in de documentenmap")
    links.add_argument("--json", action="store_true", help="uitvoer als JSON")

    status = sub.add_parser("status", help="toestand van de index en de laatste indexering",
                            description="Toestand van de index en de laatste indexering.")
    status.add_argument("--json", action="store_true", help="uitvoer als JSON")

    check = sub.add_parser("check", help="alle bestanden van de index controleren",
                           description="Controleer elk bestand van de index met zijn "
                           "controlegetal (exit 0: in orde, 1: beschadigd).")
    check.add_argument("--json", action="store_true", help="uitvoer als JSON")

    serve = sub.add_parser("serve", help="de zoekwebsite starten",
                           description="De zoekwebsite starten.")
    serve.add_argument("--host", help="adres (standaard 127.0.0.1, of KENNISBANK_HOST)")
    serve.add_argument("--port", type=whole_number(0, 65535), metavar="POORT",
                       help="poort (standaard 8000, of KENNISBANK_PORT)")
    for command in (index, search, links, status, check, serve):  # `kennisbank index --index X` too
        command.add_argument("--index", type=Path, dest="index_sub", help=argparse.SUPPRESS)
    return parser


def _sort_order(raw: str) -> str:
    try:
        return SORT_NAMES[raw.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(
            "sorteren kan op ‘relevantie’, ‘datum’ of ‘toegevoegd’, niet op "
            f"‘{raw[:40]}’") from None


def _version() -> str:
    try:
        return metadata.version("kennisbank")
    except metadata.PackageNotFoundError:
        return "onbekend"


def parse_filters(raw: Sequence[str]) -> dict[str, tuple[str, ...]]:
    filters: dict[str, list[str]] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        field = facet_field_name(name)
        if not sep or not value.strip():
            raise UsageError(f"filter '{item}' moet de vorm VELD=WAARDE hebben")
        if field is None:
            known = ", ".join(FACET_FIELDS)
            raise UsageError(f"onbekend filterveld '{name}'; kies uit: {known}")
        filters.setdefault(field, []).append(value.strip())
    return {name: tuple(values) for name, values in filters.items()}


def _settings(args: argparse.Namespace) -> Settings:
    index = getattr(args, "index_sub", None) or args.index
    return load_settings().with_overrides(index=index)


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from kennisbank.indexer.run import IndexOptions, run_index

    settings = settings.with_overrides(corpus=args.corpus, jobs=args.jobs,
                                       file_timeout=args.timeout)
    options = IndexOptions(corpus=corpus_folder(settings), index=settings.index, full=args.full,
                           jobs=settings.jobs, timeout=settings.file_timeout,
                           memory_mb=settings.file_memory_mb, stemmer=settings.stemmer,
                           writer_memory_mb=settings.writer_memory_mb,
                           default_types=settings.default_types,
                           evidence_types=evidence_types(settings))
    report = run_index(options)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    counts = report.counts()
    _print_repair(report.to_json())
    print(f"Klaar in {report.seconds:g} s: {counts['added']} nieuw, {counts['updated']} "
          f"gewijzigd, {counts['unchanged']} ongewijzigd, {counts['removed']} verwijderd, "
          f"{counts['failed']} mislukt, {counts['skipped']} overgeslagen. "
          f"De index bevat nu {report.documents} documenten.")
    print(f"(added {counts['added']} / updated {counts['updated']} / unchanged "
          f"{counts['unchanged']} / removed {counts['removed']} / failed {counts['failed']})")
    _print_failures(report.to_json())
    return 0


def _print_repair(report: dict) -> None:
    for damage in report.get("damaged", []):
        print(f"Let op: {damage['generation']} was beschadigd: {damage['problem']}.")
    if report.get("damaged"):
        base = report.get("repaired_from")
        print(f"De index is hersteld vanaf {base}." if base else
              "De index is opnieuw opgebouwd, vanaf de documenten.")


def _print_failures(report: dict) -> None:
    for failure in report["failed"]:
        kept = " (de vorige versie blijft vindbaar)" if failure["kept_previous"] else ""
        print(f"  mislukt: {printable(failure['path'])}: {printable(failure['reason'])}{kept}")
    for skipped in report["skipped"]:
        print(f"  overgeslagen: {printable(skipped['path'])}: {printable(skipped['reason'])}")


def _print_hits(response: SearchResponse, stream=sys.stdout) -> None:
    query = response.query or response.request.query
    label = f" voor “{query}”" if query else ""
    noun = "resultaat" if response.total == 1 else "resultaten"
    if response.request.view == "passages":
        noun = "passage" if response.total == 1 else "passages"
    print(f"{response.total} {noun}{label}", file=stream)
    if response.notice:
        print(f"Let op: {response.notice}", file=stream)
    if response.suggestion:
        print(f"Bedoelde u: {response.suggestion}?", file=stream)
    if response.corrected_from:
        print(f"Resultaten voor “{response.query}”. Zoek in plaats daarvan naar "
              f"“{response.corrected_from}” met --letterlijk.", file=stream)
    if response.expanded_with:
        print(f"Ook gezocht op: {', '.join(response.expanded_with)} "
              "(zonder: --zonder-synoniemen).", file=stream)
    first = (response.request.page - 1) * response.request.page_size
    for number, found in enumerate(response.passages, start=first + 1):
        where = f"pagina {found.passage.page}" if found.passage.page else (
            f"passage {found.passage.number}")
        print(f"\n{number}. {printable(found.hit.title)}  [{where}]", file=stream)
        print(f"   {printable(found.hit.path)}", file=stream)
        print(f"   {printable(strip_marks(found.passage.snippet))}", file=stream)
    for number, hit in enumerate(response.hits, start=first + 1):
        details = " · ".join(str(x) for x in (hit.type, hit.year, hit.format) if x)
        print(f"\n{number}. {printable(hit.title)}  [{printable(details)}]", file=stream)
        pages = f"  (pagina {', '.join(map(str, hit.pages))})" if hit.pages else ""
        print(f"   {printable(hit.path)}{pages}", file=stream)
        for passage in hit.passages or ():
            where = f"pagina {passage.page}" if passage.page else f"passage {passage.number}"
            print(f"   [{where}] {printable(strip_marks(passage.snippet))}", file=stream)
        if hit.snippet and not hit.passages:
            print(f"   {printable(strip_marks(hit.snippet))}", file=stream)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    request = SearchRequest(query=args.query, filters=parse_filters(args.filter),
                            sort=args.sort, page=args.page, page_size=args.limit,
                            literal=args.literal, synonyms=args.synonyms,
                            view="passages" if args.passages else "documents")
    service = SearchService(settings.index, settings.synonyms)
    if args.explain:
        explanation = service.explain(args.query)
        if args.json:
            print(json.dumps(explanation.to_json(), ensure_ascii=False, indent=2))
        else:
            print(format_explanation(explanation))
        return 0
    response = service.search(request)
    degraded = service.degradation()
    if args.json:  # a script reads `page_count` from the answer
        print(json.dumps({**response.to_json(), "degraded": degraded}, ensure_ascii=False,
                         indent=2))
        return 0
    if degraded:
        print(f"Let op: {degraded}", file=sys.stderr)
    _print_hits(response)
    if response.total and request.page > response.page_count:
        count = response.page_count
        pages = "is 1 pagina" if count == 1 else f"zijn {count} pagina's"
        print(f"kennisbank: pagina {request.page} bestaat niet; er {pages} met "
              f"{request.page_size} resultaten per pagina (--page 1 tot en met {count}).",
              file=sys.stderr)
        return 2
    return 0


def _print_health(health: Health) -> None:
    print("Gezondheid:")
    if health.consistent:
        print(f"  In orde: alle {health.files} bestanden in {health.corpus} zijn geïndexeerd "
              "of staan als mislukt in het verslag.")
    for path in health.not_indexed:
        print(f"  nog niet geïndexeerd: {printable(path)} (draai kennisbank index)")
    for path in health.missing_files:
        print(f"  bestand ontbreekt, maar staat nog in de index: {printable(path)}")
    for warning in health.warnings:
        print(f"  let op: {printable(warning['path'])}: {warning['warning']} "
              "(waarschijnlijk gescand; tekstherkenning gebeurt niet)")


def cmd_links(args: argparse.Namespace, settings: Settings) -> int:
    """A document's evidence links; exit 3 when the index has no such document."""
    wanted = args.document.strip()
    doc_id = wanted if re.fullmatch(r"[0-9a-f]{16}", wanted) else document_id(wanted)
    evidence = SearchService(settings.index).evidence(doc_id)
    if evidence is None:
        print(f"kennisbank: de index bevat geen document ‘{wanted[:200]}’ (gebruik het id "
              "uit de zoekresultaten of het pad in de documentenmap)", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps({"document": doc_id, **evidence.to_json()}, ensure_ascii=False,
                         indent=2))
        return 0
    print(format_evidence(evidence))
    return 0


def format_evidence(evidence: Evidence) -> str:
    if not evidence.role:
        return "Dit document is geen handreiking of onderzoek: het heeft geen verwijzingen."
    if not evidence.passages:
        return f"{evidence.heading}: geen passages gevonden die genoeg aansluiten."
    lines = [f"{evidence.heading}:"]
    for item in evidence.passages:
        lines.append(f"\n{_where(item.passage)}: “{item.passage.quote}”")
        for other in item.linked:
            kind = other.doctype or "document"
            year = f", {other.year}" if other.year else ""
            lines.append(f"  → {other.title} ({kind}{year}), {_where(other).lower()} "
                         f"[{other.doc_id}]")
    return "\n".join(lines)


def _where(passage: ShownPassage) -> str:
    page = f", pagina {passage.page}" if passage.page else ""
    return f"Passage {passage.passage}{page}"


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from kennisbank.indexer.health import check_health
    from kennisbank.indexer.report import load_report

    service = SearchService(settings.index)
    stats, state = service.stats(), service.health()
    report = load_report(settings.index)
    health = check_health(settings.index, corpus_folder(settings), service.indexed_paths())
    if args.json:
        print(json.dumps({**stats, "index": state, "last_run": report,
                          "health": {**asdict(health), "consistent": health.consistent}},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"Index: {settings.index} ({stats['generation']}), {stats['documents']} documenten")
    print(f"Toestand: {state['degraded'] or 'in orde'}")
    for field, label in (("type", "Per documentsoort"), ("format", "Per bestandsformaat")):
        print(f"{label}:")
        for value, count in sorted(stats[field].items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {value}: {count}")
    if report:
        c = report["counts"]
        print(f"Laatste indexering: {report['finished']} ({report['seconds']} s): "
              f"{c['added']} nieuw, {c['updated']} gewijzigd, {c['unchanged']} ongewijzigd, "
              f"{c['removed']} verwijderd, {c['failed']} mislukt")
        _print_failures(report)
    _print_health(health)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from kennisbank.webapp.server import AddressError, serve

    settings = settings.with_overrides(host=args.host, port=args.port)
    try:
        serve(settings)
    except AddressError as exc:  # before OSError's "could not write the index"
        print(f"kennisbank: {exc}", file=sys.stderr)
        return 3 if exc.in_use else 2
    return 0


OS_ERRORS_NL = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quota) is op",
    errno.EFBIG: "een bestand wordt te groot voor het bestandssysteem",
    errno.EACCES: "geen toestemming om te schrijven",
    errno.EPERM: "geen toestemming om te schrijven",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
}


def describe_os_error(exc: OSError) -> str:
    """A Dutch sentence for the usual reasons writing an index fails."""
    reason = OS_ERRORS_NL.get(exc.errno or 0, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename else ""
    return (f"de index kon niet worden geschreven: {reason}{where}. "
            "De vorige index blijft in gebruik.")


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Every file of every generation against its checksum: 0 when the current
    generation is intact, 1 when it is damaged, 3 when there is no index."""
    results = check_index(settings.index)
    if not results:
        raise IndexMissingError(f"Er is nog geen index in {settings.index}. "
                                "Maak die eerst met: kennisbank index")
    current_ok = results[0].current and results[0].problem is None
    if args.json:
        print(json.dumps({"intact": current_ok, "generations": [asdict(r) for r in results]},
                         ensure_ascii=False, indent=2))
        return 0 if current_ok else 1
    for result in results:
        role = "huidige versie" if result.current else "eerdere versie"
        state = "in orde" if result.problem is None else f"BESCHADIGD: {result.problem}"
        print(f"{result.generation} ({role}, {result.files} bestanden): {state}")
    if current_ok:
        print("De index is in orde.")
    else:
        print("De huidige index is beschadigd. De website zoekt in de vorige goede versie, "
              "als die er is. Herstel de index met: kennisbank index")
    return 0 if current_ok else 1


COMMANDS = {"index": cmd_index, "search": cmd_search, "links": cmd_links, "status": cmd_status,
            "check": cmd_check, "serve": cmd_serve}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "serve":
        # `kennisbank search … | head` ends quietly. Never for the server: with the
        # default action, a reader closing the connection mid-answer kills it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        return COMMANDS[args.command](args, _settings(args))
    except (UsageError, SettingsError) as exc:
        print(f"kennisbank: {exc}", file=sys.stderr)
        return 2
    except (IndexBusyError, IndexMissingError, FileNotFoundError) as exc:
        print(f"kennisbank: {exc}", file=sys.stderr)
        return 3
    except (IndexCheckError, WriterProcessError) as exc:
        print(f"kennisbank: {exc}; de vorige index blijft in gebruik.", file=sys.stderr)
        return 1
    except DiskSpaceError as exc:
        print(f"kennisbank: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kennisbank: {describe_os_error(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
