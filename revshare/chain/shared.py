"""A `SharedSequencerSplitter`'s epochs rebuilt from its logs: each epoch's window, attribution,
settlement, dispute state and the facts a dispute or a resolution restates to the contract.

The logs of one report come in one transaction, in this order: the chains' settlements (one
`ChainSettled` per chain, or one `ChainsSettled` for a packed report), `EpochReported`, then
`EpochWindow`. A governance correction emits `ChainSettled` per chain, then `EpochCorrected`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak

from revshare.chain.reader import CallReverted, ChainReader, EventDecoder, EventLog, event_abi
from revshare.epochs import SettledChain, unpack_settlements

EPOCH_REPORTED = (
    "EpochReported(uint256 indexed epoch, address indexed asset, uint256 chainCount, uint256 gross, "
    "uint256 operatorFee, uint256 collectiveShare, uint256 chainShare, address collective, "
    "address operatorFeeRecipient)"
)
EPOCH_WINDOW = (
    "EpochWindow(uint256 indexed epoch, uint256 windowStart, uint256 windowEnd, uint256 termsSince, "
    "uint256 feeBps, uint256 disputableUntil, bytes32 digest)"
)
CHAIN_SETTLED = (
    "ChainSettled(uint256 indexed chainId, uint256 gross, uint256 l1Cost, uint256 operatorFee, "
    "uint256 collectiveShare, uint256 chainShare)"
)
CHAINS_SETTLED = "ChainsSettled(uint256 indexed epoch, bytes settlements)"
EPOCH_DISPUTED = (
    "EpochDisputed(uint256 indexed epoch, uint256 indexed chainId, address indexed disputer, "
    "uint256 chainsHeld, uint256 operatorFeeHeld, uint256 collectiveShareHeld)"
)
EPOCH_CONFIRMED = "EpochConfirmed(uint256 indexed epoch, uint256 gross)"
EPOCH_CORRECTED = (
    "EpochCorrected(uint256 indexed epoch, address indexed asset, uint256 chainCount, uint256 gross, "
    "uint256 added, uint256 operatorFee, uint256 collectiveShare, uint256 chainShare)"
)
CHAIN_CLAIMED = (
    "ChainClaimed(address indexed asset, uint256 indexed chainId, address treasury, address caller, "
    "uint256 amount)"
)
ACCOUNT_CLAIMED = (
    "AccountClaimed(address indexed asset, address indexed account, address caller, uint256 amount)"
)
L1_WITHDRAWAL_INITIATED = (
    "L1WithdrawalInitiated(address indexed recipient, address l1Recipient, uint256 amount, "
    "uint8 route, uint32 l1GasLimit)"
)
DISPUTE_WINDOW_UPDATED = "DisputeWindowUpdated(uint32 window)"
OPERATOR_FEE_UPDATED = "OperatorFeeUpdated(address indexed recipient, uint16 feeBps)"

SHARED_EVENTS = (
    EPOCH_REPORTED,
    EPOCH_WINDOW,
    CHAIN_SETTLED,
    CHAINS_SETTLED,
    EPOCH_DISPUTED,
    EPOCH_CONFIRMED,
    EPOCH_CORRECTED,
    CHAIN_CLAIMED,
    ACCOUNT_CLAIMED,
    L1_WITHDRAWAL_INITIATED,
    DISPUTE_WINDOW_UPDATED,
    OPERATOR_FEE_UPDATED,
)
SHARED_DECODER = EventDecoder(event_abi(e) for e in SHARED_EVENTS)

# `SharedSequencerSplitter.EpochStatus`, by its number in `epochRecord`.
STATUSES = ("unknown", "reported", "disputed", "confirmed", "corrected")


@dataclass(frozen=True)
class Dispute:
    """Who disputed an epoch, and what the dispute held."""

    chain_id: int
    disputer: str
    block: int
    tx_hash: str
    chains_held: int
    operator_fee_held: int
    collective_share_held: int


@dataclass(frozen=True)
class SharedEpoch:
    """One reported epoch as its logs tell it."""

    epoch: int
    asset: str
    block: int
    tx_hash: str
    window_start: int
    window_end: int
    terms_since: int
    fee_bps: int
    disputable_until: int
    digest: str
    collective: str
    fee_recipient: str
    packed: bool
    chains: tuple[SettledChain, ...]
    dispute: Dispute | None = None
    resolution: str = ""  # "", "confirmed" or "corrected"
    corrected: tuple[SettledChain, ...] = ()
    added: int = 0  # what the correction paid in on top of the reported gross
    resolved_block: int = 0
    resolved_tx: str = ""

    @property
    def status(self) -> str:
        """reported, disputed, confirmed or corrected."""
        if self.resolution:
            return self.resolution
        return "disputed" if self.dispute is not None else "reported"

    @property
    def gross(self) -> int:
        return sum(c.gross for c in self.chains)

    @property
    def settled(self) -> tuple[SettledChain, ...]:
        """What the epoch finally credits: the correction's chains once corrected, else the report's."""
        return self.corrected if self.resolution == "corrected" else self.chains

    def chain(self, chain_id: int) -> SettledChain | None:
        """The report's record of one chain (None: the report left it out)."""
        return next((c for c in self.chains if c.chain_id == chain_id), None)

    def records(self) -> bytes:
        """The chains' records as the contract hashed them (`EpochFacts.records`)."""
        if self.packed:
            return b"".join(_packed_record(c) for c in self.chains)
        return b"".join(
            encode(
                ["uint256"] * 6,
                [c.chain_id, c.gross, c.l1_cost, c.operator_fee, c.collective_share, c.chain_share],
            )
            for c in self.chains
        )

    def facts(self) -> tuple[str, str, str, int, int, bool, bytes]:
        """The `EpochFacts` tuple `disputeEpoch`, `confirmEpoch` and `correctEpoch` take."""
        return (
            self.asset,
            self.collective,
            self.fee_recipient,
            self.fee_bps,
            self.terms_since,
            self.packed,
            self.records(),
        )


