"""A real Safe (1.5.0, from `@safe-global/safe-smart-account`) on the local node ape is connected
to (the demo and the tests), executing the generated Transaction Builder batches the way the
Safe app does: the batch's checksum is checked with the
app's algorithm, each transaction's calldata is rebuilt from its `contractMethod` and
`contractInputsValues` (what the app encodes), a batch of several goes through
`MultiSendCallOnly` by delegatecall (one transaction as a plain call), the owners sign the
EIP-712 `safeTxHash`, and `execTransaction` runs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes

from revshare.artifacts import container
from revshare.chain.reader import split_top_level
from revshare.governance.safe_batch import batch_checksum

ZERO = "0x" + "00" * 20
CALL, DELEGATECALL = 0, 1


@dataclass(frozen=True)
class SafeKit:
    """The Safe singletons one test module deploys once."""

    singleton: Any
    factory: Any
    fallback_handler: Any
    multisend: Any


def deploy_safe_kit(deployer: Any) -> SafeKit:
    return SafeKit(
        singleton=deployer.deploy(container("SafeL2")),
        factory=deployer.deploy(container("SafeProxyFactory")),
        fallback_handler=deployer.deploy(container("CompatibilityFallbackHandler")),
        multisend=deployer.deploy(container("MultiSendCallOnly")),
    )


def deploy_safe(kit: SafeKit, deployer: Any, owners: list[Any], threshold: int, salt: int = 0) -> Any:
    """A new Safe proxy with `owners` (accounts) and `threshold`."""
    setup = kit.singleton.setup.encode_input(
        [o.address for o in owners], threshold, ZERO, b"", kit.fallback_handler, ZERO, 0, ZERO
    )
    receipt = kit.factory.createProxyWithNonce(kit.singleton, setup, salt, sender=deployer)
    (created,) = receipt.events.filter(kit.factory.ProxyCreation)
    return container("SafeL2").at(created.proxy)


def _value(kind: str, text: Any) -> Any:
    """One Transaction Builder input value (always a string) as the ABI type wants it."""
    if kind.endswith("]"):
        items = json.loads(text) if isinstance(text, str) else text
        return [_value(kind[: kind.rindex("[")], item) for item in items]
    if kind.startswith("("):  # a tuple: a JSON array of its components, at top level a string
        items = json.loads(text) if isinstance(text, str) else text
        kinds = split_top_level(kind[1:-1])
        assert len(items) == len(kinds), (kind, text)
        return tuple(_value(k, item) for k, item in zip(kinds, items, strict=True))
    if kind == "bool":  # "true"/"false" at top level; a JSON boolean inside an array or tuple
        assert text in ("true", "false", True, False), text
        return text in ("true", True)
    if kind == "address":
        return to_checksum_address(text)
    if kind.startswith(("uint", "int")):
        return int(text)
    if kind.startswith("bytes"):
        return bytes(HexBytes(text))
    if kind == "string":
        return text
    raise AssertionError(f"unexpected type {kind}")


def _abi_type(entry: dict[str, Any]) -> str:
    if entry["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in entry["components"])
        return f"({inner})" + entry["type"].removeprefix("tuple")
    return entry["type"]


def _input(entry: dict[str, Any], text: Any) -> Any:
    if entry["type"] == "tuple":
        parts = json.loads(text) if isinstance(text, str) else text
        return tuple(_input(c, p) for c, p in zip(entry["components"], parts, strict=True))
    if entry["type"] == "tuple[]":
        element = {**entry, "type": "tuple"}
        return [_input(element, item) for item in json.loads(text)]
    return _value(entry["type"], text)


def builder_calldata(transaction: dict[str, Any]) -> bytes:
    """The calldata the Transaction Builder encodes from a transaction's method and input values."""
    method = transaction["contractMethod"]
    inputs = method["inputs"]
    types = [_abi_type(i) for i in inputs]
    values = [_input(i, transaction["contractInputsValues"][i["name"]]) for i in inputs]
    return keccak(text=f"{method['name']}({','.join(types)})")[:4] + encode(types, values)


def imported_batch(path: Any, safe: Any) -> list[tuple[str, int, bytes]]:
    """Import a `safe-batch.json` as the app does: (to, value, data) per transaction."""
    batch = json.loads(path.read_text())
    assert batch["meta"]["checksum"] == batch_checksum(batch), "the app would reject the checksum"
    assert batch["meta"]["createdFromSafeAddress"] == safe.address
    assert int(batch["chainId"]) == safe.provider.chain_id
    found = []
    for tx in batch["transactions"]:
        data = builder_calldata(tx)
        assert "0x" + data.hex() == tx["data"], "data differs from what the app encodes from the inputs"
        found.append((to_checksum_address(tx["to"]), int(tx["value"]), data))
    return found


def multisend_payload(transactions: list[tuple[str, int, bytes]]) -> bytes:
    """`MultiSendCallOnly.multiSend` packing: operation, to, value, data length, data."""
    packed = b"".join(
        CALL.to_bytes(1, "big")
        + bytes(HexBytes(to))
        + value.to_bytes(32, "big")
        + len(data).to_bytes(32, "big")
        + data
        for to, value, data in transactions
    )
    return packed


def execute(
    safe: Any, kit: SafeKit, transactions: list[tuple[str, int, bytes]], signers: list[Any], sender: Any
) -> Any:
    """Sign and execute `transactions` through `safe` (one call, or a MultiSendCallOnly batch)."""
    if len(transactions) == 1:
        ((to, value, data),) = transactions
        operation = CALL
    else:
        to, value, operation = kit.multisend.address, 0, DELEGATECALL
        data = bytes(kit.multisend.multiSend.encode_input(multisend_payload(transactions)))
    nonce = safe.call_view_method("nonce")  # `safe.nonce` is ape's account nonce
    tx_hash = safe.getTransactionHash(to, value, data, operation, 0, 0, 0, ZERO, ZERO, nonce)
    signatures = b""
    for signer in sorted(signers, key=lambda s: int(s.address, 16)):
        signature = signer.sign_raw_msghash(HexBytes(tx_hash))
        # r and s as 32 bytes each: ape may hand them over without their leading zero bytes (about one
        # signature in 128), and a short signature makes the Safe revert (GS020/GS026).
        r, s = (int.from_bytes(bytes(part), "big").to_bytes(32, "big") for part in (signature.r, signature.s))
        signatures += r + s + bytes([signature.v])
    receipt = safe.execTransaction(to, value, data, operation, 0, 0, 0, ZERO, ZERO, signatures, sender=sender)
    failures = list(receipt.events.filter(safe.ExecutionFailure))
    assert not failures, "the Safe's transaction failed"
    return receipt


def execute_batch_file(path: Any, safe: Any, kit: SafeKit, signers: list[Any], sender: Any) -> Any:
    """Import a generated batch and execute it through the Safe with `signers`' signatures."""
    return execute(safe, kit, imported_batch(path, safe), signers, sender)
