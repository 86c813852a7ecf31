"""The README's operator path, run as written: every `ape run` line of its `operator-path` block,
in order, against an OP-mode anvil carrying OP Sepolia's chain id that looks like a chain before
the revenue-share upgrade: OP's real ProxyAdmin (owned by the operator's key) and OP's real 1.4.1
SequencerFeeVault, BaseFeeVault and L1FeeVault behind real `Proxy` contracts at the predeploys,
all from `@eth-optimism/contracts-bedrock`, paying an old recipient. The operator's key is an ape
keyfile account signing unattended. Between the lines, the test does what people do: governance
executes the accept-ownership proposal through the timelock, fees accrue in the vaults."""

from __future__ import annotations

import json
import os
import re
import shlex

import pytest
import yaml
from eth_utils import keccak, to_checksum_address

from revshare.artifacts import container
from revshare.chain.addresses import PREDEPLOY_VAULTS, PROXY_ADMIN
from revshare.chain.opstack import ADMIN_SLOT, IMPLEMENTATION_SLOT
from revshare.demo.opstack import PROXY_ADMIN_OWNER_SLOT
from revshare.model import split
from tests.integration.helpers import ROOT, ape_run, keyfile_account
from tests.integration.nodes import OP_SEPOLIA, FakeExplorer, FakeTestnet, op_sepolia_node
from tests.stateful.direct_rpc import deploy_direct

DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # anvil's unlocked account: sets the stage
PROPOSER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # the timelock's proposer (governance's Safe)
COLLECTIVE = "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0"
TREASURY = "0x7E0000000000000000000000000000000000000a"
OLD_RECIPIENT = "0x01d0000000000000000000000000000000000000"
LEGACY = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "l1_fee_vault": "L1FeeVault",
}
FEES = {"sequencer_fee_vault": 10**18, "base_fee_vault": 5 * 10**17, "l1_fee_vault": 2 * 10**17}


def readme_commands() -> list[list[str]]:
    """The `ape run` lines of the README's operator-path block, as argument lists (after `ape run`)."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- operator-path -->\n```sh\n(.*?)```\n<!-- /operator-path -->", text, re.S)
    assert block, "the README has no operator-path block"
    lines = [line for line in block.group(1).splitlines() if line.startswith("ape run ")]
    return [shlex.split(os.path.expandvars(line), comments=True)[2:] for line in lines]


def word(hex_value: str) -> str:
    return "0x" + hex_value.removeprefix("0x").rjust(64, "0")


def install_legacy_chain(node: FakeTestnet, operator: str) -> dict[str, str]:
    """OP's ProxyAdmin (owner: the operator) and 1.4.1 vault proxies at the predeploys; returns
    each vault's implementation."""
    rpc = node.rpc
    admin = deploy_direct(rpc, container("ProxyAdmin"), operator, sender=DEPLOYER)
    rpc.request("anvil_setCode", [PROXY_ADMIN, node.code(admin)])
    rpc.request("anvil_setStorageAt", [PROXY_ADMIN, hex(PROXY_ADMIN_OWNER_SLOT), word(operator)])
    implementations = {}
    for role, contract in LEGACY.items():
        implementation = deploy_direct(rpc, container(contract), OLD_RECIPIENT, 0, 1, sender=DEPLOYER)
        proxy = deploy_direct(rpc, container("Proxy"), PROXY_ADMIN, sender=DEPLOYER)
        vault = PREDEPLOY_VAULTS[role]
        rpc.request("anvil_setCode", [vault, node.code(proxy)])
        rpc.request("anvil_setStorageAt", [vault, hex(ADMIN_SLOT), word(PROXY_ADMIN)])
        rpc.request("anvil_setStorageAt", [vault, hex(IMPLEMENTATION_SLOT), word(implementation)])
        implementations[role] = to_checksum_address(implementation)
    rpc.request("anvil_setCode", [PREDEPLOY_VAULTS["operator_fee_vault"], "0x"])  # none before Isthmus
    return implementations


def recipient_of(node: FakeTestnet, vault: str) -> str:
    return to_checksum_address("0x" + node.call(vault, "0x" + keccak(text="RECIPIENT()")[:4].hex())[-40:])


chain_node = pytest.fixture(name="chain_node")(op_sepolia_node)


