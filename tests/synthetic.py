"""Distinct synthetic news articles for the reliability runs: general wording with a
stated date each, never the seeds' text."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

_ACTORS = ["Ukraine", "Russia", "NATO", "the United States", "Poland", "Germany", "the United Kingdom", "France"]
_DEEDS = ["announced new sanctions against", "held talks with", "sent air-defence systems to",
          "accused", "signed an agreement with", "warned", "opened a hearing on", "struck targets near"]


def article(n: int, seed: int = 0) -> tuple[str, str, date]:
    """(title, text, published) of the n-th article; distinct for every n."""
    rng = random.Random(seed * 100_003 + n)
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
    a, b = rng.sample(_ACTORS, 2)
    deed = rng.choice(_DEEDS)
    title = f"{a} {deed} {b} (report {n})"
    paragraphs = [
        f"{a} {deed} {b} on {day.day} {day:%B %Y}, officials said in report number {n}.",
        f"The decision followed weeks of pressure, and analysts in Kyiv and Warsaw expected further steps. "
        f"Spokespeople declined to comment on report {n}.",
        f"Earlier, on {(day - timedelta(days=rng.randrange(3, 60))):%d %B %Y}, {b} had criticised {a}.",
    ]
    return title, "\n\n".join(paragraphs), day + timedelta(days=1)


def write_articles(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """Write `count` Markdown articles with front matter; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        title, text, published = article(n, seed)
        path = folder / f"article-{seed}-{n:04d}.md"
        path.write_text(f"---\ntitle: \"{title}\"\npublished: {published.isoformat()}\n"
                        f"url: https://news.example/{seed}/{n}\n---\n{text}\n", encoding="utf-8")
        paths.append(path)
    return paths
