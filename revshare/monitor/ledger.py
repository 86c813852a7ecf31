"""From stored logs to each chain's ledger: revenue, what it owed, what it paid, and findings.

Revenue is what left the fee vaults (their ``Withdrawal`` events, each withdrawal counted once),
classified by the vault that paid it: the L1FeeVault's withdrawals are the L1 cost, the rest is
net revenue. A withdrawal into another fee vault (the OperatorFeeVault's default pays the
BaseFeeVault) is not revenue yet: it is counted when that vault is withdrawn.

Owed is the chain's rule applied to settlement batches:
- revenue withdrawn to a settling contract the monitor knows (this project's splitter, OP's
  FeeSplitter, a FeeDisburser) is owed per disbursement of that contract, over what was withdrawn
  to it since its previous disbursement, under the terms in force at the disbursement; revenue
  withdrawn to it and not yet disbursed is shown as pending, not owed yet;
- any other revenue (paid to an operator wallet, a treasury, to L1) is owed per UTC day of its
  withdrawals, under the terms in force at them.
Paid is what reached the Collective: the splitter's Collective share, the FeeSplitter's shares to
the Collective's receivers, the FeeDisburser's ``paidToOptimism``, and ETH from the chain's
known senders arriving at the Collective's Safes (``SafeReceived``) on the chain or on L1.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_utils import to_checksum_address

from revshare.calendar import DAY, period_of, utc_date
from revshare.chain.addresses import ETH_ASSET, FEE_SPLITTER, PREDEPLOY_VAULTS
from revshare.chain.reader import EventLog
from revshare.model import split
from revshare.monitor.config import MonitorConfig, Terms, WatchedChain
from revshare.monitor.events import (
    CALCULATOR_UPDATED,
    DECODER,
    DISBURSED,
    DISBURSER_FEES_DISBURSED,
    INTERVAL_UPDATED,
    MINIMUM_UPDATED,
    NETWORK_UPDATED,
    RECIPIENT_UPDATED,
    SAFE_RECEIVED,
    SIGNATURE,
    SPLITTER_FEES_DISBURSED,
    WITHDRAWAL_3,
    WITHDRAWAL_4,
    l2_receivers,
)
from revshare.terminal import format_eth

VAULT_NAMES = {
    address.lower(): role.replace("_", " ").replace("fee vault", "FeeVault").title().replace(" ", "")
    for role, address in PREDEPLOY_VAULTS.items()
    if address is not None
}
L1_FEE_VAULT = str(PREDEPLOY_VAULTS["l1_fee_vault"]).lower()
STALE_VAULT_DAYS = 7
MIN_SILENCE_DAYS = 7
NETWORKS = {0: "L1", 1: "L2"}

# Terms at (block, timestamp) for a chain; the registry's or the config's.
TermsAt = Callable[[WatchedChain, int, int], Terms]


@dataclass(frozen=True)
class Withdrawal:
    vault: str
    value: int
    to: str
    network: int | None  # 0 = L1, 1 = L2 (None: a vault that emits only the 3-argument event)
    block: int
    log_index: int
    tx_hash: str
    timestamp: int
    internal: bool  # into another fee vault: counted when that vault is withdrawn

    @property
    def position(self) -> tuple[int, int]:
        return (self.block, self.log_index)

    @property
    def is_l1_cost(self) -> bool:
        return self.vault.lower() == L1_FEE_VAULT


@dataclass(frozen=True)
class Batch:
    """Revenue owed as one: a settling contract's disbursement, or a UTC day of other withdrawals."""

    chain: str
    kind: str  # "settled" or "daily"
    settled_by: str | None
    block: int
    timestamp: int
    tx_hash: str | None  # the disbursement's (settled batches)
    withdrawals: int
    gross: int
    l1_cost: int
    gross_bps: int
    net_bps: int
    owed: int
    rule: str

    @property
    def net(self) -> int:
        return max(self.gross - self.l1_cost, 0)


@dataclass(frozen=True)
class Payment:
    chain: str
    where: str  # "L2" or "L1"
    source: str  # splitter, fee-splitter, fee-disburser, manual
    block: int
    timestamp: int
    tx_hash: str
    payer: str
    receiver: str
    amount: int


