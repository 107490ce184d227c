"""Atom 1.0 documents (RFC 4287), built as an element tree rather than a template.

Titles, summaries and the query text come from documents and from whoever typed the
URL; ElementTree escapes them, and characters XML 1.0 cannot hold at all (control
characters, lone surrogates) are dropped here, so no text can make the feed invalid.
Plain data in, bytes out: no Flask, so the feed can be tested on its own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What XML 1.0 allows (its `Char` production); everything else is dropped.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Entry:
    id: str  # a URI that never changes for this document
    title: str
    link: str  # absolute
    updated: str  # RFC 3339, e.g. 2026-12-04T07:32:38Z
    summary_html: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    updated: str
    author: str
    self_url: str  # absolute
    html_url: str  # absolute: the same search as a web page
    entries: tuple[Entry, ...]
    language: str = "nl"


def render(feed: Feed) -> bytes:
    """The feed as UTF-8 XML with its declaration."""
    # Unprefixed names in the Atom namespace, declared once on the root.
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: feed.language})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", feed.updated)
    _add(_add(root, "author"), "name", feed.author)
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.html_url)
    for entry in feed.entries:
        _entry(root, entry)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(root: ET.Element, entry: Entry) -> None:
    element = _add(root, "entry")
    _add(element, "id", entry.id)
    _add(element, "title", entry.title)
    _add(element, "link", rel="alternate", type="text/html", href=entry.link)
    _add(element, "published", entry.updated)
    _add(element, "updated", entry.updated)
    for name in entry.authors:
        _add(_add(element, "author"), "name", name)
    for term, label in entry.categories:
        _add(element, "category", term=term, label=label)
    if entry.summary_html:
        _add(element, "summary", entry.summary_html, type="html")


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str
         ) -> ET.Element:
    element = ET.SubElement(parent, name,
                            {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("", text)
