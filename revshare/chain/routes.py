"""Payout routes: the registry's `Route` enum and a recipient's `Destination` (L2 transfer,
L1 through the standard bridge or the message passer), with the registry's bounds on them."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from revshare.chain.addresses import ZERO_ADDRESS
from revshare.terminal import exact_eth

MIN_L1_GAS_LIMIT = 21_000  # ChainRegistry.MIN_L1_GAS_LIMIT
# Gas for the L1 call when none is given: ample for an EOA or a Safe's receive on L1.
DEFAULT_L1_GAS_LIMIT = 200_000
MAX_L1_GAS_LIMIT = 5_000_000  # ChainRegistry.MAX_L1_GAS_LIMIT
MAX_MIN_AMOUNT = 10_000 * 10**18  # ChainRegistry.MAX_L1_MIN_AMOUNT (10,000 ether)


class Route(IntEnum):
    """`IChainRegistry.Route`: how ETH reaches a recipient."""

    L2 = 0
    L1_STANDARD_BRIDGE = 1
    L1_MESSAGE_PASSER = 2

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self]


# Names used in configuration files and on the command line.
ROUTE_NAMES = {
    "l2": Route.L2,
    "l1-bridge": Route.L1_STANDARD_BRIDGE,
    "l1-message-passer": Route.L1_MESSAGE_PASSER,
}
ROUTE_LABELS = {
    Route.L2: "L2 transfer",
    Route.L1_STANDARD_BRIDGE: "L1 via L2StandardBridge",
    Route.L1_MESSAGE_PASSER: "L1 via L2ToL1MessagePasser",
}


class Destination(NamedTuple):
    """`IChainRegistry.Destination`; the default (all zero) is a plain L2 transfer."""

    route: Route = Route.L2
    l1_recipient: str = ZERO_ADDRESS  # the account paid on L1 (L1 routes only)
    l1_gas_limit: int = 0
    min_amount: int = 0

    def problem(self) -> str | None:
        """Why the registry would refuse this destination, or None."""
        if self.route == Route.L2:
            if int(self.l1_recipient, 16) or self.l1_gas_limit or self.min_amount:
                return "an L2 destination takes no l1_recipient, l1_gas_limit or min_amount"
            return None
        if not int(self.l1_recipient, 16):
            return "an L1 destination needs a non-zero l1_recipient"
        if not MIN_L1_GAS_LIMIT <= self.l1_gas_limit <= MAX_L1_GAS_LIMIT:
            return f"l1_gas_limit must be between {MIN_L1_GAS_LIMIT:,} and {MAX_L1_GAS_LIMIT:,}"
        if not 0 <= self.min_amount <= MAX_MIN_AMOUNT:
            return f"min_amount must be between 0 and {exact_eth(MAX_MIN_AMOUNT)}"
        return None

    def as_tuple(self) -> tuple[int, str, int, int]:
        return (int(self.route), self.l1_recipient, self.l1_gas_limit, self.min_amount)

    def describe(self) -> str:
        if self.route == Route.L2:
            return self.route.label
        return (
            f"{self.route.label} to {self.l1_recipient}, L1 gas {self.l1_gas_limit:,}, "
            f"minimum {exact_eth(self.min_amount)}"
        )
