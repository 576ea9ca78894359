"""Reading articles from files and folders into SourceDocuments.

Readers never raise for one bad file: they yield a ReadError naming the file and
the reason, and the batch goes on.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .records import SourceDocument

TEXT_SUFFIXES = {".txt", ".text", ""}


@dataclass(frozen=True)
class ReadError:
    origin: str
    reason: str


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named by `paths`, folders walked recursively in name order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def title_and_body(text: str) -> tuple[str, str]:
    """A plain-text article's first non-empty line is its title when it reads as one.

    >>> title_and_body("A headline\\n\\nThe body.")
    ('A headline', 'The body.')
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # A headline is short and does not end like a sentence.
    if first and len(first) <= 200 and not first.endswith((".", "!", "?")):
        return first, text.split(first, 1)[1].lstrip("\n")
    words = first.split()
    return (" ".join(words[:12]) + ("…" if len(words) > 12 else "")), text


def read_text_file(path: Path) -> SourceDocument:
    text = path.read_bytes().decode("utf-8")
    title, body = title_and_body(text)
    return SourceDocument(origin=str(path), title=title, text=body)


def read_paths(paths: Iterable[str | Path]) -> Iterator[SourceDocument | ReadError]:
    """Every document in `paths`, or a ReadError for each file that cannot be read."""
    for path in iter_files(paths):
        try:
            if not path.exists():
                yield ReadError(str(path), "no such file or folder")
                continue
            yield read_text_file(path)
        except UnicodeDecodeError as exc:
            yield ReadError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except OSError as exc:
            yield ReadError(str(path), exc.strerror or str(exc))
