"""Events kept as tallies of their distinct tellings (app.event_tally) make what merging
all their tellings makes, on the candidates real news articles make (TempEval-3 training
documents, read in place), and a writer storing through the tallies writes the store a
writer merging every touched event again writes."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from app import event_tally, merge, store
from app.analyze import analyze_document
from app.db import make_engine, upgrade
from app.event_tally import EventTally, merge_tallies
from app.knowledge import load_knowledge
from app.merge import merge_events, merge_into
from app.records import ANCHOR_PUBLISHED, BASIS_STATED, Anchor, AnalyzedDocument, Entity, EventCandidate, \
    Passage, SourceDocument, SourcedCandidate, Timex
from app.same_event import same_event
from app.tempeval import read_corpus
from app.wording import wording

sys.path.insert(0, str(Path(__file__).parent))
from test_merge_into import TRAIN, summary, training_tellings  # noqa: E402


def fields(event) -> tuple:
    return (event.title, event.date_start, event.date_end, event.precision, event.basis, event.actors,
            event.weapons, event.reported, event.disputed, event.corroboration)


def tally_of(sources) -> EventTally:
    tally = EventTally()
    for s in sources:
        tally.add(s, s)  # the handle: the telling itself
    return tally


def test_a_tally_makes_what_merging_all_the_tellings_makes():
    tellings = training_tellings(60)
    again = [SourcedCandidate(t.document_key + "/again", t.candidate) for t in tellings[::2]]
    events = merge_events(tellings + again)
    assert sum(e.corroboration > 1 for e in events) > 20
    for event in events:
        # In any order: a tally keeps minimums and counts.
        assert fields(tally_of(event.sources[::-1]).merged()) == fields(event)


def test_a_tally_grown_in_any_order_and_absorbed_in_parts_keeps_what_merging_makes():
    """What `merged` reads is kept as copies arrive: the same event whatever the order
    of the copies, and whether they were added or absorbed from other tallies; with
    tellings of two polarities (a clash), two pairs of dates (a dispute, votes) and
    entities named by different tellings."""
    port = Entity("port-authority", "Port Authority", "organisation")
    navy = Entity("navy", "Navy", "armed-force")
    mine = Entity("sea-mine", "Sea mine", "weapon")

    def told(doc, title, day, actors=(port,), weapons=(), reported=False, n=0):
        c = EventCandidate(0, n, n + 10, title, date(2021, 3, day), date(2021, 3, day), "day", BASIS_STATED, None,
                           actors=actors, weapons=weapons, reported=reported)
        return SourcedCandidate(doc, c)

    groups = [
        [told("a", "Port Authority closed the harbour", 2), told("b", "Port Authority closed the harbour", 2),
         told("c", "Port Authority did not close the harbour", 2, (navy, port)),
         told("d", "Port Authority closed the harbour", 3, (navy,), (mine,)),
         told("d", "Port Authority closed the harbour", 3, (navy,), (mine,), n=20)],
        [told("e", "Navy cleared the mines", 4, (navy,), (mine,), reported=True),
         told("f", "Navy cleared the mines", 5, (navy, port), (mine,), reported=True),
         told("f", "Navy only cleared the mines", 4, (port,), reported=True, n=20)],
        # Named as often, the one named earlier by some telling first.
        [told("g", "Navy escorted the convoy", 6, (port, navy)), told("h", "Navy escorted the convoy", 6, (navy, port))],
        # A telling of three copies outweighs two tellings of one copy each.
        [told(doc, "Port Authority reopened the harbour", 7) for doc in "ijk"]
        + [told(doc, f"Navy reopened the harbour {doc}", 7, (navy,)) for doc in "lm"],
        # One entity named two ways (its knowledge changed): as the telling that sorts first names it.
        [told("n", "Port closed", 8), told("o", "Port closed", 8, (replace(port, name="Port Authority (renamed)"),))],
    ]
    for group in groups + [e.sources for e in merge_events(training_tellings(40))]:
        expected = fields(merge._merged(sorted(group, key=merge._order)))
        halves = (group[::2], group[1::2])
        parts = [tally_of(half) for half in halves]
        absorbed = EventTally()
        for tally in parts[::-1]:
            for number, telling in tally.tellings.items():
                absorbed.absorb(number, telling)
        assert fields(tally_of(group).merged()) == expected
        assert fields(tally_of(group[::-1]).merged()) == expected
        assert fields(absorbed.merged()) == expected
        assert absorbed.copies() == len(group)
    assert fields(tally_of(groups[0]).merged())[-2:] == (True, 4)  # disputed; four documents


def bridged_agents() -> tuple[list[SourcedCandidate], list[SourcedCandidate]]:
    """Two agents doing one thing, each told twice, and a telling naming neither that bridges them."""
    day = date(1998, 8, 11)
    us = Entity("united-states", "United States", "state", ("U.S.",))
    estrada = Entity("joseph-estrada", "Joseph Estrada", "person", ("Estrada",))
    council = Entity("united-nations", "United Nations", "organisation", ("Security Council",))

    def told(doc, title, actors):
        return SourcedCandidate(doc, EventCandidate(0, 0, len(title), title, day, day, "day", BASIS_STATED, None,
                                                    actors=actors, claim=title + "."))
    old = [told(f"estrada-{n}", "Joseph Estrada condemned the bombings of the U.S. embassies", (estrada, us))
           for n in range(2)]
    old += [told(f"council-{n}", "Security Council condemned the bombing of the U.S. embassies", (council, us))
            for n in range(2)]
    new = [told(f"leaders-{n}", "Leaders condemned the bombings of the U.S. embassies in Kenya", (us,))
           for n in range(2)]
    return old, new


def test_tellings_known_to_be_linked_together_group_as_when_their_parts_are_searched():
    tellings = training_tellings(60)
    old, new = bridged_agents()
    tellings += old + new + [SourcedCandidate(t.document_key + "/again", t.candidate) for t in tellings[::3]]
    ordered = sorted(tellings, key=merge._order)
    keys = [merge._essence_id(t.candidate) for t in ordered]
    words = [wording(t.candidate) for t in ordered]
    parts = [[ordered[i] for i in part] for part in merge._linked_parts(keys, words, ordered)]
    several = [part for part in parts if len(merge.group_tellings(part)) > 1]
    assert any(len({merge._essence_id(t.candidate) for t in part}) > 2 for part in several)  # the bridge
    for part in parts:
        assert merge.group_tellings(part[::-1], linked=True) == merge.group_tellings(part)


def test_a_grouping_kept_for_a_set_of_tellings_serves_that_set_only(monkeypatch):
    old, new = bridged_agents()
    bridged = old + new
    # The same three tellings but for the Security Council's, which now sorts first: the
    # bridge joins it rather than Estrada's (the closest links tie, the order decides).
    reworded = old[:2] + [SourcedCandidate(t.document_key, replace(t.candidate, title="A " + t.candidate.title))
                          for t in old[2:]] + new

    def titles(groups):
        return sorted(sorted({t.candidate.title[:12] for t in group}) for group in groups)

    assert titles(merge.group_tellings(bridged)) == [["Joseph Estra", "Leaders cond"], ["Security Cou"]]
    assert titles(merge.group_tellings(reworded)) == [["A Security C", "Leaders cond"], ["Joseph Estra"]]
    monkeypatch.setattr(merge, "_GROUPINGS", type(merge._GROUPINGS)())
    for part, expected in ((bridged, merge.group_tellings(bridged)), (reworded, merge.group_tellings(reworded))):
        copied = part + [SourcedCandidate("another", part[0].candidate)]
        assert merge.group_tellings(copied[::-1], linked=True) == merge.group_tellings(copied)
        assert [[t for t in g if t.document_key != "another"] for g in merge.group_tellings(copied, linked=True)] \
            == expected
    assert len(merge._GROUPINGS) == 2  # one grouping kept for each set of tellings


def made_from(plan, tallies, new) -> list[tuple]:
    """The events a plan of merge_tallies makes, as `summary` shows them."""
    made = []
    for whole, olds, fresh in plan:
        tally = EventTally()
        kept = list(tallies[whole].tellings.items()) if whole is not None else []
        assert all(n != whole for n, _ in olds)  # an event kept whole is not also taken apart
        for number, telling in kept:
            tally.absorb(number, telling)
        for n, number in olds:
            tally.absorb(number, tallies[n].tellings[number])
        for k in fresh:
            tally.add(new[k], new[k])
        event = tally.merged()
        sources = [s for t in tally.tellings.values() for s in t.handles]
        made.append((event.title, event.date_start, event.date_end, event.disputed, event.reported,
                     sorted((s.document_key, s.candidate.sentence_start) for s in sources)))
    return made


def test_new_tellings_merged_into_tallies_make_the_events_of_merging_everything(monkeypatch):
    regrouped = []
    real = event_tally._regrouped
    monkeypatch.setattr(event_tally, "_regrouped", lambda *args: regrouped.append(real(*args)) or regrouped[-1])
    tellings = training_tellings(60)
    again = [SourcedCandidate(t.document_key + "/again", t.candidate) for t in tellings[::2]]
    bridged_old, bridged_new = bridged_agents()
    tellings += bridged_old
    again += bridged_new
    old = merge_events(tellings)
    joined = [e for e in old if any(same_event(n.candidate, s.candidate) for n in again for s in e.sources)]
    tallies = [tally_of(e.sources) for e in joined]
    links = [{k for k, n in enumerate(again) if any(same_event(n.candidate, s.candidate) for s in e.sources)}
             for e in joined]
    plan = merge_tallies(tallies, again, links)
    # The bridge joins both agents' events in one part, which is grouped again.
    assert plan is not None and any(len(groups) > 1 for groups in regrouped)
    assert sorted(made_from(plan, tallies, again)) == sorted(summary(merge_into([e.sources for e in joined], again)))


def split_by_a_closer_telling() -> list[AnalyzedDocument]:
    """Three articles: the second joins the first's event; the third is closer to the
    second than the second is to the first, and names another agent than the first: the
    first event splits, and the second article's source moves."""
    day = date(1998, 8, 11)
    us = Entity("united-states", "United States", "state", ("U.S.",))
    estrada = Entity("joseph-estrada", "Joseph Estrada", "person", ("Estrada",))
    council = Entity("united-nations", "United Nations", "organisation", ("Security Council",))
    documents = []
    for n, (title, actors) in enumerate([
            ("Joseph Estrada strongly condemned the bombings of the U.S. embassies", (estrada, us)),
            ("Leaders condemned the bombings of the U.S. embassies in Kenya", (us,)),
            ("Security Council condemned the bombings of the U.S. embassies in Kenya", (council, us))]):
        sentence = title + " on August 11, 1998."
        timex = Timex(len(title) + 4, len(sentence) - 1, "August 11, 1998", "DATE", "1998-08-11")
        candidate = EventCandidate(0, 0, len(sentence), title, day, day, "day", BASIS_STATED, timex,
                                   actors=actors, claim=sentence)
        source = SourceDocument(origin=f"split-{n}", title=title, text=sentence, url=f"https://split.invalid/{n}")
        documents.append(AnalyzedDocument(source, f"split-{n}", Anchor(day, ANCHOR_PUBLISHED),
                                          [Passage(0, sentence, ((0, len(sentence)),))], [candidate]))
    return documents


