"""The event scorer on a tiny folder and gold set written by the test."""
from pathlib import Path

from app.event_eval import evaluate, report

GOLD = """
[[event]]
id = "sworn-in"
first = 2025-01-20
last = 2025-01-20
precision = "day"
actors = ["donald-trump"]
weapons = []
sources = [
  {{ doc = "a.txt", quote = "sworn in on January 20, 2025" }},
  {{ doc = "b.txt", quote = "swearing-in on January 20, 2025" }},
]

[[event]]
id = "strike"
first = {strike}
last = {strike}
precision = "day"
actors = ["ukraine"]
weapons = ["atacms"]
sources = [{{ doc = "b.txt", quote = "fired ATACMS" }}]
"""


def write(folder: Path, strike_date: str) -> Path:
    (folder / "a.txt").write_text("Donald Trump was sworn in on January 20, 2025, in Washington.\n", "utf-8")
    (folder / "b.txt").write_text(
        "Trump's swearing-in on January 20, 2025 drew crowds.\n\n"
        "Ukraine fired ATACMS at an airfield on November 19, 2024.\n", "utf-8")
    gold = folder / "gold.toml"
    gold.write_text(GOLD.format(strike=strike_date), "utf-8")
    return gold


def test_scores_a_folder_against_its_gold(tmp_path: Path):
    scores, run = evaluate(tmp_path, write(tmp_path, "2024-11-19"))
    assert (scores.matched, scores.gold, scores.system) == (2, 2, 2)
    assert (scores.duplicates_merged, scores.duplicates) == (1, 1)
    assert scores.weapon_hits == scores.weapon_gold == 1
    assert "events   precision 1.00" in report(scores, run)


def test_a_wrong_date_is_a_miss_and_a_false_event(tmp_path: Path):
    scores, _ = evaluate(tmp_path, write(tmp_path, "2024-10-01"))
    assert scores.missed == ["strike"]
    assert len(scores.false) == 1 and "ATACMS" in scores.false[0]
