"""Word forms the stemmer leaves apart: past participles, diminutives, loanword plurals.

Why: graded judgments over real Dutch documents showed that most remaining loss is
recall on a different form of the query's word (docs/relevance.md, "Word forms").
Porter's Dutch stemmer only strips suffixes, so `toegevoegd` never meets `toevoegen`,
`kindje` never meets `kind` and `niveaus` never meets `niveau`. `base_form` rewrites
such a word to the form the stemmer joins with the rest of its family, before stemming,
on the index and the query side alike (both go through `DutchAnalyzer.stem`).

Every rewrite is guarded by the shipped word list (`compound_lexicon.txt`, OpenTaal):
the proposed base must be a Dutch word, and a participle must itself be one, so
`geboorte` does not become `boren`. Words where the rules would join unrelated words
(`gezond`/`zonnen`, `meisje`/`meis`) are listed in `data/word_form_exceptions.txt`.
Measured on real pairs from the relevance collection: `bench/word_forms.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_STRONG_VERBS = DATA / "strong_verbs.txt"
DEFAULT_EXCEPTIONS = DATA / "word_form_exceptions.txt"

# Separable particles: `toe|ge|voegd` -> `toe|voegen`. Longest first.
PARTICLES = tuple(sorted((
    "aan", "af", "achter", "bij", "binnen", "buiten", "door", "in", "los", "mee", "mis",
    "na", "neer", "om", "onder", "op", "over", "rond", "samen", "tegen", "terug", "toe",
    "uit", "vast", "voor", "vrij", "weer", "weg",
), key=len, reverse=True))
# No particle is the start of another, so one match finds the only candidate.
PARTICLE_RE = re.compile("|".join(PARTICLES))
# Unstressed verb prefixes that take no extra ge-: `gebruikt`, `verhuurd`, `besteld`.
VERB_PREFIXES = ("be", "ge", "ver", "ont", "her", "er")
VOWELS = "aeiouy"
# Diminutive endings, longest first: `bolletje` -> `bol`, `filmpje` -> `film`.
DIMINUTIVES = ("etje", "tje", "pje", "je")
MIN_BASE = 3  # shorter bases (`ka`, `bo`) are mostly not the diminutive's noun
STEM_END_MARGIN = 1.5  # Zipf units: `gemeld` -> `melden` (4.2, not `melen` 2.1),
# `gewist` -> `wissen` (3.6, not the past tense of weten `wisten` 4.9)


def read_pairs(path: Path) -> dict[str, str]:
    """`form base` per line, `#` starts a comment."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].split()
        if len(entry) == 2:
            pairs[entry[0]] = entry[1]
    return pairs


def read_exceptions(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if (word := line.split("#", 1)[0].strip()))


def _infinitives(stem: str, after_ge: bool = False) -> Iterator[str]:
    """Infinitives whose verb stem is `stem` (as written before -d/-t), with Dutch
    spelling: `volg` -> `volgen`, `maak` -> `maken`, `leef` -> `leven`, `stop` ->
    `stoppen` (never `stopen`: that is the stem `stoop`), `lever` -> `leveren`,
    `bestel` -> `bestellen`, `creeer` -> `creeren`."""
    last = stem[-1]
    if len(stem) < 3 or last in VOWELS:
        yield stem + "en"
        if last == "e" and after_ge:
            # English stems: geupdatet -> updaten, gesampled -> samplen (not after a
            # prefix verb: verzet is not a form of verzen)
            yield stem + "n"
        return
    before, third = stem[-2], stem[-3]
    voiced = {"f": "v", "s": "z"}.get(last, last)
    if before == third and before in "aeou":
        yield stem[:-2] + voiced + "en"  # long vowel: maak -> maken, leef -> leven
    elif before in VOWELS and third not in VOWELS:
        yield stem + last + "en"  # short vowel: stop -> stoppen, bestel -> bestellen
        if before in "iy" or (before == "e" and last in "lmnr" and _syllables(stem) > 1):
            yield stem + "en"  # unstressed: wijzig -> wijzigen, lever -> leveren
    else:
        yield stem + "en"  # volg -> volgen, voeg -> voegen
        if voiced != last:
            yield stem[:-1] + voiced + "en"  # verf -> verven


def _syllables(word: str) -> int:
    """Vowel groups: `lever` 2, `spel` 1 (its e is stressed: `spellen`, not `spelen`)."""
    return len(re.findall(f"[{VOWELS}]+", word))


def _likeliest(candidates: dict[str, float]) -> tuple[str, float] | None:
    """The most frequent candidate (the first of equals)."""
    if not candidates:
        return None
    best = max(candidates, key=candidates.__getitem__)
    return best, candidates[best]


