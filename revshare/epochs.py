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
