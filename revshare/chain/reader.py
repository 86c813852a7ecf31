"""Reading a node for the report: logs in pages, balances and view calls at a given block.

Everything goes through one ``request(method, params)`` function (ape's
``networks.provider.make_request`` in scripts), and answers are the node's raw JSON, so the same
code reads anvil, an OP Stack node or an archive RPC. Transient failures (rate limits, timeouts,
dropped connections, 5xx answers) are retried with bounded exponential backoff; log pages shrink
by half when the node refuses a range (many public RPCs cap the blocks or results of one
``eth_getLogs``). Only a failure that persists ends the read, as one `ReadError` line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.rpc import Backoff, Request, is_revert, is_transient, one_line

# Called after each page of logs with (blocks done, blocks in all).
Progress = Callable[[int, int], None]

DEFAULT_PAGE_SIZE = 2_000
DEFAULT_BACKOFF = Backoff()


class ReadError(RuntimeError):
    """The node could not answer a read the report needs."""


class CallReverted(ReadError):
    """An ``eth_call`` reverted (no such function, or no contract at the address)."""


@dataclass(frozen=True)
class EventLog:
    """One decoded log, in chain order by (block, log_index)."""

    name: str
    address: str
    block: int
    tx_hash: str
    log_index: int
    args: dict[str, Any]
    signature: str = ""

    @property
    def position(self) -> tuple[int, int]:
        return (self.block, self.log_index)


@dataclass(frozen=True)
class _EventSpec:
    name: str
    signature: str
    indexed: tuple[tuple[str, str], ...]
    data: tuple[tuple[str, str], ...]


def split_top_level(text: str) -> list[str]:
    """``address,(uint256,bytes)[] x,bool`` -> its comma-separated parts outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    if current.strip():
        parts.append(current)
    return [part.strip() for part in parts]


def event_abi(declaration: str) -> SimpleNamespace:
    """An event ABI for `EventDecoder` from its Solidity declaration, e.g.
    ``"SafeReceived(address indexed sender, uint256 value)"`` (tuple types written out:
    ``"FeesDisbursed((address,uint256)[] shareInfo, uint256 grossRevenue)"``).

    >>> event_abi("Withdrawal(uint256 value, address to, address from)").selector
    'Withdrawal(uint256,address,address)'
    """
    name, _, rest = declaration.strip().partition("(")
    inputs = []
    for position, part in enumerate(split_top_level(rest.rstrip()[:-1])):
        words = part.rsplit(None, 2) if not part.startswith("(") else [*part.rsplit(None, 1)]
        kind = words[0]
        indexed = "indexed" in words[1:]
        label = words[-1] if len(words) > 1 and words[-1] != "indexed" else f"arg{position}"
        inputs.append(SimpleNamespace(name=label, canonical_type=kind, indexed=indexed))
    selector = f"{name}({','.join(i.canonical_type for i in inputs)})"
    return SimpleNamespace(name=name, selector=selector, inputs=inputs)


def topic_of(declaration: str) -> str:
    """The topic 0 of an event declaration (see `event_abi`)."""
    return "0x" + keccak(text=event_abi(declaration).selector).hex()


class EventDecoder:
    """Decodes logs of the given event ABIs (ape/ethpm ``EventABI`` objects, or anything with
    ``name``, ``selector`` and ``inputs`` of ``name``/``canonical_type``/``indexed``)."""

    def __init__(self, abis: Iterable[Any]):
        self._specs: dict[str, _EventSpec] = {}
        for abi in abis:
            inputs = list(abi.inputs)
            spec = _EventSpec(
                name=abi.name,
                signature=abi.selector,
                indexed=tuple((i.name, i.canonical_type) for i in inputs if i.indexed),
                data=tuple((i.name, i.canonical_type) for i in inputs if not i.indexed),
            )
            self._specs["0x" + keccak(text=spec.signature).hex()] = spec

    @property
    def topics(self) -> list[str]:
        return sorted(self._specs)

    def decode(self, raw: dict[str, Any]) -> EventLog | None:
        """The decoded log, or None for an event this decoder does not know."""
        topics = raw.get("topics") or []
        spec = self._specs.get(topics[0].lower()) if topics else None
        if spec is None or len(topics) != 1 + len(spec.indexed):
            return None
        args: dict[str, Any] = {}
        for (name, kind), topic in zip(spec.indexed, topics[1:], strict=True):
            args[name] = _word(kind, bytes.fromhex(topic[2:]))
        data = bytes.fromhex(raw["data"][2:])
        if all(kind in _WORD_TYPES for _, kind in spec.data) and len(data) == 32 * len(spec.data):
            values = [_word(kind, data[32 * i : 32 * i + 32]) for i, (_, kind) in enumerate(spec.data)]
        else:
            values = [_plain(v) for v in decode([kind for _, kind in spec.data], data)]
        for (name, _), value in zip(spec.data, values, strict=True):
            args[name] = value
        return EventLog(
            name=spec.name,
            address=checksum(raw["address"]),
            block=int(raw["blockNumber"], 16),
            tx_hash=raw["transactionHash"],
            log_index=int(raw["logIndex"], 16),
            args=args,
            signature=spec.signature,
        )


