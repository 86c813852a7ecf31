"""Deployment records: one JSON file per network with every deployed contract's address,
transaction, block and constructor arguments, the configuration calls made, and any step that
was started but not yet confirmed. Written atomically after every step, so a crash at any
moment leaves a record the next run can continue from."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


class RecordError(RuntimeError):
    """A record that cannot be used for this run (another network, another deployer, corrupt)."""


@dataclass
class DeploymentRecord:
    """What has been deployed on one network, and what was in flight when the last run stopped."""

    path: Path
    network: str
    chain_id: int
    deployer: str
    config: str
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    # step label -> {"nonce"}: a transaction sent but not yet confirmed when the run stopped.
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    salt: str | None = None  # the CREATE2 salt, once a contract is deployed through the factory
    governance: dict[str, Any] = field(default_factory=dict)
    completed: bool = False

    @classmethod
    def open(cls, path: Path, *, network: str, chain_id: int, deployer: str, config: str) -> DeploymentRecord:
        """The record at `path` to continue, or a new one. Refuses a record of another chain or deployer."""
        if not path.exists():
            return cls(path=path, network=network, chain_id=chain_id, deployer=deployer, config=config)
        return cls._checked(
            path, load_record(path), network=network, chain_id=chain_id, deployer=deployer, config=config
        )

    @classmethod
    def _checked(
        cls, path: Path, data: dict[str, Any], *, network: str, chain_id: int, deployer: str, config: str
    ) -> DeploymentRecord:
        """The record held in ``data`` (read from ``path``), refused for another chain or deployer."""
        try:
            record = cls(
                path=path,
                network=data["network"],
                chain_id=int(data["chain_id"]),
                deployer=data["deployer"],
                config=data.get("config", config),
                contracts=dict(data.get("contracts", {})),
                actions=list(data.get("actions", [])),
                pending=dict(data.get("pending", {})),
                governance=dict(data.get("governance", {})),
                completed=bool(data.get("completed", False)),
                salt=data.get("salt"),
            )
            for name, entry in record.contracts.items():
                if not isinstance(entry, dict) or not isinstance(entry.get("address"), str):
                    raise ValueError(f"contract {name!r} has no address")
            for step, entry in record.pending.items():
                if not isinstance(entry, dict) or not isinstance(entry.get("nonce"), int):
                    raise ValueError(f"pending {step!r} has no whole-number nonce")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RecordError(f"{path} is not a readable deployment record ({exc}): move it away") from None
        if record.chain_id != chain_id:
            raise RecordError(
                f"{path} records chain id {record.chain_id}, but the node reports {chain_id}: "
                "wrong --network, or use another --records folder"
            )
        if record.deployer.lower() != deployer.lower():
            raise RecordError(
                f"{path} was started by {record.deployer}: continue with that --account "
                "(or use another --records folder)"
            )
        record.config = config
        if record.network != network:  # an older version recorded the RPC URL, secrets and all
            record.network = network
            record.save()
        return record

    @classmethod
    def read(cls, path: Path) -> DeploymentRecord:
        """A saved record as it is (RecordError when it is missing or unreadable)."""
        if not path.exists():
            raise RecordError(f"no deployment record at {path}: deploy first, or give --records")
        data = load_record(path)
        return cls._checked(
            path,
            data,
            network=data.get("network", ""),
            chain_id=int(data.get("chain_id", 0)),
            deployer=str(data.get("deployer", "")),
            config=data.get("config", ""),
        )

    def address(self, name: str) -> str | None:
        entry = self.contracts.get(name)
        return entry["address"] if entry else None

    def set_pending(self, step: str, nonce: int) -> None:
        """Note a transaction about to be sent with ``nonce``, and save."""
        self.pending[step] = {"nonce": nonce}
        self.save()

    def clear_pending(self) -> None:
        if self.pending:
            self.pending.clear()
            self.save()

    def add_contract(
        self,
        name: str,
        address: str,
        tx_hash: str | None,
        block: int | None,
        args: list[Any],
        *,
        contract_type: str,
        encoded_args: str,
        deployed_by: str = "create2",
        step: str | None = None,
    ) -> None:
        """Record a confirmed deployment, clear its step from pending, and save."""
        self.contracts[name] = {
            "contract": contract_type,
            "address": address,
            "tx_hash": tx_hash,
            "block": block,
            "deployed_by": deployed_by,
            "constructor_args": args,
            "constructor_args_encoded": encoded_args,
        }
        self.pending.pop(step or name, None)
        self.save()

    def add_action(self, description: str, tx_hash: str | None) -> None:
        """Record a configuration transaction (e.g. a chain registration), clear it from pending,
        and save."""
        self.actions.append({"action": description, "tx_hash": tx_hash})
        self.pending.pop(description, None)
        self.save()

    def finish(self, governance: dict[str, Any]) -> None:
        self.governance = governance
        self.completed = True
        self.save()

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "chain_id": self.chain_id,
            "deployer": self.deployer,
            "config": self.config,
            "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "completed": self.completed,
            "governance": self.governance,
            "salt": self.salt,
            "contracts": self.contracts,
            "pending": self.pending,
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
    """``deployments/<ecosystem>/<network>.json`` for a choice like ``optimism:sepolia:node``."""
    ecosystem, network, *_ = [*network_choice.split(":"), "", ""]
    return directory / (ecosystem or "unknown") / f"{network or 'unknown'}.json"


def load_record(path: Path) -> dict[str, Any]:
    """A saved record as plain data."""
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise RecordError(f"{path} is not a readable deployment record ({exc}): move it away") from None
    if not isinstance(data, dict):
        raise RecordError(f"{path} is not a deployment record")
    return data
