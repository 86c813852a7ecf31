"""Block-explorer verification artifacts for every contract in a deployment record.

For each deployed contract: `<name>.standard-input.json`, the exact solc standard-JSON input
that reproduces its bytecode (every source inlined as `content`), and `<name>.json` with what an
explorer's form asks for: address, fully qualified contract name, compiler version, and the
ABI-encoded constructor arguments.
"""

from __future__ import annotations

import json
from pathlib import Path

from revshare.artifacts import contract_type, verification_input
from revshare.deploying.record import DeploymentRecord
from revshare.terminal import Log


def artifact_dir(record: DeploymentRecord) -> Path:
    """``deployments/<ecosystem>/<network>/verification/`` beside the record."""
    return record.path.with_suffix("") / "verification"


def write_artifacts(record: DeploymentRecord, log: Log = print) -> Path:
    """Write the artifacts for every recorded contract; returns the folder."""
    folder = artifact_dir(record)
    folder.mkdir(parents=True, exist_ok=True)
    for name, entry in record.contracts.items():
        contract = contract_type(entry["contract"])
        source_id = str(contract.source_id)
        version, data = verification_input(entry["contract"])
        stem = name.replace(":", "-")
        (folder / f"{stem}.standard-input.json").write_text(json.dumps(data, indent=2) + "\n")
        summary = {
            "address": entry["address"],
            "contract_name": f"{source_id}:{contract.name}",
            "compiler_version": f"v{version}",
            "optimizer": data["settings"].get("optimizer"),
            "evm_version": data["settings"].get("evmVersion"),
            "constructor_args": entry["constructor_args"],
            "constructor_args_abi_encoded": entry.get("constructor_args_encoded", ""),
            "standard_input": f"{stem}.standard-input.json",
        }
        (folder / f"{stem}.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    log(f"Verification artifacts: {folder}")
    return folder
