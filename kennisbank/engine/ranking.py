"""Every ranking weight, tuned in one place.

BM25F over title and body decides which documents match and most of the order; the
title counts TITLE_BOOST times (fixed when a segment is written: changing it needs a
rebuild, hence SCHEMA_VERSION). The exact-form clause adds EXACT_BOOST to documents
that hold the user's own, unstemmed word forms. The best RERANK_DEPTH hits get
PROXIMITY_FACTOR when all query words stand within PROXIMITY_SLOP positions (as a
Whoosh phrase clause, proximity cost 2.4x the p95 search time at 10k documents).

Plain words (no query syntax) are not all required: a document matches when it holds
at least MOST_WEIGHT of the query's weight, each word weighing its inverse document
frequency, and its BM25F sum is multiplied by the share it holds to the power
COVERAGE_POWER, so documents with every word keep an edge through the score. When
fewer than WIDEN_BELOW documents match that way, any of the words will do. Below
BROADEN_BELOW documents with every word, "Bedoelde u" looks for a better spelling.
Chosen on `bench/relevance` (docs/relevance.md, "Recall for multi-word questions"):
MOST_WEIGHT from 0.35 to 0.5 all gave nDCG@10 0.773-0.774.
"""

from __future__ import annotations

BM25_B = 0.75  # Whoosh's defaults for BM25F
BM25_K1 = 1.2
TITLE_BOOST = 3.0
EXACT_BOOST = 0.5
PROXIMITY_FACTOR = 1.2
PROXIMITY_SLOP = 8
RERANK_DEPTH = 50
BROADEN_BELOW = 10
MOST_WEIGHT = 0.45
COVERAGE_POWER = 0.5
WIDEN_BELOW = 10
