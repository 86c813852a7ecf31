"""One monitor run: read every network into the store, analyse each chain, write the outputs::

    from revshare.monitor import run_monitor
    result = run_monitor("superchain.yaml", out="reports/monitor")
    for ledger in result.ledgers:
        print(ledger.chain.name, ledger.owed, ledger.paid, ledger.balance)
"""

from __future__ import annotations

import time
from pathlib import Path

from revshare.chain.reader import ChainReader
from revshare.chain.registry import registry_at_block
from revshare.chain.rpc import HttpJsonRpc
from revshare.monitor.config import MonitorConfig, Terms, WatchedChain, load_monitor_config
from revshare.monitor.fetch import Fetched, Progress, before, fetch_all
from revshare.monitor.ledger import analyse_chain
from revshare.monitor.records import ChainData, ChainLedger, TermsAt, decode_logs
from revshare.monitor.result import MonitorResult
from revshare.monitor.store import Store

STORE_NAME = "monitor.sqlite"


def _terms_reader(config: MonitorConfig, store: Path) -> TermsAt:
    """Terms at a block: the config's, or the registry's where a chain names one (read from the
    chain at that block; snapshots keep them in the store)."""
    readers: dict[int, ChainReader] = {}

    def terms_at(chain: WatchedChain, block: int, timestamp: int) -> Terms:
        if chain.registry is None:
            return chain.terms_at(block, timestamp)
        db = Store(store)
        try:
            saved = db.snapshot(chain.chain_id, block).get((chain.registry, "terms"))
            if saved is None:
                reader = readers.setdefault(chain.chain_id, ChainReader(HttpJsonRpc(chain.network.rpc)))
                state = registry_at_block(reader, chain.registry, chain.chain_id, block)
                saved = [state.gross_bps, state.net_bps] if state.registered and state.active else [0, 0]
                db.save_snapshot(chain.chain_id, block, {(chain.registry, "terms"): saved})
        finally:
            db.close()
        return Terms(int(saved[0]), int(saved[1]))

    return terms_at


def analyse(config: MonitorConfig, fetched: Fetched, store_path: Path) -> list[ChainLedger]:
    """Every chain's ledger from the store, over the ranges just read."""
    store = Store(store_path)
    terms_at = _terms_reader(config, store_path)
    try:
        l1 = fetched.ranges.get(config.l1.chain_id) if config.l1 else None
        l1_logs = store.logs(l1.network.chain_id, l1.start, l1.stop) if l1 else []
        l1_times = store.timestamps(l1.network.chain_id) if l1 else {}
        l1_events = decode_logs(l1_logs)
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
                l1_logs=l1_logs,
                l1_timestamps=l1_times,
                l1_decoded=l1_events,
            )
            ledgers.append(analyse_chain(config, data, terms_at))
        return ledgers
    finally:
        store.close()


def run_monitor(
    config: MonitorConfig | str | Path,
    out: str | Path = "reports/monitor",
    *,
    to_block: str | int = "latest",
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
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store_path}{suffix}").unlink(missing_ok=True)
    fetched = fetch_all(config, store_path, to_block, page_size=page_size, progress=progress)
    read = time.monotonic()
    ledgers = analyse(config, fetched, store_path)
    analysed = time.monotonic()
    result = MonitorResult(config, ledgers, fetched, store_path, analysed - began)
    result.timings = {"read": read - began, "analyse": analysed - read}
    if write:
        from revshare.monitor.outputs import write_outputs

        result.files = write_outputs(result, out, period or result.default_period())
        result.timings["write"] = time.monotonic() - analysed
    result.seconds = time.monotonic() - began
    return result
