"""Shared-sequencer epochs: building reports and the exact expected settlement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from revshare.model import FeeSplit, split_with_fee


@dataclass(frozen=True)
class ChainRevenue:
    """One chain's attributed revenue in an epoch."""

    chain_id: int
    gross: int
    l1_cost: int

    def as_tuple(self) -> tuple[int, int, int]:
        """The ABI tuple `(chainId, gross, l1Cost)`."""
        return (self.chain_id, self.gross, self.l1_cost)


@dataclass(frozen=True)
class Terms:
    """A chain's revenue-share rates."""

    gross_bps: int = 250
    net_bps: int = 1_500


@dataclass(frozen=True)
class Settlement:
    """What one epoch report credits: per chain, and in total."""

    per_chain: dict[int, FeeSplit]

    @property
    def gross(self) -> int:
        return sum(s.operator_fee + s.collective + s.chain for s in self.per_chain.values())

    @property
    def operator_fee(self) -> int:
        return sum(s.operator_fee for s in self.per_chain.values())

    @property
    def collective(self) -> int:
        return sum(s.collective for s in self.per_chain.values())

    @property
    def chain_total(self) -> int:
        return sum(s.chain for s in self.per_chain.values())


# The packed report (`SharedSequencerSplitter.reportEpochPacked`): per chain, big-endian and
# concatenated, the chain id in 8 bytes and gross and L1 cost in 12 bytes each (one word).
_PACKED_FIELDS = (("chain id", 8), ("gross", 12), ("L1 cost", 12))
PACKED_CHAIN_BYTES = sum(size for _, size in _PACKED_FIELDS)


def pack_report(revenues: Iterable[ChainRevenue]) -> bytes:
    """The packed form of a report (32 bytes per chain instead of the ABI form's 96)."""
    out = bytearray()
    for revenue in revenues:
        for (name, size), value in zip(_PACKED_FIELDS, revenue.as_tuple(), strict=True):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"chain {revenue.chain_id}: {name} must be an integer, got {value!r}")
            if not 0 <= value < 1 << (8 * size):
                raise ValueError(
                    f"chain {revenue.chain_id}: {name} {value} does not fit the packed form "
                    f"({8 * size} bits); report it with the ABI form (reportEpoch)"
                )
            out += value.to_bytes(size, "big")
    return bytes(out)


def _records(data: bytes, sizes: tuple[int, ...], what: str) -> list[list[int]]:
    """Fixed-size records of big-endian unsigned fields, `sizes` bytes each, back to back."""
    record_bytes = sum(sizes)
    if len(data) % record_bytes:
        raise ValueError(f"{what} {record_bytes} bytes per chain, not {len(data)} bytes")
    records = []
    for start in range(0, len(data), record_bytes):
        fields, at = [], start
        for size in sizes:
            fields.append(int.from_bytes(data[at : at + size], "big"))
            at += size
        records.append(fields)
    return records


def unpack_report(data: bytes) -> list[ChainRevenue]:
    """The chains of a packed report, as the contract reads them."""
    sizes = tuple(size for _, size in _PACKED_FIELDS)
    return [ChainRevenue(*fields) for fields in _records(data, sizes, "a packed report is")]


_SETTLEMENT_FIELDS = (8, 12, 12, 12, 12)  # chain id, gross, L1 cost, operator fee, Collective share
SETTLEMENT_BYTES = sum(_SETTLEMENT_FIELDS)


@dataclass(frozen=True)
class SettledChain:
    """One chain of a `ChainsSettled` event (a packed report's settlement)."""

    chain_id: int
    gross: int
    l1_cost: int
    operator_fee: int
    collective_share: int

    @property
    def chain_share(self) -> int:
        return self.gross - self.operator_fee - self.collective_share


def unpack_settlements(data: bytes) -> list[SettledChain]:
    """The chains of a `ChainsSettled` event's `settlements` bytes."""
    return [SettledChain(*fields) for fields in _records(data, _SETTLEMENT_FIELDS, "settlements are")]


def placeholder_treasury(chain_id: int) -> str:
    """A code-less, never-precompile treasury address derived from a chain id (demos, tests, benchmarks)."""
    from eth_utils import to_checksum_address

    return to_checksum_address(f"0x7e{chain_id:038x}")


