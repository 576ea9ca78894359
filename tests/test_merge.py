"""Merging candidates of several sources into events: corroboration, disputes, order independence."""
import itertools
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.merge import merge_events
from app.wording import stem
from app.records import (
    BASIS_RELATIVE, BASIS_REPORTED, BASIS_STATED, BASIS_YEAR_INFERRED, Entity, EventCandidate, SourcedCandidate,
)

TRUMP = Entity("donald-trump", "Donald Trump", "person", ("Trump",))
UKRAINE = Entity("ukraine", "Ukraine", "state", ("Ukrainian",))
RUSSIA = Entity("russia", "Russia", "state", ("Russian",))
JAPAN = Entity("japan", "Japan", "state", ("Japanese",))
WEST = Entity("western-allies", "Western allies", "organisation", ("the West",))
PATRIOT = Entity("patriot", "Patriot", "weapon")


def told(doc, title, first, last=None, precision="day", actors=(TRUMP,), weapons=(), reported=False,
         basis=BASIS_STATED, passage=0):
    candidate = EventCandidate(
        passage_index=passage, sentence_start=0, sentence_end=len(title), title=title,
        date_start=first, date_end=last or first, precision=precision,
        basis=BASIS_REPORTED if reported else basis, timex=None, actors=actors, weapons=weapons,
        reported=reported, claim=title + ".",
    )
    return SourcedCandidate(doc, candidate)


def summary(events):
    return [(e.date_start, e.title, e.disputed, sorted((s.document_key, s.candidate.title) for s in e.sources))
            for e in events]


def test_same_happening_in_two_articles_is_one_corroborated_event():
    day = date(2025, 1, 20)
    events = merge_events([told("a", "Donald Trump sworn in", day), told("b", "Donald Trump’s swearing-in", day)])
    assert len(events) == 1
    assert events[0].corroboration == 2
    assert not events[0].disputed


def test_repeated_paragraph_counts_once():
    day = date(2024, 11, 17)
    events = merge_events([told("a", "Biden allowed strikes", day, passage=1),
                           told("a", "Biden allowed strikes", day, passage=5)])
    assert len(events) == 1 and len(events[0].sources) == 2 and events[0].corroboration == 1


def test_different_happenings_of_one_actor_on_one_date_stay_apart():
    day = date(2024, 3, 1)
    events = merge_events([told("a", "Donald Trump won the primary", day),
                           told("b", "Donald Trump stated during a press conference", day)])
    assert len(events) == 2


def test_same_wording_needs_an_overlapping_date_at_the_coarser_precision():
    year = told("a", "Russian forces advancing in eastern Ukraine", date(2024, 1, 1), date(2024, 12, 31),
                "year", actors=(RUSSIA, UKRAINE))
    day = told("b", "Russian military advances in eastern Ukraine", date(2024, 5, 3), actors=(RUSSIA, UKRAINE))
    merged = merge_events([year, day])
    assert len(merged) == 1
    # The finer date of the two stands for the event.
    assert merged[0].precision == "day"
    other_year = told("c", "Russian forces advancing in eastern Ukraine", date(2023, 1, 1), date(2023, 12, 31),
                      "year", actors=(RUSSIA,))
    assert len(merge_events([year, other_year])) == 1 and merge_events([year, other_year])[0].disputed


def test_contradicting_claims_keep_both_and_flag_the_event():
    day = date(2025, 1, 20)
    limited = told("a", "Approval explicitly limited to the use of long-range missiles", day,
                   actors=(JAPAN,), reported=True)
    exception = told("b", "Explicit exception granted for the use of long-range missiles", day,
                     actors=(WEST, UKRAINE), reported=True)
    events = merge_events([limited, exception])
    assert len(events) == 1
    assert events[0].disputed and events[0].reported
    assert {s.candidate.claim for s in events[0].sources} == {limited.candidate.claim, exception.candidate.claim}


def test_a_negating_verb_contradicts_only_the_happening_it_names():
    day = date(1989, 1, 1)
    russia = RUSSIA
    denied = told("a", "Russia denied attacking the city of Kharkiv", day, actors=(russia,))
    attacked = told("b", "Russia attacked the city of Kharkiv", day, actors=(russia,))
    assert [e.disputed for e in merge_events([denied, attacked])] == [True]
    rejected = told("a", "Dataproducts had rejected a $15 a share offer from DPC", day, actors=(JAPAN,))
    made = told("b", "DPC Acquisition made a $15 a share offer for Dataproducts", day, actors=(JAPAN,))
    events = merge_events([rejected, made])
    assert len(events) == 1 and not events[0].disputed  # the offer was made, then rejected


