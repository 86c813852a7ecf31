"""Deployment records: one JSON file per network with every deployed contract's address,
transaction, block and constructor arguments. Written after every step, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


@dataclass
class DeploymentRecord:
    """What has been deployed on one network."""

    path: Path
    network: str
    chain_id: int
    deployer: str
    config: str
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)

    def add_contract(
        self, name: str, address: str, tx_hash: str | None, block: int | None, args: list[Any]
    ) -> None:
        """Record a deployed contract and save."""
        self.contracts[name] = {
            "address": address,
            "tx_hash": tx_hash,
            "block": block,
            "constructor_args": args,
        }
        self.save()

    def add_action(self, description: str, tx_hash: str | None) -> None:
        """Record a configuration transaction (e.g. a chain registration) and save."""
        self.actions.append({"action": description, "tx_hash": tx_hash})
        self.save()

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "chain_id": self.chain_id,
            "deployer": self.deployer,
            "config": self.config,
            "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "contracts": self.contracts,
            "actions": self.actions,
        }

    def save(self) -> None:
        """Write the record atomically (a crash never leaves a half-written file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".record-", suffix=".json")
        with os.fdopen(fd, "w") as handle:
            json.dump(self.to_json(), handle, indent=2, default=str)
            handle.write("\n")
        os.replace(tmp, self.path)


def record_path(directory: Path, network_choice: str) -> Path:
    """``deployments/<ecosystem>/<network>.json`` for a choice like ``ethereum:local:foundry``."""
    ecosystem, network, *_ = [*network_choice.split(":"), "", ""]
    return directory / (ecosystem or "unknown") / f"{network or 'unknown'}.json"


def load_record(path: Path) -> dict[str, Any]:
    """A saved record as plain data."""
    return json.loads(path.read_text())
