"""`ape run deploy` against OP-mode anvil nodes carrying the OP Sepolia and Base Sepolia chain
ids, through ape's generic node provider: a node killed mid-deployment, then resumed; re-runs
that change nothing; a changed config reported, not applied; verification artifacts that
reproduce the deployed bytecode."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
import yaml
from eth_utils import keccak, to_checksum_address

from revshare.artifacts import calldata, creation_code
from revshare.chain.addresses import CREATE2_FACTORY
from revshare.deploying.plan import create2_address
from revshare.governance.safe_batch import batch_checksum
from tests.integration.helpers import APE, ROOT, ape_run, keyfile_account
from tests.integration.nodes import (
    BASE_SEPOLIA,
    OP_SEPOLIA,
    PLACEHOLDER,
    FakeExplorer,
    FakeTestnet,
    op_sepolia_node,
)

DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0
PROPOSER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # TEST::1
MULTISIG = to_checksum_address("0x5afe000000000000000000000000000000005afe")


def make_config(**extra) -> dict:
    return {
        "collective": "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0",
        "guardian": "0x9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A",
        "chains": [
            {
                "chain_id": OP_SEPOLIA,
                "name": "OP Sepolia",
                "treasury": "0x7E0000000000000000000000000000000000000A",
            },
            {
                "chain_id": BASE_SEPOLIA,
                "name": "Base Sepolia",
                "treasury": "0x7E00000000000000000000000000000000002105",
            },
        ],
        **extra,
    }


def write_config(tmp_path, data: dict, name: str = "deploy.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return str(path)


def deploy_args(config: str, node: FakeTestnet, records) -> list[str]:
    return [
        "deploy",
        "--config",
        config,
        "--network",
        node.network,
        "--account",
        "TEST::0",
        "--records",
        str(records),
        "--yes",
    ]


op_node = pytest.fixture(name="op_node")(op_sepolia_node)


def test_deployment_resumes_after_the_node_dies(tmp_path, op_node, project):
    config = write_config(tmp_path, make_config(owner=MULTISIG))
    records = tmp_path / "records"
    record_file = records / "optimism" / "sepolia.json"
    run = subprocess.Popen(
        [str(APE), "run", *deploy_args(config, op_node, records)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Kill the node once the registry and one registration are confirmed: the rest is in flight.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if record_file.exists():
            record = json.loads(record_file.read_text())
            if "ChainRegistry" in record["contracts"] and record["actions"]:
                break
        time.sleep(0.05)
    else:
        run.kill()
        pytest.fail("the deployment never got as far as its first registration")
    op_node.stop()
    output, _ = run.communicate(timeout=120)
    assert run.returncode == 1, output
    assert "run the same command again to continue" in output
    assert "Traceback" not in output
    before = json.loads(record_file.read_text())
    assert not before["completed"]

    op_node.start()
    resumed = ape_run(*deploy_args(config, op_node, records))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Continuing the deployment" in resumed.stdout
    after = json.loads(record_file.read_text())
    assert after["completed"] and after["pending"] == {}
    assert after["contracts"]["ChainRegistry"]["address"] == before["contracts"]["ChainRegistry"]["address"]
    assert set(after["contracts"]) == {"ChainRegistry", f"ChainRevenueSplitter:{OP_SEPOLIA}"}
    # Exactly one transaction per step ever landed: registry, two registrations, splitter, hand-over.
    assert op_node.nonce(DEPLOYER) == 5
    assert after["governance"] == {"kind": "multisig", "address": MULTISIG}

    again = ape_run(*deploy_args(config, op_node, records))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "matches the config: nothing to do" in again.stdout
    assert op_node.nonce(DEPLOYER) == 5

    changed = make_config(owner=MULTISIG)
    changed["chains"][1]["net_bps"] = 1200
    diff = ape_run(*deploy_args(write_config(tmp_path, changed, "changed.yaml"), op_node, records))
    assert diff.returncode == 3, diff.stdout + diff.stderr
    assert f"chain {BASE_SEPOLIA} terms (gross/net bps): on-chain 250/1500, config 250/1200" in diff.stdout
    assert "ape run propose" in diff.stdout
    assert op_node.nonce(DEPLOYER) == 5  # nothing sent

    # Another collective is a registry setting (governance changes it), though the registry's
    # address was computed from it: a difference, not another deployment.
    recollected = make_config(owner=MULTISIG)
    recollected["collective"] = "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c1".lower()
    setting = ape_run(*deploy_args(write_config(tmp_path, recollected, "collective.yaml"), op_node, records))
    assert setting.returncode == 3, setting.stdout + setting.stderr
    assert "  - collective: on-chain 0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0, config " in setting.stdout
    assert "constructor arguments or salt" not in setting.stdout
    # Another salt gives other addresses: listed, not deployed, not a crash.
    moved = make_config(owner=MULTISIG, salt="another")
    other = ape_run(*deploy_args(write_config(tmp_path, moved, "moved.yaml"), op_node, records))
    assert other.returncode == 3, other.stdout + other.stderr
    assert "ChainRegistry (constructor arguments or salt): on-chain " in other.stdout
    assert "another address means another deployment" in other.stdout
    assert op_node.nonce(DEPLOYER) == 5

    # The report finds the splitter through the record. Vault code at the predeploys pays it
    # the base fees the node collected; 1 ETH is also sent to it straight.
    splitter = after["contracts"][f"ChainRevenueSplitter:{OP_SEPOLIA}"]["address"]
    op_node.install_fee_vaults(project, splitter, DEPLOYER)
    op_node.rpc.send({"from": DEPLOYER, "to": splitter, "value": hex(10**18)})
    op_node.rpc.send({"from": DEPLOYER, "to": splitter, "data": "0x" + keccak(text="disburse()")[:4].hex()})
    out = tmp_path / "report"
    report = ape_run("report", "--network", op_node.network, "--records", str(records), "--out", str(out))
    assert report.returncode == 0, report.stdout + report.stderr
    assert "OP Sepolia (chain 11155420)" in report.stdout
    assert "1.000000 ETH received outside vault withdrawals" in report.stdout
    assert "Result: every wei accounted for" in report.stdout
    (disbursement,) = json.loads((out / "report.json").read_text())["disbursements"]
    assert int(disbursement["from_vaults"]) > 0  # base fees, through the BaseFeeVault
    assert int(disbursement["gross"]) == int(disbursement["from_vaults"]) + 10**18


def test_base_sepolia_deployment_with_a_new_timelock(tmp_path):
    node = FakeTestnet(BASE_SEPOLIA, tmp_path).start()
    try:
        timelock = {"proposers": [PROPOSER], "executors": [], "min_delay": 3600}
        config = write_config(tmp_path, make_config(timelock=timelock))
        records = tmp_path / "records"
        result = ape_run(*deploy_args(config, node, records))
        assert result.returncode == 0, result.stdout + result.stderr
        record = json.loads((records / "base" / "sepolia.json").read_text())
        assert set(record["contracts"]) == {
            "ChainRegistry",
            f"ChainRevenueSplitter:{BASE_SEPOLIA}",
            "RevenueShareTimelock",
        }
        assert record["governance"]["kind"] == "timelock"
        assert record["governance"]["address"] == record["contracts"]["RevenueShareTimelock"]["address"]
        assert node.nonce(DEPLOYER) == 6
        _artifacts_reproduce_the_bytecode(records / "base" / "sepolia" / "verification", record, node)

        registry = record["contracts"]["ChainRegistry"]["address"]
        timelock_address = record["contracts"]["RevenueShareTimelock"]["address"]
        proposals = tmp_path / "proposals"
        where = ["--network", node.network, "--records", str(records), "--out", str(proposals)]

        # The timelock accepts the hand-over through its own proposal.
        folder = _propose(["accept-ownership", *where], proposals)
        _execute_through_timelock(node, folder, delay=3600)
        assert node.call(registry, OWNER_SELECTOR)[-40:] == timelock_address[2:].lower()

        # A terms change, proposed, scheduled, executed: afterwards the chain matches a config
        # carrying exactly that change, and nothing else differs.
        folder = _propose(
            ["set-terms", "--chain-id", str(BASE_SEPOLIA), "--gross-bps", "300", "--net-bps", "1200", *where],
            proposals,
        )
        text = (folder / "proposal.md").read_text()
        assert "| chain 84532 net bps | 1500 | 1200 |" in text
        assert "RevenueShareTimelock" in text and "Effect on the split" in text
        _execute_through_timelock(node, folder, delay=3600)
        changed = make_config(timelock=timelock)
        changed["chains"][1].update(gross_bps=300, net_bps=1200)

        # The treasury's ETH is routed to L1 through the bridge by the same path; until the config
        # says so too, a deploy run lists exactly that difference.
        treasury = changed["chains"][1]["treasury"]
        to_l1 = ["set-destination", "--recipient", treasury, "--route", "l1-bridge"]
        folder = _propose([*to_l1, "--min-amount", "0.5 ether", *where], proposals)
        text = (folder / "proposal.md").read_text()
        assert (
            f"| L2 transfer | L1 via L2StandardBridge to {treasury}, L1 gas 200,000, minimum 0.5 ETH |"
            in text
        )
        assert f"{treasury} must be an account the recipient controls on L1. A Safe deployed only" in text
        _execute_through_timelock(node, folder, delay=3600)
        check = ape_run(*deploy_args(write_config(tmp_path, changed, "changed.yaml"), node, records))
        assert check.returncode == 3, check.stdout + check.stderr  # differs from the config
        assert f"destination of {treasury}: on-chain L1 via L2StandardBridge" in check.stdout
        assert check.stdout.count("  - ") == 1, check.stdout
        changed["destinations"] = [{"recipient": treasury, "route": "l1-bridge", "min_amount": "0.5 ether"}]
        check = ape_run(*deploy_args(write_config(tmp_path, changed, "changed.yaml"), node, records))
        assert check.returncode == 0, check.stdout + check.stderr
        assert "matches the config: nothing to do" in check.stdout

        # Invalid changes are refused before anything is written.
        before = sorted(proposals.iterdir())
        for args, message in [
            (
                ["set-terms", "--chain-id", "999", "--gross-bps", "1", "--net-bps", "1"],
                "chain 999 is not registered",
            ),
            (
                ["set-terms", "--chain-id", str(BASE_SEPOLIA), "--gross-bps", "300", "--net-bps", "1200"],
                "already has (or will have) these terms",
            ),
            (["register-chain", "--chain-id", str(OP_SEPOLIA), "--treasury", PROPOSER], "already registered"),
            ([*to_l1, "--min-amount", "0.5 ETH"], "already has this destination"),
        ]:
            refused = ape_run("propose", *args, *where)
            assert refused.returncode == 1, refused.stdout + refused.stderr
            assert message in refused.stderr and "Traceback" not in refused.stderr
        refused = ape_run("propose", *to_l1, "--l1-gas-limit", "100", *where)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "l1_gas_limit must be between 21,000" in refused.stderr and "Traceback" not in refused.stderr
        # A malformed address is a usage mistake, refused while the command line is read.
        refused = ape_run(
            "propose", "set-treasury", "--chain-id", str(OP_SEPOLIA), "--treasury", "0x1234", *where
        )
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "is not an address" in refused.stderr and "Traceback" not in refused.stderr
        assert sorted(proposals.iterdir()) == before
    finally:
        node.stop()


OWNER_SELECTOR = "0x8da5cb5b"  # owner()


def _propose(args: list[str], proposals) -> object:
    before = set(proposals.iterdir()) if proposals.exists() else set()
    result = ape_run("propose", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    (folder,) = set(proposals.iterdir()) - before
    return folder


def _execute_through_timelock(node, folder, delay: int) -> None:
    batch = json.loads((folder / "safe-batch.json").read_text())
    assert batch["meta"]["checksum"] == batch_checksum(batch)
    node.execute_through_timelock(folder, PROPOSER, DEPLOYER, delay)


def _artifacts_reproduce_the_bytecode(folder, record, node) -> None:
    solc = ROOT / ".build" / "solcx" / "solc-v0.8.28"
    for name, entry in record["contracts"].items():
        stem = name.replace(":", "-")
        summary = json.loads((folder / f"{stem}.json").read_text())
        assert summary["address"] == entry["address"]
        assert summary["compiler_version"].startswith("v0.8.28+commit.")
        standard_input = (folder / summary["standard_input"]).read_text()
        compiled = json.loads(
            subprocess.run(
                [str(solc), "--standard-json"],
                input=standard_input,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        source, contract = summary["contract_name"].split(":")
        output = compiled["contracts"][source][contract]["evm"]
        # Creation code plus the encoded arguments is exactly what the deployment transaction sent.
        creation = output["bytecode"]["object"] + summary["constructor_args_abi_encoded"]
        assert len(creation) > 100
        runtime = node.code(entry["address"])[2:]
        assert len(runtime) == len(output["deployedBytecode"]["object"]), name
        if not output["deployedBytecode"].get("immutableReferences"):
            assert runtime == output["deployedBytecode"]["object"], name


def _addresses(output: str) -> dict[str, str]:
    """The plan's "Addresses:" section as {name: address}."""
    section = output.split("Addresses:", 1)[1].splitlines()[1:]
    found = {}
    for line in section:
        parts = line.split()
        if len(parts) != 2 or not parts[1].startswith("0x"):
            break
        found[parts[0]] = parts[1]
    return found


