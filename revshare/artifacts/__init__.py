"""The compiled contracts the package uses, bundled with it (`tools/bundle_artifacts.py` writes
them after every compile), so deploying, proposing and reporting work from any folder:

    >>> from revshare.artifacts import contract_type
    >>> contract_type("ChainRevenueSplitter").name
    'ChainRevenueSplitter'

`container(name)` is the ape `ContractContainer` to deploy (`account.deploy(container(...), ...)`)
or attach (`container(...).at(address)`); `verification_input(name)` is the solc version and
standard-JSON input that reproduce a deployed contract's bytecode.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent


class MissingArtifact(LookupError):
    """A contract the package does not bundle."""


@cache
def _bundled(name: str) -> dict[str, Any]:
    path = FOLDER / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in FOLDER.glob("*.json")))
        raise MissingArtifact(f"no bundled contract {name!r} (bundled: {known})")
    return json.loads(path.read_text())


def abi_of(name: str) -> list[dict[str, Any]]:
    """A bundled contract's ABI as plain JSON entries (no ape, no ethpm types)."""
    return list(_bundled(name)["contractType"]["abi"])


@cache
def contract_type(name: str) -> Any:
    """The ethpm ContractType (ABI, creation and runtime bytecode) of a bundled contract."""
    from ethpm_types import ContractType

    return ContractType.model_validate(_bundled(name)["contractType"])


def container(name: str) -> Any:
    """An ape ContractContainer for a bundled contract (needs ape; no project needed). Its `at`
    uses the bundled ABI as it is: ape would otherwise merge it into whatever ABI it cached on disk
    for that address on a live network (an older version of the contract, say), and decode calls
    with the cached outputs."""
    from ape.contracts import ContractContainer

    class _Bundled(ContractContainer):
        def at(self, address: Any, *args: Any, **kwargs: Any) -> Any:
            if args or kwargs:
                return super().at(address, *args, **kwargs)
            return self.chain_manager.contracts.instance_at(
                address, contract_type=self.contract_type, fetch_from_explorer=False, replace=True
            )

    return _Bundled(contract_type(name))


def verification_input(name: str) -> tuple[str, dict[str, Any]]:
    """(solc version, standard-JSON input) that reproduce a deployable contract's bytecode."""
    bundled = _bundled(name)
    if "standardInput" not in bundled:
        raise MissingArtifact(f"{name} is bundled without verification input")
    return bundled["compilerVersion"], json.loads(json.dumps(bundled["standardInput"]))


def _inputs_of(name: str, kind: str, method: str | None = None) -> dict[str, Any]:
    for entry in abi_of(name):
        if entry.get("type") == kind and (method is None or entry.get("name") == method):
            return entry
    if kind == "constructor":
        return {"type": "constructor", "inputs": []}
    raise MissingArtifact(f"{name} has no function {method!r}")


def constructor_inputs(name: str) -> list[dict[str, Any]]:
    """The constructor's ABI inputs (name, type, components) of a bundled contract."""
    return list(_inputs_of(name, "constructor").get("inputs", []))


def encode_constructor(name: str, args: list[Any]) -> bytes:
    """The ABI-encoded constructor arguments of a bundled contract."""
    from eth_abi import encode
    from eth_utils.abi import get_abi_input_types

    entry = _inputs_of(name, "constructor")
    return encode(get_abi_input_types(entry), args) if entry.get("inputs") else b""


def creation_code(name: str, args: list[Any]) -> bytes:
    """A bundled contract's creation code followed by its encoded constructor arguments (the
    init code a CREATE or CREATE2 runs)."""
    code = str(contract_type(name).deployment_bytecode.bytecode or "0x").removeprefix("0x")
    if not code:
        raise MissingArtifact(f"{name} is bundled without creation code (an interface?)")
    return bytes.fromhex(code) + encode_constructor(name, args)


def calldata(name: str, method: str, args: list[Any]) -> bytes:
    """The calldata of ``name.method(*args)`` (the first overload of that name)."""
    from eth_abi import encode
    from eth_utils.abi import function_abi_to_4byte_selector, get_abi_input_types

    entry = _inputs_of(name, "function", method)
    return bytes(function_abi_to_4byte_selector(entry)) + encode(get_abi_input_types(entry), args)


def decode_output(name: str, method: str, data: bytes) -> tuple[Any, ...]:
    """The decoded return values of ``name.method`` from raw return data."""
    from eth_abi import decode
    from eth_utils.abi import get_abi_output_types

    return tuple(decode(get_abi_output_types(_inputs_of(name, "function", method)), data))
