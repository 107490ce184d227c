"""Dutch compound splitting and elision expansion for the index.

Dutch writes compounds as one word (`ouderbetrokkenheid`, `samenwerkingsverband`), so a
search for `betrokkenheid` finds nothing unless the index also holds the parts. This
module decides which words are compounds and what their parts are; the analyzer indexes
the parts as alternatives at the compound's position, so the compound itself still
matches (and ranks) best for its own query. docs/compounds.md has the reasons, the
word list's source and licence, and the measurements.

How a word is split:
- `head + [linking s/e/en/er] + tail`, both parts known words: at least `min_part`
  letters, and more frequent the shorter they are (a short word turns up inside longer
  words by accident: `rol` in `controle`).
- Function words, separable particles (`samen`, `onder`, `op`), verb prefixes that are
  also words (`ver`) and derivational suffixes (`heid`, `lijk`, `schap`) are never
  parts: `samenwerking`, `onderwijs`, `opvang`, `verband`, `betrokkenheid` are
  derivations, not compounds.
- Koehn & Knight (2003): a split is taken only if the geometric mean of the parts'
  frequencies beats the frequency of the whole word (`kinderen` is not `kind` + `eren`),
  and the split with the highest geometric mean wins. A word that is common in its own
  right is never split, nor a word under 8 letters, nor a word on the shipped exception
  list; an inflected form is split as its lemma is (`tabellen` as `tabel`: whole).
- Parts are split again the same way. Every part, and every run of parts that is itself
  a known word, is returned: `jeugdhulpverlening` -> `jeugd`, `hulpverlening`,
  `jeugdhulp`, `hulp`, `verlening`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from functools import _CacheInfo

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_LEXICON = DATA / "compound_lexicon.txt"
DEFAULT_EXCEPTIONS = DATA / "compound_exceptions.txt"

# A word at least this frequent (Zipf 3.5: about 3 in a million words of the word
# list's corpus) is a word in its own right and never split: `ziekenhuis`, `netwerk`.
COMMON_ZIPF = 3.5

# Zipf points taken off a short part's frequency when a split is scored: how often a
# short word occurs says little about how likely it is to be that word inside a longer
# one (`wet` in `wethouder`, `best` in `bestuur`, `plan` in `planeet`).
SHORT_PENALTY = {3: 1.0, 4: 0.5}

# Nouns with the old `-eren` plural link with `er`: kind -> kinderopvang, ei -> eierdop.
# A closed class in Dutch, so listed: a general `er` link would read `ouder` as `oud`.
ER_LINK_NOUNS = frozenset(
    "blad been ei gelid goed hoen kalf kind kleed lam lied rad rund spaan volk".split()
)

_PREPOSITIONS = (
    "aan achter af bij binnen boven buiten door in langs mee na naar naast om onder op "
    "over tegen toe tussen uit van voor"
).split()

# Never a part: prepositions, adverbs and separable particles that begin derived verbs
# and nouns (`samenwerking`, `opvang`, `uitvoering`, `voortgang`), verb prefixes that are
# also words (`ver` in `verband`), function words, and pronominal adverbs (`erop`).
BLOCKED_PARTS = frozenset(
    """
    aan achter af al alle als bij bijeen binnen boven buiten daar dan dat deze die dit
    door een eer elk haar heen her het hier hij hoe ieder in langs mee met mis na naar
    naast neer niet noch nog om omhoog omlaag omver onder ons ook op over overeen per
    rond samen sinds tegen ten ter terug toe tot tussen uit uiteen van vanzelf vast veel
    ver vol voor vooraf voorbij voort vooruit waar wat weer weg wel wie zij zich zijn
    zo zonder
    """.split()
) | frozenset(f"{adverb}{prep}" for adverb in ("er", "daar", "hier", "waar")
              for prep in _PREPOSITIONS)

# Bound prefixes of Latin and Greek origin: `interprofessioneel` is a derivation, and
# `inter`, `pre` or `sub` alone are names or abbreviations in a word list.
BLOCKED_HEADS = frozenset(
    "anti co ex extra hyper infra inter intra meta micro mini mono multi non para poly "
    "post pre pro semi sub super trans ultra".split()
)

# Never a tail: suffixes and endings that are also (rare) words. `gemeentelijk` is
# `gemeente` + `-lijk`, not a compound with `lijk` (corpse).
BLOCKED_TAILS = frozenset(
    """
    aar achtig achtige baar bare de den ding dingen dom eer eerde eerden eert en end ende
    er erd ere eren ers ging heden heid ing ingen isch ische iteit iteiten je kundig
    kundige lijk lijke ling lingen loos loze nis nissen ren schap schappelijk
    schappelijke schappen sel st ste sten ster sters te ten tje tor tors zaam zame
    """.split()
)

# Endings after a doubled consonant (`afdruk|ken`, `omleg|ging`, `format|teer`):
# inflection or the verb suffix -eer.
_INFLECTIONS = frozenset(
    "e en er ers ing ingen end ende eer eert eerde eerden eren".split()
)

# Longer words are not split (the analyzer does not index words over 100 letters at
# all): every cut point of a word is a candidate, and real compounds stay well under this.
MAX_SPLIT_LENGTH = 60

# Words that join an elided member to the full compound: `rol- en ontwikkelmodel`,
# `kop- of voettekst`, `zowel kop- als voettekst`.
ELISION_CONJUNCTIONS = frozenset({"en", "of", "tot", "als", "noch"})
HYPHENS = "-‐‑"


def min_part_zipf(length: int) -> float:
    """The least frequency (Zipf) a part of `length` letters needs to count as a word.

    The word list holds every OpenTaal word at Zipf 2.1 or more, rare inflections and
    fragments included (`elingen`, `taande`); a short string among them is too often a
    coincidence (`hand|elingen`), a long one hardly ever.
    """
    if length <= 3:
        return 4.0
    if length == 4:
        return 3.0
    if length <= 7:
        return 2.5
    return 2.0


def _short_penalty(part: str) -> float:
    return SHORT_PENALTY.get(len(part), 0.0)


def _lemmas(word: str) -> Iterator[str]:
    """Candidate lemmas of an inflected word, likeliest first: the singular of a regular
    plural (`-s`; `-en` with the stem's spelling changes: `afdrukken` -> `afdruk`,
    `vragen` -> `vraag`) and the base of an inflected adjective (`-e`, `-ste`). Not
    `-er`: that is also the agent suffix (`medewerker` is not a form of `medewerk`)."""
    if word.endswith("s"):
        yield word[:-1]
    elif word.endswith("en") and len(word) > 4:
        stem = word[:-2]
        yield stem
        if stem[-1] == stem[-2]:
            yield stem[:-1]
        elif stem[-2] in "aeou" and stem[-3] not in "aeiou":
            yield stem[:-1] + stem[-2] + stem[-1]
    elif word.endswith("ste"):
        yield word[:-3]
    elif word.endswith("e"):
        yield word[:-1]


class _Part(NamedTuple):
    start: int  # where the part starts in the word being split
    text: str  # the part as indexed (linking element removed)


class Elision(NamedTuple):
    """An elided word in a text: its span (hyphen excluded) and the full compound."""

    start: int
    end: int
    compound: str


class CompoundSplitter:
    """Splits folded Dutch words into the parts to index; results are cached per word.

    `lexicon` maps folded words to their Zipf frequency (log10 of occurrences per
    billion words) in general Dutch. `stopwords` and `never_split` are folded words.
    """

    def __init__(
        self,
        lexicon: Mapping[str, float],
        *,
        stopwords: Iterable[str] = (),
        never_split: Iterable[str] = (),
        min_part: int = 3,
        min_length: int = 8,
        common_zipf: float = COMMON_ZIPF,
        cache_size: int = 100_000,
        _parts: Mapping[str, float] | None = None,
    ) -> None:
        self.lexicon = lexicon
        # Frequencies for judging parts: the lexicon plus the corpus's words (see
        # with_vocabulary). Whole words are judged on the lexicon alone, so a compound
        # the corpus uses a lot (`ouderbetrokkenheid`) is still split.
        self.part_lexicon = lexicon if _parts is None else _parts
        self.stopwords = frozenset(stopwords)
        self.blocked = BLOCKED_PARTS | self.stopwords
        self.never_split = frozenset(never_split)
        self.min_part = min_part
        # Shorter words are never split: they leave only 3 + 4 letters, nearly always a
        # coincidence (`dia|gram`, `dia|loog`).
        self.min_length = min_length
        self.common_zipf = common_zipf
        self.cache_size = cache_size
        # Per instance, so a splitter and its caches are freed together. The inner
        # caches serve the parts that many words share (`organisatie`, `beleid`).
        self._split_cached = lru_cache(maxsize=cache_size)(self._split)
        inner = max(cache_size // 4, 1)
        self._decide = lru_cache(maxsize=inner)(self._decide_uncached)
        self._best = lru_cache(maxsize=inner)(self._best_uncached)
        self._tail_value = lru_cache(maxsize=inner)(self._tail_value_uncached)

    def with_vocabulary(self, counts: Mapping[str, int], min_count: int = 2) -> CompoundSplitter:
        """A splitter that also takes the corpus's own words as parts.

        A folded alphabetic word seen at least `min_count` times counts as a word of the
        least frequency its length needs (`kindcentrum`, `ikc` are in no word list).
        Words seen once are left out: mostly typos and names.
        """
        parts = dict(self.part_lexicon)
        for word, count in counts.items():
            if count >= min_count and len(word) >= self.min_part and word.isalpha():
                floor = min_part_zipf(len(word))
                if parts.get(word, 0.0) < floor:
                    parts[word] = floor
        return CompoundSplitter(
            self.lexicon,
            stopwords=self.stopwords,
            never_split=self.never_split,
            min_part=self.min_part,
            min_length=self.min_length,
            common_zipf=self.common_zipf,
            cache_size=self.cache_size,
            _parts=parts,
        )

    # -- splitting --------------------------------------------------------------------

    def split(self, word: str) -> tuple[str, ...]:
        """The parts to index besides a folded word, or `()` if it is no compound.

        Heads come without their linking element (`samenwerkingsverband` ->
        `samenwerking`, `verband`). The top split comes first, then the splits of its
        parts, then runs of parts that are words (`kinderopvangtoeslag` ->
        `kinderopvang`, `toeslag`, `kind`, `opvang`). Cached per word.
        """
        return self._split_cached(word)

    def cache_info(self) -> _CacheInfo:
        """Hits and misses of the per-word cache of `split`."""
        return self._split_cached.cache_info()

    def _split(self, word: str) -> tuple[str, ...]:
        if (not self.min_length <= len(word) <= MAX_SPLIT_LENGTH or not word.isalpha()
                or self._decide(word) is None):
            return ()
        parts: dict[str, None] = {}
        atoms: list[_Part] = []
        queue = [_Part(0, word)]
        for start, text in queue:  # breadth first: the queue grows while it is read
            decision = self._decide(text)
            if decision is None:
                atoms.append(_Part(start, text))
                continue
            cut, head, tail = decision
            parts.setdefault(head)
            parts.setdefault(tail)
            queue.append(_Part(start, head))
            queue.append(_Part(start + cut, tail))
        # Runs of atoms across the tree that are words too: `jeugd|hulp|verlening` is
        # split as `jeugd` + `hulpverlening`, and `jeugdhulp` is a word of its own.
        atoms.sort()
        for length in range(len(atoms) - 1, 1, -1):
            for first in range(len(atoms) - length + 1):
                last = atoms[first + length - 1]
                text = word[atoms[first].start : last.start] + last.text
                if self.part_zipf(text) is not None:
                    parts.setdefault(text)
        parts.pop(word, None)
        return tuple(parts)

    def part_zipf(self, word: str) -> float | None:
        """The word's frequency if it may be a compound part, else None."""
        if len(word) < self.min_part or word in self.blocked:
            return None
        zipf = self.part_lexicon.get(word)
        if zipf is None or zipf < min_part_zipf(len(word)):
            return None
        return zipf

    def whole_zipf(self, word: str) -> float:
        """The word's own frequency, or its lemma's if higher: being lexicalised belongs
        to the lemma (`wethouders` is as much one word as `wethouder`)."""
        get = self.lexicon.get
        return max([get(word, 0.0)] + [get(lemma, 0.0) for lemma in _lemmas(word)])

    def _decide_uncached(self, word: str) -> tuple[int, str, str] | None:
        """`(tail start, head, tail)` if `word` is to be split, else None.

        An inflected form is split as its lemma is, with the ending on the tail: if
        `tabel` is no compound, `tabellen` is not `tab` + `ellen`.
        """
        if word in self.never_split:
            return None
        for lemma in _lemmas(word):
            if lemma in self.lexicon or lemma in self.never_split:
                decision = self._decide(lemma)
                if decision is None:
                    return None
                cut, head, _tail = decision
                if word[:cut] == lemma[:cut]:
                    return cut, head, word[cut:]
                break
        whole = self.whole_zipf(word)
        if whole >= self.common_zipf:
            return None
        best = self._best(word)
        if best is None or best[0] <= whole:
            return None
        return best[1], best[2], word[best[1] :]

    def _best_uncached(self, word: str) -> tuple[float, int, str] | None:
        """The best `(score, tail start, head)` split of `word` into known parts.

        The score is the mean of the parts' Zipf values, i.e. the log of the geometric
        mean of their frequencies, so Koehn-Knight's test is `score > whole_zipf`.
        """
        if not self.min_length <= len(word) <= MAX_SPLIT_LENGTH:
            return None
        known = self.part_lexicon
        best: tuple[float, int, str] | None = None
        for cut in range(self.min_part, len(word) - self.min_part + 1):
            tail = word[cut:]
            if tail not in known:
                continue
            if tail.startswith("ring") and word[cut - 1] == "e":
                continue  # the suffix -ering: `codering` is not `code` + `ring`
            if tail[0] == word[cut - 1] and tail[1:] in _INFLECTIONS:
                continue  # a doubled consonant and an ending: `afdruk|ken`
            tail_value = self._tail_value(tail)
            if tail_value is None:
                continue
            head = self._head(word[:cut])
            if head is None:
                continue
            score = (head[1] + tail_value) / 2
            if best is None or score > best[0]:
                best = (score, cut, head[0])
        return best

    def _head(self, written: str) -> tuple[str, float] | None:
        """The head to index for the text before a tail, and its weight.

        That is the written head or, without its linking `s`/`en`, the word it stands
        for, whichever weighs more (`huisvestings` -> `huisvesting`, `kansen` -> `kans`);
        `kinder` -> `kind`; `e` comes off only when the written head is no word itself
        (`zone` is not `zon` + `e`).
        """
        blocked = self.blocked
        if (
            written in blocked
            or written in BLOCKED_HEADS
            or (written.endswith("s") and written[:-1] in blocked)  # `overs|temmen`
            or (written.endswith(("en", "ge", "st")) and written[:-2] in blocked)
        ):  # `wegge|werkt`, `verst|uren`
            return None
        if written.endswith("er") and written[:-2] in ER_LINK_NOUNS:
            zipf = self.part_lexicon.get(written[:-2])
            if zipf is not None:
                return written[:-2], zipf - _short_penalty(written[:-2])
        candidates = [written]
        if written.endswith("s") and not written.endswith("ss"):  # never `gegevens|s|ets`
            candidates.append(written[:-1])
        if written.endswith("en"):
            candidates.append(written[:-2])
        best: tuple[float, str] | None = None
        for base in candidates:
            zipf = self.part_zipf(base)
            if zipf is not None and (best is None or zipf - _short_penalty(base) > best[0]):
                best = (zipf - _short_penalty(base), base)
        if best is None and written.endswith("e"):
            zipf = self.part_zipf(written[:-1])
            if zipf is not None:
                best = (zipf - _short_penalty(written[:-1]), written[:-1])
        return None if best is None else (best[1], best[0])

    def _tail_value_uncached(self, tail: str) -> float | None:
        """The weight of `tail` as the tail of a compound: its own, or the score of its
        own split if higher. The latter only for a tail that is a word (`speelzaal` is
        too rare to count alone, `speel` + `zaal` are not): an unknown string that
        happens to be two words (`ergelaten` in `achtergelaten`) is no part."""
        if tail in BLOCKED_TAILS or tail in self.blocked or tail not in self.part_lexicon:
            return None
        if len(tail) == 3 and tail.endswith("en"):
            return None  # a stem's last consonant and `-en`: `grafie|ken`
        value = None
        zipf = self.part_zipf(tail)
        if zipf is not None:
            value = zipf - _short_penalty(tail)
        split = self._best(tail)
        if split is not None and (value is None or split[0] > value):
            value = split[0]
        return value

    # -- elisions ---------------------------------------------------------------------

    def expand_elisions(self, words: Sequence[str]) -> dict[int, str]:
        """Full compounds for elided words, as `{index in words: compound}`.

        `words` are the folded words of a text in order, each keeping an elision
        hyphen: trailing on an elided head (`["rol-", "en", "ontwikkelmodel"]` ->
        `{0: "rolmodel"}`; in series: `kop-, voet- en eindnoten`), leading on an elided
        tail (`["schoolbesturen", "en", "-leiders"]` -> `{2: "schoolleiders"}`).
        Punctuation between them is left out. Compounds come back without hyphens, as
        the analyzer joins hyphenated words (`btw- en kvk-nummer` -> `btwnummer`).
        """
        expanded: dict[int, str] = {}
        for index, word in enumerate(words):
            if _elided_head(word) and (index == 0 or not _elided_head(words[index - 1])):
                end = index
                while end < len(words) and _elided_head(words[end]):
                    end += 1
                if end + 1 < len(words) and words[end] in ELISION_CONJUNCTIONS:
                    for elided in range(index, end):
                        compound = self._with_head(words[elided].rstrip(HYPHENS),
                                                   words[end + 1])
                        if compound:
                            expanded[elided] = compound
            elif _elided_tail(word) and index >= 2 and words[index - 1] in ELISION_CONJUNCTIONS:
                compound = self._with_tail(words[index - 2], word.lstrip(HYPHENS))
                if compound:
                    expanded[index] = compound
        return expanded

    def find_elisions(self, text: str) -> list[Elision]:
        """The elided words of a raw text with their full compounds, by offsets.

        Offsets are those of the analyzer's tokens (`rol-` is the token `rol`, same
        start and end), so the analyzer can add the compound at that token's position.
        """
        from kennisbank.analysis import WORD_RE, fold  # here: analysis imports this module

        matches = list(WORD_RE.finditer(text))
        words = []
        for match in matches:
            word, start = fold(match.group()), match.start()
            if start and text[start - 1] in HYPHENS and (start == 1 or text[start - 2].isspace()):
                word = "-" + word  # `en -leiders`: the tokenizer leaves the hyphen out
            words.append(word)
        elisions = []
        for index, compound in sorted(self.expand_elisions(words).items()):
            match = matches[index]
            end = match.end() - (match.group()[-1] in HYPHENS)
            elisions.append(Elision(match.start(), end, compound))
        return elisions

    def _with_head(self, head: str, full: str) -> str | None:
        """`rol` + `ontwikkelmodel` -> `rolmodel`: the elided head, the full word's tail."""
        if not head.isalpha():
            return None  # `0- tot 4-jarigen` is a range, not a compound
        pieces = _hyphen_pieces(full)
        if len(pieces) > 1:  # `btw- en kvk-nummer`: the tail follows the hyphen
            return head + "".join(pieces[1:])
        cut = self._elision_cut(full, lambda cut: head + full[cut:])
        return None if cut is None else head + full[cut:]

    def _with_tail(self, full: str, tail: str) -> str | None:
        """`schoolbesturen` + `leiders` -> `schoolleiders`."""
        if not tail.isalpha():
            return None
        pieces = _hyphen_pieces(full)
        if len(pieces) > 1:
            return "".join(pieces[:-1]) + tail
        cut = self._elision_cut(full, lambda cut: full[:cut] + tail)
        return None if cut is None else full[:cut] + tail

    def _elision_cut(self, full: str, made_at: Callable[[int], str]) -> int | None:
        """Where to cut the full compound to put the elided member in.

        Best a cut that makes a known word, the most frequent, from a full word cut at a
        word boundary (particles allowed: `in-` + `uit|schakelen` -> `inschakelen`;
        `wet-` + `regel|geving` -> `wetgeving`); else the best cut into two parts as
        `split` takes them (`kinderopvang-` + `onderwijs|organisaties`). A word that is
        no compound (`primair- en voortgezet`) gives nothing.
        """
        if len(full) > MAX_SPLIT_LENGTH:
            return None
        known = self.part_lexicon
        best: tuple[tuple[int, float], int] | None = None
        for cut in range(2, len(full) - 2):
            head, tail = full[:cut], full[cut:]
            tail_zipf = None if tail in BLOCKED_TAILS else self.part_zipf(tail)
            made_zipf = known.get(made_at(cut))
            proper_head = self._head(head)
            if made_zipf is not None and (
                tail_zipf is not None or head in known or proper_head is not None
            ):
                key = (2, made_zipf)
            elif proper_head is not None and tail_zipf is not None:
                key = (1, (proper_head[1] + tail_zipf) / 2)
            else:
                continue
            if best is None or key > best[0]:
                best = (key, cut)
        return None if best is None else best[1]


