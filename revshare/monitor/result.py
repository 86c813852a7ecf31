"""The result of one monitor run, as data: every chain's ledger, what was read, and the rows per
period that the outputs show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from revshare.calendar import AUTO, DAY, choose_period, period_of, resolve_period
from revshare.monitor.config import MonitorConfig
from revshare.monitor.fetch import Fetched
from revshare.monitor.groups import SEVERITY_ORDER, FindingGroup, group_findings
from revshare.monitor.records import ChainLedger, Finding
from revshare.monitor.shared import SharedLedger

SUPERCHAIN = "Superchain"  # the rows and charts of every chain together


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
    def time_range(self) -> tuple[int, int]:
        """The first and last block time read, over every chain (0, 0 with no chain)."""
        if not self.ledgers:
            return 0, 0
        return min(x.start_time for x in self.ledgers), max(x.stop_time for x in self.ledgers)

    @property
    def span_days(self) -> float:
        start, stop = self.time_range
        return (stop - start) / DAY

    def default_period(self) -> str:
        """The report's rule (`choose_period`): daily for about two months, weekly for about two
        years, monthly beyond."""
        return choose_period(*self.time_range)

    def chosen_period(self, period: str | None = AUTO) -> str:
        """``period`` itself, or (``auto`` or None) the one `default_period` picks."""
        return resolve_period(period or AUTO, *self.time_range)

    def groups(self) -> list[FindingGroup]:
        """The findings grouped (`revshare.monitor.groups`), most serious first."""
        return group_findings(self.findings)

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

    def superchain_periods(self, period: str) -> list[PeriodRow]:
        """One row per period over every chain together, with running totals."""
        sums: dict[str, list[int]] = {}
        for row in self.periods(period):
            bucket = sums.setdefault(row.period, [0, 0, 0, 0])
            for index, value in enumerate((row.gross, row.l1_cost, row.owed, row.paid)):
                bucket[index] += value
        rows: list[PeriodRow] = []
        owed = paid = 0
        for when in sorted(sums):
            gross, l1_cost, period_owed, period_paid = sums[when]
            owed += period_owed
            paid += period_paid
            rows.append(PeriodRow(SUPERCHAIN, when, gross, l1_cost, period_owed, period_paid, owed, paid))
        return rows