def test_a_writer_storing_through_tallies_writes_what_merging_again_writes(db_url, tmp_path, monkeypatch):
    knowledge = load_knowledge()
    documents = []
    for doc in read_corpus(TRAIN)[:40]:
        source = SourceDocument(origin=doc.name, title=doc.name, text=doc.text, published=doc.dct)
        documents.append(analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge))
    # Each article told again by two other outlets, later in the batch.
    documents += [replace(d, content_hash=f"{d.content_hash}/{n}", source=replace(d.source, url=f"https://x.invalid/{n}/{k}"))
                  for n in (1, 2) for k, d in enumerate(documents[::2])]
    documents += split_by_a_closer_telling()
    used = []
    real = store._continue_events

    def counted(*args):
        used.append(real(*args))
        return used[-1]

    def stored(url: str) -> list:
        upgrade(url)
        engine = make_engine(url)
        for document in documents:
            with Session(engine) as session:
                store.store_document(session, document)
                session.commit()
        with engine.connect() as db:
            events = db.execute(text("SELECT id, slug, title, date_start, date_end, precision, corroboration, "
                                     "disputed, reported FROM event")).all()
            sources = db.execute(text("SELECT id, event_id FROM event_source ORDER BY id")).all()
            entities = db.execute(text("SELECT event_id, entity_id FROM event_entity ORDER BY entity_id")).all()
            redirects = db.execute(text("SELECT old_slug, new_slug FROM slug_redirect ORDER BY old_slug")).all()
        engine.dispose()
        # Event ids differ between engines (PostgreSQL's sequences never give a number twice).
        told = {e.id: [s.id for s in sources if s.event_id == e.id] for e in events}
        named = {e.id: [n.entity_id for n in entities if n.event_id == e.id] for e in events}
        return sorted((e.slug, e.title, str(e.date_start), str(e.date_end), e.precision, e.corroboration,
                       bool(e.disputed), bool(e.reported), told[e.id], named[e.id]) for e in events) + \
            [("redirect",) + tuple(r) for r in redirects] + [("unlinked", [s.id for s in sources if s.event_id is None])]

    monkeypatch.setattr(store, "_continue_events", counted)
    through_tallies = stored(db_url)  # on each engine
    monkeypatch.setattr(store, "_continue_events", lambda *args: False)
    merged_again = stored(f"sqlite:///{tmp_path / 'merged.db'}")
    assert sum(used) > 30 and all(used)
    assert len(through_tallies) > 200
    assert through_tallies == merged_again
    # Tallies made, then not used (the merge would part a telling's copies) every other time.
    real_plan, calls = store.merge_tallies, []
    monkeypatch.setattr(store, "_continue_events", real)
    monkeypatch.setattr(store, "merge_tallies", lambda *args: None if calls.append(1) or len(calls) % 2 else real_plan(*args))
    assert stored(f"sqlite:///{tmp_path / 'both.db'}") == merged_again


