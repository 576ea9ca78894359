"""Reading TimeML `.tml` files and scoring TIMEX3 output the TempEval-3 way.

Pure functions: `read_tml` turns a file's XML into a `TimemlDocument`, `score`
compares system expressions with gold ones and returns the figures.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from app.records import Timex


@dataclass(frozen=True)
class TimemlDocument:
    """One TimeML document: its `<TEXT>` as plain text, DCT and gold TIMEX3s.

    Gold offsets are characters of `text`; the DCT TIMEX3 is not among them
    (it sits outside `<TEXT>` and the official scorer never sees it).
    """

    name: str
    text: str
    dct: date | None
    gold: tuple[Timex, ...]


def _walk(element: ET.Element, parts: list[str], gold: list[Timex], offset: list[int]) -> None:
    """Append the text content of `element`'s children to `parts`, recording TIMEX3 spans."""
    if element.text:
        parts.append(element.text)
        offset[0] += len(element.text)
    for child in element:
        if child.tag == "TIMEX3":
            content = "".join(child.itertext())
            start = offset[0]
            parts.append(content)
            offset[0] += len(content)
            gold.append(Timex(start, offset[0], content, child.get("type", ""),
                              child.get("value", ""), child.get("mod") or None))
        else:
            _walk(child, parts, gold, offset)
        if child.tail:
            parts.append(child.tail)
            offset[0] += len(child.tail)


def read_tml(source: str, name: str = "") -> TimemlDocument:
    """Parse the XML of a `.tml` file.

    >>> doc = read_tml('<TimeML><DCT><TIMEX3 value="2013-03-22">x</TIMEX3></DCT>'
    ...                '<TEXT>Said <TIMEX3 type="DATE" value="2013-03-22">Friday</TIMEX3>.</TEXT></TimeML>')
    >>> doc.dct, doc.gold[0].text, doc.gold[0].start
    (datetime.date(2013, 3, 22), 'Friday', 5)
    """
    root = ET.fromstring(source)
    dct = None
    dct_timex = root.find("DCT/TIMEX3")
    if dct_timex is not None:
        value = dct_timex.get("value", "")[:10]
        try:
            dct = date.fromisoformat(value)
        except ValueError:
            dct = None
    text_element = root.find("TEXT")
    parts: list[str] = []
    gold: list[Timex] = []
    if text_element is not None:
        _walk(text_element, parts, gold, [0])
    return TimemlDocument(name, "".join(parts), dct, tuple(gold))


def read_corpus(directory: str | Path) -> list[TimemlDocument]:
    """Every `.tml` file under `directory` (recursively), sorted by path."""
    paths = sorted(Path(directory).rglob("*.tml"))
    return [read_tml(p.read_text(encoding="utf-8"), p.name) for p in paths]


@dataclass(frozen=True)
class Scores:
    """TempEval-3 Task A figures over a set of documents."""

    gold: int
    system: int
    strict_p: float
    strict_r: float
    strict_f1: float
    relaxed_p: float
    relaxed_r: float
    relaxed_f1: float
    type_f1: float
    value_f1: float
    type_accuracy: float
    value_accuracy: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _trimmed(t: Timex) -> tuple[int, int]:
    """Span without surrounding whitespace, since the scorer compares tokens."""
    lead = len(t.text) - len(t.text.lstrip())
    trail = len(t.text) - len(t.text.rstrip())
    return t.start + lead, t.end - trail


def align(gold: Iterable[Timex], system: Iterable[Timex]) -> list[tuple[Timex, Timex]]:
    """Pair each gold expression with the first unpaired system one overlapping it."""
    pairs = []
    used: set[int] = set()
    system = list(system)
    for g in gold:
        gs, ge = _trimmed(g)
        for i, s in enumerate(system):
            if i in used:
                continue
            ss, se = _trimmed(s)
            if ss < ge and gs < se:
                pairs.append((g, s))
                used.add(i)
                break
    return pairs


def score(documents: Iterable[tuple[Iterable[Timex], Iterable[Timex]]]) -> Scores:
    """Score (gold, system) pairs of documents.

    Strict: identical extent; relaxed: any overlap. Type and value are compared
    only on relaxed matches; their F1 is (correct / relaxed matches) x relaxed F1,
    as the TempEval-3 scorer computes it.
    """
    n_gold = n_sys = strict = relaxed = type_ok = value_ok = 0
    for gold, system in documents:
        gold, system = list(gold), list(system)
        n_gold += len(gold)
        n_sys += len(system)
        for g, s in align(gold, system):
            relaxed += 1
            strict += _trimmed(g) == _trimmed(s)
            type_ok += g.type == s.type
            value_ok += g.value == s.value
    sp = strict / n_sys if n_sys else 0.0
    sr = strict / n_gold if n_gold else 0.0
    rp = relaxed / n_sys if n_sys else 0.0
    rr = relaxed / n_gold if n_gold else 0.0
    rf = _f1(rp, rr)
    type_acc = type_ok / relaxed if relaxed else 0.0
    value_acc = value_ok / relaxed if relaxed else 0.0
    return Scores(n_gold, n_sys, sp, sr, _f1(sp, sr), rp, rr, rf,
                  type_acc * rf, value_acc * rf, type_acc, value_acc)
