"""The registry's state as plain data, and how a config differs from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from revshare.chain.addresses import ZERO_ADDRESS
from revshare.chain.routes import Destination, Route
from revshare.deploying.config import DeployConfig


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


@dataclass(frozen=True)
class Difference:
    """One setting where the config and the chain disagree."""

    what: str
    on_chain: str
    in_config: str

    def __str__(self) -> str:
        return f"{self.what}: on-chain {self.on_chain}, config {self.in_config}"


def diff_config(config: DeployConfig, state: RegistryState) -> list[Difference]:
    """Every registry setting the config would change (chains only on-chain are listed too)."""
    found: list[Difference] = []

    def compare(what: str, on_chain: Any, wanted: Any) -> None:
        if str(on_chain).lower() != str(wanted).lower():
            found.append(Difference(what, str(on_chain), str(wanted)))

    compare("collective", state.collective, config.collective)
    compare("guardian", state.guardian, config.guardian or ZERO_ADDRESS)
    for chain in config.chains:
        current = state.chains.get(chain.chain_id)
        if current is None:
            found.append(Difference(f"chain {chain.chain_id}", "not registered", "registered"))
            continue
        where = f"chain {chain.chain_id}"
        compare(f"{where} treasury", current.treasury, chain.treasury)
        compare(
            f"{where} terms (gross/net bps)",
            f"{current.gross_bps}/{current.net_bps}",
            f"{chain.gross_bps}/{chain.net_bps}",
        )
        compare(f"{where} terms hash", current.terms_hash, chain.terms_hash)
        if not current.active:
            found.append(Difference(f"{where} active", "False", "True"))
    recipients = {a.lower(): a for a in (config.collective, *(c.treasury for c in config.chains))}
    recipients.update({a.lower(): a for a in config.destinations})
    for key in sorted(set(recipients) | set(state.destinations)):
        address = recipients.get(key, key)
        on_chain, wanted = state.destination_of(address), config.destination_of(address)
        if on_chain != wanted:
            found.append(Difference(f"destination of {address}", on_chain.describe(), wanted.describe()))
    configured = {c.chain_id for c in config.chains}
    for chain_id in sorted(set(state.chains) - configured):
        found.append(Difference(f"chain {chain_id}", "registered", "not in config"))
    return found
