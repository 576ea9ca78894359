"""TimeML reading and TempEval-3 scoring, and the engine on a few training documents."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.records import Timex
from app.tempeval import read_corpus, read_tml, score
from app.timex import find_timexes
from app.timex.cli import eval_group

TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "tempeval3" / "train"

TML = """<?xml version="1.0" ?><TimeML>
<DOCID>X</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22" functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>
<TEXT>The flu <EVENT eid="e1">season</EVENT> started about <TIMEX3 tid="t1" type="DURATION" value="P1M">a month</TIMEX3> early, the CDC <EVENT eid="e2">said</EVENT> <TIMEX3 tid="t3" type="DATE" value="2013-03-22">Friday</TIMEX3>.</TEXT>
</TimeML>"""


def test_read_tml_text_offsets_and_dct():
    doc = read_tml(TML, "x.tml")
    assert str(doc.dct) == "2013-03-22"
    assert [(g.text, g.type, g.value) for g in doc.gold] == [("a month", "DURATION", "P1M"),
                                                             ("Friday", "DATE", "2013-03-22")]
    assert all(doc.text[g.start:g.end] == g.text for g in doc.gold)
    assert "March 22, 2013" not in doc.text  # the DCT is not part of the scored text


def _t(start, end, type_="DATE", value="2013-03-22"):
    return Timex(start, end, "x" * (end - start), type_, value)


def test_score_strict_relaxed_and_attributes():
    gold = [_t(0, 6), _t(10, 20, "DURATION", "P1M"), _t(30, 35)]
    system = [_t(0, 6), _t(12, 20, "DURATION", "P2M"), _t(40, 45)]
    s = score([(gold, system)])
    assert (s.strict_p, s.strict_r) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert (s.relaxed_p, s.relaxed_r) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert s.type_accuracy == 1.0 and s.value_accuracy == 0.5
    assert s.value_f1 == pytest.approx(0.5 * s.relaxed_f1)


def test_score_one_system_expression_matches_one_gold():
    s = score([([_t(0, 4), _t(5, 9)], [_t(0, 9)])])
    assert s.relaxed_r == 0.5 and s.relaxed_p == 1.0


@pytest.fixture(scope="module")
def few_training_documents():
    paths = sorted((TRAIN / "TimeBank").glob("APW*.tml"))[:4] + sorted((TRAIN / "AQUAINT").glob("*.tml"))[:6]
    assert len(paths) == 10
    return [read_tml(p.read_text(encoding="utf-8"), p.name) for p in paths]


def test_engine_stays_above_floor_on_training_documents(few_training_documents):
    s = score((d.gold, find_timexes(d.text, d.dct)) for d in few_training_documents)
    assert s.gold > 40
    assert s.relaxed_f1 >= 0.85
    assert s.strict_f1 >= 0.75
    assert s.type_f1 >= 0.80
    assert s.value_f1 >= 0.65


def test_eval_command_prints_the_figures(tmp_path):
    (tmp_path / "a.tml").write_text(TML, encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["tempeval", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "strict    1.000  1.000  1.000" in result.output
    assert "value F1 1.000" in result.output
    no_dct = CliRunner().invoke(eval_group, ["tempeval", str(tmp_path), "--no-dct"])
    assert no_dct.exit_code == 0 and "anchor inferred" in no_dct.output


def test_read_corpus_reads_every_tml_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.tml").write_text(TML, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert [d.name for d in read_corpus(tmp_path)] == ["b.tml"]
