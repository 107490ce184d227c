"""The main text of a page: trafilatura first, our own rules when it cannot help.

Why this exists: indexing navigation and footers makes every page match every menu
word. trafilatura scored best on our benchmark (docs/html-extraction.md); its output is
cleaned of boilerplate paragraphs, and a small rule-based extractor takes over when it
finds nothing or the tree is too deep for it. This module only picks the route; the
rules themselves live in boilerplate.py, tree.py and stripped.py.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree

from kennisbank.indexer.parsers.html.boilerplate import (
    body,
    drop_boilerplate,
    without_boilerplate_text,
)
from kennisbank.indexer.parsers.html.noscript import reveal_noscript_articles
from kennisbank.indexer.parsers.html.paragraphs import block_text, join_paragraphs, one_line
from kennisbank.indexer.parsers.html.stripped import stripped_text
from kennisbank.indexer.parsers.html.tree import too_deep_for_extractor

# trafilatura's settings. Its "fast" mode skips its second opinions (readability,
# jusText) when its own extraction looks poor; on pages we had not tuned on that cost
# recall (0.946 -> 0.934), so they stay on (docs/html-extraction.md).
TRAFILATURA_OPTIONS: dict[str, bool] = {
    "fast": False,
    "favor_precision": False,
    "include_comments": False,
    "include_tables": True,
}
# jusText's time grows with the square of a page's paragraphs: 10 000 elements of
# short paragraphs take 1.5 s, 40 000 take a minute. Larger trees skip the second
# opinions; the 181 benchmark pages have at most 1 600 elements.
MAX_FALLBACK_ELEMENTS = 10_000
_ELEMENT_COUNT = etree.XPath("count(//*)")


def _extractor_text(root: lxml.html.HtmlElement) -> str:
    """Main text according to trafilatura ("" when it finds none)."""
    options = dict(TRAFILATURA_OPTIONS)
    if _ELEMENT_COUNT(root) > MAX_FALLBACK_ELEMENTS:
        options["fast"] = True
    text = trafilatura.extract(
        root,
        output_format="txt",
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
        **options,
    )
    return join_paragraphs(text.splitlines()) if text else ""


def _content_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """<main> (or role=main), else a single <article>, else <body>."""
    for candidate in root.xpath("//main | //*[@role='main']"):
        if one_line(candidate.text_content()):
            return candidate
    articles = root.xpath("//article")
    if len(articles) == 1 and one_line(articles[0].text_content()):
        return articles[0]
    return body(root)


def rules_text(root: lxml.html.HtmlElement) -> str:
    """Main text by simple rules: drop boilerplate, keep <main>, <article> or <body>.

    Changes root: the boilerplate elements are removed from it.
    """
    drop_boilerplate(root)
    return block_text(_content_container(root))


def main_text(root: lxml.html.HtmlElement, markup: str, too_deep: bool) -> tuple[str, str]:
    """The page's main text, and a warning (Dutch: staff read it in the run report)
    when the normal route could not be taken."""
    if too_deep:
        return stripped_text(markup), ("de pagina is extreem diep genest; alleen de tekst is "
                                       "gelezen, zonder opmaak")
    reveal_noscript_articles(root)
    if too_deep_for_extractor(root):
        return rules_text(root), ("de pagina is te diep genest voor het herkennen van de "
                                  "hoofdtekst; menu's en kaders kunnen zijn meegelezen")
    # On short pages trafilatura keeps menus and banners along with the text.
    text = without_boilerplate_text(_extractor_text(root), root)
    return text or rules_text(root), ""
