"""Reading every network of the config into the store, all at once (one thread per node).

For each network: check that the node serves the configured chain (its chain id, and its block 0
against the store's), settle the block to read up to, read each log filter from where the store
left it, page by page (each page committed with its blocks' timestamps), then take the snapshots
the analysis needs at the range's first and last block. For a chain whose withdrawals to L1 are
checked on L1, the message passer's logs of each block where one started are read once, block by
block (`revshare.monitor.finality.blocks_to_read`). Transient node failures are retried
with backoff by the reader, and refused ranges are split; a failure that persists stops that
network's reading with one line, after the pages already read are safely stored.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS
from revshare.chain.reader import ChainReader, ReadError
from revshare.chain.rpc import HttpJsonRpc
from revshare.chain.vaults import MINIMUM_GETTERS, NETWORK_GETTERS, RECIPIENT_GETTERS
from revshare.monitor.config import MonitorConfig, Network
from revshare.monitor.events import chain_contracts, l2_receivers, shared_on, sources_of
from revshare.monitor.finality import blocks_to_read, read_message_block
from revshare.monitor.store import Store

# Called as pages are stored: (network name, blocks done, blocks in all).
Progress = Callable[[str, int, int], None]
BLOCK_TAGS = ("latest", "safe", "finalized")


class FetchError(RuntimeError):
    """A network could not be read; the message names it and says why, in one line."""


@dataclass
class FetchStats:
    """What one network's reading did."""

    name: str
    chain_id: int
    start: int
    stop: int
    new_blocks: int = 0  # blocks of this network read for the first time
    blocks_read: int = 0  # blocks scanned, summed over the log filters
    logs_read: int = 0
    headers_read: int = 0
    message_blocks: int = 0  # blocks whose message passer logs were read (withdrawals to L1 started)
    seconds: float = 0.0


@dataclass(frozen=True)
class FetchedRange:
    """The blocks of one network the analysis may use (start..stop, all stored)."""

    network: Network
    start: int
    stop: int


@dataclass
class Fetched:
    ranges: dict[int, FetchedRange] = field(default_factory=dict)  # by chain id
    stats: list[FetchStats] = field(default_factory=list)


def before(start: int) -> int:
    """The block whose state is in force when a range starts at ``start`` (block 0 for 0)."""
    return max(start - 1, 0)


def resolve_block(reader: ChainReader, to_block: str | int) -> tuple[int, str]:
    """(number, hash) of a block given as a number or latest / safe / finalized."""
    header = reader.header(to_block)
    return int(header["number"], 16), str(header["hash"])


def _hash_of(reader: ChainReader, block: int) -> str:
    return str(reader.header(block)["hash"])


def _page_timestamps(
    reader: ChainReader, page: list[dict[str, Any]], known: dict[int, int]
) -> tuple[dict[int, int], int]:
    """Timestamps of the page's blocks (from the logs where the node includes them); headers read."""
    found: dict[int, int] = {}
    asked = 0
    for raw in page:
        block = int(raw["blockNumber"], 16)
        if block in known or block in found:
            continue
        if raw.get("blockTimestamp"):
            found[block] = int(raw["blockTimestamp"], 16)
        else:
            found[block] = reader.timestamp(block)
            asked += 1
    return found, asked


