"""Event candidates from short literal texts, with literal TIMEX3s so each rule is tested alone."""
from datetime import date
from pathlib import Path

import pytest

from app.entities import find_mentions, load_knowledge
from app.events import extract_events
from app.records import (
    ANCHOR_FROM_DOCUMENT, BASIS_REPORTED, BASIS_STATED, BASIS_YEAR_INFERRED, Anchor, Passage, Timex,
)

ANCHOR = Anchor(date(2025, 1, 22), ANCHOR_FROM_DOCUMENT)


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def timex(text: str, phrase: str, value: str, type_: str = "DATE", basis: str = BASIS_STATED, mod=None) -> Timex:
    start = text.index(phrase)
    return Timex(start, start + len(phrase), phrase, type_, value, mod, basis if type_ != "DURATION" else "")


def run(texts, timexes, knowledge, anchor=ANCHOR):
    """One passage per text; a sentence ends at ". " between a small letter and a capital or a quote
    ("U.S. President" and "a.m. (0735 GMT)" go on)."""
    passages = [Passage(i, t, sentences(t)) for i, t in enumerate(texts)]
    return extract_events(passages, timexes, find_mentions(passages, knowledge), anchor)


def sentences(text):
    ends = [i + 1 for i in range(1, len(text) - 2) if text.startswith(". ", i) and text[i - 1].islower()
            and (text[i + 2].isupper() or text[i + 2] in "‘“")]
    starts = [0, *(e + 1 for e in ends)]
    return tuple(zip(starts, [*ends, len(text)]))


def dated(events):
    return [e for e in events if not e.reported]


def test_one_sentence_two_events(knowledge):
    text = "Former U.S. President Donald Trump, who was reelected in 2024 and sworn in on January 20, 2025, spoke."
    events = run([text], [[timex(text, "2024", "2024"), timex(text, "January 20, 2025", "2025-01-20")]], knowledge)
    assert [e.title for e in events] == ["Donald Trump reelected", "Donald Trump sworn in"]
    assert [(e.date_start, e.date_end, e.precision) for e in events] == [
        (date(2024, 1, 1), date(2024, 12, 31), "year"), (date(2025, 1, 20), date(2025, 1, 20), "day")]
    assert all(e.actors[0].name == "Donald Trump" for e in events)
    # "U.S." modifies the subject's name, so the second clause names the state too.
    assert all("United States" in {a.name for a in e.actors} for e in events)
    assert events[1].timex.text == "January 20, 2025"
    assert events[1].claim == text


