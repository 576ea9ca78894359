"""Actors and weapon systems: the knowledge file, names learned from the text, spans."""
from pathlib import Path

import pytest

from app.entities import find_mentions, load_knowledge
from app.records import Passage


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def mentions_of(texts, knowledge):
    passages = [Passage(i, t) for i, t in enumerate(texts)]
    return find_mentions(passages, knowledge)


def names(found):
    return [m.entity.name for m in found]


def test_aliases_of_one_person_are_one_entity(knowledge):
    found = mentions_of(["Zelenskyy met Zelensky's aides; Volodymyr Zelensky left."], knowledge)[0]
    assert len({m.entity.key for m in found}) == 1
    assert [m.text for m in found] == ["Zelenskyy", "Zelensky", "Volodymyr Zelensky"]


def test_state_names_abbreviations_and_demonyms(knowledge):
    found = mentions_of(["U.S. and US officials, the United States and American troops."], knowledge)[0]
    assert names(found) == ["United States"] * 4


def test_armed_forces_named_by_demonym_point_at_the_state(knowledge):
    found = mentions_of(["Ukrainian forces crossed the border."], knowledge)[0]
    assert names(found) == ["Ukraine"]


def test_weapon_long_form_and_acronym(knowledge):
    found = mentions_of(["Army Tactical Missile Systems (ATACMS) and more ATACMS."], knowledge)[0]
    assert {m.entity.key for m in found} == {"atacms"}
    assert all(m.entity.is_weapon for m in found)


def test_matching_is_case_sensitive_and_whole_word(knowledge):
    assert mentions_of(["Let us talk about usage and Trumpet music."], knowledge)[0] == []


def test_spans_point_into_the_passage(knowledge):
    text = "The British Challenger 2 tank may be a Soviet-era T-64, said the Kremlin."
    found = mentions_of([text], knowledge)[0]
    assert [text[m.start:m.end] for m in found] == [m.text for m in found]
    assert names(found) == ["United Kingdom", "Challenger 2", "Soviet Union", "T-64", "Russia"]


def test_acronym_defined_in_the_text_is_learned(knowledge):
    texts = ["Officials approved the Precision Strike Missile (PrSM) for export.", "The PrSM flies far."]
    first, second = mentions_of(texts, knowledge)
    assert first[0].text == "Precision Strike Missile"
    assert first[0].entity.kind == "weapon"
    assert second[0].entity == first[0].entity


def test_unknown_person_found_by_title_and_later_by_surname(knowledge):
    texts = ["Defense Minister Jarek Novaczek visited the plant.", "Novaczek said it would reopen."]
    first, second = mentions_of(texts, knowledge)
    assert names(first) == ["Jarek Novaczek"]
    assert first[0].entity.kind == "person"
    assert second[0].text == "Novaczek" and second[0].entity == first[0].entity


def test_title_before_a_single_name(knowledge):
    texts = ["President Kaldor's envoy left.", "Later President Kaldor said no."]
    first, second = mentions_of(texts, knowledge)
    assert names(first) == ["Kaldor"] and first[0].entity.kind == "person"
    assert second[0].entity == first[0].entity


def test_an_organisation_after_a_title_word_is_no_person(knowledge):
    found = mentions_of(["The General Assembly of the body voted."], knowledge)[0]
    assert all(m.entity.kind != "person" for m in found)


def test_a_dateline_is_no_acronym_definition(knowledge):
    found = mentions_of(["CANBERRA, Australia (AP) _ The vote was close.", "AP said so."], knowledge)
    assert all(m.text != "AP" for m in found[1])


def test_unknown_person_found_by_age(knowledge):
    texts = ["On May 6, James Korrick, 44, was charged.", "Korrick denied it."]
    first, second = mentions_of(texts, knowledge)
    assert names(first) == ["James Korrick"] and names(second) == ["James Korrick"]


def test_unknown_person_found_by_apposition(knowledge):
    text = "Petra Lindqvorn, a spokesperson for the ministry, declined to comment."
    found = mentions_of([text], knowledge)[0]
    assert names(found) == ["Petra Lindqvorn"]