@dataclass(frozen=True)
class Finding:
    chain: str
    severity: str  # error, warning, info
    kind: str
    message: str
    evidence: str  # a tx hash, or "block N" for a state read
    timestamp: int


@dataclass
class ChainLedger:
    chain: WatchedChain
    start: int
    stop: int
    start_time: int
    stop_time: int
    withdrawals: list[Withdrawal] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)  # withdrawn to a settler, not disbursed yet
    in_vaults: dict[str, int] = field(default_factory=dict)  # vault balances at the last block
    findings: list[Finding] = field(default_factory=list)
    config_changes: list[EventLog] = field(default_factory=list)

    @property
    def revenue(self) -> list[Withdrawal]:
        return [w for w in self.withdrawals if not w.internal]

    @property
    def gross(self) -> int:
        return sum(w.value for w in self.revenue)

    @property
    def l1_cost(self) -> int:
        return sum(w.value for w in self.revenue if w.is_l1_cost)

    @property
    def owed(self) -> int:
        return sum(b.owed for b in self.batches)

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def balance(self) -> int:
        return self.owed - self.paid

    @property
    def last_payment(self) -> Payment | None:
        return max(self.payments, key=lambda p: p.timestamp) if self.payments else None


@dataclass(frozen=True)
class ChainData:
    """What the store holds for one chain, ready to analyse."""

    chain: WatchedChain
    start: int
    stop: int
    logs: list[dict[str, Any]]
    timestamps: dict[int, int]
    at_start: dict[tuple[str, str], Any]
    at_stop: dict[tuple[str, str], Any]
    l1_logs: list[dict[str, Any]]
    l1_timestamps: dict[int, int]


def _eth(wei: int) -> str:
    return format_eth(wei)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def _decode(logs: list[dict[str, Any]]) -> list[EventLog]:
    return [event for event in (DECODER.decode(raw) for raw in logs) if event is not None]


def _withdrawals(
    events: list[EventLog], timestamps: dict[int, int], findings: list[Finding], chain: str
) -> list[Withdrawal]:
    """Each withdrawal once: a vault emits a 3- and a 4-argument event for it; the 4-argument ones
    are counted, the 3-argument ones only where a vault emitted no 4-argument event in that tx."""
    vaults = set(VAULT_NAMES)
    by_tx: dict[tuple[str, str], dict[str, list[EventLog]]] = {}
    for event in events:
        if event.address.lower() in vaults and event.signature in (
            SIGNATURE[WITHDRAWAL_3],
            SIGNATURE[WITHDRAWAL_4],
        ):
            group = by_tx.setdefault((event.tx_hash, event.address), {"3": [], "4": []})
            group["4" if event.signature == SIGNATURE[WITHDRAWAL_4] else "3"].append(event)
    found = []
    for (tx_hash, vault), group in by_tx.items():
        chosen = group["4"] or group["3"]
        if group["4"] and group["3"] and len(group["3"]) != len(group["4"]):
            findings.append(
                Finding(
                    chain,
                    "warning",
                    "withdrawal-events",
                    f"{VAULT_NAMES[vault.lower()]} emitted {len(group['3'])} 3-argument and {len(group['4'])} "
                    "4-argument Withdrawal events in one transaction; the 4-argument ones were counted",
                    tx_hash,
                    timestamps[chosen[0].block],
                )
            )
        for event in chosen:
            to = to_checksum_address(event.args["to"])
            found.append(
                Withdrawal(
                    vault=event.address,
                    value=int(event.args["value"]),
                    to=to,
                    network=int(event.args["withdrawalNetwork"])
                    if "withdrawalNetwork" in event.args
                    else None,
                    block=event.block,
                    log_index=event.log_index,
                    tx_hash=event.tx_hash,
                    timestamp=timestamps[event.block],
                    internal=to.lower() in vaults and to.lower() != event.address.lower(),
                )
            )
    return sorted(found, key=lambda w: w.position)


@dataclass(frozen=True)
class _Settlement:
    settler: str
    kind: str
    event: EventLog
    paid: int  # to the Collective
    reported_gross: int | None


