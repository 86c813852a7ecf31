"""Everything the report needs from the chain, collected once into plain data.

For each splitter: its events (``Disbursed``, ``RevenueSources``, ``PayoutDeferred``,
``Claimed``, ``L1WithdrawalInitiated``) and its fee vaults' ``Withdrawal`` events over the block
range; for every transaction that sent ETH to L1, the L2StandardBridge's and L2ToL1MessagePasser's
own events in it; and a snapshot of balances and counters at the block before the range and at
its last block. What the registry had in force for each chain when the range starts (terms,
treasury, active flag, Collective, destinations) is read from its state at the block before the
range, and its changes from the events inside the range, so the terms in force at any block are
known. The analysis (`revshare.report.analysis`) works on this data alone, which is also what the
tests tamper with.

For each shared sequencer splitter (`SharedSequencerSplitter`): every event that moves one of its
balances (epoch reports, disputes and their resolution, claims, surplus credits, credit moves) from
its deployment block (given as ``ADDRESS@BLOCK``; else from the range's start), the predeploys'
records of its claims sent to L1, each chain's terms history, and its views at the range's last
block: balance, `totalClaimable`, `surplus`, every chain's and account's claimable balance, each
epoch's `epochRecord`.

Before reading, the targets are checked against the chain: a contract at the splitter, its
registry and each configured vault, the splitter's own `CHAIN_ID()` equal to the chain id it was
given, a shared splitter that answers as one, a block range the node has. Anything else is a
`ChainMismatch`, never an empty all-clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from revshare.chain.addresses import ETH_ASSET, L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER
from revshare.chain.reader import (
    DEFAULT_PAGE_SIZE,
    CallReverted,
    ChainReader,
    EventDecoder,
    EventLog,
)
from revshare.chain.registry import RegistryAtBlock, registry_at_block
from revshare.chain.shared import LEDGER_DECODER, SharedViews, read_shared_views
from revshare.chain.vaults import minimum_at_block
from revshare.epochs import unpack_settlements
from revshare.lifecycle import TermsEntry
from revshare.values import parse_address, parse_chain_id, quoted

SPLITTER_EVENTS = (
    "Disbursed",
    "RevenueSources",
    "BoundarySettled",
    "KeeperRewarded",
    "PayoutDeferred",
    "Claimed",
    "L1WithdrawalInitiated",
    "CreditMoved",
)
VAULT_EVENTS = ("Withdrawal",)
# The withdrawal predeploys' own records of an ETH withdrawal started by the splitter.
L1_PATH_EVENTS = {L2_STANDARD_BRIDGE: "ETHBridgeInitiated", L2_TO_L1_MESSAGE_PASSER: "MessagePassed"}
LIFECYCLE_EVENTS = (
    "ChainRegistered",
    "TermsScheduled",
    "TermsChangeCancelled",
    "ExitAnnounced",
    "ExitCancelled",
)
REGISTRY_EVENTS = (
    "ChainRegistered",
    "TermsScheduled",
    "TermsChangeCancelled",
    "ExitAnnounced",
    "ExitCancelled",
    "TreasuryUpdated",
    "CollectiveUpdated",
    "ChainActiveSet",
    "DestinationSet",
)
# The splitter's immutable getter for each vault role.
VAULT_GETTERS = {
    "sequencer_fee_vault": "SEQUENCER_FEE_VAULT()",
    "base_fee_vault": "BASE_FEE_VAULT()",
    "operator_fee_vault": "OPERATOR_FEE_VAULT()",
    "l1_fee_vault": "L1_FEE_VAULT()",
}
VAULT_NAMES = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "operator_fee_vault": "OperatorFeeVault",
    "l1_fee_vault": "L1FeeVault",
}
# Argument-less views only a SharedSequencerSplitter has, all of which it answers.
SHARED_GETTERS = ("REGISTRY()", "MAX_OPERATOR_FEE_BPS()", "claimsOpenAt()", "lastEpoch()")
# (what is being read, blocks done, blocks in all)
SweepProgress = Callable[[str, int, int], None]
ZERO_ADDRESS = "0x" + "00" * 20


class ChainMismatch(ValueError):
    """The chain does not hold what the report was asked to read: no contract where one is
    expected, a splitter of another chain, or a block range the node does not have."""


@dataclass(frozen=True)
class SplitterTarget:
    """A ChainRevenueSplitter to report on: the chain it serves, its address (checked and
    checksummed; ValueError saying what is wrong) and where its history starts."""

    chain_id: int
    address: str
    name: str = ""
    deployed_block: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "chain_id", parse_chain_id(self.chain_id))
        try:
            object.__setattr__(self, "address", parse_address(self.address))
        except ValueError as exc:
            raise ValueError(f"splitter address: {exc}") from None
        block = self.deployed_block
        if isinstance(block, bool) or not isinstance(block, int) or block < 0:
            raise ValueError(f"deployed_block {quoted(block)} is not a block number")


@dataclass(frozen=True)
class SharedTarget:
    """A SharedSequencerSplitter to report on: its address (checked and checksummed; ValueError
    saying what is wrong) and its deployment block, where its replay starts (0: the range's start)."""

    address: str
    name: str = ""
    deployed_block: int = 0

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "address", parse_address(self.address))
        except ValueError as exc:
            raise ValueError(f"shared splitter address: {exc}") from None
        block = self.deployed_block
        if isinstance(block, bool) or not isinstance(block, int) or block < 0:
            raise ValueError(f"deployed_block {quoted(block)} is not a block number")


