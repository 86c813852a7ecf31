"""What the monitor knows of one chain, as data: the records the ledger builds (withdrawals,
settlement batches, payments, findings) and what the store holds for the chain (`ChainData`).
The ledger (`ledger.py`) builds them; the findings (`findings.py`) check them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from revshare.chain.addresses import PREDEPLOY_VAULTS
from revshare.chain.finality import FinalityReport, L2Withdrawal
from revshare.chain.reader import EventLog
from revshare.chain.shared import SharedEpoch
from revshare.monitor.config import Terms, WatchedChain
from revshare.monitor.events import DECODER

VAULT_NAMES = {
    str(PREDEPLOY_VAULTS["sequencer_fee_vault"]).lower(): "SequencerFeeVault",
    str(PREDEPLOY_VAULTS["base_fee_vault"]).lower(): "BaseFeeVault",
    str(PREDEPLOY_VAULTS["l1_fee_vault"]).lower(): "L1FeeVault",
    str(PREDEPLOY_VAULTS["operator_fee_vault"]).lower(): "OperatorFeeVault",
}
L1_FEE_VAULT = str(PREDEPLOY_VAULTS["l1_fee_vault"]).lower()
NETWORKS = {0: "L1", 1: "L2"}


class Lookups(Protocol):
    """What the ledger asks the chain at a given block (the registry's terms, a splitter's
    Collective); `run` answers from the node, caching in the store."""

    def terms_at(self, chain: WatchedChain, block: int, timestamp: int, since: int | None = None) -> Terms:
        """The terms of a settlement at ``block``; with the registry, those in force at ``since``
        (when the settled period began: the settler's previous settlement) if given."""
        ...

    def collective_at(self, chain: WatchedChain, splitter: str, block: int) -> tuple[str, str] | None:
        """Where the splitter's Collective share went at ``block``: ("L2", the registry's Collective)
        or ("L1", the L1 recipient of its route); None when that cannot be asked."""
        ...


class ConfigLookups:
    """Terms from the config; a splitter's Collective unknown (no node to ask: its event is taken
    at its word)."""

    def terms_at(self, chain: WatchedChain, block: int, timestamp: int, since: int | None = None) -> Terms:
        return chain.terms_at(block, timestamp)

    def collective_at(self, chain: WatchedChain, splitter: str, block: int) -> tuple[str, str] | None:
        return None


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

    @property
    def internal(self) -> bool:
        """Into a fee vault on L2 (another: counted when that one is withdrawn; itself: a loop), so
        not revenue yet. Paid to L1 it has left the chain, whatever the address."""
        return self.to.lower() in VAULT_NAMES and self.network != 0

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
    kind: str  # "settled", "opening" (a settler's first in a range that starts mid-history) or a period
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
    keeper_reward: int = 0  # paid out of this batch's revenue to whoever triggered it, before the split

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


@dataclass(frozen=True)
class ServedBy:
    """What a served chain's ledger needs of the shared splitter that settles its revenue: the
    withdrawals to ``collection`` are settled per epoch, and the Collective's share of each epoch is
    its payment (counted where ``collectives``, lower case, holds the Collective credited)."""

    name: str
    address: str
    collection: str
    epochs: tuple[SharedEpoch, ...]
    times: Mapping[int, int]  # block -> timestamp on the splitter's network
    collectives: frozenset[str]
    where: str = "L2"  # the splitter's network: "L2", or "L1" for a splitter on Ethereum L1


@dataclass(frozen=True)
class SentToL1:
    """A withdrawal to L1 that something the monitor watches started on a chain: a fee vault
    withdrawing to L1, a splitter's payout or a shared splitter's claim on an L1 route. Its
    ``withdrawal`` (hash and all) comes from the message passer's ``MessagePassed`` in the same
    transaction; None when that block's messages were not read (``read`` False) or none matches."""

    chain: str
    origin: str  # "the SequencerFeeVault", "the splitter 0x…", "the shared splitter <name>"
    payer: str  # the contract whose ETH left for L1
    account: str  # whose payout it is (a splitter's recipient on L2; a vault's recipient)
    route: str  # "L2StandardBridge" or "L2ToL1MessagePasser" (a vault's: as its message shows)
    recipient: str  # who receives it on L1
    amount: int
    block: int
    log_index: int
    tx_hash: str
    timestamp: int
    withdrawal: L2Withdrawal | None = None
    read: bool = False  # its block's MessagePassed logs were read

    @property
    def position(self) -> tuple[int, int]:
        return (self.block, self.log_index)


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
    pending_since: dict[str, int] = field(default_factory=dict)  # the oldest such withdrawal's time
    in_vaults: dict[str, int] = field(default_factory=dict)  # vault balances at the last block
    findings: list[Finding] = field(default_factory=list)
    config_changes: list[EventLog] = field(default_factory=list)
    reference_time: int = 0  # the latest block time of any network read (silence is measured to it)
    lifecycle: list[tuple[int, str]] = field(default_factory=list)  # (time, step), from its registry
    shared_collection: str | None = None  # its shared splitter's collection address (pending: not reported)
    sent_to_l1: list[SentToL1] = field(default_factory=list)  # withdrawals to L1 started, in chain order
    finality: FinalityReport | None = None  # what L1 said of them (None: not read)
    unchecked: str = ""  # why their L1 finality was not read ("" when it was, or there are none)

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
    def keeper_rewards(self) -> int:
        return sum(b.keeper_reward for b in self.batches)

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
    l1_events: list[EventLog]  # decoded once for every chain
    l1_timestamps: dict[int, int]
    l1_at_stop: dict[tuple[str, str], Any] = field(default_factory=dict)  # L1 snapshot at its last block
    l1_stop_time: int | None = None  # the time of the last L1 block read
    reference_time: int = 0  # the latest block time of any network read (0: this chain's own)
    shared: ServedBy | None = None  # the shared splitter settling its withdrawals to a collection address
    message_blocks: frozenset[int] = frozenset()  # blocks whose MessagePassed logs are in ``logs``

    @cached_property
    def events(self) -> list[EventLog]:
        return decode_logs(self.logs)


def same_address(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def decode_logs(logs: list[dict[str, Any]]) -> list[EventLog]:
    return [event for event in (DECODER.decode(raw) for raw in logs) if event is not None]


@dataclass(frozen=True)
class Settlement:
    settler: str
    kind: str
    event: EventLog
    paid: int  # to the Collective, as the settler's event says
    reported_gross: int | None
    receiver: str | None = None  # the Collective's receiver it paid, where the event names it
    keeper_reward: int = 0  # paid to its caller out of the revenue before the split
