"""The OP Stack revenue-share predeploys on the local node ape is connected to (the demo, the
benchmarks and the tests): the real bedrock ProxyAdmin and L2ToL1MessagePasser (bundled from
`@eth-optimism/contracts-bedrock`), and the project's test-only models of the 1.6.0 fee vaults
and the FeeSplitter (no package ships their bytecode), installed at their predeploy addresses
with `anvil_setCode` as an L2 after the revenue-share upgrade has them; the models' state is set
by `initialize`. A local node only. (`revshare.demo.opstack` does the same over plain JSON-RPC
for the multi-chain lab.)"""

from __future__ import annotations

from typing import Any

from revshare.artifacts import container, contract_type
from revshare.chain.addresses import FEE_SPLITTER, L2_TO_L1_MESSAGE_PASSER, PREDEPLOY_VAULTS, PROXY_ADMIN
from revshare.chain.opstack import L1_NETWORK, L2_NETWORK
from revshare.demo.opstack import PROXY_ADMIN_OWNER_SLOT

L1, L2 = L1_NETWORK, L2_NETWORK  # FeeVault WithdrawalNetwork


def install_model(name: str, address: str) -> Any:
    """Put a bundled contract's runtime code at `address` (no constructor runs: only for code that
    keeps no constructor state). Returns the contract there."""
    from ape import chain

    chain.provider.set_code(address, contract_type(name).runtime_bytecode.bytecode)
    return container(name).at(address)


def install_proxy_admin(owner_address: str) -> Any:
    """The real bedrock `ProxyAdmin` at its predeploy (0x4200…0018) owned by `owner_address`
    (code, then the owner in slot 0, as an L2 genesis has it)."""
    from ape import chain
    from eth_utils import to_checksum_address

    owner = to_checksum_address(owner_address)
    admin = install_model("ProxyAdmin", PROXY_ADMIN)
    chain.provider.set_storage(PROXY_ADMIN, PROXY_ADMIN_OWNER_SLOT, bytes.fromhex(owner[2:].rjust(64, "0")))
    if admin.owner() != owner:
        raise RuntimeError("the ProxyAdmin's owner did not land in slot 0")
    return admin


def install_message_passer() -> Any:
    """The real bedrock `L2ToL1MessagePasser` at its predeploy (0x4200…0016); no initialisation."""
    return install_model("L2ToL1MessagePasser", L2_TO_L1_MESSAGE_PASSER)


def install_fee_vaults(sender: Any, recipient: str, minimum: int = 0, network: int = L2) -> dict[str, Any]:
    """The 1.6.0 fee vault model at the four vault predeploys, each initialized to pay `recipient`
    on `network` from `minimum`. Keyed by role (`revshare.chain.addresses.PREDEPLOY_VAULTS`)."""
    vaults = {}
    for role, address in PREDEPLOY_VAULTS.items():
        vaults[role] = install_model("FeeVaultModel", address)
        vaults[role].initialize(recipient, minimum, network, sender=sender)
    return vaults


def install_fee_splitter(sender: Any, shares_calculator: Any) -> Any:
    """The FeeSplitter model at its predeploy (0x4200…002B), initialized with `shares_calculator`
    (which starts its first 1-day interval)."""
    splitter = install_model("FeeSplitterModel", FEE_SPLITTER)
    splitter.initialize(shares_calculator, sender=sender)
    return splitter