@dataclass
class Snapshot:
    """Balances and counters of one splitter and its vaults at one block."""

    block: int
    balance: dict[str, int] = field(default_factory=dict)  # asset -> held by the splitter
    total_owed: dict[str, int] = field(default_factory=dict)  # asset -> totalOwed
    owed: dict[tuple[str, str], int] = field(default_factory=dict)  # (asset, recipient) -> owed
    vault_processed: dict[str, int] = field(default_factory=dict)  # vault -> totalProcessed
    vault_balance: dict[str, int] = field(default_factory=dict)  # vault -> ETH held


@dataclass
class SplitterHistory:
    target: SplitterTarget
    registry: str
    vaults: dict[str, str]  # role -> vault address (roles without a vault are left out)
    # The splitter's and its vaults' events, and the bridge's and message passer's events in
    # the splitter's L1-withdrawal transactions, in chain order.
    events: list[EventLog]
    opening: Snapshot
    closing: Snapshot
    # The registry's settings for this chain at the block before the range (`from_block` - 1).
    registry_at_start: RegistryAtBlock = field(default_factory=lambda: RegistryAtBlock(block=-1))
    # Each vault's minimum withdrawal amount at the range's last block.
    vault_minimums: dict[str, int] = field(default_factory=dict)


@dataclass
class SharedHistory:
    target: SharedTarget
    registry: str
    start: int  # the first block read
    complete: bool  # the splitter had no code before `start`: its whole history was read
    # Its events from `start` to the range's end, and the bridge's and message passer's events in
    # its L1-withdrawal transactions, in chain order.
    events: list[EventLog]
    closing: SharedViews
    # Each chain it settled or paid: the registry's terms history at the range's last block.
    terms: dict[int, tuple[TermsEntry, ...]] = field(default_factory=dict)


@dataclass
class History:
    """The chain data of one report."""

    network: str
    chain_id: int
    from_block: int
    to_block: int
    splitters: list[SplitterHistory]
    registry_events: list[EventLog]  # the registries' changes from `from_block` to `to_block`
    timestamps: dict[int, int]  # block -> timestamp: disbursements, terms history changes, the last block
    read_at: str = ""
    shared: list[SharedHistory] = field(default_factory=list)  # shared sequencer splitters


