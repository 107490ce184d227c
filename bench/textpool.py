"""Real Dutch text for the scale benchmarks, taken from Debian's Dutch documentation.

Why: a benchmark corpus of random words would give Whoosh an unrealistic vocabulary
and unrealistic posting lists. Debian ships translated manuals (GIMP help, LilyPond,
Debian Edu, manual pages); their paragraphs and headings, recombined, give documents
with the word frequencies of real Dutch prose. Only paragraphs that look Dutch (a share
of Dutch function words, few English ones) are kept, since the translations are partial.

The pool depends only on the installed package versions and this file, and is cached
in `bench/corpora/.textpool-v{POOL_VERSION}.json.gz` so building a corpus does not
parse 1,000 pages every time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import lxml.html

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / "bench" / "corpora"
# Bump POOL_VERSION whenever a selection rule below changes: the pool (and so every
# corpus built from it) changes with it, and results are no longer comparable.
POOL_VERSION = 1

PACKAGES = ("gimp-help-nl", "debian-edu-doc-nl", "lilypond-doc-html-nl",
            "lilypond-doc-pdf-nl", "manpages-nl")
GIMP_ROOT = Path("/usr/share/gimp/2.0/help/nl")
LILYPOND_ROOT = Path("/usr/share/doc/lilypond/html/Documentation")
DEBIAN_EDU_ROOT = Path("/usr/share/doc/debian-edu-doc-nl")
MAN_ROOT = Path("/usr/share/man/nl")

# Real Dutch PDFs (long manuals): a few go into the larger corpora as they are.
REAL_PDFS = (
    DEBIAN_EDU_ROOT / "debian-edu-bookworm-manual.pdf",
    LILYPOND_ROOT / "web.nl.pdf",
    LILYPOND_ROOT / "learning.nl.pdf",
    DEBIAN_EDU_ROOT / "debian-edu-bullseye-manual.pdf",
)

DUTCH_WORDS = frozenset(
    "de het een en van in is op te dat die voor met zijn niet er naar ook als bij door "
    "worden wordt kan om aan dan uit of deze dit wat u je hun tot nog meer zo".split())
ENGLISH_WORDS = frozenset(
    "the of and to is in that for with this are be by you your can from it".split())
_WORD_RE = re.compile(r"[a-zà-ÿ]+")
_SPACE_RE = re.compile(r"\s+")
_ROFF_FONT_RE = re.compile(r"\\f(?:\[[^\]]*\]|\(..|.)")
_ROFF_ESCAPE_RE = re.compile(r"\\(?:\(..|\[[^\]]*\]|[&/,|^])")


class MissingPackagesError(RuntimeError):
    """Debian's Dutch documentation is not installed; the message says what to install."""


@dataclass(frozen=True)
class TextPool:
    """Dutch paragraphs and headings, in a fixed order (the corpus builder indexes them)."""

    paragraphs: list[str]
    headings: list[str]
    packages: dict[str, str]

    @property
    def digest(self) -> str:
        data = json.dumps([self.paragraphs, self.headings], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def is_dutch(text: str) -> bool:
    """A cheap language check: enough Dutch function words, few English ones."""
    words = _WORD_RE.findall(text.lower())
    if len(words) < 6:
        return False
    dutch = sum(word in DUTCH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return dutch >= 0.12 * len(words) and english <= dutch / 4


def _clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def _from_html(path: Path, paragraphs: list[str], headings: list[str]) -> None:
    try:
        root = lxml.html.parse(str(path)).getroot()
    except (OSError, ValueError):
        return
    if root is None:
        return
    for element in root.iter("p", "li", "dd", "h1", "h2", "h3"):
        text = _clean(element.text_content())
        if element.tag in ("h1", "h2", "h3"):
            if 8 <= len(text) <= 90 and is_dutch(text + " de het een"):
                headings.append(re.sub(r"^[\d.]+\s*", "", text))
        elif len(text) >= 60 and is_dutch(text):
            paragraphs.append(text)


def _from_man(path: Path, paragraphs: list[str], headings: list[str]) -> None:
    """Manual pages as paragraphs: roff requests split paragraphs, escapes are dropped."""
    try:
        source = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    except (OSError, EOFError, gzip.BadGzipFile):
        return
    current: list[str] = []

    def flush() -> None:
        text = _clean(" ".join(current))
        if len(text) >= 60 and is_dutch(text):
            paragraphs.append(text)
        current.clear()

    for line in source.splitlines():
        if line.startswith((".", "'")):
            flush()
            if line.startswith((".SH", ".SS")):
                heading = _clean(_ROFF_ESCAPE_RE.sub("", line[3:]).strip('"'))
                if len(heading) >= 8:
                    headings.append(heading.capitalize())
            continue
        line = _ROFF_FONT_RE.sub("", line).replace("\\-", "-").replace("\\e", "\\")
        current.append(_ROFF_ESCAPE_RE.sub("", line))
    flush()


def _package_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                                capture_output=True, text=True, check=False)
        versions[package] = result.stdout.strip() if result.returncode == 0 else ""
    return versions


def _collect() -> tuple[list[str], list[str]]:
    paragraphs: list[str] = []
    headings: list[str] = []
    html_files = [*sorted(GIMP_ROOT.glob("*.html")),
                  *sorted(LILYPOND_ROOT.rglob("*.nl.html")),
                  *sorted(DEBIAN_EDU_ROOT.glob("*bookworm*.html"))]
    for path in html_files:
        _from_html(path, paragraphs, headings)
    for path in sorted(MAN_ROOT.rglob("*.gz")):
        _from_man(path, paragraphs, headings)
    # The same sentence occurs in many manual pages; keep the first, in a stable order.
    return list(dict.fromkeys(paragraphs)), list(dict.fromkeys(headings))


def load_pool(cache_dir: Path = CACHE_DIR) -> TextPool:
    """The Dutch text pool, from the cache when the package versions are unchanged."""
    versions = _package_versions()
    missing = [name for name, version in versions.items()
               if not version and name != "lilypond-doc-pdf-nl"]
    if missing:
        raise MissingPackagesError(
            "Dutch documentation packages missing; install them with:\n"
            f"  apt-get install -y {' '.join(PACKAGES)}")
    cache = cache_dir / f".textpool-v{POOL_VERSION}.json.gz"
    if cache.is_file():
        data = json.loads(gzip.decompress(cache.read_bytes()))
        if data["packages"] == versions:
            return TextPool(data["paragraphs"], data["headings"], versions)
    paragraphs, headings = _collect()
    cache_dir.mkdir(parents=True, exist_ok=True)
    payload = {"packages": versions, "paragraphs": paragraphs, "headings": headings}
    cache.write_bytes(gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                    mtime=0))
    return TextPool(paragraphs, headings, versions)


if __name__ == "__main__":
    pool = load_pool()
    sizes = sorted(len(p) for p in pool.paragraphs)
    print(f"{len(pool.paragraphs)} paragraphs, {sum(sizes) / 1e6:.1f} MB, "
          f"median {sizes[len(sizes) // 2]} chars; {len(pool.headings)} headings; "
          f"digest {pool.digest}")
