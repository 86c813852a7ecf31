"""The registry's state as plain data: now through an ape contract (`read_registry`: chains, the
Collective, guardian, owner, destinations), or for one chain at a past block through a `ChainReader`
(`registry_at_block`, what the report starts from)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode
from eth_utils import to_checksum_address as to_checksum

from revshare.chain.addresses import ZERO_ADDRESS
from revshare.chain.reader import ChainReader
from revshare.chain.routes import Destination, Route
from revshare.lifecycle import TermsEntry


@dataclass(frozen=True)
class ChainState:
    """A chain as the registry holds it; the rates and hash are those in force now."""

    chain_id: int
    treasury: str
    gross_bps: int
    net_bps: int
    active: bool
    terms_hash: str
    history: tuple[TermsEntry, ...] = ()  # every terms entry, scheduled ones included
    treasury_may_exit: bool = False
    exit_by_treasury: bool = False  # the announced exit is the treasury's: only it may cancel

    @property
    def exit_at(self) -> int:
        """When the chain leaves (or left) revenue sharing; 0 if no exit is announced."""
        return self.history[-1].effective_at if self.history and self.history[-1].exit else 0

    @property
    def latest_terms(self) -> tuple[int, int, str]:
        """(gross bps, net bps, terms hash) of the last entry: the terms the chain will have once
        every scheduled change took effect (rates 0 after an announced exit)."""
        if not self.history:
            return self.gross_bps, self.net_bps, self.terms_hash
        last = self.history[-1]
        return last.gross_bps, last.net_bps, "0x" + last.terms_hash.hex()

    def pending(self, now: int) -> list[TermsEntry]:
        """Entries scheduled after ``now`` (a terms change, the exit)."""
        return [e for e in self.history if e.effective_at > now]


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
    notice_period: int = 0
    keeper_reward: tuple[int, int] = (0, 0)  # (bps, cap)
    timestamp: int = field(default=0, compare=False)  # of the block the state was read at
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
            history=tuple(
                TermsEntry(
                    int(e.grossBps), int(e.netBps), int(e.effectiveAt), bool(e.exit), bytes(e.termsHash)
                )
                for e in registry.termsHistory(chain_id)
            ),
            treasury_may_exit=bool(registry.treasuryMayExit(chain_id)),
            exit_by_treasury=bool(registry.exitByTreasury(chain_id)),
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
        notice_period=int(registry.noticePeriod()),
        keeper_reward=tuple(int(v) for v in registry.keeperReward()),  # type: ignore[arg-type]
        timestamp=int(registry.chain_manager.blocks.head.timestamp),
        destinations={
            key: found
            for key, address in recipients.items()
            if (found := read_destination(registry, address)) != Destination()
        },
    )


# ---------------------------------------------------------------- at a past block, over JSON-RPC
@dataclass(frozen=True)
class DestinationAtBlock:
    """A recipient's payout route in the registry (0 = L2; otherwise an L1 route)."""

    route: int
    l1_recipient: str
    l1_gas_limit: int
    min_amount: int


@dataclass(frozen=True)
class RegistryAtBlock:
    """What the registry had in force for one chain at one block (``registered`` False before
    the chain or the registry existed)."""

    block: int
    registered: bool = False
    treasury: str = ZERO_ADDRESS
    gross_bps: int = 0
    net_bps: int = 0
    active: bool = False
    terms_hash: str = ""
    collective: str = ZERO_ADDRESS
    destinations: dict[str, DestinationAtBlock] = field(default_factory=dict)  # treasury and Collective
    history: tuple[TermsEntry, ...] = ()  # the chain's terms history as it stood then


def registry_at_block(reader: ChainReader, registry: str, chain_id: int, block: int) -> RegistryAtBlock:
    """The registry's settings for ``chain_id`` at ``block``, read through a paged-JSON-RPC
    `ChainReader` (nothing before the registry was deployed)."""
    if block < 0 or reader.code_size(registry, block) == 0:
        return RegistryAtBlock(block=block)
    collective = reader.call_address(registry, "collective()", block)
    if not reader.call_uint(registry, "isRegistered(uint256)", ["uint256"], [chain_id], block):
        return RegistryAtBlock(block=block, collective=collective)
    raw = reader.call(registry, "getChain(uint256)", ["uint256"], [chain_id], block)
    treasury, gross_bps, net_bps, active, _, terms_hash = decode(
        ["address", "uint16", "uint16", "bool", "bool", "bytes32"], raw
    )
    raw = reader.call(registry, "termsHistory(uint256)", ["uint256"], [chain_id], block)
    (entries,) = decode(["(uint16,uint16,uint64,bool,bytes32)[]"], raw)
    history = tuple(TermsEntry(g, n, at, exit_, bytes(h)) for g, n, at, exit_, h in entries)
    destinations = {}
    for recipient in dict.fromkeys((to_checksum(treasury), collective)):
        raw = reader.call(registry, "destinationOf(address)", ["address"], [recipient], block)
        route, l1_recipient, gas, minimum = decode(["uint8", "address", "uint32", "uint128"], raw)
        destinations[recipient] = DestinationAtBlock(route, to_checksum(l1_recipient), gas, minimum)
    return RegistryAtBlock(
        block=block,
        registered=True,
        treasury=to_checksum(treasury),
        gross_bps=gross_bps,
        net_bps=net_bps,
        active=active,
        terms_hash="0x" + terms_hash.hex(),
        collective=collective,
        destinations=destinations,
        history=history,
    )
