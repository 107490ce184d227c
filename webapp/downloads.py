"""Headers of a download: a Content-Disposition that is safe for any file name.

File names come from the corpus, where anything goes: quotes, backslashes, non-ASCII,
control characters (a name with CR/LF once made werkzeug refuse the header, a 500),
hundreds of characters. `content_disposition` gives every client something it can use:
an ASCII `filename="…"` for old clients and the exact name as `filename*=UTF-8''…`
(RFC 6266, RFC 5987), with control characters gone and the length bounded.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

MAX_NAME_CHARS = 150  # file systems allow 255 bytes; leave room for "(1)" and the like
MAX_SUFFIX_CHARS = 16
FALLBACK_NAME = "bestand"
# RFC 5987 attr-char besides letters and digits: these stay as they are in filename*.
ATTR_CHARS = "!#$&+-.^_`|~"
# Not in the ASCII fallback: quoting characters, and % (some clients decode %xx there).
UNSAFE_IN_FALLBACK = '"\\%'


def clean_filename(name: str) -> str:
    """The name without control or format characters (line breaks and other white space
    become one space, the rest goes), path separators or surrounding dots and spaces,
    cut to MAX_NAME_CHARS with its suffix kept."""
    kept = "".join(" " if c.isspace() or c in "/\\" else c for c in name
                   if c.isspace() or not unicodedata.category(c).startswith("C"))
    kept = " ".join(kept.split()).strip(". ")
    if len(kept) > MAX_NAME_CHARS:
        suffix = PurePosixPath(kept).suffix
        suffix = suffix if len(suffix) <= MAX_SUFFIX_CHARS else ""
        kept = kept[:MAX_NAME_CHARS - len(suffix)].rstrip(". ") + suffix
    return kept or FALLBACK_NAME


def ascii_fallback(name: str) -> str:
    """`Één overzicht – 2021.pdf` -> `Een overzicht _ 2021.pdf`: accents dropped, other
    non-ASCII and quoting characters replaced, so it fits in a quoted-string."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(c))
    return "".join(c if c.isascii() and c.isprintable() and c not in UNSAFE_IN_FALLBACK
                   else "_" for c in plain)


def content_disposition(filename: str, attachment: bool = True) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` for any file name."""
    name = clean_filename(filename)
    kind = "attachment" if attachment else "inline"
    return (f'{kind}; filename="{ascii_fallback(name)}"; '
            f"filename*=UTF-8''{quote(name, safe=ATTR_CHARS)}")
