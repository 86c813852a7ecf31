"""From collected chain data to disbursement rows, checks and findings, to the wei.

For each splitter and asset the events are replayed in chain order, keeping what the splitter
must hold: revenue received but not yet shared, and each recipient's claimable credit. Every
disbursement is checked against the reference model, the terms the registry had at that block,
and (for ETH) where its revenue came from: revenue is classified by the vault that paid it, not
by when it arrived, so each vault's figure in `RevenueSources` (and the L1 cost, the L1FeeVault's)
must equal that vault's withdrawals to the splitter since the previous ETH disbursement, whoever
called the vault's `withdraw()`. At the end the replayed
balances are compared with the contract's own counters and balances, and each vault's
``Withdrawal`` events with the growth of its ``totalProcessed``.

Findings come in three kinds. ``unexplained``: the data do not add up (a missing or extra event,
a wrong share); the report exits non-zero. ``explained``: money that took a visible path other
than vault -> splitter -> recipients (a plain transfer to the splitter, a vault paying elsewhere,
a payout credited instead of sent). ``pending``: money on its way (in vaults, received but not
yet shared, credited but not yet claimed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from revshare.calendar import utc_date
from revshare.chain.addresses import ETH_ASSET, L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER
from revshare.chain.finality import L2Withdrawal, from_message_passed, withdrawal_message
from revshare.chain.reader import EventLog
from revshare.lifecycle import TermsEntry
from revshare.model import BPS_DENOMINATOR, RevenueSources, apply_bps, split
from revshare.report.history import L1_PATH_EVENTS, History, SplitterHistory
from revshare.terminal import short_address

UNEXPLAINED, EXPLAINED, PENDING = "unexplained", "explained", "pending"
# An L1 withdrawal long past its challenge period and not final (from L1's portal, when read).
OVERDUE_KIND = "overdue"
# A boundary settled later than this after its change is reported: the old terms then covered
# revenue from after the change (a keeper settles it at the change's time).
LATE_BOUNDARY = 3_600
L1_ROUTES = {1: "L2StandardBridge", 2: "L2ToL1MessagePasser"}
# Each route's predeploy and the fields of its event that name the payer, payee and amount.
L1_PATH_FIELDS = {
    1: (L2_STANDARD_BRIDGE, "ETHBridgeInitiated", "from", "to", "amount"),
    2: (L2_TO_L1_MESSAGE_PASSER, "MessagePassed", "sender", "target", "value"),
}
# `RevenueSources` fields and the vault each one counts.
SOURCE_FIELDS = {
    "sequencerFees": "sequencer_fee_vault",
    "baseFees": "base_fee_vault",
    "operatorFees": "operator_fee_vault",
    "l1Fees": "l1_fee_vault",
}
VAULT_LABELS = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "operator_fee_vault": "OperatorFeeVault",
    "l1_fee_vault": "L1FeeVault",
}


@dataclass(frozen=True)
class DisbursementRow:
    """One `Disbursed` event with what the report derived for it."""

    chain_id: int
    chain_name: str
    asset: str
    disbursement_id: int
    block: int
    timestamp: int
    tx_hash: str
    gross: int
    l1_cost: int
    collective: int
    chain: int
    gross_bps: int
    net_bps: int
    net_rule_applied: bool
    from_vaults: int  # vault withdrawals to the splitter since the previous disbursement
    outside_vaults: int  # the rest of gross: plain transfers and forced ETH
    deferred: int  # payouts credited instead of sent, in this transaction
    # ETH only, from the splitter's `RevenueSources` event: where gross came from.
    sources: RevenueSources | None = None
    keeper_reward: int = 0  # paid to the caller out of the revenue before the split (gross excludes it)
    boundary_at: int = 0  # the terms change or exit whose boundary this disbursement settled

    @property
    def net(self) -> int:
        return max(self.gross - self.l1_cost, 0)

    @property
    def rule(self) -> str:
        return "net" if self.net_rule_applied else "gross"

    @property
    def by_gross(self) -> int:
        """What the gross rule alone would have given the Collective."""
        return apply_bps(self.gross, self.gross_bps)

    @property
    def by_net(self) -> int:
        """What the net rule alone would have given the Collective."""
        return apply_bps(self.net, self.net_bps)


@dataclass(frozen=True)
class Check:
    """One equality the report verified; both sides in wei (or counts)."""

    chain_id: int
    label: str  # addresses whole, as a finding's `what`
    left: int
    right: int
    splitter: str = ""  # a shared splitter's address (its checks); chain_id 0: the whole splitter

    @property
    def ok(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True)
class Finding:
    kind: str  # UNEXPLAINED, EXPLAINED or PENDING
    chain_id: int
    asset: str
    amount: int
    what: str  # addresses whole (`report.document.describe` shortens them for display)
    where: str = ""
    splitter: str = ""  # a shared splitter's address (its findings); chain_id 0: the whole splitter


@dataclass(frozen=True)
class SentToL1:
    """An L1 withdrawal of the report: what L2 recorded, and the finding saying it is in flight."""

    withdrawal: L2Withdrawal
    finding: Finding
    destination: str  # ``0x…(whole address) on L1 via the L2StandardBridge``: where it goes, in words


# How an in-flight finding ends: the withdrawal is on its way until L1 finalizes it.
ARRIVES = "(arrives once the withdrawal is proven and finalized on L1)"


def record_sent(
    analysis: Analysis,
    finding: Finding,
    matched: EventLog,
    same_tx: list[EventLog],
    timestamp: int,
    recipient: str,
    destination: str,
) -> None:
    """Keep an L1 withdrawal the replay matched with its route's record, with its message."""
    message = withdrawal_message(matched, same_tx)
    if message is not None:
        withdrawal = from_message_passed(message, timestamp, recipient=recipient)
        analysis.l1_withdrawals.append(SentToL1(withdrawal, finding, destination))