def test_one_config_gives_the_same_registry_on_two_networks_signed_unattended(tmp_path):
    """An ape keyfile account in its own data folder, its passphrase from ape's variable: --plan and
    --dry-run send nothing; without --yes and a terminal nothing is sent either; with --yes the
    deployment lands on both chains at the planned addresses, the registry at one address."""
    operator, env = keyfile_account(tmp_path, "operator", "correct horse")
    config = write_config(tmp_path, make_config(owner=MULTISIG))
    nodes = [FakeTestnet(OP_SEPOLIA, tmp_path).start(), FakeTestnet(BASE_SEPOLIA, tmp_path).start()]
    try:
        for node in nodes:
            node.rpc.request("anvil_setBalance", [operator, hex(10**18)])
        op, base = nodes
        records = tmp_path / "records"
        common = ["deploy", "--config", config, "--account", "operator", "--records", str(records)]

        plan = ape_run(*common, "--network", op.network, "--plan", env=env)
        assert plan.returncode == 0, plan.stdout + plan.stderr
        planned = _addresses(plan.stdout)
        assert set(planned) == {"ChainRegistry", f"ChainRevenueSplitter:{OP_SEPOLIA}"}
        assert "[to send] deploy ChainRegistry (CREATE2)" in plan.stdout
        assert f"initialOwner = {operator}" in plan.stdout

        dry = ape_run(*common, "--network", op.network, "--dry-run", env=env)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert "Dry run complete: 5 transaction(s)" in dry.stdout and "every step ends done" in dry.stdout
        assert op.nonce(operator) == 0 and op.code(planned["ChainRegistry"]) == "0x"

        unconfirmed = ape_run(*common, "--network", op.network, env=env)
        assert unconfirmed.returncode == 2 and "add --yes" in unconfirmed.stderr, unconfirmed.stderr
        wrong = ape_run(
            *common, "--network", op.network, "--yes", env={**env, "APE_ACCOUNTS_operator_PASSPHRASE": "x"}
        )
        assert wrong.returncode == 2 and "wrong passphrase for ape account 'operator'" in wrong.stderr, (
            wrong.stderr
        )
        assert op.nonce(operator) == 0  # nothing sent by any of them

        registries = {}
        for node, name in ((op, "optimism"), (base, "base")):
            result = ape_run(*common, "--network", node.network, "--yes", env=env)
            assert result.returncode == 0, result.stdout + result.stderr
            record = json.loads((records / name / "sepolia.json").read_text())
            registries[node.chain_id] = record["contracts"]["ChainRegistry"]["address"]
            assert record["completed"] and node.nonce(operator) == 5
            assert node.code(registries[node.chain_id]) != "0x"
        assert registries[OP_SEPOLIA] == registries[BASE_SEPOLIA] == planned["ChainRegistry"]
        op_record = json.loads((records / "optimism" / "sepolia.json").read_text())
        splitter = op_record["contracts"][f"ChainRevenueSplitter:{OP_SEPOLIA}"]
        assert splitter["address"] == planned[f"ChainRevenueSplitter:{OP_SEPOLIA}"]
        assert splitter["deployed_by"] == "create2" and op_record["salt"] == "0x" + "00" * 32
    finally:
        for node in nodes:
            node.stop()