def test_the_writer_remembers_tallies_within_its_bounds_counting_what_grew_in_place(monkeypatch):
    from app import source_memory

    monkeypatch.setattr(source_memory, "COPIES_TALLIED", 10)
    memory = source_memory.SourceMemory()
    day = date(2025, 1, 20)

    def told(title, doc):
        return SourcedCandidate(doc, EventCandidate(0, 0, 10, title, day, day, "day", BASIS_STATED, None))
    tallies = [EventTally(), EventTally()]
    for n, tally in enumerate(tallies):
        for k in range(4):
            tally.add(told(f"Event {n} happened", f"doc-{k}"), 10 * n + k)
            memory.place(10 * n + k, n + 1, 0)
        memory.keep_tally(n + 1, tally)
    assert list(memory.tallies) == [1, 2] and memory.tallied == [2, 8]
    # The second event gains copies in place, as a merge does: counted again when kept.
    for k in range(4, 7):
        tallies[1].add(told("Event 1 happened", f"doc-{k}"), 10 + k)
    memory.keep_tally(2, tallies[1])
    assert list(memory.tallies) == [2] and memory.tallied == [1, 7]
    # The first event's sources are no longer placed: they would be read again.
    assert not any(source_id in memory.placed for source_id in range(4))
    assert all(memory.placed.get(source_id, 0) >> 32 == 2 for source_id in range(10, 14))


