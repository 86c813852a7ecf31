"""Calendar periods of block timestamps (UTC day, ISO week, month), shared by the report and the
monitor."""

from __future__ import annotations

from datetime import datetime, timezone

PERIODS = ("day", "week", "month")
DAY = 86_400


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
