"""Safety of the server: article content containing HTML or script is shown as text
on every page, permalink, export and Open Graph tag; links are only http(s); the
security headers are on every response; bad parameters are 400/404, never 500;
nothing can be written over HTTP."""
from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import models
from app.cli import main
from app.db import make_engine
from app.security import security_headers
from app.web import create_app

# Real payloads, in every field a reader fills: title, source, URL, body text.
FRONT_MATTER_ARTICLE = """---
title: "<script>alert('title')</script> Kursk <img src=x onerror=alert('img')>"
source: "<b onmouseover=alert('source')>Wire</b>"
url: "https://evil.example/a\\"><script>alert('url')</script>"
published: 2024-08-07
---
<script>alert('text')</script> Ukraine launched an offensive into Russia's Kursk region on 6 August 2024 <img src=x onerror=alert('sentence')>, officials said.

"><svg onload=alert('svg')> Russia said on 8 August 2024 that <iframe src=javascript:alert('iframe')></iframe> its troops had stopped the advance.

On 10 August 2024, Ukraine captured <script>alert('t2')</script> Sudzha and shelled Belgorod with HIMARS.
"""
FORMULA_ARTICLE = """---
title: "=HYPERLINK(\\"https://evil.example\\",\\"click\\")"
published: 2024-08-20
---
Poland closed a border crossing with Belarus on 19 August 2024, the interior ministry said.
"""
JSON_LINE = {"title": '<a href="javascript:alert(1)">click</a>',
             "text": "NATO met on 9 August 2024 in Brussels </textarea><script>alert(9)</script>, diplomats said.",
             "url": "javascript:alert(document.cookie)", "source": "{{ 7*7 }}"}
