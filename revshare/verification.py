"""Block-explorer verification artifacts for every contract in a deployment record.

For each deployed contract: `<name>.standard-input.json`, the exact solc standard-JSON input
that reproduces its bytecode (every source inlined as `content`), and `<name>.json` with what an
explorer's form asks for: address, fully qualified contract name, compiler version, and the
ABI-encoded constructor arguments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from revshare.record import DeploymentRecord
from revshare.table import Log


def artifact_dir(record: DeploymentRecord) -> Path:
    """``deployments/<ecosystem>/<network>/verification/`` beside the record."""
    return record.path.with_suffix("") / "verification"


def standard_input(project: Any, source_id: str) -> tuple[str, dict[str, Any]]:
    """(compiler version, standard-JSON input) for one source file of the project."""
    from ape import compilers

    inputs = compilers.solidity.get_standard_input_json([project.path / source_id], project=project)
    if len(inputs) != 1:
        raise RuntimeError(f"{source_id} compiles with {len(inputs)} compiler versions; expected one")
    ((version, data),) = inputs.items()
    for name, source in data["sources"].items():
        if "content" not in source:
            source["content"] = (project.path / name).read_text()
            source.pop("urls", None)
    # Only the outputs an explorer needs; the compiler settings that shape bytecode stay.
    data["settings"]["outputSelection"] = {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"]}}
    return str(version), data


def write_artifacts(record: DeploymentRecord, project: Any, log: Log = print) -> Path:
    """Write the artifacts for every recorded contract; returns the folder."""
    folder = artifact_dir(record)
    folder.mkdir(parents=True, exist_ok=True)
    cache: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, entry in record.contracts.items():
        contract_type = getattr(project, entry["contract"]).contract_type
        source_id = str(contract_type.source_id)
        if source_id not in cache:
            cache[source_id] = standard_input(project, source_id)
        version, data = cache[source_id]
        stem = name.replace(":", "-")
        (folder / f"{stem}.standard-input.json").write_text(json.dumps(data, indent=2) + "\n")
        summary = {
            "address": entry["address"],
            "contract_name": f"{source_id}:{contract_type.name}",
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
