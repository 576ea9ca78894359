"""Readers: each format, manifests, standard input and origins, on files made here."""
from __future__ import annotations

import doctest
import importlib
import io
import json
from datetime import date

import pytest

from app.read import ReadError, iter_files, read_paths
from app.records import SourceDocument

BODY = ("Ukrainian troops crossed into Russia's Kursk region on 6 August 2024, officials said. "
        "The offensive surprised Moscow and forced it to move reserves from the Donbas front.")

PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Troops cross into Kursk | Example Daily</title>
<link rel="canonical" href="https://daily.example/world/kursk-crossing">
<meta property="article:published_time" content="2024-08-07T09:30:00Z">
<meta property="og:site_name" content="Example Daily">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Troops cross into Kursk</h1>
<p>{BODY}</p>
<p>Analysts said the operation was the largest incursion into Russian territory since the Second World War, and that it would test Moscow's ability to defend its own border regions.</p>
</article>
<footer>Subscribe to our newsletter. Cookie settings. Copyright Example Daily.</footer>
</body></html>"""

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Front Line Wire</title><link>https://wire.example/</link>
<item><title>Kursk crossing</title><link>https://wire.example/a</link>
<pubDate>Wed, 07 Aug 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;{BODY}&lt;/p&gt;&lt;p&gt;Second paragraph of the entry.&lt;/p&gt;</description></item>
<item><title>ATACMS decision</title><link>https://wire.example/b</link>
<pubDate>Mon, 18 Nov 2024 08:00:00 GMT</pubDate>
<description>Washington allowed Kyiv to fire ATACMS missiles into Russia on 17 November 2024.</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:x</id><updated>2024-08-07T00:00:00Z</updated>
<entry><title>Kursk crossing</title><id>urn:a</id><link href="https://atom.example/a"/>
<updated>2024-08-07T12:00:00Z</updated><content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry>
</feed>"""


def docs(items) -> list[SourceDocument]:
    return [i for i in items if isinstance(i, SourceDocument)]


def errors(items) -> list[ReadError]:
    return [i for i in items if isinstance(i, ReadError)]


@pytest.mark.parametrize("module", ["decode", "fields", "text", "html", "markup", "jsonl", "manifest", ""])
def test_docstring_examples_hold(module):
    mod = importlib.import_module("app.readers" + (f".{module}" if module else ""))
    result = doctest.testmod(mod)
    assert result.failed == 0 and result.attempted > 0


def test_plain_text_first_line_is_the_title(tmp_path):
    (tmp_path / "a.txt").write_text(f"Troops cross into Kursk\n\n{BODY}\n", encoding="utf-8")
    [doc] = read_paths([tmp_path / "a.txt"])
    assert doc.title == "Troops cross into Kursk"
    assert doc.text == BODY
    assert doc.url is None and doc.published is None and doc.warnings == ()


def test_markdown_front_matter_gives_metadata(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Kursk crossing\nsource: Example Daily\nurl: https://daily.example/k\n"
        f"published: 2024-08-07\n---\n{BODY}\n", encoding="utf-8")
    [doc] = read_paths([tmp_path / "a.md"])
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Kursk crossing", "Example Daily", "https://daily.example/k", date(2024, 8, 7))
    assert doc.text == BODY