def _packed_record(c: SettledChain) -> bytes:
    return (
        c.chain_id.to_bytes(8, "big")
        + c.gross.to_bytes(12, "big")
        + c.l1_cost.to_bytes(12, "big")
        + c.operator_fee.to_bytes(12, "big")
        + c.collective_share.to_bytes(12, "big")
    )


def _settled(log: EventLog) -> SettledChain:
    a = log.args
    return SettledChain(a["chainId"], a["gross"], a["l1Cost"], a["operatorFee"], a["collectiveShare"])


@dataclass
class _Pending:
    """Logs of one transaction waiting for the event that ends the group."""

    tx_hash: str = ""
    settled: list[SettledChain] = field(default_factory=list)
    packed: bool = False
    reported: EventLog | None = None


def shared_epochs(logs: Iterable[EventLog]) -> list[SharedEpoch]:
    """Every epoch of one shared splitter, from its decoded logs (any order; other events ignored)."""
    epochs: dict[int, SharedEpoch] = {}
    pending = _Pending()
    for log in sorted(logs, key=lambda e: e.position):
        if log.tx_hash != pending.tx_hash:
            pending = _Pending(tx_hash=log.tx_hash)
        a = log.args
        if log.name == "ChainSettled":
            pending.settled.append(_settled(log))
        elif log.name == "ChainsSettled":
            pending.settled.extend(unpack_settlements(bytes.fromhex(a["settlements"][2:])))
            pending.packed = True
        elif log.name == "EpochReported":
            pending.reported = log
        elif log.name == "EpochWindow" and pending.reported is not None:
            r = pending.reported.args
            epochs[a["epoch"]] = SharedEpoch(
                epoch=a["epoch"],
                asset=r["asset"],
                block=log.block,
                tx_hash=log.tx_hash,
                window_start=a["windowStart"],
                window_end=a["windowEnd"],
                terms_since=a["termsSince"],
                fee_bps=a["feeBps"],
                disputable_until=a["disputableUntil"],
                digest=a["digest"],  # bytes32 and bytes values decode as 0x-hex strings
                collective=r["collective"],
                fee_recipient=r["operatorFeeRecipient"],
                packed=pending.packed,
                chains=tuple(pending.settled),
            )
            pending = _Pending(tx_hash=log.tx_hash)
        elif log.name == "EpochDisputed" and a["epoch"] in epochs:
            dispute = Dispute(
                a["chainId"],
                a["disputer"],
                log.block,
                log.tx_hash,
                a["chainsHeld"],
                a["operatorFeeHeld"],
                a["collectiveShareHeld"],
            )
            epochs[a["epoch"]] = replace(epochs[a["epoch"]], dispute=dispute)
        elif log.name == "EpochConfirmed" and a["epoch"] in epochs:
            epochs[a["epoch"]] = replace(
                epochs[a["epoch"]], resolution="confirmed", resolved_block=log.block, resolved_tx=log.tx_hash
            )
        elif log.name == "EpochCorrected" and a["epoch"] in epochs:
            epochs[a["epoch"]] = replace(
                epochs[a["epoch"]],
                resolution="corrected",
                corrected=tuple(pending.settled),
                added=a["added"],
                resolved_block=log.block,
                resolved_tx=log.tx_hash,
            )
            pending = _Pending(tx_hash=log.tx_hash)
    return [epochs[k] for k in sorted(epochs)]