def take_snapshot(
    reader: ChainReader, config: MonitorConfig, network: Network, block: int
) -> dict[tuple[str, str], Any]:
    """The state the analysis needs at one block: for an L2 each fee vault's balance, settings and
    totalProcessed, the code size of every contract and receiver, the FeeSplitter's settings; for
    L1 the receivers' code size; on either, each shared splitter's code size and balance."""
    values: dict[tuple[str, str], Any] = {}
    for shared in shared_on(config, network):
        values[(shared.address, "code")] = reader.code_size(shared.address, block)
        if values[(shared.address, "code")]:
            values[(shared.address, "balance")] = reader.balance(shared.address, block)
    chain = next((c for c in config.chains if c.network is network), None)
    if chain is None:
        for receiver in config.l1_receivers:
            values[(receiver, "code")] = reader.code_size(receiver, block)
        return values
    for address in (*chain_contracts(chain), *l2_receivers(config, chain)):
        values[(address, "code")] = reader.code_size(address, block)
    for vault in (a for a in PREDEPLOY_VAULTS.values() if a is not None):
        if not values[(vault, "code")]:
            continue
        values[(vault, "balance")] = reader.balance(vault, block)
        recipient = reader.first_word(vault, RECIPIENT_GETTERS, block)
        values[(vault, "recipient")] = (
            None if recipient is None else "0x" + recipient.to_bytes(32, "big")[12:].hex()
        )
        values[(vault, "minimum")] = reader.first_word(vault, MINIMUM_GETTERS, block)
        values[(vault, "network")] = reader.first_word(vault, NETWORK_GETTERS, block)
        values[(vault, "total_processed")] = reader.first_word(vault, ("totalProcessed()",), block)
    if values.get((FEE_SPLITTER, "code")):
        values[(FEE_SPLITTER, "interval")] = reader.first_word(
            FEE_SPLITTER, ("feeDisbursementInterval()",), block
        )
        values[(FEE_SPLITTER, "last_disbursement")] = reader.first_word(
            FEE_SPLITTER, ("lastDisbursementTime()",), block
        )
        values[(FEE_SPLITTER, "balance")] = reader.balance(FEE_SPLITTER, block)
    for splitter in chain.splitters:
        if values[(splitter, "code")]:
            values[(splitter, "interval")] = reader.first_word(splitter, ("DISBURSEMENT_INTERVAL()",), block)
            values[(splitter, "chain_id")] = reader.first_word(splitter, ("CHAIN_ID()",), block)
    for disburser in chain.fee_disbursers:
        if values[(disburser, "code")]:
            values[(disburser, "interval")] = reader.first_word(
                disburser, ("FEE_DISBURSEMENT_INTERVAL()", "feeDisbursementInterval()"), block
            )
            values[(disburser, "balance")] = reader.balance(disburser, block)
    return values


