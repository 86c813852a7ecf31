"""Local chains only: the test-only stand-ins for the OP Stack withdrawal predeploys (anvil has
neither the L2StandardBridge nor the L2ToL1MessagePasser)."""

from __future__ import annotations

from typing import Any

from revshare.artifacts import container
from revshare.chain.addresses import L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER

MOCKS = {L2_STANDARD_BRIDGE: "MockL2StandardBridge", L2_TO_L1_MESSAGE_PASSER: "MockL2ToL1MessagePasser"}


def install_withdrawal_mocks(sender: Any) -> tuple[Any, Any]:
    """Put the test-only bridge and message-passer mocks' code at the predeploy addresses (a local
    node only: it needs `set_code`). Returns the two contracts at those addresses."""
    from ape import chain

    for address, name in MOCKS.items():
        model = sender.deploy(container(name))
        chain.provider.set_code(address, chain.provider.get_code(model.address))
    bridge, passer = (container(name).at(address) for address, name in MOCKS.items())
    return bridge, passer
