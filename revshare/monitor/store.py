"""The monitor's local store (SQLite, one file in the reports folder): raw logs, block timestamps,
how far each log filter has been read, and snapshots of contract state. A re-run reads only the
blocks after the last page stored.

Each page of logs is written in one transaction with the blocks' timestamps and the filter's new
position, so a run killed at any moment leaves the store as it was after some whole page: the next
run goes on from there, and no log is stored twice (logs are keyed by chain, block and index).
The store remembers each chain's block 0 and the hash of the last block read, so a different
chain behind the same chain id, or a reorganisation below what was read, stops the run instead
of mixing two histories.

A source read block by block (the message passer's logs of the blocks where a withdrawal to L1
started: `revshare.monitor.events.MESSAGE_SOURCE`) keeps, per block, that it was read, with the
block's hash: each block's logs and that mark are written in one transaction, and a block read
is never read again.

A withdrawal L1 finalized, and long enough ago that no reorganisation undoes it, is final: its
finality is kept (`l1_final`, per portal) and never asked of L1 again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chains (chain_id INTEGER PRIMARY KEY, genesis_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS logs (
    chain_id INTEGER NOT NULL, block INTEGER NOT NULL, log_index INTEGER NOT NULL,
    tx_hash TEXT NOT NULL, address TEXT NOT NULL, topics TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (chain_id, block, log_index)
);
CREATE TABLE IF NOT EXISTS blocks (
    chain_id INTEGER NOT NULL, block INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    PRIMARY KEY (chain_id, block)
);
CREATE TABLE IF NOT EXISTS scans (
    chain_id INTEGER NOT NULL, source TEXT NOT NULL, last_block INTEGER NOT NULL, last_hash TEXT NOT NULL,
    PRIMARY KEY (chain_id, source)
);
CREATE TABLE IF NOT EXISTS block_reads (
    chain_id INTEGER NOT NULL, source TEXT NOT NULL, block INTEGER NOT NULL, block_hash TEXT NOT NULL,
    PRIMARY KEY (chain_id, source, block)
);
CREATE TABLE IF NOT EXISTS l1_final (
    portal TEXT NOT NULL, withdrawal_hash TEXT NOT NULL, item TEXT NOT NULL,
    PRIMARY KEY (portal, withdrawal_hash)
);
CREATE TABLE IF NOT EXISTS snapshots (
    chain_id INTEGER NOT NULL, block INTEGER NOT NULL, address TEXT NOT NULL, what TEXT NOT NULL,
    value TEXT NOT NULL, PRIMARY KEY (chain_id, block, address, what)
);
"""


class StoreError(RuntimeError):
    """The store cannot be used for this run (another chain, a reorganisation, another format)."""