def fetch_network(
    config: MonitorConfig,
    network: Network,
    store_path: Path,
    to_block: str | int,
    *,
    page_size: int,
    progress: Progress | None = None,
    reader: ChainReader | None = None,
    stop_event: threading.Event | None = None,
) -> tuple[FetchedRange, FetchStats]:
    """Bring one network's part of the store up to ``to_block``; stops between pages once
    ``stop_event`` is set (every page read so far stays stored)."""
    began = time.monotonic()
    reader = reader or ChainReader(HttpJsonRpc(network.rpc))
    store = Store(store_path)
    try:
        answered = reader.chain_id()
        if answered != network.chain_id:
            raise FetchError(
                f"{network.name}: the node answers chain id {answered}, the config says {network.chain_id}"
            )
        store.check_genesis(network.chain_id, _hash_of(reader, 0), network.name)
        stop, _ = resolve_block(reader, to_block)
        if stop < network.start_block:
            raise FetchError(
                f"{network.name}: start_block {network.start_block} is after the node's block {stop}"
            )
        stats = FetchStats(network.name, network.chain_id, network.start_block, stop)
        known = store.timestamps(network.chain_id)
        sources = sources_of(config, network)
        todo: list[tuple[Any, int]] = []
        for source in sources:
            position = store.position(network.chain_id, source.key)
            first = source.start
            if position is not None:
                last, last_hash = position
                if last > stop and last > reader.latest_block():
                    raise FetchError(
                        f"{network.name}: the store has read up to block {last}, past the node's latest "
                        "block (a reset chain?): run with --fresh"
                    )
                if _hash_of(reader, last) != last_hash:
                    raise FetchError(
                        f"{network.name}: block {last} changed since it was read (a reorganisation, or "
                        "another chain): run with --fresh (and read up to --to-block finalized from then on)"
                    )
                first = last + 1
            if first <= stop:
                todo.append((source, first))
        total = sum(stop - first + 1 for _, first in todo)
        stats.new_blocks = stop - min(first for _, first in todo) + 1 if todo else 0
        done = 0
        for source, first in todo:
            for page_first, page_last, page in reader.log_pages(
                source.addresses, source.topics, first, stop, page_size=page_size
            ):
                if stop_event is not None and stop_event.is_set():
                    raise FetchError(f"{network.name}: interrupted")
                timestamps, asked = _page_timestamps(reader, page, known)
                known.update(timestamps)
                store.save_page(
                    network.chain_id, source.key, page, timestamps, page_last, _hash_of(reader, page_last)
                )
                stats.logs_read += len(page)
                stats.headers_read += asked + 1
                stats.blocks_read += page_last - page_first + 1
                done += page_last - page_first + 1
                if progress is not None:
                    progress(network.name, done, total)
        # The message passer's logs where a withdrawal to L1 started: block by block, each once.
        blocks = blocks_to_read(config, network, store, stop)
        total += len(blocks)
        for block in blocks:
            if stop_event is not None and stop_event.is_set():
                raise FetchError(f"{network.name}: interrupted")
            stats.logs_read += read_message_block(reader, store, network.chain_id, block)
            stats.message_blocks += 1
            done += 1
            if progress is not None:
                progress(network.name, done, total)
        if progress is not None:
            progress(network.name, total or 1, total or 1)
        # The state in force when the range starts (at the block before it) and at its end.
        for block in dict.fromkeys((before(network.start_block), stop)):
            store.save_snapshot(network.chain_id, block, take_snapshot(reader, config, network, block))
        for block in dict.fromkeys((network.start_block, stop)):
            if block not in known:
                known[block] = reader.timestamp(block)
                store.save_timestamps(network.chain_id, {block: known[block]})
        stats.seconds = time.monotonic() - began
        return FetchedRange(network, network.start_block, stop), stats
    except ReadError as exc:
        raise FetchError(f"{network.name}: {exc}") from None
    except sqlite3.Error as exc:
        raise FetchError(f"{network.name}: the store {store_path} failed: {exc}") from None
    finally:
        store.close()


# A block for every network ("latest", "finalized", a number), or one per network name ("" for
# the others): block numbers of different chains have nothing in common.
BlockChoice = str | int | dict[str, str | int]


def block_for(choice: BlockChoice, network: Network) -> str | int:
    if isinstance(choice, dict):
        return choice.get(network.name, choice.get("", "latest"))
    return choice


def fetch_all(
    config: MonitorConfig,
    store_path: Path,
    to_block: BlockChoice = "latest",
    *,
    page_size: int = 2_000,
    progress: Progress | None = None,
    readers: dict[int, ChainReader] | None = None,
) -> Fetched:
    """Read every network concurrently; the first failure is raised once all have stopped. On
    Ctrl-C every network stops after its current page."""
    Store(store_path).close()  # create the file and schema once, before the threads
    fetched = Fetched()
    networks = config.networks
    stop_event = threading.Event()
    failures = []
    with ThreadPoolExecutor(max_workers=min(8, len(networks))) as pool:
        futures = [
            pool.submit(
                fetch_network,
                config,
                network,
                store_path,
                block_for(to_block, network),
                page_size=page_size,
                progress=progress,
                reader=(readers or {}).get(network.chain_id),
                stop_event=stop_event,
            )
            for network in networks
        ]
        try:
            for future in futures:
                try:
                    fetched_range, stats = future.result()
                except FetchError as exc:
                    failures.append(str(exc))
                    continue
                fetched.ranges[fetched_range.network.chain_id] = fetched_range
                fetched.stats.append(stats)
        except KeyboardInterrupt:
            stop_event.set()  # the threads finish their page and stop; the pool waits for them
            raise
    if failures:
        raise FetchError("; ".join(failures))
    return fetched
