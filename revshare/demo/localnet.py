"""A local multi-chain lab: several anvil nodes at once (an L1 and OP-mode L2s), each driven over
plain JSON-RPC, for the monitor's tests and the demo. No ape: a `LocalChain` is one anvil process
and the handful of calls a test or a demo needs (send and wait, deploy a bundled contract, call,
decode events, cheat codes); a `LocalNetwork` starts an L1 and N L2s together and stops them all,
whatever happens in between.

    with LocalNetwork(l1_chain_id=900, l2_chain_ids=(901, 902)) as network:
        l2 = network[901]
        vault = l2.deploy("BaseFeeVault", recipient, 0, 1)
        l2.transact(vault, "withdraw()")

Methods are given as a signature, `"transfer(address,uint256)"`, with the output types after it
for a call, `"totalProcessed()(uint256)"` (as `cast` takes them), or as an ABI entry of a bundled
contract, `abi_method("SafeL2", "getOwners")`; events as ABI entries, `abi_event("SafeL2",
"SafeReceived")` (an overloaded one by its signature, `"Withdrawal(uint256,address,address)"`).

anvil comes from PATH (the Makefile puts `.build/bin/anvil` there), else from the npm package
`@foundry-rs/anvil` under the project root. Every node listens on a free port of 127.0.0.1,
mines each transaction at once (no block time) and, given a state file, saves its state there
when stopped (SIGTERM) and starts from it again.
"""

from __future__ import annotations

import atexit
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import eth_abi
from eth_utils import keccak, to_checksum_address

from revshare.artifacts import contract_type
from revshare.chain.fork import anvil_binary, free_port
from revshare.chain.reader import split_top_level
from revshare.chain.rpc import HttpJsonRpc, NodeError, one_line

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds for a node to answer after its process starts
STOP_TIMEOUT = 30.0  # seconds for a node to save its state and exit after SIGTERM
RECEIPT_TIMEOUT = 30.0
PROBE_TIMEOUT = 1.0  # seconds for one "are you up?" request while a node starts
PORT_ATTEMPTS = 3  # another process may take the free port between our look and anvil's bind

Address = str
Receipt = dict[str, Any]


class LocalChainError(RuntimeError):
    """A local node that would not start, answer or stop."""


class _PortTaken(LocalChainError):
    """Another process listens on the port chosen for a node."""


class TransactionFailed(RuntimeError):
    """A transaction the chain refused or reverted; the message carries the revert reason."""


# ---------------------------------------------------------------- the anvil binary


# ---------------------------------------------------------------- methods and events


def _split_types(text: str) -> list[str]:
    """`address,(uint256,bytes)[],bool` -> its top-level types (names after a type dropped)."""
    return [part.split()[0] for part in split_top_level(text) if part]


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the one at `start`."""
    depth = 0
    for index in range(start, len(text)):
        depth += (text[index] == "(") - (text[index] == ")")
        if depth == 0:
            return index
    raise ValueError(f"unbalanced parentheses in {text!r}")


def _abi_type(item: Any) -> str:
    """The canonical type of an ABI input or output (tuples spelt out)."""
    canonical = getattr(item, "canonical_type", None)
    if canonical is not None:
        return str(canonical)
    kind = str(item["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(component) for component in item["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


@dataclass(frozen=True)
class Method:
    """A function's name and its input and output types."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...] | None = None  # None: not known, a call answers raw bytes

    @classmethod
    def of(cls, spec: str | Any) -> Method:
        """From a signature (`"f(address)"`, `"f(address)(uint256)"`) or an ABI method entry."""
        if isinstance(spec, Method):
            return spec
        if not isinstance(spec, str):
            return cls(
                spec.name,
                tuple(_abi_type(item) for item in spec.inputs),
                tuple(_abi_type(item) for item in spec.outputs),
            )
        text = spec.strip()
        opening = text.find("(")
        if opening <= 0:
            raise ValueError(f"not a function signature: {spec!r} (e.g. 'withdraw()')")
        closing = _closing(text, opening)
        inputs = tuple(_split_types(text[opening + 1 : closing]))
        rest = text[closing + 1 :].strip()
        outputs = None
        if rest:
            if not rest.startswith("(") or _closing(rest, 0) != len(rest) - 1:
                raise ValueError(f"not a function signature: {spec!r} (outputs as '(uint256)')")
            outputs = tuple(_split_types(rest[1:-1]))
        return cls(text[:opening], inputs, outputs)

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(self.inputs)})"

    @property
    def selector(self) -> bytes:
        return keccak(text=self.signature)[:4]

    def encode(self, args: Sequence[Any]) -> str:
        if len(args) != len(self.inputs):
            raise TypeError(f"{self.signature} takes {len(self.inputs)} arguments, not {len(args)}")
        return "0x" + (self.selector + eth_abi.encode(list(self.inputs), list(args))).hex()

    def decode(self, data: str | bytes) -> Any:
        """The call's answer: one value, a tuple of several, or the raw bytes if outputs are unknown."""
        raw = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
        if self.outputs is None:
            return raw
        values = _decode(self.outputs, raw)
        return values[0] if len(values) == 1 else tuple(values)