@dataclass(frozen=True)
class LifecycleStep:
    """One step of a chain's life on the report's timeline: when, and what."""

    timestamp: int
    what: str
    block: int | None = None  # the block that did it (None for a time-based effect)


@dataclass
class ChainSummary:
    chain_id: int
    name: str
    splitter: str
    vaults: dict[str, str]
    disbursements: int = 0
    in_vaults: int = 0
    undisbursed: dict[str, int] = field(default_factory=dict)
    claimable: dict[str, int] = field(default_factory=dict)
    # Sent to L1 and not seen arriving: every withdrawal, unless L1 was read (`report.withdrawals`).
    in_flight_to_l1: dict[str, int] = field(default_factory=dict)
    lifecycle: list[LifecycleStep] = field(default_factory=list)


@dataclass
class Analysis:
    rows: list[DisbursementRow]
    checks: list[Check]
    findings: list[Finding]
    chains: dict[int, ChainSummary]
    # The shared sequencer splitters (`report.shared.SharedSummary`, added by `analyze_shared`, which
    # builds on this module's checks and findings).
    shared: list[Any] = field(default_factory=list)
    # Every ETH withdrawal to L1 found with its message (the splitters' and the shared splitters').
    l1_withdrawals: list[SentToL1] = field(default_factory=list)

    @property
    def unexplained(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == UNEXPLAINED]

    @property
    def ok(self) -> bool:
        return not self.unexplained and all(c.ok for c in self.checks)


# The registry's changes to one chain's terms history, in chain order: (position, block, change)
# where a change is a `TermsEntry` appended (a registration, a scheduled change, an exit) or None
# (the last entry cancelled).
TermsChanges = tuple[tuple[TermsEntry, ...], list[tuple[tuple[int, int], int, TermsEntry | None]]]


def _hash(value: object) -> bytes:
    """A bytes32 event argument as bytes (the decoder gives hex text)."""
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]


