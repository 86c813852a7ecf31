"""A shared splitter in the monitor: its epochs, per-chain settlements, claims (with their L1
routes) and operator fee, from its logs in the store; the part of a served chain's ledger it
settles; its reconciliation; and the verification of its attribution (`attribution.py`).

A served chain's fee vault withdrawals to the operator's collection address are settled by the
shared splitter, per epoch: a batch of the withdrawals in the epoch's window, owed under the
chain's terms after the epoch's operator fee (as the splitter splits), with the Collective's share
the epoch credits to the chain (the correction's, once corrected; nothing while disputed) as its
payment. Withdrawals after the last window are not reported yet (pending); withdrawals before the
first epoch read (a range that starts after earlier reports) are owed per period, as any others.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eth_utils import to_checksum_address

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.reader import EventLog
from revshare.chain.routes import Route
from revshare.chain.shared import SHARED_DECODER, SharedEpoch, shared_epochs
from revshare.epochs import SettledChain
from revshare.model import split_with_fee
from revshare.monitor.attribution import Attribution, Collected, ServedChain, verify_attribution
from revshare.monitor.config import MonitorConfig, SharedSplitter, Terms, WatchedChain
from revshare.monitor.records import Batch, ChainLedger, Finding, Payment, ServedBy, Withdrawal, same_address
from revshare.terminal import format_eth


def is_eth(asset: str) -> bool:
    return int(asset, 16) == int(ETH_ASSET, 16)


@dataclass(frozen=True)
class Claim:
    """A claim paid by the shared splitter: a chain's balance to its treasury, or an account's."""

    splitter: str
    block: int
    timestamp: int
    tx_hash: str
    asset: str
    claimant: str  # "<chain> treasury", "Collective", "operator fee recipient", or the account
    account: str  # the address paid (a treasury, an account)
    chain_id: int | None  # the chain whose balance was paid (chain claims)
    amount: int
    route: str  # "L2 transfer", or the L1 route it left by
    l1_recipient: str | None  # the account paid on L1 (L1 routes)


@dataclass
class SharedLedger:
    """What the monitor read of one shared splitter."""

    config: SharedSplitter
    start: int  # the blocks read on its network
    stop: int
    stop_time: int
    code: bool  # it has code at the last block read
    complete: bool  # it had no code before the blocks read: they hold its whole history
    balance: int | None  # its ETH balance at the last block read
    epochs: list[SharedEpoch] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    times: dict[int, int] = field(default_factory=dict)  # block -> timestamp on its network
    attribution: Attribution = field(default_factory=Attribution)
    # Its own findings, and the attribution's that name no chain (those go to the chain's ledger).
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def eth_epochs(self) -> list[SharedEpoch]:
        return [e for e in self.epochs if is_eth(e.asset)]

    @property
    def paid_in(self) -> int:
        """ETH paid in: the reports' gross and what corrections added."""
        return sum(e.gross + e.added for e in self.eth_epochs)

    def credited(self) -> list[SettledChain]:
        """Every chain's final settlement in ETH (the correction's, once corrected)."""
        return [c for e in self.eth_epochs for c in e.settled]

    @property
    def operator_fee(self) -> int:
        return sum(c.operator_fee for c in self.credited())

    @property
    def collective_share(self) -> int:
        return sum(c.collective_share for c in self.credited())

    @property
    def chains_share(self) -> int:
        return sum(c.chain_share for c in self.credited())

    @property
    def held(self) -> int:
        """Credits held by disputes governance has not resolved yet."""
        return sum(
            e.dispute.chains_held + e.dispute.operator_fee_held + e.dispute.collective_share_held
            for e in self.eth_epochs
            if e.status == "disputed" and e.dispute is not None
        )

    @property
    def claimed(self) -> int:
        return sum(c.amount for c in self.claims if is_eth(c.asset))

    @property
    def sent_to_l1(self) -> int:
        return sum(c.amount for c in self.claims if is_eth(c.asset) and c.l1_recipient is not None)

    def reconciliation(self) -> list[tuple[str, int | None]]:
        """(what, wei) of its ETH books: in, credited, held, claimed, left, and its balance."""
        left = self.paid_in - self.claimed
        return [
            ("paid in (reports and corrections)", self.paid_in),
            ("credited to the chains", self.chains_share),
            ("credited to the Collective", self.collective_share),
            ("operator fee", self.operator_fee),
            ("of which held by open disputes", self.held),
            ("claimed", self.claimed),
            ("of which sent to L1", self.sent_to_l1),
            ("left to claim (paid in - claimed)", left),
            (f"its balance at block {self.stop}", self.balance),
        ]

    def time_of(self, block: int) -> int:
        return self.times.get(block, 0)


# ---------------------------------------------------------------- reading


