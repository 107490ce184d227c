"""When each corpus path first entered the index: the "Nieuw sinds" feeds list the
most recently added documents first.

The time is kept in the index itself (the sortable `added` column and the record's
`added`), not in a file beside it, so it lives and dies with the generation that holds
the document. Each run copies it from the previous generation for every path that
generation held (re-read, changed or unchanged alike); only a path the previous
generation did not hold gets the run's own time. A generation written before the
column existed says nothing about when its documents came in; for those the time it
was published stands in: they were in the index by then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kennisbank.engine.integrity import GENERATION_META

FIELD = "added"


def iso_time(seconds: int) -> str:
    """Seconds since 1970 as the record keeps them: `2026-12-04T07:32:38Z` (UTC)."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seconds_of(moment: dt.datetime) -> int:
    """A moment (naive: local time) as whole seconds since 1970."""
    return int(moment.timestamp())


def published_seconds(folder: Path) -> int:
    """When the generation in `folder` was published (its generation.json was written):
    the stand-in for documents of a generation that recorded no first-added times."""
    try:
        return int((folder / GENERATION_META).stat().st_mtime)
    except OSError:
        return 0


def seconds_from_iso(text: str) -> int:
    """The record's `added` back as seconds since 1970; 0 when it has none."""
    try:
        moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return 0
    return int(moment.replace(tzinfo=dt.UTC).timestamp())
