"""Build the relevance benchmark's document collection from Debian's Dutch documentation.

Why: a relevance benchmark needs a public Dutch collection that anyone can rebuild
byte for byte, so the judgments in `qrels.tsv` (which name documents by their path in
the collection) stay valid. Debian ships translated manuals; this script copies the
Dutch pages among them into one folder, leaves out what is not Dutch or is only
navigation, splits the one-page Debian Edu manual into its sections (a 300 kB page
would match every query), renders the Dutch manual pages to text, and adds the five
programme pages of PACT voor Kindcentra from `corpus/` with their sidecars.

The selection depends only on the installed package versions and this file (not on
the project's own parsers, which other work changes), so the same packages give the
same collection. The package versions and a hash of every file are written to
`<collection>/.manifest.json` (hidden, so the indexer skips it); a second run with the
same packages and builder does nothing.

Run::

    python bench/relevance/build_collection.py [--out DIR] [--force] [--install]

`--install` runs `apt-get install` for missing packages when run as root (the
Makefile target passes it); otherwise the missing packages are named and the exit
status is 2.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "bench" / "corpora" / "relevance"
PROGRAMME_DIR = REPO_ROOT / "corpus"
MANIFEST = ".manifest.json"
# Bump when the selection or conversion rules change: judgments may then need review.
BUILDER_VERSION = 1

GIMP_ROOT = Path("/usr/share/gimp/2.0/help/nl")
LILYPOND_ROOT = Path("/usr/share/doc/lilypond/html")
DEBIAN_EDU_MANUAL = Path("/usr/share/doc/debian-edu-doc-nl/debian-edu-bookworm-manual.html")
MAN_ROOT = Path("/usr/share/man/nl")
LIBREOFFICE_ROOT = Path("/usr/share/libreoffice/help/nl")
DEBIAN_FAQ_ROOT = Path("/usr/share/doc/debian/FAQ/nl")
APTITUDE_ROOT = Path("/usr/share/doc/aptitude/html/nl")

# Debian package -> why it is needed. groff-base renders the manual pages to text.
PACKAGES: dict[str, str] = {
    "libreoffice-help-nl": "LibreOffice help in Dutch (HTML, the bulk of the collection)",
    "gimp-help-nl": "GIMP user manual in Dutch (HTML)",
    "lilypond-doc-html-nl": "LilyPond learning manual and web pages in Dutch (HTML)",
    "debian-edu-doc-nl": "Debian Edu / Skolelinux manual in Dutch (one HTML page)",
    "manpages-nl": "Dutch manual pages (roff)",
    "debian-faq-nl": "Debian FAQ in Dutch (HTML)",
    "aptitude-doc-nl": "aptitude manual in Dutch (HTML)",
    "groff-base": "renders the manual pages to text (groff)",
}

# Language test. Function words only, none shared by the two languages (`in`, `is`,
# `of`, `an`, `die` are left out on purpose).
def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


DUTCH_WORDS = _word_set(
    "de het een en van dat op te met voor niet zijn wordt worden kunt je u aan als ook "
    "bij door naar om dit deze kan er maar uit heeft wanneer geen dan nog tot hebt "
    "welke hoe wat waar zo bijvoorbeeld moet kunnen"
)
ENGLISH_WORDS = _word_set(
    "the and to that this with for are be you it can from by which or not on as will "
    "your if these when have has must should there their been was were"
)
MIN_DUTCH_SHARE = 0.75  # Dutch function words / all counted function words
MIN_WORDS = 60  # words of text outside links: less is a menu, an index or a stub
WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Verdict:
    keep: bool
    reason: str


@dataclass(frozen=True)
class Output:
    """One file of the collection: its path inside the collection and its bytes."""

    relpath: str
    data: bytes
    source: str


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def judge_text(text: str) -> Verdict:
    """Keep a text only if it is long enough and Dutch."""
    words = WORD_RE.findall(fold(text))
    if len(words) < MIN_WORDS:
        return Verdict(False, "navigation or stub (too little text outside links)")
    dutch = sum(1 for w in words if w in DUTCH_WORDS)
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    if dutch + english == 0 or dutch / (dutch + english) < MIN_DUTCH_SHARE:
        return Verdict(False, f"not Dutch ({dutch} Dutch / {english} English function words)")
    return Verdict(True, "kept")


def _text_of(element: etree._Element) -> str:
    return " ".join(t for t in element.itertext() if t.strip())


def judge_html(data: bytes) -> Verdict:
    """The same test on a page's visible text outside links: link text is menus and
    tables of contents (the LilyPond pages carry a 600-word sidebar in English)."""
    try:
        root = lxml.html.fromstring(data)
    except (etree.ParserError, ValueError):
        return Verdict(False, "unparsable HTML")
    for bad in root.xpath("//script|//style|//noscript|//head|//a"):
        bad.drop_tree()
    return judge_text(_text_of(root))


# --- sources ----------------------------------------------------------------------


def _html_tree(root: Path, pattern: str, prefix: str,
               package: str) -> Iterator[tuple[Output, Verdict]]:
    for path in sorted(root.rglob(pattern)):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        yield Output(f"{prefix}/{rel}", data, package), judge_html(data)


def libreoffice_pages() -> Iterator[tuple[Output, Verdict]]:
    return _html_tree(LIBREOFFICE_ROOT, "*.html", "libreoffice", "libreoffice-help-nl")


def debian_faq_pages() -> Iterator[tuple[Output, Verdict]]:
    return _html_tree(DEBIAN_FAQ_ROOT, "*.html", "debian-faq", "debian-faq-nl")


def aptitude_pages() -> Iterator[tuple[Output, Verdict]]:
    return _html_tree(APTITUDE_ROOT, "*.html", "aptitude", "aptitude-doc-nl")


def gimp_pages() -> Iterator[tuple[Output, Verdict]]:
    return _html_tree(GIMP_ROOT, "*.html", "gimp", "gimp-help-nl")


def lilypond_pages() -> Iterator[tuple[Output, Verdict]]:
    return _html_tree(LILYPOND_ROOT, "*.nl.html", "lilypond", "lilypond-doc-html-nl")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:60] or "sectie"


def _heading(section: etree._Element) -> str:
    heads = section.xpath("./div[@class='titlepage']//*[self::h2 or self::h3 or self::h4]")
    text = " ".join(_text_of(heads[0]).split()) if heads else ""
    return re.sub(r"^[\d.]+\s*", "", text)  # "8.2. Printers" -> "Printers"


def _section_page(title: str, body: list[etree._Element]) -> bytes:
    html = lxml.html.document_fromstring(
        "<html lang='nl'><head><meta charset='utf-8'><title></title></head><body></body></html>"
    )
    html.find(".//title").text = title
    target = html.find(".//body")
    for element in body:
        target.append(element)
    return lxml.html.tostring(html, encoding="utf-8", doctype="<!DOCTYPE html>")


def debian_edu_sections() -> Iterator[tuple[Output, Verdict]]:
    """One page per section of the manual: a chapter with sub-sections gives its
    introduction (if long enough) and one page per sub-section (with its children)."""
    root = lxml.html.fromstring(DEBIAN_EDU_MANUAL.read_bytes())
    chapters = root.xpath("//body/div/div[@class='section']")
    for number, chapter in enumerate(chapters, start=1):
        title = _heading(chapter)
        subsections = chapter.xpath("./div[@class='section']")
        intro = [el for el in chapter if el not in subsections]
        parts: list[tuple[str, str, list[etree._Element]]] = [(f"{number:02d}-00", title, intro)]
        for sub_no, sub in enumerate(subsections, start=1):
            parts.append((f"{number:02d}-{sub_no:02d}", _heading(sub), [sub]))
        if not subsections:
            parts = [(f"{number:02d}-00", title, list(chapter))]
        for key, part_title, elements in parts:
            copies = [etree.fromstring(etree.tostring(el)) for el in elements]
            data = _section_page(part_title, copies)
            out = Output(f"debian-edu/{key}-{_slug(part_title)}.html", data, "debian-edu-doc-nl")
            yield out, judge_html(data)


def _render_man(path: Path) -> str | None:
    """A manual page as plain text (groff, 100 columns, no overstriking)."""
    source = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if source.lstrip().startswith(b".so "):
        return None  # a redirect to another page
    env = {**os.environ, "LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": "0"}
    result = subprocess.run(
        ["groff", "-k", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=100n", "-rHY=0"],
        input=source, capture_output=True, env=env, check=False,
    )
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")


def _man_text(rendered: str, name: str) -> str:
    """Drop the running header and footer; start with `name - summary` as the title."""
    lines = [line.rstrip() for line in rendered.splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines:
        lines.pop(0)  # "CP(1)   Opdrachten voor gebruikers   CP(1)"
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines.pop()  # footer with package, date and page name
    summary = ""
    for index, line in enumerate(lines):
        if line.strip() in ("NAAM", "NAME") and index + 1 < len(lines):
            summary = " ".join(lines[index + 1].split())
            break
    title = summary or name
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return f"{title}\n\n{body}\n"


def man_pages() -> Iterator[tuple[Output, Verdict]]:
    for path in sorted(MAN_ROOT.glob("man*/*")):
        if path.is_symlink() or not path.is_file():
            continue
        rendered = _render_man(path)
        if rendered is None:
            continue
        name = path.name.removesuffix(".gz")
        text = _man_text(rendered, name)
        out = Output(f"manpages/{path.parent.name}/{name}.txt", text.encode("utf-8"),
                     "manpages-nl")
        yield out, judge_text(text)


def programme_pages() -> Iterator[tuple[Output, Verdict]]:
    """The five programme pages and their sidecars, always kept."""
    for path in sorted(PROGRAMME_DIR.glob("*.txt")):
        yield Output(f"pact/{path.name}", path.read_bytes(), "corpus"), Verdict(True, "kept")
        sidecar = path.with_name(path.name + ".meta.toml")
        if sidecar.is_file():
            out = Output(f"pact/{sidecar.name}", sidecar.read_bytes(), "corpus")
            yield out, Verdict(True, "kept")


# --- packages ---------------------------------------------------------------------


def package_versions() -> dict[str, str | None]:
    """Installed version of each needed package (None when missing)."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", name],
            capture_output=True, text=True, check=False,
        )
        status, _, version = result.stdout.partition("|")
        versions[name] = version if result.returncode == 0 and status.startswith("ii") else None
    return versions