def _checksummed(kind: str, value: Any) -> Any:
    """Decoded addresses (eth_abi answers them in lower case) checksummed, also in arrays."""
    if kind == "address":
        return to_checksum_address(value)
    if kind.startswith("address[") and isinstance(value, list | tuple):
        return [_checksummed(kind[: kind.rindex("[")], item) for item in value]
    return value


def _decode(kinds: Sequence[str], raw: bytes) -> list[Any]:
    return [_checksummed(kind, value) for kind, value in zip(kinds, eth_abi.decode(kinds, raw), strict=True)]


def abi_method(contract: str, name_or_signature: str) -> Any:
    """The ABI entry of a bundled contract's function (by name, or signature if overloaded)."""
    return contract_type(contract).methods[name_or_signature]


def abi_event(contract: str, name_or_signature: str) -> Any:
    """The ABI entry of a bundled contract's event (by name, or signature if overloaded)."""
    return contract_type(contract).events[name_or_signature]


def event_topic(event: Any) -> str:
    """topic0 of an event ABI entry."""
    return "0x" + keccak(text=f"{event.name}({','.join(_abi_type(i) for i in event.inputs)})").hex()


def decode_events(receipt: Receipt, event: Any, address: Address | None = None) -> list[dict[str, Any]]:
    """The receipt's logs of `event` (emitted by `address` if given), each as {argument: value}
    plus `address` (the emitter) and `logIndex`. An indexed dynamic value is its topic (a hash)."""
    topic = event_topic(event)
    indexed = [item for item in event.inputs if item.indexed]
    plain = [item for item in event.inputs if not item.indexed]
    found = []
    for log in receipt.get("logs", []):
        if not log["topics"] or log["topics"][0].lower() != topic:
            continue
        if address is not None and log["address"].lower() != address.lower():
            continue
        if len(log["topics"]) != len(indexed) + 1:
            continue  # same signature, other indexing: not this event
        values: dict[str, Any] = {}
        for item, raw in zip(indexed, log["topics"][1:], strict=True):
            kind = _abi_type(item)
            dynamic = kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("(")
            data = bytes.fromhex(raw[2:])
            values[item.name] = data if dynamic else _decode([kind], data)[0]
        decoded = _decode([_abi_type(item) for item in plain], bytes.fromhex(log["data"][2:]))
        values.update({item.name: value for item, value in zip(plain, decoded, strict=True)})
        values["address"] = to_checksum_address(log["address"])
        values["logIndex"] = int(log["logIndex"], 16)
        found.append(values)
    return found


def _quantity(value: int) -> str:
    return hex(int(value))


