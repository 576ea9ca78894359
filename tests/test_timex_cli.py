"""`timeline timex FILE --json`: offsets are characters of the UTF-8 text."""
from __future__ import annotations

import json

from click.testing import CliRunner

from app.timex.cli import timex_command


def _run(tmp_path, text, *args):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode("utf-8"))
    result = CliRunner().invoke(timex_command, [str(path), *args, "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_json_lines_with_character_offsets(tmp_path):
    text = "Kyiv — «Зеленський» said on August 6 that the siege lasted two years."
    rows = _run(tmp_path, text, "--dct", "2025-01-20")
    assert [(r["text"], r["type"], r["value"], r["mod"]) for r in rows] == [
        ("August 6", "DATE", "2024-08-06", None), ("two years", "DURATION", "P2Y", None)]
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]
    assert set(rows[0]) == {"start", "end", "text", "type", "value", "mod"}


def test_without_dct_the_anchor_is_inferred_from_the_file(tmp_path):
    text = "On January 20, 2025, officials said the offensive began on August 6."
    rows = {r["text"]: r["value"] for r in _run(tmp_path, text)}
    assert rows["August 6"] == "2024-08-06"


def test_without_any_date_values_keep_placeholders(tmp_path):
    rows = {r["text"]: r["value"] for r in _run(tmp_path, "It began on August 6.")}
    assert rows == {"August 6": "XXXX-08-06"}


def test_bad_dct_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(timex_command, [str(path), "--dct", "20-01-2025"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
