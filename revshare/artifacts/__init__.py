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
    """An ape ContractContainer for a bundled contract (needs ape; no project needed)."""
    from ape.contracts import ContractContainer

    return ContractContainer(contract_type(name))


def verification_input(name: str) -> tuple[str, dict[str, Any]]:
    """(solc version, standard-JSON input) that reproduce a deployable contract's bytecode."""
    bundled = _bundled(name)
    if "standardInput" not in bundled:
        raise MissingArtifact(f"{name} is bundled without verification input")
    return bundled["compilerVersion"], json.loads(json.dumps(bundled["standardInput"]))