def test_a_date_that_modifies_a_noun_stays_in_the_title(knowledge):
    text = "Donald Trump won the 2024 election, his second."
    events = run([text], [[timex(text, "2024", "2024")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["Donald Trump won the 2024 election"]


@pytest.mark.parametrize("text, phrase, title", [
    ("The leaders will meet in Geneva on March 3, 2025.", "March 3, 2025", "Leaders will meet in Geneva"),
    ("Zelensky is scheduled to visit Washington on March 3, 2025.", "March 3, 2025",
     "Volodymyr Zelenskyy scheduled to visit Washington"),
    ("Trump is to be inaugurated on March 3, 2025.", "March 3, 2025", "Donald Trump to be inaugurated"),
])
def test_scheduled_happenings_are_events(knowledge, text, phrase, title):
    events = run([text], [[timex(text, phrase, "2025-03-03")]], knowledge, anchor=None)
    assert [e.title for e in events] == [title]


@pytest.mark.parametrize("text, phrase, value", [
    ("The firm had a loss of $92 million for the quarter ended Sept. 30.", "Sept. 30", "1989-09-30"),
    ("Savin reported a loss, compared with year-earlier profit of $3.8 million.", "year-earlier", "1988"),
])
def test_reporting_periods_and_baselines_make_no_event(knowledge, text, phrase, value):
    assert run([text], [[timex(text, phrase, value)]], knowledge, anchor=None) == []


def test_complement_after_a_bare_dating_phrase(knowledge):
    text = "Secretary of State Madeleine Albright headed Tuesday to East Africa, seeking support."
    events = run([text], [[timex(text, "Tuesday", "1998-08-18", basis="relative to anchor")]], knowledge,
                 anchor=None)
    assert [e.title for e in events] == ["Madeleine Albright headed to East Africa"]


def test_event_noun_after_a_dating_modifier(knowledge):
    text = "He has been on the run since the January 1998 bombing of an abortion clinic."
    events = run([text], [[timex(text, "January 1998", "1998-01")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["Bombing of an abortion clinic"]
    assert events[0].precision == "month"


def test_subject_across_a_short_aside(knowledge):
    text = "On May 6, James Korrick, 44, was charged with the slaying."
    events = run([text], [[timex(text, "May 6", "1999-05-06", basis="year inferred")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["James Korrick charged with the slaying"]


def test_durations_and_framing_spans_make_no_event(knowledge):
    text = "Moscow has said so over the past two years, and Kyiv has held the line since 2022."
    events = run([text], [[timex(text, "the past two years", "P2Y", "DURATION"), timex(text, "2022", "2022")]],
                 knowledge, anchor=None)
    assert events == []


def test_a_date_with_nothing_happening_around_it_makes_no_event(knowledge):
    text = "Ukraine in 2024: a country of many hopes."
    assert run([text], [[timex(text, "2024", "2024")]], knowledge, anchor=None) == []


def test_relative_clause_takes_its_noun(knowledge):
    text = "This particular offensive, which began on August 6, surprised Russia."
    events = run([text], [[timex(text, "August 6", "2024-08-06", basis=BASIS_YEAR_INFERRED)]], knowledge)
    assert [e.title for e in dated(events)] == ["Offensive began"]
    assert dated(events)[0].basis == BASIS_YEAR_INFERRED
    assert [a.name for a in dated(events)[0].actors] == ["Russia"]


def test_this_offensive_takes_up_the_owner_the_article_named(knowledge):
    texts = ["Ukraine's recent offensive into Russian border regions surprised Moscow.",
             "This particular offensive, which began on August 6, marks a turning point."]
    events = run(texts, [[], [timex(texts[1], "August 6", "2024-08-06", basis=BASIS_YEAR_INFERRED)]], knowledge,
                 anchor=None)
    assert [e.title for e in events] == ["Ukraine's offensive began"]
    assert events[0].actors[0].name == "Ukraine"


def test_a_report_frame_gives_way_to_what_was_reported(knowledge):
    text = ("Reports indicated on November 17 during talks, including a meeting of ministers, "
            "confirmed Biden's allowance for Ukrainian forces to employ Army Tactical Missile Systems (ATACMS).")
    events = run([text], [[timex(text, "November 17", "2024-11-17", basis=BASIS_YEAR_INFERRED)]], knowledge)
    event = dated(events)[0]
    assert event.title.startswith("Biden's allowance for Ukrainian forces")
    assert [a.name for a in event.actors] == ["Joe Biden", "Ukraine"]
    assert [w.name for w in event.weapons] == ["ATACMS"]


def test_subject_before_the_dating_phrase_and_what_was_said_after_it(knowledge):
    text = "President Kaldor on Tuesday said the navy may extend its quarantine to the port."
    events = run([text], [[timex(text, "Tuesday", "1990-08-14", basis="relative to anchor")]], knowledge,
                 anchor=None)
    assert [e.title for e in events] == ["Kaldor said the navy may extend its quarantine to the port"]
    assert [a.name for a in events[0].actors] == ["Kaldor"]


def test_what_was_said_before_a_closing_report_verb(knowledge):
    text = "Suspected bombs exploded outside two embassies, witnesses said Friday."
    events = run([text], [[timex(text, "Friday", "1998-08-07", basis="relative to anchor")]], knowledge,
                 anchor=None)
    assert [e.title for e in events] == ["Suspected bombs exploded outside two embassies"]


def test_event_noun_with_its_owner(knowledge):
    text = "Troops have massed there since Iraq's invasion of Kuwait on Aug. 2."
    events = run([text], [[timex(text, "Aug. 2", "1990-08-02", basis="year inferred")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["Iraq's invasion of Kuwait"]


def test_pronoun_takes_the_last_sentence_subject(knowledge):
    texts = ["Boris Pistorius met Annalena Baerbock.", "He spoke during a press conference in March 2024."]
    events = run(texts, [[], [timex(texts[1], "March 2024", "2024-03")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["Boris Pistorius spoke during a press conference"]
    assert events[0].precision == "month"


def test_a_quotation_dated_by_its_attribution_dates_the_statement_before_it(knowledge):
    text = ("Trump had previously expressed willingness to sell missiles to NATO countries. "
            "‘I’m ready to do business,’ he stated during a press conference in late 2024.")
    events = run([text], [[timex(text, "late 2024", "2024", mod="END")]], knowledge)
    assert len(events) == 1
    event = events[0]
    assert not event.reported and event.timex.text == "late 2024"
    assert event.title == "Donald Trump had previously expressed willingness to sell missiles to NATO countries"
    assert event.sentence_start == 0 and event.claim == text
    assert {a.name for a in event.actors} >= {"Donald Trump", "NATO"}


def test_a_quotation_of_another_speaker_leaves_the_statement_undated(knowledge):
    text = ("Trump had previously expressed willingness to sell missiles. "
            "‘That is dangerous,’ Zelensky said in late 2024.")
    events = run([text], [[timex(text, "late 2024", "2024", mod="END")]], knowledge)
    assert [e.reported for e in events] == [True, False]
    assert events[0].title.startswith("Donald Trump had previously expressed")


def test_a_dating_phrase_inside_a_quotation_dates_nothing(knowledge):
    text = "“We lost the town on Monday,” Zelensky said."
    events = run([text], [[timex(text, "Monday", "2025-01-20", basis="relative to anchor")]], knowledge, anchor=None)
    assert events == []


def test_statement_without_a_date_is_reported_at_the_anchor(knowledge):
    text = ("In a recent statement, Pistorius confirmed that Germany and the United States "
            "had agreed to transfer two Patriot air defense systems to Kyiv.")
    events = run([text], [[]], knowledge)
    assert len(events) == 1
    event = events[0]
    assert event.reported and event.basis == BASIS_REPORTED and event.timex is None
    assert (event.date_start, event.date_end) == (ANCHOR.date, ANCHOR.date)
    assert event.title.startswith("Germany and the United States had agreed to transfer two Patriot")
    assert {a.name for a in event.actors} >= {"Germany", "United States"}
    assert [w.name for w in event.weapons] == ["Patriot"]


def test_no_anchor_no_reported_statements(knowledge):
    text = "Germany and the United States had agreed to transfer two Patriot systems."
    assert run([text], [[]], knowledge, anchor=None) == []


def test_modifiers_and_asides_are_not_the_statement(knowledge):
    text = "The newly approved ATACMS can reach targets nearly 190 miles away."
    assert run([text], [[]], knowledge) == []
    aside = "Trump, known for his unorthodox policies, had previously expressed willingness to sell missiles."
    events = run([aside], [[]], knowledge)
    assert [e.title for e in events] == ["Donald Trump had previously expressed willingness to sell missiles"]


@pytest.mark.parametrize("text", [
    # A counterfactual is no happening.
    "He argues that Ukraine would not have dared to advance into Russian territory.",
    # A span of recent time gives the statement no single date to stand at the anchor.
    "The international landscape has shifted dramatically in recent months, with the United States "
    "reportedly endorsing the offensive.",
    # A name after a verb is its object; a participle after it is no clause of its own.
    "Ukraine could extend its range, attacking key Russian military assets located hundreds of miles away.",
    # What was said did not make it into the title.
    "Pistorius emphasized that while the need is urgent, the process could take weeks.",
    "Gonzalez's words appeared in a letter published on the front page of the Communist Party daily.",
])
def test_statements_that_report_no_happening(knowledge, text):
    spans = [timex(text, "recent months", "PXM", "DURATION")] if "recent months" in text else []
    assert run([text], [spans], knowledge) == []


@pytest.mark.parametrize("text, title", [
    ("However, Russia has stalled ratification, trying to tie it to a base for at least 20 more years.",
     "Russia has stalled ratification"),
    ("It came just as an explosion ripped through the American Embassy.",
     "Explosion ripped through the American Embassy"),
    ("Reports from the White House indicated the president sought to make this decision.",
     "President sought to make this decision"),
    # A "with" absolute tells a happening; "in a letter published on" only modifies.
    ("The approval was conditional, with an explicit exception granted to Kyiv for long-range missiles.",
     "Explicit exception granted to Kyiv for long-range missiles"),
])
def test_statements_kept_beside_those_rules(knowledge, text, title):
    assert [e.title for e in run([text], [[]], knowledge)] == [title]


def test_conditionals_are_not_reported_happenings(knowledge):
    text = "Should Trump proceed with his promises, Ukraine would lose support."
    assert run([text], [[]], knowledge) == []


def test_negation_stays_in_the_title(knowledge):
    text = "While Trump's remarks were not immediately acted upon, they signaled a shift."
    events = run([text], [[]], knowledge)
    assert [e.title for e in events] == ["Trump's remarks not immediately acted upon"]


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles ship with the repository")
def test_seed_corpus_yields_the_key_events_against_the_gold_set():
    from app.event_eval import evaluate

    scores, run_ = evaluate(SEEDS)
    assert scores.matched == scores.gold, scores.missed
    assert scores.matched == scores.system, scores.false
    assert scores.actor_hits == scores.actor_gold and scores.weapon_hits == scores.weapon_gold
    assert scores.duplicates_merged == scores.duplicates
    # Two articles date Trump's offer to sell missiles differently: one event, both claims, disputed.
    disputed = [e for e in run_.events if e.disputed and not e.reported]
    assert len(disputed) == 1 and disputed[0].corroboration >= 2
    assert all("missiles" in s.candidate.claim for s in disputed[0].sources)
    # One says the approval was limited to long-range missiles, others that they were the exception.
    claims = [{s.candidate.title for s in e.sources} for e in run_.events if e.disputed and e.reported]
    assert any(any("limited" in t for t in c) and any("exception" in t for t in c) for c in claims)
    by_date = {e.date_start: e for e in run_.events if not e.reported and e.precision == "day"}
    offensive = by_date[date(2024, 8, 6)].sources[0]
    article = run_.passages[run_.names[offensive.document_key]]
    assert "offensive" in article[offensive.candidate.passage_index].text
    assert any("Kursk" in p.text for p in article)
    assert "atacms" in {w.key for w in by_date[date(2024, 11, 17)].weapons}
    assert by_date[date(2025, 1, 20)].corroboration == 2


# Short sentences in the manner of the TempEval-3 news documents (a second story, with no
# knowledge-file entries for its people): each checks one general rule of titles.
@pytest.mark.parametrize("text, phrase, value, title", [
    # A past form after "some" is an adjective, not the happening.
    ("Ambassador Prudence Bushnell wrapped up some unfinished business on Wednesday.", "Wednesday",
     "1998-08-26", "Prudence Bushnell wrapped up some unfinished business"),
    # A participle after a comma with its preposition opens an aside; the clause's verb follows.
    ("On Friday, Carollo, accompanied by a lawyer, flew to Washington.", "Friday", "2000-01-07",
     "Carollo flew to Washington"),
    # A name inside a phrase ("to Reno") is not the subject; the owner opens the noun phrase.
    ("Gonzalez's second letter to Reno was published in Granma on Tuesday.", "Tuesday", "2000-02-15",
     "Gonzalez's second letter to Reno published in Granma"),
    # "its" takes up the last organisation named.
    ("NATO's mission has changed since its founding in 1949.", "1949", "1949", "NATO’s founding"),
    # An "-ing" form after a past participle belongs to it; a long aside stands between subject and verb.
    ("Elian, the boy at the center of the dispute, was found clinging to an inner tube on Nov. 25.",
     "Nov. 25", "1999-11-25", "Elian found clinging to an inner tube"),
    # "officials said as dawn broke Saturday": the clause only times the report; what was said comes first.
    ("At least 82 were killed and more than 1,700 injured, officials said as dawn broke Saturday.",
     "Saturday", "1998-08-08", "At least 82 were killed and more than 1,700 injured"),
    # A speaker of several words after the comma, and a short aside inside what was said.
    ("The death toll, initially 10, has risen to 12, hospital officials and family members said Wednesday.",
     "Wednesday", "1998-08-26", "The death toll has risen to 12"),
    # A dateline and an opening phrase before what was said.
    ("BUDAPEST, Hungary (AP)_ Tired of being sidelined, astronaut Bertalan Farkas is leaving for "
     "the United States, he said Saturday.", "Saturday", "1998-04-18",
     "Astronaut Bertalan Farkas is leaving for the United States"),
    # A wire dateline is no part of the title, nor are its places actors.
    ("BELFAST, Northern Ireland (AP)_ Police seized a car bomb under construction Sunday.", "Sunday",
     "1998-03-22", "Police seized a car bomb under construction"),
    # A relative clause after a name takes the name, not the words before it.
    ("It was the first time that Ritter, who arrived Thursday with 50 inspectors, had been allowed in.",
     "Thursday", "1998-03-05", "Ritter arrived with 50 inspectors"),
])
def test_titles_on_a_second_story(knowledge, text, phrase, value, title):
    events = run([text], [[timex(text, phrase, value, basis="relative to anchor")]], knowledge, anchor=None)
    assert [e.title for e in events] == [title]


@pytest.mark.parametrize("texts, phrase, value, title", [
    # A pronoun in a clause takes up its own sentence's subject before the last sentence's person.
    (["Janet Reno spoke.", "Elian has been the focus of a custody battle since he was found on an "
      "inner tube on Nov. 25."], "Nov. 25", "1999-11-25", "Elian found on an inner tube"),
    # A person the sentence opens with, after a title, is the pronoun's antecedent.
    (["Fidel Castro spoke.", "Rep. Dan Burton, R-Ind., said he subpoenaed the boy on Feb. 10."], "Feb. 10",
     "2000-02-10", "Dan Burton subpoenaed the boy"),
    # A restrictive relative clause takes its noun: "the revolution that brought Castro to power".
    (["Crowds gathered.", "Veterans of the revolution that brought Castro to power 41 years ago marched."],
     "41 years ago", "1959", "Revolution brought Castro to power"),
    # What a name owns is the subject: "Keating's convictions".
    (["Charles Keating, 66, was convicted.", "Keating's convictions were thrown out in 1996."], "1996", "1996",
     "Charles Keating’s convictions thrown out"),
    # A name after a preposition is the subject of a participle ("reports of Russian forces advancing").
    (["Tensions rose.", "This decision came amid escalating tensions following reports of Russian forces "
      "advancing in eastern Ukraine in 2024."], "2024", "2024", "Russian forces advancing in eastern Ukraine"),
])
def test_subjects_across_clauses(knowledge, texts, phrase, value, title):
    events = run(texts, [[], [timex(texts[1], phrase, value)]], knowledge, anchor=None)
    assert [e.title for e in events] == [title]


def test_a_time_and_its_day_are_one_dating_phrase(knowledge):
    text = "The blast in Nairobi occurred at about 10:35 a.m. (0735 GMT) Friday, toppling a building."
    timexes = [timex(text, "about 10:35 a.m.", "1998-08-07T10:35", "TIME"), timex(text, "Friday", "1998-08-07")]
    events = run([text], [timexes], knowledge, anchor=None)
    assert [e.title for e in events] == ["Blast in Nairobi occurred"]
    assert events[0].timex.text == "about 10:35 a.m. (0735 GMT) Friday"
    assert events[0].timex.value == "1998-08-07"


@pytest.mark.parametrize("text, title", [
    ("Protesters prayed for divine help on Sunday as Easter week began.", "Protesters prayed for divine help"),
    ("They obtained a warrant for him as a material witness on Oct. 23.",
     "They obtained a warrant for him as a material witness"),
])
def test_as_ends_a_title_only_where_a_clause_begins(knowledge, text, title):
    phrase = "Sunday" if "Sunday" in text else "Oct. 23"
    events = run([text], [[timex(text, phrase, "2000-04-16")]], knowledge, anchor=None)
    assert [e.title for e in events] == [title]


def test_a_name_before_a_clause_of_its_own_is_not_its_subject(knowledge):
    text = "Gregory Craig announced in Washington that the father would be traveling to Miami Thursday."
    events = run([text], [[timex(text, "Thursday", "2000-04-06")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["Father would be traveling to Miami"]


@pytest.mark.parametrize("text, phrase", [
    # News wires open a quotation with two apostrophes as well as with backquotes.
    ("''Elian today is the symbol of our unity,'' Castro said to cheers.", "today"),
    # One word says neither who nor what.
    ("Gonzalez said so in the letter, dated Monday.", "Monday"),
])
def test_no_event_from_a_quotation_or_a_bare_word(knowledge, text, phrase):
    assert run([text], [[timex(text, phrase, "2000-04-03", basis="relative to anchor")]], knowledge,
               anchor=None) == []


def test_a_title_keeps_currency_and_per_cent(knowledge):
    text = "Whose revenue inched up 3.7% to $92 million in the quarter ended June 30, and more."
    events = run([text], [[timex(text, "June 30", "1989-06-30")]], knowledge, anchor=None)
    assert events == []  # a reporting period: no event
    text = "Tourism revenues dropped 3.7% to $300 million last year."
    events = run([text], [[timex(text, "last year", "1997", basis="relative to anchor")]], knowledge, anchor=None)
    assert [e.title for e in events] == ["Tourism revenues dropped 3.7% to $300 million"]


def test_a_price_line_of_a_trading_session_is_no_event(knowledge):
    text = "In New York Stock Exchange composite trading yesterday, Intelogic shares rose 37.5 cents."
    assert run([text], [[timex(text, "yesterday", "1989-10-25", basis="relative to anchor")]], knowledge,
               anchor=None) == []
    began = "The stock began trading this summer at $14 apiece."
    events = run([began], [[timex(began, "this summer", "1989-SU", basis="relative to anchor")]], knowledge,
                 anchor=None)
    assert [e.title for e in events] == ["Stock began trading"]


@pytest.mark.parametrize("module", [
    "app.events", "app.titles", "app.subjects", "app.report_content", "app.reported", "app.word_classes",
    "app.merge", "app.same_event", "app.wording", "app.entities", "app.knowledge", "app.word_index",
    "app.event_tally",
])
def test_docstring_examples_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
