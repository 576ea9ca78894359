"""Core statements run on SQLite's driver itself, for the writer's hot path.

The writer runs some thirty statements for each document it stores, and SQLAlchemy's
work around each execution (cache key, parameter set-up, result set-up) cost about
as much as SQLite's own. On SQLite, `execute`, `execute_many`, `rows`, `scalars` and
`scalar` compile a statement once (per dialect, set of columns and size of each
expanding IN) and run it on the DBAPI connection, inside the same transaction. The
values pass through the bind processors SQLAlchemy would use, so a date is stored as
the same text, and the rows' values through its result processors, so a date comes
back a date; rows are named tuples. On other engines every call is an ordinary
`Connection.execute`.

>>> from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
>>> t = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer))
>>> engine = create_engine("sqlite://")
>>> t.metadata.create_all(engine)
>>> with engine.begin() as db:
...     execute_many(db, insert(t), [{"n": 1}, {"n": 2}])
...     scalars(db, select(t.c.n).where(t.c.id.in_(bindparam("ids", expanding=True))), {"ids": [1, 2]})
...     rows(db, select(t).where(t.c.n == 2))[0].id
[1, 2]
2
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from sqlalchemy import bindparam  # noqa: F401  (the doctest)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement

_EXPANDING = "__[POSTCOMPILE_{}]"


class _Compiled:
    """A statement compiled for one set of parameter names: its SQL for each size of
    its expanding IN lists, and how to lay out the values."""

    def __init__(self, db: Connection, statement: ClauseElement, keys: list[str]) -> None:
        compiled = statement.compile(dialect=db.dialect, column_keys=sorted(keys))
        columns = list(getattr(statement, "selected_columns", ()))
        self.converters = tuple(c.type.dialect_impl(db.dialect).result_processor(db.dialect, None) for c in columns)
        self.convert = any(self.converters)
        self.row = namedtuple("Row", [c.key or "_" for c in columns], rename=True)
        # Row._make checks the length in Python, once per row: a writer reading the
        # members of large events made thousands of rows a document.
        self.make = partial(tuple.__new__, self.row)
        self.names = tuple(compiled.positiontup or ())  # the parameters, in the SQL's order
        self.processors = tuple(compiled.binds[n].type.dialect_impl(db.dialect).bind_processor(db.dialect)
                                for n in self.names)
        self.defaults = dict(compiled.params)  # values the statement carries itself (`version + 1`)
        self.expanding = tuple(dict.fromkeys(n for n in self.names if compiled.binds[n].expanding))
        self.plain = not self.expanding and not any(self.processors)
        self.string = compiled.string
        self.by_size: dict[tuple[int, ...], str] = {}

    def sql(self, params: dict) -> str:
        if not self.expanding:
            return self.string
        sizes = tuple(_padded(len(params[n])) for n in self.expanding)
        found = self.by_size.get(sizes)
        if found is None:
            found = self.string
            for name, size in zip(self.expanding, sizes):
                found = found.replace(_EXPANDING.format(name), ", ".join("?" * size))
            self.by_size[sizes] = found
        return found

    def values(self, params: dict) -> list:
        if self.defaults:
            params = {**self.defaults, **params}
        if self.plain:
            return [params[n] for n in self.names]
        values = []
        for name, process in zip(self.names, self.processors):
            value = params[name]
            if name in self.expanding:
                value = list(value)
                value += value[-1:] * (_padded(len(value)) - len(value))
                values += value if process is None else [process(v) for v in value]
            else:
                values.append(value if process is None or value is None else process(value))
        return values


def _padded(size: int) -> int:
    """The length an expanding IN list of `size` values is spelled with: up to 8 as it is,
    then the next power of two, its last value repeated (SQLite reads an IN list as a
    set). A statement then has a few spellings, not one for every size of list a writer
    meets, each kept here and prepared again by the driver when its cache has lost it."""
    return size if size <= 8 else 1 << (size - 1).bit_length()


# By statement and parameter names. Bounded in practice: the statements are module
# constants or come from bounded caches (store._update_events).
_COMPILED: dict[tuple, _Compiled] = {}


def _compiled(db: Connection, statement: ClauseElement, params: dict) -> _Compiled:
    key = (statement, *params)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = _Compiled(db, statement, list(params))
    return found


def _driver(db: Connection):
    return db.connection.driver_connection


def execute(db: Connection, statement: ClauseElement, params: dict | None = None) -> None:
    """Run a statement whose result is not read."""
    params = params or {}
    if db.dialect.name != "sqlite":
        db.execute(statement, params)
        return
    compiled = _compiled(db, statement, params)
    _driver(db).execute(compiled.sql(params), compiled.values(params))


def execute_many(db: Connection, statement: ClauseElement, rows: Sequence[dict]) -> None:
    """Run a statement once for each of `rows` (all with the same keys, no expanding IN)."""
    if not rows:
        return
    if db.dialect.name != "sqlite":
        db.execute(statement, list(rows))
        return
    compiled = _compiled(db, statement, rows[0])
    _driver(db).executemany(compiled.sql(rows[0]), [compiled.values(row) for row in rows])


def _fetched(db: Connection, statement: ClauseElement, params: dict) -> tuple[_Compiled, list[tuple]]:
    """On SQLite: the compiled statement and the driver's raw rows of a query."""
    compiled = _compiled(db, statement, params)
    return compiled, _driver(db).execute(compiled.sql(params), compiled.values(params)).fetchall()


