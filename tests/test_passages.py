from app.passages import ends_with_abbreviation, repair_paragraphs, split_passages, split_sentences


def test_sentence_broken_after_abbreviation_is_joined():
    text = "The involvement of former U.S.\n\nPresident Donald Trump has added complexity.\n\nNext paragraph."
    passages = split_passages(text)
    assert [p.text for p in passages] == [
        "The involvement of former U.S. President Donald Trump has added complexity.",
        "Next paragraph.",
    ]
    assert [p.index for p in passages] == [0, 1]


def test_title_like_line_is_not_joined_to_the_next_paragraph():
    passages = split_passages("A Headline Without A Full Stop\n\nThe body starts here.")
    assert len(passages) == 2


def test_line_ending_mid_sentence_joins_a_lowercase_continuation():
    assert repair_paragraphs(["It was said that", "the talks failed."]) == ["It was said that the talks failed."]


def test_honorific_before_name_on_next_line_is_joined():
    assert repair_paragraphs(["‘This is about more,’ said Dr.", "Elena Petrov, an expert."]) == [
        "‘This is about more,’ said Dr. Elena Petrov, an expert."
    ]


def test_sentences_do_not_end_after_abbreviations():
    text = "The U.S. Army moved. Gen. Smith spoke on Jan. 5 in Kyiv. It rained!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "The U.S. Army moved.",
        "Gen. Smith spoke on Jan. 5 in Kyiv.",
        "It rained!",
    ]


def test_quoted_sentence_end_keeps_the_quote():
    text = "He said ‘we are ready.’ Then he left."
    assert [text[s:e] for s, e in split_sentences(text)] == ["He said ‘we are ready.’", "Then he left."]


def test_abbreviation_detection():
    assert ends_with_abbreviation("former U.S.")
    assert ends_with_abbreviation("said Dr.")
    assert not ends_with_abbreviation("the war ended.")


def test_clock_abbreviations_do_not_end_sentences():
    text = "The blast came at about 10:35 a.m. (0735 GMT) Friday, toppling a building. It was loud."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "The blast came at about 10:35 a.m. (0735 GMT) Friday, toppling a building.",
        "It was loud.",
    ]
