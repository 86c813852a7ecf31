"""A thin JSON-RPC driver for the stateful test's hot loop (its `JsonRpc` also drives the
testnet stand-in nodes of `tests/integration/nodes.py`).

Ape's transaction path (nonce and chain-id look-ups, gas estimation, local signing, receipt
polling and enrichment) makes about a dozen round trips and costs 20-50 ms per transaction;
a stateful step needs one. Anvil keeps the test mnemonic's accounts unlocked, so this driver
sends `eth_sendTransaction` with a fixed gas limit and reads the receipt: one keep-alive HTTP
connection, two round trips, a few milliseconds. Contracts are still deployed, encoded and
described by ape (the ABI comes from the compiled project); only the sending is direct.

Expected reverts are checked with `eth_call` (the same code as a transaction, no state change
either way), optionally at a given block time through anvil's block overrides, and decoded
against every custom error the driven contracts declare.
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

GAS_LIMIT = 5_000_000


class RpcError(Exception):
    """The node answered with an error that is not a revert."""


class Reverted(Exception):
    """A call or transaction reverted; `data` is the raw revert data (selector and arguments)."""

    def __init__(self, data: bytes):
        super().__init__(f"reverted with 0x{data.hex()}")
        self.data = data


class JsonRpc:
    """Keep-alive JSON-RPC over HTTP to one node, plus the error table of the driven contracts."""

    def __init__(self, endpoint: str):
        parsed = urlparse(endpoint)
        if parsed.scheme != "http" or parsed.hostname is None or parsed.port is None:
            raise ValueError(f"need an http://host:port endpoint, got {endpoint!r}")
        self._connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        self._path = parsed.path or "/"
        self._ids = itertools.count(1)
        self.errors: dict[bytes, Any] = {}

    def request(self, method: str, params: list[Any]) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params})
        self._connection.request("POST", self._path, body, {"Content-Type": "application/json"})
        reply = json.loads(self._connection.getresponse().read())
        error = reply.get("error")
        if error is None:
            return reply["result"]
        if "revert" in error.get("message", ""):
            data = error.get("data")
            raw = bytes.fromhex(data[2:]) if isinstance(data, str) and data.startswith("0x") else b""
            raise Reverted(raw)
        raise RpcError(f"{method}: {error}")

    def send(self, tx: dict[str, Any]) -> dict[str, Any]:
        """Send from an unlocked account; return the receipt, raise if it was mined as failed."""
        tx = {"gas": hex(GAS_LIMIT), **tx}
        tx_hash = self.request("eth_sendTransaction", [tx])
        # Anvil automines, but the receipt can trail the hash by a moment.
        for _ in range(1000):
            receipt = self.request("eth_getTransactionReceipt", [tx_hash])
            if receipt is not None:
                break
            time.sleep(0.001)
        else:
            raise RpcError(f"transaction {tx_hash} not mined within a second: is the node automining?")
        if int(receipt["status"], 16) != 1:
            raise AssertionError(f"transaction failed unexpectedly: {tx}")
        return receipt

    def transfer(self, sender: Any, to: Any, value: int) -> dict[str, Any]:
        return self.send({"from": address_of(sender), "to": address_of(to), "value": hex(value)})

    def balance(self, address: Any) -> int:
        return int(self.request("eth_getBalance", [address_of(address), "latest"]), 16)

    def latest_timestamp(self) -> int:
        return int(self.request("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def set_next_timestamp(self, timestamp: int) -> None:
        self.request("evm_setNextBlockTimestamp", [timestamp])

    def describe_revert(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """The custom error's name and arguments, or a placeholder for unknown revert data."""
        abi = self.errors.get(data[:4])
        if abi is None:
            return f"<unknown revert 0x{data.hex()}>", {}
        values = decode_checksummed([i.canonical_type for i in abi.inputs], data[4:])
        return abi.name, {i.name: v for i, v in zip(abi.inputs, values, strict=True)}