def test_html_page_main_text_title_date_and_canonical_url(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    [doc] = read_paths([tmp_path / "page.html"])
    assert doc.title.startswith("Troops cross into Kursk")
    assert doc.url == "https://daily.example/world/kursk-crossing"
    assert doc.published == date(2024, 8, 7)
    assert BODY in doc.text
    assert "Cookie settings" not in doc.text and "Sport" not in doc.text
    assert not doc.text.startswith("Troops cross into Kursk\n")  # headline not repeated as a passage


def test_rss_gives_one_document_per_entry_with_origin(tmp_path):
    (tmp_path / "feed.xml").write_text(RSS, encoding="utf-8")
    items = list(read_paths([tmp_path / "feed.xml"]))
    assert [d.origin for d in docs(items)] == [f"{tmp_path}/feed.xml#1", f"{tmp_path}/feed.xml#2"]
    first, second = docs(items)
    assert first.title == "Kursk crossing" and first.url == "https://wire.example/a"
    assert first.published == date(2024, 8, 7) and first.source == "Front Line Wire"
    assert first.text.splitlines() == [BODY, "Second paragraph of the entry."]
    assert second.published == date(2024, 11, 18)


def test_atom_entries(tmp_path):
    (tmp_path / "desk.atom").write_text(ATOM, encoding="utf-8")
    [doc] = read_paths([tmp_path / "desk.atom"])
    assert doc.url == "https://atom.example/a" and doc.source == "Atom Desk"
    assert doc.published == date(2024, 8, 7) and doc.text == BODY


def test_json_lines_origin_names_the_line(tmp_path):
    lines = [
        {"title": "One", "text": BODY, "url": "https://x.example/1", "published": "2024-08-07", "source": "X"},
        {},
        {"title": "Two", "text": "Kyiv said on 17 November 2024 that it had fired the missiles."},
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    items = list(read_paths([tmp_path / "batch.jsonl"]))
    assert [d.origin.rsplit("/", 1)[1] for d in docs(items)] == ["batch.jsonl:1", "batch.jsonl:3"]
    assert docs(items)[0].published == date(2024, 8, 7) and docs(items)[0].source == "X"
    [bad] = errors(items)
    assert bad.origin.endswith("batch.jsonl:2") and "text" in bad.reason


def test_json_array_export(tmp_path):
    (tmp_path / "export.json").write_text(json.dumps([{"title": "A", "text": BODY}, {"title": "B", "body": BODY + " More."}]))
    items = list(read_paths([tmp_path / "export.json"]))
    assert [d.origin.rsplit("/", 1)[1] for d in docs(items)] == ["export.json#1", "export.json#2"]


def test_folders_are_walked_recursively_in_name_order_without_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/deep/z.txt", "a.txt", "b/m.md", ".hidden.txt", ".git/x.txt"):
        (tmp_path / name).write_text(f"Title {name}\n\n{BODY}", encoding="utf-8")
    found = [str(p.relative_to(tmp_path)) for p in iter_files([tmp_path])]
    assert found == ["a.txt", "b/m.md", "b/deep/z.txt"]
    assert len(docs(read_paths([tmp_path]))) == 3


def test_files_beside_saved_pages_that_are_not_articles_are_skipped(tmp_path):
    (tmp_path / "page.html").write_text(PAGE)
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "style.css").write_text("body { color: red }")
    (tmp_path / "page_files" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    items = list(read_paths([tmp_path]))
    assert len(docs(items)) == 1
    assert sorted((e.kind, e.origin.rsplit("/", 1)[1]) for e in errors(items)) == [("skipped", "logo.png"), ("skipped", "style.css")]


def test_standard_input_is_read_and_sniffed():
    stdin = io.BytesIO(RSS.encode())
    items = list(read_paths(["-"], stdin=stdin))
    assert [d.origin for d in docs(items)] == ["-#1", "-#2"]
    stdin = io.BytesIO(f"Kursk\n\n{BODY}".encode())
    [doc] = read_paths(["-"], stdin=stdin)
    assert doc.origin == "-" and doc.title == "Kursk"


def test_toml_manifest_fills_what_files_lack_and_never_overrides(tmp_path):
    (tmp_path / "timeline.toml").write_text(
        '[defaults]\nsource = "Kyiv Wire"\n'
        '[files."a.txt"]\nurl = "https://kw.example/a"\npublished = 2024-08-07\ntitle = "From manifest"\n'
        '[files."sub/b.md"]\npublished = 2024-11-18\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"Own title\n\n{BODY}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(f"---\ntitle: B\npublished: 2024-11-20\n---\n{BODY}")
    (tmp_path / "c.txt").write_text(f"C\n\n{BODY}")
    by_name = {d.origin.rsplit("/", 1)[1]: d for d in docs(read_paths([tmp_path]))}
    assert set(by_name) == {"a.txt", "b.md", "c.txt"}  # the manifest is no article
    a, b, c = by_name["a.txt"], by_name["b.md"], by_name["c.txt"]
    assert (a.url, a.published, a.source) == ("https://kw.example/a", date(2024, 8, 7), "Kyiv Wire")
    assert a.title == "From manifest"  # a plain text file carries no title field of its own
    assert b.published == date(2024, 11, 20)  # the file's own front matter wins
    assert (c.source, c.published) == ("Kyiv Wire", None)


def test_csv_manifest_applies_to_a_file_named_on_its_own(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,title,url,published,source\na.txt,Kursk,https://m.example/a,2024-08-07,M\n")
    (tmp_path / "a.txt").write_text(BODY)
    [doc] = read_paths([tmp_path / "a.txt"])
    assert (doc.title, doc.url, doc.published, doc.source) == ("Kursk", "https://m.example/a", date(2024, 8, 7), "M")


def test_urls_that_are_not_http_are_dropped_with_a_warning(tmp_path):
    (tmp_path / "a.md").write_text(f"---\ntitle: T\nurl: javascript:alert(1)\n---\n{BODY}")
    [doc] = read_paths([tmp_path / "a.md"])
    assert doc.url is None
    assert any("not an http(s) address" in w for w in doc.warnings)


def test_same_text_from_two_files_reads_to_equal_documents(tmp_path):
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(f"Kursk\n\n{BODY}")
    one, two = docs(read_paths([tmp_path]))
    assert (one.title, one.text, one.url) == (two.title, two.text, two.url)


def test_html_publication_date_comes_from_metadata_never_from_the_body(tmp_path):
    # A date in the article's text is an event's date; taking it for the page's
    # publication date would anchor every other date of the article wrongly.
    page = PAGE.replace('<meta property="article:published_time" content="2024-08-07T09:30:00Z">', "")
    (tmp_path / "undated.html").write_text(page, encoding="utf-8")
    [doc] = read_paths([tmp_path / "undated.html"])
    assert doc.published is None and "6 August 2024" in doc.text
    jsonld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
              '"datePublished": "2024-08-08T06:00:00Z"}</script>')
    (tmp_path / "jsonld.html").write_text(page.replace("</head>", jsonld + "</head>"), encoding="utf-8")
    [doc] = read_paths([tmp_path / "jsonld.html"])
    assert doc.published == date(2024, 8, 8)


def test_tracking_parameters_and_fragments_leave_the_url(tmp_path):
    (tmp_path / "a.md").write_text(
        f"---\ntitle: T\nurl: https://n.example/a?id=7&utm_source=rss&utm_medium=feed&fbclid=x#comments\n---\n{BODY}")
    [doc] = read_paths([tmp_path / "a.md"])
    assert doc.url == "https://n.example/a?id=7"


def test_markdown_markup_is_rendered_away_and_wrapped_lines_joined(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Kursk\n---\n# Kursk offensive\n\nUkrainian troops **crossed** into the "
        "[Kursk region](https://x.example/k) on\n6 August 2024, officials said.\n\n"
        "* Aid from the U.S. arrived.\n* Moscow moved reserves.\n\n<b>Raw</b> HTML stays text.\n")
    [doc] = read_paths([tmp_path / "a.md"])
    assert doc.text.splitlines() == [
        "Kursk offensive",
        "Ukrainian troops crossed into the Kursk region on 6 August 2024, officials said.",
        "Aid from the U.S. arrived.", "Moscow moved reserves.", "<b>Raw</b> HTML stays text."]
    (tmp_path / "b.txt").write_text("Title\n\nA *plain* text file keeps its [characters](as-is).\n")
    [doc] = read_paths([tmp_path / "b.txt"])
    assert doc.text == "A *plain* text file keeps its [characters](as-is)."


def test_feed_entry_paragraphs_are_whole_even_when_wrapped(tmp_path):
    entry = "&lt;p&gt;Troops crossed the border\non 6 August 2024.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;"
    (tmp_path / "f.rss").write_text(RSS.replace(f"&lt;p&gt;{BODY}&lt;/p&gt;&lt;p&gt;Second paragraph of the entry.&lt;/p&gt;", entry))
    first = next(iter(read_paths([tmp_path / "f.rss"])))
    assert first.text.splitlines() == ["Troops crossed the border on 6 August 2024.", "Second."]


def test_plain_markdown_skips_rendering_and_reads_as_rendered():
    # markdown_to_text takes text with no markup as paragraphs without rendering it:
    # the same lines as CommonMark's rendering, on texts made of the characters and
    # line shapes that come near markup (list and heading openers, hard breaks, indents).
    import random

    from app.readers.markup import _MARKDOWN, _PLAIN, html_to_text, markdown_to_text

    random.seed(7)
    pieces = list("ab cd.,;:-+*=_1234567890)(?'\"\u00a0é$%@/") + ["\n"] * 4 + ["  ", "    ", "\n\n", " \n"]
    plain = 0
    for _ in range(20000):
        text = "".join(random.choice(pieces) for _ in range(random.randint(0, 40)))
        assert markdown_to_text(text) == html_to_text(_MARKDOWN.render(text)), repr(text)
        plain += bool(_PLAIN.fullmatch(text))
    assert plain > 3000
    article = "Troops crossed the border on 6 August 2024.\nOfficials said so.\n\n   Kyiv was struck.  \nAgain.\n"
    assert _PLAIN.fullmatch(article) is None  # a hard line break: rendered
    assert markdown_to_text(article) == "Troops crossed the border on 6 August 2024. Officials said so.\nKyiv was struck.\nAgain."
    assert markdown_to_text("Troops crossed.\n\n\n  Officials said so.\n") == "Troops crossed.\nOfficials said so."
    for marked in ("- a list", "1. a list", "# heading", "a *word*", "text\n===", "    code", "a &amp; b"):
        assert _PLAIN.fullmatch(marked) is None