def sorted_report(revenues: Iterable[ChainRevenue]) -> list[ChainRevenue]:
    """Revenues in the order the contract requires (strictly increasing chain id)."""
    report = sorted(revenues, key=lambda r: r.chain_id)
    ids = [r.chain_id for r in report]
    if len(set(ids)) != len(ids):
        raise ValueError("a chain appears twice in one report")
    return report


def expected_settlement(
    revenues: Iterable[ChainRevenue], terms: Mapping[int, Terms], fee_bps: int
) -> Settlement:
    """The exact split the contract must make of one report."""
    per_chain = {}
    for revenue in revenues:
        chain_terms = terms[revenue.chain_id]
        per_chain[revenue.chain_id] = split_with_fee(
            revenue.gross, revenue.l1_cost, chain_terms.gross_bps, chain_terms.net_bps, fee_bps
        )
    return Settlement(per_chain)


# ---------------------------------------------------------------- the splitter's state, with disputes

ETH = "0x0000000000000000000000000000000000000000"


class SharedError(Exception):
    """What the contract would refuse, by its custom error's name."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


@dataclass
class EpochState:
    """What the model keeps of one epoch: the dispute path and what it credited."""

    asset: str
    settlement: Settlement
    collective: str
    fee_recipient: str
    fee_bps: int
    since: int
    window_start: int
    window_end: int
    disputable_until: int
    reportable_at: int  # when the next epoch may be reported
    recorded: bool  # a dispute window was set when it was reported
    status: str = "reported"  # reported, disputed, confirmed, corrected


@dataclass
class SharedSplitterModel:
    """`SharedSequencerSplitter`'s balances and rules as plain Python: windows, the dispute window,
    disputes holding an epoch's credits, confirmation, correction by a compensating report, and
    claims waiting while the last epoch can be disputed. Who may call (reporter, treasury,
    governance) and pauses are the caller's to check."""

    last_report_time: int
    fee_bps: int
    fee_recipient: str
    dispute_window: int = 0
    last_epoch: int = 0
    window_ends: dict[str, int] = field(default_factory=dict)  # per asset
    served: set[tuple[str, int]] = field(default_factory=set)  # (asset, chain) ever settled
    chains: dict[tuple[str, int], int] = field(default_factory=dict)
    accounts: dict[tuple[str, str], int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    epochs: dict[int, EpochState] = field(default_factory=dict)

    def claims_open_at(self) -> int:
        """Until when claims wait; 0 or past: open."""
        state = self.epochs.get(self.last_epoch)
        return state.disputable_until if state is not None and state.recorded else 0

    def reportable_at(self) -> int:
        """From when the next epoch may be reported (the last one's dispute window, then as long
        again with claims open)."""
        state = self.epochs.get(self.last_epoch)
        return state.reportable_at if state is not None and state.recorded else 0

    def last_window_end(self, asset: str = ETH) -> int:
        return self.window_ends.get(asset, 0)

    def set_window_start(self, now: int, start: int, asset: str = ETH) -> None:
        """Governance sets where the asset's first window starts (before any report)."""
        if self.last_epoch:
            raise SharedError("AlreadyReporting")
        if start > now:
            raise SharedError("InvalidWindow")
        self.window_ends[asset] = start

    def held(self, asset: str = ETH) -> int:
        """What disputed, unresolved epochs hold in `asset`."""
        return sum(
            s.settlement.gross for s in self.epochs.values() if s.asset == asset and s.status == "disputed"
        )

    def report(
        self,
        now: int,
        epoch: int,
        window_end: int,
        revenues: Sequence[ChainRevenue],
        terms: Mapping[int, Terms | None],
        collective: str,
        paid: int | None = None,
        asset: str = ETH,
    ) -> Settlement:
        """Settle an epoch (`terms`: each chain's terms in force at the period's start, None for a
        chain that is not active); raises `SharedError` as the contract would."""
        if epoch != self.last_epoch + 1:
            raise SharedError("EpochNotNext")
        if not revenues:
            raise SharedError("EmptyReport")
        if now < self.reportable_at():
            raise SharedError("ReportTooSoon")
        if window_end <= self.last_window_end(asset) or window_end > now:
            raise SharedError("InvalidWindow")
        settlement = self._split(
            revenues, terms, self.fee_bps, sum(r.gross for r in revenues) if paid is None else paid
        )
        since, window_start = self.last_report_time, self.last_window_end(asset)
        self.last_epoch, self.last_report_time = epoch, now
        self.window_ends[asset] = window_end
        self.served.update((asset, r.chain_id) for r in revenues)
        self._credit(asset, settlement, collective, self.fee_recipient, +1)
        self.total[asset] = self.total.get(asset, 0) + settlement.gross
        self.epochs[epoch] = EpochState(
            asset,
            settlement,
            collective,
            self.fee_recipient,
            self.fee_bps,
            since,
            window_start,
            window_end,
            now + self.dispute_window,
            now + 2 * self.dispute_window,
            recorded=self.dispute_window > 0,
        )
        return settlement

    def dispute(self, now: int, epoch: int, chain_id: int | None = None) -> EpochState:
        """Hold every credit of `epoch` (raises `NotDisputable` past its window or twice); a
        treasury's dispute (`chain_id`) needs a chain the splitter has settled in the asset."""
        state = self.epochs.get(epoch)
        if state is None or not state.recorded or state.status != "reported" or now >= state.disputable_until:
            raise SharedError("NotDisputable")
        if chain_id is not None and (state.asset, chain_id) not in self.served:
            raise SharedError("NotServed")
        state.status = "disputed"
        self._credit(state.asset, state.settlement, state.collective, state.fee_recipient, -1)
        return state

    def confirm(self, epoch: int) -> EpochState:
        """Release a disputed epoch's held credits as reported."""
        state = self._disputed(epoch)
        state.status = "confirmed"
        self._credit(state.asset, state.settlement, state.collective, state.fee_recipient, +1)
        return state

    def correct(
        self, epoch: int, revenues: Sequence[ChainRevenue], terms: Mapping[int, Terms | None], added: int = 0
    ) -> Settlement:
        """Replace a disputed epoch's held credits by `revenues` (`terms` as of the epoch's period
        start); `added` is paid in on top of the reported gross."""
        state = self._disputed(epoch)
        if not revenues:
            raise SharedError("EmptyReport")
        settlement = self._split(revenues, terms, state.fee_bps, state.settlement.gross + added)
        state.status = "corrected"
        state.settlement = settlement
        self.served.update((state.asset, c) for c, split in settlement.per_chain.items() if split.chain)
        self._credit(state.asset, settlement, state.collective, state.fee_recipient, +1)
        self.total[state.asset] = self.total.get(state.asset, 0) + added
        return settlement

    def claim_chain(self, now: int, chain_id: int, asset: str = ETH) -> int:
        """Pay a chain's balance (raises while claims wait, or when there is nothing)."""
        return self._pay(now, self.chains, (asset, chain_id), asset)

    def claim(self, now: int, account: str, asset: str = ETH) -> int:
        """Pay an account's balance (the Collective, the operator fee recipient)."""
        return self._pay(now, self.accounts, (asset, account.lower()), asset)

    def _pay(self, now: int, book: dict[Any, int], key: Any, asset: str) -> int:
        if now < self.claims_open_at():
            raise SharedError("DisputeWindowOpen")
        amount = book.get(key, 0)
        if amount == 0:
            raise SharedError("NothingToClaim")
        book[key] = 0
        self.total[asset] -= amount
        return amount

    def _disputed(self, epoch: int) -> EpochState:
        state = self.epochs.get(epoch)
        if state is None or state.status != "disputed":
            raise SharedError("NotDisputed")
        return state

    @staticmethod
    def _split(
        revenues: Sequence[ChainRevenue], terms: Mapping[int, Terms | None], fee_bps: int, paid: int
    ) -> Settlement:
        previous, attributed = 0, 0
        for revenue in revenues:
            if revenue.chain_id <= previous:
                raise SharedError("ChainsNotSorted")
            previous = revenue.chain_id
            attributed += revenue.gross
            if attributed > paid:
                raise SharedError("AttributionMismatch")
            if terms.get(revenue.chain_id) is None:
                raise SharedError("ChainInactive")
        if attributed != paid:
            raise SharedError("AttributionMismatch")
        return expected_settlement(revenues, {c: t for c, t in terms.items() if t is not None}, fee_bps)

    def _credit(
        self, asset: str, settlement: Settlement, collective: str, fee_recipient: str, sign: int
    ) -> None:
        for chain_id, split in settlement.per_chain.items():
            key = (asset, chain_id)
            self.chains[key] = self.chains.get(key, 0) + sign * split.chain
        for account, amount in (
            (collective, settlement.collective),
            (fee_recipient, settlement.operator_fee),
        ):
            key = (asset, account.lower())
            self.accounts[key] = self.accounts.get(key, 0) + sign * amount
