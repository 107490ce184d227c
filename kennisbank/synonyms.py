"""Synonyms and abbreviations, applied at query time from an editable file.

A user's `IKC` becomes `(IKC OR "integraal kindcentrum")` before the query is parsed,
and `integraal kindcentrum` becomes `("integraal kindcentrum" OR IKC)`. Working on the
query text keeps the index independent of the list, so staff can change it without
reindexing, and the expanded query goes through the normal Dutch analysis.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from kennisbank.analysis import fold

DEFAULT_SYNONYMS = Path(__file__).resolve().parent / "data" / "synoniemen.txt"
# Quoted phrases and `field:` values are what the user typed on purpose: left alone.
_PROTECTED = re.compile(r'"[^"]*"|\b\w+:\S+')


@dataclass(frozen=True)
class Expansion:
    typed: str
    alternatives: tuple[str, ...]


def load_synonym_groups(path: Path = DEFAULT_SYNONYMS) -> list[tuple[str, ...]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        forms = tuple(form.strip() for form in entry.split("|") if form.strip())
        if len(forms) > 1:
            groups.append(forms)
    return groups


def _form_pattern(form: str) -> str:
    words = [re.escape(word) for word in fold(form).split()]
    return r"\s+".join(words)


class SynonymExpander:
    def __init__(self, groups: list[tuple[str, ...]]) -> None:
        self._alternatives: dict[str, tuple[str, ...]] = {}
        patterns = []
        for group in groups:
            for form in group:
                key = " ".join(fold(form).split())
                others = tuple(other for other in group if other != form)
                self._alternatives[key] = self._alternatives.get(key, ()) + others
                patterns.append(_form_pattern(form))
        # Longest forms first, so `integraal kindcentrum` wins over a shorter form.
        patterns.sort(key=len, reverse=True)
        body = "|".join(patterns) or r"(?!)"
        # Not inside a hyphenated word (`PACT-IKC`) or a field value; `-IKC` is fine.
        self._pattern = re.compile(rf"(?<![\w:])(?<!\w-)({body})(?:['’`]s)?(?![\w\-])")

    @classmethod
    def from_file(cls, path: Path = DEFAULT_SYNONYMS) -> SynonymExpander:
        return cls(load_synonym_groups(path))

    def expansions(self, query: str) -> list[Expansion]:
        """What would be expanded in `query` (for `explain`)."""
        found = []
        for segment in self._free_segments(query):
            for match in self._pattern.finditer(fold(segment)):
                key = " ".join(match.group(1).split())
                found.append(Expansion(match.group(0), self._alternatives[key]))
        return found

    def expand(self, query: str) -> str:
        """The query with each synonym form replaced by an OR-group of all its forms."""
        pieces, last = [], 0
        for protected in _PROTECTED.finditer(query):
            pieces.append(self._expand_free(query[last:protected.start()]))
            pieces.append(protected.group())
            last = protected.end()
        pieces.append(self._expand_free(query[last:]))
        return "".join(pieces)

    def _free_segments(self, query: str) -> list[str]:
        return _PROTECTED.split(query)

    def _expand_free(self, segment: str) -> str:
        # Folding keeps the length of these (mostly ASCII) texts; where it would not,
        # the segment is left as typed rather than risk cutting at the wrong place.
        folded = fold(segment)
        if len(folded) != len(segment):
            return segment
        pieces, last = [], 0
        for match in self._pattern.finditer(folded):
            key = " ".join(match.group(1).split())
            typed = segment[match.start():match.end()]
            forms = [_as_query(typed), *(_as_query(alt) for alt in self._alternatives[key])]
            pieces.append(segment[last:match.start()])
            pieces.append("(" + " OR ".join(forms) + ")")
            last = match.end()
        pieces.append(segment[last:])
        return "".join(pieces)


def _as_query(form: str) -> str:
    form = " ".join(form.split())
    return f'"{form}"' if " " in form else form


class SynonymFile:
    """The synonym list, read again whenever the file changes: staff edit it while the
    site runs. A missing file means no synonyms."""

    def __init__(self, path: Path = DEFAULT_SYNONYMS) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._loaded: tuple[float | None, SynonymExpander] | None = None

    def expander(self) -> SynonymExpander:
        try:
            mtime: float | None = self.path.stat().st_mtime_ns
        except OSError:
            mtime = None
        with self._lock:
            if self._loaded is None or self._loaded[0] != mtime:
                groups = load_synonym_groups(self.path) if mtime is not None else []
                self._loaded = (mtime, SynonymExpander(groups))
            return self._loaded[1]
