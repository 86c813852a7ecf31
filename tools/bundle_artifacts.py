"""Bundle the compiled contracts the `revshare` package needs into `revshare/artifacts/`, so the
package works from any folder (a notebook, another project) and not only from this project's root.

For each contract: `<Name>.json` with its ABI, creation and runtime bytecode (ape's ContractType
fields) and, for the contracts `deploy` deploys, the solc version and the standard-JSON input
that reproduces the bytecode (for block-explorer verification). Run after `ape compile` (the
Makefile's compile step does, also when this file changes); `--check` exits 1 when the bundle
differs from the compiled project instead of writing it. It needs the project's environment
(ape's data folder, the solc front end), as `make` sets it:

    eval "$(make -s env)" && python -m tools.bundle_artifacts [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "revshare" / "artifacts"

# What the package deploys (with verification input) and what it only reads or calls.
DEPLOYED = ("ChainRegistry", "ChainRevenueSplitter", "SharedSequencerSplitter", "RevenueShareTimelock")
DEMO_MOCKS = ("MockFeeVault", "MockL2StandardBridge", "MockL2ToL1MessagePasser")
INTERFACES = ("IFeeVault", "IL2StandardBridge", "IL2ToL1MessagePasser")
# Test-only models of OP Stack contracts the demo's scripted Superchain installs (no npm package
# ships their bytecode): the 1.6.0 fee vault, the FeeSplitter predeploy, the Superchain shares
# calculator and Base's FeeDisburser. They live in contracts/test/optimism/.
OP_MODELS = ("FeeVaultModel", "FeeSplitterModel", "SuperchainSharesCalculatorModel", "FeeDisburserModel")
VERIFIED = (*DEPLOYED, "MockFeeVault")


def standard_input(project: Any, source_id: str) -> tuple[str, dict[str, Any]]:
    """(solc version, standard-JSON input with every source inlined) for one source file."""
    from ape import compilers

    inputs = compilers.solidity.get_standard_input_json([project.path / source_id], project=project)
    if len(inputs) != 1:
        raise SystemExit(f"{source_id} compiles with {len(inputs)} compiler versions; expected one")
    ((version, data),) = inputs.items()
    for name, source in data["sources"].items():
        if "content" not in source:
            source["content"] = (project.path / name).read_text()
            source.pop("urls", None)
    # Only the outputs an explorer needs; the compiler settings that shape bytecode stay.
    data["settings"]["outputSelection"] = {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"]}}
    return str(version), data


def entry(project: Any, name: str) -> dict[str, Any]:
    """The bundled form of one compiled contract."""
    contract_type = getattr(project, name).contract_type
    fields = contract_type.model_dump(
        mode="json",
        by_alias=True,
        include={"name", "source_id", "abi", "deployment_bytecode", "runtime_bytecode"},
    )
    bundled: dict[str, Any] = {"contractType": fields}
    if name in VERIFIED:
        version, data = standard_input(project, str(contract_type.source_id))
        bundled["compilerVersion"] = version
        bundled["standardInput"] = data
    return bundled


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    from ape import project

    changed: list[str] = []
    removed: list[str] = []
    BUNDLE.mkdir(exist_ok=True)
    wanted = (*DEPLOYED, *DEMO_MOCKS, *INTERFACES, *OP_MODELS)
    for name in wanted:
        path = BUNDLE / f"{name}.json"
        text = render(entry(project, name))
        if not (path.exists() and path.read_text() == text):
            changed.append(name)
            if not args.check:
                path.write_text(text)
    for path in sorted(BUNDLE.glob("*.json")):
        if path.stem not in wanted:  # no longer bundled
            removed.append(path.stem)
            if not args.check:
                path.unlink()
    summary = "; ".join(
        part
        for part in (
            f"differs for {', '.join(changed)}" if changed else "",
            f"has unlisted {', '.join(removed)}" if removed else "",
        )
        if part
    )
    if args.check and summary:
        print(f"revshare/artifacts {summary}: run `python -m tools.bundle_artifacts`", file=sys.stderr)
        return 1
    if summary:
        print(f"re-bundled revshare/artifacts (it {summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