def decode_checksummed(types: list[str], data: bytes) -> tuple[Any, ...]:
    """ABI-decode, with every address (also inside arrays and tuples) in checksum form, as ape gives them."""

    def tidy(value: Any) -> Any:
        if isinstance(value, tuple | list):
            return type(value)(tidy(v) for v in value)
        if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
            return to_checksum_address(value)
        return value

    return tidy(decode(types, data))


def address_of(thing: Any) -> str:
    return str(getattr(thing, "address", thing))


class Direct:
    """One deployed contract driven over `JsonRpc`, encoded and decoded with its ape ABI."""

    def __init__(self, rpc: JsonRpc, contract: Any):
        self.rpc = rpc
        self.contract = contract
        self.address = str(contract.address)
        contract_type = contract.contract_type
        self._methods = {abi.name: abi for abi in contract_type.methods}
        self._events = {abi.name: abi for abi in contract_type.events}
        for abi in contract_type.errors:
            rpc.errors[keccak(text=abi.selector)[:4]] = abi

    def _tx(self, method: str, args: tuple[Any, ...], sender: Any, value: int) -> dict[str, Any]:
        data = getattr(self.contract, method).encode_input(*args)
        return {
            "from": address_of(sender),
            "to": self.address,
            "data": "0x" + bytes(data).hex(),
            "value": hex(value),
        }

    def transact(self, method: str, *args: Any, sender: Any, value: int = 0) -> dict[str, Any]:
        return self.rpc.send(self._tx(method, args, sender, value))

    def call(self, method: str, *args: Any, sender: Any, value: int = 0, at_time: int | None = None) -> Any:
        params: list[Any] = [self._tx(method, args, sender, value), "latest"]
        if at_time is not None:
            params += [{}, {"time": hex(at_time)}]
        output = bytes.fromhex(self.rpc.request("eth_call", params)[2:])
        values = decode_checksummed([o.canonical_type for o in self._methods[method].outputs], output)
        return values[0] if len(values) == 1 else values

    def expect_revert(
        self,
        error: str | None,
        method: str,
        *args: Any,
        sender: Any,
        value: int = 0,
        at_time: int | None = None,
        **expected: Any,
    ) -> None:
        """Assert the call reverts; with `error`, with that custom error and those argument values."""
        try:
            self.call(method, *args, sender=sender, value=value, at_time=at_time)
        except Reverted as reverted:
            if error is None:
                return
            name, values = self.rpc.describe_revert(reverted.data)
            assert name == error, f"{method} reverted with {name}{values}, expected {error}"
            for key, want in expected.items():
                assert values[key] == want, f"{error}.{key} = {values[key]!r}, expected {want!r}"
            return
        raise AssertionError(f"{method}{args} did not revert (expected {error or 'a revert'})")

    def events(self, receipt: dict[str, Any], name: str) -> list[SimpleNamespace]:
        """This contract's `name` events in a receipt, decoded, in log order."""
        abi = self._events[name]
        topic0 = "0x" + keccak(text=abi.selector).hex()
        indexed = [i for i in abi.inputs if i.indexed]
        plain = [i for i in abi.inputs if not i.indexed]
        found = []
        for log in receipt["logs"]:
            if log["address"].lower() != self.address.lower() or log["topics"][0] != topic0:
                continue
            values = {
                i.name: decode_checksummed([i.canonical_type], bytes.fromhex(topic[2:]))[0]
                for i, topic in zip(indexed, log["topics"][1:], strict=True)
            }
            data = decode_checksummed([i.canonical_type for i in plain], bytes.fromhex(log["data"][2:]))
            values.update({i.name: v for i, v in zip(plain, data, strict=True)})
            found.append(SimpleNamespace(**values))
        return found


def deploy_direct(rpc: JsonRpc, container: Any, *args: Any, sender: Any, value: int = 0) -> str:
    """Deploy a project contract (constructor arguments as plain ABI values); return its address."""
    bytecode = bytes.fromhex(container.contract_type.deployment_bytecode.bytecode.removeprefix("0x"))
    arguments = bytes(container.constructor.encode_input(*args))
    tx = {"from": address_of(sender), "data": "0x" + (bytecode + arguments).hex(), "value": hex(value)}
    return rpc.send(tx)["contractAddress"]
