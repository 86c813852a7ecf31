"""A shared sequencer splitter in the report: its epochs rebuilt from its logs, every balance
replayed from them to the wei, and the replay reconciled with the contract's views at the range's
last block.

The replay keeps, per asset, each chain's and each account's claimable balance, the total, and
what disputed epochs hold: a report credits the chains' shares, the Collective's share and the
operator fee; a dispute takes the epoch's credits out into the hold, a confirmation puts them
back, a correction drops them and credits the corrected settlement (plus what governance added);
claims pay a whole balance; a surplus credit adds to the Collective; a credit move passes a
balance to its owner's successor. Each epoch is also checked on its own: its chains add up to its
`EpochReported` totals, they hash to the digest its `EpochWindow` committed to, each chain's split
is the model's at the registry's terms of the epoch's period and the epoch's operator fee, and
its status is the contract's `epochRecord`. Every ETH claim sent to L1 must match the bridge's or
message passer's own record in the same transaction.

At the end: every chain's `chainClaimable`, every account's `accountClaimable` and
`totalClaimable` must equal the replay, the hold must be what `totalClaimable` has beyond them,
and the balance must be `totalClaimable` + `surplus()`. ETH forced in (a selfdestruct) moves no
event: it shows as surplus, pending until `creditSurplus` gives it to the Collective.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.reader import EventLog
from revshare.chain.routes import ROUTE_LABELS, Route
from revshare.chain.shared import SharedEpoch, epoch_digest, shared_epochs
from revshare.epochs import SettledChain
from revshare.lifecycle import TermsEntry
from revshare.model import split_with_fee
from revshare.report.analysis import (
    ARRIVES,
    EXPLAINED,
    L1_PATH_FIELDS,
    PENDING,
    UNEXPLAINED,
    Analysis,
    Check,
    Finding,
    record_sent,
)
from revshare.report.history import History, SharedHistory
from revshare.terminal import short_address

L2_ROUTE = ROUTE_LABELS[Route.L2]


@dataclass(frozen=True)
class SharedClaim:
    """One claim paid by a shared splitter: a chain's balance to its treasury, or an account's."""

    asset: str
    block: int
    timestamp: int
    tx_hash: str
    payee: str  # the treasury or the account paid
    chain_id: int  # the chain whose balance was paid; 0 for an account's
    amount: int
    route: str  # "L2 transfer", or the L1 route
    l1_recipient: str = ""  # who is paid on L1 (L1 routes only)


@dataclass(frozen=True)
class FeeTotal:
    """The operator fee of one recipient in one asset over the splitter's whole history."""

    asset: str
    recipient: str
    fee_bps: tuple[int, ...]  # the fees applied, in bps
    credited: int  # by epochs as they stand (a disputed epoch's fee is counted and held)
    held: int  # by disputed epochs not yet resolved
    claimed: int
    claimable: int  # `accountClaimable` at the range's end


@dataclass
class SharedSummary:
    """What the report shows of one shared splitter."""

    address: str
    name: str
    registry: str
    epochs: list[SharedEpoch]  # reported or resolved in the report's range
    claims: list[SharedClaim]  # paid in the report's range
    fees: list[FeeTotal]
    claims_open_at: int
    balance: dict[str, int] = field(default_factory=dict)
    total_claimable: dict[str, int] = field(default_factory=dict)
    surplus: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    in_flight_to_l1: dict[str, int] = field(
        default_factory=dict
    )  # as a chain's (`report.analysis.ChainSummary`)


def terms_at(entries: Sequence[TermsEntry], since: int) -> TermsEntry | None:
    """The entry in force at ``since`` (the first one for an earlier time), as the registry says."""
    if not entries:
        return None
    return next((e for e in reversed(entries) if e.effective_at <= since), entries[0])


def _totals(chains: Iterable[SettledChain]) -> tuple[int, int, int, int]:
    """(gross, operator fee, Collective share, chains' share) of settlements."""
    chains = list(chains)
    return (
        sum(c.gross for c in chains),
        sum(c.operator_fee for c in chains),
        sum(c.collective_share for c in chains),
        sum(c.chain_share for c in chains),
    )


