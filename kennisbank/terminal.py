"""Text from the corpus made safe to print on a terminal: a file name or title may hold
line breaks, escape sequences or direction overrides that would garble or fake output."""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """`text` with control and format characters written as escapes (`\\r`, `\\x1b`,
    `\\u202e`), everything else unchanged."""
    if text.isprintable():
        return text
    return "".join(ch if ch == " " or not unicodedata.category(ch).startswith("C")
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)
