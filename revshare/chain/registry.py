"""The registry's state as plain data: chains, the Collective, guardian, owner and destinations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from revshare.chain.routes import Destination, Route


@dataclass(frozen=True)
class ChainState:
    chain_id: int
    treasury: str
    gross_bps: int
    net_bps: int
    active: bool
    terms_hash: str


@dataclass(frozen=True)
class RegistryState:
    address: str
    owner: str
    pending_owner: str
    collective: str
    guardian: str
    paused: bool
    terms_version: int
    chains: dict[int, ChainState]
    # Destinations other than a plain L2 transfer, among the Collective, the treasuries and any
    # watched address (lower-case keys).
    destinations: dict[str, Destination] = field(default_factory=dict)

    def destination_of(self, recipient: str) -> Destination:
        return self.destinations.get(recipient.lower(), Destination())


def read_destination(registry: Any, recipient: str) -> Destination:
    """`registry.destinationOf(recipient)` as a `Destination`."""
    route, l1_recipient, gas_limit, min_amount = registry.destinationOf(recipient)
    return Destination(Route(int(route)), str(l1_recipient), int(gas_limit), int(min_amount))


def read_registry(registry: Any, watch: Iterable[str] = ()) -> RegistryState:
    """Everything governance can change, read from a deployed ChainRegistry. The registry cannot
    list destinations, so those of the Collective, every treasury and ``watch`` are read."""
    chains: dict[int, ChainState] = {}
    for index in range(registry.chainCount()):
        chain_id = registry.chainIdAt(index)
        raw = registry.getChain(chain_id)
        chains[chain_id] = ChainState(
            chain_id=chain_id,
            treasury=str(raw.treasury),
            gross_bps=int(raw.grossBps),
            net_bps=int(raw.netBps),
            active=bool(raw.active),
            terms_hash="0x" + bytes(raw.termsHash).hex(),
        )
    collective = str(registry.collective())
    recipients = {a.lower(): a for a in (collective, *(c.treasury for c in chains.values()), *watch)}
    return RegistryState(
        address=str(registry.address),
        owner=str(registry.owner()),
        pending_owner=str(registry.pendingOwner()),
        collective=collective,
        guardian=str(registry.guardian()),
        paused=bool(registry.paused()),
        terms_version=int(registry.termsVersion()),
        chains=chains,
        destinations={
            key: found
            for key, address in recipients.items()
            if (found := read_destination(registry, address)) != Destination()
        },
    )
