"""The real OP Stack contracts, from the npm package `@eth-optimism/contracts-bedrock` (0.17.3:
forge artifacts of the 1.4.1 "legacy" fee vaults, whose config is immutable and whose
`withdraw()` pays an L2 recipient with a plain call carrying all remaining gas).

Tests use these instead of `MockFeeVault` wherever the package has the contract. It has no
OperatorFeeVault (that vault came later), so the operator role keeps the mock.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "node_modules/@eth-optimism/contracts-bedrock"
ARTIFACTS = PACKAGE / "forge-artifacts"
# Vault roles the package has real code for, and the contract that plays each.
REAL_VAULTS = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "l1_fee_vault": "L1FeeVault",
}
WITHDRAWAL_NETWORK_L2 = 1


@cache
def container(name: str) -> Any:
    """An ape ContractContainer for the bedrock contract `name` (e.g. "L1FeeVault")."""
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    artifact = json.loads((ARTIFACTS / f"{name}.sol" / f"{name}.json").read_text())
    contract_type = ContractType.model_validate(
        {
            "contractName": name,
            "abi": artifact["abi"],
            "deploymentBytecode": {"bytecode": artifact["bytecode"]["object"]},
            "runtimeBytecode": {"bytecode": artifact["deployedBytecode"]["object"]},
        }
    )
    return ContractContainer(contract_type)


def deploy_vault(sender: Any, role: str, recipient: str, minimum: int = 0) -> Any:
    """Deploy the real (legacy, 1.4.1) fee vault of `role` paying `recipient` on L2."""
    return sender.deploy(container(REAL_VAULTS[role]), recipient, minimum, WITHDRAWAL_NETWORK_L2)


def real_system(
    project: Any, owner: Any, registry: Any, *, chain_id: int, interval: int, l1_minimum: int = 0
) -> tuple[dict[str, Any], Any]:
    """A ChainRevenueSplitter whose sequencer, base and L1 fee vaults are the real OP Stack vaults
    (the operator vault is the mock, minimum 0: the package has none), deployed right after them."""
    from revshare.chain.addresses import VAULT_ROLES
    from revshare.deploying.deploy import create_address

    splitter_address = create_address(owner.address, owner.nonce + len(VAULT_ROLES))
    vaults = {}
    for role in VAULT_ROLES:
        if role in REAL_VAULTS:
            minimum = l1_minimum if role == "l1_fee_vault" else 0
            vaults[role] = deploy_vault(owner, role, splitter_address, minimum)
        else:
            vaults[role] = owner.deploy(project.MockFeeVault, splitter_address, 0, WITHDRAWAL_NETWORK_L2)
    splitter = owner.deploy(
        project.ChainRevenueSplitter, registry, chain_id, [vaults[r].address for r in VAULT_ROLES], interval
    )
    assert splitter.address == splitter_address
    return vaults, splitter


def runtime_code(name: str) -> str:
    """The runtime bytecode of the bedrock contract `name` (none of the ones installed below has
    immutables, so it runs as is at any address)."""
    artifact = json.loads((ARTIFACTS / f"{name}.sol" / f"{name}.json").read_text())
    deployed = artifact["deployedBytecode"]
    if deployed.get("immutableReferences"):
        raise ValueError(f"{name} has immutables: deploy it instead of copying its runtime code")
    return deployed["object"]


def withdrawal_hash(nonce: int, sender: str, target: str, value: int, gas_limit: int, data: bytes) -> bytes:
    """The hash the L2ToL1MessagePasser records for a withdrawal (bedrock `Hashing.hashWithdrawal`)."""
    from eth_abi import encode
    from eth_utils import keccak

    return keccak(
        encode(
            ["uint256", "address", "address", "uint256", "uint256", "bytes"],
            [nonce, sender, target, value, gas_limit, data],
        )
    )
