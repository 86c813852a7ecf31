"""An OpenZeppelin TimelockController operation for a proposal's calls: the `schedule` and
`execute` (or their batch forms) calldata, the operation id, salt and delay."""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_utils import keccak

from revshare.governance.proposals import Call, contract_call


def timelock_operation(timelock: Any, calls: list[Call], delay: int, salt: bytes) -> dict[str, Any]:
    """schedule/execute calldata for `calls` on an OpenZeppelin TimelockController."""
    predecessor = b"\x00" * 32
    if len(calls) == 1:
        (call,) = calls
        op_id = keccak(
            encode(
                ["address", "uint256", "bytes", "bytes32", "bytes32"],
                [call.target, call.value, call.data, predecessor, salt],
            )
        )
        schedule_args = [call.target, call.value, call.data, predecessor, salt, delay]
        execute_args = [call.target, call.value, call.data, predecessor, salt]
        names = ("schedule", "execute")
    else:
        targets, values, payloads = (
            [c.target for c in calls],
            [c.value for c in calls],
            [c.data for c in calls],
        )
        op_id = keccak(
            encode(
                ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
                [targets, values, payloads, predecessor, salt],
            )
        )
        schedule_args = [targets, values, payloads, predecessor, salt, delay]
        execute_args = [targets, values, payloads, predecessor, salt]
        names = ("scheduleBatch", "executeBatch")
    address = str(timelock.address)
    schedule = contract_call(timelock, names[0], *schedule_args)
    execute = contract_call(timelock, names[1], *execute_args)
    return {
        "timelock": address,
        "operation_id": "0x" + op_id.hex(),
        "salt": "0x" + salt.hex(),
        "predecessor": "0x" + predecessor.hex(),
        "delay_seconds": delay,
        "schedule": {"to": address, "value": "0", "data": "0x" + schedule.data.hex(), "call": schedule},
        "execute": {"to": address, "value": "0", "data": "0x" + execute.data.hex(), "call": execute},
    }
