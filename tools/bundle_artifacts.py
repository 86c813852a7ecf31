"""Bundle the compiled contracts the `revshare` package needs into `revshare/artifacts/`, so the
package works from any folder (a notebook, another project) and not only from this project's root.

For each contract: `<Name>.json` with its ABI, creation and runtime bytecode (ape's ContractType
fields) and, for the contracts `deploy` deploys, the solc version and the standard-JSON input
that reproduces the bytecode (for block-explorer verification).

A second source: real contracts of other projects, copied as their npm packages (pinned in
package.json) ship them, for the local multi-chain lab (`revshare.demo.localnet`, `opstack`). Each
keeps its upstream name, so `contract_type("SafeL2")` is Safe's own SafeL2, and records the package,
version and artifact it came from under `npm` in its JSON:

- `@safe-global/safe-smart-account` 1.5.0 (hardhat artifacts: `abi`, `bytecode`,
  `deployedBytecode`): `SafeL2`, `SafeProxyFactory`, `CompatibilityFallbackHandler`,
  `MultiSendCallOnly` (what the Safe app executes a Transaction Builder batch through);
- `@eth-optimism/contracts-bedrock` 0.17.3 (forge artifacts: `bytecode.object`,
  `deployedBytecode.object`): the 1.4.1 fee vaults `SequencerFeeVault`, `BaseFeeVault`,
  `L1FeeVault`; the withdrawal path `L2ToL1MessagePasser`, `L2CrossDomainMessenger`,
  `L2StandardBridge` and the `L1Block` they ask about the gas token; `ProxyAdmin`.

A third: the charting library of the HTML pages, plotly.js's basic bundle
(`plotly.js-basic-dist-min`, pinned in package.json: bar, scatter and pie traces, about 1.1 MB),
copied as `plotly-basic.min.js` with its licence, so a page can inline it and open offline.

Run after `ape compile` (the Makefile's compile step does, also when this file or
package-lock.json changes); `--check` exits 1 when the bundle differs from the compiled project
and the npm packages instead of writing it. It needs the project's environment (ape's data folder,
the solc front end), as `make` sets it:

    eval "$(make -s env)" && python -m tools.bundle_artifacts [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "revshare" / "artifacts"

# What the package deploys (with verification input) and what it only reads or calls.
DEPLOYED = (
    "ChainRegistry",
    "ChainRevenueSplitter",
    "SharedSequencerSplitter",
    "RevenueShareTimelock",
    "RegistrySharesCalculator",
    "SharePayee",
    "RevenueLinkedGrants",
)
DEMO_MOCKS = ("MockFeeVault", "MockL2StandardBridge", "MockL2ToL1MessagePasser")
# The OP Stack's own revenue-share contracts the proposals call (contracts/interfaces/optimism/).
INTERFACES = (
    "IFeeVault",
    "IL2StandardBridge",
    "IL2ToL1MessagePasser",
    "IOPFeeVault",
    "IFeeSplitter",
    "ISharesCalculator",
)
# Test-only models of OP Stack contracts the demo's scripted Superchain installs (no npm package
# ships their bytecode): the 1.6.0 fee vault, the FeeSplitter predeploy, the Superchain shares
# calculator and Base's FeeDisburser. They live in contracts/test/optimism/.
OP_MODELS = ("FeeVaultModel", "FeeSplitterModel", "SuperchainSharesCalculatorModel", "FeeDisburserModel")
VERIFIED = (*DEPLOYED, "MockFeeVault")


@dataclass(frozen=True)
class NpmPackage:
    """An npm package of compiled contracts, at the version package.json pins."""

    name: str
    version: str
    layout: str  # "hardhat" (bytecode as a string), "forge" (bytecode under `object`) or "script" (a file)

    @property
    def folder(self) -> Path:
        return ROOT / "node_modules" / self.name


SAFE = NpmPackage("@safe-global/safe-smart-account", "1.5.0", "hardhat")
BEDROCK = NpmPackage("@eth-optimism/contracts-bedrock", "0.17.3", "forge")
_SAFE_BUILD = "build/artifacts/contracts"
# Contracts of other projects the local lab deploys, by upstream name: (package, artifact path).
NPM_CONTRACTS: dict[str, tuple[NpmPackage, str]] = {
    "SafeL2": (SAFE, f"{_SAFE_BUILD}/SafeL2.sol/SafeL2.json"),
    "SafeProxyFactory": (SAFE, f"{_SAFE_BUILD}/proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
    "CompatibilityFallbackHandler": (
        SAFE,
        f"{_SAFE_BUILD}/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    ),
    "MultiSendCallOnly": (SAFE, f"{_SAFE_BUILD}/libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json"),
    **{
        name: (BEDROCK, f"forge-artifacts/{name}.sol/{name}.json")
        for name in (
            "SequencerFeeVault",
            "BaseFeeVault",
            "L1FeeVault",
            "L2ToL1MessagePasser",
            "L2CrossDomainMessenger",
            "L2StandardBridge",
            "L1Block",
            "ProxyAdmin",
            "Proxy",
            "GasPriceOracle",
        )
    },
}


PLOTLY = NpmPackage("plotly.js-basic-dist-min", "3.7.0", "script")
# Files copied as they are: bundled name -> (package, file in the package).
NPM_FILES: dict[str, tuple[NpmPackage, str]] = {
    "plotly-basic.min.js": (PLOTLY, "plotly-basic.min.js"),
    "plotly-basic.LICENSE": (PLOTLY, "LICENSE"),
}


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


def installed(package: NpmPackage, path: str) -> Path:
    """A file of an installed npm package, once the installed version is the pinned one."""
    manifest = package.folder / "package.json"
    if not manifest.is_file():
        raise SystemExit(f"{package.name} is not installed: run `make install`")
    version = json.loads(manifest.read_text())["version"]
    if version != package.version:
        raise SystemExit(f"{package.name} {version} is installed, not {package.version}: run `make install`")
    return package.folder / path


def npm_artifact(name: str) -> dict[str, Any]:
    """The npm package's own artifact of `name` as it ships it (after checking the version)."""
    package, path = NPM_CONTRACTS[name]
    return json.loads(installed(package, path).read_text())