def test_the_operators_path_in_the_readme_runs_as_written(tmp_path, chain_node, monkeypatch):
    node = chain_node
    operator, account_env = keyfile_account(tmp_path, "operator", "pass phrase")
    node.rpc.request("anvil_setBalance", [operator, hex(10**18)])
    old_implementations = install_legacy_chain(node, operator)
    env = {**account_env, "RPC": node.uri, "REVSHARE_POLL_SECONDS": "0"}
    config = tmp_path / "deploy.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "collective": COLLECTIVE,
                "timelock": {"proposers": [PROPOSER], "executors": [], "min_delay": 3600},
                "chains": [
                    {
                        "chain_id": OP_SEPOLIA,
                        "name": "OP Sepolia",
                        "treasury": TREASURY,
                        "vaults": {"operator_fee_vault": None},
                    },
                ],
                "salt": "revshare-v1",
            }
        )
    )
    keeper = tmp_path / "keeper.yaml"
    records, proposals, report = tmp_path / "records", tmp_path / "proposals", tmp_path / "report"
    explorer = FakeExplorer()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SPLITTER", "0x" + "00" * 20)  # until the deployment printed it
    outputs: list[tuple[list[str], str]] = []
    try:
        for args in readme_commands():
            args = [str(config) if a == "config/operator/deploy.example.yaml" else a for a in args]
            args = [str(keeper) if a == "config/operator/keeper.example.yaml" else a for a in args]
            command = args[0]
            if command in ("deploy", "verify", "report") or args[:2] == ["propose", "accept-ownership"]:
                args += ["--records", str(records)]
            if command == "propose":
                args += ["--out", str(proposals)]
            if command == "report":
                args += ["--out", str(report)]
            if command == "verify":
                args += ["--api-url", explorer.api, "--explorer-url", "http://explorer.test"]
            if "SPLITTER" in os.environ and "--recipient" in args:
                args[args.index("--recipient") + 1] = os.environ["SPLITTER"]
            result = ape_run(*args, env={**env, "SPLITTER": os.environ["SPLITTER"]}, timeout=300)
            assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stdout + result.stderr
            outputs.append((args, result.stdout))

            if command == "deploy" and ("--plan" in args or "--dry-run" in args):
                assert node.nonce(operator) == 0, "a plan or dry run sent something"
            elif command == "deploy":
                record = json.loads((records / "optimism" / "sepolia.json").read_text())
                splitter = record["contracts"][f"ChainRevenueSplitter:{OP_SEPOLIA}"]["address"]
                monkeypatch.setenv("SPLITTER", splitter)
                assert splitter in result.stdout  # "the address the deployment printed"
                keeper.write_text(
                    f'networks:\n  - name: op-sepolia\n    rpc: ${{RPC}}\n    splitters: ["{splitter}"]\n'
                )
            elif command == "propose" and args[1] == "accept-ownership":
                (folder,) = list(proposals.iterdir())
                node.execute_through_timelock(folder, PROPOSER, DEPLOYER, delay=3600)
            elif command == "propose" and args[1] == "point-vaults":
                for role, contract in LEGACY.items():
                    vault = PREDEPLOY_VAULTS[role]
                    assert recipient_of(node, vault) == os.environ["SPLITTER"], contract
                    implementation = node.rpc.request(
                        "eth_getStorageAt", [vault, hex(IMPLEMENTATION_SLOT), "latest"]
                    )
                    assert implementation[-40:] != old_implementations[role][2:].lower()
                for role, fee in FEES.items():  # a day of fees accrues in the vaults
                    node.rpc.request("anvil_setBalance", [PREDEPLOY_VAULTS[role], hex(fee)])
    finally:
        explorer.stop()

    said = {" ".join(args[:2]) + (" --plan" if "--plan" in args else ""): out for args, out in outputs}
    assert "CREATE2 factory 0x4e59b44847b379578588920cA78FbF26c0B4956C" in said["deploy --config --plan"]
    assert "every step ends done" in next(out for args, out in outputs if "--dry-run" in args)
    assert len(explorer.forms) == 3  # registry, splitter, timelock
    assert "disbursed: 1.7 ETH" in said["keeper --config"]
    assert "every wei accounted for" in said["report --network"]
    # The first disbursement paid the Collective and the treasury as the model splits what the
    # upgraded vaults paid the splitter (the fees put there, and the base fees anvil credited since).
    (paid,) = json.loads((report / "report.json").read_text())["disbursements"]
    gross, l1_cost = int(paid["gross"]), int(paid["l1_cost"])
    assert gross >= sum(FEES.values()) and l1_cost == FEES["l1_fee_vault"]
    expected = split(gross, l1_cost, 250, 1500)
    assert (int(paid["collective"]), int(paid["chain"])) == (expected.collective, expected.chain)
    assert node.rpc.balance(COLLECTIVE) == expected.collective
    assert node.rpc.balance(TREASURY) == expected.chain
