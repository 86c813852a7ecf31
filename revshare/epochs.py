"""Shared-sequencer epochs: building reports and the exact expected settlement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
