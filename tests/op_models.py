"""Install the test-only models of OP Stack contracts (contracts/test/optimism/, bundled in
revshare/artifacts) at their predeploy addresses on a local node, as an L2 after the
revenue-share upgrade has them: the code with `anvil_setCode`, the state by `initialize`.

The ProxyAdmin whose owner the models obey and the L2ToL1MessagePasser they withdraw through are
the real bedrock contracts: see `tests.bedrock.install_proxy_admin` / `install_message_passer`.
"""

from __future__ import annotations

from typing import Any

from revshare.artifacts import container, contract_type
from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS

L1, L2 = 0, 1  # FeeVault WithdrawalNetwork


def install_model(name: str, address: str) -> Any:
    """Put a bundled model's runtime code at `address` (no constructor runs: the models keep no
    constructor state). Returns the contract there."""
    from ape import chain

    chain.provider.set_code(address, contract_type(name).runtime_bytecode.bytecode)
    return container(name).at(address)


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
