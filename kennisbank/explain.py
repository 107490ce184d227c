"""`kennisbank search --explain`: how a query was analysed, for staff who wonder why a
document was or was not found. Plain data, so the CLI prints it and tests check it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from kennisbank.analysis import DutchAnalyzer, fold, singularize, strip_apostrophe, tokenize
from kennisbank.synonyms import SynonymExpander


@dataclass(frozen=True)
class WordAnalysis:
    typed: str
    normalised: str  # lower case, no diacritics, no 's
    stopword: bool
    singular: str  # after the irregular-plural list
    stem: str
    parts: tuple[str, ...] = ()  # compound parts (index side)
    terms: tuple[str, ...] = ()  # what the word searches for in the index


@dataclass(frozen=True)
class Explanation:
    query: str
    words: list[WordAnalysis]
    expansions: list[dict] = field(default_factory=list)
    parsed: str = ""
    notice: str | None = None
    # What the synonym list added, each with the index terms it searches for.
    alternatives: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def analyse_words(analyzer: DutchAnalyzer, text: str) -> list[WordAnalysis]:
    result = []
    for token in tokenize(text):
        if token.increment == 0:
            continue
        normalised = fold(strip_apostrophe(token.text))
        singular = singularize(normalised, analyzer.plural_endings)
        split = getattr(analyzer, "compound_parts", None)
        result.append(WordAnalysis(
            typed=token.text, normalised=normalised,
            stopword=normalised in analyzer.stopwords, singular=singular,
            stem=analyzer.stem(normalised),
            parts=tuple(split(normalised)) if split else (),
            terms=tuple(analyzer.terms(token.text, mode="query")),
        ))
    return result


def explain(analyzer: DutchAnalyzer, expander: SynonymExpander, query: str, parsed: str,
            notice: str | None) -> Explanation:
    found = expander.expansions(query)
    expansions = [{"typed": e.typed, "alternatives": list(e.alternatives)} for e in found]
    added = [(alt, tuple(analyzer.terms(alt, mode="query")))
             for e in found for alt in e.alternatives]
    return Explanation(query, analyse_words(analyzer, query), expansions, parsed, notice,
                       added)


def format_explanation(explanation: Explanation) -> str:
    """The explanation in Dutch, for the terminal."""
    lines = [f"Analyse van “{explanation.query}”:"]
    for word in explanation.words:
        if word.stopword:
            lines.append(f"  {word.typed}: stopwoord, telt niet mee")
            continue
        steps = [f"genormaliseerd {word.normalised}"]
        if word.singular != word.normalised:
            steps.append(f"enkelvoud {word.singular}")
        steps.append(f"stam {word.stem}")
        if word.parts:
            steps.append(f"delen {' + '.join(word.parts)} (in de index)")
        lines.append(f"  {word.typed}: " + ", ".join(steps))
    for expansion in explanation.expansions:
        alternatives = " / ".join(expansion["alternatives"])
        lines.append(f"  synoniem: {expansion['typed']} → ook {alternatives}")
    if explanation.notice:
        lines.append(f"  let op: {explanation.notice}")
    lines.append(f"  zoekopdracht voor de index: {explanation.parsed}")
    return "\n".join(lines)