def _snapshot(
    reader: ChainReader,
    splitter: str,
    vaults: Iterable[str],
    assets: Iterable[str],
    recipients: Iterable[str],
    block: int,
) -> Snapshot:
    snap = Snapshot(block=block)
    for asset in assets:
        snap.balance[asset] = reader.balance(splitter, block, asset)
        snap.total_owed[asset] = reader.call_uint(splitter, "totalOwed(address)", ["address"], [asset], block)
        for recipient in recipients:
            snap.owed[(asset, recipient)] = reader.call_uint(
                splitter, "owed(address,address)", ["address", "address"], [asset, recipient], block
            )
    for vault in vaults:
        snap.vault_processed[vault] = reader.call_uint(vault, "totalProcessed()", [], [], block)
        snap.vault_balance[vault] = reader.balance(vault, block)
    return snap


def vault_minimum(reader: ChainReader, vault: str, block: int) -> int:
    """A fee vault's minimum withdrawal amount at ``block``; a contract without one is no vault."""
    minimum = minimum_at_block(reader, vault, block)
    if minimum is None:
        raise ChainMismatch(f"{vault} has no MIN_WITHDRAWAL_AMOUNT() at block {block}: is it a fee vault?")
    return minimum


def check_range(from_block: int, to_block: int | None, latest: int) -> int:
    """The range's last block; a range the node does not have is a `ChainMismatch`."""
    if from_block > latest:
        raise ChainMismatch(
            f"the range starts at block {from_block}, after the node's latest block {latest}: "
            "check --from-block and that the node is synced and on the right network"
        )
    if to_block is not None and to_block > latest:
        raise ChainMismatch(
            f"the range ends at block {to_block}, after the node's latest block {latest}: "
            "check --to-block and that the node is synced"
        )
    last = latest if to_block is None else to_block
    if from_block > last:
        raise ChainMismatch(f"the range starts at block {from_block}, after its end at block {last}")
    return last


def splitter_setup(reader: ChainReader, target: SplitterTarget, block: int) -> tuple[str, dict[str, str]]:
    """The splitter's registry and vaults at ``block``, once the chain shows that the target is
    a ChainRevenueSplitter of the chain it was given, with a registry and vaults that exist."""
    where = f"at block {block}"
    if reader.code_size(target.address, block) == 0:
        raise ChainMismatch(
            f"no contract at {target.address} {where}: is it the splitter's address, on this network?"
        )
    try:
        registry = reader.call_address(target.address, "REGISTRY()", block)
        served = reader.call_uint(target.address, "CHAIN_ID()", [], [], block)
        vaults = {
            role: reader.call_address(target.address, getter, block) for role, getter in VAULT_GETTERS.items()
        }
    except CallReverted:
        raise ChainMismatch(
            f"{target.address} is not a ChainRevenueSplitter (it has no REGISTRY(), CHAIN_ID() and "
            "vault getters): pass the splitter's address"
        ) from None
    if served != target.chain_id:
        raise ChainMismatch(
            f"the splitter at {target.address} serves chain {served}, not {target.chain_id}: "
            f"report on it as chain {served} (--splitter {served}={target.address})"
        )
    if reader.code_size(registry, block) == 0:
        raise ChainMismatch(f"the splitter's registry {registry} has no code {where}")
    vaults = {role: vault for role, vault in vaults.items() if int(vault, 16)}
    for role, vault in vaults.items():
        if reader.code_size(vault, block) == 0:
            raise ChainMismatch(
                f"the splitter's {VAULT_NAMES[role]} {vault} has no code {where}: no vault can pay from there"
            )
    return registry, vaults


