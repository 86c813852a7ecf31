"""Deploy the registry and a chain's splitter (plus mock fee vaults on local networks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rlp
from eth_utils import keccak, to_canonical_address, to_checksum_address

from revshare.config import VAULT_ROLES, ZERO_ADDRESS, ChainConfig, DeployConfig
from revshare.record import DeploymentRecord, record_path
from revshare.table import Log

LOCAL_CHAIN_IDS = {1337, 31337}
WITHDRAWAL_NETWORK_L2 = 1


@dataclass
class Deployment:
    """The contracts of one deployment, as ape contract instances."""

    registry: Any
    splitter: Any
    vaults: dict[str, Any]
    chain: ChainConfig
    record: DeploymentRecord


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from ``sender`` at ``nonce`` deploys to."""
    raw = keccak(rlp.encode([to_canonical_address(sender), nonce]))[12:]
    return to_checksum_address(raw)


def is_local(network_name: str, chain_id: int) -> bool:
    """Whether a network is a throwaway local one (mock vaults are deployed there)."""
    return network_name == "local" or chain_id in LOCAL_CHAIN_IDS


def _tx_info(instance: Any) -> tuple[str | None, int | None]:
    receipt = getattr(instance, "creation_metadata", None)
    tx_hash = getattr(instance, "txn_hash", None)
    block = getattr(receipt, "block", None) if receipt is not None else None
    return (str(tx_hash) if tx_hash else None, block)


def deploy(
    config: DeployConfig,
    chain_id: int | None,
    sender: Any,
    *,
    record_dir: Path = Path("deployments"),
    log: Log = print,
) -> Deployment:
    """Deploy ChainRegistry (registering every configured chain) and the chosen chain's splitter.

    On local networks, four MockFeeVaults paying the splitter stand in for the predeploys.
    The deployment record is written after every confirmed transaction.
    """
    from ape import networks, project

    target = config.chain(chain_id)
    provider = networks.provider
    network_choice = provider.network_choice
    node_chain_id = provider.chain_id
    local = is_local(provider.network.name, node_chain_id)
    record = DeploymentRecord(
        path=record_path(record_dir, network_choice),
        network=network_choice,
        chain_id=node_chain_id,
        deployer=str(sender.address),
        config=config.source,
    )

    def deployed(name: str, instance: Any, args: list[Any]) -> Any:
        tx_hash, block = _tx_info(instance)
        record.add_contract(name, str(instance.address), tx_hash, block, args)
        log(f"  {name:<24} {instance.address}")
        return instance

    log(f"Deploying on {network_choice} (chain id {node_chain_id}) from {sender.address}")
    registry_args = [str(sender.address), config.collective, config.guardian or ZERO_ADDRESS]
    registry = deployed("ChainRegistry", sender.deploy(project.ChainRegistry, *registry_args), registry_args)
    for chain in config.chains:
        receipt = registry.registerChain(
            chain.chain_id,
            chain.treasury,
            chain.gross_bps,
            chain.net_bps,
            chain.terms_hash,
            sender=sender,
        )
        record.add_action(
            f"registerChain({chain.chain_id}, {chain.treasury}, {chain.gross_bps}, {chain.net_bps})",
            str(receipt.txn_hash),
        )
        log(f"  registered chain {chain.chain_id} ({chain.name}): {chain.gross_bps}/{chain.net_bps} bps")

    vaults: dict[str, Any] = {}
    vault_addresses = dict(target.vaults)
    if local:
        # The splitter is deployed right after the four vaults, so its address is known now.
        splitter_address = create_address(sender.address, sender.nonce + len(VAULT_ROLES))
        for role in VAULT_ROLES:
            args = [splitter_address, config.mock_vault_min_withdrawal, WITHDRAWAL_NETWORK_L2]
            vaults[role] = deployed(f"MockFeeVault:{role}", sender.deploy(project.MockFeeVault, *args), args)
            vault_addresses[role] = str(vaults[role].address)

    vault_tuple = [vault_addresses[role] or ZERO_ADDRESS for role in VAULT_ROLES]
    splitter_args = [str(registry.address), target.chain_id, vault_tuple, target.disbursement_interval]
    splitter = deployed(
        f"ChainRevenueSplitter:{target.chain_id}",
        sender.deploy(project.ChainRevenueSplitter, *splitter_args),
        splitter_args,
    )
    if local and str(splitter.address) != splitter_address:
        raise RuntimeError(
            f"splitter deployed at {splitter.address}, but the mock vaults pay {splitter_address}"
        )

    if config.owner is not None:
        receipt = registry.transferOwnership(config.owner, sender=sender)
        record.add_action(f"transferOwnership({config.owner}) (pending acceptance)", str(receipt.txn_hash))
        log(f"  ownership offered to {config.owner}: it must call acceptOwnership()")

    log(f"Deployment record: {record.path}")
    return Deployment(registry=registry, splitter=splitter, vaults=vaults, chain=target, record=record)