def npm_entry(name: str) -> dict[str, Any]:
    """The bundled form of a contract from an npm package: ABI and bytecode as the package has
    them (no library links: none of them needs one), and where they came from."""
    from ethpm_types import ContractType

    package, path = NPM_CONTRACTS[name]
    artifact = npm_artifact(name)
    if package.layout == "hardhat":
        creation, runtime = artifact["bytecode"], artifact["deployedBytecode"]
        source_id = artifact["sourceName"]
        links = artifact["linkReferences"] or artifact["deployedLinkReferences"]
    else:
        creation, runtime = artifact["bytecode"]["object"], artifact["deployedBytecode"]["object"]
        source_id = artifact["ast"]["absolutePath"]
        links = artifact["bytecode"]["linkReferences"] or artifact["deployedBytecode"]["linkReferences"]
    if links:
        raise SystemExit(f"{name} in {package.name} needs linked libraries; the bundler links none")
    contract_type = ContractType.model_validate(
        {
            "contractName": name,
            "sourceId": f"{package.name}/{source_id}",
            "abi": artifact["abi"],
            "deploymentBytecode": {"bytecode": creation},
            "runtimeBytecode": {"bytecode": runtime},
        }
    )
    fields = contract_type.model_dump(
        mode="json",
        by_alias=True,
        include={"name", "source_id", "abi", "deployment_bytecode", "runtime_bytecode"},
    )
    return {
        "contractType": fields,
        "npm": {"package": package.name, "version": package.version, "artifact": path},
    }


def npm_file(name: str) -> str:
    """A file an npm package ships, as text (after checking the package's version)."""
    package, path = NPM_FILES[name]
    return installed(package, path).read_text()


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
    wanted = (*DEPLOYED, *DEMO_MOCKS, *OP_MODELS, *INTERFACES, *NPM_CONTRACTS)
    for name in wanted:
        path = BUNDLE / f"{name}.json"
        text = render(npm_entry(name) if name in NPM_CONTRACTS else entry(project, name))
        if not (path.exists() and path.read_text() == text):
            changed.append(name)
            if not args.check:
                path.write_text(text)
    for name in NPM_FILES:
        path = BUNDLE / name
        text = npm_file(name)
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
