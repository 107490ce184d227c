"""Build a deterministic corpus of 1k, 10k or 100k Dutch documents for the scale benchmarks.

Why: "fast at 100,000 documents" can only be checked on a library of that size that
anyone can rebuild byte for byte. Text comes from Debian's Dutch documentation
(`bench/textpool.py`): its sentences are recombined into documents whose sizes follow a
log-normal distribution (median a few KB, a tail of long reports), mixed with sentences
about kindcentra built from the programme's vocabulary, so the queries of
`bench/queries.txt` hit realistic shares of the library. Every document gets a sidecar
with facet values drawn from skewed distributions (a few themes and organisations are
common, most are rare), as in the real knowledge base. Formats: plain text and
Markdown, HTML pages with navigation and footer boilerplate (so the main-content
extraction does real work), about 8 % multi-page PDFs generated with fpdf2, a few real
Dutch manuals as PDF (10k and larger), and the five programme pages from `corpus/`.

Each document is generated from its own seeded random stream, so the output does not
depend on the number of worker processes. A hidden `.build.json` in the output folder
records what was built; running again with the same arguments does nothing.

Run::

    python bench/build_corpus.py --size 10000 [--out DIR] [--seed 7] [--jobs N] [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import sys
import textwrap
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from fpdf import FPDF

sys.path.insert(0, str(Path(__file__).resolve().parent))
from textpool import REAL_PDFS, TextPool, load_pool

REPO_ROOT = Path(__file__).resolve().parent.parent
PROGRAMME_DIR = REPO_ROOT / "corpus"
BUILDER_VERSION = 1
BUILD_FILE = ".build.json"
SIZES = (1000, 10000, 100000)

# (format, share). PDFs are the expensive format to extract; the brief asks 5-10 %.
FORMATS = (("txt", 0.44), ("html", 0.40), ("md", 0.08), ("pdf", 0.08))
# `--text-only`: the workload of issue 14's own table (10,000 text files, 33 MB).
TEXT_ONLY = (("txt", 1.0),)
# Document types per format with weights: web pages are HTML, reports are PDF.
DOCTYPES: dict[str, tuple[tuple[str, float], ...]] = {
    "html": (("webpagina", 6), ("nieuwsbericht", 3), ("webinar", 1)),
    "pdf": (("handreiking", 5), ("onderzoeksrapport", 4), ("brochure", 2), ("notitie", 1),
            ("factsheet", 1), ("magazine", 1), ("boek", 0.5), ("beleidsplan", 0.5),
            ("manifest", 0.3), ("pleitnotitie", 0.3), ("instrument", 1)),
    "text": (("handreiking", 3), ("notitie", 3), ("nieuwsbericht", 3), ("webpagina", 2),
             ("onderzoeksrapport", 2), ("factsheet", 1), ("instrument", 1), ("brochure", 1),
             ("pleitnotitie", 0.3), ("webinar", 0.5)),
}
THEMES = ("ouderbetrokkenheid", "interprofessionele samenwerking", "inclusie",
          "wet- en regelgeving", "financiering", "lokaal beleid", "jeugdhulp",
          "wijkgericht werken", "professionalisering", "huisvesting", "onderzoek",
          "kwaliteit", "kansengelijkheid", "passend onderwijs", "beroepsbeeld",
          "functiegebouw", "arbeidsmarkt", "toegangsrecht", "cao", "btw", "regierol",
          "pedagogisch klimaat", "meerwaarde", "longitudinaal onderzoek", "innovatie")
ORGANISATIONS = ("PACT voor Kindcentra", "Het Kinderopvangfonds", "Kindcentra 2020",
                 "Pedagogisch PACT", "Nederlands Jeugdinstituut", "Platform Kindcentra",
                 "Pettelaaroverleg", "Kennistafel", "VNG", "Brancheorganisatie Kinderopvang",
                 "BMK", "BOinK", "Sociaal Werk Nederland", "PO-Raad", "Ministerie van OCW",
                 "Ministerie van SZW", "Hogeschool Utrecht", "Universiteit Utrecht",
                 "Hogeschool van Amsterdam", "Sardes", "Oberon", "Kohnstamm Instituut")
AUDIENCES = ("professionals", "bestuurders", "gemeenten", "ouders", "onderzoekers",
             "beleidsmakers", "wethouders", "ambtenaren")
YEARS = tuple(range(2010, 2025))
SECTORS = ("kinderopvang", "primair onderwijs", "jeugdhulp", "de gemeente",
           "de buitenschoolse opvang", "de peuterspeelzaal", "de jeugdgezondheidszorg")
PLACES = ("het integraal kindcentrum", "het IKC", "het kindcentrum", "de kindcentra",
          "de IKC's", "een kinderdagverblijf", "de wijk", "de school")
DOMAIN_SENTENCES = (
    "{org} publiceerde in {year} een {doctype} over {theme} voor {audience}.",
    "In {place} werken {sector} en {sector2} samen aan {theme}.",
    "De gemeente heeft een regierol bij {theme} en bij de huisvesting van kindcentra.",
    "Ouders worden betrokken bij {theme}; ouderbetrokkenheid is een speerpunt van {place}.",
    "Het onderzoek van de Kennistafel laat zien dat {theme} bijdraagt aan kansengelijkheid.",
    "Professionals uit {sector} en {sector2} volgen samen scholing over {theme}.",
    "De btw-handreiking beschrijft hoe kindcentra omgaan met de financiering van {theme}.",
    "Wethouders en bestuurders maken afspraken over {theme} in het lokaal beleid.",
    "Voor- en vroegschoolse educatie (VVE) en buitenschoolse opvang (BSO) horen bij het "
    "aanbod van {place}.",
    "Het rol- en ontwikkelmodel kindcentra helpt teams van {place} bij {theme}.",
    "Kinderen van 0 tot 12 jaar krijgen in {place} een doorgaande ontwikkellijn.",
    "Het toegangsrecht tot kinderopvang vraagt om nieuwe wet- en regelgeving en een "
    "andere financiering.",
    "Een interprofessioneel team van pedagogisch medewerkers en leerkrachten werkt in "
    "{place} met één pedagogisch klimaat.",
    "De {doctype} geeft {audience} concrete voorbeelden van {theme} in de praktijk.",
    "Samenwerking met de jeugdhulp en de jeugdgezondheidszorg (JGZ) maakt passend "
    "onderwijs en zorg in de wijk mogelijk.",
    "Het beroepsbeeld van de medewerker ikc en het functiegebouw beschrijven wat "
    "professionals in {place} doen.",
    "Uit het longitudinaal onderzoek naar de meerwaarde van kindcentra blijkt dat "
    "{theme} tijd kost.",
    "Het Kinderopvangfonds ondersteunt pilots en kennisdeling over {theme}.",
    "In de cao kinderopvang en de cao primair onderwijs staan afspraken die {theme} "
    "raken.",
    "De kopgroepen van Kindcentra 2020 pleiten voor {theme} in elke gemeente.",
)
HTML_SITES = ("Kennisbank Kindcentra", "PACT voor Kindcentra", "Het Kinderopvangfonds",
              "Platform Kindcentra", "Nederlands Jeugdinstituut")
NAV_ITEMS = ("Home", "Over ons", "Thema's", "Publicaties", "Nieuws", "Agenda",
             "Webinars", "Contact", "Zoeken", "Nieuwsbrief")
PDF_LINE_CHARS = 95
PDF_LINES_PER_PAGE = 52
PDF_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass
class Document:
    """One generated file and its sidecar, before it is written."""

    relpath: str
    fmt: str
    title: str
    sections: list[tuple[str, list[str]]]  # (heading, paragraphs)
    sidecar: dict[str, object] | None
    mtime: int
    pages: list[list[str]] = field(default_factory=list)  # PDF only: lines per page


# --- random helpers ------------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _zipf_sample(rng: random.Random, values: Sequence[str], count: int) -> list[str]:
    """`count` distinct values, earlier ones far more likely (weight 1/rank)."""
    weights = [1.0 / (rank + 1) for rank in range(len(values))]
    chosen: list[str] = []
    while len(chosen) < min(count, len(values)):
        value = rng.choices(values, weights=weights)[0]
        if value not in chosen:
            chosen.append(value)
    return chosen


def _target_chars(rng: random.Random, fmt: str) -> int:
    """Log-normal length: median ~3.5 KB; 1 % long documents of 50-250 KB."""
    if rng.random() < 0.01:
        return rng.randint(50_000, 250_000)
    median = 16_000 if fmt == "pdf" else 3_500
    return int(min(400_000, max(300, rng.lognormvariate(math.log(median), 0.9))))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "document"


# --- content -------------------------------------------------------------------------


_SENTENCE_RE = re.compile(r"(?<=[.!?:])\s+(?=[A-Z0-9“\"'(])")


class Composer:
    """Makes paragraphs from the pool's sentences and the programme's vocabulary."""

    def __init__(self, pool: TextPool, programme: list[str]) -> None:
        self.sentences = [s for p in pool.paragraphs for s in _SENTENCE_RE.split(p)
                          if len(s) >= 25]
        self.paragraphs = pool.paragraphs
        self.headings = pool.headings
        self.programme = programme

    def general(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return rng.choice(self.paragraphs)
        return " ".join(rng.choice(self.sentences) for _ in range(rng.randint(2, 6)))

    def domain(self, rng: random.Random, doctype: str, themes: list[str]) -> str:
        if rng.random() < 0.15:
            return rng.choice(self.programme)
        sentences = []
        for _ in range(rng.randint(2, 5)):
            template = rng.choice(DOMAIN_SENTENCES)
            sector, sector2 = rng.sample(SECTORS, 2)
            sentences.append(template.format(
                org=_zipf_sample(rng, ORGANISATIONS, 1)[0], year=rng.choice(YEARS),
                doctype=doctype, audience=rng.choice(AUDIENCES),
                theme=rng.choice(themes) if rng.random() < 0.7 else rng.choice(THEMES),
                place=rng.choice(PLACES), sector=sector, sector2=sector2))
        return " ".join(sentences)

    def sections(self, rng: random.Random, target: int, doctype: str, themes: list[str]
                 ) -> list[tuple[str, list[str]]]:
        domain_share = 0.0 if rng.random() < 0.2 else rng.uniform(0.1, 0.6)
        sections: list[tuple[str, list[str]]] = []
        length = 0
        while length < target:
            heading = rng.choice(self.headings) if sections else ""
            paragraphs = []
            for _ in range(rng.randint(2, 7)):
                paragraph = (self.domain(rng, doctype, themes) if rng.random() < domain_share
                             else self.general(rng))
                paragraphs.append(paragraph)
                length += len(paragraph) + 2
                if length >= target:
                    break
            sections.append((heading, paragraphs))
        return sections


def _title(rng: random.Random, composer: Composer, doctype: str, themes: list[str]) -> str:
    if rng.random() < 0.35:
        return rng.choice(composer.headings)
    theme = themes[0]
    pattern = rng.choice((
        "{Doctype} {theme} in kindcentra", "{Doctype}: {theme} voor {audience}",
        "{Theme} in het IKC", "{Doctype} over {theme} en {theme2}",
        "Kindcentra en {theme}: {doctype} {year}", "{Theme} in de praktijk van {place}"))
    return pattern.format(Doctype=doctype.capitalize(), doctype=doctype, theme=theme,
                          Theme=theme.capitalize(), theme2=rng.choice(THEMES),
                          audience=rng.choice(AUDIENCES), year=rng.choice(YEARS),
                          place=rng.choice(PLACES))


def _sidecar(rng: random.Random, doctype: str, title: str, year: int, themes: list[str],
             sections: list[tuple[str, list[str]]]) -> dict[str, object]:
    data: dict[str, object] = {
        "titel": title,
        "soort": doctype,
        "organisaties": _zipf_sample(rng, ORGANISATIONS, rng.choice((1, 1, 1, 2, 2, 3))),
        "jaar": year,
        "themas": themes,
        "doelgroepen": _zipf_sample(rng, AUDIENCES, rng.choice((1, 2, 2, 3))),
        "beschrijving": textwrap.shorten(sections[0][1][0], 200, placeholder="…"),
    }
    if rng.random() < 0.5:
        data["datum"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.2:
        data["auteur"] = rng.choice(("Kennistafel", "Redactie", "Projectteam",
                                     "Onderzoeksgroep kindcentra"))
    if rng.random() < 0.3:
        data["bron"] = f"https://www.kinderopvangfonds.nl/publicaties/{_slug(title)}"
    return data


def plan_document(index: int, seed: int, composer: Composer,
                  formats: Sequence[tuple[str, float]] = FORMATS) -> Document:
    """Everything about document `index`, from its own random stream."""
    rng = random.Random(f"kennisbank-bench:{seed}:{index}")
    fmt = _weighted(rng, formats)
    doctype = _weighted(rng, DOCTYPES["text" if fmt in ("txt", "md") else fmt])
    year = rng.choices(YEARS, weights=[1 + 4 * (2017 <= y <= 2022) for y in YEARS])[0]
    themes = _zipf_sample(rng, THEMES, rng.choice((1, 2, 2, 3, 3, 4)))
    title = _title(rng, composer, doctype, themes)
    sections = composer.sections(rng, _target_chars(rng, fmt), doctype, themes)
    has_sidecar = rng.random() < (0.85 if fmt == "html" else 0.95)
    sidecar = _sidecar(rng, doctype, title, year, themes, sections) if has_sidecar else None
    ext = {"txt": "txt", "md": "md", "html": "html", "pdf": "pdf"}[fmt]
    relpath = f"{doctype}/{year}/{_slug(title)}-{index:06d}.{ext}"
    mtime = int(dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28),
                            tzinfo=dt.UTC).timestamp())
    document = Document(relpath, fmt, title, sections, sidecar, mtime)
    if fmt == "pdf":
        document.pages = _paginate(sections)
    return document


def _wrap(text: str, width: int) -> list[str]:
    """Greedy line breaking at spaces (textwrap is 10x slower and needs none of its rules)."""
    lines: list[str] = []
    current: list[str] = []
    length = 0
    for word in text.split():
        if current and length + 1 + len(word) > width:
            lines.append(" ".join(current))
            current, length = [], 0
        length += len(word) + (1 if current else 0)
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _paginate(sections: list[tuple[str, list[str]]]) -> list[list[str]]:
    lines: list[str] = []
    for heading, paragraphs in sections:
        if heading:
            lines.extend(["", heading.upper()])
        for paragraph in paragraphs:
            lines.extend(_wrap(paragraph, PDF_LINE_CHARS))
            lines.append("")
    return [lines[i:i + PDF_LINES_PER_PAGE] for i in range(0, len(lines), PDF_LINES_PER_PAGE)]


# --- writing -------------------------------------------------------------------------


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string


def render_sidecar(data: dict[str, object], relpath: str) -> str:
    lines = [f"# Metadata voor {Path(relpath).name} (zie docs/beheer.md)"]
    lines.extend(f"{key} = {_toml_value(value)}" for key, value in data.items())
    return "\n".join(lines) + "\n"


def render_text(document: Document) -> str:
    markdown = document.fmt == "md"
    parts = [f"# {document.title}" if markdown else document.title]
    for heading, paragraphs in document.sections:
        if heading:
            parts.append(f"## {heading}" if markdown else heading)
        parts.extend(paragraphs)
    return "\n\n".join(parts) + "\n"


def render_html(document: Document, rng: random.Random) -> str:
    """A page as a CMS renders it: navigation, breadcrumb, article, sidebar, footer."""
    site = rng.choice(HTML_SITES)
    nav = "".join(f'<li><a href="/{_slug(item)}">{escape(item)}</a></li>'
                  for item in NAV_ITEMS[:rng.randint(5, len(NAV_ITEMS))])
    body = []
    for heading, paragraphs in document.sections:
        if heading:
            body.append(f"<h2>{escape(heading)}</h2>")
        for paragraph in paragraphs:
            if rng.random() < 0.1:
                items = "".join(f"<li>{escape(s)}</li>" for s in _SENTENCE_RE.split(paragraph))
                body.append(f"<ul>{items}</ul>")
            else:
                body.append(f"<p>{escape(paragraph)}</p>")
    related = "".join(f'<li><a href="/publicaties/{_slug(t)}">{escape(t)}</a></li>'
                      for t in rng.sample(THEMES, 4))
    date = document.sidecar.get("datum", "") if document.sidecar else ""
    meta_date = f'<meta name="date" content="{date}">' if date else ""
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)} | {escape(site)}</title>{meta_date}"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/css/site.css"></head><body>'
        f'<div class="cookie-banner">Deze website gebruikt cookies. <a href="/privacy">'
        f'Meer informatie</a> <button>Akkoord</button></div>'
        f'<header><a class="logo" href="/">{escape(site)}</a><nav><ul>{nav}</ul></nav>'
        '<form action="/zoeken"><input name="q" placeholder="Zoeken"></form></header>'
        '<div class="breadcrumb"><a href="/">Home</a> › <a href="/publicaties">Publicaties'
        f"</a> › {escape(document.title)}</div>"
        f'<main><article><h1>{escape(document.title)}</h1>{"".join(body)}</article>'
        f'<aside><h3>Gerelateerd</h3><ul>{related}</ul></aside></main>'
        f'<footer><p>{escape(site)} · Postbus 123 · 3500 AA Utrecht</p><ul>'
        '<li><a href="/privacy">Privacyverklaring</a></li><li><a href="/toegankelijkheid">'
        "Toegankelijkheid</a></li><li><a href=\"/contact\">Contact</a></li></ul></footer>"
        "</body></html>\n")


def _cp1252(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


def render_pdf(document: Document) -> bytes:
    """A multi-page report in Helvetica with a running header and page numbers."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(PDF_EPOCH)
    pdf.set_title(_cp1252(document.title))
    pdf.set_author(_cp1252(", ".join(document.sidecar.get("organisaties", ())))
                   if document.sidecar else "")
    header = _cp1252(textwrap.shorten(document.title, 80))
    # pdf.text() places a line without layout work: 6x faster than cell() here.
    for number, lines in enumerate(document.pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.text(20, 12, header)
        pdf.text(95, 287, f"Pagina {number} van {len(document.pages)}")
        pdf.set_font("Helvetica", size=10)
        for row, line in enumerate(lines):
            if line:
                pdf.text(20, 24 + 5 * row, _cp1252(line))
    return bytes(pdf.output())


def write_document(document: Document, out: Path, index: int, seed: int) -> int:
    """Write the file and its sidecar; returns the bytes written."""
    path = out / document.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if document.fmt == "pdf":
        data = render_pdf(document)
    elif document.fmt == "html":
        rng = random.Random(f"kennisbank-bench-html:{seed}:{index}")
        data = render_html(document, rng).encode("utf-8")
    else:
        data = render_text(document).encode("utf-8")
    path.write_bytes(data)
    os.utime(path, (document.mtime, document.mtime))
    written = len(data)
    if document.sidecar is not None:
        sidecar = path.with_name(path.name + ".meta.toml")
        text = render_sidecar(document.sidecar, document.relpath).encode("utf-8")
        sidecar.write_bytes(text)
        os.utime(sidecar, (document.mtime, document.mtime))
        written += len(text)
    return written


# --- the build -----------------------------------------------------------------------


_COMPOSER: Composer | None = None  # set before the worker processes fork


def _build_range(args: tuple[Path, int, int, int, bool]) -> tuple[int, dict[str, int]]:
    out, start, stop, seed, text_only = args
    assert _COMPOSER is not None
    written, formats = 0, {}
    for index in range(start, stop):
        document = plan_document(index, seed, _COMPOSER, TEXT_ONLY if text_only else FORMATS)
        written += write_document(document, out, index, seed)
        formats[document.fmt] = formats.get(document.fmt, 0) + 1
    return written, formats


def _programme_paragraphs() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(PROGRAMME_DIR.glob("*.txt"))]
    return [" ".join(par.split()) for text in texts for par in text.split("\n\n")
            if len(par.split()) >= 12]


