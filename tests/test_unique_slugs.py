"""A new event's slug is the first free one of `slug`, `slug-2`, `slug-3`, ..., however
many look-alike events of one day took the others."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app import store
from app.db import make_engine, upgrade


def test_the_first_free_suffix_is_taken_past_many_taken_ones(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'slugs.db'}"
    upgrade(url)
    engine = make_engine(url)
    day = date(2024, 8, 6)
    # Suffixes 2 to 150 taken but 40; more than one query's worth of suffixes.
    taken = ["day-title"] + [f"day-title-{n}" for n in range(2, 151) if n != 40] + ["other"]
    with Session(engine) as session:
        db = session.connection()
        store._insert_rows(db, store._EVENT, [
            {"slug": slug, "title": "Title", "date_start": day, "date_end": day, "precision": "day",
             "basis": "stated", "reported": False, "disputed": False, "corroboration": 1} for slug in taken])
        queries = []
        for name in ("scalar", "scalars"):
            real = getattr(store.driver_sql, name)
            monkeypatch.setattr(store.driver_sql, name, lambda *args, real=real: queries.append(args) or real(*args))
        assert store._unique_slugs(db, ["day-title", "day-title", "fresh", "other", "day-title"]) == [
            "day-title-40", "day-title-151", "fresh", "other-2", "day-title-152"]
        # Suffixes are asked for many at a time, not one query each.
        assert len(queries) <= 5
    engine.dispose()
