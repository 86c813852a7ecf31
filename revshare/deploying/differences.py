"""How a deployment config differs from the registry on chain: what `ape run deploy` lists on a
complete deployment, for governance to apply through `ape run propose`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from revshare.chain.addresses import ZERO_ADDRESS
from revshare.chain.registry import RegistryState
from revshare.deploying.config import DeployConfig


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
        # Against the last scheduled terms: a change already scheduled is not proposed again.
        gross_bps, net_bps, terms_hash = current.latest_terms
        compare(
            f"{where} terms (gross/net bps)", f"{gross_bps}/{net_bps}", f"{chain.gross_bps}/{chain.net_bps}"
        )
        compare(f"{where} terms hash", terms_hash, chain.terms_hash)
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