HTML_PAGE = """<!doctype html><html><head><title>&lt;script&gt;alert('page')&lt;/script&gt; Strike</title>
<link rel="canonical" href="javascript:alert('canonical')"></head><body><article>
<p>On 12 August 2024, Russia struck Kharkiv &lt;img src=x onerror=alert('escaped-in-source')&gt; with glide bombs, the governor said.</p>
<p>Emergency services said the strike on 12 August 2024 damaged a school and several houses in the city.</p>
</article></body></html>"""

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class PageCheck(HTMLParser):
    """Collects every way a page could run article content as code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.meta: dict[str, str] = {}
        self.links_out: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "data", "poster") and value:
                scheme = value.strip().lower()
                if scheme.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._in_script = True
            if not (attributes.get("src") or "").startswith("/static/"):
                self.problems.append(f"<script> not from /static/: {attributes}")
        if tag in ("iframe", "object", "embed", "base"):  # the page draws its axis in <svg>: its attributes are checked above
            self.problems.append(f"<{tag}> in the page")
        if tag == "img" and attributes.get("src") == "x":
            self.problems.append("payload <img> rendered")
        if tag == "meta" and (attributes.get("property") or attributes.get("name")):
            self.meta[attributes.get("property") or attributes.get("name")] = attributes.get("content") or ""
        if tag == "a" and attributes.get("href"):
            parts = urlsplit(attributes["href"])
            if parts.netloc and parts.netloc != "testserver":
                self.links_out.append(attributes["href"])
            if parts.scheme and parts.scheme not in ("http", "https"):
                self.problems.append(f"link with scheme {parts.scheme}: {attributes['href']!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")


def check_html(html: str) -> PageCheck:
    checker = PageCheck()
    checker.feed(html)
    checker.close()
    return checker


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    (folder / "front.md").write_text(FRONT_MATTER_ARTICLE, encoding="utf-8")
    (folder / "lines.jsonl").write_text(json.dumps(JSON_LINE) + "\n", encoding="utf-8")
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "formula.md").write_text(FORMULA_ARTICLE, encoding="utf-8")
    db = f"sqlite:///{tmp_path_factory.mktemp('db') / 'xss.db'}"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", db])
    assert result.exit_code == 0, result.output
    engine = make_engine(db)
    with TestClient(create_app(engine)) as client:
        yield client, engine
    engine.dispose()


def every_page(client: TestClient, engine) -> list[str]:
    """Every HTML page of the site over the payload documents."""
    events = client.get("/api/events").json()["events"]
    assert events, "the payload articles gave no events"
    with Session(engine) as s:
        document_ids = s.exec(select(models.Document.id)).all()
    actors = [a["slug"] for a in client.get("/api/actors").json()]
    weapons = [w["slug"] for w in client.get("/api/weapons").json()]
    return (["/", "/?q=Kursk", "/?q=script", "/?from=2024-08-01&to=2024-08-31"]
            + [f"/events/{e['slug']}" for e in events] + [f"/documents/{i}" for i in document_ids]
            + [f"/actors/{a}" for a in actors] + [f"/weapons/{w}" for w in weapons])


def test_payloads_are_shown_as_text_on_every_page(site):
    client, engine = site
    pages = every_page(client, engine)
    shown_escaped = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert check_html(response.text).problems == [], path
        shown_escaped += "&lt;script&gt;" in response.text
    # The payloads are really on the pages, as text: the check above is not vacuous.
    assert shown_escaped >= 3


def test_permalink_open_graph_tags_carry_payloads_as_text(site):
    client, _ = site
    events = client.get("/api/events").json()["events"]
    kursk = next(e for e in events if "Kursk" in e["title"])
    page = check_html(client.get(f"/events/{kursk['slug']}").text)
    assert page.problems == []
    assert page.meta["og:title"].startswith(kursk["title"])
    assert "<script>" in page.meta["og:description"]  # the quote, as text in an attribute
    assert urlsplit(page.meta["og:url"]).scheme in ("http", "https")


def test_document_links_out_only_over_http(site):
    client, engine = site
    with Session(engine) as s:
        documents = s.exec(select(models.Document)).all()
    assert {d.url for d in documents} == {'https://evil.example/a"><script>alert(\'url\')</script>', None}
    for document in documents:
        page = check_html(client.get(f"/documents/{document.id}").text)
        assert page.problems == []
        if document.url:  # the link to the original is the URL itself, attribute-escaped
            assert page.links_out == [document.url]




@pytest.mark.parametrize("fmt", ["timelinejs", "json", "csv", "ics"])
def test_exports_never_turn_payloads_into_markup(site, fmt):
    client, _ = site
    response = client.get(f"/export/{fmt}")
    assert response.status_code == 200
    assert not response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    if fmt == "timelinejs":
        # TimelineJS renders these strings as HTML: each must be safe markup.
        def strings(value):
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                for item in value.values():
                    yield from strings(item)
            elif isinstance(value, list):
                for item in value:
                    yield from strings(item)
        html_strings = [s for s in strings(response.json()) if "<" in s or "&lt;" in s]
        assert html_strings and all(check_html(s).problems == [] for s in html_strings)
        assert any("&lt;script&gt;" in s for s in html_strings)
    else:
        assert "<script>" in response.text or fmt == "ics"  # carried as data, for a data format


def test_csv_export_cells_never_start_a_formula(site):
    client, _ = site
    rows = list(csv.reader(io.StringIO(client.get("/export/csv").text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)  # the formula payload is exported, as text
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_javascript_urls_never_reach_the_database(site):
    _, engine = site
    with Session(engine) as s:
        urls = [u for u in s.exec(select(models.Document.url)) if u]
    assert urls and all(urlsplit(u).scheme in ("http", "https") for u in urls)


@pytest.mark.parametrize("path", ["/", "/events/x", "/documents/1", "/api/events", "/export/csv",
                                  "/static/style.css", "/no/such/page", "/api/events?page=0"])
def test_security_headers_on_every_response(site, path):
    client, _ = site
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert script_src == ["'self'"]
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    if path.startswith("/events/"):
        assert "frame-ancestors *" in policy and "x-frame-options" not in headers
    else:
        assert "frame-ancestors 'none'" in policy and headers["x-frame-options"] == "DENY"


def test_only_the_api_docs_page_allows_its_inline_script():
    assert b"'unsafe-inline'" in security_headers("/docs")[b"content-security-policy"]
    for path in ("/", "/events/a", "/documents/1", "/docs/../", "/docsx"):
        policy = security_headers(path)[b"content-security-policy"]
        assert b"script-src 'self';" in policy, path


BAD_REQUESTS = [
    ("/api/events?from=2024-13-45", 400, "from"),
    ("/api/events?to=yesterday", 400, "to"),
    ("/api/events?page=100000000", 400, "page"),
    ("/api/events?page=-1", 400, "page"),
    ("/api/events?page=abc", 400, "page"),
    ("/api/events?q=" + "x" * 5000, 400, "q"),
    ("/?from=not-a-date", 400, "from"),
    ("/?page=99999999999999999999999", 400, "page"),
    ("/events/no-such-event", 404, "no-such-event"),
    ("/api/events/no-such-event", 404, "no-such-event"),
    ("/documents/999999", 404, "999999"),
    ("/documents/99999999999999999999999", 400, "document_id"),
    ("/documents/abc", 400, "document_id"),
    ("/actors/nobody-at-all", 404, "nobody-at-all"),
    ("/export/pdf", 400, "fmt"),
    ("/api/events?actor=%00%ff&q=%00", None, ""),
    ("/api/events?q=%ED%A0%80", None, ""),
]


@pytest.mark.parametrize("path,status,mention", BAD_REQUESTS)
def test_bad_parameters_get_a_clear_4xx_never_a_500(site, path, status, mention):
    client, _ = site
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
    if status is not None:
        assert response.status_code == status, (path, response.text[:200])
        assert mention in response.text
    else:
        assert response.status_code in (200, 400, 404)


def test_server_is_read_only(site):
    client, _ = site
    for route in client.app.routes:
        assert set(getattr(route, "methods", None) or {"GET"}) <= {"GET", "HEAD"}, route.path
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/events").status_code == 405


SEARCH_SYNTAX = ['"', "*", "NEAR(a b", "a AND", "-x", "^x", "title:x", "'", "\\", "()", "a OR OR b",
                 "%", "_", "ÿ\x00", "😀 x*", '"a" "b', "{x}", "x NOT", "AND", "NEAR"]


@pytest.mark.parametrize("path", ["/api/events", "/", "/export/csv"])
def test_search_words_that_are_query_syntax_never_break_the_search(site, path):
    # Full-text search has its own syntax (quotes, *, NEAR, AND, column:); what a
    # reader types must be searched for, never parsed as that syntax.
    client, _ = site
    for q in SEARCH_SYNTAX:
        response = client.get(path, params={"q": q})
        assert response.status_code in (200, 400), (q, response.status_code)
