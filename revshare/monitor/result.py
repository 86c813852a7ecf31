"""The result of one monitor run, as data: every chain's ledger, what was read, and the rows per
period that the outputs show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from revshare.calendar import DAY, period_of
from revshare.monitor.config import MonitorConfig
from revshare.monitor.fetch import Fetched
from revshare.monitor.records import ChainLedger, Finding
from revshare.monitor.shared import SharedLedger

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class PeriodRow:
    chain: str
    period: str
    gross: int
    l1_cost: int
    owed: int
    paid: int
    cumulative_owed: int
    cumulative_paid: int

    @property
    def net(self) -> int:
        return max(self.gross - self.l1_cost, 0)

    @property
    def balance(self) -> int:
        return self.cumulative_owed - self.cumulative_paid


@dataclass
class MonitorResult:
    config: MonitorConfig
    ledgers: list[ChainLedger]
    fetched: Fetched
    store: Path
    seconds: float
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds of reading, analysis, writing
    shared: list[SharedLedger] = field(default_factory=list)  # the shared splitters read

    @property
    def findings(self) -> list[Finding]:
        found = [f for ledger in self.ledgers for f in ledger.findings]
        found += [f for shared in self.shared for f in shared.findings]
        return sorted(found, key=lambda f: (SEVERITY_ORDER[f.severity], f.chain, f.timestamp))

    @property
    def span_days(self) -> float:
        if not self.ledgers:
            return 0.0
        start = min(ledger.start_time for ledger in self.ledgers)
        stop = max(ledger.stop_time for ledger in self.ledgers)
        return (stop - start) / DAY

    def default_period(self) -> str:
        """Daily for up to a month, weekly for up to a year and a half, monthly beyond."""
        days = self.span_days
        return "day" if days <= 31 else "week" if days <= 550 else "month"

    def periods(self, period: str) -> list[PeriodRow]:
        """One row per chain and period with revenue, owed or paid, with running totals."""
        rows: list[PeriodRow] = []
        for ledger in self.ledgers:
            buckets: dict[str, list[int]] = {}
            for w in ledger.revenue:
                bucket = buckets.setdefault(period_of(w.timestamp, period), [0, 0, 0, 0])
                bucket[0] += w.value
                bucket[1] += w.value if w.is_l1_cost else 0
            for b in ledger.batches:
                buckets.setdefault(period_of(b.timestamp, period), [0, 0, 0, 0])[2] += b.owed
            for p in ledger.payments:
                buckets.setdefault(period_of(p.timestamp, period), [0, 0, 0, 0])[3] += p.amount
            owed = paid = 0
            for when in sorted(buckets):
                gross, l1_cost, period_owed, period_paid = buckets[when]
                owed += period_owed
                paid += period_paid
                rows.append(
                    PeriodRow(ledger.chain.name, when, gross, l1_cost, period_owed, period_paid, owed, paid)
                )
        return rows
