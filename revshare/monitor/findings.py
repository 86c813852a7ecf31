"""Findings of one chain's ledger, each with its evidence (a tx hash, or the block of a state
read): settling contracts or vaults that are not there, vault recipients that moved off the
revenue-share path, vaults stuck below their minimum, missed disbursement intervals, payments
above anything owed, and a chain that stopped paying or owes a balance."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable

from eth_utils import to_checksum_address

from revshare.calendar import DAY, utc_date
from revshare.chain.addresses import FEE_SPLITTER
from revshare.monitor.config import MonitorConfig, WatchedChain
from revshare.monitor.events import (
    CALCULATOR_UPDATED,
    INTERVAL_UPDATED,
    MINIMUM_UPDATED,
    NETWORK_UPDATED,
    RECIPIENT_UPDATED,
    SIGNATURE,
    l2_receivers,
)
from revshare.monitor.records import (
    NETWORKS,
    VAULT_NAMES,
    ChainData,
    ChainLedger,
    Finding,
    Settlement,
    Withdrawal,
    same_address,
)
from revshare.terminal import format_eth

STALE_VAULT_DAYS = 7  # a vault below its minimum this long is stuck
MIN_SILENCE_DAYS = 7  # no chain is said to have stopped paying in less
NODE_LAG = 6 * 3600  # a network whose last block is this far behind another's is a stale node


def _path(config: MonitorConfig, chain: WatchedChain, settlers: set[str]) -> set[str]:
    """Addresses a vault may pay without leaving the revenue-share path."""
    return (
        settlers
        | {
            a.lower()
            for a in (
                *chain.senders,
                *chain.revenue_recipients,
                *l2_receivers(config, chain),
                *config.l1_receivers,
            )
        }
        | set(VAULT_NAMES)
    )


def add_findings(
    config: MonitorConfig,
    data: ChainData,
    ledger: ChainLedger,
    settlers: set[str],
    settlements: list[Settlement],
) -> None:
    chain = data.chain
    name = chain.name
    add = ledger.findings.append
    on_path = _path(config, chain, settlers)
    if data.shared is not None:  # its shared splitter's collection address settles what it receives
        on_path.add(data.shared.collection.lower())

    # Contracts and receivers that must be there.
    for address in (*chain.splitters, *chain.fee_disbursers):
        if not data.at_stop.get((address, "code")):
            add(
                Finding(
                    name,
                    "error",
                    "no-code",
                    f"{address} is configured as a settling contract but has no code at block {data.stop}: "
                    "its payments cannot be read",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
    if chain.fee_splitter is True and not data.at_stop.get((FEE_SPLITTER, "code")):
        add(
            Finding(
                name,
                "error",
                "no-code",
                f"fee_splitter is true but the FeeSplitter predeploy {FEE_SPLITTER} has no code at block "
                f"{data.stop}",
                f"block {data.stop}",
                ledger.stop_time,
            )
        )
    for receiver in l2_receivers(config, chain):
        if chain.senders and not data.at_stop.get((receiver, "code")):
            add(
                Finding(
                    name,
                    "warning",
                    "unseen-payments",
                    f"the Collective's receiver {receiver} on {name} has no code: plain ETH transfers to it "
                    "leave no event, so payments to it by hand are not seen",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
    receivers = l2_receivers(config, chain)
    if chain.fee_disbursers and not any(data.at_stop.get((r, "code")) for r in receivers):
        add(
            Finding(
                name,
                "warning",
                "unconfirmed-payments",
                "the FeeDisbursers' paidToOptimism is taken at its word: no Collective receiver on "
                f"{name} has code to confirm it (a Safe emits SafeReceived)",
                f"block {data.stop}",
                ledger.stop_time,
            )
        )
    if not any(data.at_stop.get((vault, "code")) for vault in map(to_checksum_address, VAULT_NAMES)):
        add(
            Finding(
                name,
                "error",
                "no-vaults",
                f"no fee vault has code at its predeploy on {name} at block {data.stop}: is this an OP "
                "Stack chain?",
                f"block {data.stop}",
                ledger.stop_time,
            )
        )

    # Vault recipients: announced changes, changes seen in withdrawals, and start vs end.
    explained: set[str] = set()
    for event in ledger.config_changes:
        if event.signature != SIGNATURE[RECIPIENT_UPDATED] or event.address.lower() not in VAULT_NAMES:
            continue
        new, old = event.args["newRecipient"], event.args["oldRecipient"]
        explained.add(event.address.lower())
        _recipient_finding(
            add, name, event.address, old, new, on_path, event.tx_hash, data.timestamps[event.block]
        )
    last_to: dict[str, Withdrawal] = {}
    for withdrawal in ledger.withdrawals:
        vault = withdrawal.vault.lower()
        previous = last_to.get(vault)
        if previous is not None and not same_address(previous.to, withdrawal.to) and vault not in explained:
            _recipient_finding(
                add,
                name,
                withdrawal.vault,
                previous.to,
                withdrawal.to,
                on_path,
                withdrawal.tx_hash,
                withdrawal.timestamp,
                seen="its withdrawals now pay",
            )
        last_to[vault] = withdrawal
    for vault in map(to_checksum_address, VAULT_NAMES):
        before, after = data.at_start.get((vault, "recipient")), data.at_stop.get((vault, "recipient"))
        if (
            before
            and after
            and not same_address(before, after)
            and vault.lower() not in explained
            and not any(
                same_address(w.vault, vault) and same_address(w.to, after) for w in ledger.withdrawals
            )
        ):
            _recipient_finding(
                add,
                name,
                vault,
                before,
                after,
                on_path,
                f"block {data.stop}",
                ledger.stop_time,
                seen="recipient() now answers",
            )
        if after and same_address(before, after) and after.lower() not in on_path:
            add(
                Finding(
                    name,
                    "warning",
                    "off-path",
                    f"{VAULT_NAMES[vault.lower()]} pays {to_checksum_address(after)}, which is not on the "
                    "chain's revenue-share path",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )

    # The FeeSplitter's calculator decides who gets what: each change is worth a look.
    for event in ledger.config_changes:
        if not same_address(event.address, FEE_SPLITTER):
            continue
        when = data.timestamps[event.block]
        if event.signature == SIGNATURE[CALCULATOR_UPDATED]:
            old, new = event.args["oldSharesCalculator"], event.args["newSharesCalculator"]
            message = f"the FeeSplitter's shares calculator changed from {old} to {new}"
            add(Finding(name, "warning", "calculator-changed", message, event.tx_hash, when))
        elif event.signature == SIGNATURE[INTERVAL_UPDATED]:
            old, new = event.args["oldFeeDisbursementInterval"], event.args["newFeeDisbursementInterval"]
            message = (
                f"the FeeSplitter's disbursement interval changed from {old / DAY:g} to {new / DAY:g} days"
            )
            add(Finding(name, "info", "interval-changed", message, event.tx_hash, when))

    # Announced changes of a vault's minimum and withdrawal network (1.6.0+ vaults).
    for event in ledger.config_changes:
        label = VAULT_NAMES.get(event.address.lower())
        if label is None:
            continue
        when = data.timestamps[event.block]
        if event.signature == SIGNATURE[MINIMUM_UPDATED]:
            old, new = event.args["oldWithdrawalAmount"], event.args["newWithdrawalAmount"]
            add(
                Finding(
                    name,
                    "info",
                    "minimum-changed",
                    f"{label}'s minimum withdrawal amount changed from {format_eth(old)} to "
                    f"{format_eth(new)}",
                    event.tx_hash,
                    when,
                )
            )
        elif event.signature == SIGNATURE[NETWORK_UPDATED]:
            old, new = event.args["oldWithdrawalNetwork"], event.args["newWithdrawalNetwork"]
            leaves = (
                new == 0
                and (data.at_stop.get((to_checksum_address(event.address), "recipient")) or "").lower()
                in settlers
            )
            add(
                Finding(
                    name,
                    "warning" if leaves else "info",
                    "network-changed",
                    f"{label} now withdraws to {NETWORKS.get(new, new)} (was {NETWORKS.get(old, old)})"
                    + ("; its settling contract, on L2, no longer receives it" if leaves else ""),
                    event.tx_hash,
                    when,
                )
            )

    # Each vault's Withdrawal events must add up to the growth of its totalProcessed: otherwise the
    # node left logs out (or the vault paid without an event) and the figures above are incomplete.
    for vault in map(to_checksum_address, VAULT_NAMES):
        after = data.at_stop.get((vault, "total_processed"))
        if after is None:
            continue
        began = data.at_start.get((vault, "total_processed"))
        if began is None and data.at_start.get((vault, "code")):
            continue  # a vault without the getter at the start: nothing to compare with
        counted = sum(w.value for w in ledger.withdrawals if same_address(w.vault, vault))
        grew = after - (began or 0)
        if grew != counted:
            add(
                Finding(
                    name,
                    "error",
                    "vault-events",
                    f"{VAULT_NAMES[vault.lower()]}'s totalProcessed grew by {format_eth(grew)} over the "
                    "range, its "
                    f"Withdrawal events add up to {format_eth(counted)}: the node left logs out, or the "
                    "vault paid "
                    "without an event; the figures for this chain are incomplete",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )

    # Vaults below their minimum.
    for vault in map(to_checksum_address, VAULT_NAMES):
        balance, minimum = data.at_stop.get((vault, "balance")), data.at_stop.get((vault, "minimum"))
        if balance is None or not minimum:
            continue
        recipient = data.at_stop.get((vault, "recipient")) or ""
        label = VAULT_NAMES[vault.lower()]
        if recipient.lower() in settlers:
            add(
                Finding(
                    name,
                    "warning",
                    "vault-minimum",
                    f"{label} has a minimum withdrawal amount of {format_eth(minimum)}: its settling "
                    "contract "
                    f"{to_checksum_address(recipient)} cannot withdraw it while it holds less (OP's "
                    "FeeSplitter reverts, this project's splitter refuses); set it to 0",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
        last = max(
            (w.timestamp for w in ledger.withdrawals if same_address(w.vault, vault)),
            default=ledger.start_time,
        )
        if 0 < balance < minimum and ledger.stop_time - last >= STALE_VAULT_DAYS * DAY:
            add(
                Finding(
                    name,
                    "warning",
                    "vault-stuck",
                    f"{label} holds {format_eth(balance)}, below its minimum {format_eth(minimum)}, and "
                    "has not been "
                    f"withdrawn since {utc_date(last)}",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )

    # Missed disbursement intervals, per settling contract.
    by_settler: dict[str, list[int]] = {}
    for settlement in settlements:
        by_settler.setdefault(settlement.settler, []).append(data.timestamps[settlement.event.block])
    for settler, times in by_settler.items():
        interval = chain.expected_interval or data.at_stop.get((to_checksum_address(settler), "interval"))
        if not interval:
            continue
        for begin, end in zip(times, [*times[1:], ledger.stop_time], strict=True):
            missed = (end - begin) // interval - 1
            if missed > 0:
                add(
                    Finding(
                        name,
                        "warning",
                        "missed-interval",
                        f"{settler} did not disburse for {(end - begin) / DAY:.1f} days after "
                        f"{utc_date(begin)} ({missed} interval(s) of {interval / DAY:g} days missed)",
                        f"block {data.stop}"
                        if end == ledger.stop_time
                        else _tx_at(settlements, settler, end, data),
                        end,
                    )
                )

    # Revenue a settler received and has not disbursed for two of its intervals (or, never having
    # disbursed in the range, since then).
    for settler, since in ledger.pending_since.items():
        address = to_checksum_address(settler)
        interval = chain.expected_interval or data.at_stop.get((address, "interval")) or DAY
        idle = ledger.reference_time - since
        if idle >= 2 * interval:
            add(
                Finding(
                    name,
                    "warning",
                    "not-disbursed",
                    f"{format_eth(ledger.pending[settler])} withdrawn to {address} since {utc_date(since)} "
                    f"has not been disbursed ({idle / DAY:.1f} days; its interval is "
                    f"{interval / DAY:g} days)",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
    for splitter in chain.splitters:
        answered = data.at_stop.get((splitter, "chain_id"))
        if answered is not None and answered != chain.chain_id:
            add(
                Finding(
                    name,
                    "error",
                    "wrong-chain",
                    f"{splitter} is a splitter for chain {answered}, not {chain.chain_id}: its disbursements "
                    "are not this chain's",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
    # Vault withdrawals that leave the path in ways a recipient check does not show.
    for withdrawal in ledger.withdrawals:
        label = VAULT_NAMES.get(withdrawal.vault.lower(), withdrawal.vault)
        if withdrawal.to.lower() in settlers and withdrawal.network == 0:
            message = (
                f"{label} withdrew {format_eth(withdrawal.value)} to {withdrawal.to} on L1: its settling "
                "contract is on L2 and never receives it (owed as revenue paid elsewhere)"
            )
            add(
                Finding(name, "warning", "withdrawn-to-l1", message, withdrawal.tx_hash, withdrawal.timestamp)
            )
        elif same_address(withdrawal.to, withdrawal.vault):
            message = f"{label} pays itself: its withdrawals ({format_eth(withdrawal.value)}) are not revenue"
            add(Finding(name, "warning", "vault-loop", message, withdrawal.tx_hash, withdrawal.timestamp))
    for batch in ledger.batches:
        if batch.kind == "opening":
            message = (
                f"the range starts mid-history: {batch.settled_by}'s first disbursement in it "
                "also settles revenue withdrawn before the range; what it paid is taken as what was owed"
            )
            add(Finding(name, "info", "opening-batch", message, batch.tx_hash or "", batch.timestamp))
    # The Collective's Safes on L1, and nodes that are behind.
    if chain.senders:
        for receiver in config.l1_receivers:
            if data.l1_at_stop and not data.l1_at_stop.get((receiver, "code")):
                message = (
                    f"the Collective's L1 receiver {receiver} has no code: plain ETH transfers to it "
                    "leave no event, so payments to it by hand are not seen"
                )
                add(Finding(name, "warning", "unseen-payments", message, "L1", ledger.stop_time))
    if chain.senders and config.l1_receivers and data.l1_stop_time is not None:
        behind_l1 = ledger.reference_time - data.l1_stop_time
        if behind_l1 > NODE_LAG:
            message = (
                f"the L1 node's last block ({utc_date(data.l1_stop_time)}) is {behind_l1 / 3600:.1f} hours "
                "behind the latest block read: payments on L1 after it are not seen"
            )
            add(Finding(name, "warning", "node-behind", message, "L1", ledger.stop_time))
    behind = ledger.reference_time - ledger.stop_time
    if behind > NODE_LAG:
        message = (
            f"the node's last block ({utc_date(ledger.stop_time)}) is {behind / 3600:.1f} hours behind the "
            "latest block of another network read: payments and revenue after it are not seen"
        )
        add(Finding(name, "warning", "node-behind", message, f"block {data.stop}", ledger.stop_time))

    # Payments beyond anything owed, and silence.
    _payment_findings(ledger, add)


def _tx_at(settlements: list[Settlement], settler: str, timestamp: int, data: ChainData) -> str:
    for settlement in settlements:
        if settlement.settler == settler and data.timestamps[settlement.event.block] == timestamp:
            return settlement.event.tx_hash
    return ""


def _recipient_finding(
    add: Callable[[Finding], None],
    chain: str,
    vault: str,
    old: str,
    new: str,
    on_path: set[str],
    evidence: str,
    timestamp: int,
    seen: str = "now pays",
) -> None:
    label = VAULT_NAMES.get(vault.lower(), vault)
    new_c, old_c = to_checksum_address(new), to_checksum_address(old)
    if new.lower() in on_path:
        add(
            Finding(
                chain,
                "info",
                "recipient-changed",
                f"{label} {seen} {new_c} (was {old_c}), on the revenue-share path",
                evidence,
                timestamp,
            )
        )
    else:
        add(
            Finding(
                chain,
                "warning",
                "recipient-moved",
                f"{label} {seen} {new_c} (was {old_c}): off the revenue-share path, the way a chain stops "
                "sharing",
                evidence,
                timestamp,
            )
        )


def _payment_findings(ledger: ChainLedger, add: Callable[[Finding], None]) -> None:
    name = ledger.chain.name
    # A day's revenue counts as owed from the start of its UTC day: paying the day's share the
    # same day, before the day's last withdrawal, is not paying ahead.
    events = sorted(
        [(b.timestamp - b.timestamp % DAY, 0, b.owed, None) for b in ledger.batches]
        + [(p.timestamp, 1, p.amount, p) for p in ledger.payments],
        key=lambda item: (item[0], item[1]),
    )
    owed = paid = reported = 0
    for _, kind, amount, payment in events:
        if kind == 0:
            owed += amount
            continue
        paid += amount
        if paid - owed > reported and payment is not None:
            add(
                Finding(
                    name,
                    "warning" if payment.source == "manual" else "info",
                    "unmatched-payment",
                    f"a payment of {format_eth(amount)} ({payment.source}, {payment.where}) brings what "
                    "was paid "
                    f"{format_eth(paid - owed)} above everything owed up to then",
                    payment.tx_hash,
                    payment.timestamp,
                )
            )
            reported = paid - owed  # each excess once
    times = [p.timestamp for p in ledger.payments]
    owed_since = sum(
        b.owed for b in ledger.batches if not times or b.timestamp - b.timestamp % DAY > times[-1]
    )
    if not times:
        if ledger.owed > 0 and ledger.reference_time - ledger.batches[0].timestamp >= MIN_SILENCE_DAYS * DAY:
            add(
                Finding(
                    name,
                    "warning",
                    "never-paid",
                    f"owed {format_eth(ledger.owed)} since {utc_date(ledger.batches[0].timestamp)} and paid "
                    "nothing",
                    f"block {ledger.stop}",
                    ledger.stop_time,
                )
            )
    else:
        gaps = [b - a for a, b in itertools.pairwise(times)]
        cadence = statistics.median(gaps) if gaps else 0
        threshold = max(2 * cadence, 2 * (ledger.chain.expected_interval or 0), MIN_SILENCE_DAYS * DAY)
        silence = ledger.reference_time - times[-1]
        if silence > threshold and owed_since > 0:
            usual = f"; it paid every {cadence / DAY:.1f} days before" if cadence else ""
            add(
                Finding(
                    name,
                    "warning",
                    "stopped-paying",
                    f"no payment for {silence / DAY:.1f} days, since {utc_date(times[-1])}{usual}, while "
                    f"{format_eth(owed_since)} became owed",
                    ledger.payments[-1].tx_hash,
                    ledger.stop_time,
                )
            )
    if ledger.balance > 0:
        add(
            Finding(
                name,
                "warning",
                "outstanding",
                f"owes {format_eth(ledger.balance)}: owed {format_eth(ledger.owed)}, paid "
                f"{format_eth(ledger.paid)}",
                f"block {ledger.stop}",
                ledger.stop_time,
            )
        )