def test_agreeing_claims_are_not_disputed():
    day = date(2025, 1, 20)
    a = told("a", "Western allies made an exception for the use of long-range missiles", day, actors=(WEST,),
             reported=True)
    b = told("b", "Explicit exception granted for the use of long-range missiles", day, actors=(WEST,),
             reported=True)
    events = merge_events([a, b])
    assert len(events) == 1 and not events[0].disputed


def test_reported_statement_joins_the_dated_telling():
    dated = told("a", "Germany and the United States agreed to transfer two Patriot systems", date(2024, 6, 1),
                 basis=BASIS_YEAR_INFERRED, actors=(), weapons=(PATRIOT,))
    undated = told("b", "Germany and the United States had agreed to transfer two Patriot systems",
                   date(2025, 1, 20), actors=(), weapons=(PATRIOT,), reported=True)
    events = merge_events([dated, undated])
    assert len(events) == 1
    assert events[0].date_start == date(2024, 6, 1) and not events[0].reported and not events[0].disputed


def test_reported_statements_anchored_far_apart_stay_apart():
    a = told("a", "Germany agreed to transfer two Patriot systems", date(2024, 1, 1), actors=(),
             weapons=(PATRIOT,), reported=True)
    b = told("b", "Germany agreed to transfer two Patriot systems", date(2024, 9, 1), actors=(),
             weapons=(PATRIOT,), reported=True)
    assert len(merge_events([a, b])) == 2


def test_result_does_not_depend_on_the_order_of_candidates():
    day = date(2025, 1, 20)
    items = [
        told("a", "Donald Trump sworn in", day),
        told("b", "Donald Trump’s swearing-in", day),
        told("c", "Donald Trump stated during a press conference", day),
        told("a", "Approval explicitly limited to the use of long-range missiles", day, actors=(JAPAN,),
             reported=True),
        told("b", "Explicit exception granted for the use of long-range missiles", day, actors=(WEST,),
             reported=True),
        told("c", "Western allies made an exception for the use of long-range missiles", day,
             actors=(WEST,), reported=True),
    ]
    results = {repr(summary(merge_events(list(order)))) for order in itertools.permutations(items)}
    assert len(results) == 1


def test_two_named_agents_doing_the_same_thing_are_two_events():
    day = date(1998, 8, 11)
    estrada = Entity("joseph-estrada", "Joseph Estrada", "person", ("Estrada",))
    council = Entity("united-nations", "United Nations", "organisation", ("Security Council",))
    us = Entity("united-states", "United States", "state", ("U.S.",))
    events = merge_events([
        told("a", "Joseph Estrada condemned the bombings of the U.S. embassies", day, actors=(estrada, us)),
        told("b", "Security Council condemned the bombing of the U.S. embassies", day, actors=(council, us)),
    ])
    assert len(events) == 2


def test_two_unlinked_names_doing_the_same_thing_are_two_events():
    us = Entity("united-states", "United States", "state", ("U.S.",))
    day = date(1998, 8, 13)
    events = merge_events([
        told("a", "President Bill Clinton condemned bomb attacks at U.S. embassies in Kenya and Tanzania", day,
             actors=(us,)),
        told("b", "Security Council condemned the bombing of the U.S. embassies in Kenya and Tanzania", day,
             actors=(us,)),
    ])
    assert len(events) == 2


def test_a_reported_statement_does_not_join_a_happening_after_its_article():
    dated = told("a", "Germany agreed to transfer two Patriot systems", date(2024, 9, 1), actors=(),
                 weapons=(PATRIOT,))
    undated = told("b", "Germany agreed to transfer two Patriot systems", date(2024, 5, 1), actors=(),
                   weapons=(PATRIOT,), reported=True)
    assert len(merge_events([dated, undated])) == 2


def test_a_chain_of_look_alikes_does_not_join_clashing_dates():
    us = Entity("united-states", "United States", "state", ("U.S.",))
    first = told("a", "Bombings killed more than 200 people near the embassy", date(1998, 8, 7), actors=(us,))
    bridge = told("b", "Bombings killed people near the embassy", date(1998, 8, 7), actors=(us,), reported=True)
    older = told("c", "Bombings killed 168 people near the building", date(1995, 4, 19), actors=(us,))
    dated = [e for e in merge_events([first, bridge, older]) if not e.reported]
    assert sorted(len(e.sources) for e in dated) == [1, 2]
    assert not any(e.disputed for e in dated)


def test_the_same_words_years_apart_are_two_happenings():
    times = Entity("new-york-times", "New York Times", "organisation")
    a = told("a", "New York Times said in an editorial that courts erred", date(1998, 4, 25), actors=(times,))
    b = told("b", "New York Times said in an editorial that courts erred", date(2000, 4, 6), actors=(times,))
    assert len(merge_events([a, b])) == 2