class WordForms:
    """Maps a folded word to the form the stemmer joins with its family."""

    def __init__(self, lexicon: Mapping[str, float], strong_verbs: Mapping[str, str],
                 exceptions: frozenset[str]) -> None:
        self.lexicon = lexicon
        self.strong = strong_verbs
        self.exceptions = exceptions

    def base_form(self, word: str) -> str:
        """`toegevoegd` -> `toevoegen`, `verborgen` -> `verbergen`, `kindje` -> `kind`,
        `niveaus` -> `niveau`; any other word unchanged."""
        if len(word) < 5 or word in self.exceptions or not word.isalpha():
            return word
        for rule in (self._strong_participle, self._weak_participle, self._diminutive,
                     self._vowel_plural):
            found = rule(word)
            if found:
                return found
        return word

    def _splits(self, word: str) -> Iterator[tuple[str, str]]:
        """(separable particle, rest), the plain word first."""
        yield "", word
        match = PARTICLE_RE.match(word)
        if match and len(word) > match.end() + 4:
            yield match.group(), word[match.end():]

    def _strong_participle(self, word: str) -> str | None:
        """`geschreven` -> `schrijven`, `verborgen` -> `verbergen`, `opgeschreven` ->
        `opschrijven`, from the list of strong verbs; with an inflection -e too."""
        form = word[:-1] if word.endswith(("te", "de")) else word  # gebrachte
        for particle, rest in self._splits(form):
            for prefix in VERB_PREFIXES:
                if not rest.startswith(prefix):
                    continue
                infinitive = self.strong.get(rest[len(prefix):])
                if infinitive is None:
                    continue
                keep = "" if prefix == "ge" else prefix
                candidate = particle + keep + infinitive
                if candidate != form and (not keep or candidate in self.lexicon):
                    return candidate
        return None

    def _weak_participle(self, word: str) -> str | None:
        """`toegevoegd(e)` -> `toevoegen`, `gecreeerd` -> `creeren`, `gebruikt` ->
        `gebruiken`: participle and infinitive must both be Dutch words."""
        form = word[:-1] if word.endswith(("de", "te")) else word
        if form[-1] not in "dt" or form not in self.lexicon:
            return None
        # The commonest reading: `gevolgd` -> `volgen`, not the noun plural `gevolgen`;
        # `besteld` -> `bestellen`, not `bestelen`.
        ending = _likeliest(self._infinitives_of(form[:-1]))
        # -d/-t may also be part of the verb (`gedownload`, `gezet`, `gemeld` ->
        # `melden`, not `melen`); that reading must be much commoner, or `gemaakt`
        # would become the past tense `maakten` and `gewist` `wisten`.
        stem_end = _likeliest(self._infinitives_of(form))
        if stem_end and (not ending or stem_end[1] > ending[1] + STEM_END_MARGIN):
            return stem_end[0]
        return ending[0] if ending else None

    def _infinitives_of(self, participle: str) -> dict[str, float]:
        """Infinitives (with their Zipf frequency) the participle stem can belong to."""
        candidates = {}
        for particle, rest in self._splits(participle):
            bodies = [(rest[2:], True)] if rest.startswith("ge") else []
            if rest.startswith(VERB_PREFIXES):
                bodies.append((rest, False))  # gebruikt, verhuurd: the verb's own prefix
            for body, after_ge in bodies:
                if len(body) < MIN_BASE:
                    continue  # `geeft` is not a participle of `even`
                for infinitive in _infinitives(body, after_ge):
                    zipf = self.lexicon.get(particle + infinitive)
                    if zipf is not None:
                        candidates[particle + infinitive] = zipf
        return candidates

    def _diminutive(self, word: str) -> str | None:
        """`kindje` -> `kind`, `stoeltjes` -> `stoel`, `bolletje` -> `bol`, `filmpje`
        -> `film`, `cafeetje` -> `cafe`: the base must be a word of at least 3 letters,
        the most frequent when several are."""
        singular = word[:-1] if word.endswith("jes") else word
        bases = {}
        for ending in DIMINUTIVES:
            if not singular.endswith(ending):
                continue
            base = singular[: -len(ending)]
            if ending == "etje" and len(base) > 2 and base[-1] == base[-2]:
                base = base[:-1]  # bolletje -> bol
            elif ending == "pje" and not base.endswith("m"):
                continue
            elif ending == "tje" and len(base) > 2 and base[-1] == base[-2] == "e":
                base = base[:-1]  # cafeetje -> cafe
            if len(base) >= MIN_BASE and base in self.lexicon:
                bases[base] = self.lexicon[base]
        # The commonest reading: `lichtje` -> `licht`, not `lich`.
        found = _likeliest(bases)
        return found[0] if found else None

    def _vowel_plural(self, word: str) -> str | None:
        """`niveaus` -> `niveau`; `themas`, `fotos` (written without the apostrophe of
        `thema's`) -> `thema`, `foto`; English `queries` -> `query`. Porter keeps an s
        after a vowel."""
        if word.endswith("ies") and word[:-1] not in self.lexicon:
            english = word[:-3] + "y"  # queries -> query, hobbies -> hobby
            if english in self.lexicon:
                return english
        if not word.endswith("s") or word[-2] not in VOWELS:
            return None
        base = word[:-1]
        if base in self.lexicon and (word.endswith("eaus") or word not in self.lexicon):
            return base
        return None


def load_word_forms(lexicon: Mapping[str, float] | None = None,
                    strong_verbs: Path = DEFAULT_STRONG_VERBS,
                    exceptions: Path = DEFAULT_EXCEPTIONS) -> WordForms:
    """The rules over the shipped word list (the one compound splitting uses)."""
    if lexicon is None:
        from kennisbank.compounds import shared_lexicon

        lexicon = shared_lexicon()
    return WordForms(lexicon, read_pairs(strong_verbs), read_exceptions(exceptions))


@lru_cache(maxsize=1)
def shipped_word_forms() -> WordForms:
    """The shipped rules, loaded once per process and shared by every analyzer."""
    return load_word_forms()


def lazy_base_form() -> Callable[[str], str]:
    """`base_form` that loads the word list on its first call, so an analyzer that is
    built but never used (and the unstemmed vocabulary field) costs nothing."""
    def base_form(word: str) -> str:
        return shipped_word_forms().base_form(word)

    return base_form
