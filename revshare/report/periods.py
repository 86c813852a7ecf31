"""Disbursements summed per chain, asset and calendar period (UTC day, ISO week or month)."""

from __future__ import annotations

from dataclasses import dataclass

from revshare.calendar import PERIODS, period_of
from revshare.report.analysis import DisbursementRow, effective_bps

__all__ = ["PERIODS", "PeriodRow", "by_period", "period_of"]


@dataclass(frozen=True)
class PeriodRow:
    chain_id: int
    chain_name: str
    asset: str
    period: str
    disbursements: int
    gross: int
    l1_cost: int
    net: int
    collective: int
    chain: int
    by_gross: int  # the gross rule's amount, summed over the disbursements
    by_net: int  # the net rule's amount, summed over the disbursements
    net_rule_count: int
    cumulative_gross: int
    cumulative_collective: int

    @property
    def effective_bps(self) -> float:
        return effective_bps(self.collective, self.gross)

    @property
    def rule(self) -> str:
        if self.net_rule_count == self.disbursements:
            return "net"
        if self.net_rule_count == 0:
            return "gross"
        return f"mixed ({self.net_rule_count} net, {self.disbursements - self.net_rule_count} gross)"


def by_period(rows: list[DisbursementRow], period: str) -> list[PeriodRow]:
    """One row per (chain, asset, period) with at least one disbursement, with running totals."""
    groups: dict[tuple[int, str, str], list[DisbursementRow]] = {}
    for row in sorted(rows, key=lambda r: (r.chain_id, r.asset, r.block)):
        groups.setdefault((row.chain_id, row.asset, period_of(row.timestamp, period)), []).append(row)
    out: list[PeriodRow] = []
    running: dict[tuple[int, str], tuple[int, int]] = {}
    for (chain_id, asset, when), members in groups.items():
        gross = sum(r.gross for r in members)
        collective = sum(r.collective for r in members)
        cum_gross, cum_collective = running.get((chain_id, asset), (0, 0))
        cum_gross, cum_collective = cum_gross + gross, cum_collective + collective
        running[(chain_id, asset)] = (cum_gross, cum_collective)
        out.append(
            PeriodRow(
                chain_id=chain_id,
                chain_name=members[0].chain_name,
                asset=asset,
                period=when,
                disbursements=len(members),
                gross=gross,
                l1_cost=sum(r.l1_cost for r in members),
                net=sum(r.net for r in members),
                collective=collective,
                chain=sum(r.chain for r in members),
                by_gross=sum(r.by_gross for r in members),
                by_net=sum(r.by_net for r in members),
                net_rule_count=sum(r.net_rule_applied for r in members),
                cumulative_gross=cum_gross,
                cumulative_collective=cum_collective,
            )
        )
    return out
