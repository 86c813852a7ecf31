"""Everything the report needs from the chain, collected once into plain data.

For each splitter: its events (``Disbursed``, ``RevenueSources``, ``PayoutDeferred``,
``Claimed``, ``L1WithdrawalInitiated``) and its fee vaults' ``Withdrawal`` events over the block
range; for every transaction that sent ETH to L1, the L2StandardBridge's and L2ToL1MessagePasser's
own events in it; and a snapshot of balances and counters at the block before the range and at
its last block. The registry's term and address changes are
read from its deployment on, so the terms in force at any block are known. The analysis
(`revshare.report.analysis`) works on this data alone, which is also what the tests tamper with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from revshare.config import ETH_ASSET
from revshare.report.reader import DEFAULT_PAGE_SIZE, ChainReader, EventDecoder, EventLog
from revshare.routes import L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER

SPLITTER_EVENTS = ("Disbursed", "RevenueSources", "PayoutDeferred", "Claimed", "L1WithdrawalInitiated")
VAULT_EVENTS = ("Withdrawal",)
# The withdrawal predeploys' own records of an ETH withdrawal started by the splitter.
L1_PATH_EVENTS = {L2_STANDARD_BRIDGE: "ETHBridgeInitiated", L2_TO_L1_MESSAGE_PASSER: "MessagePassed"}
REGISTRY_EVENTS = ("ChainRegistered", "TermsUpdated", "TreasuryUpdated", "CollectiveUpdated")
# The splitter's immutable getter for each vault role.
VAULT_GETTERS = {
    "sequencer_fee_vault": "SEQUENCER_FEE_VAULT()",
    "base_fee_vault": "BASE_FEE_VAULT()",
    "operator_fee_vault": "OPERATOR_FEE_VAULT()",
    "l1_fee_vault": "L1_FEE_VAULT()",
}
# (what is being read, blocks done, blocks in all)
SweepProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SplitterTarget:
    """A ChainRevenueSplitter to report on."""

    chain_id: int
    address: str
    name: str = ""
    deployed_block: int = 0


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


@dataclass
class History:
    """The chain data of one report."""

    network: str
    chain_id: int
    from_block: int
    to_block: int
    splitters: list[SplitterHistory]
    registry_events: list[EventLog]  # from each registry's deployment to `to_block`
    timestamps: dict[int, int]  # block -> timestamp, for blocks with a disbursement
    read_at: str = ""


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


def _l1_path_events(reader: ChainReader, decoder: EventDecoder, own: list[EventLog]) -> list[EventLog]:
    """The predeploys' events in the transactions where the splitter announced an L1 withdrawal,
    read block by block (the predeploys serve every user of the chain: a range read could be huge)."""
    sent = [e for e in own if e.name == "L1WithdrawalInitiated"]
    txs = {e.tx_hash for e in sent}
    found: list[EventLog] = []
    for block in sorted({e.block for e in sent}):
        for raw in reader.logs(list(L1_PATH_EVENTS), decoder.topics, block, block):
            event = decoder.decode(raw)
            if event is not None and event.tx_hash in txs and L1_PATH_EVENTS.get(event.address) == event.name:
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
    registry_from_block: int = 0,
    page_size: int = DEFAULT_PAGE_SIZE,
    progress: SweepProgress | None = None,
) -> History:
    """Read the events and snapshots of ``targets`` over ``from_block``..``to_block`` (latest)."""
    decoder = EventDecoder(event_abis)
    last = reader.latest_block() if to_block is None else to_block
    if from_block < 0 or last < from_block:
        raise ValueError(f"empty block range {from_block}..{last}")

    def sweep(label: str, addresses: list[str], start: int) -> list[EventLog]:
        def step(done: int, total: int) -> None:
            if progress is not None:
                progress(label, done, total)

        raw = reader.logs(addresses, decoder.topics, start, last, page_size=page_size, progress=step)
        for entry in raw:
            if entry.get("blockTimestamp"):
                reader.remember_timestamp(int(entry["blockNumber"], 16), int(entry["blockTimestamp"], 16))
        decoded = (decoder.decode(entry) for entry in raw)
        return sorted((e for e in decoded if e is not None), key=lambda e: e.position)

    setups = []
    for target in targets:
        registry = reader.call_address(target.address, "REGISTRY()", last)
        vaults = {}
        for role, getter in VAULT_GETTERS.items():
            vault = reader.call_address(target.address, getter, last)
            if int(vault, 16):
                vaults[role] = vault
        setups.append((target, registry, vaults))

    registries = sorted({registry for _, registry, _ in setups})
    registry_events = [
        e
        for e in sweep("registry events", registries, min(registry_from_block, last))
        if e.name in REGISTRY_EVENTS
    ]
    watched = [t.address for t, _, _ in setups] + [v for _, _, vaults in setups for v in vaults.values()]
    events = sweep("splitter and vault events", watched, from_block)

    splitters = []
    timestamps: dict[int, int] = {}
    for target, registry, vaults in setups:
        own = [
            e
            for e in events
            if (e.address == target.address and e.name in SPLITTER_EVENTS)
            or (e.address in vaults.values() and e.name in VAULT_EVENTS)
        ]
        own = sorted(own + _l1_path_events(reader, decoder, own), key=lambda e: e.position)
        assets = {ETH_ASSET} | {e.args["asset"] for e in own if "asset" in e.args}
        recipients = {e.args["recipient"] for e in own if "recipient" in e.args}
        opening = (
            _snapshot(reader, target.address, vaults.values(), assets, recipients, from_block - 1)
            if from_block > 0
            else Snapshot(block=-1)
        )
        closing = _snapshot(reader, target.address, vaults.values(), assets, recipients, last)
        for e in own:
            if e.name == "Disbursed":
                timestamps[e.block] = reader.timestamp(e.block)
        splitters.append(SplitterHistory(target, registry, vaults, own, opening, closing))

    return History(
        network=network,
        chain_id=reader.chain_id(),
        from_block=from_block,
        to_block=last,
        splitters=splitters,
        registry_events=registry_events,
        timestamps=timestamps,
        read_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