def _settlements(
    chain: WatchedChain, receivers: set[str], events: list[EventLog], use_fee_splitter: bool
) -> list[_Settlement]:
    splitters = {a.lower() for a in chain.splitters}
    disbursers = {a.lower() for a in chain.fee_disbursers}
    found = []
    for event in events:
        address = event.address.lower()
        if address in splitters and event.signature == SIGNATURE[DISBURSED]:
            if (
                int(event.args["asset"], 16) != int(ETH_ASSET, 16)
                or int(event.args["chainId"]) != chain.chain_id
            ):
                continue
            found.append(
                _Settlement(
                    event.address,
                    "splitter",
                    event,
                    int(event.args["collectiveShare"]),
                    int(event.args["gross"]),
                )
            )
        elif (
            use_fee_splitter
            and _same(address, FEE_SPLITTER)
            and event.signature == SIGNATURE[SPLITTER_FEES_DISBURSED]
        ):
            paid = sum(
                int(amount) for recipient, amount in event.args["shareInfo"] if recipient.lower() in receivers
            )
            found.append(
                _Settlement(event.address, "fee-splitter", event, paid, int(event.args["grossRevenue"]))
            )
        elif address in disbursers and event.signature == SIGNATURE[DISBURSER_FEES_DISBURSED]:
            found.append(
                _Settlement(
                    event.address,
                    "fee-disburser",
                    event,
                    int(event.args["paidToOptimism"]),
                    int(event.args["totalFeesDisbursed"]),
                )
            )
    return found


def _batch(
    chain: WatchedChain,
    kind: str,
    settler: str | None,
    members: list[Withdrawal],
    block: int,
    timestamp: int,
    tx: str | None,
    terms: Terms,
) -> Batch:
    gross = sum(w.value for w in members)
    l1_cost = sum(w.value for w in members if w.is_l1_cost)
    result = split(gross, l1_cost, terms.gross_bps, terms.net_bps)
    return Batch(
        chain=chain.name,
        kind=kind,
        settled_by=settler,
        block=block,
        timestamp=timestamp,
        tx_hash=tx,
        withdrawals=len(members),
        gross=gross,
        l1_cost=l1_cost,
        gross_bps=terms.gross_bps,
        net_bps=terms.net_bps,
        owed=result.collective,
        rule=result.rule,
    )


