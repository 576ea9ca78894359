"""The time axis of the timeline page: event counts per period, drawn from grouped
counts (never from every event), at a bucket size fitted to the range shown."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, case, cast, func, literal, union_all
from sqlmodel import Session, select

from . import models
from .queries import EventFilter, filter_where, with_where

LEVELS = ("decade", "year", "month", "day")


@dataclass
class Bucket:
    """One period of the axis: its first and last day and how many events start in it."""

    start: date
    end: date
    count: int
    level: str


@dataclass
class Gap:
    """A run of empty periods, drawn narrow."""

    start: date
    end: date
    periods: int


@dataclass
class Axis:
    level: str  # the size of one bucket
    start: date
    end: date
    items: list[Bucket | Gap]
    max_count: int
    zoom_out: list[tuple[str, date | None, date | None]]  # (label, from, to) of enclosing periods
    coarse: int = 0  # events in the range known only to a period longer than a bucket


# The precisions an axis of each bucket size can place in one bucket. An event known
# only as "2024" drawn in January's bar would claim a month the text never gave.
_PLACEABLE = {
    "decade": None,  # every precision
    "year": ("day", "month", "part", "season", "quarter", "year"),
    "month": ("day", "month"),
    "day": ("day",),
}


def period_of(day: date, level: str) -> tuple[date, date]:
    """The period of `level` that contains `day`: its first and last day."""
    if level == "decade":
        first = day.year - day.year % 10
        return date(first, 1, 1), date(first + 9, 12, 31)
    if level == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if level == "month":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date(day.year, day.month, 1), following - timedelta(days=1)
    return day, day


def axis_level(start: date, end: date) -> str:
    """The bucket size that shows a range in a dozen or two bars.

    >>> axis_level(date(2024, 1, 1), date(2024, 12, 31))
    'month'
    >>> axis_level(date(2024, 11, 1), date(2024, 11, 30))
    'day'
    """
    days = (end - start).days + 1
    if days <= 62:
        return "day"
    if days <= 3 * 366:
        return "month"
    if days <= 25 * 366:
        return "year"
    return "decade"


_KEY_LENGTH = {"decade": 3, "year": 4, "month": 7, "day": 10}


def _bucket_key(day: date, level: str) -> str:
    return day.isoformat()[:_KEY_LENGTH[level]]


def _placeable(level: str):
    return models.Event.precision.in_(_PLACEABLE[level]) if _PLACEABLE[level] else True


def _counts_by_group(session: Session, where, level: str, start: date, end: date) -> tuple[dict[str, int], int]:
    """The placeable events of each bucket (by `_bucket_key`) among those matching
    `where` from `start` to `end`, and how many others there are: one grouped query."""
    # Dates are stored as ISO text in SQLite and cast to it elsewhere, so a prefix
    # of the text is the period: "2024-11" is the month, "202" the decade.
    key = func.substr(cast(models.Event.date_start, String), 1, _KEY_LENGTH[level])
    placeable = _placeable(level)
    counts: dict[str, int] = {}
    coarse = 0
    for bucket_key, fits, n in session.exec(
        with_where(select(key, placeable, func.count()), where)
        .where(models.Event.date_start >= start, models.Event.date_start <= end)
        # PostgreSQL refuses a constant in GROUP BY ("non-integer constant").
        .group_by(*((key, placeable) if _PLACEABLE[level] else (key,)))
    ).all():
        if fits:
            counts[bucket_key] = n
        else:
            coarse += n
    return counts, coarse


def _counts_by_range(session: Session, periods: list[tuple[date, date]], level: str, start: date, end: date
                     ) -> tuple[dict[str, int], int]:
    """As `_counts_by_group` over every event: one count per period, each over its own
    range of the date index. Grouping a million events by a prefix of their date
    sorted them all (0.4 s after each write at 1,000,000 events); a range count
    walks the index alone (0.13-0.16 s)."""
    placeable = _placeable(level)
    fitting = func.coalesce(func.sum(case((placeable, 1), else_=0)), 0) if _PLACEABLE[level] else func.count()
    parts = [select(literal(n), func.count(), fitting)
             .where(models.Event.date_start >= max(first, start), models.Event.date_start <= min(last, end))
             for n, (first, last) in enumerate(periods)]
    counts: dict[str, int] = {}
    coarse = 0
    for n, total, fits in session.exec(union_all(*parts)).all():
        if fits:
            counts[_bucket_key(periods[n][0], level)] = fits
        coarse += total - fits
    return counts, coarse


def time_axis(session: Session, flt: EventFilter) -> Axis | None:
    """Event counts per period over the filter's date range (or the whole years the
    events span), at a bucket size fitted to the range. None when nothing matches.

    Only events dated at least as finely as a bucket are drawn; `coarse` counts the
    others, which the list still shows."""
    where = filter_where(session, flt)
    low, high = session.exec(
        with_where(select(func.min(models.Event.date_start), func.max(models.Event.date_start)), where)
    ).one()
    if low is None:
        return None
    # Without a range of its own the axis spans whole years, so an event known only
    # to its month or year still has a bar to sit in.
    start = flt.date_from or date(low.year, 1, 1)
    end = flt.date_to or max(date(high.year, 12, 31), start)
    level = axis_level(start, end)
    periods = []
    day = period_of(start, level)[0]
    while day <= end:
        periods.append(period_of(day, level))
        day = periods[-1][1] + timedelta(days=1)
    if where is None:
        counts, coarse = _counts_by_range(session, periods, level, start, end)
    else:
        counts, coarse = _counts_by_group(session, where, level, start, end)
    items: list[Bucket | Gap] = []
    for first, last in periods:
        n = counts.get(_bucket_key(first, level), 0)
        if n == 0 and items and isinstance(items[-1], Gap):
            items[-1].end, items[-1].periods = last, items[-1].periods + 1
        elif n == 0:
            items.append(Gap(first, last, 1))
        else:
            items.append(Bucket(first, last, n, level))
    zoom_out = [("All time", None, None)]
    for outer in LEVELS[: LEVELS.index(level)]:
        first, last = period_of(start, outer)
        if first <= start and end <= last and (first, last) != (start, end):
            zoom_out.append((outer, first, last))
    return Axis(level, start, end, items, max((b.count for b in items if isinstance(b, Bucket)), default=0), zoom_out,
                coarse)
