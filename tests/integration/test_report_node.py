"""`ape run report` as a user runs it, against a node reached through a URL: documented usage gives
a clean report, nothing published names the URL or its secrets, targets and ranges the chain does
not hold are one-line errors, and a node that rate-limits, drops connections, refuses wide log
ranges or loses a log is handled (retried, split) or flagged, never silently.

The node is the test session's anvil, reached directly or through `tests/integration/rpc_proxy.py`.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak

from revshare.chain.rpc import USER_AGENT
from revshare.report import ChainMismatch, SplitterTarget, build_report, render_text
from revshare.report.files import REPORT_JSON
from tests.conftest import CHAIN_ID, ONE_DAY, deploy_vaults_and_splitter, terms_take_effect
from tests.integration.helpers import ape_run
from tests.integration.rpc_proxy import SERVER_ERROR, rpc_proxy

ETHER = 10**18
MILLI = 10**15
SECRETS = ("SECRETKEY", "SECRET2", "user:pw", "pw@")
DISBURSED = (
    "0x"
    + keccak(
        text="Disbursed(uint256,address,uint256,uint256,uint256,uint256,uint256,uint16,uint16,bool)"
    ).hex()
)


@pytest.fixture(scope="module")
def deployed(project, chain, owner, keeper, stranger, registry) -> dict[str, Any]:
    """The chain was registered before the splitter existed (as in the demo). Three
    disbursements; a terms change takes effect between the first and the second (which settles
    its boundary); `mid` is the block after the change was scheduled; before the third, someone
    else withdraws the L1FeeVault. Then 70 empty blocks,
    so that the history is wider than a 64-block log page."""
    start = chain.blocks.head.number + 1
    vaults, splitter = deploy_vaults_and_splitter(project, owner, registry)

    def day(sequencer: int, l1: int, withdrawn_first: bool = False) -> None:
        keeper.transfer(vaults["sequencer_fee_vault"], sequencer)
        keeper.transfer(vaults["l1_fee_vault"], l1)
        if withdrawn_first:  # anyone may withdraw a vault: the ETH is still the L1FeeVault's
            vaults["l1_fee_vault"].withdraw(sender=stranger)
        chain.pending_timestamp += ONE_DAY
        splitter.disburse(sender=keeper)

    day(3 * ETHER, 1 * ETHER)
    terms_take_effect(chain, registry, owner, CHAIN_ID, 300, 1200)  # the next day settles its boundary
    mid = chain.blocks.head.number + 1
    day(2 * ETHER, 500 * MILLI)
    day(1 * ETHER, 900 * MILLI, withdrawn_first=True)
    chain.mine(70)
    return {
        "splitter": splitter.address,
        "registry": registry.address,
        "start": start,
        "mid": mid,
        "last": chain.blocks.head.number,
        "node": chain.provider.uri,
    }


def _report(deployed: dict[str, Any], network: str, out: Path, *extra: str):
    splitter = f"{CHAIN_ID}={deployed['splitter']}@{deployed['start']}"
    args = ["report", "--network", network, "--splitter", splitter, "--to-block", str(deployed["last"])]
    return ape_run(*args, "--out", str(out), *extra)


def _published(folder: Path) -> dict[str, Any]:
    """report.json without the time it was read."""
    data = json.loads((folder / REPORT_JSON).read_text())
    data.pop("read_at")
    return data


def _one_line_error(result) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, output
    assert " ok" not in result.stdout and "[ ok]" not in output
    return errors[0]


@pytest.fixture(scope="module")
def clean(deployed, tmp_path_factory) -> dict[str, Any]:
    """The report through the node directly, from the splitter's deployment block."""
    out = tmp_path_factory.mktemp("clean")
    result = _report(deployed, f"ethereum:local:{deployed['node']}", out)
    return {"result": result, "data": _published(out) if (out / REPORT_JSON).exists() else None}


