"""The local demo: simulated days of sequencer fees flowing through one chain's splitter.

Fee levels are modelled on a mid-sized OP Stack chain: a few ETH of priority and base fees a
day, and an L1 data cost that is usually a fraction of revenue but spikes on some days (blob
fee spikes) above 5/6 of gross, where 2.5% of gross beats 15% of net. One day also carries a
plain ETH transfer straight to the splitter, which the next disbursement counts as revenue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from revshare.chain.addresses import ETH_ASSET as ETH
from revshare.chain.addresses import L2_STANDARD_BRIDGE
from revshare.chain.routes import Route
from revshare.deploying.deploy import Deployment
from revshare.model import split
from revshare.terminal import Log, format_eth, render_table

NET_VAULTS = ("sequencer_fee_vault", "base_fee_vault", "operator_fee_vault")


@dataclass(frozen=True)
class DayFees:
    """What one simulated day pays into the vaults (and straight to the splitter)."""

    sequencer: int
    base: int
    operator: int
    l1: int
    direct: int = 0

    def by_vault(self) -> dict[str, int]:
        return {
            "sequencer_fee_vault": self.sequencer,
            "base_fee_vault": self.base,
            "operator_fee_vault": self.operator,
            "l1_fee_vault": self.l1,
        }


@dataclass(frozen=True)
class Disbursement:
    """One `Disbursed` event, as read back from the chain."""

    day: int
    gross: int
    l1_cost: int
    collective: int
    chain: int
    gross_bps: int
    net_bps: int
    net_rule_applied: bool
    tx_hash: str

    @property
    def net(self) -> int:
        return max(self.gross - self.l1_cost, 0)

    @property
    def rule(self) -> str:
        bps = self.net_bps if self.net_rule_applied else self.gross_bps
        basis = "net" if self.net_rule_applied else "gross"
        return f"{bps / 100:g}% of {basis}"

    def matches_model(self) -> bool:
        expected = split(self.gross, self.l1_cost, self.gross_bps, self.net_bps)
        return (expected.collective, expected.chain, expected.net_rule_applied) == (
            self.collective,
            self.chain,
            self.net_rule_applied,
        )


@dataclass
class DemoResult:
    """Every disbursement plus the balances needed to reconcile them."""

    rows: list[Disbursement]
    fees: list[DayFees]
    vault_processed: int
    vault_left: int
    collective_received: int
    treasury_received: int  # on L2, plus what was bridged to it on L1
    collective_owed: int
    treasury_owed: int
    undisbursed: int


def _wei(rng: random.Random, low_eth: float, high_eth: float) -> int:
    # A whole number of gwei plus random wei, so amounts are never round.
    return int(rng.uniform(low_eth, high_eth) * 10**9) * 10**9 + rng.randrange(10**9)


def simulate_fees(days: int = 7, seed: int = 2026) -> list[DayFees]:
    """Deterministic daily fees; every third day an L1 cost spike makes the gross rule apply."""
    if days < 1:
        raise ValueError("days must be at least 1")
    rng = random.Random(seed)
    fees = []
    for day in range(days):
        sequencer = _wei(rng, 1.5, 4.0)
        base = _wei(rng, 0.3, 1.2)
        operator = _wei(rng, 0.0, 0.03)  # sometimes below the vault minimum: carried over
        net_revenue = sequencer + base + operator
        spike = day % 3 == 2
        factor = rng.uniform(6.0, 9.0) if spike else rng.uniform(0.3, 1.5)
        l1 = int(net_revenue * factor) + rng.randrange(10**9)
        direct = _wei(rng, 0.1, 0.5) if day == 3 else 0
        fees.append(DayFees(sequencer, base, operator, l1, direct))
    return fees


def run_demo(deployment: Deployment, fees: list[DayFees], funder: Any, log: Log = print) -> DemoResult:
    """Pay each day's fees into the vaults, advance one interval, disburse; read back the events."""
    from ape import chain

    splitter, registry = deployment.splitter, deployment.registry
    collective = registry.collective()
    treasury = registry.getChain(deployment.chain.chain_id).treasury
    start = {addr: chain.provider.get_balance(addr) for addr in (collective, treasury, L2_STANDARD_BRIDGE)}
    interval = splitter.DISBURSEMENT_INTERVAL()
    rows: list[Disbursement] = []
    bridged: list[Any] = []

    for day, day_fees in enumerate(fees, start=1):
        for role, amount in day_fees.by_vault().items():
            if amount:
                funder.transfer(deployment.vaults[role], amount)
        if day_fees.direct:
            funder.transfer(splitter, day_fees.direct)
        chain.pending_timestamp = chain.pending_timestamp + interval
        receipt = splitter.disburse(sender=funder)
        event = receipt.events.filter(splitter.Disbursed)[0]
        sent_to_l1 = receipt.events.filter(splitter.L1WithdrawalInitiated)
        bridged.extend(sent_to_l1)
        rows.append(
            Disbursement(
                day=day,
                gross=event.gross,
                l1_cost=event.l1Cost,
                collective=event.collectiveShare,
                chain=event.chainShare,
                gross_bps=event.grossBps,
                net_bps=event.netBps,
                net_rule_applied=event.netRuleApplied,
                tx_hash=str(receipt.txn_hash),
            )
        )
        log(f"  day {day}/{len(fees)}: disbursed {format_eth(event.gross)} ETH (tx {receipt.txn_hash})")
        if day == len(fees):  # the last day's events in full: per-vault sources, L1 withdrawals
            sources = receipt.events.filter(splitter.RevenueSources)[0]
            log(
                f"  day {day} by source: sequencer {sources.sequencerFees}, base {sources.baseFees}, "
                f"operator {sources.operatorFees}, L1 {sources.l1Fees}, other {sources.otherInflows} wei"
            )
            for sent in sent_to_l1:
                route = f"{Route(sent.route).label}, L1 gas limit {sent.l1GasLimit:,}"
                payee = f"{sent.recipient} (paid on L1 to {sent.l1Recipient})"
                log(f"  day {day} L1 withdrawal: {sent.amount} wei for {payee} ({route})")

    vaults = deployment.vaults.values()
    return DemoResult(
        rows=rows,
        fees=fees,
        vault_processed=sum(v.totalProcessed() for v in vaults),
        vault_left=sum(chain.provider.get_balance(v.address) for v in vaults),
        collective_received=chain.provider.get_balance(collective) - start[collective],
        treasury_received=chain.provider.get_balance(treasury)
        - start[treasury]
        + sum(e.amount for e in bridged if e.recipient == treasury),
        collective_owed=splitter.owed(ETH, collective),
        treasury_owed=splitter.owed(ETH, treasury),
        undisbursed=splitter.undisbursed(ETH),
    )


