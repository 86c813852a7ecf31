"""One monitor run: check the OptimismPortals on L1, read every network into the store, analyse each
chain, read the L1 finality of the withdrawals to L1 the chains started, write the outputs.
`run_monitor("superchain.yaml", out="reports/monitor")` returns a `MonitorResult` whose
`ledgers` hold each chain's revenue, batches, payments, findings, owed, paid and balance."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eth_abi import decode
from eth_utils import to_checksum_address

from revshare.chain.finality import PortalError
from revshare.chain.reader import CallReverted, ChainReader, ReadError
from revshare.chain.registry import registry_at_block
from revshare.chain.rpc import HttpJsonRpc
from revshare.monitor.config import MonitorConfig, Terms, WatchedChain, load_monitor_config
from revshare.monitor.events import MESSAGE_SOURCE, l2_receivers
from revshare.monitor.fetch import BlockChoice, Fetched, FetchError, Progress, before, fetch_all
from revshare.monitor.finality import check_portals, read_l1_finality
from revshare.monitor.ledger import analyse_chain
from revshare.monitor.records import ChainData, ChainLedger, Finding, ServedBy, decode_logs
from revshare.monitor.result import MonitorResult
from revshare.monitor.shared import (
    SharedLedger,
    accepted_collectives,
    read_shared_ledger,
    served_by,
    served_chain,
    verify_shared,
)
from revshare.monitor.store import Store, remove_store

STORE_NAME = "monitor.sqlite"


class MonitorError(RuntimeError):
    """What the chain holds does not fit the config (a registry without the chain, say): one line."""


class NodeLookups:
    """The registry's terms and a splitter's Collective at a block, asked of the chain's node once
    and kept in the store (a re-run asks only about new blocks)."""

    def __init__(self, store: Store):
        self._store = store
        self._readers: dict[int, ChainReader] = {}

    def _reader(self, chain: WatchedChain) -> ChainReader:
        return self._readers.setdefault(chain.chain_id, ChainReader(HttpJsonRpc(chain.network.rpc)))

    def _cached(self, chain: WatchedChain, block: int, key: tuple[str, str], read: Callable[[], Any]) -> Any:
        try:
            saved = self._store.snapshot(chain.chain_id, block).get(key)
            if saved is None:
                saved = read()
                self._store.save_snapshot(chain.chain_id, block, {key: saved})
            return saved
        except ReadError as exc:
            raise MonitorError(f"{chain.name}: {exc}") from None

    def terms_at(self, chain: WatchedChain, block: int, timestamp: int, since: int | None = None) -> Terms:
        if chain.registry is None:
            return chain.terms_at(block, timestamp)
        registry = chain.registry
        # A settlement applies the terms in force when its period began (the registry's history).
        when = timestamp if since is None else since

        def read() -> list[int]:
            state = registry_at_block(self._reader(chain), registry, chain.chain_id, block)
            if not state.registered:
                raise MonitorError(
                    f"{chain.name}: the registry {registry} has no chain {chain.chain_id} at block {block} "
                    "(no registry there, or the chain is not registered): check chains[].registry"
                )
            if not state.active:
                return [0, 0]
            entry = next((e for e in reversed(state.history) if e.effective_at <= when), state.history[0])
            return [entry.gross_bps, entry.net_bps]

        saved = self._cached(chain, block, (registry, f"terms@{when}"), read)
        return Terms(int(saved[0]), int(saved[1]))

    def collective_at(self, chain: WatchedChain, splitter: str, block: int) -> tuple[str, str] | None:
        def read() -> list[str]:
            reader = self._reader(chain)
            try:
                registry = reader.call_address(splitter, "REGISTRY()", block)
                collective = reader.call_address(registry, "collective()", block)
                raw = reader.call(registry, "destinationOf(address)", ["address"], [collective], block)
            except CallReverted:
                return []  # not this project's splitter: no Collective to check against
            route, l1_recipient = decode(["uint8", "address"], raw[:64])
            return ["L2", collective] if route == 0 else ["L1", to_checksum_address(l1_recipient)]

        saved = self._cached(chain, block, (splitter, "destination"), read)
        return (str(saved[0]), str(saved[1])) if saved else None

    def lifecycle_at(self, chain: WatchedChain, block: int) -> list[tuple[int, str]]:
        """The chain's terms history in its registry at ``block``, as (time, step) lines."""
        if chain.registry is None:
            return []
        registry = chain.registry

        def read() -> list[list[int]]:
            state = registry_at_block(self._reader(chain), registry, chain.chain_id, block)
            return [[e.effective_at, e.gross_bps, e.net_bps, int(e.exit)] for e in state.history]

        entries = self._cached(chain, block, (registry, "history"), read)
        steps = []
        for index, (at, gross_bps, net_bps, exit_) in enumerate(entries):
            rates = f"{gross_bps / 100:g}% of gross / {net_bps / 100:g}% of net"
            if index == 0:
                steps.append((at, f"joined: {rates}"))
            elif exit_:
                steps.append(
                    (at, "leaves revenue sharing (final settlement, then the chain keeps its revenue)")
                )
            else:
                steps.append((at, f"terms from then: {rates}"))
        return steps