def told_once(n: int, title: str) -> AnalyzedDocument:
    """An article of one sentence that tells `title` on 2 March 2023, by Ukraine."""
    day = date(2023, 3, 2)
    ukraine = Entity("ukraine", "Ukraine", "state")
    sentence = f"{title} on 2 March 2023."
    timex = Timex(len(title) + 4, len(sentence) - 1, "2 March 2023", "DATE", "2023-03-02")
    candidate = EventCandidate(0, 0, len(sentence), title, day, day, "day", BASIS_STATED, timex,
                               actors=(ukraine,), claim=sentence)
    source = SourceDocument(origin=f"merge-{n}", title=title, text=sentence, url=f"https://merge.invalid/{n}")
    return AnalyzedDocument(source, f"merge-{n}", Anchor(day, ANCHOR_PUBLISHED),
                            [Passage(0, sentence, ((0, len(sentence)),))], [candidate])


def test_events_merged_by_a_new_telling_keep_the_row_of_the_largest(db_url):
    """Two events that a third telling links are merged into the row of the one of more
    sources: its sources are not linked again, and the smaller one's slug redirects."""
    harbour = "Ukraine closed the harbour to shipping"
    port = "Ukraine reopened the port for grain"
    bridge = "Ukraine closed the harbour and reopened the port for grain shipping"
    assert not same_event(told_once(0, harbour).candidates[0], told_once(0, port).candidates[0])
    upgrade(db_url)
    engine = make_engine(db_url)
    for n, title in enumerate([port, harbour, harbour, harbour]):
        with Session(engine) as session:
            store.store_document(session, told_once(n, title))
            session.commit()
    with engine.connect() as db:
        before = db.execute(text("SELECT id, slug, (SELECT count(*) FROM event_source s WHERE s.event_id = e.id) "
                                 "FROM event e ORDER BY 3")).all()
    assert [count for _, _, count in before] == [1, 3]
    (small, small_slug, _), (large, large_slug, _) = before
    with Session(engine) as session:
        store.store_document(session, told_once(9, bridge))
        session.commit()
    with engine.connect() as db:
        after = db.execute(text("SELECT id, slug, (SELECT count(*) FROM event_source s WHERE s.event_id = e.id) "
                                "FROM event e")).all()
        redirects = dict(db.execute(text("SELECT old_slug, new_slug FROM slug_redirect")).all())
    assert [(event_id, count) for event_id, _, count in after] == [(large, 5)]
    assert redirects.get(small_slug) == after[0][1] and small_slug != after[0][1]
    engine.dispose()


