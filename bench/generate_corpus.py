"""Write a generated corpus of N articles for the benchmarks, varied from real ones.

The templates are real news text read in place, never copied into the project: the
seed articles (seeds/) and the TempEval-3 TimeML documents
(../shared/corpora/tempeval3/). Each generated article takes one template and
varies it the way an archive varies:

- dates: every four-digit year in the text and the publication date move by the
  same number of years, and month names are rotated by the same step, so the
  article stays consistent with itself while its dates differ from the template's;
- names: people and weapon systems named in app/data/entities.toml are swapped,
  consistently within the article, for other entries of the same kind;
- order: paragraphs after the lead are shuffled, and the articles come in random order.

Everything generated says so: the title starts with "[generated]", the source is
"generated for benchmarks from <template>", the URL is on the reserved `.invalid`
domain. Files are Markdown with front matter, 1,000 to a folder, so `timeline
ingest` reads them with its ordinary reader and the corpus is never one big file.

Usage: python bench/generate_corpus.py OUT_DIR --count 10000 [--seed 1]

>>> docs = list(generated_documents(load_templates(), 3, seed=1))
>>> len(docs), all(d["title"].startswith("[generated]") for d in docs)
(3, True)
"""
from __future__ import annotations

import argparse
import calendar
import random
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEMPEVAL = ROOT.parent / "shared" / "corpora" / "tempeval3"
ENTITIES = ROOT / "app" / "data" / "entities.toml"
PER_FOLDER = 1000

MONTHS = list(calendar.month_name)[1:]
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class Template:
    name: str  # where the real article is, for the generated article's source line
    title: str
    paragraphs: tuple[str, ...]
    published: date | None


def _seed_templates() -> Iterator[Template]:
    for path in sorted(SEEDS.glob("*.txt")):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        if len(blocks) > 1:
            yield Template(f"seeds/{path.name}", blocks[0], tuple(blocks[1:]), None)


def _tml_templates() -> Iterator[Template]:
    for path in sorted(TEMPEVAL.rglob("*.tml")):
        root = ET.parse(path).getroot()
        body = root.find("TEXT")
        if body is None:
            continue
        text = "".join(body.itertext()).strip()
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        if len(paragraphs) < 2:
            # TimeBank wraps lines without blank lines between paragraphs: group sentences.
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", " ".join(text.split()))
            paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        dct = root.find("DCT/TIMEX3")
        published = None
        if dct is not None:
            try:
                published = date.fromisoformat(dct.get("value", "")[:10])
            except ValueError:
                published = None
        title_el = root.find("TITLE")
        title = " ".join(title_el.text.split()) if title_el is not None and title_el.text else paragraphs[0][:90]
        yield Template(str(path.relative_to(TEMPEVAL.parent)), title, tuple(paragraphs), published)


def load_templates() -> list[Template]:
    """Every real article the generator varies: the seeds, then TempEval-3 (if present)."""
    templates = list(_seed_templates())
    if TEMPEVAL.is_dir():
        templates += list(_tml_templates())
    if not templates:
        raise SystemExit(f"no template articles found under {SEEDS} or {TEMPEVAL}")
    return templates


def _swappable_names() -> dict[str, list[str]]:
    """Canonical names of people and of weapon systems in the knowledge file, by kind."""
    data = tomllib.loads(ENTITIES.read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {"person": [], "weapon": []}
    for entry in data.get("actor", []):
        if entry.get("kind") == "person":
            groups["person"].append(entry["name"])
    groups["weapon"] = [entry["name"] for entry in data.get("weapon", [])]
    return {kind: names for kind, names in groups.items() if len(names) > 1}


def _shift_date(day: date, years: int, months: int) -> date:
    month = (day.month - 1 + months) % 12 + 1
    year = day.year + years
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Variation:
    """One article's changes: a year shift, a month rotation and a name mapping."""

    def __init__(self, rng: random.Random, names: dict[str, list[str]]):
        self.years = rng.randint(-3, 3)
        self.months = rng.randint(0, 11)
        self.swap: dict[str, str] = {}
        for group in names.values():
            shuffled = group[:]
            rng.shuffle(shuffled)
            self.swap.update(zip(group, shuffled))
        self._names = re.compile(r"\b(" + "|".join(map(re.escape, sorted(self.swap, key=len, reverse=True))) + r")\b") \
            if self.swap else None

    def apply(self, text: str) -> str:
        text = _YEAR.sub(lambda m: str(int(m.group()) + self.years), text)
        text = _MONTH.sub(lambda m: MONTHS[(MONTHS.index(m.group()) + self.months) % 12], text)
        if self._names is not None:
            text = self._names.sub(lambda m: self.swap[m.group()], text)
        return text


def generated_documents(templates: list[Template], count: int, seed: int = 1) -> Iterator[dict]:
    """`count` varied articles as dicts (title, text, source, url, published), streamed."""
    rng = random.Random(seed)
    names = _swappable_names()
    for n in range(count):
        template = rng.choice(templates)
        variation = Variation(rng, names)
        body = list(template.paragraphs)
        lead, rest = body[:1], body[1:]
        rng.shuffle(rest)
        published = _shift_date(template.published, variation.years, variation.months) if template.published else None
        yield {
            "title": "[generated] " + variation.apply(template.title),
            "text": "\n\n".join(variation.apply(p) for p in lead + rest),
            "source": f"generated for benchmarks from {template.name}",
            "url": f"https://bench.invalid/generated/{seed}/{n}",
            "published": published.isoformat() if published else None,
        }


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_corpus(out: Path, count: int, seed: int = 1) -> int:
    """Write `count` generated articles under `out` (folders of PER_FOLDER); return the count."""
    templates = load_templates()
    written = 0
    for n, doc in enumerate(generated_documents(templates, count, seed)):
        folder = out / f"{n // PER_FOLDER:04d}"
        if n % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        front = [f"title: {_yaml_string(doc['title'])}", f"source: {_yaml_string(doc['source'])}",
                 f"url: {doc['url']}"]
        if doc["published"]:
            front.append(f"published: {doc['published']}")
        (folder / f"generated-{n:07d}.md").write_text("---\n" + "\n".join(front) + "\n---\n" + doc["text"] + "\n",
                                                       encoding="utf-8")
        written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = write_corpus(args.out, args.count, args.seed)
    print(f"wrote {n} generated articles under {args.out}")


if __name__ == "__main__":
    main()