def test_apposition_takes_only_a_whole_run_of_capitalised_words(knowledge):
    text = "Northwind Harbor Ostap Melnychenko, an adviser to the mayor, spoke."
    assert "Harbor Ostap Melnychenko" not in names(mentions_of([text], knowledge)[0])


def test_organisation_named_by_its_head_word(knowledge):
    found = mentions_of(["Analysts at the Institute for Maritime Studies disagreed."], knowledge)[0]
    assert names(found) == ["Institute for Maritime Studies"]
    assert found[0].entity.kind == "organisation"


def test_an_organ_of_a_known_state_names_the_state(knowledge):
    found = mentions_of(["Japan's Defense Ministry said so."], knowledge)[0]
    assert names(found) == ["Japan"]


def test_user_file_adds_entities_and_aliases(tmp_path: Path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[weapon]]\nname = "Flamingo"\naliases = ["FP-5"]\n\n'
        '[[actor]]\nname = "Volodymyr Zelenskyy"\nkind = "person"\naliases = ["Ze"]\n',
        encoding="utf-8",
    )
    knowledge = load_knowledge([extra])
    found = mentions_of(["Ze said the FP-5 and Flamingo are one missile."], knowledge)[0]
    assert names(found) == ["Volodymyr Zelenskyy", "Flamingo", "Flamingo"]
    assert "Zelensky" in knowledge.lookup("Ze").aliases


# Naming patterns read on the TempEval-3 documents (a story the knowledge file does not know).
def test_a_role_before_the_name_between_commas(knowledge):
    found = mentions_of(["Polly Peck's chairman, Asil Nadrova, echoed the view.", "Nadrova left."], knowledge)
    assert names(found[0]) == ["Asil Nadrova"] and names(found[1]) == ["Asil Nadrova"]


def test_a_second_title_is_no_first_name(knowledge):
    found = mentions_of(["Air Force Lieutenant Colonel Eileen Kollins will command the flight."], knowledge)[0]
    assert names(found) == ["Eileen Kollins"]


@pytest.mark.parametrize("text, wrong", [
    # A plural role is a group; a role before a capitalised word is a title of the next name.
    ("He met commanders in Saudi Arabia, administration officials say.", "Saudi Arabia"),
    ("In Cape Town, South Africa, police spokesman Capt. Rod Beer said so.", "South Africa"),
    # An organisation's head word ends no person's name.
    ("Smith, a former head of the Times-Mirror Publishing Group, as an adviser.", "Times-Mirror Publishing Group"),
])
def test_places_and_companies_are_no_people(knowledge, text, wrong):
    assert all(not (m.text == wrong and m.entity.kind == "person") for m in mentions_of([text], knowledge)[0])


@pytest.mark.parametrize("text, name", [
    ("Inspector Keith MacCaskill of the Winnipeg Police Service said so.", "Winnipeg Police Service"),
    ("Lisa Schlein for VOA News reported it.", "VOA News"),
    ("He spoke at the University of Rochester for Saturday's meeting.", "University of Rochester"),
    ("``They left Pakistan.'' The State Department said so.", "State Department"),
])
def test_an_organisation_name_stops_at_its_links(knowledge, text, name):
    found = [m for m in mentions_of([text], knowledge)[0] if m.entity.kind == "organisation"]
    assert names(found) == [name]


def test_a_name_with_a_lower_case_particle(knowledge):
    found = mentions_of(["He met President Daniel arap Moi in Nairobi.", "Moi said so."], knowledge)
    assert names(found[0]) == ["Daniel arap Moi"] and names(found[1]) == ["Daniel arap Moi"]


def test_an_apposition_with_an_owner_before_the_role(knowledge):
    found = mentions_of(["Jim Unrow, Unisys's president, said so.", "Unrow left."], knowledge)
    assert names(found[0]) == ["Jim Unrow"] and names(found[1]) == ["Jim Unrow"]