def remove_store(path: Path) -> None:
    """Delete a monitor store (and SQLite's files beside it) to start afresh; a file of that name
    that is not a monitor store is not the monitor's to delete."""
    if not path.exists():
        return
    Store(path).close()  # raises StoreError for anything but a monitor store
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Store:
    """One connection to the store file (one per thread: SQLite connections are not shared)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
            self._open()
        except OSError as exc:
            raise StoreError(f"cannot create the store {path}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot use the store {path}: {exc}; move it away to start afresh") from None

    def _open(self) -> None:
        path = self.path
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise StoreError(f"{path} is an SQLite file but not a monitor store: give another --out folder")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self.transaction():
            for statement in _statements():
                self._db.execute(statement)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{path} is a monitor store of format {row[0]}, this monitor writes {SCHEMA_VERSION}"
                )

    def close(self) -> None:
        self._db.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # ------------------------------------------------------------ chains and positions
    def check_genesis(self, chain_id: int, genesis_hash: str, name: str) -> None:
        """Remember block 0 of a chain, or stop if the store holds another chain of that id."""
        with self.transaction():
            row = self._db.execute(
                "SELECT genesis_hash FROM chains WHERE chain_id = ?", (chain_id,)
            ).fetchone()
            if row is None:
                self._db.execute("INSERT INTO chains VALUES (?, ?)", (chain_id, genesis_hash))
            elif row[0] != genesis_hash:
                raise StoreError(
                    f"{name}: the store {self.path.name} holds another chain with id {chain_id} (its block 0 "
                    "differs from the node's): run with --fresh, or write to another --out folder"
                )

    def position(self, chain_id: int, source: str) -> tuple[int, str] | None:
        row = self._db.execute(
            "SELECT last_block, last_hash FROM scans WHERE chain_id = ? AND source = ?", (chain_id, source)
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def save_page(
        self,
        chain_id: int,
        source: str,
        logs: Iterable[dict[str, Any]],
        timestamps: dict[int, int],
        last_block: int,
        last_hash: str,
    ) -> None:
        """One page: its logs, their blocks' timestamps and the source's new position, together."""
        with self.transaction():
            self._insert_logs(chain_id, logs)
            self._db.executemany(
                "INSERT OR IGNORE INTO blocks VALUES (?, ?, ?)",
                [(chain_id, b, t) for b, t in timestamps.items()],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO scans VALUES (?, ?, ?, ?)", (chain_id, source, last_block, last_hash)
            )

    def blocks_read(self, chain_id: int, source: str) -> set[int]:
        """The blocks a source read block by block has read on a chain."""
        rows = self._db.execute(
            "SELECT block FROM block_reads WHERE chain_id = ? AND source = ?", (chain_id, source)
        )
        return {int(row[0]) for row in rows}

    def save_block(
        self, chain_id: int, source: str, block: int, logs: Iterable[dict[str, Any]], block_hash: str
    ) -> None:
        """One block of a source read block by block: its logs and the mark that it was read, together."""
        with self.transaction():
            self._insert_logs(chain_id, logs)
            self._db.execute(
                "INSERT OR REPLACE INTO block_reads VALUES (?, ?, ?, ?)",
                (chain_id, source, block, block_hash),
            )

    def final_withdrawals(self, portal: str) -> dict[str, dict[str, Any]]:
        """The withdrawals kept as final on L1 through ``portal``: hash -> their finality (JSON)."""
        rows = self._db.execute(
            "SELECT withdrawal_hash, item FROM l1_final WHERE portal = ?", (portal.lower(),)
        )
        return {str(row[0]): json.loads(row[1]) for row in rows}

    def save_final_withdrawals(self, portal: str, items: dict[str, dict[str, Any]]) -> None:
        """Keep withdrawals final on L1 through ``portal`` (hash -> finality as JSON), in one go."""
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO l1_final VALUES (?, ?, ?)",
                [(portal.lower(), h, json.dumps(item, sort_keys=True)) for h, item in items.items()],
            )

    def _insert_logs(self, chain_id: int, logs: Iterable[dict[str, Any]]) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO logs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    chain_id,
                    int(raw["blockNumber"], 16),
                    int(raw["logIndex"], 16),
                    raw["transactionHash"],
                    raw["address"],
                    json.dumps(raw["topics"]),
                    raw["data"],
                )
                for raw in logs
            ],
        )

    def timestamps(self, chain_id: int) -> dict[int, int]:
        rows = self._db.execute("SELECT block, timestamp FROM blocks WHERE chain_id = ?", (chain_id,))
        return {int(b): int(t) for b, t in rows}

    def save_timestamps(self, chain_id: int, timestamps: dict[int, int]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO blocks VALUES (?, ?, ?)",
                [(chain_id, b, t) for b, t in timestamps.items()],
            )

    # ------------------------------------------------------------ reading back
    def logs(self, chain_id: int, start: int, stop: int) -> list[dict[str, Any]]:
        """The stored logs of a chain in blocks start..stop, in chain order, in the node's JSON form."""
        rows = self._db.execute(
            "SELECT block, log_index, tx_hash, address, topics, data FROM logs "
            "WHERE chain_id = ? AND block BETWEEN ? AND ? ORDER BY block, log_index",
            (chain_id, start, stop),
        )
        return _as_logs(rows)

    def logs_with_topic(
        self, chain_id: int, start: int, stop: int, topics: Iterable[str]
    ) -> list[dict[str, Any]]:
        """`logs` whose topic 0 is one of ``topics`` (topics are stored as JSON lists of hex
        strings: the first one is at characters 3-68)."""
        wanted = sorted({t.lower() for t in topics})
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        rows = self._db.execute(
            "SELECT block, log_index, tx_hash, address, topics, data FROM logs WHERE chain_id = ? AND block "
            f"BETWEEN ? AND ? AND lower(substr(topics, 3, 66)) IN ({marks}) ORDER BY block, log_index",
            (chain_id, start, stop, *wanted),
        )
        return _as_logs(rows)

    def count_logs(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM logs").fetchone()[0])

    # ------------------------------------------------------------ snapshots
    def save_snapshot(self, chain_id: int, block: int, values: dict[tuple[str, str], Any]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                [
                    (chain_id, block, address, what, json.dumps(value))
                    for (address, what), value in values.items()
                ],
            )

    def snapshot(self, chain_id: int, block: int) -> dict[tuple[str, str], Any]:
        rows = self._db.execute(
            "SELECT address, what, value FROM snapshots WHERE chain_id = ? AND block = ?", (chain_id, block)
        )
        return {(address, what): json.loads(value) for address, what, value in rows}


def _as_logs(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of the logs table in the node's JSON form."""
    return [
        {
            "blockNumber": hex(block),
            "logIndex": hex(index),
            "transactionHash": tx_hash,
            "address": address,
            "topics": json.loads(topics),
            "data": data,
        }
        for block, index, tx_hash, address, topics, data in rows
    ]


def _statements() -> list[str]:
    return [s for s in SCHEMA.split(";") if s.strip()]


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back if the body raises (or is interrupted)."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: Any, *_: Any) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
