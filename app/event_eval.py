"""Event extraction scored against a hand-annotated gold set (`timeline eval-events`).

The pure pipeline runs over a folder of plain-text articles: split_passages ->
find_timexes -> find_mentions -> extract_events -> merge_events. A merged dated event
matches a gold event when one of its sources lies in a passage the gold event quotes
and its date range overlaps the gold range; each gold event matches at most one
system event. Actors and weapons are scored on matched pairs.
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

import click

from app.entities import find_mentions, load_knowledge
from app.events import extract_events
from app.knowledge import Knowledge
from app.merge import merge_events
from app.passages import split_passages
from app.records import ANCHOR_FROM_CORPUS, ANCHOR_FROM_DOCUMENT, Anchor, MergedEvent, Passage, SourcedCandidate
from app.timex import anchor_from_dates, anchor_from_text, find_timexes

DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold" / "seed_events.toml"


@dataclass(frozen=True)
class GoldEvent:
    id: str
    first: date
    last: date
    precision: str
    actors: frozenset[str]
    weapons: frozenset[str]
    sources: tuple[tuple[str, str], ...]  # (file name, quote)


@dataclass
class CorpusRun:
    """The pipeline's output over a folder: passages per file, merged events, file per document key."""

    passages: dict[str, list[Passage]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # document key -> file name
    candidates: list[SourcedCandidate] = field(default_factory=list)
    events: list[MergedEvent] = field(default_factory=list)


@dataclass
class Scores:
    matched: int
    system: int
    gold: int
    actor_hits: int
    actor_system: int
    actor_gold: int
    weapon_hits: int
    weapon_system: int
    weapon_gold: int
    duplicates_merged: int
    duplicates: int
    reported: int
    missed: list[str]
    false: list[str]

    @staticmethod
    def ratio(hits: int, total: int) -> float:
        return hits / total if total else 1.0


def load_gold(path: Path) -> list[GoldEvent]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        GoldEvent(
            id=e["id"], first=e["first"], last=e["last"], precision=e["precision"],
            actors=frozenset(e.get("actors", [])), weapons=frozenset(e.get("weapons", [])),
            sources=tuple((s["doc"], s["quote"]) for s in e["sources"]),
        )
        for e in data["event"]
    ]


def run_corpus(folder: Path, knowledge: Knowledge) -> CorpusRun:
    """Run the pure pipeline over every `*.txt` file of `folder`, anchoring as ingestion does."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    own = {name: anchor_from_text(text) for name, text in texts.items()}
    corpus_date = anchor_from_dates(d for d in own.values() if d)
    run = CorpusRun()
    for name, text in texts.items():
        if own[name]:
            anchor = Anchor(own[name], ANCHOR_FROM_DOCUMENT)
        else:
            anchor = Anchor(corpus_date, ANCHOR_FROM_CORPUS) if corpus_date else None
        key = hashlib.sha256(text.encode()).hexdigest()
        passages = split_passages(text)
        timexes = [find_timexes(p.text, anchor.date if anchor else None) for p in passages]
        mentions = find_mentions(passages, knowledge)
        run.passages[name] = passages
        run.names[key] = name
        run.candidates += [SourcedCandidate(key, c) for c in extract_events(passages, timexes, mentions, anchor)]
    run.events = merge_events(run.candidates)
    return run


def _passage_of(passages: list[Passage], quote: str) -> int | None:
    wanted = " ".join(quote.split())
    return next((p.index for p in passages if wanted in " ".join(p.text.split())), None)


def score(gold: list[GoldEvent], run: CorpusRun) -> Scores:
    """Match merged dated events to gold events and count what agrees."""
    places = {
        g.id: {(doc, _passage_of(run.passages.get(doc, []), quote)) for doc, quote in g.sources} for g in gold
    }
    system = [e for e in run.events if not e.reported]
    unmatched = list(range(len(system)))
    pairs: list[tuple[GoldEvent, MergedEvent]] = []
    missed = []
    for g in gold:
        found = None
        for i in unmatched:
            event = system[i]
            where = {(run.names[s.document_key], s.candidate.passage_index) for s in event.sources}
            if where & places[g.id] and event.date_start <= g.last and g.first <= event.date_end:
                found = i
                break
        if found is None:
            missed.append(g.id)
            continue
        unmatched.remove(found)
        pairs.append((g, system[found]))
    actor_hits = sum(len(g.actors & {a.key for a in e.actors}) for g, e in pairs)
    weapon_hits = sum(len(g.weapons & {w.key for w in e.weapons}) for g, e in pairs)
    duplicates = sum(len(g.sources) - 1 for g in gold)
    merged = 0
    for g, e in pairs:
        where = {(run.names[s.document_key], s.candidate.passage_index) for s in e.sources}
        merged += max(0, len(places[g.id] & where) - 1)
    return Scores(
        matched=len(pairs), system=len(system), gold=len(gold),
        actor_hits=actor_hits, actor_system=sum(len(e.actors) for _, e in pairs),
        actor_gold=sum(len(g.actors) for g, _ in pairs),
        weapon_hits=weapon_hits, weapon_system=sum(len(e.weapons) for _, e in pairs),
        weapon_gold=sum(len(g.weapons) for g, _ in pairs),
        duplicates_merged=merged, duplicates=duplicates,
        reported=sum(1 for e in run.events if e.reported),
        missed=missed,
        false=[f"{system[i].date_start} {system[i].title}" for i in unmatched],
    )


def _line(label: str, hits: int, system: int, gold: int) -> str:
    r = Scores.ratio
    return f"{label:<8} precision {r(hits, system):.2f} ({hits}/{system})  recall {r(hits, gold):.2f} ({hits}/{gold})"


def report(scores: Scores, run: CorpusRun) -> str:
    lines = [
        _line("events", scores.matched, scores.system, scores.gold),
        _line("actors", scores.actor_hits, scores.actor_system, scores.actor_gold),
        _line("weapons", scores.weapon_hits, scores.weapon_system, scores.weapon_gold),
        f"duplicates merged {scores.duplicates_merged} of {scores.duplicates}",
        f"reported (undated) events {scores.reported}",
    ]
    lines += [f"missed: {m}" for m in scores.missed]
    lines += [f"false:  {f}" for f in scores.false]
    lines.append("dated events:")
    for e in run.events:
        if not e.reported:
            flag = " DISPUTED" if e.disputed else ""
            lines.append(f"  {e.date_start} {e.precision:<5} x{e.corroboration} {e.title}{flag}"
                         f"  [{', '.join(a.name for a in e.actors)}] [{', '.join(w.name for w in e.weapons)}]")
    return "\n".join(lines)


def evaluate(
    folder: Path, gold_file: Path = DEFAULT_GOLD, extra_entities: Sequence[Path] = (),
) -> tuple[Scores, CorpusRun]:
    """Run the pipeline over `folder` and score it against `gold_file`."""
    run = run_corpus(folder, load_knowledge(extra_entities))
    return score(load_gold(gold_file), run), run


@click.command("eval-events")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("seeds"))
@click.option("--gold", "gold_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=DEFAULT_GOLD, show_default=True, help="Hand-annotated events (TOML).")
@click.option("--entities", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra knowledge file(s), same format as app/data/entities.toml.")
def events_eval_command(folder: Path, gold_file: Path, extra: tuple[Path, ...]) -> None:
    """Score event, actor and weapon extraction and merging on FOLDER against the gold set."""
    scores, run = evaluate(folder, gold_file, extra)
    click.echo(report(scores, run))


if __name__ == "__main__":
    events_eval_command()