# One-word types read straight from their 32 bytes (the common case, and much faster than a
# general ABI decode); anything else goes through eth_abi.
_WORD_TYPES = {"address", "bool", "bytes32", *(f"uint{n}" for n in range(8, 257, 8))}


@lru_cache(maxsize=65_536)
def checksum(address: str) -> str:
    """EIP-55 spelling of an address (cached: the same few addresses recur in every log)."""
    return to_checksum_address(address)


def _word(kind: str, word: bytes) -> Any:
    """One ABI word of a simple type; anything unusual (bad padding, a value too wide for its
    type) goes through eth_abi, which decides (and refuses it) as everywhere else."""
    value = int.from_bytes(word, "big")
    if kind == "address" and value < 2**160:
        return checksum("0x" + word[12:].hex())
    if kind == "bool" and value < 2:
        return value == 1
    if kind == "bytes32":
        return "0x" + word.hex()
    if kind.startswith("uint") and value < 2 ** int(kind[4:]):
        return value
    return _plain(decode([kind], word)[0])


def _plain(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return checksum(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


class ChainReader:
    """Raw JSON-RPC reads, retried while the failure is transient, with a per-block timestamp
    cache. ``sleep`` is there for tests."""

    def __init__(
        self,
        request: Request,
        backoff: Backoff = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._request = request
        self._backoff = backoff
        self._sleep = sleep
        self._timestamps: dict[int, int] = {}
        self.retries = 0  # transient failures retried so far

    def _retrying(self, method: str, params: list[Any]) -> Any:
        """The answer, trying again after each transient failure while the backoff allows;
        the last failure (or a non-transient one) is raised as it is."""
        delays = self._backoff.delays()
        while True:
            try:
                return self._request(method, params)
            except Exception as exc:
                delay = next(delays, None) if is_transient(exc) else None
                if delay is None:
                    raise
                self.retries += 1
                self._sleep(delay)

    def _ask(self, method: str, params: list[Any]) -> Any:
        try:
            return self._retrying(method, params)
        except Exception as exc:  # any provider error becomes one readable message
            if method == "eth_call" and is_revert(exc):
                raise CallReverted(f"{method} reverted: {one_line(exc)}") from exc
            raise ReadError(self._failure(method, exc)) from exc

    def _failure(self, method: str, exc: BaseException) -> str:
        text = one_line(exc)
        if not text.startswith(method):
            text = f"{method} failed: {text}"
        if is_transient(exc):
            text += f" (still failing after {self._backoff.attempts} attempts)"
        return text

    def chain_id(self) -> int:
        return int(self._ask("eth_chainId", []), 16)

    def latest_block(self) -> int:
        return int(self._ask("eth_blockNumber", []), 16)

    def remember_timestamp(self, block: int, timestamp: int) -> None:
        """Keep a block's timestamp seen elsewhere (nodes that put ``blockTimestamp`` in logs)."""
        self._timestamps[block] = timestamp

    def header(self, block: int | str) -> dict[str, Any]:
        """A block's header, by number or tag (latest, safe, finalized); its timestamp is kept."""
        header = self._ask("eth_getBlockByNumber", [hex(block) if isinstance(block, int) else block, False])
        if header is None:
            raise ReadError(f"block {block} is not known to the node")
        self._timestamps[int(header["number"], 16)] = int(header["timestamp"], 16)
        return dict(header)

    def timestamp(self, block: int) -> int:
        if block not in self._timestamps:
            self.header(block)
        return self._timestamps[block]

    def code_size(self, address: str, block: int) -> int:
        return (len(self._ask("eth_getCode", [address, hex(block)])) - 2) // 2

    def balance(self, address: str, block: int, asset: str = ETH_ASSET) -> int:
        """ETH (asset = the zero address) or an ERC-20 balance of ``address`` at ``block``."""
        if int(asset, 16) == 0:
            return int(self._ask("eth_getBalance", [address, hex(block)]), 16)
        return self.call_uint(asset, "balanceOf(address)", ["address"], [address], block)

    def call(
        self, to: str, signature: str, arg_types: Sequence[str], args: Sequence[Any], block: int
    ) -> bytes:
        data = keccak(text=signature)[:4] + encode(list(arg_types), list(args))
        reply = self._ask("eth_call", [{"to": to, "data": "0x" + data.hex()}, hex(block)])
        return bytes.fromhex(reply[2:])

    def call_uint(
        self, to: str, signature: str, arg_types: Sequence[str], args: Sequence[Any], block: int
    ) -> int:
        """A view returning one uint256; 0 where there is no contract yet (before deployment)."""
        raw = self.call(to, signature, arg_types, args, block)
        return int.from_bytes(raw[:32], "big") if raw else 0

    def first_word(self, to: str, getters: Sequence[str], block: int) -> int | None:
        """The first of argument-less ``getters`` that answers with at least one word, as an
        integer; None when none does (no such function, or no contract)."""
        for getter in getters:
            try:
                raw = self.call(to, getter, [], [], block)
            except CallReverted:
                continue
            if len(raw) >= 32:
                return int.from_bytes(raw[:32], "big")
        return None

    def call_address(self, to: str, signature: str, block: int) -> str:
        raw = self.call(to, signature, [], [], block)
        if len(raw) < 32:
            raise CallReverted(f"{to} has no {signature} at block {block}: is it the right contract?")
        return to_checksum_address(raw[12:32])

    def log_pages(
        self,
        addresses: Sequence[str],
        topics: Sequence[Sequence[str] | None],
        start: int,
        stop: int,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[tuple[int, int, list[dict[str, Any]]]]:
        """(first block, last block, logs) for consecutive pages covering start..stop: every log
        of ``addresses`` matching ``topics`` (one list of alternatives per position, None for
        any). A page the node refuses is asked again in halves, down to one block."""
        if not addresses or stop < start:
            return
        size = max(1, page_size)
        block = start
        while block <= stop:
            last = min(stop, block + size - 1)
            query = {
                "address": list(addresses),
                "topics": [list(t) if t is not None else None for t in topics],
                "fromBlock": hex(block),
                "toBlock": hex(last),
            }
            try:
                page = self._retrying("eth_getLogs", [query])
            except Exception as exc:  # nodes refuse wide ranges in many ways
                if size == 1 or is_transient(exc):
                    raise ReadError(f"{self._failure('eth_getLogs', exc)} at block {block}") from exc
                size = max(1, size // 2)
                continue
            if not isinstance(page, list):
                answer = str(page)[:40]
                raise ReadError(f"eth_getLogs answered {answer!r} for blocks {block}-{last}, not a list")
            yield block, last, page
            block = last + 1

    def logs(
        self,
        addresses: Sequence[str],
        topics: Sequence[str],
        start: int,
        stop: int,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        progress: Progress | None = None,
        more_topics: Sequence[Sequence[str] | None] = (),
    ) -> list[dict[str, Any]]:
        """Every log of ``addresses`` with one of ``topics`` as topic 0 in blocks start..stop
        (and, position by position from topic 1, one of ``more_topics``' alternatives; None for
        any)."""
        found: list[dict[str, Any]] = []
        filters = [topics, *more_topics]
        for _, last, page in self.log_pages(addresses, filters, start, stop, page_size=page_size):
            found.extend(page)
            if progress is not None:
                progress(last + 1 - start, stop - start + 1)
        return found


def provider_word(provider: Any, address: str, signature: str) -> int | None:
    """An argument-less view called through ape's connected provider: its answer as an integer
    when it is exactly one 32-byte word, None when the call reverts or answers anything else."""
    try:
        raw = bytes(provider.web3.eth.call({"to": address, "data": "0x" + keccak(text=signature)[:4].hex()}))
    except Exception:  # a revert (no such function), whatever the library raises for it
        return None
    return int.from_bytes(raw, "big") if len(raw) == 32 else None


def has_code(provider: Any, address: str) -> bool:
    """Whether `address` holds contract code on the network of ape's connected `provider`."""
    return len(provider.get_code(checksum(address))) > 0
