"""Plain data passed between the pipeline steps.

read -> passages -> temporal expressions -> entities -> event candidates -> merge -> store.
Every step takes and returns these records, so each can be tested on short literal
texts without a database or a server.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# How a document's anchor date was obtained.
ANCHOR_PUBLISHED = "published"
ANCHOR_FROM_DOCUMENT = "inferred from the document"
ANCHOR_FROM_CORPUS = "inferred from the corpus"

# How an event's date was obtained.
BASIS_STATED = "stated"  # the text gives the full date, year included
BASIS_YEAR_INFERRED = "year inferred"  # day/month stated, year taken from the anchor
BASIS_RELATIVE = "relative to anchor"  # "yesterday", "last week", "this summer"
BASIS_REPORTED = "reported"  # no date of its own: the article's anchor date
# Kept beside a record's fields under a name starting so: one process's own, not pickled.
PROCESS_LOCAL = "_process_local_"

# Precision of an event date.
PRECISIONS = ("day", "month", "part", "season", "quarter", "year", "decade")


@dataclass(frozen=True)
class SourceDocument:
    """One article as a reader yields it, before any analysis.

    `origin` names where it came from (a file path, `path#entry-3` for a feed entry,
    `-` for standard input) so that errors and the UI can point at it.
    """

    origin: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None
    published: date | None = None
    # What the reader had to guess or drop (an encoding, a bad URL), for the user to see.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Anchor:
    """The date underspecified expressions of a document are resolved against."""

    date: date
    basis: str  # ANCHOR_PUBLISHED | ANCHOR_FROM_DOCUMENT | ANCHOR_FROM_CORPUS


@dataclass(frozen=True)
class Passage:
    """A paragraph of a document: `text == document.text[start:end]` after repair.

    `sentences` are (start, end) offsets into `text`.
    """

    index: int
    text: str
    sentences: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Timex:
    """A TIMEX3 temporal expression found in a text.

    Offsets are characters of the text it was found in. `value` follows TimeML
    (`2024-08-06`, `2024-11`, `2024-SU`, `P2Y`, `PRESENT_REF`, ...).
    `basis` says how the value was obtained (BASIS_STATED, BASIS_YEAR_INFERRED,
    BASIS_RELATIVE); it is "" for durations and sets.
    """

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str
    mod: str | None = None
    basis: str = ""


@dataclass(frozen=True)
class Entity:
    """A known actor or weapon system, from the knowledge file or learned from text."""

    key: str  # slug, unique: "donald-trump", "atacms"
    name: str  # canonical name
    kind: str  # "person" | "state" | "organisation" | "armed-force" | "weapon"
    aliases: tuple[str, ...] = ()

    @property
    def is_weapon(self) -> bool:
        return self.kind == "weapon"


@dataclass(frozen=True)
class Mention:
    """An entity named in a passage, with its character span in that passage."""

    start: int
    end: int
    text: str
    entity: Entity


@dataclass(frozen=True)
class EventCandidate:
    """One event as one passage tells it.

    `date_start`/`date_end` is the inclusive day range the date covers
    (2024-11 -> 2024-11-01..2024-11-30). Offsets are characters of the passage.
    """

    passage_index: int
    sentence_start: int
    sentence_end: int
    title: str
    date_start: date
    date_end: date
    precision: str
    basis: str
    timex: Timex | None  # the dating phrase; None for `reported` statements
    actors: tuple[Entity, ...] = ()
    weapons: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    reported: bool = False
    claim: str = ""  # the sentence's own words, for showing disputes side by side

    def __getstate__(self) -> dict:
        # What a process numbered for itself (app.merge) means nothing in another process.
        return {k: v for k, v in self.__dict__.items() if not k.startswith(PROCESS_LOCAL)}

    def __hash__(self) -> int:
        # app.wording caches what a candidate says by the candidate, and a writer builds
        # candidates afresh for every merge: the hash reads only the fields that tell
        # candidates apart cheaply (their strings keep their own hashes); equality
        # still compares every field.
        return hash((self.title, self.claim, self.date_start, self.date_end, self.sentence_start, self.reported))


@dataclass
class AnalyzedDocument:
    """A document after the pure pipeline steps, ready to store."""

    source: SourceDocument
    content_hash: str
    anchor: Anchor | None
    passages: list[Passage] = field(default_factory=list)
    candidates: list[EventCandidate] = field(default_factory=list)
    # The word index's answer for the candidates, read by an analysis process
    # (app.word_index.SharingSnapshot); None: the writer asks the index itself.
    shared: object | None = None


@dataclass(frozen=True)
class SourcedCandidate:
    """An event candidate with the document it came from (its content hash)."""

    document_key: str
    candidate: EventCandidate


@dataclass
class EventSummary:
    """What an event's row holds, whoever merged it: `MergedEvent` from its candidates,
    `app.event_tally.TalliedEvent` from the tallies of its distinct tellings."""

    title: str
    date_start: date
    date_end: date
    precision: str
    basis: str
    actors: tuple[Entity, ...]
    weapons: tuple[Entity, ...]
    reported: bool = False
    disputed: bool = False


@dataclass
class MergedEvent(EventSummary):
    """One event as the timeline shows it: the candidates of every source that tells it.

    `disputed` is set where the sources disagree (different dates for the same
    happening, contradicting claims); `sources` keeps every claim, so both sides show.
    """

    sources: list[SourcedCandidate] = field(kw_only=True)

    @property
    def corroboration(self) -> int:
        """Number of independent documents that tell this event."""
        return len({s.document_key for s in self.sources})


class Unchanged:
    """A document stored already, and the anchor date it was stored with."""

    __slots__ = ("anchor_date",)

    def __init__(self, anchor_date: date | None) -> None:
        self.anchor_date = anchor_date
