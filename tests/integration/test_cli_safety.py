"""`ape run deploy` and `ape run propose` as a user meets them (review #14): an RPC URL's secrets
never reach a written file or the terminal; an unreachable node and an unfunded account are one
line each; --safe is checked against the chain; a registry governance does not control yet is
announced loudly; bad values are refused before anything is written; fee vault minimums are
flagged."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.integration.helpers import ape_run
from tests.integration.nodes import OP_SEPOLIA, FakeTestnet, SecretUrlProxy, _free_port

DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0
PROPOSER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # TEST::1, the timelock's proposer
UNFUNDED = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"  # TEST::9, emptied below
TREASURY = "0x7E0000000000000000000000000000000000000A"
# A checksummed address with one letter's case flipped: a typo a wallet would refuse.
BAD_CHECKSUM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
SECRET_URL_SHAPE = "optimism:sepolia:http://user:secretpw@127.0.0.1:{port}/v2/SECRETKEY?apikey=SECRET2"


def config_file(folder, **extra) -> str:
    data = {
        "collective": "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0",
        "timelock": {"proposers": [PROPOSER], "executors": [], "min_delay": 3600},
        "chains": [{"chain_id": OP_SEPOLIA, "name": "OP Sepolia", "treasury": TREASURY}],
        **extra,
    }
    path = folder / "deploy.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def assert_no_secret(text: str, where: str) -> None:
    for secret in SecretUrlProxy.SECRETS:
        assert secret not in text, f"{secret} in {where}"


def one_line_error(result) -> str:
    """The command's error, checked to be a single line without a traceback (a usage error
    comes after click's usage lines)."""
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("INFO:")]
    if result.returncode == 2 and lines and lines[0].startswith("Usage:"):
        lines = lines[2:]
    assert len(lines) == 1, result.stderr
    return lines[0]


class Deployed:
    """One OP Sepolia stand-in, reached through a URL with secrets, with a timelock-governed
    deployment whose ownership hand-over is offered but not accepted."""

    def __init__(self, folder):
        self.folder = folder
        self.node = FakeTestnet(OP_SEPOLIA, folder).start()
        self.proxy = SecretUrlProxy(self.node.uri)
        self.network = f"optimism:sepolia:{self.proxy.url}"
        self.records = folder / "records"
        self.config = config_file(folder)
        self.deploy_args = ["deploy", "--config", self.config, "--network", self.network]
        self.deploy_args += ["--account", "TEST::0", "--records", str(self.records), "--yes"]
        self.first_run = ape_run(*self.deploy_args)
        assert self.first_run.returncode == 0, self.first_run.stdout + self.first_run.stderr
        self.record = json.loads((self.records / "optimism" / "sepolia.json").read_text())

    def propose(self, *args: str, out):
        return ape_run(
            "propose", *args, "--network", self.network, "--records", str(self.records), "--out", str(out)
        )

    def stop(self) -> None:
        self.proxy.stop()
        self.node.stop()


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    deployment = Deployed(tmp_path_factory.mktemp("secret-node"))
    yield deployment
    deployment.stop()


def test_no_rpc_url_secret_in_any_written_file_or_output(deployed, tmp_path):
    assert deployed.proxy.requests > 0  # the deployment really went through the secret URL
    proposals = tmp_path / "proposals"
    results = [
        deployed.first_run,
        deployed.propose("accept-ownership", out=proposals),
        deployed.propose(
            "set-terms",
            "--chain-id",
            str(OP_SEPOLIA),
            "--gross-bps",
            "300",
            "--net-bps",
            "1500",
            out=proposals,
        ),
    ]
    # A record written by an older version kept the URL: the next run replaces it.
    record_file = deployed.records / "optimism" / "sepolia.json"
    old = json.loads(record_file.read_text())
    record_file.write_text(json.dumps({**old, "network": deployed.network}))
    results.append(ape_run(*deployed.deploy_args))
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
        assert_no_secret(result.stdout + result.stderr, "the terminal output")
    written = [p for folder in (deployed.records, proposals) for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "proposal.md" for p in written) and any(p.suffix == ".json" for p in written)
    for path in written:
        assert_no_secret(path.read_text(), str(path))
    assert json.loads(record_file.read_text())["network"] == "optimism:sepolia"
    for text in (p.read_text() for p in written if p.name == "proposal.md"):
        assert f"Network: `optimism:sepolia` (chain id {OP_SEPOLIA})" in text


