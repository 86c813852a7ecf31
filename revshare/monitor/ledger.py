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
Revenue a served chain's vaults withdraw to its shared splitter's collection address is owed per
epoch of the shared splitter (`shared.settle_shared`), and paid by the Collective's share the
epoch credits the chain. Paid is what reached the Collective: the splitter's Collective share,
the FeeSplitter's shares to the Collective's receivers, the FeeDisburser's ``paidToOptimism``,
and ETH from the chain's known senders arriving at the Collective's Safes (``SafeReceived``) on
the chain or on L1. The withdrawals to L1 the chain's vaults and splitters started are listed
with their messages (`finality.sent_to_l1`), for their L1 finality.
"""

from __future__ import annotations

import dataclasses

from eth_utils import to_checksum_address

from revshare.calendar import period_of, utc_date
from revshare.chain.addresses import ETH_ASSET, FEE_SPLITTER
from revshare.chain.reader import EventLog
from revshare.model import split
from revshare.monitor.config import MonitorConfig, Terms, WatchedChain
from revshare.monitor.events import (
    CALCULATOR_UPDATED,
    DISBURSED,
    DISBURSER_FEES_DISBURSED,
    INTERVAL_UPDATED,
    KEEPER_REWARDED,
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
from revshare.monitor.finality import sent_to_l1
from revshare.monitor.findings import add_findings
from revshare.monitor.records import (
    VAULT_NAMES,
    Batch,
    ChainData,
    ChainLedger,
    ConfigLookups,
    Finding,
    Lookups,
    Payment,
    Settlement,
    Withdrawal,
    same_address,
)
from revshare.monitor.shared import settle_shared
from revshare.terminal import format_eth


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
                    f"{VAULT_NAMES[vault.lower()]} emitted {len(group['3'])} 3-argument and "
                    f"{len(group['4'])} 4-argument Withdrawal events in one transaction; the "
                    "4-argument ones were counted",
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
                )
            )
    return sorted(found, key=lambda w: w.position)


def _settlements(
    chain: WatchedChain, receivers: set[str], events: list[EventLog], use_fee_splitter: bool
) -> list[Settlement]:
    splitters = {a.lower() for a in chain.splitters}
    disbursers = {a.lower() for a in chain.fee_disbursers}
    found = []
    # ETH keeper rewards of this project's splitters, by (transaction, splitter, disbursement id).
    rewards = {
        (e.tx_hash, e.address.lower(), int(e.args["disbursementId"])): int(e.args["amount"])
        for e in events
        if e.signature == SIGNATURE[KEEPER_REWARDED] and int(e.args["asset"], 16) == int(ETH_ASSET, 16)
    }
    for event in events:
        address = event.address.lower()
        if address in splitters and event.signature == SIGNATURE[DISBURSED]:
            if (
                int(event.args["asset"], 16) != int(ETH_ASSET, 16)
                or int(event.args["chainId"]) != chain.chain_id
            ):
                continue
            reward = rewards.get((event.tx_hash, address, int(event.args["disbursementId"])), 0)
            found.append(
                Settlement(
                    event.address,
                    "splitter",
                    event,
                    int(event.args["collectiveShare"]),
                    int(event.args["gross"]) + reward,  # its revenue: the reward came out of it
                    keeper_reward=reward,
                )
            )
        elif (
            use_fee_splitter
            and same_address(address, FEE_SPLITTER)
            and event.signature == SIGNATURE[SPLITTER_FEES_DISBURSED]
        ):
            shares = [(r, int(a)) for r, a in event.args["shareInfo"] if r.lower() in receivers and int(a)]
            found.append(
                Settlement(
                    event.address,
                    "fee-splitter",
                    event,
                    sum(amount for _, amount in shares),
                    int(event.args["grossRevenue"]),
                    to_checksum_address(shares[0][0]) if shares else None,
                )
            )
        elif address in disbursers and event.signature == SIGNATURE[DISBURSER_FEES_DISBURSED]:
            found.append(
                Settlement(
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
    keeper_reward: int = 0,
) -> Batch:
    gross = sum(w.value for w in members)
    l1_cost = sum(w.value for w in members if w.is_l1_cost)
    # A keeper reward comes out of revenue before the split (at most what the batch had).
    result = split(max(gross - keeper_reward, 0), l1_cost, terms.gross_bps, terms.net_bps)
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
        keeper_reward=keeper_reward,
    )


def analyse_chain(config: MonitorConfig, data: ChainData, lookups: Lookups | None = None) -> ChainLedger:
    """One chain's ledger from what the store holds for it."""
    chain = data.chain
    lookups = lookups or ConfigLookups()
    terms_at = lookups.terms_at
    ledger = ChainLedger(
        chain, data.start, data.stop, data.timestamps[data.start], data.timestamps[data.stop]
    )
    ledger.reference_time = max(data.reference_time, ledger.stop_time)
    events = data.events
    ledger.withdrawals = _withdrawals(events, data.timestamps, ledger.findings, chain.name)
    receivers = {a.lower() for a in l2_receivers(config, chain)}
    use_fee_splitter = chain.fee_splitter is not False
    settlements = _settlements(chain, receivers, events, use_fee_splitter)
    settlers = {s.lower() for s in (*chain.splitters, *chain.fee_disbursers)} | (
        {FEE_SPLITTER.lower()} if use_fee_splitter else set()
    )

    # ETH the Collective's Safes on this chain received from each settler, by transaction.
    received: dict[tuple[str, str], int] = {}
    safes: dict[tuple[str, str], str] = {}
    for event in events:
        if event.signature == SIGNATURE[SAFE_RECEIVED] and event.address.lower() in receivers:
            key = (event.tx_hash, event.args["sender"].lower())
            received[key] = received.get(key, 0) + int(event.args["value"])
            safes.setdefault(key, event.address)
    confirmable = any(data.at_stop.get((r, "code")) for r in l2_receivers(config, chain))
    unconfirmed: dict[str, list[tuple[EventLog, int]]] = {}
    misdirected: dict[str, list[tuple[EventLog, str, int]]] = {}
    # A range that starts mid-history: a settler that was already there settles, at its first
    # disbursement in the range, revenue withdrawn before the range too.
    opening = {
        s.lower()
        for s in (*chain.splitters, *chain.fee_disbursers, FEE_SPLITTER)
        if data.start > 0 and data.at_start.get((to_checksum_address(s), "code"))
    }

    # Settled batches: what each settler received from the vaults since its previous disbursement.
    unsettled: dict[str, list[Withdrawal]] = {}
    queue = sorted(
        [(w.position, "w", w) for w in ledger.revenue] + [(s.event.position, "s", s) for s in settlements],
        key=lambda item: item[0],
    )
    daily: dict[tuple[str, Terms], list[Withdrawal]] = {}
    last_settled: dict[str, int] = {}  # settler -> its previous settlement's time in the range
    served = data.shared
    collected: list[Withdrawal] = []  # to the collection address of the shared splitter serving it
    for _, what, item in queue:
        if what == "w":
            assert isinstance(item, Withdrawal)
            if served is not None and same_address(item.to, served.collection):
                collected.append(item)
            elif item.to.lower() in settlers and item.network != 0:
                unsettled.setdefault(item.to.lower(), []).append(item)
            else:  # paid anywhere else (a settler's address on L1 included): owed per period
                terms = terms_at(chain, item.block, item.timestamp)
                daily.setdefault((period_of(item.timestamp, chain.owed_period), terms), []).append(item)
            continue
        assert isinstance(item, Settlement)
        members = unsettled.pop(item.settler.lower(), [])
        event = item.event
        timestamp = data.timestamps[event.block]
        first = item.settler.lower() in opening
        opening.discard(item.settler.lower())
        since = last_settled.get(item.settler.lower())
        last_settled[item.settler.lower()] = timestamp
        batch = _batch(
            chain,
            "opening" if first else "settled",
            item.settler,
            members,
            event.block,
            timestamp,
            event.tx_hash,
            terms_at(chain, event.block, timestamp, since),
            item.keeper_reward,
        )
        ledger.batches.append(batch)
        paid, receiver = item.paid, item.receiver
        if item.kind == "fee-disburser" and confirmable:
            # Its event says what it paid "to Optimism"; what the Collective's Safes received from it
            # in that transaction is what counts (Base stopped paying with a code change).
            paid = received.get((event.tx_hash, item.settler.lower()), 0)
            receiver = safes.get((event.tx_hash, item.settler.lower()))
            if paid < item.paid:
                unconfirmed.setdefault(item.settler, []).append((event, item.paid - paid))
        where = "L2"
        if item.kind == "splitter" and paid:
            # The splitter pays (or credits) whoever its registry names as the Collective then, on L2
            # or through the L1 route the registry gives that address.
            destination = lookups.collective_at(chain, item.settler, event.block)
            if destination is not None:
                where, receiver = destination
                allowed = receivers if where == "L2" else {a.lower() for a in config.l1_receivers}
                if receiver.lower() not in allowed:
                    misdirected.setdefault(item.settler, []).append((event, f"{receiver} on {where}", paid))
                    paid = 0
        if first:
            # Its gross includes revenue from before the range: what it paid is taken as owed,
            # unless its revenue in the range alone owes more.
            batch = dataclasses.replace(batch, owed=max(paid, batch.owed))
            ledger.batches[-1] = batch
        if paid:
            ledger.payments.append(
                Payment(
                    chain.name,
                    where,
                    item.kind,
                    event.block,
                    timestamp,
                    event.tx_hash,
                    item.settler,
                    receiver or item.settler,
                    paid,
                )
            )
        # A settler's own gross: at least what its vaults paid it (this project's splitter and a
        # FeeDisburser also count other ETH they received); OP's FeeSplitter's is exactly that.
        reported = item.reported_gross
        exact = item.kind == "fee-splitter"
        if reported is not None and (reported < batch.gross or (exact and reported != batch.gross)):
            relation = "less than" if reported < batch.gross else "more than"
            ledger.findings.append(
                Finding(
                    chain.name,
                    "error",
                    "settler-gross",
                    f"{item.kind} {item.settler} reported a gross of {format_eth(reported)}, {relation} "
                    f"the {format_eth(batch.gross)} its vaults paid it since its previous disbursement "
                    "(as the monitor read their Withdrawal events)",
                    event.tx_hash,
                    timestamp,
                )
            )
    for settler, wrong in misdirected.items():
        first_event, last_event = wrong[0][0], wrong[-1][0]
        names = ", ".join(sorted({r for _, r, _ in wrong}))
        ledger.findings.append(
            Finding(
                chain.name,
                "error",
                "misdirected-share",
                f"{len(wrong)} disbursement(s) of {settler} paid the Collective's share, "
                f"{format_eth(sum(a for _, _, a in wrong))}, to {names}: its registry's Collective then, "
                f"not one of the Collective's receivers (first {first_event.tx_hash})",
                last_event.tx_hash,
                data.timestamps[last_event.block],
            )
        )
    for settler, missing in unconfirmed.items():
        first, last = missing[0][0], missing[-1][0]
        add_unconfirmed = Finding(
            chain.name,
            "warning",
            "unpaid-disbursements",
            f"{len(missing)} disbursement(s) of {settler} from {utc_date(data.timestamps[first.block])} to "
            f"{utc_date(data.timestamps[last.block])} say they paid Optimism "
            f"{format_eth(sum(m for _, m in missing))} ETH the Collective's receivers never got "
            f"(first {first.tx_hash}, last {last.tx_hash})",
            last.tx_hash,
            data.timestamps[last.block],
        )
        ledger.findings.append(add_unconfirmed)
    shared_pending = 0  # withdrawn to the collection address after the last window: not reported yet
    if served is not None:
        part = settle_shared(
            chain,
            served,
            collected,
            lambda block, timestamp, since: terms_at(chain, block, timestamp, since),
            data.stop,
        )
        ledger.batches += part.batches
        ledger.payments += part.payments
        ledger.findings += part.findings
        for item in part.unassigned:  # before the first epoch read: owed per period, as any other
            key = (period_of(item.timestamp, chain.owed_period), terms_at(chain, item.block, item.timestamp))
            daily.setdefault(key, []).append(item)
            daily[key].sort(key=lambda w: w.position)
        ledger.shared_collection = to_checksum_address(served.collection)
        shared_pending = sum(w.value for w in part.pending)
    for (_, terms), members in daily.items():
        last = members[-1]
        ledger.batches.append(
            _batch(chain, chain.owed_period, None, members, last.block, last.timestamp, None, terms)
        )
    ledger.batches.sort(key=lambda b: (b.timestamp, b.block))
    ledger.pending = {
        settler: sum(w.value for w in members) for settler, members in unsettled.items() if members
    }
    ledger.pending_since = {
        settler: members[0].timestamp for settler, members in unsettled.items() if members
    }
    if shared_pending:  # its age is the attribution check's to judge (not-reported-yet)
        ledger.pending[str(ledger.shared_collection)] = shared_pending

    # Payments by hand: ETH from the chain's senders arriving at the Collective's Safes.
    senders = {s.lower() for s in chain.senders}
    for where, decoded, timestamps, safe_receivers in (
        ("L2", data.events, data.timestamps, receivers),
        ("L1", data.l1_events, data.l1_timestamps, {a.lower() for a in config.l1_receivers}),
    ):
        for event in decoded:
            if event.signature != SIGNATURE[SAFE_RECEIVED] or event.address.lower() not in safe_receivers:
                continue
            if event.args["sender"].lower() not in senders or not int(event.args["value"]):
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
    add_findings(config, data, ledger, settlers, settlements)
    # Withdrawals to L1 its vaults and splitters started (their L1 finality is read in `run`).
    ledger.sent_to_l1 = sent_to_l1(config, data)
    return ledger
