"""The report as one object: chain data, its analysis, and the per-period view."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from revshare.calendar import AUTO, resolve_period
from revshare.chain.addresses import ETH_ASSET
from revshare.chain.explorers import Explorer
from revshare.chain.finality import FinalityReport
from revshare.report.analysis import (
    EXPLAINED,
    OVERDUE_KIND,
    PENDING,
    UNEXPLAINED,
    Analysis,
    Finding,
    analyze,
)
from revshare.report.history import History
from revshare.report.periods import PeriodRow, by_period
from revshare.report.shared import analyze_shared
from revshare.terminal import format_eth, short_address, shorten_addresses


@dataclass
class Report:
    history: History
    analysis: Analysis
    period: str = "day"  # the tables' and charts' period (day, week or month)
    explorer: Explorer | None = None  # where the HTML page links addresses and transactions
    period_chosen: bool = False  # the period was chosen from the range (--period auto)
    finality: FinalityReport | None = None  # the L1 withdrawals' finality, when L1 was read

    @property
    def explorer_url(self) -> str | None:
        """The explorer's pages the HTML links to, if it has any."""
        return self.explorer.url if self.explorer and self.explorer.url else None

    def address_url(self, address: str) -> str | None:
        return self.explorer.address_url(address) if self.explorer and self.explorer_url else None

    def tx_url(self, tx_hash: str) -> str | None:
        return self.explorer.tx_url(tx_hash) if self.explorer and self.explorer_url else None

    @classmethod
    def of(cls, history: History, period: str = AUTO) -> Report:
        """The analysed report; ``auto`` picks the period from the disbursements' dates (daily for
        weeks, weekly for up to about two years, monthly beyond)."""
        analysis = analyze(history)
        analyze_shared(history, analysis)
        times = [r.timestamp for r in analysis.rows] or [0]
        chosen = resolve_period(period, min(times), max(times))
        return cls(history, analysis, chosen, period_chosen=period == AUTO)

    @property
    def ok(self) -> bool:
        """True when every wei is accounted for (explained and pending findings allowed)."""
        return self.analysis.ok

    def period_note(self) -> str:
        """``per week`` (and how it was chosen, when it was)."""
        how = " (chosen from the range; --period changes it)" if self.period_chosen else ""
        return f"per {self.period}{how}"

    def groups(self) -> list[FindingGroup]:
        return group_findings(self.analysis.findings)

    def periods(self, period: str | None = None) -> list[PeriodRow]:
        return by_period(self.analysis.rows, period or self.period)

    def count(self, kind: str) -> int:
        return sum(f.kind == kind for f in self.analysis.findings)

    def verdict(self) -> str:
        explained, pending, overdue = self.count(EXPLAINED), self.count(PENDING), self.count(OVERDUE_KIND)
        late = f", {overdue} overdue on L1" if overdue else ""
        if self.ok:
            return f"every wei accounted for ({explained} explained, {pending} pending items listed{late})"
        gaps = len(self.analysis.unexplained) + sum(not c.ok for c in self.analysis.checks)
        return f"UNEXPLAINED GAPS: {gaps} failed checks or findings (see above)"

    def title(self) -> str:
        h = self.history
        return (
            f"Revenue-share report: {h.network} (chain id {h.chain_id}), blocks {h.from_block}..{h.to_block}"
        )


def asset_name(asset: str) -> str:
    return "ETH" if asset == ETH_ASSET else short_address(asset)


def amount(asset: str, wei: int) -> str:
    """ETH amounts in ETH (6 decimals); token amounts in the token's base units."""
    return format_eth(wei) if asset == ETH_ASSET else f"{wei:,}"


def percent(bps: float) -> str:
    return f"{Decimal(bps) / 100:.2f}%"


def place(chain_id: int, splitter: str = "") -> str:
    """What a check or finding is about: ``chain 8453``, ``shared 0x5FC8…5707`` or
    ``shared 0x5FC8…5707, chain 10``."""
    if not splitter:
        return f"chain {chain_id}"
    return f"shared {short_address(splitter)}" + (f", chain {chain_id}" if chain_id else "")


def describe(finding: Finding, *, whole: bool = False) -> str:
    """``chain 8453: 0.491965 ETH received outside vault withdrawals (disbursement #3, block 32)``;
    the addresses in it short unless ``whole`` (a finding keeps them whole: grouped by them, and in
    the files)."""
    where = f" ({finding.where})" if finding.where else ""
    value = f"{amount(finding.asset, finding.amount)} {asset_name(finding.asset)}"
    what = finding.what if whole else shorten_addresses(finding.what)
    return f"{place(finding.chain_id, finding.splitter)}: {value} {what}{where}"


SEVERITY = {UNEXPLAINED: 0, OVERDUE_KIND: 1, EXPLAINED: 2, PENDING: 3}


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one kind that say the same thing about the same place and asset (they differ
    only in amount and where), in the order found: oldest first."""

    items: tuple[Finding, ...]
    # Its addresses shown whole: another group reads the same with them short (look-alikes).
    whole: bool = False

    @property
    def first(self) -> Finding:
        return self.items[0]

    @property
    def kind(self) -> str:
        return self.first.kind

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def total(self) -> int:
        return sum(f.amount for f in self.items)

    def summary(self) -> str:
        """One finding as `describe` says it; several as ``chain 10: 365 findings, 3,201.400000 ETH
        in all: in flight to … (oldest block 20, newest block 9000)``."""
        if self.count == 1:
            return describe(self.first, whole=self.whole)
        f = self.first
        unit = asset_name(f.asset)
        value = f"{amount(f.asset, self.total)} {unit} in all"
        if any(item.amount < 0 for item in self.items):  # +x and -x must not read as nothing
            sizes = sum(abs(item.amount) for item in self.items)
            value = f"{amount(f.asset, sizes)} {unit} in all by size, net {amount(f.asset, self.total)}"
        first, last = f.where.split(";")[0], self.items[-1].where.split(";")[0]  # where: block first
        span = f" (oldest {first}, newest {last})" if f.where else ""
        what = f.what if self.whole else shorten_addresses(f.what)
        return f"{place(f.chain_id, f.splitter)}: {self.count:,} findings, {value}: {what}{span}"


def group_findings(findings: list[Finding]) -> list[FindingGroup]:
    """Findings grouped by kind, place, asset and text; unexplained first, then overdue, explained
    and pending, each in the order first found."""
    groups: dict[tuple[str, int, str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.kind, f.chain_id, f.splitter, f.asset, f.what), []).append(f)
    ordered = sorted(groups.values(), key=lambda items: SEVERITY.get(items[0].kind, len(SEVERITY)))
    shown = Counter(_shown_key(items[0]) for items in ordered)
    return [FindingGroup(tuple(items), whole=shown[_shown_key(items[0])] > 1) for items in ordered]


def _shown_key(f: Finding) -> tuple[str, int, str, str, str]:
    """What tells a group apart once its addresses are short."""
    return (f.kind, f.chain_id, f.splitter, f.asset, shorten_addresses(f.what))
