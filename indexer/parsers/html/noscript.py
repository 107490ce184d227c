"""<noscript> elements that hold the article itself, made visible to the extractors.

Why this exists: some sites render their posts with JavaScript and put the text of the
post in <noscript> for readers without it. trafilatura throws every <noscript> away and
our boilerplate rules count it as invisible, so such a page came out empty or as its
menus. A <noscript> is usually a one-line "zet JavaScript aan" or a tracking pixel,
though, and on many pages the same post is in the page as well: then the copy must
not double the text, nor (through boilerplate.py, which counts <noscript> as furniture)
take the post's own paragraphs out of the result. So a <noscript> becomes an ordinary
<div> when it holds a substantial amount of text found nowhere else on the page, and a
long <noscript> whose text the page already shows is removed.
"""

from __future__ import annotations

import lxml.html

from kennisbank.indexer.parsers.html.boilerplate import body, visible_text
from kennisbank.indexer.parsers.html.paragraphs import block_text

# Less text than this is a message about JavaScript, not an article (the longest such
# messages seen run to about 150 characters).
MIN_ARTICLE_CHARS = 200


def _squashed(text: str) -> str:
    return "".join(text.split()).casefold()


def _outermost_noscripts(container: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [
        element
        for element in container.iter("noscript")
        if not any(ancestor.tag == "noscript" for ancestor in element.iterancestors())
    ]


def _new_chars(text: str, page_text: str) -> int:
    """How many characters of text's paragraphs do not occur in page_text (squashed)."""
    return sum(
        len(paragraph) for paragraph in text.split("\n\n") if _squashed(paragraph) not in page_text
    )


def reveal_noscript_articles(root: lxml.html.HtmlElement) -> None:
    """Make each <noscript> in <body> that holds an article a <div>; drop article copies.

    A <noscript> with at least MIN_ARTICLE_CHARS characters of text is an article:
    when at least half of that text, and at least MIN_ARTICLE_CHARS, is in paragraphs
    found nowhere outside the <noscript> elements, it becomes a <div> that the
    extractors read; otherwise it is a copy and is removed, so that its lines cannot
    count as boilerplate and take the article's own paragraphs with them. Shorter
    <noscript>s ("zet JavaScript aan") stay, as boilerplate. Changes root.
    """
    candidates = [
        (element, text)
        for element in _outermost_noscripts(body(root))
        if len(text := block_text(element)) >= MIN_ARTICLE_CHARS
    ]
    if not candidates:
        return
    page_text = _squashed(visible_text(body(root)))
    for element, text in candidates:
        new = _new_chars(text, page_text)
        if new >= MIN_ARTICLE_CHARS and 2 * new >= len(text):
            element.tag = "div"
        else:
            element.drop_tree()