def _claimant(account: str, epochs: Sequence[SharedEpoch]) -> str:
    if any(same_address(account, e.collective) for e in epochs):
        return "Collective"
    if any(same_address(account, e.fee_recipient) for e in epochs):
        return "operator fee recipient"
    return to_checksum_address(account)


def _route(route: int) -> str:
    try:
        return Route(route).label
    except ValueError:
        return f"route {route}"


def _claims(
    config: SharedSplitter, events: list[EventLog], times: Mapping[int, int], names: Mapping[int, str]
) -> list[Claim]:
    """Claims in chain order, each with the L1 route its payment took (`L1WithdrawalInitiated`
    after it in the same transaction, for the account it paid)."""
    epochs = shared_epochs(events)
    found: list[Claim] = []
    for event in sorted(events, key=lambda e: e.position):
        a = event.args
        if event.name in ("ChainClaimed", "AccountClaimed"):
            chain_id = int(a["chainId"]) if event.name == "ChainClaimed" else None
            account = a["treasury"] if chain_id is not None else a["account"]
            claimant = (
                f"{names.get(chain_id, f'chain {chain_id}')} treasury"
                if chain_id is not None
                else _claimant(account, epochs)
            )
            found.append(
                Claim(
                    config.name,
                    event.block,
                    times.get(event.block, 0),
                    event.tx_hash,
                    to_checksum_address(a["asset"]),
                    claimant,
                    to_checksum_address(account),
                    chain_id,
                    int(a["amount"]),
                    Route.L2.label,
                    None,
                )
            )
        elif event.name == "L1WithdrawalInitiated":
            for index in range(len(found) - 1, -1, -1):
                claim = found[index]
                if claim.tx_hash != event.tx_hash:
                    break
                if same_address(claim.account, a["recipient"]) and claim.l1_recipient is None:
                    found[index] = replace(
                        claim,
                        route=_route(int(a["route"])),
                        l1_recipient=to_checksum_address(a["l1Recipient"]),
                    )
                    break
    return found


def read_shared_ledger(
    config: SharedSplitter,
    raw_logs: Sequence[dict[str, Any]],
    times: Mapping[int, int],
    start: int,
    stop: int,
    at_start: Mapping[tuple[str, str], Any],
    at_stop: Mapping[tuple[str, str], Any],
    names: Mapping[int, str],
) -> SharedLedger:
    """The shared splitter's epochs and claims from its network's stored logs (only its own)."""
    events = [
        e
        for e in (
            SHARED_DECODER.decode(raw) for raw in raw_logs if same_address(raw["address"], config.address)
        )
        if e is not None
    ]
    code = bool(at_stop.get((config.address, "code")))
    balance = at_stop.get((config.address, "balance"))
    ledger = SharedLedger(
        config=config,
        start=start,
        stop=stop,
        stop_time=times.get(stop, 0),
        code=code,
        complete=not at_start.get((config.address, "code")),
        balance=None if balance is None else int(balance),
        epochs=shared_epochs(events),
        claims=_claims(config, events, times, names),
        times=dict(times),
    )
    if not code:
        ledger.findings.append(
            Finding(
                config.name,
                "error",
                "no-code",
                f"{config.address} is configured as the shared splitter {config.name} but has no code at "
                f"block {stop} of {config.network.name}: its epochs cannot be read, and the attribution of "
                "the chains it serves is not verified",
                f"block {stop}",
                ledger.stop_time,
            )
        )
    elif ledger.complete and balance is not None:
        expected = ledger.paid_in - ledger.claimed
        if int(balance) < expected:
            ledger.findings.append(
                Finding(
                    config.name,
                    "error",
                    "shared-balance",
                    f"{config.name} holds {format_eth(int(balance))} ETH, less than the "
                    f"{format_eth(expected)} ETH paid in and not claimed",
                    f"block {stop}",
                    ledger.stop_time,
                )
            )
    return ledger


def accepted_collectives(
    config: MonitorConfig, ledger: SharedLedger, receivers: Sequence[str]
) -> frozenset[str]:
    """The Collective addresses whose credits count as paid: its receivers on the splitter's network
    (``receivers``), and any the splitter paid on to one of the Collective's L1 receivers."""
    l1 = {a.lower() for a in config.l1_receivers}
    by_l1 = {c.account.lower() for c in ledger.claims if c.l1_recipient and c.l1_recipient.lower() in l1}
    return frozenset({a.lower() for a in receivers} | by_l1)


def served_by(ledger: SharedLedger, collectives: frozenset[str], where: str) -> ServedBy:
    return ServedBy(
        ledger.name,
        ledger.config.address,
        ledger.config.collection,
        tuple(ledger.epochs),
        ledger.times,
        collectives,
        where,
    )


# ---------------------------------------------------------------- a served chain's ledger


@dataclass
class SharedPart:
    """The part of a served chain's ledger its shared splitter settles."""

    batches: list[Batch] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    pending: list[Withdrawal] = field(default_factory=list)  # after the last window: not reported yet
    unassigned: list[Withdrawal] = field(default_factory=list)  # before the first window read
    findings: list[Finding] = field(default_factory=list)


