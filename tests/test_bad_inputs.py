"""Bad input: each gets one clear line naming it and the reason, the run goes on,
and the exit status says some inputs failed."""
from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import Session, select

from app import models
from app.cli import main
from app.db import make_engine
from app.read import ReadError, read_paths
from app.records import SourceDocument
try:  # tests/ may or may not be a package
    from .bad_inputs import ARTICLE, write_bad_inputs
except ImportError:
    from bad_inputs import ARTICLE, write_bad_inputs

LIMIT = 64 * 1024


def good_article(folder: Path) -> None:
    (folder / "good.txt").write_text(f"Bridge strike\n\n{ARTICLE} The bridge was the last one standing.\n",
                                     encoding="utf-8")


def test_every_bad_input_gets_its_outcome_and_reason(tmp_path):
    expected = write_bad_inputs(tmp_path, LIMIT)
    good_article(tmp_path)
    items = list(read_paths([tmp_path], max_size=LIMIT))
    by_origin = {}
    for item in items:
        by_origin.setdefault(str(Path(item.origin).relative_to(tmp_path)), []).append(item)
    for bad in expected:
        [item] = by_origin[bad.name]  # exactly one line per bad input
        if bad.outcome == "warning":
            assert isinstance(item, SourceDocument), bad
            assert any(bad.reason in w for w in item.warnings), (bad, item.warnings)
        else:
            assert isinstance(item, ReadError) and item.kind == bad.outcome, (bad, item)
            assert bad.reason.lower() in item.reason.lower(), (bad, item.reason)
    # The good article and the good line beside the broken one still come through.
    assert isinstance(by_origin["good.txt"][0], SourceDocument)
    assert isinstance(by_origin["batch.jsonl:1"][0], SourceDocument)


def test_detected_encoding_keeps_the_characters(tmp_path):
    write_bad_inputs(tmp_path, LIMIT)
    [cp1252] = read_paths([tmp_path / "cp1252.txt"])
    assert "Zelensky’s “victory plan” — résumé" == cp1252.title and "déjà vu" in cp1252.text
    [cyrillic] = read_paths([tmp_path / "cyrillic-1251.txt"])
    assert cyrillic.title == "Наступление в Курской области"


def test_utf16_with_byte_order_mark_reads_without_warning(tmp_path):
    (tmp_path / "utf16.txt").write_bytes(f"Bridge strike\n\n{ARTICLE}".encode("utf-16"))
    [doc] = read_paths([tmp_path / "utf16.txt"])
    assert doc.title == "Bridge strike" and doc.warnings == ()


def test_size_limit_applies_to_standard_input():
    [error] = read_paths(["-"], max_size=100, stdin=io.BytesIO(ARTICLE.encode() * 3))
    assert isinstance(error, ReadError) and "limit" in error.reason


class _Trickle(io.RawIOBase):
    """A pipe: each read gives at most 1,000 bytes, however many are asked."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), 1000, len(self.data))
        buffer[:n], self.data = self.data[:n], self.data[n:]
        return n


def test_inputs_are_read_whole_up_to_the_limit_from_short_reads(tmp_path):
    text = ARTICLE + "The crossing went on. " * 20_000  # some 440 KB: many blocks
    [doc] = read_paths(["-"], max_size=len(text.encode()), stdin=_Trickle(text.encode()))
    assert doc.text.endswith("The crossing went on.") and len(doc.text) > 400_000
    [error] = read_paths(["-"], max_size=len(text.encode()) - 1, stdin=_Trickle(text.encode()))
    assert isinstance(error, ReadError) and "limit" in error.reason
    (tmp_path / "long.txt").write_text(text)
    [doc] = read_paths([tmp_path / "long.txt"], max_size=len(text.encode()))
    assert doc.text.endswith("The crossing went on.")


def test_missing_path_and_bad_manifest_are_reported(tmp_path):
    (tmp_path / "timeline.toml").write_text("[files]\n'a.txt' = { colour = 'red' }\n")
    good_article(tmp_path)
    items = list(read_paths([tmp_path / "nowhere.txt", tmp_path]))
    errors = [(Path(i.origin).name, i.reason) for i in items if isinstance(i, ReadError)]
    assert errors[0] == ("nowhere.txt", "no such file or folder")
    assert errors[1][0] == "timeline.toml" and "unknown keys: colour" in errors[1][1]
    assert sum(isinstance(i, SourceDocument) for i in items) == 1


def test_cli_names_each_failure_once_goes_on_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    expected = write_bad_inputs(folder, LIMIT)
    good_article(folder)
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", db, "--max-size", "64k"])
    assert result.exit_code == 1, result.output
    failed = [b for b in expected if b.outcome == "failed"]
    lines = result.stderr.splitlines()
    for bad in failed:
        named = [line for line in lines if line.startswith(f"{folder / bad.name}: failed")]
        assert len(named) == 1, (bad, lines)
    # Stored: good.txt, the good line of batch.jsonl and the two files decoded with a warning.
    warned = [b for b in expected if b.outcome == "warning"]
    skipped = [b for b in expected if b.outcome == "skipped"]
    stored = 2 + len(warned)
    assert (f"read {stored}, stored {stored} (0 replacing an older version), unchanged 0, "
            f"skipped {len(skipped)}, failed {len(failed)}") in result.stderr
    with Session(make_engine(db)) as session:
        assert len(session.exec(select(models.Document)).all()) == stored

    again = CliRunner().invoke(main, ["ingest", str(folder), "--db", db, "--max-size", "64k"])
    assert f"read {stored}, stored 0 (0 replacing an older version), unchanged {stored}" in again.stderr


def test_cli_reads_standard_input(tmp_path):
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    lines = ('{"title": "Bridge strike", "text": "%s", "url": "https://w.example/s"}\n' % ARTICLE
             + '{"title": "Second", "text": "Kyiv fired ATACMS missiles on 19 November 2024."}\n')
    result = CliRunner().invoke(main, ["ingest", "-", "--db", db], input=lines)
    assert result.exit_code == 0, result.output
    assert "-:1: stored" in result.output and "-:2: stored" in result.output
    with Session(make_engine(db)) as session:
        docs = session.exec(select(models.Document).order_by(models.Document.id)).all()
    assert [(d.title, d.url, d.origin) for d in docs] == [
        ("Bridge strike", "https://w.example/s", "-:1"), ("Second", None, "-:2")]


def test_bad_max_size_is_refused_clearly(tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--max-size", "ten"])
    assert result.exit_code == 2 and "not a size" in result.output
