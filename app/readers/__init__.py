"""Reading articles from files, folders and standard input into SourceDocuments.

Formats: plain text and Markdown (with optional YAML front matter), saved web pages,
RSS/Atom feeds (one document per entry), JSON Lines and JSON exports. A manifest
beside the articles fills metadata the files lack (see manifest.py).

Readers never raise for one bad input: they yield a ReadError naming the file (or
`feed.xml#3`, `batch.jsonl:12`) and the reason, and the batch goes on.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..records import SourceDocument
from .decode import NotText, decode_text, looks_binary
from .feed import BadFeed, read_feed
from .fields import Fields, ReadError, finish, title_and_body
from .html import read_html
from .jsonl import read_json_document, read_json_lines, fields_of, BadRecord
from .manifest import MANIFEST_NAMES, Manifests
from .text import BadFrontMatter, read_text

__all__ = ["DEFAULT_MAX_SIZE", "STDIN", "Input", "ReadError", "detect_format", "iter_files", "plan_inputs", "read_input",
           "read_paths", "title_and_body"]

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
STDIN = "-"

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt", ".text", ""} | MARKDOWN_SUFFIXES
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"} | JSON_LINES_SUFFIXES
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSON_SUFFIXES


def _walk(folder: Path) -> Iterator[Path]:
    # os.walk does not follow symbolic links to folders, so a link loop cannot hang a run.
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name not in MANIFEST_NAMES:
                yield Path(dirpath) / name


def _inputs(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path | None]]:
    """(file, the folder it was found in, or None when it was named itself)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from ((p, path) for p in _walk(path))
        else:
            yield path, None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named by `paths`, folders walked recursively in name order; `-` is
    standard input. Hidden files and manifests are left out."""
    return (path for path, _ in _inputs(paths))


def detect_format(suffix: str | None, head: bytes) -> str:
    """"text", "markdown", "html", "feed", "jsonl" or "json" (one JSON value, else lines), from the file name's suffix and, where that
    says nothing (standard input, `.xml`, an unknown suffix), from the first bytes.

    >>> detect_format(".xml", b'<?xml version="1.0"?><rss version="2.0">'), detect_format(None, b"{}")
    ('feed', 'json')
    """
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in JSON_LINES_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in TEXT_SUFFIXES - {""}:
        return "text"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
        return "feed"
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if start.startswith((b"{", b"[")):
        return "json"
    return "text"


def _documents(origin: str, data: bytes, fmt: str, meta: Fields) -> Iterator[SourceDocument | ReadError]:
    """Every document in one input's bytes, with `meta` filling what they lack."""
    if not data.strip():
        yield ReadError(origin, "empty file")
        return
    if fmt == "feed":
        if looks_binary(data):
            raise NotText("binary file, not a feed")
        for number, found in enumerate(read_feed(data), start=1):
            yield finish(f"{origin}#{number}", found.filled_from(meta))
        return
    decoded = decode_text(data)
    notes = [decoded.warning] if decoded.warning else []

    def done(where: str, found: Fields) -> SourceDocument | ReadError:
        found.warnings[:0] = notes
        return finish(where, found.filled_from(meta))

    if fmt == "html":
        found = read_html(decoded.text)
        yield done(origin, found) if found.text else ReadError(origin, "no article text found in the page")
    elif fmt in ("json", "jsonl"):
        records = read_json_document(decoded.text) if fmt == "json" else None
        if records is None:
            for number, found in read_json_lines(decoded.text):
                where = f"{origin}:{number}"
                yield ReadError(where, str(found)) if isinstance(found, BadRecord) else done(where, found)
        else:
            for number, record in enumerate(records, start=1):
                where = origin if len(records) == 1 else f"{origin}#{number}"
                try:
                    yield done(where, fields_of(record))
                except BadRecord as exc:
                    yield ReadError(where, str(exc))
    else:
        yield done(origin, read_text(decoded.text, markdown=fmt == "markdown"))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


