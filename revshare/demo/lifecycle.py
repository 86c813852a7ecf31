"""The demo's lifecycle act, on the per-chain splitter the demo deployed: governance turns on a
keeper reward, schedules new terms with the registry's 30 days' notice, the keeper settles the
boundary the moment they take effect (the period before under the old terms), the chain then
announces its exit, the final settlement follows at the exit, and afterwards the chain keeps its
revenue. Every disbursement is checked against `revshare.lifecycle` and `revshare.model`; the
transparency report that follows shows the chain's lifecycle on its timeline."""

from __future__ import annotations

from typing import Any

from revshare.calendar import utc_date
from revshare.chain.addresses import ETH_ASSET
from revshare.demo.single_chain import DayFees
from revshare.lifecycle import TermsHistory, keeper_reward, settlement
from revshare.model import split
from revshare.terminal import Log, format_eth

DAY = 86_400
NEW_TERMS = (300, 1_800)
KEEPER_REWARD = (10, 10**16)  # 0.1% of each disbursement, at most 0.01 ETH


def run_lifecycle_act(
    deployment: Any, owner: Any, keeper: Any, fees: list[DayFees], log: Log = print
) -> list:
    """Play the act; returns wei-level checks (label, contract figure, model figure)."""
    from ape import chain

    splitter, registry = deployment.splitter, deployment.registry
    chain_id = deployment.chain.chain_id
    entries = registry.termsHistory(chain_id)
    history = TermsHistory.joined(int(entries[0].effectiveAt), entries[0].grossBps, entries[0].netBps)
    history.notice_period = int(registry.noticePeriod())
    since = int(splitter.lastDisbursementTime(ETH_ASSET))
    checks: list[tuple[str, int, int]] = []
    day = 0

    def disburse_at(timestamp: int, label: str) -> None:
        nonlocal since, day
        day_fees = fees[day % len(fees)]
        day += 1
        for role, amount in day_fees.by_vault().items():
            if amount:
                keeper.transfer(deployment.vaults[role], amount)
        chain.pending_timestamp = timestamp
        receipt = splitter.disburse(sender=keeper)
        gross = sum(day_fees.by_vault().values())
        reward = keeper_reward(gross, *KEEPER_REWARD)
        terms = settlement(history, since, receipt.timestamp)
        expected = split(gross - reward, day_fees.l1, terms.gross_bps, terms.net_bps)
        event = receipt.events.filter(splitter.Disbursed)[0]
        checks.append((f"{label}: the Collective's share", event.collectiveShare, expected.collective))
        since = receipt.timestamp
        boundary = " (boundary settlement)" if receipt.events.filter(splitter.BoundarySettled) else ""
        rates = f"{event.grossBps / 100:g}%/{event.netBps / 100:g}%"
        log(
            f"  {utc_date(receipt.timestamp)}  {label:<36} {rates:<9} the Collective "
            f"{format_eth(event.collectiveShare)}, keeper {format_eth(reward)} ETH{boundary}"
        )

    registry.setKeeperReward(*KEEPER_REWARD, sender=owner)
    log(f"Governance set a keeper reward: {KEEPER_REWARD[0] / 100:g}% of each disbursement, at most 0.01 ETH")
    now = chain.pending_timestamp
    changed_at = (
        registry.scheduleTerms(chain_id, *NEW_TERMS, entries[-1].termsHash, 0, sender=owner)
        .events[0]
        .effectiveAt
    )
    history.schedule(changed_at - history.notice_period, *NEW_TERMS, changed_at)
    log(
        f"Governance scheduled {NEW_TERMS[0] / 100:g}% / {NEW_TERMS[1] / 100:g}% for {utc_date(changed_at)} "
        f"({history.notice_period // DAY} days' notice)"
    )
    disburse_at(max(now, since) + DAY, "a day later: the terms in force")
    disburse_at(changed_at, "at the change: the period before it")
    disburse_at(changed_at + DAY, "a day later: the new terms")
    exit_at = registry.announceExit(chain_id, 0, sender=owner).events[0].effectiveAt
    history.schedule(exit_at - history.notice_period, 0, 0, exit_at, exit=True)
    log(f"The chain announced its exit for {utc_date(exit_at)}, as Base did in 2026")
    disburse_at(exit_at - DAY, "the day before the exit")
    disburse_at(exit_at, "at the exit: the final settlement")
    disburse_at(exit_at + DAY, "after it: the chain keeps it all")
    return checks
