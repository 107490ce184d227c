"""Every ranking weight, tuned in one place.

BM25F over title and body decides which documents match and most of the order; the
title counts TITLE_BOOST times (fixed when a segment is written: changing it needs a
rebuild, hence SCHEMA_VERSION). The exact-form clause adds EXACT_BOOST to documents
that hold the user's own, unstemmed word forms. The best RERANK_DEPTH hits get
PROXIMITY_FACTOR when all query words stand within PROXIMITY_SLOP positions (as a
Whoosh phrase clause, proximity cost 2.4x the p95 search time at 10k documents). A
plain query whose words all occur in fewer than BROADEN_BELOW documents also shows
documents with some of them, those with all of them boosted by ALL_WORDS_BOOST.
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
ALL_WORDS_BOOST = 2.0