def test_deploy_verify_sends_each_contract_with_the_arguments_it_was_created_with(tmp_path, op_node):
    explorer = FakeExplorer()
    try:
        config = write_config(tmp_path, make_config(owner=MULTISIG))
        records = tmp_path / "records"
        where = ["--api-url", explorer.api, "--explorer-url", "http://explorer.test"]
        result = ape_run(
            *deploy_args(config, op_node, records), "--verify", *where, env={"REVSHARE_POLL_SECONDS": "0"}
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Verified 2 contract(s)" in result.stdout
        record = json.loads((records / "optimism" / "sepolia.json").read_text())
        assert len(explorer.forms) == 2
        for form in explorer.forms:
            (name,) = [n for n, c in record["contracts"].items() if c["address"] == form["contractaddress"]]
            tx = op_node.rpc.request("eth_getTransactionByHash", [record["contracts"][name]["tx_hash"]])
            assert tx["input"].endswith(form["constructorArguements"]), name  # what CREATE2 ran
            assert form["codeformat"] == "solidity-standard-json-input"
        # Again, through `ape run verify`: the explorer now says pending/passed for new tickets.
        again = ape_run(
            "verify",
            "--network",
            op_node.network,
            "--records",
            str(records),
            *where,
            "--only",
            "ChainRegistry",
            env={"REVSHARE_POLL_SECONDS": "0"},
        )
        assert again.returncode == 0, again.stdout + again.stderr
        assert len(explorer.forms) == 3 and explorer.forms[-1]["contractname"].endswith(":ChainRegistry")
    finally:
        explorer.stop()


def test_a_splitter_for_another_chain_and_an_unfunded_dry_run_are_refused(tmp_path, op_node):
    config = write_config(tmp_path, make_config(owner=MULTISIG))
    records = tmp_path / "records"
    wrong = ape_run(*deploy_args(config, op_node, records), "--chain-id", str(BASE_SEPOLIA))
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert (
        f"the splitter of chain {BASE_SEPOLIA} belongs on that chain, but the node is chain {OP_SEPOLIA}"
        in (wrong.stderr)
    )
    common = ["deploy", "--config", config, "--network", op_node.network, "--records", str(records)]
    unfunded = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"  # TEST::8, emptied
    op_node.rpc.request("anvil_setBalance", [unfunded, "0x0"])
    dry = ape_run(*common, "--account", "TEST::8", "--dry-run")
    assert dry.returncode == 2, dry.stdout + dry.stderr
    assert "every step works, but they take" in dry.stderr and "fund it first" in dry.stderr
    assert op_node.nonce(unfunded) == 0


def test_a_node_that_mines_only_on_demand_is_refused_before_anything_is_sent(tmp_path, op_node):
    """ape waits for OP Sepolia's confirmations; an anvil mining only when a transaction arrives
    would never give them, and the run would hang after its first transaction."""
    op_node.rpc.request("evm_setIntervalMining", [0])
    op_node.rpc.request("evm_setAutomine", [True])
    assert op_node.rpc.request("anvil_getAutomine", []) is True
    config = write_config(tmp_path, make_config(owner=MULTISIG))
    result = ape_run(*deploy_args(config, op_node, tmp_path / "records"), timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "optimism:sepolia waits for 2 confirmation(s) of every transaction" in result.stderr
    assert "anvil --block-time 1" in result.stderr and "Traceback" not in result.stderr
    assert op_node.nonce(DEPLOYER) == 0
    op_node.rpc.request("evm_setIntervalMining", [1])  # mining on a timer again: the same run goes through
    op_node.rpc.request("evm_setAutomine", [False])
    again = ape_run(*deploy_args(config, op_node, tmp_path / "records"), timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr


def _gas_used(node: FakeTestnet, tx_hash: str) -> int:
    return int(node.rpc.request("eth_getTransactionReceipt", [tx_hash])["gasUsed"], 16)


def test_add_ons_asked_for_after_the_deployment_are_deployed_or_recorded_never_a_registry_change(
    tmp_path, op_node
):
    """A complete deployment whose config now asks for the FeeSplitter calculator and the grants
    escrow: the calculator is sent (anyone may deploy it), on the registry the record holds even
    though governance has since changed the collective its address was computed from; the escrow,
    which someone else already deployed through the factory, is only recorded; the destination the
    config adds is listed for governance, never sent, by the run, `--plan` or `--dry-run`."""
    data = make_config(owner=MULTISIG)
    config = write_config(tmp_path, data)
    records = tmp_path / "records"
    first = ape_run(*deploy_args(config, op_node, records))
    assert first.returncode == 0, first.stdout + first.stderr
    record = json.loads((records / "optimism" / "sepolia.json").read_text())
    registry = record["contracts"]["ChainRegistry"]["address"]
    assert op_node.nonce(DEPLOYER) == 5  # registry, two registrations, splitter, offer

    # Governance (the deployer still owns the registry) moves the Collective; someone else deploys
    # the grants escrow through the factory, at the deployment's salt.
    new_collective = "0xC011EC7000000000000000000000000000000002"
    op_node.send(
        DEPLOYER, registry, "0x" + calldata("ChainRegistry", "setCollective", [new_collective]).hex()
    )
    escrow = creation_code("RevenueLinkedGrants", [registry])
    op_node.send(PROPOSER, CREATE2_FACTORY, "0x" + (bytes(32) + escrow).hex())
    grants_address = create2_address(bytes(32), escrow)
    assert op_node.code(grants_address) != "0x"
    proposals = tmp_path / "proposals"
    grant = [
        "create-grant",
        "--chain-id",
        str(OP_SEPOLIA),
        "--token",
        PLACEHOLDER,
        "--milestone",
        "1 ether,0,1 ether",
    ]
    where = ["--network", op_node.network, "--records", str(records), "--out", str(proposals)]
    unrecorded = ape_run("propose", *grant, *where)
    assert "no RevenueLinkedGrants in the deployment record: give --grants" in unrecorded.stderr, (
        unrecorded.stderr
    )

    data.update(collective=new_collective, grants=True)
    data["chains"][0]["fee_splitter_calculator"] = True
    treasury = data["chains"][0]["treasury"]
    data["destinations"] = [{"recipient": treasury, "route": "l1-bridge"}]
    later = write_config(tmp_path, data, "later.yaml")
    calculator_name = f"RegistrySharesCalculator:{OP_SEPOLIA}"

    plan = ape_run(*deploy_args(later, op_node, records)[:-1], "--plan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert f"The config adds to it: deploy {calculator_name} at " in plan.stdout
    assert "RevenueLinkedGrants at" not in plan.stdout and "setDestination" not in plan.stdout
    at_most = int(
        re.search(r"To send: 1 transaction\(s\), at most ~([\d,]+) gas", plan.stdout)
        .group(1)
        .replace(",", "")
    )
    dry = ape_run(*deploy_args(later, op_node, records)[:-1], "--dry-run")
    assert dry.returncode == 0 and "Dry run complete: 1 transaction(s)" in dry.stdout, dry.stdout + dry.stderr
    assert op_node.nonce(DEPLOYER) == 6  # the five, and governance's setCollective

    added = ape_run(*deploy_args(later, op_node, records))
    assert added.returncode == 3, added.stdout + added.stderr  # the destination is listed, not sent
    assert op_node.nonce(DEPLOYER) == 7  # the calculator alone
    record = json.loads((records / "optimism" / "sepolia.json").read_text())
    calculator = record["contracts"][calculator_name]
    found = record["contracts"]["RevenueLinkedGrants"]
    assert (found["address"], found["tx_hash"]) == (grants_address, None)
    assert calculator["deployed_by"] == "create2" and calculator["tx_hash"]
    assert f"(added {calculator_name}, RevenueLinkedGrants)" in added.stdout
    assert f"ape run propose join --calculator {calculator['address']}" in added.stdout
    assert f"destination of {treasury.lower()}: on-chain l2 transfer" in added.stdout.lower()
    assert "constructor arguments or salt" not in added.stdout  # the collective is a setting
    assert "No change was sent to the registry" in added.stdout
    word = op_node.call(calculator["address"], "0x" + keccak(text="REGISTRY()")[:4].hex())
    assert word[-40:] == registry[2:].lower()
    for payee in ("COLLECTIVE_PAYEE()", "TREASURY_PAYEE()"):
        address = "0x" + op_node.call(calculator["address"], "0x" + keccak(text=payee)[:4].hex())[-40:]
        assert op_node.code(address) != "0x"  # the payees the calculator made
    assert _gas_used(op_node, calculator["tx_hash"]) <= at_most  # the plan's "at most" holds
    _artifacts_reproduce_the_bytecode(records / "optimism" / "sepolia" / "verification", record, op_node)
    recorded = ape_run("propose", *grant, *where)  # the escrow now comes from the record
    assert f"the token {PLACEHOLDER} has no code" in recorded.stderr.lower(), recorded.stderr

    again = ape_run(*deploy_args(later, op_node, records))
    assert again.returncode == 3 and "destination of" in again.stdout, again.stdout + again.stderr
    assert "adds to it" not in again.stdout and op_node.nonce(DEPLOYER) == 7
