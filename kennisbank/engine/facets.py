"""Facet values of one generation as flat arrays, for counting over any set of matches.

Why: every result page counts every facet over all matching documents (a common word
matches half of the library). With (document, value) pairs in two integer arrays, a
count is one `bincount` over the pairs whose document matches, and a filter is one
scatter, whatever the number of matches or values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kennisbank.analysis import fold


@dataclass(frozen=True)
class FacetField:
    values: tuple[str, ...]  # value id -> value
    pair_docs: np.ndarray  # document number of each (document, value) pair
    pair_values: np.ndarray  # value id of each pair


class FacetColumns:
    def __init__(self, fields: dict[str, FacetField], size: int) -> None:
        self._fields = fields
        self.size = size
        self._known = {name: {fold(value): value for value in field.values}
                       for name, field in fields.items()}

    @classmethod
    def from_postings(cls, size: int,
                      postings: dict[str, Iterable[tuple[str, np.ndarray]]]) -> FacetColumns:
        """From each field's (value, live document numbers) lists."""
        fields = {}
        for name, values in postings.items():
            names, docs, ids = [], [], []
            for value, value_docs in values:
                ids.append(np.full(len(value_docs), len(names), dtype=np.int32))
                docs.append(value_docs.astype(np.int32))
                names.append(value)
            fields[name] = FacetField(
                tuple(names),
                np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
                np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32))
        return cls(fields, size)

    def values(self, name: str) -> tuple[str, ...]:
        return self._fields[name].values

    def indexed_form(self, name: str, value: str) -> str | None:
        """The indexed spelling of a value, matched case- and diacritic-insensitively."""
        return self._known[name].get(fold(value))

    def with_any(self, name: str, wanted: Iterable[str]) -> np.ndarray:
        """Documents having at least one of the `wanted` values."""
        field, wanted = self._fields[name], set(wanted)
        ids = [i for i, value in enumerate(field.values) if value in wanted]
        return self._with_ids(field, ids)

    def with_number_between(self, name: str, low: int, high: int) -> np.ndarray:
        """Documents with a numeric value (e.g. a year) in [low, high]."""
        field = self._fields[name]
        ids = [i for i, value in enumerate(field.values)
               if value.isdigit() and low <= int(value) <= high]
        return self._with_ids(field, ids)

    def _with_ids(self, field: FacetField, ids: list[int]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        if ids:
            mask[field.pair_docs[np.isin(field.pair_values, ids)]] = True
        return mask

    def counts(self, name: str, mask: np.ndarray) -> dict[str, int]:
        """Value -> number of documents in `mask` having it (values with none left out)."""
        field = self._fields[name]
        counted = np.bincount(field.pair_values[mask[field.pair_docs]],
                              minlength=len(field.values))
        return {field.values[i]: int(counted[i]) for i in np.flatnonzero(counted)}
