"""Exact integer reference model of the Superchain revenue-share rule.

The Collective receives the greater of ``grossBps`` of gross revenue and ``netBps`` of net
revenue (gross minus the L1 data cost, floored at zero), each rounded down, never more than
gross. The chain keeps the rest. Python integers are unbounded, so this is the arithmetic the
contracts must reproduce exactly for every uint256 input.
"""

from __future__ import annotations

from typing import NamedTuple

BPS_DENOMINATOR = 10_000
DEFAULT_GROSS_BPS = 250
DEFAULT_NET_BPS = 1_500
UINT256_MAX = 2**256 - 1

GROSS_RULE = "gross"
NET_RULE = "net"


class Split(NamedTuple):
    """How one amount of revenue is shared."""

    collective: int
    chain: int
    net_rule_applied: bool

    @property
    def rule(self) -> str:
        """Which rule set the Collective's share: ``"net"`` if it gave strictly more, else ``"gross"``."""
        return NET_RULE if self.net_rule_applied else GROSS_RULE


def apply_bps(amount: int, bps: int) -> int:
    """``floor(amount * bps / 10^4)``, saturating at ``amount`` for rates of 100% or more."""
    if bps >= BPS_DENOMINATOR:
        return amount
    return amount * bps // BPS_DENOMINATOR


def split(
    gross: int,
    l1_cost: int,
    gross_bps: int = DEFAULT_GROSS_BPS,
    net_bps: int = DEFAULT_NET_BPS,
) -> Split:
    """Split ``gross`` revenue, ``l1_cost`` of which paid for L1 data, between Collective and chain.

    >>> split(10 * 10**18, 4 * 10**18)  # 15% of the 6 ETH net beats 2.5% of the 10 ETH gross
    Split(collective=900000000000000000, chain=9100000000000000000, net_rule_applied=True)
    >>> split(10 * 10**18, 95 * 10**17).rule  # an L1-heavy day: 2.5% of gross is more
    'gross'
    """
    for name, value in (
        ("gross", gross),
        ("l1_cost", l1_cost),
        ("gross_bps", gross_bps),
        ("net_bps", net_bps),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return split_unchecked(gross, l1_cost, gross_bps, net_bps)


def split_unchecked(gross: int, l1_cost: int, gross_bps: int, net_bps: int) -> Split:
    """`split` without its argument checks: the same rule, for callers whose arguments are
    non-negative ints by construction (the fuzz benchmark's generated cases)."""
    by_gross = apply_bps(gross, gross_bps)
    by_net = apply_bps(max(gross - l1_cost, 0), net_bps)
    net_rule_applied = by_net > by_gross
    collective = by_net if net_rule_applied else by_gross
    return Split(collective, gross - collective, net_rule_applied)


class FeeSplit(NamedTuple):
    """How one chain's revenue is shared when a sequencer-operator fee is taken first."""

    operator_fee: int
    collective: int
    chain: int
    net_rule_applied: bool


def split_with_fee(
    gross: int,
    l1_cost: int,
    gross_bps: int = DEFAULT_GROSS_BPS,
    net_bps: int = DEFAULT_NET_BPS,
    fee_bps: int = 0,
) -> FeeSplit:
    """The operator fee (``fee_bps`` of gross, rounded down) comes off the top; the revenue-share
    rule then splits the remainder, with the same L1 cost. The three parts add up to ``gross``."""
    if isinstance(fee_bps, bool) or not isinstance(fee_bps, int) or fee_bps < 0:
        raise ValueError(f"fee_bps must be a non-negative integer, got {fee_bps!r}")
    fee = apply_bps(gross, fee_bps)
    rest = split(gross - fee, l1_cost, gross_bps, net_bps)
    return FeeSplit(fee, rest.collective, rest.chain, rest.net_rule_applied)


class RevenueSources(NamedTuple):
    """Where one disbursement's gross came from (the splitter's `RevenueSources` event).

    Gross counts every source; the L1 cost is the L1FeeVault's part, so net revenue is the
    sequencer, base and operator fees plus other inflows (plain transfers), which carry no L1 cost.
    """

    sequencer: int
    base: int
    operator: int
    l1: int
    other: int = 0

    @property
    def gross(self) -> int:
        return self.sequencer + self.base + self.operator + self.l1 + self.other

    @property
    def net(self) -> int:
        return self.gross - self.l1


def split_sources(
    sources: RevenueSources, gross_bps: int = DEFAULT_GROSS_BPS, net_bps: int = DEFAULT_NET_BPS
) -> Split:
    """The split of a disbursement given per source."""
    return split(sources.gross, sources.l1, gross_bps, net_bps)


class L1Payout(NamedTuple):
    """What an ETH payout to an L1 destination does: the amount sent to L1 now (with any earlier
    credit) and what stays credited to the recipient afterwards."""

    sent: int
    credited: int


def l1_payout(amount: int, credited: int, min_amount: int) -> L1Payout:
    """A payout of ``amount`` to a recipient already credited ``credited``: all of it leaves once
    the total reaches ``min_amount``; below that the amount joins the credit."""
    total = amount + credited
    return L1Payout(0, total) if total < min_amount else L1Payout(total, 0)