def _terms_timeline(history: History, splitter: SplitterHistory) -> TermsChanges:
    """The chain's terms history when the range starts, and every change to it inside the range."""
    chain_id, start = splitter.target.chain_id, splitter.registry_at_start
    changes: list[tuple[tuple[int, int], int, TermsEntry | None]] = []
    for event in history.registry_events:
        a = event.args
        if event.address != splitter.registry or a.get("chainId") != chain_id:
            continue
        when = history.timestamps.get(event.block, 0)
        if event.name == "ChainRegistered":
            entry = TermsEntry(a["grossBps"], a["netBps"], when, False, _hash(a["termsHash"]))
        elif event.name == "TermsScheduled":
            entry = TermsEntry(a["grossBps"], a["netBps"], a["effectiveAt"], False, _hash(a["termsHash"]))
        elif event.name == "ExitAnnounced":
            entry = TermsEntry(0, 0, a["effectiveAt"], True)
        elif event.name in ("TermsChangeCancelled", "ExitCancelled"):
            entry = None
        else:
            continue
        changes.append((event.position, event.block, entry))
    return (start.history if start.registered else ()), changes


def terms_history_at(timeline: TermsChanges, position: tuple[int, int]) -> list[TermsEntry]:
    """The chain's terms history as it stood at ``position`` (changes before it applied)."""
    entries, changes = list(timeline[0]), timeline[1]
    for where, _, entry in changes:
        if where >= position:
            break
        if entry is None:
            entries.pop() if entries else None
        else:
            entries.append(entry)
    return entries


def _terms_at(timeline: TermsChanges, position: tuple[int, int], timestamp: int) -> tuple[int, int] | None:
    """The rates in force at ``timestamp`` in the history as it stood at ``position``."""
    entries = terms_history_at(timeline, position)
    if not entries:
        return None
    in_force = next((e for e in reversed(entries) if e.effective_at <= timestamp), entries[0])
    return in_force.gross_bps, in_force.net_bps


def _withdrawals(events: list[EventLog]) -> list[EventLog]:
    """Each vault withdrawal once: vaults emit a legacy and a newer `Withdrawal` per withdrawal;
    where a transaction has the newer form for a vault, the legacy one is dropped."""
    newer = {
        (e.tx_hash, e.address) for e in events if e.name == "Withdrawal" and "withdrawalNetwork" in e.args
    }
    return [
        e
        for e in events
        if e.name != "Withdrawal" or "withdrawalNetwork" in e.args or (e.tx_hash, e.address) not in newer
    ]