def _copy_fixed(out: Path, size: int, text_only: bool = False) -> tuple[int, int]:
    """The programme pages, and (from 10k, unless text only) a few real Dutch manuals
    as PDF."""
    target = out / "programma"
    target.mkdir(parents=True, exist_ok=True)
    count = written = 0
    for path in sorted(PROGRAMME_DIR.iterdir()):
        if path.is_file():
            shutil.copy2(path, target / path.name)
            written += path.stat().st_size
            count += not path.name.endswith(".meta.toml")
    real = [] if text_only else [p for p in REAL_PDFS if p.is_file()][:size // 5000]
    for path in real:
        folder = out / "handleidingen"
        folder.mkdir(exist_ok=True)
        shutil.copy2(path, folder / path.name)
        sidecar = {"soort": "boek", "organisaties": ["Debian"], "jaar": 2023,
                   "themas": ["professionalisering"], "doelgroepen": ["professionals"]}
        (folder / f"{path.name}.meta.toml").write_text(
            render_sidecar(sidecar, path.name), encoding="utf-8")
        written += path.stat().st_size
        count += 1
    return count, written


def build(size: int, out: Path, seed: int = 7, jobs: int = 0, force: bool = False,
          text_only: bool = False) -> dict:
    """Build the corpus (or leave an identical earlier build alone); returns its summary."""
    global _COMPOSER
    pool = load_pool()
    key = {"builder_version": BUILDER_VERSION, "size": size, "seed": seed,
           "pool": pool.digest, "packages": pool.packages}
    if text_only:
        key["text_only"] = True
    marker = out / BUILD_FILE
    if marker.is_file() and not force:
        summary = json.loads(marker.read_text(encoding="utf-8"))
        if all(summary.get(k) == v for k, v in key.items()):
            return {**summary, "reused": True}
    if out.exists():
        if any(out.iterdir()) and not marker.is_file():
            raise SystemExit(f"{out} exists and was not made by this builder; not touching it")
        shutil.rmtree(out)
    began = time.monotonic()
    out.mkdir(parents=True)
    fixed_count, fixed_bytes = _copy_fixed(out, size, text_only)
    _COMPOSER = Composer(pool, _programme_paragraphs())
    generated = size - fixed_count
    chunk = 200
    ranges = [(out, start, min(start + chunk, generated), seed, text_only)
              for start in range(0, generated, chunk)]
    workers = jobs or os.cpu_count() or 1
    written, formats = fixed_bytes, {"programme+real": fixed_count}
    with multiprocessing.get_context("fork").Pool(workers) as processes:
        for done, (part_bytes, part_formats) in enumerate(
                processes.imap_unordered(_build_range, ranges), start=1):
            written += part_bytes
            for fmt, count in part_formats.items():
                formats[fmt] = formats.get(fmt, 0) + count
            print(f"\r{min(done * chunk, generated)}/{generated} documents", end="",
                  file=sys.stderr, flush=True)
    print(file=sys.stderr)
    summary = {**key, "documents": size, "formats": formats, "bytes": written,
               "seconds": round(time.monotonic() - began, 1)}
    marker.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return {**summary, "reused": False}


def default_out(size: int) -> Path:
    return REPO_ROOT / "bench" / "corpora" / f"scale-{size}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="1000, 10000 or 100000")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=0, help="processes (default: cores)")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--text-only", action="store_true",
                        help="only text files (issue 14's workload), no real PDFs")
    args = parser.parse_args(argv)
    out = args.out or default_out(args.size)
    summary = build(args.size, out, args.seed, args.jobs, args.force, args.text_only)
    state = "up to date" if summary["reused"] else f"built in {summary['seconds']} s"
    print(f"{out}: {summary['documents']} documents, {summary['bytes'] / 1e6:.0f} MB, "
          f"{summary['formats']} ({state})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