def test_a_proposal_before_the_hand_over_is_accepted_says_so_loudly(deployed, tmp_path):
    timelock = deployed.record["contracts"]["RevenueShareTimelock"]["address"]
    result = deployed.propose("pause", out=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    warning = f"WARNING: Ownership of the registry was offered to {timelock} but not accepted: {DEPLOYER}"
    assert f"{warning} still owns it" in result.stdout
    (folder,) = tmp_path.iterdir()
    text = (folder / "proposal.md").read_text()
    assert text.split("\n")[2].startswith("> **WARNING:** Ownership of the registry was offered to")
    assert f"The acting owner {DEPLOYER} is an account (no code), not governance" in text
    # Accepting the hand-over is what governance should do first: no warning there.
    accept = deployed.propose("accept-ownership", out=tmp_path / "accept")
    assert accept.returncode == 0 and "WARNING" not in accept.stdout


def test_safe_is_checked_against_the_chain(deployed, tmp_path):
    registry = deployed.record["contracts"]["ChainRegistry"]["address"]
    for safe, status, message in [
        ("notanaddress", 2, "'notanaddress' is not an address"),
        (BAD_CHECKSUM, 2, "fails its EIP-55 checksum"),
        (DEPLOYER, 1, f"--safe {DEPLOYER} has no code on this network: it is not a Safe"),
        (registry, 1, f"--safe {registry} does not hold the PROPOSER_ROLE of the timelock"),
    ]:
        result = deployed.propose("accept-ownership", "--safe", safe, out=tmp_path)
        assert result.returncode == status, result.stdout + result.stderr
        assert message in one_line_error(result)
    # While the deployer still owns the registry, it sends the calls: no Safe is involved.
    result = deployed.propose("pause", "--safe", registry, out=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"the acting owner {DEPLOYER} is an account, not a Safe" in one_line_error(result)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
    # The default, the record's proposer, holds the role.
    assert deployed.propose("accept-ownership", out=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["set-treasury", "--chain-id", str(OP_SEPOLIA), "--treasury", BAD_CHECKSUM],
            "fails its EIP-55 checksum",
        ),
        (["set-collective", "--collective", BAD_CHECKSUM], "fails its EIP-55 checksum"),
        (["set-destination", "--recipient", BAD_CHECKSUM, "--route", "l2"], "fails its EIP-55 checksum"),
        (
            [
                "set-destination",
                "--recipient",
                TREASURY,
                "--route",
                "l1-bridge",
                "--l1-recipient",
                BAD_CHECKSUM,
            ],
            "fails its EIP-55 checksum",
        ),
        (["pause", "--registry", BAD_CHECKSUM], "fails its EIP-55 checksum"),
        (
            [
                "set-terms",
                "--chain-id",
                str(OP_SEPOLIA),
                "--gross-bps",
                "1",
                "--net-bps",
                "1",
                "--terms-hash",
                "0x" + "ab" * 31 + "\t\t",
            ],
            "exactly 64 hex digits",
        ),
        (
            [
                "set-terms",
                "--chain-id",
                str(OP_SEPOLIA),
                "--gross-bps",
                "1",
                "--net-bps",
                "1",
                "--terms-hash",
                " 0x" + "ab" * 32,
            ],
            "exactly 64 hex digits",
        ),
        (["register-chain", "--chain-id", "9223372036854775772", "--treasury", TREASURY], "EIP-155"),
        (
            ["set-destination", "--recipient", TREASURY, "--route", "l1-bridge", "--min-amount", "NaN"],
            "not a finite number",
        ),
        (
            ["set-destination", "--recipient", TREASURY, "--route", "l1-bridge", "--min-amount", "0.5 wei"],
            "not a whole",
        ),
        (
            [
                "set-destination",
                "--recipient",
                TREASURY,
                "--route",
                "l1-bridge",
                "--min-amount",
                "10001 ether",
            ],
            "maximum of 10,000 ETH",
        ),
        (
            ["set-destination", "--recipient", TREASURY, "--route", "l1-bridge", "--l1-gas-limit", "5000001"],
            "21,000 and 5,000,000",
        ),
    ],
)
def test_bad_values_are_refused_before_anything_is_written(deployed, tmp_path, args, message):
    result = deployed.propose(*args, out=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_fee_vault_minimums_are_flagged(deployed, project):
    # The node's vaults (placeholders) have code and no minimum; a vault without code is refused
    # before anything is sent (tests/integration/test_deploy_resume.py).
    assert "every configured vault has code and a minimum withdrawal of 0" in deployed.first_run.stdout
    splitter = deployed.record["contracts"][f"ChainRevenueSplitter:{OP_SEPOLIA}"]["address"]
    deployed.node.install_fee_vaults(project, splitter, DEPLOYER, min_withdrawal=10**16)
    again = ape_run(*deployed.deploy_args)  # a complete deployment: nothing sent, vaults read
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("has a minimum withdrawal of 0.01 ETH: the splitter refuses") == 4, again.stdout
    deployed.node.install_fee_vaults(project, splitter, DEPLOYER)
    clean = ape_run(*deployed.deploy_args)
    assert "every configured vault has code and a minimum withdrawal of 0" in clean.stdout, clean.stdout


def test_an_unreachable_node_is_one_line(tmp_path):
    network = SECRET_URL_SHAPE.format(port=_free_port())  # nothing listens there
    expected = "cannot reach the node at optimism:sepolia (connection refused): check the RPC URL"
    for args in (
        [
            "deploy",
            "--config",
            config_file(tmp_path),
            "--account",
            "TEST::0",
            "--records",
            str(tmp_path / "r"),
        ],
        ["propose", "pause", "--records", str(tmp_path / "r"), "--out", str(tmp_path / "p")],
    ):
        result = ape_run(*args, "--network", network)
        assert result.returncode == 2, result.stdout + result.stderr
        assert expected in one_line_error(result)
        assert_no_secret(result.stdout + result.stderr, "the terminal output")
    assert not (tmp_path / "r").exists() and not (tmp_path / "p").exists()


def test_an_unfunded_account_is_one_line(deployed, tmp_path):
    deployed.node.rpc.request("anvil_setBalance", [UNFUNDED, "0x0"])
    records = tmp_path / "records"
    args = ["deploy", "--config", deployed.config, "--network", deployed.network, "--records", str(records)]
    result = ape_run(*args, "--account", "TEST::9", "--yes")
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line_error(result)
    assert (
        f"account {UNFUNDED} has 0 ETH on optimism:sepolia (chain id {OP_SEPOLIA}): fund it with at least ~"
        in line
    )
    assert deployed.node.nonce(UNFUNDED) == 0 and not records.exists()  # nothing sent, nothing written


def test_a_contract_that_is_not_the_registry_is_refused_in_one_line(deployed, tmp_path):
    splitter = deployed.record["contracts"][f"ChainRevenueSplitter:{OP_SEPOLIA}"]["address"]
    result = deployed.propose("pause", "--registry", splitter, out=tmp_path / "p")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"refused: {splitter} is not a ChainRegistry" in one_line_error(result)
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11155420=0x9Fe46736679d2D9a65F0992F2272dE9f3c7fa6e0", "fails its EIP-55 checksum"),
        ("0=0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", "chain id 0 is outside"),
        ("11155420=0x1234", "'0x1234' is not an address"),
    ],
)
def test_report_splitter_arguments_are_checked_like_every_address(deployed, tmp_path, value, message):
    result = ape_run("report", "--network", deployed.network, "--splitter", value, "--out", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in one_line_error(result)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["join", "--calculator", BAD_CHECKSUM], 2, "checksum"),
        (["join"], 2, "Missing option '--calculator'"),
        (["join", "--calculator", TREASURY], 1, "refused: no ProxyAdmin predeploy at"),
        (["fee-splitter"], 2, "give --calculator, --interval or both"),
        (["point-vaults", "--recipient", TREASURY, "--min-withdrawal", "NaN"], 2, "not a finite number"),
        (["point-vaults", "--recipient", TREASURY, "--vault", "gas"], 2, "'gas' is not one of"),
        (["point-vaults", "--recipient", TREASURY, "--withdrawal-network", "l3"], 2, "'l3' is not one of"),
        (["fee-splitter", "--interval", "0"], 2, "0 is not in the range 1<=x<=31536000"),
    ],
)
def test_opstack_actions_refuse_bad_input_in_one_line(deployed, tmp_path, args, code, message):
    """The predeploy actions (no registry options): bad values and a chain without the
    revenue-share predeploys (anvil's OP mode has none) are one line, nothing written."""
    result = ape_run("propose", *args, "--network", deployed.network, "--out", str(tmp_path))
    assert result.returncode == code, result.stdout + result.stderr
    assert message in one_line_error(result)
    assert_no_secret(result.stdout + result.stderr, "output")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["unpause"], 1, "refused: the registry is not paused"),
        (["set-guardian", "--guardian", "bogus"], 2, "'bogus' is not an address"),
        (["deactivate-chain", "--chain-id", "10"], 1, "refused: chain 10 is not registered"),
        (["allow-token", "--token", TREASURY], 1, "has no code on this network: it is not a token"),
        (["set-reporter", "--shared", TREASURY, "--reporter", TREASURY], 1, "pass the shared splitter"),
    ],
)
def test_registry_actions_refuse_bad_input_in_one_line(deployed, tmp_path, args, code, message):
    result = deployed.propose(*args, out=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert message in one_line_error(result)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_from_config_lists_every_config_problem(deployed, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("collective: nope\nchains: []\n")
    result = deployed.propose("from-config", "--config", str(bad), out=tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "collective" in result.stderr and "chains" in result.stderr
    assert not (tmp_path / "out").exists()
