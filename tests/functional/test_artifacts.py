"""The contracts bundled with the package (`revshare/artifacts/`) are the ones this checkout
compiles: same ABI, same creation and runtime bytecode, same verification input; those of other
projects are their npm packages' own, at the versions package.json pins."""

from __future__ import annotations

import json

import pytest
from hexbytes import HexBytes

from revshare.artifacts import MissingArtifact, container, contract_type, verification_input
from tools import bundle_artifacts

BUNDLED = (
    *bundle_artifacts.DEPLOYED,
    *bundle_artifacts.DEMO_MOCKS,
    *bundle_artifacts.INTERFACES,
    *bundle_artifacts.OP_MODELS,
)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_contract_is_the_compiled_one(project, name):
    compiled = getattr(project, name).contract_type
    bundled = contract_type(name)
    assert bundled.name == compiled.name == name
    assert bundled.abi == compiled.abi
    assert bundled.deployment_bytecode == compiled.deployment_bytecode
    assert bundled.runtime_bytecode == compiled.runtime_bytecode


@pytest.mark.parametrize("name", bundle_artifacts.NPM_CONTRACTS)
def test_bundled_npm_contract_is_the_package_one(name):
    package, path = bundle_artifacts.NPM_CONTRACTS[name]
    shipped = json.loads((package.folder / path).read_text())
    forge = package.layout == "forge"
    creation = shipped["bytecode"]["object"] if forge else shipped["bytecode"]
    runtime = shipped["deployedBytecode"]["object"] if forge else shipped["deployedBytecode"]
    bundled = contract_type(name)
    assert bundled.name == name
    assert len(bundled.abi) == len(shipped["abi"])
    for kind, items in (("function", bundled.methods), ("event", bundled.events)):
        assert sorted(item.name for item in items) == sorted(
            item["name"] for item in shipped["abi"] if item["type"] == kind
        )
    assert HexBytes(bundled.deployment_bytecode.bytecode) == HexBytes(creation)
    assert HexBytes(bundled.runtime_bytecode.bytecode) == HexBytes(runtime)
    assert len(HexBytes(runtime)) > 100  # real code, not an interface
    origin = json.loads((bundle_artifacts.BUNDLE / f"{name}.json").read_text())["npm"]
    assert origin == {"package": package.name, "version": package.version, "artifact": path}


def test_npm_sources_are_the_pinned_packages():
    pinned = json.loads((bundle_artifacts.ROOT / "package.json").read_text())["dependencies"]
    packages = {package for package, _ in bundle_artifacts.NPM_CONTRACTS.values()}
    assert {p.name: p.version for p in packages} == {p.name: pinned[p.name] for p in packages}
    for package in packages:
        installed = json.loads((package.folder / "package.json").read_text())["version"]
        assert installed == package.version


def test_the_whole_bundle_is_fresh():
    # Verification input included. `make` re-bundles after every compile (CI then fails on a bundle
    # that differs from the committed one); this catches a bundle left behind a compile made
    # without `make`, or edited by hand since.
    assert bundle_artifacts.main(["--check"]) == 0


def test_a_bundled_container_deploys_the_product_bytecode(owner, collective, guardian):
    registry = owner.deploy(container("ChainRegistry"), owner, collective, guardian)
    assert HexBytes(registry.code) == HexBytes(contract_type("ChainRegistry").runtime_bytecode.bytecode)
    version, standard_input = verification_input("ChainRegistry")
    assert version.startswith("0.8.28")
    assert "contracts/ChainRegistry.sol" in standard_input["sources"]


def test_unknown_or_unverifiable_contracts_are_named():
    with pytest.raises(MissingArtifact, match="no bundled contract 'Nope'"):
        contract_type("Nope")
    with pytest.raises(MissingArtifact, match="IFeeVault is bundled without verification input"):
        verification_input("IFeeVault")
