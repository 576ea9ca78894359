"""app.driver_sql runs Core statements on SQLite's driver: the same rows stored and
read as through SQLAlchemy."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, bindparam, create_engine, insert, select
from sqlalchemy import update

from app import driver_sql
from sqlmodel.sql.sqltypes import UTCDateTime  # the type of models.Document.ingested_at

metadata = MetaData()
thing = Table("thing", metadata, Column("id", Integer, primary_key=True), Column("name", String),
              Column("day", Date), Column("flag", Boolean), Column("at", UTCDateTime))

ROWS = [{"name": "a", "day": date(2024, 8, 6), "flag": True, "at": datetime(2024, 8, 6, 23, 30, tzinfo=timezone.utc)},
        {"name": "b", "day": None, "flag": False, "at": None},
        {"name": "c", "day": date(2025, 1, 20), "flag": None, "at": datetime(2025, 1, 20, 12, tzinfo=timezone.utc)}]


@pytest.fixture
def engines(tmp_path):
    made = []
    for name in ("core", "driver"):
        engine = create_engine(f"sqlite:///{tmp_path / name}.db")
        metadata.create_all(engine)
        made.append(engine)
    yield made
    for engine in made:
        engine.dispose()


def _stored(engine) -> list[tuple]:
    with engine.connect() as db:  # the raw text SQLite holds
        return db.exec_driver_sql("SELECT id, name, day, flag, at FROM thing ORDER BY id").all()


def test_rows_are_stored_as_sqlalchemy_stores_them(engines):
    core, driver = engines
    with core.begin() as db:
        db.execute(insert(thing), ROWS)
        db.execute(update(thing).where(thing.c.name == bindparam("which")).values(day=bindparam("to_day")),
                   [{"which": "b", "to_day": date(2023, 2, 24)}])
    with driver.begin() as db:
        driver_sql.execute_many(db, insert(thing), ROWS)
        driver_sql.execute_many(db, update(thing).where(thing.c.name == bindparam("which"))
                                .values(day=bindparam("to_day")), [{"which": "b", "to_day": date(2023, 2, 24)}])
    assert _stored(driver) == _stored(core)
    assert _stored(driver)[1][2] == "2023-02-24"


def test_an_expanding_in_used_twice_gets_its_values_twice(engines):
    _, driver = engines
    by_name = bindparam("names", expanding=True)
    query = select(thing.c.id).where(thing.c.name.in_(by_name) | (thing.c.id.in_(bindparam("ids", expanding=True))
                                                                   & thing.c.name.in_(by_name)))
    with driver.begin() as db:
        driver_sql.execute_many(db, insert(thing), ROWS)
        assert driver_sql.scalars(db, query, {"names": ["a", "c"], "ids": [2]}) == [1, 3]
        assert driver_sql.scalars(db, query, {"names": ["b"], "ids": [2, 3]}) == [2]
        assert sorted(driver_sql.scalars(db, query, {"names": ["a", "b"], "ids": [9]})) == \
            sorted(db.execute(query, {"names": ["a", "b"], "ids": [9]}).scalars())
        assert driver_sql.scalar(db, select(thing.c.name).where(thing.c.id == 99)) is None


def test_rows_are_read_as_sqlalchemy_reads_them(engines):
    core, driver = engines
    query = select(thing).order_by(thing.c.id)
    with driver.begin() as db:
        driver_sql.execute_many(db, insert(thing), ROWS)
        ours = driver_sql.rows(db, query)
        assert ours == [tuple(r) for r in db.execute(query)]
    assert ours[0].day == date(2024, 8, 6) and ours[0].flag is True and ours[1].day is None
    assert ours[2].at == datetime(2025, 1, 20, 12, tzinfo=timezone.utc)


def test_the_statement_s_own_values_are_passed(engines):
    _, driver = engines
    with driver.begin() as db:
        driver_sql.execute_many(db, insert(thing), ROWS)
        driver_sql.execute(db, update(thing).where(thing.c.id == 1).values(id=thing.c.id + 10))
        assert driver_sql.scalars(db, select(thing.c.id).order_by(thing.c.id)) == [2, 3, 11]


def test_a_long_in_list_is_spelled_in_a_few_lengths_with_the_same_rows(engines):
    _, driver = engines
    many = [{"name": str(n), "day": None, "flag": None, "at": None} for n in range(300)]
    statement = select(thing.c.name).where(thing.c.id.in_(bindparam("ids", expanding=True)))
    with driver.begin() as db:
        driver_sql.execute_many(db, insert(thing), many)
        for size in range(1, 301):
            ids = list(range(1, size + 1))
            assert sorted(driver_sql.scalars(db, statement, {"ids": ids}), key=int) == [str(n) for n in range(size)]
        spellings = driver_sql._compiled(db, statement, {"ids": [1]}).by_size
    # 1 to 8 as they are, then 16, 32, 64, 128, 256 and 512: not 300 spellings.
    assert sorted(spellings) == [(n,) for n in (1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64, 128, 256, 512)]