def _route_label(route: int) -> str:
    try:
        return ROUTE_LABELS[Route(route)]
    except ValueError:
        return f"route {route}"


class _SharedReplay:
    """Replays one shared splitter's events, every asset at once."""

    def __init__(self, history: History, shared: SharedHistory, out: Analysis):
        self.history, self.h, self.out = history, shared, out
        self.address = shared.target.address
        self.epochs = {e.epoch: e for e in shared_epochs(shared.events)}
        self.chains: dict[tuple[str, int], int] = defaultdict(int)
        self.accounts: dict[tuple[str, str], int] = defaultdict(int)
        self.total: dict[str, int] = defaultdict(int)
        self.held: dict[str, int] = defaultdict(int)
        self.fee_claimed: dict[tuple[str, str], int] = defaultdict(int)
        self.claims: list[SharedClaim] = []
        self.in_flight: dict[str, int] = defaultdict(int)
        self.l1_matched = 0
        # Checks counted as (passed, of)
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    # ---------------------------------------------------------------- findings and counts
    def find(self, kind: str, asset: str, amount: int, what: str, where: str = "", chain_id: int = 0) -> None:
        self.out.findings.append(Finding(kind, chain_id, asset, amount, what, where, self.address))

    def count(self, label: str, ok: bool) -> bool:
        self.counts[label][0] += ok
        self.counts[label][1] += 1
        return ok

    # ---------------------------------------------------------------- the replay
    def run(self) -> None:
        by_tx: dict[str, list[EventLog]] = defaultdict(list)
        for event in self.h.events:
            by_tx[event.tx_hash].append(event)
        for event in self.h.events:
            a, where = event.args, f"block {event.block}"
            if event.name == "EpochReported":
                self._reported(event)
            elif event.name == "EpochDisputed":
                self._disputed(event)
            elif event.name == "EpochConfirmed":
                self._confirmed(event)
            elif event.name == "EpochCorrected":
                self._corrected(event)
            elif event.name in ("ChainClaimed", "AccountClaimed"):
                self._claimed(event, by_tx[event.tx_hash])
            elif event.name == "SurplusCredited":
                self.accounts[(a["asset"], a["collective"])] += a["amount"]
                self.total[a["asset"]] += a["amount"]
                self.find(
                    EXPLAINED,
                    a["asset"],
                    a["amount"],
                    f"held beyond every claimable balance (forced ETH or a stray transfer), "
                    f"credited to the Collective {a['collective']}",
                    where,
                )
            elif event.name == "CreditMoved":
                self._credit_moved(event)
        self._unclaimed_l1_announcements(by_tx)

    def _epoch(self, event: EventLog) -> SharedEpoch | None:
        epoch = self.epochs.get(event.args["epoch"])
        if epoch is None:
            self.find(
                UNEXPLAINED,
                event.args.get("asset", ETH_ASSET),
                event.args.get("gross", 0),
                f"{event.name} for epoch {event.args['epoch']}, whose report is not in the logs",
                f"block {event.block}",
            )
        return epoch

    def _credit(self, epoch: SharedEpoch, chains: Sequence[SettledChain], sign: int) -> None:
        _, fee, collective, _ = _totals(chains)
        for c in chains:
            self.chains[(epoch.asset, c.chain_id)] += sign * c.chain_share
        self.accounts[(epoch.asset, epoch.collective)] += sign * collective
        self.accounts[(epoch.asset, epoch.fee_recipient)] += sign * fee

    def _model(self, epoch: SharedEpoch, chains: Sequence[SettledChain], where: str) -> None:
        """Each chain's split: the operator fee of gross, then the rule at the registry's terms
        in force at the epoch's period start."""
        for c in chains:
            terms = terms_at(self.h.terms.get(c.chain_id, ()), epoch.terms_since)
            if terms is None:
                self.count("model", False)
                self.find(
                    UNEXPLAINED,
                    epoch.asset,
                    c.gross,
                    "settled, but the registry has no terms for it",
                    where,
                    c.chain_id,
                )
                continue
            want = split_with_fee(c.gross, c.l1_cost, terms.gross_bps, terms.net_bps, epoch.fee_bps)
            if not self.count(
                "model", (want.operator_fee, want.collective) == (c.operator_fee, c.collective_share)
            ):
                self.find(
                    UNEXPLAINED,
                    epoch.asset,
                    c.collective_share - want.collective,
                    f"settled operator fee {c.operator_fee} and Collective share {c.collective_share}; the "
                    f"model gives {want.operator_fee} and {want.collective} at {terms.gross_bps}/"
                    f"{terms.net_bps} bps and a {epoch.fee_bps} bps fee",
                    where,
                    c.chain_id,
                )

    def _adds_up(self, event: EventLog, chains: Sequence[SettledChain], gross_key: str, where: str) -> bool:
        """The chains' settlements against the totals of their `EpochReported` or `EpochCorrected`,
        and each `ChainSettled`'s chain share against its other figures."""
        a = event.args
        got = (len(chains), *_totals(chains))
        want = (a["chainCount"], a[gross_key], a["operatorFee"], a["collectiveShare"], a["chainShare"])
        settled = [
            e
            for e in self.h.events
            if e.tx_hash == event.tx_hash and e.name == "ChainSettled" and e.log_index < event.log_index
        ]
        shares_ok = all(
            e.args["chainShare"] == e.args["gross"] - e.args["operatorFee"] - e.args["collectiveShare"]
            for e in settled
        )
        ids = [c.chain_id for c in chains]
        ok = got == want and shares_ok and ids == sorted(set(ids))
        if not ok:
            self.find(
                UNEXPLAINED,
                a["asset"],
                abs(got[1] - want[1]),
                f"epoch {a['epoch']}: its chains' settlements (count, gross, fee, Collective, chains) "
                f"{got} do not add up to its {event.name} {want}",
                where,
            )
        return ok

    def _reported(self, event: EventLog) -> None:
        a, where = event.args, f"epoch {event.args['epoch']}, block {event.block}"
        self.total[a["asset"]] += a["gross"]
        epoch = self._epoch(event)
        if epoch is None:
            self.accounts[(a["asset"], a["collective"])] += a["collectiveShare"]
            self.accounts[(a["asset"], a["operatorFeeRecipient"])] += a["operatorFee"]
            return
        self._credit(epoch, epoch.chains, +1)
        self.count("adds up", self._adds_up(event, epoch.chains, "gross", where))
        if not self.count("digest", epoch_digest(epoch) == epoch.digest):
            self.find(
                UNEXPLAINED,
                epoch.asset,
                epoch.gross,
                f"epoch {epoch.epoch}: its settlements in the logs do not hash to the digest it committed to",
                where,
            )
        self._model(epoch, epoch.chains, where)

    def _disputed(self, event: EventLog) -> None:
        epoch, a = self._epoch(event), event.args
        if epoch is None:
            return
        _, fee, collective, chains = _totals(epoch.chains)
        self._credit(epoch, epoch.chains, -1)
        self.held[epoch.asset] += epoch.gross
        where = f"epoch {epoch.epoch}, block {event.block}"
        held = (a["chainsHeld"], a["operatorFeeHeld"], a["collectiveShareHeld"])
        if not self.count("dispute path", held == (chains, fee, collective)):
            self.find(
                UNEXPLAINED,
                epoch.asset,
                abs(sum(held) - epoch.gross),
                f"the dispute held {held}, the epoch credited {(chains, fee, collective)}",
                where,
            )

    def _confirmed(self, event: EventLog) -> None:
        epoch = self._epoch(event)
        if epoch is None:
            return
        self._credit(epoch, epoch.chains, +1)
        self.held[epoch.asset] -= epoch.gross
        if not self.count("dispute path", event.args["gross"] == epoch.gross and epoch.dispute is not None):
            self.find(
                UNEXPLAINED,
                epoch.asset,
                epoch.gross,
                f"epoch {epoch.epoch} confirmed with gross {event.args['gross']} (reported {epoch.gross})",
                f"block {event.block}",
            )

    def _corrected(self, event: EventLog) -> None:
        epoch, a = self._epoch(event), event.args
        if epoch is None:
            return
        where = f"epoch {epoch.epoch} corrected, block {event.block}"
        self.held[epoch.asset] -= epoch.gross
        self.total[epoch.asset] += a["added"]
        self._credit(epoch, epoch.corrected, +1)
        ok = self._adds_up(event, epoch.corrected, "gross", where) and a["gross"] == epoch.gross + a["added"]
        if not self.count("dispute path", ok and epoch.dispute is not None):
            self.find(
                UNEXPLAINED,
                epoch.asset,
                a["added"],
                f"the correction's gross {a['gross']} is not the reported {epoch.gross} plus the "
                f"{a['added']} added, or the epoch was never disputed",
                where,
            )
        self._model(epoch, epoch.corrected, where)

    def _claimed(self, event: EventLog, same_tx: list[EventLog]) -> None:
        a, where = event.args, f"block {event.block}"
        asset, amount = a["asset"], a["amount"]
        if event.name == "ChainClaimed":
            payee, chain_id, whose = a["treasury"], a["chainId"], f"chain {a['chainId']}"
            had = self.chains[(asset, chain_id)]
            self.chains[(asset, chain_id)] = had - amount
        else:
            payee, chain_id, whose = a["account"], 0, a["account"]
            had = self.accounts[(asset, payee)]
            self.accounts[(asset, payee)] = had - amount
            self.fee_claimed[(asset, payee)] += amount
        if amount != had:  # a claim pays the whole balance
            self.find(
                UNEXPLAINED,
                asset,
                amount - had,
                f"{whose} was paid {amount}, but the events credit it {had}",
                where,
                chain_id,
            )
        self.total[asset] -= amount
        route, l1_recipient = L2_ROUTE, ""
        for sent in same_tx:
            s = sent.args
            if sent.name == "L1WithdrawalInitiated" and (s["recipient"], s["amount"]) == (payee, amount):
                same_tx.remove(sent)
                route, l1_recipient = _route_label(s["route"]), s["l1Recipient"]
                self._sent_to_l1(sent, same_tx, chain_id)
                break
        self.claims.append(
            SharedClaim(
                asset,
                event.block,
                self.history.timestamps.get(event.block, 0),
                event.tx_hash,
                payee,
                chain_id,
                amount,
                route,
                l1_recipient,
            )
        )

    def _sent_to_l1(self, sent: EventLog, same_tx: list[EventLog], chain_id: int) -> None:
        """An ETH claim sent to L1: in flight, and matched by its route's predeploy record."""
        s, where = sent.args, f"block {sent.block}"
        self.in_flight[ETH_ASSET] += s["amount"]
        owner = "" if s["l1Recipient"] == s["recipient"] else f" for {s['recipient']}"
        route = _route_label(s["route"])
        destination = f"{s['l1Recipient']} on {route}{owner}"
        self.find(PENDING, ETH_ASSET, s["amount"], f"in flight to {destination} {ARRIVES}", where, chain_id)
        in_flight = self.out.findings[-1]
        predeploy, name, payer, payee, value = L1_PATH_FIELDS.get(s["route"], ("", "", "", "", ""))
        for record in same_tx:
            r = record.args
            if (record.address, record.name) == (predeploy, name) and (r[payer], r[payee], r[value]) == (
                self.address,
                s["l1Recipient"],
                s["amount"],
            ):
                same_tx.remove(record)
                self.l1_matched += s["amount"]
                started = self.history.timestamps.get(sent.block, 0)
                record_sent(self.out, in_flight, record, same_tx, started, s["l1Recipient"], destination)
                return
        self.find(
            UNEXPLAINED,
            ETH_ASSET,
            s["amount"],
            f"announced for L1, but the {route.removeprefix('L1 via ')} recorded no such withdrawal",
            where,
            chain_id,
        )

    def _unclaimed_l1_announcements(self, by_tx: dict[str, list[EventLog]]) -> None:
        """An `L1WithdrawalInitiated` no claim accounts for (claims remove theirs)."""
        for events in by_tx.values():
            for sent in events:
                if sent.name == "L1WithdrawalInitiated":
                    self.find(
                        UNEXPLAINED,
                        ETH_ASSET,
                        sent.args["amount"],
                        "announced for L1 with no claim of that amount in its transaction",
                        f"block {sent.block}",
                    )

    def _credit_moved(self, event: EventLog) -> None:
        a, where = event.args, f"block {event.block}"
        asset, source, to, amount = a["asset"], a["from"], a["to"], a["amount"]
        had = self.accounts[(asset, source)]
        if amount != had:
            self.find(
                UNEXPLAINED,
                asset,
                amount - had,
                f"moved {amount} of {source}'s credit, but the events credit it {had}",
                where,
            )
        self.accounts[(asset, source)] = had - amount
        self.accounts[(asset, to)] += amount
        self.find(EXPLAINED, asset, amount, f"credit of {source} moved to {to} by governance", where)

    # ---------------------------------------------------------------- the reconciliation
    def check(self, chain_id: int, label: str, left: int, right: int) -> bool:
        self.out.checks.append(Check(chain_id, label, left, right, self.address))
        return left == right

    def close(self) -> SharedSummary:
        views = self.h.closing
        if not self.h.complete:
            self.find(
                UNEXPLAINED,
                ETH_ASSET,
                0,
                f"has a history before block {self.h.start}, which the report did not read: give its "
                f"deployment block (--shared {self.address}@BLOCK)",
            )
        self.check(0, "epochs in the logs = lastEpoch()", len(self.epochs), views.last_epoch)
        if sorted(self.epochs) != list(range(1, len(self.epochs) + 1)):
            self.find(
                UNEXPLAINED, ETH_ASSET, 0, f"epochs {sorted(self.epochs)} are not 1 to {len(self.epochs)}"
            )
        for key, label in (
            ("adds up", "epochs whose chains add up to their EpochReported totals"),
            ("digest", "epochs whose settlements hash to their EpochWindow digest"),
            ("model", "settlements that follow the rule at the registry's terms (model)"),
            ("dispute path", "disputes and resolutions that match their epoch"),
        ):
            self.check(0, label, *self.counts[key])
        self._statuses()
        self.check(
            0,
            "ETH: sent to L1 = bridge/message-passer records in the same tx",
            self.in_flight[ETH_ASSET],
            self.l1_matched,
        )
        assets = sorted({ETH_ASSET, *views.balance, *self.total})
        summary = SharedSummary(
            self.address,
            self.h.target.name,
            self.h.registry,
            [e for e in self.epochs.values() if self._touches_range(e)],
            [c for c in self.claims if self.history.from_block <= c.block],
            self._fees(),
            views.claims_open_at,
            in_flight_to_l1=dict(self.in_flight),
        )
        for asset in assets:
            self._close_asset(asset, summary)
        return summary

    def _touches_range(self, epoch: SharedEpoch) -> bool:
        return self.history.from_block <= max(epoch.block, epoch.resolved_block)

    def _statuses(self) -> None:
        """Each epoch kept for the dispute path: status and digest as the contract has them."""
        ok = of = 0
        for number, record in sorted(self.h.closing.records.items()):
            epoch = self.epochs.get(number)
            if epoch is None or record.status == "unknown":
                continue  # reported without a dispute window: nothing kept
            of += 1
            if (record.status, record.digest) == (epoch.status, epoch.digest):
                ok += 1
            else:
                self.find(
                    UNEXPLAINED,
                    epoch.asset,
                    epoch.gross,
                    f"epoch {number} is {epoch.status} by its logs, {record.status} by epochRecord",
                )
        self.check(0, "epochs whose status is the contract's (epochRecord)", ok, of)

    def _fees(self) -> list[FeeTotal]:
        credited: dict[tuple[str, str], int] = defaultdict(int)
        held: dict[tuple[str, str], int] = defaultdict(int)
        bps: dict[tuple[str, str], set[int]] = defaultdict(set)
        for epoch in self.epochs.values():
            key = (epoch.asset, epoch.fee_recipient)
            fee = _totals(epoch.settled)[1]
            credited[key] += fee
            bps[key].add(epoch.fee_bps)
            if epoch.status == "disputed":
                held[key] += fee
        views = self.h.closing.account_claimable
        return [
            FeeTotal(
                asset,
                recipient,
                tuple(sorted(bps[(asset, recipient)])),
                fee,
                held[(asset, recipient)],
                self.fee_claimed[(asset, recipient)],
                views.get((asset, recipient), 0),
            )
            for (asset, recipient), fee in sorted(credited.items())
        ]

    def _close_asset(self, asset: str, summary: SharedSummary) -> None:
        views, label = self.h.closing, "ETH" if asset == ETH_ASSET else short_address(asset)
        chain_ids = sorted(
            {c for a, c in self.chains if a == asset} | {c for a, c in views.chain_claimable if a == asset}
        )
        for chain_id in chain_ids:
            replayed, held = self.chains[(asset, chain_id)], views.chain_claimable.get((asset, chain_id), 0)
            if not self.check(
                chain_id, f"{label}: chain's balance, replayed = chainClaimable", replayed, held
            ):
                self.find(
                    UNEXPLAINED,
                    asset,
                    replayed - held,
                    f"the events credit the chain {replayed}, the contract {held}",
                    chain_id=chain_id,
                )
            elif held:
                self.find(PENDING, asset, held, "credited to the chain, not claimed yet", chain_id=chain_id)
        accounts = sorted(
            {r for a, r in self.accounts if a == asset}
            | {r for a, r in views.account_claimable if a == asset}
        )
        for account in accounts:
            replayed, held = self.accounts[(asset, account)], views.account_claimable.get((asset, account), 0)
            if not self.check(
                0, f"{label}: {account}'s balance, replayed = accountClaimable", replayed, held
            ):
                self.find(
                    UNEXPLAINED,
                    asset,
                    replayed - held,
                    f"the events credit {account} {replayed}, the contract {held}",
                )
            elif held:
                self.find(PENDING, asset, held, f"credited to {account}, not claimed yet")
        total = views.total_claimable.get(asset, 0)
        self.check(0, f"{label}: credited - claimed = totalClaimable", self.total[asset], total)
        balances = sum(v for (a, _), v in views.chain_claimable.items() if a == asset) + sum(
            v for (a, _), v in views.account_claimable.items() if a == asset
        )
        if not self.check(
            0,
            f"{label}: held for disputed epochs = totalClaimable - balances",
            self.held[asset],
            total - balances,
        ):
            self.find(
                UNEXPLAINED,
                asset,
                self.held[asset] - (total - balances),
                "the disputed epochs' hold differs from what totalClaimable has beyond the balances",
            )
        elif self.held[asset]:
            disputed = [e.epoch for e in self.epochs.values() if e.asset == asset and e.status == "disputed"]
            many = len(disputed) > 1
            self.find(
                PENDING,
                asset,
                self.held[asset],
                f"held by disputed epoch{'s' * many} {', '.join(map(str, disputed))} until governance "
                f"confirms or corrects {'them' if many else 'it'}",
            )
        balance, surplus = views.balance.get(asset, 0), views.surplus.get(asset)
        if surplus is None:
            self.find(
                UNEXPLAINED,
                asset,
                total - balance,
                "surplus() reverts: the splitter holds less than totalClaimable",
            )
        self.check(0, f"{label}: balance = totalClaimable + surplus", balance, total + (surplus or 0))
        if surplus:
            self.find(
                PENDING,
                asset,
                surplus,
                "held beyond every claimable balance (forced ETH or a stray transfer), not credited "
                "yet (creditSurplus gives it to the Collective)",
            )
        summary.balance[asset], summary.total_claimable[asset] = balance, total
        summary.surplus[asset], summary.held[asset] = surplus or 0, self.held[asset]


def analyze_shared(history: History, out: Analysis) -> None:
    """Replay and reconcile every shared splitter of the history into ``out``."""
    for shared in history.shared:
        replay = _SharedReplay(history, shared, out)
        replay.run()
        out.shared.append(replay.close())
