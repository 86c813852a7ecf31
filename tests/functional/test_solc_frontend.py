"""The project's solc front end (tools/solc.js over the npm `solc` package) behaves like native
solc for py-solc-x and ape-solidity: banner on --version, only JSON on stdout for --standard-json."""

import json
import os
import subprocess
from pathlib import Path

import pytest
import solcx

ROOT = Path(__file__).resolve().parents[2]
SOLC_VERSION = "0.8.28"


@pytest.fixture(scope="module")
def solc_bin():
    folder = Path(os.environ.get("SOLCX_BINARY_PATH", ROOT / ".build" / "solcx"))
    path = folder / f"solc-v{SOLC_VERSION}"
    assert path.is_file(), f"{path} missing: run `make install`"
    return path


def run(solc_bin, *args, stdin=""):
    return subprocess.run([str(solc_bin), *args], input=stdin, capture_output=True, text=True, check=False)


def standard_input(source, **settings):
    return json.dumps(
        {
            "language": "Solidity",
            "sources": {"A.sol": {"content": source}},
            "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}, **settings},
        }
    )


def test_version_banner(solc_bin):
    result = run(solc_bin, "--version")
    assert result.returncode == 0
    assert f"Version: {SOLC_VERSION}+commit." in result.stdout


def test_py_solc_x_sees_the_installed_version(solc_bin):
    assert solcx.get_installed_solc_versions(solc_bin.parent)[0].base_version == SOLC_VERSION


def test_standard_json_prints_only_json(solc_bin):
    source = "// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\ncontract A { uint256 public x = 1; }"
    result = run(solc_bin, "--standard-json", stdin=standard_input(source))
    assert result.returncode == 0
    output = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert output["contracts"]["A.sol"]["A"]["evm"]["bytecode"]["object"]
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]


def test_compile_errors_are_reported_inside_the_json(solc_bin):
    result = run(solc_bin, "--standard-json", stdin=standard_input("contract A { function }"))
    assert result.returncode == 0
    errors = json.loads(result.stdout)["errors"]
    assert any(e["severity"] == "error" and e["type"] == "ParserError" for e in errors)


def test_invalid_input_json_is_reported_inside_the_json(solc_bin):
    result = run(solc_bin, "--standard-json", stdin="not json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["errors"][0]["type"] == "JSONError"


def test_imports_resolve_from_base_path(solc_bin, tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "L.sol").write_text(
        "pragma solidity 0.8.28;\nlibrary L { function one() internal pure returns (uint) { return 1; } }"
    )
    source = (
        'pragma solidity 0.8.28;\nimport "lib/L.sol";\n'
        "contract A { function f() external pure returns (uint) { return L.one(); } }"
    )
    result = run(
        solc_bin,
        "--standard-json",
        "--base-path",
        str(tmp_path),
        "--allow-paths",
        str(tmp_path),
        stdin=standard_input(source),
    )
    output = json.loads(result.stdout)
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"], output.get("errors")
    assert "A" in output["contracts"]["A.sol"]


def test_missing_import_is_a_json_error(solc_bin, tmp_path):
    source = 'pragma solidity 0.8.28;\nimport "nowhere/X.sol";\ncontract A {}'
    result = run(solc_bin, "--standard-json", "--base-path", str(tmp_path), stdin=standard_input(source))
    assert result.returncode == 0
    assert any("not found" in e["message"].lower() for e in json.loads(result.stdout)["errors"])


def test_unknown_flags_fail_loudly(solc_bin):
    result = run(solc_bin, "--combined-json", "abi")
    assert result.returncode != 0
    assert "unsupported argument" in result.stderr


def test_py_solc_x_compiles_through_the_front_end(solc_bin):
    source = "// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\ncontract A { uint256 public x = 1; }"
    output = solcx.compile_standard(json.loads(standard_input(source)), solc_binary=solc_bin)
    assert output["contracts"]["A.sol"]["A"]["abi"][0]["name"] == "x"
