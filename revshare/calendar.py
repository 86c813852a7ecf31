"""Calendar periods of block timestamps (UTC day, ISO week, month), shared by the report and the
monitor."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

PERIODS = ("day", "week", "month")
AUTO = "auto"
PERIOD_CHOICES = (AUTO, *PERIODS)  # what --period accepts: auto picks one from the range
DAY = 86_400
# The longest range read per day and per week when the period is chosen from the range: daily
# for weeks, weekly for up to about two years, monthly beyond (at most ~105 points a chart).
DAILY_UP_TO_DAYS = 62
WEEKLY_UP_TO_DAYS = 731


def period_of(timestamp: int, period: str) -> str:
    """``2026-11-25``, ``2026-W48`` or ``2026-11`` for a block timestamp.

    >>> period_of(1_764_028_800, "week")
    '2025-W48'
    """
    when = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    if period == "day":
        return when.strftime("%Y-%m-%d")
    if period == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return when.strftime("%Y-%m")
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


def utc_date(timestamp: int) -> str:
    """``2026-11-25 14:03 UTC`` for a block timestamp."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def cell_time(timestamp: int | None) -> str:
    """``2026-11-25 14:03`` in a table whose header says UTC; "" for no time (None or 0)."""
    return utc_date(timestamp).removesuffix(" UTC") if timestamp else ""


def choose_period(first: int, last: int) -> str:
    """The period that keeps a chart of ``first``..``last`` (timestamps) readable.

    >>> choose_period(0, 30 * DAY), choose_period(0, 365 * DAY), choose_period(0, 3 * 365 * DAY)
    ('day', 'week', 'month')
    """
    days = max(last - first, 0) / DAY
    return "day" if days <= DAILY_UP_TO_DAYS else "week" if days <= WEEKLY_UP_TO_DAYS else "month"


def resolve_period(period: str, first: int, last: int) -> str:
    """``period`` itself, or the one `choose_period` picks when it is ``auto``."""
    if period == AUTO:
        return choose_period(first, last)
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIOD_CHOICES)}, got {period!r}")
    return period


def period_start(label: str, period: str) -> date:
    """The first day of the period `period_of` labelled ``label``.

    >>> period_start("2025-W48", "week"), period_start("2026-02", "month")
    (datetime.date(2025, 11, 24), datetime.date(2026, 2, 1))
    """
    if period == "day":
        return date.fromisoformat(label)
    if period == "week":
        year, week = label.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    if period == "month":
        return date.fromisoformat(label + "-01")
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


def period_days(label: str, period: str) -> int:
    """How many days the period labelled ``label`` has (a bar's width on a date axis)."""
    if period == "month":
        start = period_start(label, period)
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return (following - start).days
    return 7 if period == "week" else 1


def period_middle(label: str, period: str) -> datetime:
    """The middle of the period (where its bar sits on a date axis), as a UTC datetime."""
    start = datetime.combine(period_start(label, period), datetime.min.time(), tzinfo=timezone.utc)
    return start + timedelta(days=period_days(label, period) / 2)