def settle_shared(
    chain: WatchedChain,
    served: ServedBy,
    collected: Sequence[Withdrawal],
    terms_at: Callable[[int, int, int], Terms],
    stop: int,
) -> SharedPart:
    """Batches and payments of ``chain``'s withdrawals to the collection address, per epoch;
    ``terms_at(block, time, since)`` gives the chain's terms of a settlement whose period began at
    ``since`` (the epoch's terms are those in force then)."""
    part = SharedPart()
    if not served.epochs:
        part.pending = list(collected)
        return part
    ordered = sorted(collected, key=lambda w: (w.timestamp, w.position))
    times = [w.timestamp for w in ordered]
    last = max(e.window_end for e in served.epochs)
    part.pending = ordered[bisect_right(times, last) :]
    assigned: set[tuple[int, int]] = set()
    misdirected: list[tuple[SharedEpoch, int]] = []
    for epoch in (e for e in served.epochs if is_eth(e.asset)):
        members = ordered[bisect_right(times, epoch.window_start) : bisect_right(times, epoch.window_end)]
        assigned.update(w.position for w in members)
        record = next((c for c in epoch.settled if c.chain_id == chain.chain_id), None)
        if not members and record is None:
            continue
        gross = sum(w.value for w in members)
        l1_cost = sum(w.value for w in members if w.is_l1_cost)
        terms = terms_at(members[-1].block if members else stop, epoch.window_end, epoch.terms_since)
        owed = split_with_fee(gross, l1_cost, terms.gross_bps, terms.net_bps, epoch.fee_bps)
        reported = served.times.get(epoch.block, epoch.window_end)
        part.batches.append(
            Batch(
                chain=chain.name,
                kind="epoch",
                settled_by=served.address,
                block=epoch.block,
                timestamp=reported,
                tx_hash=epoch.tx_hash,
                withdrawals=len(members),
                gross=gross,
                l1_cost=l1_cost,
                gross_bps=terms.gross_bps,
                net_bps=terms.net_bps,
                owed=owed.collective,
                rule="net" if owed.net_rule_applied else "gross",
            )
        )
        if record is None or not record.collective_share or epoch.status == "disputed":
            continue  # nothing credited, or held until governance resolves the dispute
        if epoch.collective.lower() not in served.collectives:
            misdirected.append((epoch, record.collective_share))
            continue
        corrected = epoch.status == "corrected"
        block = epoch.resolved_block if corrected else epoch.block
        part.payments.append(
            Payment(
                chain.name,
                served.where,
                "shared-splitter",
                block,
                served.times.get(block, epoch.window_end),
                epoch.resolved_tx if corrected else epoch.tx_hash,
                served.address,
                epoch.collective,
                record.collective_share,
            )
        )
    # Before the first epoch read, or in an epoch of another asset: owed as any other revenue.
    part.unassigned = [w for w in ordered[: bisect_right(times, last)] if w.position not in assigned]
    if misdirected:
        last_epoch = misdirected[-1][0]
        part.findings.append(
            Finding(
                chain.name,
                "error",
                "misdirected-share",
                f"{len(misdirected)} epoch(s) of {served.name} credited {chain.name}'s Collective share, "
                f"{format_eth(sum(a for _, a in misdirected))} ETH, to "
                f"{', '.join(sorted({e.collective for e, _ in misdirected}))}: the splitter's Collective "
                "then, not one of the Collective's receivers",
                last_epoch.tx_hash,
                served.times.get(last_epoch.block, last_epoch.window_end),
            )
        )
    return part


# ---------------------------------------------------------------- attribution


def served_chain(
    ledger: ChainLedger | None, chain: WatchedChain, collection: str, why: str = ""
) -> ServedChain:
    """A served chain for the verification: its withdrawals to the collection address (None: its
    network was not read)."""
    if ledger is None:
        return ServedChain(chain.chain_id, chain.name, read=False, why=why or "no blocks read")
    collected = tuple(
        Collected(w.value, w.timestamp, w.is_l1_cost, w.block, w.tx_hash)
        for w in ledger.withdrawals
        if same_address(w.to, collection)
    )
    return ServedChain(
        chain.chain_id,
        chain.name,
        collected,
        first_time=ledger.start_time,
        from_genesis=ledger.start == 0,
        last_time=ledger.stop_time,
    )


def verify_shared(shared: SharedLedger, chains: Sequence[ServedChain]) -> None:
    """The attribution of every epoch of ``shared`` against the chains it serves (nothing is said
    to match where its code is missing: the no-code finding stands for it)."""
    if not shared.code:
        return
    shared.attribution = verify_attribution(
        shared.name, shared.epochs, chains, report_interval=shared.config.report_interval
    )