def rows(db: Connection, statement: ClauseElement, params: dict | None = None) -> list[tuple]:
    """The rows of a query, as named tuples."""
    params = params or {}
    if db.dialect.name != "sqlite":
        return db.execute(statement, params).all()
    compiled, found = _fetched(db, statement, params)
    make = compiled.make
    if not compiled.convert:
        return [make(r) for r in found]
    converters = compiled.converters
    return [make([v if f is None or v is None else f(v) for f, v in zip(converters, r)]) for r in found]


def scalars(db: Connection, statement: ClauseElement, params: dict | None = None) -> list:
    """The first column of a query's rows. (On SQLite without a named tuple a row: the
    analysis processes' word-index look-ups return some thirty ids each.)"""
    params = params or {}
    if db.dialect.name != "sqlite":
        return [r[0] for r in db.execute(statement, params)]
    compiled, found = _fetched(db, statement, params)
    convert = compiled.converters[0] if compiled.converters else None
    if convert is None:
        return [r[0] for r in found]
    return [None if r[0] is None else convert(r[0]) for r in found]


def scalar(db: Connection, statement: ClauseElement, params: dict | None = None):
    """The first column of a query's first row, or None."""
    found = rows(db, statement, params)
    return found[0][0] if found else None


@contextmanager
def savepoint(db: Connection) -> Iterator[None]:
    """On SQLite, undo what the block wrote if it raises; the transaction goes on. (The
    driver's own SAVEPOINT: SQLAlchemy's nested transaction cost the writer more than a
    small document's statements. Other engines use Session.begin_nested, app.ingest.)"""
    if db.dialect.name != "sqlite":
        raise ValueError(f"driver_sql.savepoint is for SQLite, not {db.dialect.name}")
    driver = _driver(db)
    driver.execute("SAVEPOINT driver_sql")
    try:
        yield
    except BaseException:
        if driver.in_transaction:
            driver.execute("ROLLBACK TO driver_sql")
            driver.execute("RELEASE driver_sql")
        raise  # else SQLite rolled back the whole transaction (I/O error, full disk): see transaction_alive
    driver.execute("RELEASE driver_sql")


def transaction_alive(db: Connection) -> bool:
    """Whether the transaction `db` began is still open. SQLite ends it by itself on some
    errors (an I/O error, a full disk), and the driver would then run what follows
    outside any transaction; SQLAlchemy notices that on other engines."""
    return db.dialect.name != "sqlite" or _driver(db).in_transaction
