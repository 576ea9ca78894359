"""A small made-up story (a harbour strike) stored through `store_document`, for
the query, web and export tests: its events, dates and entities are known exactly,
independently of the extraction steps."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from app import models
from app.records import (
    ANCHOR_PUBLISHED, AnalyzedDocument, Anchor, Entity, EventCandidate, Mention, Passage, SourceDocument, Timex,
)
from app.store import store_document

UNION = Entity("dock-union", "Dock Workers Union", "organisation", ("dockers",))
AUTHORITY = Entity("port-authority", "Port Authority", "organisation")
MAYOR = Entity("ana-rivas", "Ana Rivas", "person", ("Rivas",))
CANNON = Entity("water-cannon", "Water cannon", "weapon", ("water cannon",))


def _candidate(passage: Passage, title: str, phrase: str | None, value: str, start: date, end: date,
               precision: str, basis: str, entities: tuple[Entity, ...], reported: bool = False) -> EventCandidate:
    text = passage.text
    timex = None
    if phrase:
        at = text.index(phrase)
        timex = Timex(at, at + len(phrase), phrase, "DATE", value, basis=basis)
    mentions = []
    for entity in entities:
        for surface in (entity.name, *entity.aliases):
            if surface in text:
                at = text.index(surface)
                mentions.append(Mention(at, at + len(surface), surface, entity))
                break
    return EventCandidate(
        passage_index=passage.index, sentence_start=0, sentence_end=len(text), title=title,
        date_start=start, date_end=end, precision=precision, basis=basis, timex=timex,
        actors=tuple(e for e in entities if not e.is_weapon), weapons=tuple(e for e in entities if e.is_weapon),
        mentions=tuple(sorted(mentions, key=lambda m: m.start)), reported=reported, claim=text,
    )


def _document(title: str, url: str, published: date, paragraphs: list[str], events: list[tuple]) -> AnalyzedDocument:
    text = "\n\n".join(paragraphs)
    passages = [Passage(i, p, ((0, len(p)),)) for i, p in enumerate(paragraphs)]
    candidates = [_candidate(passages[i], *rest) for i, *rest in events]
    return AnalyzedDocument(
        source=SourceDocument(origin=url, title=title, text=text, url=url, published=published),
        content_hash=f"hash-{url}",
        anchor=Anchor(published, ANCHOR_PUBLISHED),
        passages=passages,
        candidates=candidates,
    )


ARTICLE_A = _document(
    "Dockers strike shuts Valport harbour", "https://example.org/a", date(2021, 7, 1),
    [
        "Dock workers walked out on 3 March 2021, closing the harbour; the Dock Workers Union called it a last resort.",
        "The Port Authority used water cannon on 5 March 2021 against the pickets.",
        "Mayor Ana Rivas said talks resumed in June 2021.",
        "Nobody expected the quays to stay empty for so long.",
        "The dispute over night shifts began late in 2020, the dockers say.",
    ],
    [
        (0, "Dock workers walked out", "3 March 2021", "2021-03-03", date(2021, 3, 3), date(2021, 3, 3),
         "day", "stated", (UNION,)),
        (1, "Port Authority used water cannon", "5 March 2021", "2021-03-05",
         date(2021, 3, 5), date(2021, 3, 5), "day", "stated", (AUTHORITY, CANNON)),
        (2, "Talks resumed", "June 2021", "2021-06", date(2021, 6, 1), date(2021, 6, 30), "month", "stated", (MAYOR,)),
        (4, "Dispute over night shifts began", "late in 2020", "2020-FA", date(2020, 9, 1), date(2020, 12, 31),
         "part", "year inferred", (UNION,)),
    ],
)

ARTICLE_B = _document(
    "Harbour dispute: a timeline", "https://example.org/b", date(2021, 8, 2),
    [
        "Dock workers walked out on 3 March 2021 and left the quays silent.",
        "Fishing boats were allowed to leave, the Port Authority said.",
        "In 2015 a similar stoppage lasted a week.",
    ],
    [
        (0, "Dock workers walked out", "3 March 2021", "2021-03-03", date(2021, 3, 3), date(2021, 3, 3),
         "day", "stated", (UNION,)),
        (1, "Fishing boats allowed to leave", None, "", date(2021, 8, 2), date(2021, 8, 2), "day", "reported",
         (AUTHORITY,), True),
        (2, "Similar stoppage lasted a week", "2015", "2015", date(2015, 1, 1), date(2015, 12, 31), "year", "stated",
         (UNION,)),
    ],
)

# (date, title) of every event, chronological, as the tests expect them stored.
EVENTS = [
    ("2015-01-01", "Similar stoppage lasted a week"),
    ("2020-09-01", "Dispute over night shifts began"),
    ("2021-03-03", "Dock workers walked out"),
    ("2021-03-05", "Port Authority used water cannon"),
    ("2021-06-01", "Talks resumed"),
    ("2021-08-02", "Fishing boats allowed to leave"),
]
DISPUTED_TITLE = "Port Authority used water cannon"


def store_story(engine) -> dict[str, int]:
    """Store both articles; mark the water-cannon event disputed (as merging would
    for sources that disagree). Returns the document ids by URL."""
    with Session(engine) as session:
        ids = {}
        for article in (ARTICLE_A, ARTICLE_B):
            ids[article.source.url] = store_document(session, article).document_id
        session.commit()
        event = session.exec(select(models.Event).where(models.Event.title == DISPUTED_TITLE)).one()
        event.disputed = True
        session.add(event)
        session.commit()
    return ids


def slug_of(engine, title: str) -> str:
    with Session(engine) as session:
        return session.exec(select(models.Event.slug).where(models.Event.title == title)).one()
