"""The package works from any folder: the README's Python examples and every docstring example
run as written, from a folder outside the project, against a deployment on a local OP Sepolia
stand-in. Each `print(...)  # expected` comment in the README is checked against the output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.integration.helpers import ROOT, ape_run
from tests.integration.nodes import OP_SEPOLIA, FakeTestnet

DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0
SECTION = "## From Python, in any folder"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
EXPECTED = re.compile(r"^print\(.*\)  # (.+)$", re.M)


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return PYTHON_BLOCK.findall(text[start:end])


def docstring_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "revshare").rglob("*.py") if ">>>" in p.read_text())


def run_python(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The project's interpreter in ``cwd``, without the project folder on the path."""
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, project):
    """A registry and OP Sepolia's splitter deployed with `ape run deploy`, fee vaults in place,
    and 1 ETH of fees waiting in the sequencer fee vault."""
    tmp = tmp_path_factory.mktemp("examples")
    node = FakeTestnet(OP_SEPOLIA, tmp).start()
    config = tmp / "deploy.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "collective": "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0",
                "chains": [
                    {
                        "chain_id": OP_SEPOLIA,
                        "name": "OP Sepolia",
                        "treasury": "0x7E0000000000000000000000000000000000000A",
                    }
                ],
            }
        )
    )
    records = tmp / "records"
    args = ["deploy", "--config", str(config), "--network", node.network, "--account", "TEST::0", "--yes"]
    try:
        result = ape_run(*args, "--records", str(records))
        assert result.returncode == 0, result.stdout + result.stderr
        contracts = json.loads((records / "optimism" / "sepolia.json").read_text())["contracts"]
        splitter = contracts[f"ChainRevenueSplitter:{OP_SEPOLIA}"]["address"]
        node.install_fee_vaults(project, splitter, DEPLOYER)
        node.rpc.send(
            {"from": DEPLOYER, "to": "0x4200000000000000000000000000000000000011", "value": hex(10**18)}
        )
        yield {
            "RPC_URL": node.uri,
            "CHAIN_ID": str(OP_SEPOLIA),
            "SPLITTER": splitter,
            "REGISTRY": contracts["ChainRegistry"]["address"],
        }
    finally:
        node.stop()


def test_the_readme_has_the_examples():
    blocks = readme_examples()
    assert len(blocks) == 3
    assert all(EXPECTED.search(block) for block in (blocks[0], blocks[2]))


@pytest.mark.parametrize("index", range(3))
def test_readme_example_runs_outside_the_project(deployment, tmp_path, index):
    block = readme_examples()[index]
    result = run_python(["-c", block], tmp_path, deployment)
    assert result.returncode == 0, result.stdout + result.stderr
    for expected in EXPECTED.findall(block):
        assert expected in result.stdout, (expected, result.stdout)
    if "write_report" in block:
        assert "every wei accounted for" in result.stdout
        assert "1.000000" in result.stdout  # the fees still in the vault, listed as pending
        assert (tmp_path / "my-report" / "index.html").is_file()
    if "make_proposal" in block:
        (folder,) = (tmp_path / "proposals").iterdir()
        batch = json.loads((folder / "safe-batch.json").read_text())
        assert batch["chainId"] == str(OP_SEPOLIA)
        assert batch["transactions"][0]["to"] == deployment["REGISTRY"]
        assert batch["transactions"][0]["contractMethod"]["name"] == "pause"


def test_docstring_examples_run_outside_the_project(tmp_path):
    modules = docstring_modules()
    assert {p.name for p in modules} >= {"model.py", "values.py", "__init__.py"}
    result = run_python(["-m", "doctest", *map(str, modules)], tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_reference_model_imports_without_ape_or_a_node(tmp_path):
    code = "import sys, revshare.model, revshare.epochs; sys.exit('ape' in sys.modules)"
    result = run_python(["-c", code], tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
