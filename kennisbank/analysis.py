"""The Dutch analysis chain, defined once and used for indexing and for queries.

Pure Python (no search-engine imports) so the CLI's `explain`, the benchmarks and the
engine adapter all see exactly the same tokens. Stages are small generators over
`Token`s, composed in `DutchAnalyzer`; positions are assigned last, counting only the
tokens that survive, so a phrase query skips stopwords the same way on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kennisbank.word_forms import lazy_base_form

if TYPE_CHECKING:
    from kennisbank.compounds import CompoundSplitter

# The repository's stopwords_nl/ folder is the package kennisbank.stopwords_nl
# (pyproject.toml), so the list is found in a checkout and in an installed wheel alike.
DEFAULT_STOPWORDS = Path(str(files("kennisbank.stopwords_nl") / "stopwords.txt"))
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
# A word ending in a hyphen before a conjunction: an elided compound may follow.
ELIDED_RE = re.compile(r"\w[-‐‑]\s+(?:en|of|tot)\s", re.IGNORECASE)
ELISION_WINDOW = 80  # characters around `x- en` that can hold an elided compound
# Longer "words" are not words (encoded data, a run of letters without spaces) and are
# not indexed: nobody searches for them, and every later step (folding, stemming,
# compound splitting, the index's term list) would pay for their length. Lucene's
# standard tokenizer draws the line at 255; the longest Dutch compounds in real use
# stay under 60 letters.
MAX_WORD_CHARS = 100
APOSTROPHE_RE = re.compile(r"['’`]")


class Token(NamedTuple):
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


def strip_apostrophe(part: str) -> str:
    """`IKC's` -> `IKC`; `zo'n` -> `zon`: Dutch plural/possessive 's is not a word."""
    pieces = APOSTROPHE_RE.split(part)
    if len(pieces) > 1 and pieces[-1].lower() == "s":
        pieces = pieces[:-1]
    return "".join(pieces)


def tokenize(text: str) -> Iterator[Token]:
    """Split text into words; hyphenated words yield their parts plus the joined form.
    Token texts are the raw words (normalisation happens later, cached per word)."""
    for match in WORD_RE.finditer(text):
        word = match.group()
        if HYPHEN_RE.search(word):
            yield from _hyphenated(word, match.start())
        else:
            yield Token(word, match.start(), match.end(), 1, -1, word)


def _hyphenated(word: str, start: int) -> Iterator[Token]:
    body = word[:-1] if HYPHEN_RE.fullmatch(word[-1]) else word
    parts: list[Token] = []
    offset = start
    for raw in HYPHEN_RE.split(body):
        parts.append(Token(raw, offset, offset + len(raw), 1, -1, raw))
        offset += len(raw) + 1
    yield parts[0]
    if len(parts) > 1 and not all(p.text.isdigit() for p in parts):
        joined = "".join(strip_apostrophe(p.text) for p in parts)
        yield Token(joined, start, start + len(body), 0, -1, body)
    yield from parts[1:]


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


_DOUBLE_END = re.compile(r"([bdfgklmnprst])\1$")
# A long vowel after another vowel before the final consonant: Porter undoubles
# `kanaal` -> `kanal` but not `liniaal`, `financieel`, `ideaal` (the vowel before).
_VOWEL_DOUBLE_END = re.compile(r"(?<=[aeiouy])(aa|ee|oo|uu)(?=[^aeiouy]$)")


# Words ending in consonant + "es" that are not an -s plural of a word in -e.
_NOT_ES_PLURALS = ("adres", "congres", "cipres", "expres")


def _es_plural(stem: str) -> bool:
    """`gemeentes`, `brochures`, `bijlages`, `meisjes`: an -s plural of a word in -e,
    which Porter leaves whole (an s after a vowel stays) while it strips the singular's
    e (`gemeente` -> `gemeent`). Not -ces (`proces`, `succes`) nor short words (`les`)."""
    return (len(stem) > 5 and stem.endswith("es") and stem[-3] not in "aeiouyc"
            and not stem.endswith(_NOT_ES_PLURALS))