def ensure_packages(install: bool) -> dict[str, str]:
    versions = package_versions()
    missing = [name for name, version in versions.items() if version is None]
    if missing and install and os.geteuid() == 0:
        print(f"Installing Debian packages: {' '.join(missing)}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)
        versions = package_versions()
        missing = [name for name, version in versions.items() if version is None]
    if missing:
        print("The relevance collection needs these Debian packages, which are missing:",
              file=sys.stderr)
        for name in missing:
            print(f"  {name:22} {PACKAGES[name]}", file=sys.stderr)
        print(f"Install them with: sudo apt-get install -y {' '.join(missing)}", file=sys.stderr)
        raise SystemExit(2)
    return {name: version for name, version in versions.items() if version}


# --- build ------------------------------------------------------------------------


def collect() -> tuple[list[Output], dict[str, dict[str, int]]]:
    """All kept files (sorted by path) and, per source, counts of kept/skipped reasons."""
    kept: list[Output] = []
    stats: dict[str, dict[str, int]] = {}
    sources = (libreoffice_pages, gimp_pages, lilypond_pages, debian_edu_sections,
               debian_faq_pages, aptitude_pages, man_pages, programme_pages)
    for source in sources:
        for output, verdict in source():
            counts = stats.setdefault(output.source, {})
            counts[verdict.reason.split(" (")[0]] = counts.get(verdict.reason.split(" (")[0], 0) + 1
            if verdict.keep:
                kept.append(output)
    kept.sort(key=lambda o: o.relpath)
    return kept, stats


def read_manifest(out: Path) -> dict | None:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def up_to_date(out: Path, versions: dict[str, str]) -> bool:
    manifest = read_manifest(out)
    if not manifest or manifest.get("builder_version") != BUILDER_VERSION:
        return False
    if manifest.get("packages") != versions:
        return False
    files = manifest.get("files", {})
    for relpath, digest in files.items():
        path = out / relpath
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    # The programme pages come from the work tree, not from a package: a change there
    # must reach the collection too.
    for output, _verdict in programme_pages():
        if files.get(output.relpath) != hashlib.sha256(output.data).hexdigest():
            return False
    return True


def write_collection(out: Path, files: list[Output], versions: dict[str, str],
                     stats: dict[str, dict[str, int]]) -> None:
    """Write into a fresh sibling folder, then swap it in: a failed build never leaves
    a half-written collection that later runs would take for complete."""
    staging = out.with_name(out.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    digests: dict[str, str] = {}
    for output in files:
        target = staging / output.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.data)
        digests[output.relpath] = hashlib.sha256(output.data).hexdigest()
    documents = sum(1 for f in files if not f.relpath.endswith(".meta.toml"))
    manifest = {
        "builder_version": BUILDER_VERSION,
        "packages": versions,
        "documents": documents,
        "selection": stats,
        "files": digests,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")
    if out.exists():
        old = out.with_name(out.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="collection folder")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--install", action="store_true",
                        help="apt-get install missing packages (as root)")
    parser.add_argument("--packages-only", action="store_true",
                        help="only check (and with --install, install) the packages")
    args = parser.parse_args(argv)
    versions = ensure_packages(args.install)
    if args.packages_only:
        return 0
    if not args.force and up_to_date(args.out, versions):
        manifest = read_manifest(args.out) or {}
        print(f"Collection up to date: {args.out} ({manifest.get('documents')} documents)")
        return 0
    files, stats = collect()
    write_collection(args.out, files, versions, stats)
    documents = sum(1 for f in files if not f.relpath.endswith(".meta.toml"))
    print(f"Collection built: {args.out} ({documents} documents)")
    for source, counts in sorted(stats.items()):
        detail = ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.items()))
        print(f"  {source:22} {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