def shared_setup(reader: ChainReader, target: SharedTarget, block: int) -> str:
    """The shared splitter's registry at ``block``, once the chain shows a SharedSequencerSplitter
    at the target's address."""
    address = target.address
    if reader.code_size(address, block) == 0:
        raise ChainMismatch(
            f"no contract at {address} at block {block}: "
            "is it the shared splitter's address, on this network?"
        )
    answers = [reader.first_word(address, [getter], block) for getter in SHARED_GETTERS]
    if None in answers:
        raise ChainMismatch(
            f"{address} is not a SharedSequencerSplitter (it has no {', '.join(SHARED_GETTERS)}): "
            "pass the shared splitter's address"
        )
    registry = reader.call_address(address, "REGISTRY()", block)
    if reader.code_size(registry, block) == 0:
        raise ChainMismatch(f"the shared splitter's registry {registry} has no code at block {block}")
    return registry


def _shared_history(
    reader: ChainReader,
    decoder: EventDecoder,
    target: SharedTarget,
    registry: str,
    start: int,
    last: int,
    sweep: Callable[[str, list[str], int, EventDecoder], list[EventLog]],
) -> SharedHistory:
    """One shared splitter's events from ``start``, its claims' L1 records, terms and views."""
    own = sweep(f"shared splitter {target.address[:10]}", [target.address], start, LEDGER_DECODER)
    events = sorted(own + _l1_path_events(reader, decoder, own), key=lambda e: e.position)
    assets = {ETH_ASSET} | {e.args["asset"] for e in own if "asset" in e.args}
    chain_ids = {c for e in own for c in _chains_of(e)}
    accounts = {
        e.args[key]
        for e in own
        for key in ("collective", "operatorFeeRecipient", "account", "from", "to")
        if key in e.args and e.name != "L1WithdrawalInitiated"
    }
    epochs = {e.args["epoch"] for e in own if e.name == "EpochReported"}
    closing = read_shared_views(reader, target.address, last, assets, chain_ids, accounts, epochs)
    terms = {cid: registry_at_block(reader, registry, cid, last).history for cid in sorted(chain_ids)}
    complete = start == 0 or reader.code_size(target.address, start - 1) == 0
    return SharedHistory(target, registry, start, complete, events, closing, terms)


def _chains_of(event: EventLog) -> list[int]:
    """The chains an event of a shared splitter settles or pays."""
    if event.name == "ChainsSettled":
        return [c.chain_id for c in unpack_settlements(bytes.fromhex(event.args["settlements"][2:]))]
    if event.name in ("ChainSettled", "ChainClaimed", "EpochDisputed"):
        return [event.args["chainId"]] if event.args["chainId"] else []
    return []


def _l1_path_events(reader: ChainReader, decoder: EventDecoder, own: list[EventLog]) -> list[EventLog]:
    """The predeploys' events in the transactions where the splitters announced an L1 withdrawal,
    read block by block (the predeploys serve every user of the chain: a range read could be huge),
    each block once for every splitter, and only those transactions' logs decoded."""
    sent = [e for e in own if e.name == "L1WithdrawalInitiated"]
    txs = {e.tx_hash for e in sent}
    found: list[EventLog] = []
    for block in sorted({e.block for e in sent}):
        for raw in reader.logs(list(L1_PATH_EVENTS), decoder.topics, block, block):
            if raw.get("transactionHash") not in txs:
                continue
            event = decoder.decode(raw)
            if event is not None and L1_PATH_EVENTS.get(event.address) == event.name:
                found.append(event)
    return found