def test_one_claim_told_with_dates_months_apart_is_one_disputed_event():
    late = told("a", "Donald Trump had previously expressed willingness to sell missiles to NATO countries",
                date(2024, 9, 1), date(2024, 12, 31), "part")
    late = SourcedCandidate("a", replace(late.candidate, claim=(
        "Trump had previously expressed willingness to sell missiles to NATO countries for eventual "
        "transfer to Ukraine. ‘I’m ready to do business,’ he stated during a press conference.")))
    early = told("b", "Donald Trump expressed openness to selling missiles to NATO countries for eventual transfer",
                 date(2024, 1, 1), date(2024, 4, 30), "part", basis=BASIS_RELATIVE)
    early = SourcedCandidate("b", replace(early.candidate, claim=(
        "President Donald Trump expressed openness to selling missiles to NATO countries for eventual "
        "transfer to Ukraine.")))
    events = merge_events([late, early])
    assert len(events) == 1 and events[0].disputed and events[0].corroboration == 2
    # The stated date wins over the one inferred from the anchor; both claims stay.
    assert events[0].date_start == date(2024, 9, 1)
    assert {s.candidate.claim for s in events[0].sources} == {late.candidate.claim, early.candidate.claim}


def test_a_claim_with_another_verb_months_apart_is_another_happening():
    sold = told("a", "Donald Trump sold missiles to NATO countries for eventual transfer to Ukraine",
                date(2024, 9, 1))
    offered = told("b", "Donald Trump offered missiles to NATO countries for eventual transfer to Ukraine",
                   date(2024, 3, 1))
    assert len(merge_events([sold, offered])) == 2


def test_events_come_out_in_date_order():
    events = merge_events([told("a", "Donald Trump sworn in", date(2025, 1, 20)),
                           told("b", "Donald Trump reelected", date(2024, 1, 1), date(2024, 12, 31), "year")])
    assert [e.date_start for e in events] == [date(2024, 1, 1), date(2025, 1, 20)]


def test_stem_brings_inflections_together():
    assert stem("agreement") == stem("agreed")
    assert stem("sworn") == stem("swearing")
    assert stem("re-election") == stem("reelected")
    assert stem("advances") == stem("advancing")


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_seed_candidates_merge_the_same_in_any_order():
    from app.event_eval import run_corpus
    from app.entities import load_knowledge

    candidates = run_corpus(SEEDS, load_knowledge()).candidates
    expected = summary(merge_events(candidates))
    rng = random.Random(5)
    for _ in range(5):
        shuffled = candidates[:]
        rng.shuffle(shuffled)
        assert summary(merge_events(shuffled)) == expected


def test_a_title_naming_its_subject_after_a_title_word_is_compared_by_its_verb():
    # "President Donald Trump ..." opens with a capitalised title before the name;
    # the date-dispute check compares the verb after the name (it used to raise).
    items = [
        told("a", "President Donald Trump offered missiles to NATO countries for Ukraine", date(2024, 3, 1)),
        told("b", "President Donald Trump offered missiles to NATO countries for Ukraine", date(2024, 10, 1)),
    ]
    events = merge_events(items)
    assert len(events) == 1 and events[0].disputed and events[0].corroboration == 2


def test_what_a_candidate_says_is_kept_on_it_and_not_taken_for_a_field():
    # app.wording keeps its answers in the record's __dict__: equal records still compare
    # equal, hash alike and pickle with their answers, and a record made with
    # dataclasses.replace is asked afresh.
    import pickle
    from dataclasses import replace as replaced
    from datetime import date

    from app.records import BASIS_STATED, Entity, EventCandidate
    from app.wording import claim_words, polarity, wording

    trump = Entity("donald-trump", "Donald Trump", "person")
    day = date(2025, 1, 20)
    c = EventCandidate(0, 0, 10, "Trump did not sign the order", day, day, "day", BASIS_STATED, None,
                       actors=(trump,), claim="Trump did not sign the order on Monday.")
    twin = EventCandidate(0, 0, 10, "Trump did not sign the order", day, day, "day", BASIS_STATED, None,
                          actors=(trump,), claim="Trump did not sign the order on Monday.")
    assert wording(c) == {"sign", "order"} and polarity(c) == {"negation"} and "monday" in claim_words(c)
    assert c == twin and hash(c) == hash(twin) and "_wording" in vars(c) and "_wording" not in vars(twin)
    assert vars(pickle.loads(pickle.dumps(c)))["_wording"] == wording(c)
    signed = replaced(c, title="Trump signed the order")
    assert polarity(signed) == frozenset() and wording(signed) == {"sign", "order"}