class _Replay:
    """Replays one splitter's events for one asset."""

    def __init__(
        self,
        history: SplitterHistory,
        asset: str,
        terms: TermsChanges,
        timestamps: dict[int, int],
        out: Analysis,
    ):
        self.h, self.asset, self.terms, self.timestamps, self.out = history, asset, terms, timestamps, out
        self.chain_id = history.target.chain_id
        opening = history.opening
        self.undisbursed = opening.balance.get(asset, 0) - opening.total_owed.get(asset, 0)
        self.owed = {r: v for (a, r), v in opening.owed.items() if a == asset}
        self.total_owed = opening.total_owed.get(asset, 0)
        self.since_last_from_vaults = 0
        self.since_last_by_vault: dict[str, int] = defaultdict(int)
        # ETH withdrawn before the range and not yet disbursed may be in the first disbursement's
        # per-vault figures without a withdrawal event in the range.
        self.before_range = max(self.undisbursed, 0) if asset == ETH_ASSET else 0
        self.model_ok = self.terms_ok = self.shares_ok = 0
        self.count = 0
        self.l1_events = self.l1_vault_in_txs = 0
        self.sources_ok = 0
        self.in_flight = self.l1_matched = 0

    def find(self, kind: str, amount: int, what: str, where: str = "") -> None:
        self.out.findings.append(Finding(kind, self.chain_id, self.asset, amount, what, where))

    def run(self, events: list[EventLog]) -> None:
        vault_roles = {address: role for role, address in self.h.vaults.items()}
        by_tx: dict[str, list[EventLog]] = defaultdict(list)
        for event in events:
            by_tx[event.tx_hash].append(event)
        for event in events:
            if event.name == "Withdrawal" and self.asset == ETH_ASSET:
                self._withdrawal(event, vault_roles)
            elif event.args.get("asset") != self.asset:
                continue
            elif event.name == "Disbursed":
                self._disbursed(event, by_tx[event.tx_hash], vault_roles)
            elif event.name == "PayoutDeferred":
                self.owed[event.args["recipient"]] = (
                    self.owed.get(event.args["recipient"], 0) + event.args["amount"]
                )
                self.total_owed += event.args["amount"]
                self.find(
                    EXPLAINED,
                    event.args["amount"],
                    f"payout to {event.args['recipient']} failed and was credited for a later claim",
                    f"block {event.block}",
                )
            elif event.name == "Claimed":
                self._claimed(event)
            elif event.name == "CreditMoved":
                self._credit_moved(event)
        if self.asset == ETH_ASSET:
            path_names = set(L1_PATH_EVENTS.values())
            unmatched = {tx: [e for e in same if e.name in path_names] for tx, same in by_tx.items()}
            for event in events:
                if event.name == "L1WithdrawalInitiated":
                    self._sent_to_l1(event, unmatched[event.tx_hash])
        self._close()

    def _sent_to_l1(self, event: EventLog, path_events: list[EventLog]) -> None:
        """An L1 withdrawal the splitter announced: in flight, and it must match one event of its
        route's predeploy in the same transaction (payer this splitter, same payee and amount)."""
        a = event.args
        route = L1_ROUTES.get(a["route"], f"route {a['route']}")
        self.in_flight += a["amount"]
        where = f"block {event.block}"
        owner = "" if a["l1Recipient"] == a["recipient"] else f" for {a['recipient']}"
        destination = f"{a['l1Recipient']} on L1 via the {route}{owner}"
        self.find(PENDING, a["amount"], f"in flight to {destination} {ARRIVES}", where)
        in_flight = self.out.findings[-1]
        predeploy, name, payer, payee, value = L1_PATH_FIELDS.get(a["route"], ("", "", "", "", ""))
        for candidate in path_events:
            if (candidate.address, candidate.name) == (predeploy, name) and (
                candidate.args[payer],
                candidate.args[payee],
                candidate.args[value],
            ) == (self.h.target.address, a["l1Recipient"], a["amount"]):
                path_events.remove(candidate)
                self.l1_matched += a["amount"]
                started = self.timestamps.get(event.block, 0)
                record_sent(
                    self.out, in_flight, candidate, path_events, started, a["l1Recipient"], destination
                )
                return
        self.find(
            UNEXPLAINED, a["amount"], f"announced for L1, but the {route} recorded no such withdrawal", where
        )

    def _withdrawal(self, event: EventLog, vault_roles: dict[str, str]) -> None:
        value, to = event.args["value"], event.args["to"]
        if to == self.h.target.address:
            self.undisbursed += value
            self.since_last_from_vaults += value
            self.since_last_by_vault[event.address] += value
        else:
            label = VAULT_LABELS[vault_roles[event.address]]
            self.find(EXPLAINED, value, f"{label} paid {to}, not this splitter", f"block {event.block}")

    def _disbursed(self, event: EventLog, same_tx: list[EventLog], vault_roles: dict[str, str]) -> None:
        a = event.args
        gross, l1_cost, collective, chain_share = (
            a["gross"],
            a["l1Cost"],
            a["collectiveShare"],
            a["chainShare"],
        )
        where = f"disbursement #{a['disbursementId']}, block {event.block}"
        self.count += 1
        if collective + chain_share == gross:
            self.shares_ok += 1
        else:
            self.find(UNEXPLAINED, gross - collective - chain_share, "shares do not add up to gross", where)
        expected = split(gross, l1_cost, a["grossBps"], a["netBps"])
        if (expected.collective, expected.chain, expected.net_rule_applied) == (
            collective,
            chain_share,
            a["netRuleApplied"],
        ):
            self.model_ok += 1
        else:
            self.find(
                UNEXPLAINED, collective - expected.collective, "Collective share differs from the rule", where
            )
        # The terms in force when the settled period began: at the disbursement's time, or just
        # before the change it settles the boundary of.
        boundary = next(
            (
                e.args["changeAt"]
                for e in same_tx
                if e.name == "BoundarySettled" and e.args["asset"] == self.asset
            ),
            None,
        )
        timestamp = self.timestamps.get(event.block, 0)
        in_force = _terms_at(self.terms, event.position, timestamp if boundary is None else boundary - 1)
        if boundary is not None and timestamp - boundary > LATE_BOUNDARY:
            # Revenue from the change to this settlement was split under the old terms too.
            late = timestamp - boundary
            self.find(
                EXPLAINED,
                gross,
                f"boundary of the change at {utc_date(boundary)} settled {late / 3_600:,.1f} h late: revenue "
                "received since the change was split under the terms before it",
                where,
            )
        if in_force == (a["grossBps"], a["netBps"]):
            self.terms_ok += 1
        else:
            self.find(
                UNEXPLAINED,
                0,
                f"applied {a['grossBps']}/{a['netBps']} bps but the registry had {in_force or 'no terms'}",
                where,
            )
        reward = sum(
            e.args["amount"]
            for e in same_tx
            if e.name == "KeeperRewarded"
            and e.args["asset"] == self.asset
            and e.args["disbursementId"] == a["disbursementId"]
        )
        if self.asset == ETH_ASSET:
            l1_paid = self.since_last_by_vault.get(self.h.vaults.get("l1_fee_vault", ""), 0)
            self.l1_events += l1_cost
            self.l1_vault_in_txs += l1_paid
            if l1_paid != l1_cost and not self.before_range:
                self.find(
                    UNEXPLAINED,
                    l1_cost - l1_paid,
                    "L1 cost differs from the L1FeeVault's withdrawals since the previous disbursement",
                    where,
                )
        sources = self._sources(a, same_tx, where, reward) if self.asset == ETH_ASSET else None
        outside = gross + reward - self.undisbursed
        if outside < 0:
            self.find(
                UNEXPLAINED,
                -outside,
                "shared less than the splitter had received since the last disbursement",
                where,
            )
        elif outside > 0:
            source = "plain transfers or forced ETH" if self.asset == ETH_ASSET else "token transfers"
            self.find(
                EXPLAINED, outside, f"received outside vault withdrawals ({source}), shared as revenue", where
            )
        deferred = sum(
            e.args["amount"] for e in same_tx if e.name == "PayoutDeferred" and e.args["asset"] == self.asset
        )
        self.out.rows.append(
            DisbursementRow(
                chain_id=self.chain_id,
                chain_name=self.h.target.name,
                asset=self.asset,
                disbursement_id=a["disbursementId"],
                block=event.block,
                timestamp=self.timestamps.get(event.block, 0),
                tx_hash=event.tx_hash,
                gross=gross,
                l1_cost=l1_cost,
                collective=collective,
                chain=chain_share,
                gross_bps=a["grossBps"],
                net_bps=a["netBps"],
                net_rule_applied=a["netRuleApplied"],
                from_vaults=self.since_last_from_vaults,
                outside_vaults=max(outside, 0),
                deferred=deferred,
                sources=sources,
                keeper_reward=reward,
                boundary_at=boundary or 0,
            )
        )
        self.undisbursed = 0
        self.since_last_from_vaults = 0
        self.since_last_by_vault.clear()
        self.before_range = 0

    def _sources(self, a: dict, same_tx: list[EventLog], where: str, reward: int) -> RevenueSources | None:
        """The disbursement's `RevenueSources`: it must add up to gross (with the keeper reward paid
        out of it before the split), its L1 fees must be the
        L1 cost, and each vault's figure must be what that vault paid the splitter since the
        previous ETH disbursement (``otherInflows`` is then the rest: non-vault ETH only)."""
        found = [
            e
            for e in same_tx
            if e.name == "RevenueSources" and e.args["disbursementId"] == a["disbursementId"]
        ]
        if len(found) != 1:
            self.find(
                UNEXPLAINED, a["gross"], f"{len(found)} RevenueSources events for one disbursement", where
            )
            return None
        f = found[0].args
        sources = RevenueSources(
            f["sequencerFees"], f["baseFees"], f["operatorFees"], f["l1Fees"], f["otherInflows"]
        )
        problems = []
        if sources.gross != a["gross"] + reward or sources.l1 != a["l1Cost"]:
            problems.append("per-source figures do not add up to gross and L1 cost")
        # Each vault's figure is everything it paid the splitter since the previous ETH
        # disbursement; what was withdrawn before the range may add to the first one's.
        excess = 0
        for field_name, role in SOURCE_FIELDS.items():
            paid = self.since_last_by_vault.get(self.h.vaults.get(role, ""), 0)
            if f[field_name] < paid or (f[field_name] > paid and not self.before_range):
                problems.append(
                    f"{VAULT_LABELS[role]} figure {f[field_name]} but it paid {paid} "
                    "since the previous disbursement"
                )
            excess += max(f[field_name] - paid, 0)
        if self.before_range and excess > self.before_range:
            problems.append(
                f"per-vault figures exceed the vaults' withdrawals by {excess}, more than the "
                f"{self.before_range} received before the range"
            )
        for problem in problems:
            self.find(UNEXPLAINED, 0, f"RevenueSources: {problem}", where)
        if not problems:
            self.sources_ok += 1
        return sources

    def _claimed(self, event: EventLog) -> None:
        recipient, amount = event.args["recipient"], event.args["amount"]
        had = self.owed.get(recipient, 0)
        if amount > had:
            self.find(
                UNEXPLAINED,
                amount - had,
                f"{recipient} claimed more than it was credited",
                f"block {event.block}",
            )
        self.owed[recipient] = had - amount
        self.total_owed -= amount

    def _credit_moved(self, event: EventLog) -> None:
        """Governance moved a stranded credit to its owner's successor: the total owed is
        unchanged, one recipient's credit becomes another's."""
        source, to, amount = event.args["from"], event.args["to"], event.args["amount"]
        where = f"block {event.block}"
        had = self.owed.get(source, 0)
        if amount > had:
            self.find(UNEXPLAINED, amount - had, f"moved more of {source}'s credit than it had", where)
        self.owed[source] = had - amount
        self.owed[to] = self.owed.get(to, 0) + amount
        self.find(EXPLAINED, amount, f"credit of {source} moved to {to} by governance", where)

    def _close(self) -> None:
        closing, cid = self.h.closing, self.chain_id
        checks = self.out.checks
        label = "ETH" if self.asset == ETH_ASSET else short_address(self.asset)
        checks.append(
            Check(cid, f"{label}: disbursements whose shares add up to gross", self.shares_ok, self.count)
        )
        checks.append(
            Check(cid, f"{label}: disbursements that follow the rule (model)", self.model_ok, self.count)
        )
        checks.append(
            Check(
                cid, f"{label}: disbursements at the registry's terms of the time", self.terms_ok, self.count
            )
        )
        if self.asset == ETH_ASSET:
            checks.append(
                Check(
                    cid,
                    "ETH: L1 cost = L1FeeVault withdrawals since the previous disbursement",
                    self.l1_events,
                    self.l1_vault_in_txs,
                )
            )
            checks.append(
                Check(
                    cid,
                    "ETH: per-vault sources = each vault's withdrawals since the previous disbursement",
                    self.sources_ok,
                    self.count,
                )
            )
            checks.append(
                Check(
                    cid,
                    "ETH: sent to L1 = bridge/message-passer records in the same tx",
                    self.in_flight,
                    self.l1_matched,
                )
            )
        owed_now = closing.total_owed.get(self.asset, 0)
        checks.append(
            Check(cid, f"{label}: credited - claimed = claimable now (totalOwed)", self.total_owed, owed_now)
        )
        for recipient, amount in sorted(self.owed.items()):
            on_chain = closing.owed.get((self.asset, recipient), 0)
            if amount != on_chain:
                self.find(
                    UNEXPLAINED,
                    amount - on_chain,
                    f"{recipient}: events credit {amount}, contract owes {on_chain}",
                )
            elif amount:
                self.find(PENDING, amount, f"credited to {recipient}, not claimed yet")
        held_free = closing.balance.get(self.asset, 0) - owed_now
        checks.append(
            Check(
                cid,
                f"{label}: undisbursed >= received since last disbursement",
                min(held_free, self.undisbursed),
                self.undisbursed,
            )
        )
        if held_free < self.undisbursed:
            self.find(
                UNEXPLAINED, self.undisbursed - held_free, "splitter holds less than its events account for"
            )
        else:
            if self.undisbursed:
                self.find(PENDING, self.undisbursed, "withdrawn from vaults, not yet disbursed")
            if held_free > self.undisbursed:
                self.find(
                    PENDING,
                    held_free - self.undisbursed,
                    "received outside vault withdrawals, not yet disbursed",
                )
        summary = self.out.chains[cid]
        summary.undisbursed[self.asset] = max(held_free, 0)
        summary.claimable[self.asset] = owed_now
        summary.disbursements += self.count
        summary.in_flight_to_l1[self.asset] = self.in_flight