def disbursement_table(rows: list[Disbursement]) -> str:
    """One line per disbursement with totals, amounts in ETH."""
    body = [
        [
            str(r.day),
            format_eth(r.gross),
            format_eth(r.l1_cost),
            format_eth(r.net),
            format_eth(r.collective),
            r.rule,
            format_eth(r.chain),
            "yes" if r.matches_model() else "NO",
        ]
        for r in rows
    ]
    footer = [
        "total",
        format_eth(sum(r.gross for r in rows)),
        format_eth(sum(r.l1_cost for r in rows)),
        format_eth(sum(r.net for r in rows)),
        format_eth(sum(r.collective for r in rows)),
        "",
        format_eth(sum(r.chain for r in rows)),
        "",
    ]
    headers = ["day", "gross ETH", "L1 cost", "net", "Collective", "rule applied", "chain share", "= model"]
    return render_table(headers, body, footer=footer)


def reconciliation(result: DemoResult) -> list[tuple[str, int, int]]:
    """(check, left side, right side) in wei; every pair must be equal."""
    rows = result.rows
    gross = sum(r.gross for r in rows)
    collective = sum(r.collective for r in rows)
    chain_share = sum(r.chain for r in rows)
    paid_in = sum(sum(f.by_vault().values()) + f.direct for f in result.fees)
    direct = sum(f.direct for f in result.fees)
    return [
        ("gross = vault withdrawals + direct transfers", gross, result.vault_processed + direct),
        ("Collective share + chain share = gross", collective + chain_share, gross),
        (
            "Collective paid + credited = its shares",
            result.collective_received + result.collective_owed,
            collective,
        ),
        (
            "treasury paid (on L2 or bridged to L1) + credited = chain shares",
            result.treasury_received + result.treasury_owed,
            chain_share,
        ),
        (
            "fees paid in = gross + still in vaults + undisbursed",
            paid_in,
            gross + result.vault_left + result.undisbursed,
        ),
    ]