@dataclass(frozen=True)
class Input:
    """One file to read (or standard input's bytes, read already), with the metadata
    its manifest gives. `plan_inputs` makes them, `read_input` reads one: an ingest
    plans in its writer and reads in its analysis processes."""

    origin: str
    path: Path | None
    suffix: str | None
    meta: Fields
    data: bytes | None = None


def plan_inputs(
    paths: Iterable[str | Path],
    max_size: int = DEFAULT_MAX_SIZE,
    stdin: BinaryIO | None = None,
) -> Iterator[Input | ReadError]:
    """The inputs `read_paths` reads, or a ReadError for each one refused unread
    (missing, not a regular file, over `max_size`, not an article format in a folder)."""
    manifests = Manifests()
    for path, folder in _inputs(paths):
        origin = str(path)
        try:
            if origin == STDIN:
                stream = stdin or sys.stdin.buffer
                data = read_at_most(stream, max_size + 1)
                if len(data) > max_size:
                    yield ReadError(origin, f"standard input is over the {_size(max_size)} limit (--max-size)")
                    continue
                yield Input(origin, None, None, Fields(), data)
                continue
            suffix = path.suffix.lower()
            if folder is not None and suffix not in ARTICLE_SUFFIXES:
                yield ReadError(origin, f"not an article format ({suffix} file)", kind="skipped")
                continue
            if not path.exists():
                yield ReadError(origin, "no such file or folder")
                continue
            if not path.is_file():
                yield ReadError(origin, "not a regular file")
                continue
            size = path.stat().st_size
            if size > max_size:
                yield ReadError(origin, f"file is {_size(size)}, over the {_size(max_size)} limit (--max-size)")
                continue
            meta = manifests.fields_for(path.absolute(), (folder or path.parent).absolute())
            while manifests.errors:
                yield ReadError(*manifests.errors.pop(0))
            yield Input(origin, path, suffix, meta)
        except OSError as exc:
            yield ReadError(origin, exc.strerror or str(exc))


READ_BLOCK = 1 << 16


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """The first `limit` bytes of `stream` (all of it if shorter), read in blocks:
    `stream.read(limit)` allocates `limit` bytes before it reads, 10 MB (the default
    --max-size) for each article of a few kilobytes.

    >>> import io
    >>> read_at_most(io.BytesIO(b"x" * 70_000), 65_537) == b"x" * 65_537
    True
    """
    blocks, size = [], 0
    while size < limit:
        block = stream.read(min(READ_BLOCK, limit - size))
        if not block:
            break
        blocks.append(block)
        size += len(block)
    return b"".join(blocks)


def read_input(item: Input, max_size: int = DEFAULT_MAX_SIZE) -> Iterator[SourceDocument | ReadError]:
    """Every document in one planned input, or a ReadError naming it and the reason."""
    try:
        data = item.data
        if data is None:
            with item.path.open("rb") as handle:
                data = read_at_most(handle, max_size + 1)
        yield from _documents(item.origin, data, detect_format(item.suffix, data[:2048]), item.meta)
    except (NotText, BadFeed, BadFrontMatter) as exc:
        yield ReadError(item.origin, str(exc))
    except OSError as exc:
        yield ReadError(item.origin, exc.strerror or str(exc))
    except Exception as exc:  # an extractor choking on hostile markup must not end the batch
        yield ReadError(item.origin, f"could not be read ({type(exc).__name__}: {exc})")


def read_paths(
    paths: Iterable[str | Path],
    max_size: int = DEFAULT_MAX_SIZE,
    stdin: BinaryIO | None = None,
) -> Iterator[SourceDocument | ReadError]:
    """Every document in `paths`, or a ReadError for each input that gives none.

    Files over `max_size` bytes are refused unread. In folders, files whose suffix
    says they are no article (images, styles) are skipped; a file named on its own
    is read whatever its name.

    >>> [d.title for d in read_paths([]) ]
    []
    """
    for item in plan_inputs(paths, max_size, stdin):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_input(item, max_size)