def _word(value: int | str | bytes) -> str:
    """A 32-byte storage word: an int, an address or bytes, left-padded."""
    if isinstance(value, int):
        raw = value.to_bytes(32, "big")
    else:
        raw = bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)
        raw = raw.rjust(32, b"\0")
    if len(raw) != 32:
        raise ValueError(f"not a 32-byte word: {value!r}")
    return "0x" + raw.hex()


# ---------------------------------------------------------------- one chain

# Every started node until it is stopped: held strongly, so a node whose `LocalChain` was dropped
# without `stop()` (a failed test's local, say) is still found and stopped at exit.
_RUNNING: set[LocalChain] = set()


@atexit.register
def _stop_all_at_exit() -> None:
    """The last guard against orphans: stop every node still running when Python exits normally
    (an uncaught exception included; a killed Python cannot, so use `with` or `stop()`)."""
    for chain in list(_RUNNING):
        chain.stop()


class LocalChain:
    """One anvil node: `start()`, `stop()` (state saved if a state file is given), or `with`. It
    listens on `port` if given, else on a free port chosen at the first start; if another process
    holds that port when the node starts, it moves to another (`uri` says where it is).

    `optimism=True` runs anvil's OP mode (OP transaction types and receipts; it credits base fees
    to the BaseFeeVault predeploy address but puts no code at any predeploy: see `opstack`)."""

    def __init__(
        self,
        chain_id: int,
        *,
        optimism: bool = False,
        state: Path | str | None = None,
        name: str | None = None,
        port: int | None = None,
        anvil: Path | None = None,
        base_fee: int | None = None,
    ):
        self.chain_id = chain_id
        self.optimism = optimism
        self.state = Path(state) if state is not None else None
        self.name = name or f"{'L2' if optimism else 'L1'} {chain_id}"
        self._anvil = anvil
        self.base_fee = base_fee  # None: anvil's default; 0 keeps an OP chain's BaseFeeVault untouched
        self._port = port  # None: a free one, chosen at the first start
        self._process: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self._stderr: IO[bytes] | None = None
        self._rpc: HttpJsonRpc | None = None
        self._accounts: list[Address] | None = None

    def __repr__(self) -> str:
        where = self.uri if self.running else "stopped"
        return f"LocalChain({self.name}, {where})"

    # -------------------------------------------------------- lifecycle

    @property
    def uri(self) -> str:
        """http://127.0.0.1:<port>; the same port after a restart where it is still free."""
        if self._port is None:
            raise LocalChainError(f"{self.name} has not been started")
        return f"http://{HOST}:{self._port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The process id of the node's latest process (also after it stopped), None before."""
        return self._pid

    def command(self) -> list[str]:
        """The anvil command line this chain runs."""
        command = [str(self._anvil or anvil_binary()), "--chain-id", str(self.chain_id)]
        command += ["--host", HOST, "--port", str(self._port), "--silent"]
        if self.base_fee is not None:
            command += ["--block-base-fee-per-gas", str(self.base_fee)]
        if self.optimism:
            command.append("--optimism")
        if self.state is not None:
            command += ["--state", str(self.state)]
        return command

    def start(self) -> LocalChain:
        """Start the node and wait until it answers with its chain id."""
        self.launch()
        self.wait_ready()
        return self

    def launch(self) -> None:
        """Start the process without waiting (`wait_ready` waits): nodes then start side by side."""
        if self.running:
            return
        if self._port is None:
            self._port = free_port()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (open while the node runs; `stop` closes it)
        self._process = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        self._pid = self._process.pid
        _RUNNING.add(self)
        self._rpc = HttpJsonRpc(self.uri, timeout=RECEIPT_TIMEOUT)
        self._accounts = None

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Wait for the launched node to answer; a node whose port was taken moves to another."""
        for attempt in range(PORT_ATTEMPTS):
            try:
                self._wait_answer(timeout)
                return
            except _PortTaken:
                self.stop()
                if attempt == PORT_ATTEMPTS - 1:
                    raise
                self._port = free_port()
                self.launch()
            except BaseException:
                self.stop()
                raise

    def _wait_answer(self, timeout: float) -> None:
        assert self._process is not None
        probe = HttpJsonRpc(self.uri, timeout=PROBE_TIMEOUT)  # short: a port may hold a mute listener
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                output = self._error_output()
                failure = _PortTaken if "address already in use" in output.lower() else LocalChainError
                raise failure(f"{self.name}: anvil exited with code {self._process.returncode}: {output}")
            try:
                answered = int(probe("eth_chainId", []), 16)
            except NodeError:
                answered = None
            if answered is not None:
                if answered != self.chain_id:  # another node took the port first
                    raise _PortTaken(
                        f"{self.name}: the node on port {self._port} answers chain id {answered}"
                    )
                return
            if time.monotonic() > deadline:
                raise LocalChainError(f"{self.name}: anvil did not answer within {timeout:g} s")
            time.sleep(0.05)

    def _error_output(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace").strip()
        return one_line(text[-1000:]) if text else "(no output)"

    def stop(self) -> None:
        """SIGTERM (anvil saves its state file, if any, and exits); SIGKILL if it hangs."""
        process, self._process = self._process, None
        _RUNNING.discard(self)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._rpc = None

    def __enter__(self) -> LocalChain:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -------------------------------------------------------- JSON-RPC

    def request(self, method: str, params: list[Any] | None = None) -> Any:
        """One JSON-RPC request to the node."""
        if self._rpc is None or not self.running:
            raise LocalChainError(f"{self.name} is not running")
        return self._rpc(method, params or [])

    def accounts(self) -> list[Address]:
        """anvil's unlocked dev accounts (checksummed), 10 000 ETH each at genesis."""
        if self._accounts is None:
            self._accounts = [to_checksum_address(a) for a in self.request("eth_accounts")]
        return list(self._accounts)

    def block_number(self) -> int:
        return int(self.request("eth_blockNumber"), 16)

    def block(self, number: int | str = "latest") -> dict[str, Any]:
        tag = _quantity(number) if isinstance(number, int) else number
        return dict(self.request("eth_getBlockByNumber", [tag, False]))

    def balance(self, address: Address, block: int | str = "latest") -> int:
        tag = _quantity(block) if isinstance(block, int) else block
        return int(self.request("eth_getBalance", [address, tag]), 16)

    def code(self, address: Address) -> str:
        return str(self.request("eth_getCode", [address, "latest"]))

    def storage(self, address: Address, slot: int) -> int:
        return int(self.request("eth_getStorageAt", [address, _quantity(slot), "latest"]), 16)

    # -------------------------------------------------------- cheat codes

    def set_code(self, address: Address, code: str) -> None:
        self.request("anvil_setCode", [address, code])

    def set_storage(self, address: Address, slot: int, value: int | str | bytes) -> None:
        """Set one storage word (an int, or an address / bytes left-padded to 32 bytes)."""
        self.request("anvil_setStorageAt", [address, _word(slot), _word(value)])

    def set_balance(self, address: Address, wei: int) -> None:
        self.request("anvil_setBalance", [address, _quantity(wei)])

    def set_next_timestamp(self, timestamp: int) -> None:
        """The next block's timestamp (it must be later than the latest block's)."""
        self.request("evm_setNextBlockTimestamp", [_quantity(timestamp)])

    def mine(self, timestamp: int | None = None) -> int:
        """Mine one block (at `timestamp` if given); its number."""
        if timestamp is not None:
            self.set_next_timestamp(timestamp)
        self.request("evm_mine")
        return self.block_number()

    # -------------------------------------------------------- transactions

    def send(self, tx: Mapping[str, Any]) -> Receipt:
        """Send `tx` from one of the unlocked accounts (`from`, default the first), wait for its
        receipt and return it; `TransactionFailed` with the revert reason if it reverts."""
        fields = {"from": self.accounts()[0], **tx}
        for key in ("value", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce"):
            if isinstance(fields.get(key), int):
                fields[key] = _quantity(fields[key])
        what = self._describe(fields)
        try:
            tx_hash = self.request("eth_sendTransaction", [fields])
        except NodeError as exc:
            raise TransactionFailed(f"{what}: {exc}") from None
        receipt = self.receipt(tx_hash)
        if int(receipt["status"], 16) != 1:
            block = int(receipt["blockNumber"], 16)
            raise TransactionFailed(f"{what} reverted: {self._replay_reason(fields, block - 1)}")
        return receipt

    def receipt(self, tx_hash: str, timeout: float = RECEIPT_TIMEOUT) -> Receipt:
        deadline = time.monotonic() + timeout
        while True:
            receipt = self.request("eth_getTransactionReceipt", [tx_hash])
            if receipt is not None:
                return dict(receipt)
            if time.monotonic() > deadline:
                raise LocalChainError(f"{self.name}: no receipt for {tx_hash} within {timeout:g} s")
            time.sleep(0.05)

    def _replay_reason(self, fields: Mapping[str, Any], block: int) -> str:
        """Why a mined transaction failed: the same call replayed on the state before it."""
        call = {key: value for key, value in fields.items() if key not in ("nonce", "gas")}
        try:
            self.request("eth_call", [call, _quantity(block)])
        except NodeError as exc:
            return str(exc).removeprefix("eth_call: ")
        return "out of gas, or no reason given"

    def _describe(self, fields: Mapping[str, Any]) -> str:
        to = fields.get("to")
        return f"{self.name}: transaction to {to}" if to else f"{self.name}: deployment"

    def deploy(
        self, contract: str | Any, *args: Any, sender: Address | None = None, value: int = 0
    ) -> Address:
        """Deploy a bundled contract (by name, or an ethpm ContractType), constructor arguments
        ABI-encoded from its constructor's ABI; the new contract's address."""
        data = self.creation_data(contract, *args)
        tx: dict[str, Any] = {"data": data, "value": value}
        if sender is not None:
            tx["from"] = sender
        receipt = self.send(tx)
        address = to_checksum_address(receipt["contractAddress"])
        if self.code(address) in ("0x", "0x0", ""):
            raise TransactionFailed(f"{self.name}: deployment left no code at {address}")
        return address

    def creation_data(self, contract: str | Any, *args: Any) -> str:
        """Creation bytecode of a bundled contract followed by its encoded constructor arguments."""
        kind = contract_type(contract) if isinstance(contract, str) else contract
        bytecode = kind.deployment_bytecode.bytecode if kind.deployment_bytecode else None
        if not bytecode or bytecode == "0x":
            raise ValueError(f"{kind.name} has no creation bytecode (an interface?)")
        inputs = [_abi_type(item) for item in kind.constructor.inputs] if kind.constructor else []
        if len(args) != len(inputs):
            raise TypeError(f"{kind.name}'s constructor takes {len(inputs)} arguments, not {len(args)}")
        encoded = eth_abi.encode(inputs, list(args)).hex() if inputs else ""
        return str(bytecode) + encoded

    def runtime_code(self, contract: str | Any, *args: Any) -> str:
        """The code a deployment would leave (immutables filled in), without deploying: the
        creation code run as a call. For copying configured code to a fixed address."""
        try:
            code = str(self.request("eth_call", [{"data": self.creation_data(contract, *args)}, "latest"]))
        except NodeError as exc:
            raise TransactionFailed(f"{self.name}: constructor of {contract} reverted: {exc}") from None
        if code in ("0x", ""):
            raise TransactionFailed(f"{self.name}: constructor of {contract} leaves no code")
        return code

    def transact(
        self,
        address: Address,
        method: str | Any,
        args: Sequence[Any] = (),
        *,
        sender: Address | None = None,
        value: int = 0,
    ) -> Receipt:
        """Call `method` of the contract at `address` in a transaction; its receipt."""
        tx: dict[str, Any] = {"to": address, "data": Method.of(method).encode(args), "value": value}
        if sender is not None:
            tx["from"] = sender
        return self.send(tx)

    def call(
        self,
        address: Address,
        method: str | Any,
        args: Sequence[Any] = (),
        *,
        sender: Address | None = None,
        block: int | str = "latest",
    ) -> Any:
        """A read-only call, decoded by the method's output types (raw bytes if none are given)."""
        function = Method.of(method)
        tx: dict[str, Any] = {"to": address, "data": function.encode(args)}
        if sender is not None:
            tx["from"] = sender
        tag = _quantity(block) if isinstance(block, int) else block
        try:
            answer = self.request("eth_call", [tx, tag])
        except NodeError as exc:
            raise TransactionFailed(f"{self.name}: call {function.signature} to {address}: {exc}") from None
        return function.decode(answer)

    def transfer(self, to: Address, wei: int, *, sender: Address | None = None) -> Receipt:
        """A plain ETH transfer (empty calldata)."""
        tx: dict[str, Any] = {"to": to, "value": wei}
        if sender is not None:
            tx["from"] = sender
        return self.send(tx)

    def events(self, receipt: Receipt, event: Any, address: Address | None = None) -> list[dict[str, Any]]:
        """`decode_events` on this chain's receipt."""
        return decode_events(receipt, event, address)


# ---------------------------------------------------------------- several chains


class LocalNetwork:
    """An L1 and N OP-mode L2s started together (side by side) and stopped together: on leaving
    the `with` block, on a failed start (the nodes already up are stopped before the error goes
    on) and, as a last resort, when Python exits. `state_dir` keeps each node's state in
    `anvil-<chain id>.json` there, so a network can be stopped and started where it was;
    `base_fee` (e.g. 0) is the L2s' base fee per gas."""

    def __init__(
        self,
        l1_chain_id: int = 900,
        l2_chain_ids: Iterable[int] = (901, 902),
        *,
        state_dir: Path | str | None = None,
        base_fee: int | None = None,
    ):
        folder = Path(state_dir) if state_dir is not None else None
        ids = [l1_chain_id, *l2_chain_ids]
        if len(set(ids)) != len(ids):
            raise ValueError(f"chain ids must differ: {ids}")

        def state(chain_id: int) -> Path | None:
            return folder / f"anvil-{chain_id}.json" if folder is not None else None

        self.l1 = LocalChain(l1_chain_id, optimism=False, state=state(l1_chain_id))
        self.l2s = [LocalChain(i, optimism=True, state=state(i), base_fee=base_fee) for i in ids[1:]]

    @property
    def chains(self) -> list[LocalChain]:
        return [self.l1, *self.l2s]

    def __getitem__(self, chain_id: int) -> LocalChain:
        for chain in self.chains:
            if chain.chain_id == chain_id:
                return chain
        raise KeyError(f"no chain {chain_id} in this network")

    def __iter__(self) -> Iterator[LocalChain]:
        return iter(self.chains)

    def uris(self) -> dict[int, str]:
        """{chain id: JSON-RPC URI}, what a monitor's config needs."""
        return {chain.chain_id: chain.uri for chain in self.chains}

    def start(self) -> LocalNetwork:
        try:
            for chain in self.chains:
                chain.launch()
            for chain in self.chains:
                chain.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every node, even if stopping one fails (the first failure is raised after)."""
        failure: BaseException | None = None
        for chain in self.chains:
            try:
                chain.stop()
            except BaseException as exc:  # keep stopping the others
                failure = failure or exc
        if failure is not None:
            raise failure

    def __enter__(self) -> LocalNetwork:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
