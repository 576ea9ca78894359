"""Shared fixtures: paths to the project's data and a fresh migrated database."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.db import open_database

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'timeline.db'}"


@pytest.fixture
def engine(db_url: str):
    engine = open_database(db_url)
    yield engine
    engine.dispose()
