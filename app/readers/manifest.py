"""Manifests: a `timeline.toml` or `manifest.csv` beside the articles gives metadata
to files that carry none (plain text has no place for a URL or a date).

TOML::

    [defaults]                 # every file in this folder and below
    source = "Kyiv Post"
    [files."kursk.txt"]        # paths relative to the manifest's folder
    title = "Ukraine crosses into Kursk"
    url = "https://example.org/kursk"
    published = 2024-08-07

CSV: a header `file,title,url,published,source` and one row per file.
A file's own metadata always wins over its manifest's.
"""
from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from .fields import Fields

MANIFEST_NAMES = ("timeline.toml", "manifest.toml", "manifest.csv", "timeline.csv")
_KEYS = ("title", "url", "published", "source")


class BadManifest(ValueError):
    pass


def _fields(values: dict, where: str) -> Fields:
    if not isinstance(values, dict):
        raise BadManifest(f"{where} is not a table of title/url/published/source")
    unknown = set(values) - set(_KEYS)
    if unknown:
        raise BadManifest(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    return Fields(**{k: values.get(k) or None for k in _KEYS})


def parse_manifest(name: str, text: str) -> tuple[Fields, dict[str, Fields]]:
    """(defaults, {relative path: fields}) from a manifest's text.

    >>> parse_manifest("manifest.csv", "file,title,published\\na.txt,A,2024-08-07\\n")[1]["a.txt"].title
    'A'
    """
    if name.endswith(".toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise BadManifest(f"not valid TOML ({exc})") from None
        defaults = _fields(data.get("defaults", {}), "[defaults]")
        files = data.get("files", {})
        if not isinstance(files, dict):
            raise BadManifest("[files] must be a table keyed by file name")
        return defaults, {str(Path(k)): _fields(v, f"[files.{k!r}]") for k, v in files.items()}
    rows = csv.DictReader(io.StringIO(text))
    if not rows.fieldnames or "file" not in rows.fieldnames:
        raise BadManifest("CSV manifest needs a header with a `file` column")
    entries = {}
    for number, row in enumerate(rows, start=2):
        if not (row.get("file") or "").strip():
            raise BadManifest(f"line {number} has no file name")
        entries[str(Path(row["file"].strip()))] = _fields(
            {k: (row.get(k) or "").strip() for k in _KEYS if row.get(k)}, f"line {number}")
    return Fields(), entries


class Manifests:
    """Manifests found in folders, loaded once each, looked up per file."""

    def __init__(self) -> None:
        self._loaded: dict[Path, list[tuple[Fields, dict[str, Fields]]]] = {}
        self.errors: list[tuple[str, str]] = []  # (manifest path, reason), reported once

    def _in(self, folder: Path) -> list[tuple[Fields, dict[str, Fields]]]:
        if folder not in self._loaded:
            found = []
            for name in MANIFEST_NAMES:
                path = folder / name
                if not path.is_file():
                    continue
                try:
                    found.append(parse_manifest(name, path.read_text(encoding="utf-8-sig")))
                except (BadManifest, UnicodeDecodeError, OSError) as exc:
                    self.errors.append((str(path), f"manifest ignored: {exc}"))
            self._loaded[folder] = found
        return self._loaded[folder]

    def fields_for(self, path: Path, root: Path) -> Fields:
        """Metadata manifests give `path`: the nearest folder's first, up to `root`."""
        result = Fields()
        folder = path.parent
        while True:
            for defaults, files in self._in(folder):
                entry = files.get(str(path.relative_to(folder)))
                if entry is not None:
                    result = result.filled_from(entry)
                result = result.filled_from(defaults)
            if folder == root or folder == folder.parent or root not in folder.parents:
                return result
            folder = folder.parent
