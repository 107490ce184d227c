"""Evidence links: guidance passages joined to the research passages behind them.

`terms` says what a passage is about (in the extraction worker), `similarity` scores
pairs of passages, `store` keeps both per generation, `update` brings them up to date
in an indexer run, and `links` answers what a document page shows.
"""
