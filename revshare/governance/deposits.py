"""Calls an L1 account makes on an L2 as deposit transactions: OP Stack chains governed from L1
(the L2 ProxyAdmin owned by the alias of the L1 ProxyAdmin owner) reconfigure their predeploys by
calling `OptimismPortal.depositTransaction` on L1, and the call arrives on L2 from the alias."""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_utils import keccak

from revshare.governance.proposals import Call

DEPOSIT_SIGNATURE = "depositTransaction(address,uint256,uint64,bool,bytes)"
# The least L2 gas a deposit gets, and the margin over the estimate (the estimate is made now,
# the deposit runs later).
MIN_DEPOSIT_GAS = 100_000
GAS_MARGIN_PERCENT = 150


def deposit_gas(provider: Any, sender: str, call: Call) -> int:
    """L2 gas for the call as a deposit: the estimate as `sender` plus the margin."""
    request = {"from": sender, "to": call.target, "data": "0x" + call.data.hex(), "value": call.value}
    try:
        estimate = int(provider.web3.eth.estimate_gas(request))
    except Exception:  # the proposal already simulated each call; keep a safe default
        estimate = MIN_DEPOSIT_GAS
    return max(MIN_DEPOSIT_GAS, estimate * GAS_MARGIN_PERCENT // 100)


def l1_deposits(provider: Any, l2_sender: str, l1_sender: str, calls: list[Call]) -> dict[str, Any]:
    """`depositTransaction` arguments and calldata for each call, in order, for `l1_sender`."""
    deposits = []
    for call in calls:
        gas = deposit_gas(provider, l2_sender, call)
        data = keccak(text=DEPOSIT_SIGNATURE)[:4] + encode(
            ["address", "uint256", "uint64", "bool", "bytes"],
            [call.target, call.value, gas, False, call.data],
        )
        deposits.append(
            {
                "l2_call": call.signature,
                "to": call.target,
                "value": str(call.value),
                "gas_limit": gas,
                "is_creation": False,
                "data": "0x" + call.data.hex(),
                "deposit_calldata": "0x" + data.hex(),
            }
        )
    return {
        "l1_sender": l1_sender,
        "l2_sender": l2_sender,
        "send_to": "the chain's OptimismPortal (proxy) on L1",
        "function": DEPOSIT_SIGNATURE,
        "deposits": deposits,
    }