def test_documented_usage_from_the_deployment_block_is_clean(clean):
    """`--splitter ID=ADDRESS@<deployment block>`: the chain was registered earlier; the terms in
    force come from the registry's state, not from events before the range (#14 item 20)."""
    result = clean["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unexplained" not in result.stdout and "no terms" not in result.stdout
    data = clean["data"]
    assert data["ok"] is True and len(data["disbursements"]) == 3
    # The L1FeeVault withdrawn by someone else before the third disbursement: still its L1 cost.
    assert [d["l1_cost"] for d in data["disbursements"]] == [str(ETHER), str(500 * MILLI), str(900 * MILLI)]
    assert [d["l1_fees"] for d in data["disbursements"]] == [str(ETHER), str(500 * MILLI), str(900 * MILLI)]
    assert [d["other_inflows"] for d in data["disbursements"]] == ["0", "0", "0"]
    assert [(d["gross_bps"], d["net_bps"]) for d in data["disbursements"]] == [
        ("250", "1500"),
        ("250", "1500"),  # the boundary settlement: revenue from before the change
        ("300", "1200"),
    ]


def test_a_range_starting_mid_history_takes_the_terms_in_force_then(deployed, tmp_path: Path):
    node = f"ethereum:local:{deployed['node']}"
    result = _report(deployed, node, tmp_path, "--from-block", str(deployed["mid"]))
    assert result.returncode == 0, result.stdout + result.stderr
    data = _published(tmp_path)
    assert data["ok"] is True and len(data["disbursements"]) == 2
    start = data["registry_at_start"][str(CHAIN_ID)]
    # Scheduled then, in force a second later: the history read at the start tells the report.
    assert (start["gross_bps"], start["net_bps"], start["active"]) == ("250", "1500", True)


def test_in_process_the_terms_at_the_start_come_from_the_registry(deployed, chain):
    target = SplitterTarget(CHAIN_ID, deployed["splitter"], "", deployed["start"])
    for start in (deployed["start"], deployed["mid"]):
        report = build_report([target], network="test", from_block=start, request=chain.provider.make_request)
        assert report.ok and not report.analysis.unexplained, render_text(report)


def test_nothing_published_names_the_rpc_url_or_its_secrets(deployed, tmp_path: Path):
    """A node URL with credentials, a key in the path and one in the query (#14 item 17)."""
    with rpc_proxy(deployed["node"]) as proxy:
        url = f"http://user:pw@127.0.0.1:{proxy.port}/v2/SECRETKEY?apikey=SECRET2"
        result = _report(deployed, f"ethereum:local:{url}", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert proxy.methods["eth_getLogs"] > 0  # it did read through the proxy
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 10
    for path in [*files]:
        content = path.read_bytes().decode("utf-8", errors="replace")
        for secret in (*SECRETS, f"127.0.0.1:{proxy.port}"):
            assert secret not in content, (path.name, secret)
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr, secret
    data = _published(tmp_path)
    assert data["network"] == "ethereum:local"
    assert data["title"].startswith("Revenue-share report: ethereum:local (chain id ")


def test_a_flaky_node_gives_the_same_report(deployed, clean, tmp_path: Path):
    """15% of the report's requests fail: HTTP 429, JSON-RPC -32005 "rate limit exceeded", 503, or
    a dropped connection. Each is retried with backoff; the report is the clean one (item 21)."""
    with rpc_proxy(deployed["node"], fail_rate=0.15, seed=14, user_agent=USER_AGENT) as proxy:
        result = _report(deployed, f"ethereum:local:{proxy.uri}", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(proxy.injected) == 4 and sum(proxy.injected.values()) >= 8, proxy.injected
    assert _published(tmp_path) == clean["data"]


def test_a_node_that_keeps_failing_ends_the_report_in_one_line(deployed, tmp_path: Path):
    with rpc_proxy(deployed["node"], always_fail=SERVER_ERROR, user_agent=USER_AGENT) as proxy:
        result = _report(deployed, f"ethereum:local:{proxy.uri}/v3/SECRETKEY", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    line = _one_line_error(result)
    assert "HTTP 503" in line and "still failing after 6 attempts" in line, line
    assert proxy.injected[SERVER_ERROR] == 6  # bounded
    assert "SECRETKEY" not in result.stdout + result.stderr
    assert not (tmp_path / REPORT_JSON).exists()


def test_a_node_that_refuses_wide_log_ranges_gets_halved_pages(deployed, clean, tmp_path: Path):
    """The node refuses `eth_getLogs` over more than 16 blocks (#14 item 22b): pages of 64 are
    halved to 32, then 16, which it answers; the report equals the clean one."""
    with rpc_proxy(deployed["node"], max_log_range=16) as proxy:
        result = _report(deployed, f"ethereum:local:{proxy.uri}", tmp_path, "--page-size", "64")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _published(tmp_path) == clean["data"]
    assert proxy.refused_spans and set(proxy.refused_spans) == {64, 32}, proxy.refused_spans
    assert max(proxy.log_spans) == 16 and proxy.log_spans.count(16) >= 4, proxy.log_spans


def test_a_history_missing_a_log_exits_3(deployed, tmp_path: Path):
    """The node loses the second `Disbursed` log (#14 item 22a): the process exits 3 and says why."""

    def second_disbursement(log: dict[str, Any]) -> bool:
        return log["topics"][0] == DISBURSED and int(log["topics"][3], 16) == 1

    with rpc_proxy(deployed["node"], drop_log=second_disbursement) as proxy:
        result = _report(deployed, f"ethereum:local:{proxy.uri}", tmp_path)
    assert len(proxy.dropped_logs) == 1
    assert result.returncode == 3, result.stdout + result.stderr
    assert "shared less than the splitter had received since the last disbursement" in result.stdout
    assert "Result: UNEXPLAINED GAPS" in result.stdout
    assert json.loads((tmp_path / REPORT_JSON).read_text())["ok"] is False


@pytest.mark.parametrize(
    "case",
    ["no contract", "registry as splitter", "range after the latest block"],
)
def test_what_the_chain_does_not_hold_is_a_one_line_error(deployed, tmp_path: Path, stranger, case: str):
    """No false all-clear (#14 items 18 and 19): exit 2, one line that says what to do."""
    node = f"ethereum:local:{deployed['node']}"
    if case == "no contract":
        args = ["--splitter", f"{CHAIN_ID}={stranger.address}"]
        expected = f"no contract at {stranger.address}"
    elif case == "registry as splitter":
        args = ["--splitter", f"{CHAIN_ID}={deployed['registry']}"]
        expected = f"{deployed['registry']} is not a ChainRevenueSplitter"
    else:
        args = ["--splitter", f"{CHAIN_ID}={deployed['splitter']}", "--from-block", "10000000"]
        expected = "the range starts at block 10000000, after the node's latest block"
    result = ape_run("report", "--network", node, *args, "--out", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in _one_line_error(result)
    assert "execution reverted" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_an_unreachable_node_is_a_one_line_error(tmp_path: Path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = ape_run(
        "report",
        "--network",
        f"ethereum:local:http://user:pw@127.0.0.1:{port}/v2/SECRETKEY?apikey=SECRET2",
        "--splitter",
        f"{CHAIN_ID}=0x{'11' * 20}",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    line = _one_line_error(result)
    # The same line as deploy and propose give (they exit 2: the report's node failures exit 1).
    assert "cannot reach the node at ethereum:local (connection refused): check the RPC URL" in line
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr


def _mismatch(deployed: dict[str, Any], chain, **changes: Any) -> str:
    target = SplitterTarget(CHAIN_ID, deployed["splitter"], "", deployed["start"])
    target = SplitterTarget(**{**target.__dict__, **changes.pop("target", {})})
    options = {"from_block": deployed["start"], **changes}
    with pytest.raises(ChainMismatch) as error:
        build_report([target], network="test", request=chain.provider.make_request, **options)
    return str(error.value)


def test_targets_and_ranges_the_chain_does_not_hold(deployed, chain, project, owner, registry, stranger):
    latest = chain.blocks.head.number
    expected = {
        "serves chain 8453, not 10: report on it as chain 8453 (--splitter 8453=0x": {
            "target": {"chain_id": 10}
        },
        f"no contract at {stranger.address}": {"target": {"address": stranger.address}},
        "is not a ChainRevenueSplitter": {"target": {"address": deployed["registry"]}},
        f"ends at block {latest + 1}, after the node's latest block {latest}": {"to_block": latest + 1},
        f"starts at block {latest + 5}, after the node's latest block": {"from_block": latest + 5},
        "starts at block 20, after its end at block 10": {"from_block": 20, "to_block": 10},
    }
    for message, changes in expected.items():
        assert message in _mismatch(deployed, chain, **changes)
    # A splitter whose configured vault is an address with no code.
    none = "0x" + "00" * 20
    vaults = [stranger.address, none, none, none]
    no_vault = owner.deploy(project.ChainRevenueSplitter, registry, CHAIN_ID, vaults, ONE_DAY)
    assert f"the splitter's SequencerFeeVault {stranger.address} has no code" in _mismatch(
        deployed, chain, target={"address": no_vault.address}
    )