def read_shared_logs(
    reader: ChainReader, address: str, start: int = 0, stop: int | None = None
) -> list[EventLog]:
    """Every decoded event of the shared splitter at `address` in blocks start..stop (default: latest)."""
    last = reader.latest_block() if stop is None else stop
    return _decoded(reader.logs([address], SHARED_DECODER.topics, start, last))


def _decoded(raw: Iterable[dict[str, Any]]) -> list[EventLog]:
    """The shared splitter's events among raw logs, decoded."""
    return [log for log in map(SHARED_DECODER.decode, raw) if log is not None]


def read_shared_epochs(
    reader: ChainReader, address: str, start: int = 0, stop: int | None = None
) -> list[SharedEpoch]:
    """The shared splitter's epochs as its logs in blocks start..stop tell them."""
    return shared_epochs(read_shared_logs(reader, address, start, stop))


def epoch_by_id(epochs: Sequence[SharedEpoch], epoch: int) -> SharedEpoch:
    """The epoch `epoch`, or a one-line error naming the epochs there are."""
    for e in epochs:
        if e.epoch == epoch:
            return e
    known = f"epochs 1-{epochs[-1].epoch}" if epochs else "no epochs"
    raise LookupError(f"epoch {epoch} was not reported by this shared splitter (it has {known})")


# Blocks per page of the search for one epoch's logs (few match: a node refusing the range halves it).
_EPOCH_PAGE = 1_000_000


def read_epoch(
    reader: ChainReader, address: str, epoch: int, start: int = 0, stop: int | None = None
) -> SharedEpoch | None:
    """One epoch of the shared splitter at `address` as its logs in blocks start..stop tell it
    (None: no report of it there). The logs naming the epoch are found by its topic, then only the
    blocks holding them are read whole (the report's chains are not indexed by epoch): a long range
    costs a search filtered by the epoch, in wide pages (halved where the node refuses one), not
    every log of the splitter."""
    from revshare.chain.reader import topic_of

    # The events naming an epoch in their first indexed topic: its report, dispute and resolution.
    named = [topic_of(e) for e in (EPOCH_WINDOW, EPOCH_DISPUTED, EPOCH_CONFIRMED, EPOCH_CORRECTED)]
    last = reader.latest_block() if stop is None else stop
    topic = "0x" + epoch.to_bytes(32, "big").hex()
    blocks: set[int] = set()
    for _, _, page in reader.log_pages([address], [named, [topic]], start, last, page_size=_EPOCH_PAGE):
        blocks.update(int(log["blockNumber"], 16) for log in page)
    raw = [
        log for block in sorted(blocks) for log in reader.logs([address], SHARED_DECODER.topics, block, block)
    ]
    return next((e for e in shared_epochs(_decoded(raw)) if e.epoch == epoch), None)


