"""`propose from-config`: every registry setting a deployment config would change (what
`ape run deploy` lists on a complete deployment, `revshare.deploying.differences`), as one batch
made of the single-change proposals, each checked as it would be alone against the state the parts
before it leave."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from revshare.chain.addresses import ZERO_ADDRESS
from revshare.chain.registry import RegistryState
from revshare.deploying.config import DeployConfig
from revshare.deploying.differences import diff_config
from revshare.governance import proposals as p
from revshare.governance.proposals import Proposal, ProposalError


def _parts(
    registry: Any, state: RegistryState, config: DeployConfig, splitter_of: Callable[[int], Any | None]
) -> tuple[list[Proposal], list[str]]:
    """The single-change proposals, in order, each checked against the state the ones before it
    leave (so roles can swap in one batch), and what the config asks that this does not propose: a
    chain on chain but not in the config is never deregistered, an inactive one never reactivated
    (the config has no active flag: it may have been deactivated on purpose)."""
    parts: list[Proposal] = []
    left: list[str] = []
    # Treasuries first: one may take the old Collective address once it is free, or free its own.
    chains = dict(state.chains)
    for chain in config.chains:
        current = chains.get(chain.chain_id)
        if current is not None and current.treasury.lower() != chain.treasury.lower():
            # The Collective as it will be: its old address is free for a treasury after the batch.
            now = dataclasses.replace(state, chains=chains, collective=config.collective)
            parts.append(
                p.propose_set_treasury(
                    registry, now, chain.chain_id, chain.treasury, splitter_of(chain.chain_id)
                )
            )
            chains[chain.chain_id] = dataclasses.replace(current, treasury=chain.treasury)
    state = dataclasses.replace(state, chains=chains)
    if state.collective.lower() != config.collective.lower():
        parts.append(p.propose_set_collective(registry, state, config.collective))
        state = dataclasses.replace(state, collective=config.collective)
    if state.guardian.lower() != (config.guardian or ZERO_ADDRESS).lower():
        parts.append(p.propose_set_guardian(registry, state, config.guardian or ZERO_ADDRESS))
        state = dataclasses.replace(state, guardian=config.guardian or ZERO_ADDRESS)
    for chain in config.chains:
        current = state.chains.get(chain.chain_id)
        if current is None:
            parts.append(
                p.propose_register_chain(
                    registry,
                    state,
                    chain.chain_id,
                    chain.treasury,
                    chain.gross_bps,
                    chain.net_bps,
                    chain.terms_hash,
                )
            )
            continue
        gross_bps, net_bps, terms_hash = current.latest_terms
        if (gross_bps, net_bps, terms_hash.lower()) != (
            chain.gross_bps,
            chain.net_bps,
            chain.terms_hash.lower(),
        ):
            parts.append(
                p.propose_set_terms(
                    registry, state, chain.chain_id, chain.gross_bps, chain.net_bps, chain.terms_hash
                )
            )
        if not current.active:
            left.append(
                f"Chain {chain.chain_id} is inactive on chain: not reactivated (the config cannot say it "
                f"should be); `ape run propose reactivate-chain --chain-id {chain.chain_id}` if meant."
            )
    recipients = {a.lower(): a for a in (config.collective, *(c.treasury for c in config.chains))}
    recipients.update({a.lower(): a for a in config.destinations})
    for key in sorted(set(recipients) | set(state.destinations)):
        address = recipients.get(key, key)
        if state.destination_of(address) != config.destination_of(address):
            parts.append(p.propose_set_destination(registry, state, address, config.destination_of(address)))
    configured = {c.chain_id for c in config.chains}
    left += [
        f"Chain {chain_id} is registered but not in the config: chains are never deregistered; "
        f"deactivate it with `ape run propose deactivate-chain --chain-id {chain_id}` if that is meant."
        for chain_id in sorted(set(state.chains) - configured)
    ]
    return parts, left


def propose_from_config(
    registry: Any,
    state: RegistryState,
    config: DeployConfig,
    splitter_of: Callable[[int], Any | None] = lambda _: None,
) -> Proposal:
    """Every difference between `config` and the registry, as one proposal."""
    parts, left = _parts(registry, state, config, splitter_of)
    if not parts:
        listed = diff_config(config, state)
        extra = f" ({len(listed)} difference(s) governance cannot apply: see below)" if listed else ""
        raise ProposalError(
            "the registry already matches the config: nothing to propose"
            + extra
            + ("\n" + "\n".join(left) if left else "")
        )
    effect: list[str] = []
    for part in parts:
        effect += [f"### {part.title}", "", part.summary, "", *part.effect, ""]
    if left:
        effect += ["### Not proposed", "", *(f"- {line}" for line in left), ""]
    return Proposal(
        title=f"Bring the registry in line with the deployment config ({len(parts)} change(s))",
        slug="from-config",
        summary="; ".join(part.title for part in parts) + ".",
        calls=[call for part in parts for call in part.calls],
        settings=[row for part in parts for row in part.settings],
        effect=effect,
        acting=state.owner,
    )
