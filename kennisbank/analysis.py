"""The Dutch analysis chain, defined once and used for indexing and for queries.

Pure Python (no search-engine imports) so the CLI's `explain`, the benchmarks and the
engine adapter all see exactly the same tokens. Stages are small generators over
`Token`s, composed in `DutchAnalyzer`; positions are assigned last, counting only the
tokens that survive, so a phrase query skips stopwords the same way on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STOPWORDS = REPO_ROOT / "stopwords_nl" / "stopwords.txt"
DEFAULT_PLURALS = Path(__file__).resolve().parent / "data" / "plurals.txt"
# Porter's Dutch algorithm: Kraaij-Pohlmann (`dutch`) joins more inflections but also
# merges core words of this field (gemeente/mening, begeleiding/beleid); see
# docs/stemming.md. The relevance benchmark may change this choice.
DEFAULT_STEMMER = "dutch_porter"

# A word: letters/digits, optional apostrophe parts (IKC's, zo'n), hyphenated parts
# (btw-handreiking, 0-12) and an optional trailing hyphen (the `rol-` of
# `rol- en ontwikkelmodel`). Underscores are separators.
_WORD = r"[^\W_]+(?:['’`][^\W_]+)*"
WORD_RE = re.compile(rf"{_WORD}(?:[-‐‑]{_WORD})*[-‐‑]?")
HYPHEN_RE = re.compile(r"[-‐‑]")
APOSTROPHE_RE = re.compile(r"['’`]")


@dataclass(frozen=True, slots=True)
class Token:
    """One term with its place in the original text.

    `increment` is 1 for a token that takes a new position and 0 for an alternative
    form at the same position (the joined form of a hyphenated word, a compound part).
    """

    text: str
    start: int
    end: int
    increment: int = 1
    position: int = -1
    original: str = ""


def fold(text: str) -> str:
    """Lower-case and strip diacritics so `Geïntegreerd` == `geintegreerd`."""
    text = text.replace("ĳ", "ij").replace("Ĳ", "ij")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_apostrophe(part: str) -> str:
    """`IKC's` -> `IKC`; `zo'n` -> `zon`: Dutch plural/possessive 's is not a word."""
    pieces = APOSTROPHE_RE.split(part)
    if len(pieces) > 1 and pieces[-1].lower() == "s":
        pieces = pieces[:-1]
    return "".join(pieces)


def tokenize(text: str) -> Iterator[Token]:
    """Split text into words; hyphenated words yield their parts plus the joined form."""
    for match in WORD_RE.finditer(text):
        word = match.group()
        start = match.start()
        if not HYPHEN_RE.search(word):
            yield Token(_strip_apostrophe(word), start, match.end(), original=word)
            continue
        yield from _hyphenated(word, start)


def _hyphenated(word: str, start: int) -> Iterator[Token]:
    trailing = bool(HYPHEN_RE.fullmatch(word[-1]))
    body = word[:-1] if trailing else word
    parts: list[Token] = []
    offset = start
    for raw in HYPHEN_RE.split(body):
        parts.append(Token(_strip_apostrophe(raw), offset, offset + len(raw), original=raw))
        offset += len(raw) + 1
    first, rest = parts[0], parts[1:]
    yield first
    joinable = rest and not all(p.text.isdigit() for p in parts)
    if joinable:
        joined = "".join(p.text for p in parts)
        end = start + len(body)
        yield Token(joined, start, end, increment=0, original=body)
    yield from rest


def lowercase_and_fold(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        folded = fold(token.text)
        if folded:
            yield replace(token, text=folded)


def remove_stopwords(tokens: Iterable[Token], stopwords: frozenset[str]) -> Iterator[Token]:
    """Drop stopwords; an alternative form of a dropped word takes its position."""
    pending_increment = 0
    for token in tokens:
        if token.text in stopwords:
            pending_increment = max(pending_increment, token.increment)
            continue
        if pending_increment and token.increment == 0:
            token = replace(token, increment=1)
        pending_increment = 0
        yield token


def assign_positions(tokens: Iterable[Token], start_pos: int = 0) -> Iterator[Token]:
    position = start_pos - 1
    for token in tokens:
        position += token.increment if position >= start_pos else 1
        yield replace(token, position=position)


def load_word_list(path: Path) -> frozenset[str]:
    """A list file: one entry per line, `#` starts a comment; entries are folded."""
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            words.add(fold(entry))
    return frozenset(words)


def load_plural_endings(path: Path) -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].split()
        if len(entry) == 2:
            pairs.append((fold(entry[0]), fold(entry[1])))
    # Longest ending first so `criteria` wins over a shorter ending it contains.
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def singularize(word: str, endings: tuple[tuple[str, str], ...]) -> str:
    """Map irregular (Latin) plurals to their singular: `kindcentra` -> `kindcentrum`."""
    for plural, singular in endings:
        if word.endswith(plural):
            return word[: len(word) - len(plural)] + singular
    return word


STEMMERS = ("dutch_porter", "dutch", "nltk_dutch", "none")


def stemmer_for(name: str) -> Callable[[str], str]:
    """The one place that picks a Snowball Dutch stemmer by name.

    `dutch_porter`: Martin Porter's algorithm, in C (PyStemmer). `nltk_dutch`: the same
    algorithm in NLTK's pure Python (the reference; ~12x slower, identical output).
    `dutch`: Kraaij-Pohlmann, Snowball's default since 3.0 (PyStemmer).
    """
    if name in ("dutch", "dutch_porter"):
        import Stemmer

        return Stemmer.Stemmer(name).stemWord
    if name == "nltk_dutch":
        from nltk.stem.snowball import SnowballStemmer

        return SnowballStemmer("dutch").stem
    if name == "none":
        return str
    raise ValueError(f"onbekende stemmer: {name!r} (kies uit {', '.join(STEMMERS)})")


class DutchAnalyzer:
    """Text -> positioned, normalised, stemmed tokens. Callable and picklable by name."""

    def __init__(
        self,
        stemmer: str = DEFAULT_STEMMER,
        stopwords_path: Path = DEFAULT_STOPWORDS,
        plurals_path: Path = DEFAULT_PLURALS,
        cache_size: int = 200_000,
    ) -> None:
        self.stemmer_name = stemmer
        self.stopwords = load_word_list(stopwords_path)
        self.plural_endings = load_plural_endings(plurals_path)
        base_stem = stemmer_for(stemmer)
        endings = self.plural_endings

        @lru_cache(maxsize=cache_size)
        def stem(word: str) -> str:
            if word.isdigit():
                return word
            return base_stem(singularize(word, endings))

        self.stem = stem

    def words(self, text: str) -> Iterator[Token]:
        """Normalised words before stemming (the unstemmed vocabulary, for spelling)."""
        tokens = lowercase_and_fold(tokenize(text))
        return remove_stopwords(tokens, self.stopwords)

    def __call__(self, text: str, start_pos: int = 0, mode: str = "index") -> Iterator[Token]:
        """Analyse text. In `query` mode alternative forms are left out: the user's own
        words are matched, and the index holds the alternatives."""
        tokens = self.words(text)
        if mode == "query":
            tokens = (token for token in tokens if token.increment)
        for token in assign_positions(tokens, start_pos):
            yield replace(token, text=self.stem(token.text))

    def terms(self, text: str, mode: str = "index") -> list[str]:
        """Just the term strings, in order (handy for queries and tests)."""
        return [token.text for token in self(text, mode=mode)]