def collect_history(
    reader: ChainReader,
    event_abis: Iterable[Any],
    targets: list[SplitterTarget],
    *,
    network: str,
    from_block: int,
    to_block: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    progress: SweepProgress | None = None,
    shared: Sequence[SharedTarget] = (),
) -> History:
    """Read the events and snapshots of ``targets`` (and of the ``shared`` splitters) over
    ``from_block``..``to_block`` (latest)."""
    decoder = EventDecoder(event_abis)
    if from_block < 0:
        raise ChainMismatch(f"the range starts at block {from_block}: blocks start at 0")
    last = check_range(from_block, to_block, reader.latest_block())

    def sweep(label: str, addresses: list[str], start: int, using: EventDecoder = decoder) -> list[EventLog]:
        def step(done: int, total: int) -> None:
            if progress is not None:
                progress(label, done, total)

        raw = reader.logs(addresses, using.topics, start, last, page_size=page_size, progress=step)
        for entry in raw:
            if entry.get("blockTimestamp"):
                reader.remember_timestamp(int(entry["blockNumber"], 16), int(entry["blockTimestamp"], 16))
        decoded = (using.decode(entry) for entry in raw)
        return sorted((e for e in decoded if e is not None), key=lambda e: e.position)

    setups = [(target, *splitter_setup(reader, target, last)) for target in targets]
    for target in shared:
        if target.deployed_block > last:
            raise ChainMismatch(
                f"--shared {target.address}@{target.deployed_block}: the deployment block is after the "
                f"report's last block {last:,}"
            )
    shared_setups = [(target, shared_setup(reader, target, last)) for target in shared]
    registries = sorted({registry for _, registry, _ in setups})
    registry_events = [
        e for e in sweep("registry events", registries, from_block) if e.name in REGISTRY_EVENTS
    ]
    watched = [t.address for t, _, _ in setups] + [v for _, _, vaults in setups for v in vaults.values()]
    events = sweep("splitter and vault events", watched, from_block)

    splitters = []
    timestamps: dict[int, int] = {}
    splitter_addresses = {t.address for t, _, _ in setups}
    path_events = _l1_path_events(reader, decoder, [e for e in events if e.address in splitter_addresses])
    for target, registry, vaults in setups:
        own = [
            e
            for e in events
            if (e.address == target.address and e.name in SPLITTER_EVENTS)
            or (e.address in vaults.values() and e.name in VAULT_EVENTS)
        ]
        own_txs = {e.tx_hash for e in own if e.name == "L1WithdrawalInitiated"}
        own = sorted(own + [e for e in path_events if e.tx_hash in own_txs], key=lambda e: e.position)
        assets = {ETH_ASSET} | {e.args["asset"] for e in own if "asset" in e.args}
        recipients = {e.args["recipient"] for e in own if "recipient" in e.args} | {
            e.args[side] for e in own if e.name == "CreditMoved" for side in ("from", "to")
        }
        opening = (
            _snapshot(reader, target.address, vaults.values(), assets, recipients, from_block - 1)
            if from_block > 0
            else Snapshot(block=-1)
        )
        closing = _snapshot(reader, target.address, vaults.values(), assets, recipients, last)
        for e in own:
            if (
                e.name in ("Disbursed", "BoundarySettled", "L1WithdrawalInitiated")
                and e.block not in timestamps
            ):
                timestamps[e.block] = reader.timestamp(e.block)
        at_start = registry_at_block(reader, registry, target.chain_id, from_block - 1)
        minimums = {vault: vault_minimum(reader, vault, last) for vault in vaults.values()}
        splitters.append(SplitterHistory(target, registry, vaults, own, opening, closing, at_start, minimums))

    shared_histories = [
        _shared_history(reader, decoder, target, registry, target.deployed_block or from_block, last, sweep)
        for target, registry in shared_setups
    ]
    for e in (e for s in shared_histories for e in s.events):
        if e.block not in timestamps:
            timestamps[e.block] = reader.timestamp(e.block)

    # When each change to a terms history happened, and the range's end: the lifecycle view.
    for e in registry_events:
        if e.name in LIFECYCLE_EVENTS and e.block not in timestamps:
            timestamps[e.block] = reader.timestamp(e.block)
    timestamps.setdefault(last, reader.timestamp(last))
    return History(
        network=network,
        chain_id=reader.chain_id(),
        from_block=from_block,
        to_block=last,
        splitters=splitters,
        registry_events=registry_events,
        timestamps=timestamps,
        read_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        shared=shared_histories,
    )
