"""The report as one object: chain data, its analysis, and the per-period view."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.explorers import Explorer
from revshare.report.analysis import EXPLAINED, PENDING, Analysis, Finding, analyze, short
from revshare.report.history import History
from revshare.report.periods import PERIODS, PeriodRow, by_period
from revshare.report.shared import analyze_shared
from revshare.terminal import format_eth


@dataclass
class Report:
    history: History
    analysis: Analysis
    period: str = "day"
    explorer: Explorer | None = None  # where the HTML page links addresses and transactions

    @property
    def explorer_url(self) -> str | None:
        """The explorer's pages the HTML links to, if it has any."""
        return self.explorer.url if self.explorer and self.explorer.url else None

    def address_url(self, address: str) -> str | None:
        return self.explorer.address_url(address) if self.explorer and self.explorer_url else None

    def tx_url(self, tx_hash: str) -> str | None:
        return self.explorer.tx_url(tx_hash) if self.explorer and self.explorer_url else None

    @classmethod
    def of(cls, history: History, period: str = "day") -> Report:
        if period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
        analysis = analyze(history)
        analyze_shared(history, analysis)
        return cls(history, analysis, period)

    @property
    def ok(self) -> bool:
        """True when every wei is accounted for (explained and pending findings allowed)."""
        return self.analysis.ok

    def periods(self, period: str | None = None) -> list[PeriodRow]:
        return by_period(self.analysis.rows, period or self.period)

    def count(self, kind: str) -> int:
        return sum(f.kind == kind for f in self.analysis.findings)

    def verdict(self) -> str:
        explained, pending = self.count(EXPLAINED), self.count(PENDING)
        if self.ok:
            return f"every wei accounted for ({explained} explained, {pending} pending items listed)"
        gaps = len(self.analysis.unexplained) + sum(not c.ok for c in self.analysis.checks)
        return f"UNEXPLAINED GAPS: {gaps} failed checks or findings (see above)"

    def title(self) -> str:
        h = self.history
        return (
            f"Revenue-share report: {h.network} (chain id {h.chain_id}), blocks {h.from_block}..{h.to_block}"
        )


def asset_name(asset: str) -> str:
    return "ETH" if asset == ETH_ASSET else short(asset)


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
    return f"shared {short(splitter)}" + (f", chain {chain_id}" if chain_id else "")


def describe(finding: Finding) -> str:
    """``chain 8453: 0.491965 ETH received outside vault withdrawals (disbursement #3, block 32)``"""
    where = f" ({finding.where})" if finding.where else ""
    value = f"{amount(finding.asset, finding.amount)} {asset_name(finding.asset)}"
    return f"{place(finding.chain_id, finding.splitter)}: {value} {finding.what}{where}"
