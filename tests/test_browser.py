"""The explorer in a real browser: Debian's chromium driven by playwright, against the
real server (`timeline serve`) over the ingested seed articles.

Screenshots of the main views go to test-artifacts/ for a person to look at.
"""
from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from app.cli import run_ingest

sys.path.insert(0, str(Path(__file__).parent))
from live_server import start_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TIMELINEJS = ROOT / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _serve(paths: tuple[str, ...], folder: Path):
    """Ingest `paths` into a new database and serve it; yields the base URL."""
    url = f"sqlite:///{folder / 'timeline.db'}"
    assert run_ingest(paths, url, (), quiet=True) == 0
    process, base = start_server(["--db", url])
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from _serve((str(SEEDS),), tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def long_server(tmp_path_factory):
    """The seeds and enough made-up articles for more than one page of events."""
    from synthetic import write_articles

    folder = tmp_path_factory.mktemp("long")
    write_articles(folder / "articles", 40)
    yield from _serve((str(SEEDS), str(folder / "articles")), folder)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A browser page that records console errors and uncaught exceptions."""

    def __init__(self, browser, base: str, **context_options):
        self.context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"{r.url}: {r.failure}"))

    def open(self, path: str):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def shot(self, name: str, full_page: bool = False) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def tab(browser, server):
    tab = Page(browser, server)
    yield tab
    tab.context.close()


def api(server: str, path: str):
    with urllib.request.urlopen(server + path) as response:
        return json.load(response)


def listed_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".event .title").all_inner_texts()]


def wait_for_swap(page) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_timeline_loads_without_console_errors(tab, server):
    page = tab.open("/")
    expect(page.locator("h1#heading")).to_contain_text("All events")
    assert len(listed_titles(page)) == api(server, "/api/events")["total"] or len(listed_titles(page)) == 50
    assert page.locator(".bars a[data-from]").count() >= 2
    tab.shot("timeline")
    tab.shot("timeline-full", full_page=True)
    assert tab.errors == []


def test_actor_chip_filters_pushes_url_and_reload_gives_the_same_list(tab):
    page = tab.open("/")
    everything = listed_titles(page)
    chip = page.locator(".event .chip.actor").first
    name = chip.inner_text().strip()
    chip.click()
    page.wait_for_url(re.compile(r"[?&]actor="))
    wait_for_swap(page)
    expect(page.locator("h1#heading")).to_contain_text(f"involving {name}")
    filtered = listed_titles(page)
    assert 0 < len(filtered) < len(everything)
    for event in page.locator(".event").all():
        assert name in event.locator(".chip.actor").all_inner_texts()
    url = page.url
    tab.shot("timeline-actor")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.url == url and listed_titles(page) == filtered
    page.go_back()
    page.wait_for_url(lambda url: "?" not in url)
    wait_for_swap(page)
    assert listed_titles(page) == everything
    assert tab.errors == []


def test_keyboard_alone_can_filter_and_keeps_its_place(tab):
    page = tab.open("/")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    facet = page.locator("#facet-actors ~ ul a.facet").first
    name = facet.locator(".name").inner_text()
    facet.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]actor="))
    wait_for_swap(page)
    # The activated link was swapped out; its replacement (same id) keeps the focus.
    expect(page.locator("#facet-actors ~ ul a.facet[aria-current]")).to_be_focused()
    expect(page.locator("#status")).to_contain_text(f"involving {name}")
    assert page.title().startswith(f"Events involving {name}")
    assert tab.errors == []


def test_typing_a_date_filters_once_when_the_field_is_left(tab):
    page = tab.open("/")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "from=" in r.url else None)
    page.focus("#from")
    page.keyboard.type("12012024", delay=60)  # month, day, year: a request per digit would break it
    page.wait_for_timeout(300)
    assert requests == []
    page.focus("#to")
    page.wait_for_url(re.compile(r"[?&]from=2024-12-01"))
    wait_for_swap(page)
    assert len(requests) == 1
    expect(page.locator("#from")).to_have_value("2024-12-01")
    expected = [e["title"] for e in api(tab.base, "/api/events?from=2024-12-01")["events"]]
    assert listed_titles(page) == expected and len(expected) < api(tab.base, "/api/events")["total"]
    assert tab.errors == []


def test_clicking_a_period_zooms_in(tab):
    page = tab.open("/")
    level = page.locator("#axis-heading").inner_text()
    bar = page.locator(".bars a[data-from]").last
    first, last = bar.get_attribute("data-from"), bar.get_attribute("data-to")
    bar.click()
    page.wait_for_url(re.compile(rf"from={first}&to={last}"))
    wait_for_swap(page)
    assert page.locator("#axis-heading").inner_text() != level
    for stamp in page.locator(".event time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))"):
        assert stamp <= last
    expect(page.locator(".zoom-out")).to_contain_text("All time")
    tab.shot("timeline-zoomed")
    assert tab.errors == []


def test_dragging_across_bars_zooms_to_the_range(tab):
    page = tab.open("/")
    bars = page.locator(".bars a[data-from]")
    start, end = bars.nth(0), bars.nth(2)
    first, last = start.get_attribute("data-from"), end.get_attribute("data-to")
    a, b = start.bounding_box(), end.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(rf"from={first}&to={last}"))
    wait_for_swap(page)
    expect(page.locator("#from")).to_have_value(first)
    expect(page.locator("#to")).to_have_value(last)
    assert tab.errors == []


def _word_only_in_passage(event: dict) -> str:
    title = event["title"].lower()
    words = re.findall(r"[A-Za-z]{7,}", " ".join(s["passage"] for s in event["sources"]))
    return next(w for w in sorted(words, key=len, reverse=True) if w.lower() not in title)


def test_search_finds_an_event_by_a_word_of_its_passage(tab, server):
    event = next(e for e in api(server, "/api/events?reported=false")["events"] if e["precision"] == "day")
    word = _word_only_in_passage(event)
    page = tab.open("/")
    page.fill("#q", word)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    wait_for_swap(page)
    assert event["title"] in listed_titles(page)
    expect(page.locator("mark.hit").first).to_be_visible()
    assert word.lower() in page.locator("mark.hit").first.inner_text().lower()
    tab.shot("timeline-search")
    assert tab.errors == []


def _inauguration(server):
    return next(e for e in api(server, "/api/events?from=2025-01-20&to=2025-01-20&reported=false")["events"]
                if e["precision"] == "day")


def test_permalink_page_highlights_the_dating_phrase_and_copies_its_link(browser, server):
    tab = Page(browser, server, permissions=["clipboard-read", "clipboard-write"])
    event = _inauguration(server)
    page = tab.open(event["url"])
    phrases = {s["dating_phrase"]["text"] for s in event["sources"] if s["dating_phrase"]}
    marks = page.locator("blockquote mark.timex")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) == phrases
    assert page.locator('meta[property="og:title"]').get_attribute("content").startswith(event["title"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == server + event["url"]
    tab.shot("event")
    assert tab.errors == []
    tab.context.close()


def test_article_page_scrolls_to_and_highlights_the_passage(tab, server):
    sources = [s for e in api(server, "/api/events")["events"] for s in e["sources"]]
    deepest = max(sources, key=lambda s: int(s["url"].rsplit("-", 1)[1]))
    page = tab.open(deepest["url"])
    anchor = "#" + deepest["url"].split("#")[1]
    passage = page.locator(anchor)
    expect(passage).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    background = passage.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert passage.locator("a[href^='/events/']").count() >= 1
    tab.shot("article")
    assert tab.errors == []


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_axe_finds_no_serious_or_critical_violation(browser, server, viewport):
    # Injected through the DevTools protocol, so the page's CSP does not apply to axe itself.
    tab = Page(browser, server, viewport=viewport, bypass_csp=True)
    event = _inauguration(server)
    paths = ["/", "/?actor=ukraine&q=missiles", event["url"], event["sources"][0]["url"].split("#")[0],
             "/actors/ukraine", "/actors", "/weapons", "/events/no-such-event"]
    source = AXE.read_text()
    for path in paths:
        page = tab.open(path)
        page.evaluate(source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], (path, bad)
    tab.context.close()


def test_phone_sized_screen_has_no_sideways_scrolling(browser, server):
    tab = Page(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    for path, name in (("/", "phone-timeline"), (_inauguration(server)["url"], "phone-event"),
                       ("/actors", "phone-actors")):
        page = tab.open(path)
        # Mobile emulation may widen the layout to fit what overflows, so measure the
        # elements themselves against the screen's width.
        widest = page.evaluate("Math.max(...Array.from(document.querySelectorAll('body *'))"
                               ".filter(e => !e.closest('.facets ul'))"
                               ".map(e => e.getBoundingClientRect().right))")
        assert widest <= 391, (path, widest)
        tab.shot(name)
    page = tab.open("/")
    page.locator(".facets a.facet").nth(3).tap()
    page.wait_for_url(re.compile(r"[?&](actor|reported|disputed)="))
    assert tab.errors == []
    tab.context.close()


def test_with_javascript_off_every_filter_still_works(browser, server):
    tab = Page(browser, server, java_script_enabled=False)
    page = tab.open("/")
    everything = listed_titles(page)
    page.locator("#facet-actors ~ ul a.facet").first.click()
    page.wait_for_load_state()
    assert re.search(r"\?actor=", page.url)
    by_actor = listed_titles(page)
    assert 0 < len(by_actor) < len(everything)
    page.locator(".bars a[data-from]").first.click()
    page.wait_for_load_state()
    assert "from=" in page.url and "actor=" in page.url
    page.fill("#q", "missiles")
    page.press("#q", "Enter")
    page.wait_for_load_state()
    assert "q=missiles" in page.url and "actor=" in page.url
    page.locator("#f-kind-dated").click()
    page.wait_for_load_state()
    assert "reported=false" in page.url
    tab.shot("nojs-filtered")
    tab.context.close()


def test_the_timelinejs_export_loads_in_timelinejs(browser, server):
    # TimelineJS from the npm registry (scripts/test installs it), on a blank page.
    tab = Page(browser, server)
    with urllib.request.urlopen(server + "/export/timelinejs?actor=ukraine") as response:
        data = json.load(response)
    assert data["events"]
    page = tab.page
    page.set_content('<!doctype html><html><body><div id="tl" style="height: 640px"></div></body></html>')
    page.add_style_tag(path=str(TIMELINEJS / "css" / "timeline.css"))
    page.add_script_tag(path=str(TIMELINEJS / "js" / "timeline.js"))
    loaded = page.evaluate("""data => new Promise((resolve, reject) => {
        // No web fonts: the test runs offline, and the fonts are not the data's concern.
        const timeline = new TL.Timeline('tl', data, {font: null});
        timeline.on('loaded', () => resolve({events: timeline.config.events.length,
                                             errors: timeline.config.getErrors()}));
        setTimeout(() => reject(new Error('TimelineJS did not load the data')), 10000);
    })""", data)
    assert loaded == {"events": len(data["events"]), "errors": []}
    page.wait_for_timeout(500)
    tab.shot("timelinejs")
    assert tab.errors == []
    tab.context.close()


def test_load_more_appends_the_next_page_in_place(browser, long_server):
    tab = Page(browser, long_server)
    total = api(long_server, "/api/events")["total"]
    assert total > 50
    page = tab.open("/")
    first = listed_titles(page)
    assert len(first) == 50
    more = page.locator("#more")
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".event .title")).to_have_count(min(total, 100))
    assert listed_titles(page)[:50] == first
    assert listed_titles(page)[50:] == [e["title"] for e in api(long_server, "/api/events?page=2")["events"]]
    assert "page=" not in page.url  # the page's own view is unchanged
    assert page.locator("nav.pager").count() == 1
    years = page.locator("h2.year").all_inner_texts()
    assert len(years) == len(set(years))  # a year that goes on across pages keeps one heading
    if total > 100:
        expect(page.locator("#more")).to_be_focused()
    tab.shot("timeline-load-more", full_page=True)
    assert tab.errors == []
    tab.context.close()