def test_copies_counted_from_their_rows_make_the_tally_their_records_make():
    """`add_copy` counts a further copy of a telling from its standing and document, as
    a tally read back from the store does; the copy's record is made only where it
    becomes the telling's first or preferred copy, and the tally is the one `add` of
    every record makes."""
    from app.merge import _copy_standing, _essence_id, _standing
    from app.records import BASIS_RELATIVE

    port = Entity("port-authority", "Port Authority", "organisation")

    def told(doc, sentence, basis=BASIS_STATED, title="Port Authority closed the harbour", day=2):
        c = EventCandidate(0, sentence, sentence + 10, title, date(2021, 3, day), date(2021, 3, day), "day", basis,
                           None, actors=(port,))
        return SourcedCandidate(doc, c)

    copies = [told("m", 40), told("k", 10, BASIS_RELATIVE), told("c", 30), told("x", 5), told("a", 50, BASIS_RELATIVE),
              told("b", 20), told("n", 0, title="Port Authority reopened the harbour", day=9), told("d", 60)]
    whole = EventTally()
    for handle, item in enumerate(copies):
        whole.add(item, handle)
    counted, first_of, made = EventTally(), {}, []
    for handle, item in enumerate(copies):
        number = _essence_id(item.candidate)
        if number not in counted.tellings:
            first_of[number] = item
            counted.add(item, handle)
            continue
        c = item.candidate
        standing = _copy_standing(_standing(first_of[number]), c.basis, item.document_key, c.passage_index,
                                  c.sentence_start, c.sentence_end)
        assert standing == _standing(item)
        counted.add_copy(number, standing, item.document_key, handle, lambda item=item: made.append(item) or item)
    assert fields(counted.merged()) == fields(whole.merged())
    assert counted.copies() == whole.copies() == len(copies)
    for number, telling in whole.tellings.items():
        mine = counted.tellings[number]
        assert (mine.count, mine.documents, mine.handles) == (telling.count, telling.documents, telling.handles)
        assert (mine.first, mine.best) == (telling.first, telling.best)
    # Made: each copy that sorted first when it came ("k", "c", "a") or was preferred
    # (stated, and first in content order among the stated: "c", then "b"); not "x", "d".
    assert [item.document_key for item in made] == ["k", "c", "a", "b"]