def _elided_head(word: str) -> bool:
    return len(word) > 1 and word[-1] in HYPHENS and word[0] not in HYPHENS


def _elided_tail(word: str) -> bool:
    return len(word) > 1 and word[0] in HYPHENS and word[-1] not in HYPHENS


def _hyphen_pieces(word: str) -> list[str]:
    pieces = [word]
    for hyphen in HYPHENS:
        pieces = [piece for part in pieces for piece in part.split(hyphen) if piece]
    return pieces


# -- loading --------------------------------------------------------------------------


def read_lexicon(path: Path = DEFAULT_LEXICON) -> dict[str, float]:
    """A lexicon file: a `# zipf N` line starts the words of Zipf value N, one per line;
    lines before the first group are comments.

    Built a group at a time in C, the largest group (the rare words, nine in ten) first
    so that it is inserted only once: every worker process loads the 330,000 words.
    """
    text = path.read_text(encoding="utf-8")
    groups = []
    for group in text.split("\n# zipf ")[1:]:
        zipf, _, words = group.partition("\n")
        groups.append((words.split(), float(zipf)))
    if not groups:
        return {}
    groups.sort(key=lambda group: len(group[0]), reverse=True)
    lexicon = dict.fromkeys(*groups[0])
    for words, zipf in groups[1:]:
        lexicon.update(dict.fromkeys(words, zipf))
    return lexicon


def read_words(path: Path) -> frozenset[str]:
    """One folded word per line; `#` starts a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if (word := line.split("#", 1)[0].strip()))


@lru_cache(maxsize=4)
def shared_lexicon(path: Path = DEFAULT_LEXICON) -> Mapping[str, float]:
    """`read_lexicon`, once per process and file: the splitter and the word-form rules
    of every analyzer share it. A server has an analyzer per open snapshot (one per
    request thread), and a copy each took 28 MB. Never modified by its users."""
    return read_lexicon(path)


@lru_cache(maxsize=4)
def load_splitter(
    lexicon: Path = DEFAULT_LEXICON,
    exceptions: Path | None = DEFAULT_EXCEPTIONS,
    stopwords: frozenset[str] = frozenset(),
) -> CompoundSplitter:
    """The splitter over the shipped word list and exceptions, loaded once per process.

    Pass the analyzer's stop words, so that no stop word is ever a part.
    """
    never_split = read_words(exceptions) if exceptions else frozenset()
    return CompoundSplitter(shared_lexicon(lexicon), stopwords=stopwords,
                            never_split=never_split)
