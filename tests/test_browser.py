"""In a real browser: Debian's chromium, driven by Playwright, against `kennisbank serve`
(waitress) on a free local port. What a user does: search, see highlights, tick a filter,
see the count and the chip, remove it, open a document, and do one search by keyboard.

Screenshots go to test-output/browser/ (or $KENNISBANK_TEST_OUTPUT/browser/).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api
from pypdf import PdfReader

from tests.conftest import REPO_ROOT
from tests.live_server import running_server
from tests.webapp_fixtures import WebIndex

expect = sync_api.expect

pytest_plugins = ["tests.webapp_fixtures"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
OUTPUT = Path(os.environ.get("KENNISBANK_TEST_OUTPUT", REPO_ROOT / "test-output")) / "browser"

# A missing browser is a broken set-up, not a reason to skip: `make test` installs it.
assert CHROMIUM.is_file(), "Debian's chromium is missing: run `make test`, which installs it"


@pytest.fixture(scope="module")
def server_url(web_index: WebIndex) -> Iterator[str]:
    with running_server(web_index.index, web_index.corpus) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, server_url: str, **options: object):
    context = browser.new_context(base_url=server_url, locale="nl-NL", **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, server_url: str) -> Iterator[object]:
    context, page = _page(browser, server_url, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def search_box(page):
    """The search box: a combobox once the autocomplete script runs."""
    return page.get_by_role("combobox", name="Zoek in de kennisbank")


def test_search_filter_chip_and_document(page) -> None:
    page.goto("/")
    search_box(page).fill("ouders")
    search_box(page).press("Enter")
    expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")
    expect(page.locator(".hit .snippet mark").first).to_have_text(re.compile("ouders", re.I))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT / "resultaten.png", full_page=True)

    handreiking = page.get_by_role("checkbox", name=re.compile(r"^Handreiking"))
    handreiking.check()
    expect(page.locator("#aantal")).to_have_text("1 resultaat voor “ouders”")
    expect(page.locator("a.chip")).to_have_text(re.compile(r"Documentsoort: Handreiking"))
    expect(page).to_have_url(re.compile(r"/\?q=ouders&soort=handreiking$"))  # canonical
    expect(handreiking).to_be_checked()
    expect(handreiking).to_be_focused()  # focus stays where the user was
    onderzoek = page.get_by_role("checkbox", name=re.compile(r"^Onderzoeksrapport"))
    expect(onderzoek).to_have_accessible_name("Onderzoeksrapport (1 resultaat)")

    page.locator("a.chip").click()
    expect(page.locator("a.chip")).to_have_count(0)
    expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")
    expect(page).not_to_have_url(re.compile("soort="))

    first = page.locator(".hit h3 a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".preview mark").first).to_be_visible()
    page.go_back()
    expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")


def test_corrected_results_and_the_search_as_typed(page) -> None:
    page.goto("/")
    search_box(page).fill("ouderbetrokkenhied")
    search_box(page).press("Enter")
    expect(page.locator("#aantal")).to_have_text("2 resultaten voor “ouderbetrokkenheid”")
    note = page.locator(".corrected")
    expect(note).to_have_text(
        "Resultaten voor ouderbetrokkenheid. Zoek in plaats daarvan naar ouderbetrokkenhied.")
    note.get_by_role("link", name="ouderbetrokkenhied").click()
    expect(page).to_have_url(re.compile(r"letterlijk=ja"))
    expect(page.locator("#aantal")).to_have_text("0 resultaten voor “ouderbetrokkenhied”")
    expect(page.locator(".corrected")).to_have_count(0)


def test_the_expansion_line_and_its_undo_link(page) -> None:
    page.goto("/?q=IKC")
    line = page.locator(".expanded")
    expect(line).to_have_text(re.compile(r"^Ook gezocht op: integraal kindcentrum\."))
    widened = page.locator(".hit").count()
    line.get_by_role("link", name="Zoek zonder deze synoniemen").click()
    expect(page).to_have_url(re.compile(r"synoniemen=nee"))
    expect(page.locator(".expanded")).to_have_count(0)
    assert page.locator(".hit").count() < widened


def test_a_search_shows_passages_with_their_pdf_page(page) -> None:
    page.goto("/?q=klimaatadaptatie")
    passage = page.locator(".hit .passages .passage").first
    expect(passage.locator("mark")).to_have_text("klimaatadaptatie")
    link = passage.get_by_role("link", name=re.compile(r"^Pagina \d+ \(PDF\)$"))
    shown_page = int(re.search(r"\d+", link.inner_text()).group())
    href = link.get_attribute("href")
    assert href.endswith(f"/bestand#page={shown_page}")
    pdf = page.request.get(href.split("#")[0])
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    # The fragment opens the viewer at the page that holds the passage's words.
    opened = PdfReader(io.BytesIO(pdf.body())).pages[shown_page - 1]
    assert "klimaatadaptatie" in opened.extract_text().lower()
    page.get_by_role("link", name="Passages").click()
    expect(page.locator("#aantal")).to_have_text(re.compile(r"passages? voor “klimaatadaptatie”"))
    expect(page.locator(".passage-hit .snippet mark").first).to_have_text("klimaatadaptatie")


def test_autocomplete_with_the_keyboard_only(page) -> None:
    page.goto("/")
    box = search_box(page)
    box.focus()
    page.keyboard.type("ouderbe")
    listbox = page.get_by_role("listbox", name="Suggesties")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#zoekformulier [role=status]")).to_have_text(
        re.compile(r"^\d+ suggesties? beschikbaar$"))
    first = listbox.get_by_role("option").first
    expect(first).to_have_text(re.compile(r"^ouderbetrokkenheid"))
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?q=ouderbetrokkenheid$"))
    expect(page.locator("#aantal")).to_have_text(re.compile(r"voor “ouderbetrokkenheid”"))

    box = search_box(page)
    box.fill("")
    box.focus()
    page.keyboard.type("kindc")
    expect(page.get_by_role("listbox", name="Suggesties")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("listbox", name="Suggesties")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("kindc")


def test_the_search_page_has_no_accessibility_violations(browser, server_url: str) -> None:
    """axe-core (bundled with axe-playwright-python, no download) at WCAG 2.1 A and
    AA, on a result page with filters open and the autocomplete list shown. The
    context bypasses the page's Content-Security-Policy only to inject axe."""
    import axe_playwright_python

    axe = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    context, page = _page(browser, server_url, bypass_csp=True,
                          viewport={"width": 1280, "height": 900})
    page.goto("/?q=kindcentra")
    page.locator("#filterformulier details").first.evaluate("d => d.open = true")
    search_box(page).focus()
    page.keyboard.press("End")
    page.keyboard.type(" ouder")
    expect(page.get_by_role("listbox", name="Suggesties")).to_be_visible()
    page.add_script_tag(path=str(axe))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})""")
    context.close()
    assert len(result["passes"]) > 20  # axe did check the page
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]]
    assert problems == []


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the keyboard focus")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'")


def test_one_search_with_the_keyboard_only(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    tab_to(page, "#q")
    assert focus_is_visible(page)
    page.keyboard.type("kindcentra")
    page.keyboard.press("Enter")
    expect(page.locator("#aantal")).to_have_text(re.compile(r"^\d+ resultaten voor “kindcentra”"))

    facet = "#filterformulier input[name=soort][value=onderzoeksrapport]"
    tab_to(page, facet)
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    expect(page.locator("#aantal")).to_have_text("2 resultaten voor “kindcentra”")
    expect(page.locator("a.chip")).to_have_text(re.compile("Onderzoeksrapport"))
    expect(page.locator(facet)).to_be_focused()

    tab_to(page, ".hit h3 a")
    title = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(title)


def test_filters_work_without_javascript(browser, server_url: str) -> None:
    context, page = _page(browser, server_url, java_script_enabled=False)
    try:
        page.goto("/?q=ouders")
        page.get_by_role("checkbox", name=re.compile(r"^Webinar")).check()
        page.get_by_role("button", name="Filters toepassen").click()
        expect(page.locator("#aantal")).to_have_text("1 resultaat voor “ouders”")
        expect(page.locator("a.chip")).to_have_text(re.compile("Documentsoort: Webinar"))
        page.get_by_role("link", name="Wis alle filters").click()
        expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")
    finally:
        context.close()


def test_the_page_fits_a_phone(browser, server_url: str) -> None:
    context, page = _page(browser, server_url, viewport={"width": 360, "height": 740},
                          is_mobile=True, has_touch=True)
    try:
        page.goto("/?q=kindcentra&soort=onderzoeksrapport")
        expect(page.locator(".hit").first).to_be_visible()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=OUTPUT / "resultaten-telefoon.png", full_page=True)
    finally:
        context.close()


def test_skip_link_jumps_past_the_filters(page) -> None:
    """Issue 16, part 5: without it, a keyboard user tabs through every filter (about 20
    stops) before reaching the first result."""
    page.goto("/?q=kindcentra")
    skip = page.get_by_role("link", name="Naar de resultaten")
    expect(skip).not_to_be_in_viewport()  # out of sight until it has the focus
    stops = 0
    while not page.evaluate("() => document.activeElement.textContent === 'Naar de resultaten'"):
        page.keyboard.press("Tab")
        stops += 1
        assert stops < 12, "the skip link must come before the filters"
        assert not page.evaluate(
            "() => !!document.activeElement.closest('#filterformulier')"), "filters first"
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#resultaten-kop")).to_be_focused()
    page.keyboard.press("Tab")  # on from the results: sorting, then the first result
    expect(page.locator("#resultaten a:visible").first).to_be_focused()


def test_a_long_facet_list_can_be_searched(page) -> None:
    """The year facet lists 12 values; typing narrows the list, in place."""
    page.goto("/")
    box = page.get_by_role("searchbox", name="Zoek een jaar")
    expect(box).to_be_visible()
    years = page.locator("#facet-jaar .options li")
    assert years.count() > 10
    box.fill("201")
    visible = page.locator("#facet-jaar .options li:visible .option-label")
    expect(visible).to_have_count(9)  # 2011 up to 2019
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.locator("#filters").screenshot(path=OUTPUT / "filter-zoeken.png")
    box.fill("2015")
    expect(visible).to_have_text(["2015"])
    expect(page.locator("#zoek-jaar-aantal")).to_have_text("1 waarde gevonden")
    box.press("Enter")  # does not submit the filter form
    expect(page).to_have_url(re.compile(r"/$"))
    # Past the hidden values: the folded list's toggle, then the value found.
    tab_to(page, "#filterformulier input[name=jaar][value='2015']", limit=3)
    page.keyboard.press("Space")
    expect(page.locator("a.chip")).to_have_text(re.compile("Jaar: 2015"))
    expect(page.locator("#aantal")).to_have_text("1 document, nieuwste eerst")
    box = page.get_by_role("searchbox", name="Zoek een jaar")
    box.fill("zzz")
    expect(visible).to_have_count(0)
    expect(page.locator("#zoek-jaar-aantal")).to_have_text("Geen waarden gevonden")
    box.fill("")
    expect(visible).to_have_count(years.count())


def test_the_facet_search_box_needs_javascript(browser, server_url: str) -> None:
    """Without script there is nothing to type in: the box stays hidden, every value
    is listed and the filters still work."""
    context, page = _page(browser, server_url, java_script_enabled=False)
    try:
        page.goto("/")
        expect(page.get_by_role("searchbox", name="Zoek een jaar")).to_have_count(0)
        expect(page.locator("#facet-jaar .options li")).to_have_count(12)
        page.get_by_role("link", name="Naar de resultaten").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#resultaten-kop")).to_be_focused()
    finally:
        context.close()


def test_the_result_page_offers_its_feed(page) -> None:
    page.goto("/?q=kindcentra")
    link = page.get_by_role("link", name="Volg nieuwe documenten bij deze zoekopdracht")
    expect(link).to_be_visible()
    feed = page.locator("link[rel=alternate][type='application/atom+xml']")
    expect(feed).to_have_attribute("href", re.compile(r"/feed\.atom\?q=kindcentra$"))
    page.get_by_role("checkbox", name=re.compile(r"^Onderzoeksrapport")).check()
    expect(page.locator("#aantal")).to_have_text("2 resultaten voor “kindcentra”")
    # Updated in place with the rest of the page.
    expect(feed).to_have_attribute(
        "href", re.compile(r"/feed\.atom\?q=kindcentra&soort=onderzoeksrapport$"))
    expect(link).to_have_attribute("href", re.compile(r"soort=onderzoeksrapport$"))
