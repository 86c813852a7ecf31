"""Safe{Wallet} Transaction Builder batches: the import format (`safe-batch.json`) with the
checksum the Transaction Builder verifies on import."""

from __future__ import annotations

import json
from typing import Any

from eth_utils import keccak, to_checksum_address

from revshare.governance.proposals import Call

TX_BUILDER_VERSION = "1.18.0"


def safe_value(kind: str, value: Any) -> str:
    if kind == "bool":
        return "true" if value else "false"
    if kind == "address":
        return to_checksum_address(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return json.dumps(_nested(value))
    return str(value)


def _nested(value: Any) -> Any:
    """A list's items as the Transaction Builder writes them: strings, nested for tuples in lists;
    a bool stays a JSON boolean (the app passes the parsed JSON to its ABI encoder, which reads any
    non-empty string, "false" too, as true)."""
    if isinstance(value, list | tuple):
        return [_nested(v) for v in value]
    if isinstance(value, bool):
        return value
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)


def _serialize(node: Any) -> str:
    """The Transaction Builder's checksum serialisation: objects as their sorted key list followed
    by each value and a comma, arrays and scalars as JSON."""
    if isinstance(node, list):
        return "[" + ",".join(_serialize(v) for v in node) + "]"
    if isinstance(node, dict):
        keys = sorted(node)
        body = "".join(_serialize(node[k]) + "," for k in keys)
        return "{" + json.dumps(keys, separators=(",", ":"), ensure_ascii=False) + body + "}"
    return json.dumps(node, separators=(",", ":"), ensure_ascii=False)


def batch_checksum(batch: dict[str, Any]) -> str:
    """keccak256 of the serialised batch with `meta.name` set to null, as the Transaction Builder checks."""
    unnamed = {**batch, "meta": {**batch["meta"], "name": None}}
    unnamed["meta"].pop("checksum", None)
    return "0x" + keccak(_serialize(unnamed).encode()).hex()


def safe_batch(
    calls: list[Call], chain_id: int, safe: str, name: str, description: str, created_ms: int
) -> dict:
    transactions = [
        {
            "to": call.target,
            "value": str(call.value),
            "data": "0x" + call.data.hex(),
            # A call without an ABI (raw calldata, e.g. to the CREATE2 factory) goes as data alone.
            "contractMethod": {"inputs": call.inputs, "name": call.method, "payable": call.payable}
            if call.method
            else None,
            "contractInputsValues": {
                i["name"]: safe_value(i["type"], v) for i, v in zip(call.inputs, call.args, strict=True)
            }
            if call.method
            else None,
        }
        for call in calls
    ]
    batch = {
        "version": "1.0",
        "chainId": str(chain_id),
        "createdAt": created_ms,
        "meta": {
            "name": name,
            "description": description,
            "txBuilderVersion": TX_BUILDER_VERSION,
            "createdFromSafeAddress": safe,
            "createdFromOwnerAddress": "",
        },
        "transactions": transactions,
    }
    batch["meta"]["checksum"] = batch_checksum(batch)
    return batch