def _check_event_forms(history: SplitterHistory, out: Analysis) -> None:
    """Where a vault emitted both `Withdrawal` forms in a transaction, they must agree (only the
    newer form is counted, so a legacy one that disagrees would otherwise go unseen)."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in history.events:
        if e.name == "Withdrawal":
            sums[(e.tx_hash, e.address)]["withdrawalNetwork" in e.args] += e.args["value"]
    for (tx_hash, vault), (legacy, newer) in sums.items():
        if legacy and newer and legacy != newer:
            out.findings.append(
                Finding(
                    UNEXPLAINED,
                    history.target.chain_id,
                    ETH_ASSET,
                    legacy - newer,
                    f"{vault}: legacy Withdrawal events show {legacy}, newer ones {newer}",
                    f"tx {tx_hash}",
                )
            )


def _check_vaults(history: SplitterHistory, events: list[EventLog], out: Analysis) -> None:
    cid = history.target.chain_id
    for role, vault in history.vaults.items():
        label = VAULT_LABELS[role]
        evented = sum(e.args["value"] for e in events if e.name == "Withdrawal" and e.address == vault)
        grew = history.closing.vault_processed.get(vault, 0) - history.opening.vault_processed.get(vault, 0)
        out.checks.append(Check(cid, f"{label}: Withdrawal events = totalProcessed growth", evented, grew))
        if evented != grew:
            out.findings.append(
                Finding(
                    UNEXPLAINED,
                    cid,
                    ETH_ASSET,
                    grew - evented,
                    f"{label} totalProcessed grew by {grew}, events show {evented}",
                )
            )
        minimum = history.vault_minimums.get(vault, 0)
        if minimum:
            out.findings.append(
                Finding(
                    EXPLAINED,
                    cid,
                    ETH_ASSET,
                    minimum,
                    f"is the {label}'s minimum withdrawal amount: the splitter refuses every "
                    "disbursement (VaultMinimumNotZero) until it is set to 0",
                )
            )
        left = history.closing.vault_balance.get(vault, 0)
        out.chains[cid].in_vaults += left
        if left:
            out.findings.append(Finding(PENDING, cid, ETH_ASSET, left, f"in the {label}, not withdrawn yet"))


def _rates(entry: TermsEntry) -> str:
    return f"{entry.gross_bps / 100:g}% of gross / {entry.net_bps / 100:g}% of net"


def lifecycle(history: History, splitter: SplitterHistory, timeline: TermsChanges) -> list[LifecycleStep]:
    """The chain's life over the range, from the registry's terms history and the splitter's
    boundary settlements: joined, each change scheduled (and cancelled), each taking effect,
    the exit announced and taking effect, the settlement at each boundary."""
    start_entries, changes = timeline
    end = history.timestamps.get(history.to_block, 0)
    steps: list[LifecycleStep] = []
    entries = list(start_entries)  # the history as it stands, step by step
    if entries:
        steps.append(LifecycleStep(entries[0].effective_at, f"joined revenue sharing: {_rates(entries[0])}"))
    for _, block, entry in changes:
        when = history.timestamps.get(block, 0)
        if entry is None:
            cancelled = entries.pop() if len(entries) > 1 else None
            what = "exit" if cancelled and cancelled.exit else "terms change"
            at = utc_date(cancelled.effective_at) if cancelled else "?"
            steps.append(LifecycleStep(when, f"{what} of {at} cancelled", block))
            continue
        entries.append(entry)
        if len(entries) == 1:  # the registration, inside the range
            what = f"joined revenue sharing: {_rates(entry)}"
        elif entry.exit:
            what = f"exit announced, effective {utc_date(entry.effective_at)}"
        else:
            what = f"terms change scheduled: {_rates(entry)} from {utc_date(entry.effective_at)}"
        steps.append(LifecycleStep(when, what, block))
    for entry in entries[1:]:
        if entry.effective_at <= end:
            what = (
                "exited: the chain keeps its revenue"
                if entry.exit
                else f"new terms in force: {_rates(entry)}"
            )
            steps.append(LifecycleStep(entry.effective_at, what))
    exits = {e.effective_at for e in entries if e.exit}
    for event in splitter.events:
        if event.name == "BoundarySettled":
            change = event.args["changeAt"]
            kind = "final settlement" if change in exits else "boundary settlement"
            steps.append(
                LifecycleStep(
                    history.timestamps.get(event.block, 0),
                    f"{kind} (disbursement #{event.args['disbursementId']}): the period before "
                    f"{utc_date(change)} under the terms before it",
                    event.block,
                )
            )
    return sorted(steps, key=lambda step: (step.timestamp, step.block or 0))


def analyze(history: History) -> Analysis:
    """Rows, checks and findings for every splitter in the history."""
    out = Analysis(rows=[], checks=[], findings=[], chains={})
    for splitter in history.splitters:
        terms = _terms_timeline(history, splitter)
        target = splitter.target
        out.chains[target.chain_id] = ChainSummary(
            target.chain_id, target.name, target.address, dict(splitter.vaults)
        )
        out.chains[target.chain_id].lifecycle = lifecycle(history, splitter, terms)
        _check_event_forms(splitter, out)
        events = _withdrawals(splitter.events)
        assets = {ETH_ASSET} | {e.args["asset"] for e in events if "asset" in e.args}
        for asset in sorted(assets):
            _Replay(splitter, asset, terms, history.timestamps, out).run(events)
        _check_vaults(splitter, events, out)
    out.rows.sort(key=lambda r: (r.chain_id, r.block, r.disbursement_id))
    return out


def effective_bps(collective: int, gross: int) -> float:
    """The Collective's share of gross, in bps (for display)."""
    return collective * BPS_DENOMINATOR / gross if gross else 0.0