# ---------------------------------------------------------------- the report's replay and views
SURPLUS_CREDITED = "SurplusCredited(address indexed asset, address indexed collective, uint256 amount)"
CREDIT_MOVED = "CreditMoved(address indexed asset, address indexed from, address indexed to, uint256 amount)"
# Every event that moves a balance: the epochs', the claims', and surplus credits and credit moves.
LEDGER_EVENTS = (*SHARED_EVENTS, SURPLUS_CREDITED, CREDIT_MOVED)
LEDGER_DECODER = EventDecoder(event_abi(e) for e in LEDGER_EVENTS)


def epoch_digest(epoch: SharedEpoch) -> str:
    """The digest of the epoch's facts as rebuilt from its logs, computed as `epochDigest` does:
    equal to `EpochWindow.digest` exactly when the logs hold what the report committed to."""
    asset, collective, fee_recipient, fee_bps, since, packed, records = epoch.facts()
    encoded = encode(
        ["address", "address", "address", "uint256", "uint256", "bool", "bytes32"],
        [asset, collective, fee_recipient, fee_bps, since, packed, keccak(records)],
    )
    return "0x" + keccak(encoded).hex()


@dataclass(frozen=True)
class EpochRecordView:
    """`epochRecord(epoch)`: all zero (status "unknown") for an epoch reported without a dispute window."""

    digest: str
    disputable_until: int
    reportable_at: int
    status: str


@dataclass
class SharedViews:
    """A shared splitter's balances and counters at one block, from its own views."""

    block: int
    last_epoch: int = 0
    claims_open_at: int = 0
    balance: dict[str, int] = field(default_factory=dict)  # asset -> held by the splitter
    total_claimable: dict[str, int] = field(default_factory=dict)  # asset -> totalClaimable
    # asset -> surplus(); None when the view reverts (the splitter holds less than totalClaimable)
    surplus: dict[str, int | None] = field(default_factory=dict)
    chain_claimable: dict[tuple[str, int], int] = field(default_factory=dict)  # (asset, chain id)
    account_claimable: dict[tuple[str, str], int] = field(default_factory=dict)  # (asset, account)
    records: dict[int, EpochRecordView] = field(default_factory=dict)  # epoch -> epochRecord


def read_shared_views(
    reader: ChainReader,
    address: str,
    block: int,
    assets: Iterable[str],
    chain_ids: Iterable[int],
    accounts: Iterable[str],
    epochs: Iterable[int],
) -> SharedViews:
    """The views of the shared splitter at `address` at `block` for the given assets, chains,
    accounts and epochs."""
    views = SharedViews(block=block)
    views.last_epoch = reader.call_uint(address, "lastEpoch()", [], [], block)
    views.claims_open_at = reader.call_uint(address, "claimsOpenAt()", [], [], block)
    chain_ids, accounts = sorted(set(chain_ids)), sorted(set(accounts))
    for asset in sorted(set(assets)):
        views.balance[asset] = reader.balance(address, block, asset)
        views.total_claimable[asset] = reader.call_uint(
            address, "totalClaimable(address)", ["address"], [asset], block
        )
        try:
            views.surplus[asset] = reader.call_uint(address, "surplus(address)", ["address"], [asset], block)
        except CallReverted:
            views.surplus[asset] = None
        for chain_id in chain_ids:
            views.chain_claimable[(asset, chain_id)] = reader.call_uint(
                address, "chainClaimable(address,uint256)", ["address", "uint256"], [asset, chain_id], block
            )
        for account in accounts:
            views.account_claimable[(asset, account)] = reader.call_uint(
                address, "accountClaimable(address,address)", ["address", "address"], [asset, account], block
            )
    for epoch in sorted(set(epochs)):
        raw = reader.call(address, "epochRecord(uint256)", ["uint256"], [epoch], block)
        digest, until, reportable, status = decode(["bytes32", "uint64", "uint64", "uint8"], raw)
        name = STATUSES[status] if status < len(STATUSES) else f"status {status}"
        views.records[epoch] = EpochRecordView("0x" + bytes(digest).hex(), until, reportable, name)
    return views