def analyse_chain(config: MonitorConfig, data: ChainData, terms_at: TermsAt | None = None) -> ChainLedger:
    """One chain's ledger from what the store holds for it."""
    chain = data.chain
    terms_at = terms_at or (lambda c, block, timestamp: c.terms_at(block, timestamp))
    ledger = ChainLedger(
        chain, data.start, data.stop, data.timestamps[data.start], data.timestamps[data.stop]
    )
    events = _decode(data.logs)
    ledger.withdrawals = _withdrawals(events, data.timestamps, ledger.findings, chain.name)
    receivers = {a.lower() for a in l2_receivers(config, chain)}
    fee_splitter_code = bool(data.at_stop.get((FEE_SPLITTER, "code")))
    use_fee_splitter = chain.fee_splitter is not False
    settlements = _settlements(chain, receivers, events, use_fee_splitter)
    settlers = {s.lower() for s in (*chain.splitters, *chain.fee_disbursers)} | (
        {FEE_SPLITTER.lower()} if use_fee_splitter else set()
    )

    # Settled batches: what each settler received from the vaults since its previous disbursement.
    unsettled: dict[str, list[Withdrawal]] = {}
    queue = sorted(
        [(w.position, "w", w) for w in ledger.revenue] + [(s.event.position, "s", s) for s in settlements],
        key=lambda item: item[0],
    )
    daily: dict[tuple[str, Terms], list[Withdrawal]] = {}
    for _, what, item in queue:
        if what == "w":
            assert isinstance(item, Withdrawal)
            if item.to.lower() in settlers:
                unsettled.setdefault(item.to.lower(), []).append(item)
            else:
                terms = terms_at(chain, item.block, item.timestamp)
                daily.setdefault((period_of(item.timestamp, "day"), terms), []).append(item)
            continue
        assert isinstance(item, _Settlement)
        members = unsettled.pop(item.settler.lower(), [])
        event = item.event
        timestamp = data.timestamps[event.block]
        batch = _batch(
            chain,
            "settled",
            item.settler,
            members,
            event.block,
            timestamp,
            event.tx_hash,
            terms_at(chain, event.block, timestamp),
        )
        ledger.batches.append(batch)
        ledger.payments.append(
            Payment(
                chain.name,
                "L2",
                item.kind,
                event.block,
                timestamp,
                event.tx_hash,
                item.settler,
                item.settler,
                item.paid,
            )
        )
        if item.reported_gross is not None and item.reported_gross < batch.gross:
            ledger.findings.append(
                Finding(
                    chain.name,
                    "error",
                    "settler-gross",
                    f"{item.kind} {item.settler} reported a gross of {_eth(item.reported_gross)}, less than the "
                    f"{_eth(batch.gross)} its vaults paid it since its previous disbursement",
                    event.tx_hash,
                    timestamp,
                )
            )
    for (_, terms), members in daily.items():
        last = members[-1]
        ledger.batches.append(_batch(chain, "daily", None, members, last.block, last.timestamp, None, terms))
    ledger.batches.sort(key=lambda b: (b.timestamp, b.block))
    ledger.pending = {
        settler: sum(w.value for w in members) for settler, members in unsettled.items() if members
    }

    # Payments by hand: ETH from the chain's senders arriving at the Collective's Safes.
    senders = {s.lower() for s in chain.senders}
    for where, logs, timestamps, safe_receivers in (
        ("L2", data.logs, data.timestamps, receivers),
        ("L1", data.l1_logs, data.l1_timestamps, {a.lower() for a in config.l1_receivers}),
    ):
        for event in _decode(logs):
            if event.signature != SIGNATURE[SAFE_RECEIVED] or event.address.lower() not in safe_receivers:
                continue
            if event.args["sender"].lower() not in senders:
                continue
            ledger.payments.append(
                Payment(
                    chain.name,
                    where,
                    "manual",
                    event.block,
                    timestamps[event.block],
                    event.tx_hash,
                    event.args["sender"],
                    event.address,
                    int(event.args["value"]),
                )
            )
    ledger.payments.sort(key=lambda p: (p.timestamp, p.where, p.block))

    ledger.config_changes = [
        e
        for e in events
        if e.signature
        in {
            SIGNATURE[d]
            for d in (
                RECIPIENT_UPDATED,
                MINIMUM_UPDATED,
                NETWORK_UPDATED,
                CALCULATOR_UPDATED,
                INTERVAL_UPDATED,
            )
        }
    ]
    for vault in VAULT_NAMES:
        address = to_checksum_address(vault)
        if data.at_stop.get((address, "code")):
            ledger.in_vaults[address] = int(data.at_stop.get((address, "balance")) or 0)
    _findings(config, data, ledger, settlers, settlements, fee_splitter_code)
    return ledger


# ---------------------------------------------------------------- findings
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


