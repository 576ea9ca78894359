"""Merging new tellings into events merged before gives what merging everything again
gives, on the candidates real news articles make (TempEval-3 training documents, read
in place): the writer relies on it to merge at a cost that grows with an event's
tellings, not with their square."""
from __future__ import annotations

from pathlib import Path

from app.analyze import analyze_document
from app.knowledge import load_knowledge
from app.merge import merge_events, merge_into
from app.same_event import same_event
from app.records import ANCHOR_PUBLISHED, Anchor, SourceDocument, SourcedCandidate
from app.tempeval import read_corpus

TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "tempeval3" / "train" / "TimeBank"


def summary(events):
    return [(e.title, e.date_start, e.date_end, e.disputed, e.reported,
             sorted((s.document_key, s.candidate.sentence_start) for s in e.sources)) for e in events]


def test_new_tellings_merged_into_old_events_make_the_events_of_merging_everything():
    knowledge = load_knowledge()
    tellings = []
    for doc in read_corpus(TRAIN)[:60]:
        source = SourceDocument(origin=doc.name, title=doc.name, text=doc.text, published=doc.dct)
        analyzed = analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge)
        tellings += [SourcedCandidate(doc.name, c) for c in analyzed.candidates]
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
