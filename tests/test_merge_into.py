"""Merging new tellings into events merged before gives what merging everything again
gives, on the candidates real news articles make (TempEval-3 training documents, read
in place): the writer relies on it to merge at a cost that grows with an event's
tellings, not with their square."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from app.analyze import analyze_document
from app.knowledge import load_knowledge
from app.merge import merge_events, merge_into
from app.same_event import same_event
from app.records import (
    ANCHOR_PUBLISHED, BASIS_STATED, Anchor, Entity, EventCandidate, SourceDocument, SourcedCandidate,
)
from app.tempeval import read_corpus

TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "tempeval3" / "train" / "TimeBank"


def summary(events):
    return [(e.title, e.date_start, e.date_end, e.disputed, e.reported,
             sorted((s.document_key, s.candidate.sentence_start) for s in e.sources)) for e in events]


def training_tellings(documents: int) -> list[SourcedCandidate]:
    """The candidates of the first `documents` TempEval-3 training articles, as told by them."""
    knowledge = load_knowledge()
    tellings = []
    for doc in read_corpus(TRAIN)[:documents]:
        source = SourceDocument(origin=doc.name, title=doc.name, text=doc.text, published=doc.dct)
        analyzed = analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge)
        tellings += [SourcedCandidate(doc.name, c) for c in analyzed.candidates]
    return tellings


def test_new_tellings_merged_into_old_events_make_the_events_of_merging_everything():
    tellings = training_tellings(60)
    # Every telling told again by a second article: each old event gains tellings.
    again = [SourcedCandidate(t.document_key + "/again", t.candidate) for t in tellings[::2]]
    old = merge_events(tellings)
    everything = merge_events(tellings + again)
    # As the writer does: only the events a new telling joins are merged again.
    joined = [e for e in old if any(same_event(n.candidate, s.candidate) for n in again for s in e.sources)]
    kept = [e for e in old if e not in joined]
    merged = merge_into([e.sources for e in joined], again)
    assert len(joined) > 20 and len(merged) < len(joined) + len(again)
    assert sorted(summary(kept + merged)) == sorted(summary(everything))


def test_copies_of_one_telling_merge_alike_whatever_numbers_the_writer_gave_them():
    # The writer numbers what a candidate says and keeps the number on the candidate; a copy
    # met after that essence was forgotten gets another number. The merge must not notice.
    from dataclasses import replace

    from app import merge

    tellings = training_tellings(40)
    # Two agents doing one thing, bridged by a telling naming neither: a part the merge
    # must split (closest links first), each telling told by two articles.
    day = date(1998, 8, 11)
    us = Entity("united-states", "United States", "state", ("U.S.",))
    agents = [Entity("joseph-estrada", "Joseph Estrada", "person", ("Estrada",)),
              Entity("united-nations", "United Nations", "organisation", ("Security Council",)), us]
    for n, (title, actors) in enumerate([
            ("Joseph Estrada condemned the bombings of the U.S. embassies", agents[0::2]),
            ("Security Council condemned the bombing of the U.S. embassies", agents[1:]),
            ("Leaders condemned the bombings of the U.S. embassies in Kenya", (us,))]):
        candidate = EventCandidate(0, 0, len(title), title, day, day, "day", BASIS_STATED, None,
                                   actors=tuple(actors), claim=title + ".")
        tellings += [SourcedCandidate(f"agents-{n}-{copy}", candidate) for copy in (0, 1)]

    def fresh(items, suffix=""):
        return [SourcedCandidate(t.document_key + suffix, replace(t.candidate)) for t in items]

    def merged(originals, copies, forget_between):
        merge._LINKED.clear()
        merge._GROUPABLE.clear()
        for item in originals:
            merge._essence_id(item.candidate)
        if forget_between:
            merge._ESSENCE_IDS.clear()
        for item in copies:
            merge._essence_id(item.candidate)
        return summary(merge_events(originals + copies))

    one_number = merged(fresh(tellings), fresh(tellings[::2], "/again"), forget_between=False)
    originals, copies = fresh(tellings), fresh(tellings[::2], "/again")
    two_numbers = merged(originals, copies, forget_between=True)
    assert merge._essence_id(originals[0].candidate) != merge._essence_id(copies[0].candidate)
    assert sum(len(sources) > 1 for *_, sources in one_number) > 20
    assert two_numbers == one_number


def test_a_further_copy_of_a_telling_joins_its_event_without_a_test(monkeypatch):
    """The tellings of one event may all share a group (it was made so): a new telling
    is tested against each of them, a new copy of one of them against none."""
    from app import merge

    tested = []
    real = merge.may_share_group
    monkeypatch.setattr(merge, "may_share_group", lambda *args: tested.append(args) or real(*args))
    monkeypatch.setattr(merge, "_GROUPABLE", merge.PairAnswers(1 << 10))
    day = date(1998, 8, 11)
    old = {n: SourcedCandidate(f"d{n}", EventCandidate(0, 0, 10, title, day, day, "day", BASIS_STATED, None))
           for n, title in enumerate(["Embassies were bombed in Nairobi", "Bombs hit the embassies in Nairobi",
                                      "Embassies in Nairobi were hit by bombs"])}
    assert merge.may_all_share({1: SourcedCandidate("again", old[1].candidate)}, old)
    assert tested == []
    fresh = SourcedCandidate("new", EventCandidate(0, 0, 10, "Nairobi embassies bombed", day, day, "day",
                                                    BASIS_STATED, None))
    assert merge.may_all_share({7: fresh, 1: old[1]}, old)
    assert len(tested) == 3  # the new telling against each old one, the copy against none