def _findings(
    config: MonitorConfig,
    data: ChainData,
    ledger: ChainLedger,
    settlers: set[str],
    settlements: list[_Settlement],
    fee_splitter_code: bool,
) -> None:
    chain = data.chain
    name = chain.name
    add = ledger.findings.append
    on_path = _path(config, chain, settlers)

    # Contracts and receivers that must be there.
    for address in (*chain.splitters, *chain.fee_disbursers):
        if not data.at_stop.get((address, "code")):
            add(
                Finding(
                    name,
                    "error",
                    "no-code",
                    f"{address} is configured as a settling contract but has no code at block {data.stop}: its payments cannot be read",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
    if chain.fee_splitter is True and not fee_splitter_code:
        add(
            Finding(
                name,
                "error",
                "no-code",
                f"fee_splitter is true but the FeeSplitter predeploy {FEE_SPLITTER} has no code at block {data.stop}",
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
                    f"the Collective's receiver {receiver} on {name} has no code: plain ETH transfers to it leave no event, so payments to it by hand are not seen",
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
                f"no fee vault has code at its predeploy on {name} at block {data.stop}: is this an OP Stack chain?",
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
        if previous is not None and not _same(previous.to, withdrawal.to) and vault not in explained:
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
            and not _same(before, after)
            and vault.lower() not in explained
            and not any(_same(w.vault, vault) and _same(w.to, after) for w in ledger.withdrawals)
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
        if after and _same(before, after) and after.lower() not in on_path:
            add(
                Finding(
                    name,
                    "warning",
                    "off-path",
                    f"{VAULT_NAMES[vault.lower()]} pays {to_checksum_address(after)}, which is not on the chain's revenue-share path",
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
                    f"{label} has a minimum withdrawal amount of {_eth(minimum)}: its settling contract {to_checksum_address(recipient)} cannot withdraw it while it holds less (OP's FeeSplitter reverts, this project's splitter refuses); set it to 0",
                    f"block {data.stop}",
                    ledger.stop_time,
                )
            )
        last = max(
            (w.timestamp for w in ledger.withdrawals if _same(w.vault, vault)), default=ledger.start_time
        )
        if 0 < balance < minimum and ledger.stop_time - last >= STALE_VAULT_DAYS * DAY:
            add(
                Finding(
                    name,
                    "warning",
                    "vault-stuck",
                    f"{label} holds {_eth(balance)}, below its minimum {_eth(minimum)}, and has not been withdrawn since {utc_date(last)}",
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
                        f"{settler} did not disburse for {(end - begin) / DAY:.1f} days after {utc_date(begin)} ({missed} interval(s) of {interval / DAY:g} days missed)",
                        f"block {data.stop}"
                        if end == ledger.stop_time
                        else _tx_at(settlements, settler, end, data),
                        end,
                    )
                )

    # Payments beyond anything owed, and silence.
    _payment_findings(ledger, add)


def _tx_at(settlements: list[_Settlement], settler: str, timestamp: int, data: ChainData) -> str:
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
                f"{label} {seen} {new_c} (was {old_c}): off the revenue-share path, the way a chain stops sharing",
                evidence,
                timestamp,
            )
        )


def _payment_findings(ledger: ChainLedger, add: Callable[[Finding], None]) -> None:
    name = ledger.chain.name
    events = sorted(
        [(b.timestamp, 0, b.owed, None) for b in ledger.batches]
        + [(p.timestamp, 1, p.amount, p) for p in ledger.payments],
        key=lambda item: (item[0], item[1]),
    )
    owed = paid = 0
    for _, kind, amount, payment in events:
        if kind == 0:
            owed += amount
            continue
        paid += amount
        if paid > owed and payment is not None:
            add(
                Finding(
                    name,
                    "warning",
                    "unmatched-payment",
                    f"a payment of {_eth(amount)} ({payment.source}, {payment.where}) brings what was paid {_eth(paid - owed)} above everything owed up to then",
                    payment.tx_hash,
                    payment.timestamp,
                )
            )
            owed = paid  # report each excess once
    times = [p.timestamp for p in ledger.payments]
    owed_since = sum(b.owed for b in ledger.batches if not times or b.timestamp > times[-1])
    if not times:
        if ledger.owed > 0 and ledger.stop_time - ledger.batches[0].timestamp >= MIN_SILENCE_DAYS * DAY:
            add(
                Finding(
                    name,
                    "warning",
                    "never-paid",
                    f"owed {_eth(ledger.owed)} since {utc_date(ledger.batches[0].timestamp)} and paid nothing",
                    f"block {ledger.stop}",
                    ledger.stop_time,
                )
            )
    else:
        gaps = [b - a for a, b in itertools.pairwise(times)]
        cadence = statistics.median(gaps) if gaps else 0
        threshold = max(3 * cadence, 3 * (ledger.chain.expected_interval or 0), MIN_SILENCE_DAYS * DAY)
        silence = ledger.stop_time - times[-1]
        if silence > threshold and owed_since > 0:
            usual = f"; it paid every {cadence / DAY:.1f} days before" if cadence else ""
            add(
                Finding(
                    name,
                    "warning",
                    "stopped-paying",
                    f"no payment for {silence / DAY:.1f} days, since {utc_date(times[-1])}{usual}, while {_eth(owed_since)} became owed",
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
                f"owes {_eth(ledger.balance)}: owed {_eth(ledger.owed)}, paid {_eth(ledger.paid)}",
                f"block {ledger.stop}",
                ledger.stop_time,
            )
        )
