"""A `SharedSequencerSplitter`'s epochs rebuilt from its logs: each epoch's window, attribution,
settlement, dispute state and the facts a dispute or a resolution restates to the contract.

The logs of one report come in one transaction, in this order: the chains' settlements (one
`ChainSettled` per chain, or one `ChainsSettled` for a packed report), `EpochReported`, then
`EpochWindow`. A governance correction emits `ChainSettled` per chain, then `EpochCorrected`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from eth_abi import encode

from revshare.chain.reader import ChainReader, EventDecoder, EventLog, event_abi
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
    raw = reader.logs([address], SHARED_DECODER.topics, start, last)
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
