"""Demo part two: one shared sequencer serving several chains settles an epoch."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from revshare.artifacts import container
from revshare.chain.addresses import ETH_ASSET as ETH
from revshare.chain.routes import Route
from revshare.deploying.config import DeployConfig
from revshare.epochs import (
    ChainRevenue,
    SettledChain,
    Terms,
    expected_settlement,
    pack_report,
    sorted_report,
    unpack_settlements,
)
from revshare.terminal import Log, format_eth, render_table

OPERATOR_FEE_BPS = 100  # 1% of each chain's gross for the sequencer operator
OPERATOR_FEE_RECIPIENT = "0x0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F"


@dataclass
class SharedDemoResult:
    rows: list[SettledChain]
    expected: Mapping[int, Any]
    paid_in: int
    treasury_received: dict[int, int]
    collective_received: int
    operator_received: int
    left_in_contract: int
    report_gas: int
    sent_to_l1: dict[str, int]  # lower-case address -> ETH its claims sent to L1
    address: str = ""  # the shared splitter
    deployed_block: int = 0


def simulate_epoch(chain_ids: Sequence[int], seed: int = 7) -> list[ChainRevenue]:
    """One epoch's attribution: 0.5-6 ETH per chain; the L1 cost of one chain exceeds 5/6 of gross."""
    rng = random.Random(seed)
    revenues = []
    for index, chain_id in enumerate(chain_ids):
        gross = int(rng.uniform(0.5, 6.0) * 10**9) * 10**9 + rng.randrange(10**9)
        share = rng.uniform(0.88, 0.95) if index == 1 else rng.uniform(0.15, 0.7)
        revenues.append(ChainRevenue(chain_id, gross, int(gross * share)))
    return sorted_report(revenues)


def run_shared_demo(
    config: DeployConfig, registry: Any, operator: Any, reporter: Any, log: Log = print
) -> SharedDemoResult:
    """Deploy the shared splitter, report one epoch for every configured chain, then claim everything."""
    from ape import chain

    shared = operator.deploy(
        container("SharedSequencerSplitter"), registry, reporter, OPERATOR_FEE_RECIPIENT, OPERATOR_FEE_BPS
    )
    deployed_block = chain.blocks.head.number
    log(f"  SharedSequencerSplitter  {shared.address} (operator fee {OPERATOR_FEE_BPS / 100:g}%)")
    revenues = simulate_epoch([c.chain_id for c in config.chains])
    terms = {c.chain_id: Terms(c.gross_bps, c.net_bps) for c in config.chains}
    expected = expected_settlement(revenues, terms, OPERATOR_FEE_BPS)
    paid_in = sum(r.gross for r in revenues)
    balance = chain.provider.get_balance
    treasuries = {c.chain_id: c.treasury for c in config.chains}
    before = {
        addr: balance(addr) for addr in [*treasuries.values(), config.collective, OPERATOR_FEE_RECIPIENT]
    }

    packed = pack_report(revenues)
    window_end = chain.blocks.head.timestamp  # the epoch settles everything up to now
    receipt = shared.reportEpochPacked(1, window_end, packed, value=paid_in, sender=reporter)
    log(
        f"  epoch 1 reported for {len(revenues)} chains in the packed form ({len(packed)} bytes): "
        f"{receipt.gas_used:,} gas (tx {receipt.txn_hash})"
    )
    (settled,) = receipt.events.filter(shared.ChainsSettled)
    rows = unpack_settlements(bytes(settled.settlements))
    claims = [shared.claimChain(ETH, chain_id, sender=reporter) for chain_id in treasuries]
    claims.append(shared.claim(ETH, config.collective, sender=reporter))
    claims.append(shared.claim(ETH, OPERATOR_FEE_RECIPIENT, sender=reporter))
    log("  every chain, the Collective and the operator claimed their balances")
    to_l1: dict[str, int] = {}
    for claim in claims:
        for sent in claim.events.filter(shared.L1WithdrawalInitiated):
            key = str(sent.recipient).lower()
            to_l1[key] = to_l1.get(key, 0) + sent.amount
            route = Route(sent.route).label
            payee = f"{sent.recipient} (to {sent.l1Recipient} on L1)"
            log(f"  claim sent {format_eth(sent.amount)} ETH for {payee} ({route})")

    def received(address: str) -> int:  # on L2, plus what left for it on L1
        return balance(address) - before[address] + to_l1.get(address.lower(), 0)

    return SharedDemoResult(
        rows=rows,
        expected=expected.per_chain,
        paid_in=paid_in,
        treasury_received={cid: received(addr) for cid, addr in treasuries.items()},
        collective_received=received(config.collective),
        operator_received=received(OPERATOR_FEE_RECIPIENT),
        left_in_contract=balance(shared.address),
        report_gas=receipt.gas_used,
        sent_to_l1=to_l1,
        address=str(shared.address),
        deployed_block=deployed_block,
    )


def shared_table(result: SharedDemoResult, names: Mapping[int, str]) -> str:
    """One line per chain of the epoch, amounts in ETH."""
    body = []
    for row in result.rows:
        want = result.expected[row.chain_id]
        matches = (row.operator_fee, row.collective_share, row.chain_share) == (
            want.operator_fee,
            want.collective,
            want.chain,
        )
        body.append(
            [
                names.get(row.chain_id, str(row.chain_id)),
                format_eth(row.gross),
                format_eth(row.l1_cost),
                format_eth(row.operator_fee),
                format_eth(row.collective_share),
                "net" if want.net_rule_applied else "gross",
                format_eth(row.chain_share),
                "yes" if matches else "NO",
            ]
        )
    footer = [
        "total",
        format_eth(sum(r.gross for r in result.rows)),
        format_eth(sum(r.l1_cost for r in result.rows)),
        format_eth(sum(r.operator_fee for r in result.rows)),
        format_eth(sum(r.collective_share for r in result.rows)),
        "",
        format_eth(sum(r.chain_share for r in result.rows)),
        "",
    ]
    headers = [
        "chain",
        "gross ETH",
        "L1 cost",
        "operator fee",
        "Collective",
        "rule",
        "chain share",
        "= model",
    ]
    return render_table(headers, body, footer=footer)


def shared_reconciliation(result: SharedDemoResult) -> list[tuple[str, int, int]]:
    """(check, left, right) in wei; every pair must be equal."""
    rows = result.rows
    return [
        (
            "paid in = the chains' gross",
            result.paid_in,
            sum(r.gross for r in rows),
        ),
        (
            "treasuries received (on L2 or sent to L1) = chain shares",
            sum(result.treasury_received.values()),
            sum(r.chain_share for r in rows),
        ),
        (
            "Collective received = its shares",
            result.collective_received,
            sum(r.collective_share for r in rows),
        ),
        (
            "operator received (on L2 or sent to L1) = fees",
            result.operator_received,
            sum(r.operator_fee for r in rows),
        ),
        ("left in the shared splitter", result.left_in_contract, 0),
    ]
