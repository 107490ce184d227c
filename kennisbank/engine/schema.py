"""The one index schema. Bump SCHEMA_VERSION whenever fields or analysis change in a
way that needs a rebuild; the indexer then rebuilds by itself."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kennisbank.analysis import DEFAULT_STEMMER
from kennisbank.engine.analyzer import WhooshDutchAnalyzer
from kennisbank.engine.ranking import TITLE_BOOST

# 2: compound parts, elisions, Porter plural repairs; 3: -es plurals; 4: surface forms
# with diacritics in `words` (autocomplete); 5: word forms (participles, diminutives,
# loanword plurals: kennisbank/word_forms.py); 6: `added` (the rebuild this asks for
# keeps each document's first-added time: engine/added.py); 7: the evidence files
# (passage terms and links, kennisbank/evidence) beside every generation; 8: `words`
# postings only in the posting arrays, not in Whoosh's segments (engine/word_postings.py)
SCHEMA_VERSION = 8

# Facet field -> multi-valued? Multi-valued fields are comma-separated keywords.
FACET_MULTI: dict[str, bool] = {
    "type": False,
    "theme": True,
    "organisation": True,
    "year": False,
    "audience": True,
    "format": False,
}


def build_schema(stemmer: str = DEFAULT_STEMMER) -> Schema:
    analyzer = WhooshDutchAnalyzer(stemmer)
    # Unstemmed, folded words: the vocabulary "Bedoelde u" suggestions come from.
    # Analysed with this field's analyzer, but written by us into the posting arrays
    # only (engine/word_postings.py): Whoosh's own segments hold no `words` postings.
    vocabulary = TEXT(analyzer=WhooshDutchAnalyzer("none"), phrase=False)
    facets = {
        name: KEYWORD(commas=True, lowercase=False, scorable=False) if multi else ID()
        for name, multi in FACET_MULTI.items()
    }
    return Schema(
        id=ID(unique=True, stored=True),
        path=ID(stored=True, sortable=True),
        sha256=ID(sortable=True),
        sidecar_sha256=ID(sortable=True),
        stat_key=ID(sortable=True),
        title=TEXT(analyzer=analyzer, phrase=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=analyzer, phrase=True, chars=True),
        words=vocabulary,
        date=NUMERIC(int, bits=32, sortable=True),
        # Seconds since 1970 (UTC) when the corpus path first entered the index.
        added=NUMERIC(int, bits=64, sortable=True),
        record=STORED(),
        **facets,
    )