def _shared_ledgers(
    config: MonitorConfig, fetched: Fetched, store: Store
) -> tuple[list[SharedLedger], dict[int, ServedBy]]:
    """Each shared splitter's epochs and claims from the store, and what each chain it serves needs
    of it (by chain id)."""
    names = {chain.chain_id: chain.name for chain in config.chains}
    found, served = [], {}
    for shared in config.shared_splitters:
        host = shared.network
        span = fetched.ranges.get(host.chain_id)
        if span is None:
            ledger = SharedLedger(shared, 0, 0, 0, code=False, complete=False, balance=None)
            ledger.findings.append(
                Finding(
                    shared.name,
                    "error",
                    "attribution-unverified",
                    f"{host.name}, where {shared.name} lives, was not read: its epochs and the attribution "
                    "of the chains it serves are not verified",
                    "",
                    0,
                )
            )
            found.append(ledger)
            continue
        ledger = read_shared_ledger(
            shared,
            store.logs(host.chain_id, span.start, span.stop),
            store.timestamps(host.chain_id),
            span.start,
            span.stop,
            store.snapshot(host.chain_id, before(span.start)),
            store.snapshot(host.chain_id, span.stop),
            names,
        )
        on_l1 = config.l1 is not None and host.chain_id == config.l1.chain_id
        hosting = next((c for c in config.chains if c.chain_id == host.chain_id), None)
        receivers = (
            config.l1_receivers
            if on_l1
            else l2_receivers(config, hosting)
            if hosting
            else config.l2_receivers
        )
        collectives = accepted_collectives(config, ledger, receivers)
        for chain_id in shared.serves:
            served[chain_id] = served_by(ledger, collectives, "L1" if on_l1 else "L2")
        found.append(ledger)
    return found, served


def analyse(
    config: MonitorConfig, fetched: Fetched, store_path: Path
) -> tuple[list[ChainLedger], list[SharedLedger]]:
    """Every chain's ledger and every shared splitter's, from the store, over the ranges just read."""
    store = Store(store_path)
    lookups = NodeLookups(store)
    reference_time = 0
    for span in fetched.ranges.values():
        reference_time = max(reference_time, store.timestamps(span.network.chain_id).get(span.stop, 0))
    try:
        l1 = fetched.ranges.get(config.l1.chain_id) if config.l1 else None
        l1_logs = store.logs(l1.network.chain_id, l1.start, l1.stop) if l1 else []
        l1_times = store.timestamps(l1.network.chain_id) if l1 else {}
        l1_events = decode_logs(l1_logs)
        l1_at_stop = store.snapshot(l1.network.chain_id, l1.stop) if l1 else {}
        l1_stop_time = l1_times.get(l1.stop) if l1 else None
        shared_ledgers, served = _shared_ledgers(config, fetched, store)
        ledgers = []
        for chain in config.chains:
            span = fetched.ranges[chain.chain_id]
            data = ChainData(
                chain=chain,
                start=span.start,
                stop=span.stop,
                logs=store.logs(chain.chain_id, span.start, span.stop),
                timestamps=store.timestamps(chain.chain_id),
                at_start=store.snapshot(chain.chain_id, before(span.start)),
                at_stop=store.snapshot(chain.chain_id, span.stop),
                l1_timestamps=l1_times,
                l1_events=l1_events,
                l1_at_stop=l1_at_stop,
                l1_stop_time=l1_stop_time,
                reference_time=reference_time,
                shared=served.get(chain.chain_id),
                message_blocks=frozenset(store.blocks_read(chain.chain_id, MESSAGE_SOURCE.key)),
            )
            ledger = analyse_chain(config, data, lookups)
            ledger.lifecycle = lookups.lifecycle_at(chain, span.stop)
            ledgers.append(ledger)
        by_id = {ledger.chain.chain_id: ledger for ledger in ledgers}
        for shared in shared_ledgers:
            chains = [c for c in config.chains if c.chain_id in shared.config.serves]
            verify_shared(
                shared, [served_chain(by_id.get(c.chain_id), c, shared.config.collection) for c in chains]
            )
            by_name = {ledger.chain.name: ledger for ledger in ledgers}
            for finding in shared.attribution.findings:  # a chain's with its ledger, the rest the splitter's
                owner = by_name.get(finding.chain)
                (owner.findings if owner is not None else shared.findings).append(finding)
        return ledgers, shared_ledgers
    finally:
        store.close()


@contextmanager
def _l1_errors() -> Iterator[None]:
    """An L1 node that fails as a node failure (`FetchError`: exit 1), a portal that is none as a
    mistake in the config (`MonitorError`: exit 2); one line each."""
    try:
        yield
    except ReadError as exc:
        raise FetchError(str(exc)) from None
    except PortalError as exc:
        raise MonitorError(str(exc)) from None


def run_monitor(
    config: MonitorConfig | str | Path,
    out: str | Path = "reports/monitor",
    *,
    to_block: BlockChoice = "latest",
    page_size: int = 2_000,
    fresh: bool = False,
    write: bool = True,
    period: str | None = None,
    progress: Progress | None = None,
) -> MonitorResult:
    """Read, analyse and (unless ``write`` is False) write the monitor's files into ``out``."""
    began = time.monotonic()
    if not isinstance(config, MonitorConfig):
        config = load_monitor_config(config)
    out = Path(out)
    store_path = out / STORE_NAME
    if fresh:
        remove_store(store_path)
    with _l1_errors():  # the L1 node and the portals, before anything is read
        check_portals(config)
    fetched = fetch_all(config, store_path, to_block, page_size=page_size, progress=progress)
    read = time.monotonic()
    ledgers, shared = analyse(config, fetched, store_path)
    analysed = time.monotonic()
    with _l1_errors():
        store = Store(store_path)
        try:
            read_l1_finality(config, ledgers, page_size=page_size, progress=progress, store=store)
        finally:
            store.close()
    on_l1 = time.monotonic()
    result = MonitorResult(config, ledgers, fetched, store_path, on_l1 - began, shared=shared)
    result.timings = {"read": read - began, "analyse": analysed - read, "l1 finality": on_l1 - analysed}
    if write:
        from revshare.monitor.outputs import write_outputs

        result.files = write_outputs(result, out, period or result.default_period())
        result.timings["write"] = time.monotonic() - on_l1
    result.seconds = time.monotonic() - began
    return result
