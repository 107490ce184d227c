"""Bytes of a saved web page to text, the way a browser would read them.

Why this exists: pages in the corpus come in every encoding, often mislabelled (a page
re-saved as UTF-8 that still says iso-8859-1), and lxml guesses worse than we can. So
the parser decodes first and hands lxml and BeautifulSoup a str. Also here: cleaning
characters lxml refuses, and telling binary junk from text.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-z0-9_.:-]{1,40})"""
    # A saved HTTP header ("Content-Type: text/html; charset=utf-8") on a line of its own.
    rb"""|^content-type:[^\r\n]{0,200}?charset\s*=\s*["']?([a-z0-9_.:-]{1,40})""",
    re.IGNORECASE | re.MULTILINE,
)
# What browsers actually use for these labels (WHATWG Encoding Standard).
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "euc-kr": "cp949",
}
# Invalid sequences a page declared UTF-8 may have before it is read as a legacy charset
# even without valid multi-byte characters to outweigh them.
MAX_STRAY_BYTES = 3
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_XML_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def _declared_charset(data: bytes) -> str | None:
    """The charset named in <meta charset>, http-equiv or <?xml encoding>, if Python knows it."""
    match = _DECLARED_CHARSET.search(data[:8192])
    if not match:
        return None
    label = next(group for group in match.groups() if group).decode("ascii").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be in UTF-16/32: browsers ignore it too.
    return None if name.startswith(("utf-16", "utf-32")) else name


def _decode_strict(data: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_with_stray_bytes(data: bytes, declared: str | None) -> str | None:
    """data as UTF-8 with U+FFFD for invalid bytes, if it is UTF-8 with a few bad bytes.

    One bad byte (a truncated character, a pasted legacy quote) makes the strict decode
    fail, and decoding the whole page as a legacy charset would garble every other
    accented letter: browsers keep to the declared UTF-8 and show one replacement
    character. A page counts as UTF-8 when it is declared so and has no more invalid
    sequences than valid multi-byte characters (or only a handful); otherwise, when it
    has at least twice as many valid multi-byte characters as invalid sequences. Legacy
    text is the other way round: nearly every non-ASCII byte is an invalid sequence,
    and a valid one needs an accented capital followed by a symbol such as "©".
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = len(text) - len(text.encode("ascii", errors="ignore")) - invalid
    if declared == "utf-8":
        return text if invalid <= max(MAX_STRAY_BYTES, multibyte) else None
    return text if 2 * invalid <= multibyte else None


def _detected_charset(data: bytes, isolation: list[str] | None = None) -> str | None:
    best = charset_normalizer.from_bytes(data, cp_isolation=isolation).best()
    return best.encoding if best is not None else None


def _guessed_charset(data: bytes) -> str | None:
    """windows-1252 whenever the detector finds it plausible, as Western browsers do.

    Left to choose freely, charset-normalizer reads short Dutch text as e.g. mac_latin2.
    """
    return _detected_charset(data, ["cp1252"]) or _detected_charset(data)


def decode_html(data: bytes) -> str:
    """Bytes to text: BOM, then UTF-8 (with a few bad bytes replaced), then the declared
    charset, then detection.

    UTF-8 wins over a declaration because pages re-saved as UTF-8 often keep their old
    <meta charset>, while legacy text is practically never valid UTF-8: in legacy text
    nearly every non-ASCII byte is an invalid sequence (see _utf8_with_stray_bytes).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _declared_charset(data)
    # Many NUL bytes are valid UTF-8, but in text they mean UTF-16/32 without a BOM.
    head = data[:4096]
    first = _detected_charset(data) if head.count(0) > len(head) // 10 else None
    for encoding in (first, "utf-8"):
        text = _decode_strict(data, encoding)
        if text is not None:
            return text
    # A legacy declaration decodes nearly anything: first ask whether this is UTF-8.
    text = None if first else _utf8_with_stray_bytes(data, declared)
    text = text if text is not None else _decode_strict(data, declared)
    if text is not None:
        return text
    detected = first or _guessed_charset(data)
    return data.decode(detected or declared or "cp1252", errors="replace")


def clean_chars(text: str) -> str:
    """Drop what lxml refuses (NUL, most C0 controls) and a leading XML declaration."""
    return _XML_DECLARATION.sub("", _XML_INVALID_CHARS.sub("", text), count=1)


def looks_binary(text: str) -> bool:
    """More than 5 % control or replacement characters: not a web page at all."""
    sample = text[:65536]
    return len(_CONTROL_CHARS.findall(sample)) > 0.05 * len(sample)
