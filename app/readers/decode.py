"""Turning the bytes of a file into text, or saying why they are not text.

UTF-8 is tried first; text in another encoding is decoded with the encoding
charset_normalizer detects, and the reader is told so, because a wrong guess is
possible and the user should know which files were guessed.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Byte-order marks name their encoding; they win over any detection.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF = 8192
# Control characters other than tab, newline, form feed and carriage return are
# almost never in text; more than a few percent of them means a binary file.
_CONTROL = bytes(sorted(set(range(0, 32)) - {9, 10, 12, 13}))
_MAX_CONTROL_SHARE = 0.05
_NEAR_TIE = 0.05  # difference in charset_normalizer's "chaos" (mess) score


class NotText(ValueError):
    """The bytes are not text (a binary file, or an encoding nothing can read)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    warning: str | None = None  # set when the text was not plain UTF-8


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any single-byte or UTF-8 encoding.

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00"), looks_binary("Kyiv, 6 August".encode())
    (True, False)
    """
    head = data[:_SNIFF]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    # translate deletes in C: a loop over the bytes in Python cost 0.1 ms an article.
    controls = len(head) - len(head.translate(None, _CONTROL))
    return bool(head) and controls / len(head) > _MAX_CONTROL_SHARE


def decode_text(data: bytes) -> Decoded:
    """The text of `data`: UTF-8, else a BOM's encoding, else a detected one.

    Raises NotText for binary data.

    >>> decode_text("Zelensky’s visit".encode("cp1252")).warning is not None
    True
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise NotText(f"starts with a {encoding} byte-order mark but is not {encoding} ({exc.reason})") from None
    if looks_binary(data):
        raise NotText("binary file, not text")
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        where = exc.start
    results = from_bytes(data)
    best = results.best()
    # Detection cannot tell the Latin code pages apart on a few accented letters;
    # Windows-1252 is by far the commonest of them in news text (browsers read
    # "latin-1" pages as it), so it wins any near tie.
    western = next((m for m in results if m.encoding == "cp1252"), None)
    if best is not None and western is not None and western.chaos <= best.chaos + _NEAR_TIE:
        best = western
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        return Decoded(str(best), f"not valid UTF-8 (byte {where}); decoded as {best.encoding}, detected")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return Decoded(text, f"not valid UTF-8 (byte {where}); {bad} undecodable byte(s) replaced with �")
