"""Connects `revshare.proposals` to a live deployment: finds the registry, reads its state,
works out how governance acts (timelock, multisig or plain account) and writes the files."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eth_utils import keccak

from revshare.onchain import RegistryState, read_registry
from revshare.proposals import Context, Proposal, ProposalError, write_proposal
from revshare.record import load_record, record_path
from revshare.table import Log


def find_registry(registry_address: str | None, record_dir: Path) -> tuple[Any, dict[str, Any]]:
    """The registry (given, or from this network's deployment record) and the record, if any."""
    from ape import networks, project

    path = record_path(record_dir, networks.provider.network_choice)
    record = load_record(path) if path.exists() else {}
    address = registry_address or record.get("contracts", {}).get("ChainRegistry", {}).get("address")
    if address is None:
        raise ProposalError(f"no deployment record at {path}: pass --registry ADDRESS")
    if not networks.provider.get_code(address):
        raise ProposalError(f"no contract at {address} on {networks.provider.network_choice}")
    return project.ChainRegistry.at(address), record


def governance_context(registry: Any, record: dict[str, Any], acting: str, safe: str | None) -> Context:
    from ape import networks, project

    provider = networks.provider
    contracts = {name: entry["address"] for name, entry in record.get("contracts", {}).items()}
    contracts.setdefault("ChainRegistry", str(registry.address))
    kind, timelock, delay = "account", None, 0
    if len(provider.get_code(acting)) > 0:
        candidate = project.RevenueShareTimelock.at(acting)
        try:
            delay = int(candidate.getMinDelay())
            kind, timelock = "timelock", candidate
        except Exception:  # not a timelock: any other contract owner is treated as a multisig
            kind = "multisig"
        if acting.lower() not in {address.lower() for address in contracts.values()}:
            contracts["Governance"] = acting
    if kind == "timelock" and safe is None:
        proposers = record.get("governance", {}).get("proposers") or []
        safe = proposers[0] if proposers else ""
    hashes = {
        name: "0x" + keccak(bytes(provider.get_code(address))).hex() for name, address in contracts.items()
    }
    return Context(
        network=provider.network_choice,
        chain_id=provider.chain_id,
        contracts=contracts,
        code_hashes=hashes,
        governance_kind=kind,
        governance=acting,
        timelock=timelock,
        timelock_delay=delay,
        safe=safe if kind == "timelock" else (acting if kind == "multisig" else (safe or "")),
    )


def make_proposal(
    build: Callable[[Any, RegistryState], Proposal],
    *,
    registry_address: str | None,
    record_dir: Path,
    out_dir: Path,
    safe: str | None,
    log: Log = print,
) -> Path:
    """Validate the change against the chain and write its proposal folder."""
    registry, record = find_registry(registry_address, record_dir)
    state = read_registry(registry)
    proposal = build(registry, state)
    ctx = governance_context(registry, record, proposal.acting, safe)
    now = datetime.now(timezone.utc)
    folder = write_proposal(
        proposal,
        ctx,
        out_dir,
        created_ms=int(time.time() * 1000),
        stamp=now.strftime("%Y%m%d-%H%M%S"),
    )
    log(f"{proposal.title}")
    log(f"  governance: {ctx.governance_kind} {ctx.governance}")
    for name in sorted(p.name for p in folder.iterdir()):
        log(f"  wrote {folder / name}")
    return folder
