"""Adapter that lets Whoosh run our DutchAnalyzer.

Whoosh pickles the schema (and so the analyzer) into the index; the adapter pickles as
just the stemmer name and rebuilds the analyzer on load, so the index always uses the
analysis code of the running release.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer

from kennisbank.analysis import DEFAULT_STEMMER, DutchAnalyzer, fold

# In the unstemmed vocabulary (`words`), a word written with diacritics is also indexed
# as `folded + SURFACE_SEPARATOR + surface` (`creeren\x1fcreëren`): autocomplete then
# shows the word as documents spell it, while search and "Bedoelde u" stay folded.
SURFACE_SEPARATOR = "\x1f"


class WhooshDutchAnalyzer(Tokenizer):
    def __init__(self, stemmer: str = DEFAULT_STEMMER) -> None:
        self.stemmer = stemmer
        self.analyzer = DutchAnalyzer(stemmer=stemmer)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (type(self), (self.stemmer,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WhooshDutchAnalyzer) and other.stemmer == self.stemmer

    def __hash__(self) -> int:
        return hash(("WhooshDutchAnalyzer", self.stemmer))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if not tokenize:
            token.original = token.text = value
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        analysis_mode = "query" if mode == "query" else "index"
        with_surface = self.stemmer == "none" and analysis_mode == "index"
        for ours in self.analyzer(value, start_pos=start_pos, mode=analysis_mode):
            token.text = ours.text
            if keeporiginal:
                token.original = ours.original
            if positions:
                token.pos = ours.position
            if chars:
                token.startchar = start_char + ours.start
                token.endchar = start_char + ours.end
            yield token
            if with_surface:
                surface = value[ours.start:ours.end].lower()
                if surface != ours.text and not surface.isascii() and fold(surface) == ours.text:
                    token.text = f"{ours.text}{SURFACE_SEPARATOR}{surface}"
                    yield token