def repair_porter(stem: str) -> str:
    """Plurals Porter's Dutch algorithm leaves apart from their singular (measured on
    Snowball's vocabulary, docs/stemming.md): `organisaties`/`subsidies` keep their s
    after -ie, `gemeentes`/`brochures` keep -es after a consonant, `gezinnen`/`klassen`
    keep a double consonant, `huizen`/`brieven` keep z/v where the singular has s/f
    (Dutch words hardly ever end in z or v), `linialen`/`financiele` lose the long
    vowel that `liniaal`/`financieel` keep."""
    if _VOWEL_DOUBLE_END.search(stem):
        return _VOWEL_DOUBLE_END.sub(lambda match: match.group()[0], stem)
    if stem.endswith("ies"):
        return stem[:-1]
    if _es_plural(stem):
        stem = stem[:-2]
    if _DOUBLE_END.search(stem):
        return stem[:-1]
    if stem.endswith("z") and len(stem) > 3:
        return stem[:-1] + "s"
    if stem.endswith("v") and len(stem) > 3:
        return stem[:-1] + "f"
    return stem


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
    """Text -> positioned, normalised, stemmed tokens.

    One pass per text; the per-word work (apostrophe, folding, stopword, plural,
    stemming) is cached per distinct word, since word frequencies are Zipfian.
    """

    def __init__(
        self,
        stemmer: str = DEFAULT_STEMMER,
        stopwords_path: Path = DEFAULT_STOPWORDS,
        plurals_path: Path = DEFAULT_PLURALS,
        cache_size: int = 200_000,
        compounds: bool = True,
        word_forms: bool = True,
    ) -> None:
        self.stemmer_name = stemmer
        self.compounds = compounds
        self.stopwords = load_word_list(stopwords_path)
        self.plural_endings = load_plural_endings(plurals_path)
        base_stem = stemmer_for(stemmer)
        if stemmer in ("dutch_porter", "nltk_dutch"):
            porter = base_stem

            def base_stem(word: str) -> str:
                return repair_porter(porter(word))

        endings = self.plural_endings
        stopwords = self.stopwords
        # Participles, diminutives, vowel plurals (kennisbank/word_forms.py); not for
        # `none`, the unstemmed words "Bedoelde u" suggestions come from.
        base_form = lazy_base_form() if word_forms and stemmer != "none" else str

        @lru_cache(maxsize=cache_size)
        def stem(word: str) -> str:
            if word.isdigit():
                return word
            return base_stem(base_form(singularize(word, endings)))

        @lru_cache(maxsize=cache_size)
        def normal_form(raw: str) -> str | None:
            """Folded word, or None for a stopword or an empty word."""
            folded = fold(strip_apostrophe(raw))
            return None if not folded or folded in stopwords else folded

        self.stem = stem
        self.normal_form = normal_form
        self._splitter: CompoundSplitter | None = None

    def splitter(self) -> CompoundSplitter:
        """Loaded on first use: queries are not split, so a reader never pays for the
        word list."""
        if self._splitter is None:
            from kennisbank.compounds import load_splitter

            self._splitter = load_splitter(stopwords=self.stopwords)
        return self._splitter

    def use_vocabulary(self, counts: Mapping[str, int]) -> None:
        """Let compound splitting also use the corpus's own words (`kindcentrum`, names
        of programmes) as parts; `counts` are document frequencies."""
        if self.compounds:
            self._splitter = self.splitter().with_vocabulary(counts)

    def compound_parts(self, folded: str) -> tuple[str, ...]:
        """What an indexed word adds besides itself: its compound parts."""
        return self.splitter().split(folded) if self.compounds else ()

    def _alternatives(self, text: str) -> tuple[Callable[[str], tuple[str, ...]],
                                                dict[int, str]]:
        if not self.compounds:
            return (lambda _word: ()), {}
        splitter = self.splitter()
        return splitter.split, self._elisions(splitter, text)

    @staticmethod
    def _elisions(splitter: CompoundSplitter, text: str) -> dict[int, str]:
        """Elided compounds by token start. Only the few words around each `x- en`
        are looked at: running the elision finder over a whole report costs more than
        analysing it."""
        found: dict[int, str] = {}
        for match in ELIDED_RE.finditer(text):
            begin = max(0, match.start() - ELISION_WINDOW)
            # Start at a word (but never reach back further than another window).
            space = text.rfind(" ", max(0, begin - ELISION_WINDOW), begin + 1)
            begin = space + 1 if begin and space >= 0 else begin
            window = text[begin:match.end() + ELISION_WINDOW]
            for elision in splitter.find_elisions(window):
                found[begin + elision.start] = elision.compound
        return found

    def words(self, text: str, start_pos: int = 0, mode: str = "index") -> Iterator[Token]:
        """Normalised words before stemming, with positions that count only kept words.

        In `query` mode alternative forms are left out: the user's own words are
        matched, and the index holds the alternatives. A stopword's alternative form
        takes the stopword's position.
        """
        normal_form = self.normal_form
        indexing = mode != "query"
        split, elisions = self._alternatives(text) if indexing else (None, {})
        position = start_pos - 1
        pending = 0
        for raw, start, end, increment, _pos, original in tokenize(text):
            if increment == 0 and not indexing:
                continue
            folded = normal_form(raw) if len(raw) <= MAX_WORD_CHARS else None
            if folded is None:
                pending = max(pending, increment)
                continue
            if pending and increment == 0:
                increment = 1
            pending = 0
            if position < start_pos:
                increment = 1
            position += increment
            yield Token(folded, start, end, increment, position, original)
            if not indexing:
                continue
            # Index side only: compound parts and the full form of an elided compound
            # (`rol-` in `rol- en ontwikkelmodel` -> `rolmodel`) at the same position.
            extra = (*split(folded), elisions[start]) if start in elisions else split(folded)
            for alternative in extra:
                yield Token(alternative, start, end, 0, position, original)

    def __call__(self, text: str, start_pos: int = 0, mode: str = "index") -> Iterator[Token]:
        stem = self.stem
        for folded, start, end, increment, position, original in self.words(text, start_pos,
                                                                            mode):
            yield Token(stem(folded), start, end, increment, position, original)

    def terms(self, text: str, mode: str = "index") -> list[str]:
        """Just the term strings, in order (handy for queries and tests)."""
        return [token.text for token in self(text, mode=mode)]
