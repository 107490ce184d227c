"""The contract every format parser fulfils: bytes in, one ParsedDocument out, or ParseError.

Parsers run inside worker processes, so they must be pure functions of their input
(no shared state) and their results must pickle cheaply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedDocument:
    """What a parser could read from one file; metadata from sidecars is merged later."""

    text: str
    title: str | None = None
    pages: tuple[str, ...] = ()
    description: str | None = None
    author: str | None = None
    date: dt.date | None = None
    warnings: tuple[str, ...] = field(default=())


# Failure codes are stable identifiers (used in reports and JSON); the Dutch reason
# is what staff read.
REASONS_NL: dict[str, str] = {
    "encrypted": "versleuteld (wachtwoord nodig)",
    "damaged": "beschadigd of onleesbaar bestand",
    "no_text": "geen tekstlaag (waarschijnlijk een scan)",
    "empty": "leeg bestand",
    "unsupported": "bestandsformaat wordt niet ondersteund",
    "timeout": "verwerking duurde te lang (tijdslimiet overschreden)",
    "crash": "het verwerken liep vast (werkproces gestopt)",
    "too_large": "bestand is te groot",
    "unreadable": "bestand kan niet gelezen worden",
    "sidecar": "metadatabestand (sidecar) is ongeldig",
}


class ParseError(Exception):
    """The one error a parser raises; `code` is a key of REASONS_NL."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REASONS_NL:
            raise ValueError(f"unknown parse error code: {code}")
        self.code = code
        self.detail = detail
        super().__init__(self.reason_nl)

    @property
    def reason_nl(self) -> str:
        reason = REASONS_NL[self.code]
        return f"{reason}: {self.detail}" if self.detail else reason
