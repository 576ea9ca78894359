"""The bad inputs users really have, made on the fly (no binary junk in the repo).

`write_bad_inputs(folder)` writes one or more files per kind and returns what each
should come to: "failed" (a clear line, nothing stored), "warning" (stored, with a
line saying what was guessed) or "skipped" (not an article at all).
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ARTICLE = ("Ukrainian forces struck a bridge over the Seym river on 16 August 2024, officials said. "
           "The strike cut a supply line that Russian troops used to reach the Kursk region.")
FUTURE = (date.today() + timedelta(days=400)).isoformat()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + zlib.compress(b"\x00" * 64)


@dataclass(frozen=True)
class BadInput:
    kind: str
    name: str  # path relative to the folder; for feeds and JSON Lines the origin suffix too
    outcome: str  # failed | warning | skipped
    reason: str  # words the reported line must contain


def _files(size_limit: int) -> list[tuple[BadInput, bytes]]:
    rss_entry = "<item><title>{t}</title><link>https://w.example/{n}</link><pubDate>{d}</pubDate><description>{b}</description></item>"
    return [
        (BadInput("binary", "image-named-as-text.txt", "failed", "binary"), PNG),
        (BadInput("binary", "no-suffix-binary", "failed", "binary"), bytes(range(256)) * 8),
        (BadInput("binary", "pdf-as-html.html", "failed", "binary"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00<<>>stream\x00\x01\x02"),
        (BadInput("binary", "zip-as-feed.xml", "failed", "binary"), b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + zlib.compress(b"x" * 500)),
        (BadInput("empty", "empty.txt", "failed", "empty"), b""),
        (BadInput("empty", "blank.md", "failed", "empty"), b" \n\n\t \n"),
        (BadInput("empty", "front-matter-only.md", "failed", "no article text"), b"---\ntitle: Nothing here\n---\n\n"),
        (BadInput("not utf-8", "cp1252.txt", "warning", "not valid UTF-8"),
         ("Zelensky’s “victory plan” — résumé\n\n" + ARTICLE + " Café owners in Sumy said it was “déjà vu”.").encode("cp1252")),
        (BadInput("not utf-8", "cyrillic-1251.txt", "warning", "not valid UTF-8"),
         ("Наступление в Курской области\n\nУкраинские войска пересекли границу 6 августа 2024 года. "
          "Москва перебросила резервы из Донбасса, сообщили аналитики.").encode("cp1251")),
        (BadInput("too large", "huge.txt", "failed", "limit"), (ARTICLE + "\n").encode() * (size_limit // len(ARTICLE) + 2)),
        (BadInput("html without article", "menu-only.html", "failed", "no article text"),
         b"<html><head><title>Home</title></head><body><nav><a href='/'>Home</a> <a href='/x'>World</a></nav></body></html>"),
        (BadInput("html without article", "script-only.htm", "failed", "no article text"),
         b"<!doctype html><html><body><script>var a = 1;</script><div id='app'></div></body></html>"),
        (BadInput("malformed feed", "truncated.rss", "failed", "feed"), b'<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>A'),
        (BadInput("malformed feed", "not-a-feed.xml", "failed", "feed"), b'<?xml version="1.0"?><catalog><book id="1"/></catalog>'),
        (BadInput("malformed feed", "entry-without-text.rss#1", "failed", "no article text"),
         ('<?xml version="1.0"?><rss version="2.0"><channel><title>X</title>'
          + rss_entry.format(t="Empty", n=1, d="Wed, 07 Aug 2024 10:00:00 GMT", b="") + "</channel></rss>").encode()),
        (BadInput("malformed JSON line", "batch.jsonl:2", "failed", "not valid JSON"),
         b'{"title": "Good", "text": "' + ARTICLE.encode() + b' A second line of news."}\n{"title": "Broken", "text": \n'),
        (BadInput("malformed JSON line", "records.jsonl:1", "failed", "JSON object"), b'["not", "an", "object"]\n'),
        (BadInput("malformed JSON line", "no-text.ndjson:1", "failed", "text"), b'{"title": "Only a title"}\n'),
        (BadInput("future date", "future.md", "failed", "future"), f"---\ntitle: T\npublished: {FUTURE}\n---\n{ARTICLE}\n".encode()),
        (BadInput("future date", "future.jsonl:1", "failed", "future"),
         json.dumps({"title": "T", "text": ARTICLE, "published": FUTURE}).encode() + b"\n"),
        (BadInput("future date", "future-feed.rss#1", "failed", "future"),
         ('<?xml version="1.0"?><rss version="2.0"><channel><title>X</title>'
          + rss_entry.format(t="Ahead", n=2, d="Fri, 01 Jan 2100 10:00:00 GMT", b=ARTICLE) + "</channel></rss>").encode()),
        (BadInput("broken front matter", "bad-yaml.md", "failed", "YAML"), f"---\ntitle: [unclosed\n---\n{ARTICLE}\n".encode()),
        (BadInput("unsafe URL", "js-url.md", "warning", "not an http(s) address"),
         f"---\ntitle: Links\nurl: \"javascript:alert('x')\"\n---\n{ARTICLE}\n".encode()),
        (BadInput("not an article", "page_files/style.css", "skipped", "not an article"), b"body { color: red }"),
        (BadInput("not an article", "page_files/photo.jpg", "skipped", "not an article"), b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
    ]


def write_bad_inputs(folder: Path, size_limit: int) -> list[BadInput]:
    """Write every bad input under `folder`; `size_limit` is the --max-size in force."""
    written = []
    for bad, data in _files(size_limit):
        path = folder / bad.name.split("#")[0].split(":")[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(bad)
    return written
