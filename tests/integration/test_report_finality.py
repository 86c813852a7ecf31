"""The report's L1 finality: the splitter's L1 payouts, started through the real bedrock
L2ToL1MessagePasser, matched by withdrawal hash with a portal's events on "L1" (the test node
plays both; the portal is `PortalEventsModel`, a test-only model of the OptimismPortal2's
withdrawal events and timing: proving a real withdrawal needs output roots no local chain has).

Eight withdrawals end in every state: finalized (no finding), failed finalization (unexplained),
overdue proven and unproven, proven, in flight; the findings group by state, and the command
reads L1 with --l1-rpc and --portal."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from revshare.chain.finality import FAILED, FINALIZED, IN_FLIGHT, OVERDUE, PROVEN
from revshare.chain.routes import Route
from revshare.demo.predeploys import install_message_passer
from revshare.report import L1Source, Report, SplitterTarget, build_report, render_text, write_report
from revshare.report.analysis import OVERDUE_KIND, PENDING, UNEXPLAINED
from tests.conftest import CHAIN_ID, ONE_DAY, deploy_vaults_and_splitter, restore_after
from tests.integration.helpers import ape_run

ETHER = 10**18
HOUR = 3_600
DELAY = ONE_DAY  # the portal's proof maturity delay; the grace before "overdue" is as long
L1_TREASURY = "0x2222222222222222222222222222222222222222"


@pytest.fixture(scope="module")
def scripted(project, chain, owner, keeper, registry, collective, treasury):
    """Four disbursements, each paying the Collective and the treasury on L1 through the message
    passer; then the portal proves and finalizes some of the eight withdrawals (see `STATES`)."""
    with restore_after(chain):
        start = chain.blocks.head.number + 1
        passer = install_message_passer()
        vaults, splitter = deploy_vaults_and_splitter(project, owner, registry)
        registry.setDestination(collective, (Route.L1_MESSAGE_PASSER, collective, 100_000, 0), sender=owner)
        registry.setDestination(treasury, (Route.L1_MESSAGE_PASSER, L1_TREASURY, 100_000, 0), sender=owner)
        portal = owner.deploy(project.PortalEventsModel, DELAY, 0)
        hashes: dict[str, str] = {}  # "a1" (the Collective's, day 1), "b1" (the treasury's), ...

        def disburse(day: str, at: int) -> None:
            keeper.transfer(vaults["sequencer_fee_vault"], 4 * ETHER)
            keeper.transfer(vaults["l1_fee_vault"], 1 * ETHER)
            chain.pending_timestamp = at
            receipt = splitter.disburse(sender=keeper)
            for log in receipt.decode_logs(passer.MessagePassed):
                who = "a" if log.target == collective else "b"
                hashes[who + day] = "0x" + bytes(log.withdrawalHash).hex()

        t1 = chain.pending_timestamp + ONE_DAY
        for day in (1, 2, 3):
            disburse(str(day), t1 + (day - 1) * ONE_DAY)
        proof = t1 + 2 * ONE_DAY + HOUR
        chain.pending_timestamp = proof
        for name in ("a1", "b1", "a2"):
            portal.proveWithdrawalHash(hashes[name], splitter, collective, sender=keeper)
        chain.pending_timestamp = proof + DELAY + 10
        portal.finalizeWithdrawalHash(hashes["a1"], True, sender=keeper)
        portal.finalizeWithdrawalHash(hashes["b1"], False, sender=keeper)
        now = proof + 2 * DELAY + 100  # past a2's proof + delay + grace, and b2's and b3's start + 2 delays
        disburse("4", now - HOUR)
        chain.pending_timestamp = now - HOUR // 2
        portal.proveWithdrawalHash(hashes["a3"], splitter, collective, sender=keeper)
        chain.mine(timestamp=now)
        target = SplitterTarget(CHAIN_ID, splitter.address, "Finality Chain", start)
        request = chain.provider.make_request
        report = build_report([target], network="test", from_block=start, request=request,
                              l1=L1Source(request, portal.address))  # fmt: skip
        unread = build_report([target], network="test", from_block=start, request=request)
        command = {"splitter": splitter.address, "portal": portal.address, "start": start}
        yield {"report": report, "unread": unread, "hashes": hashes, "now": now, "proof": proof, **command}


STATES = {
    "a1": FINALIZED, "b1": FAILED, "a2": OVERDUE, "b2": OVERDUE, "a3": PROVEN, "b3": OVERDUE,
    "a4": IN_FLIGHT, "b4": IN_FLIGHT,
}  # fmt: skip


def test_every_withdrawal_has_its_state_from_the_portal(scripted, collective):
    report: Report = scripted["report"]
    finality = report.finality
    assert finality is not None and finality.now == scripted["now"]
    assert (
        finality.settings.delay == DELAY and finality.settings.delay_source == "proofMaturityDelaySeconds()"
    )
    by_hash = {i.withdrawal.withdrawal_hash: i for i in finality.items}
    assert len(by_hash) == 8
    assert {name: by_hash[h].state for name, h in scripted["hashes"].items()} == STATES
    assert finality.counts() == {IN_FLIGHT: 2, PROVEN: 1, FINALIZED: 1, FAILED: 1, OVERDUE: 3}
    a2 = by_hash[scripted["hashes"]["a2"]]
    assert a2.expected_at == scripted["proof"] + DELAY
    assert a2.overdue_by == scripted["now"] - (scripted["proof"] + 2 * DELAY)
    recipients = {by_hash[h].withdrawal.recipient for h in scripted["hashes"].values()}
    assert recipients == {L1_TREASURY, collective}


def test_findings_say_what_l1_holds_and_group_by_state(scripted):
    report: Report = scripted["report"]
    on_l1 = [f for f in report.analysis.findings if "on L1" in f.what]
    kinds = sorted(f.kind for f in on_l1)
    # The finalized one has no finding left; the failed one is a gap; three are overdue.
    assert kinds == sorted([UNEXPLAINED, OVERDUE_KIND, OVERDUE_KIND, OVERDUE_KIND, PENDING, PENDING, PENDING])
    assert not report.ok  # the failed finalization: its ETH stays in the portal
    (failed,) = [f for f in on_l1 if f.kind == UNEXPLAINED]
    assert "the portal's call failed" in failed.what and scripted["hashes"]["b1"][:10] in failed.where
    # Grouped by kind and words: the Collective's and the treasury's (paid "for" it) apart.
    groups = sorted(
        (g.kind, g.first.what.split(": ", 1)[1], " for " in g.first.what, g.count)
        for g in report.groups()
        if "on L1" in g.first.what
    )
    assert groups == sorted([
        (UNEXPLAINED, "finalized on L1, but the portal's call failed (the ETH stays in the portal)", True, 1),
        (OVERDUE_KIND, "not proven on L1, long past the challenge period", True, 2),  # b2, b3
        (OVERDUE_KIND, "proven on L1 but not finalized, long past the challenge period", False, 1),  # a2
        (PENDING, "proven on L1, not finalized yet", False, 1),  # a3
        (PENDING, "not proven on L1 yet", False, 1),  # a4
        (PENDING, "not proven on L1 yet", True, 1),  # b4
    ])  # fmt: skip
    text = render_text(report)
    assert (
        "L1 finality of 8 withdrawals" in text
        and "2 in flight, 1 proven, 1 finalized, 1 failed, 3 overdue" in text
    )
    assert "3 overdue on L1" not in text  # the verdict names gaps first when there are any
    unread = render_text(scripted["unread"])
    assert "L1 finality: not checked for the 8 L1 withdrawals" in unread


def test_only_what_arrived_leaves_the_in_flight_total(scripted):
    """`in_flight_to_l1` (report.json's per chain) is what was sent and has not arrived: without L1,
    all eight; with it, all but a1 (finalized); b1, whose finalization failed, never arrived."""
    report, unread = scripted["report"], scripted["unread"]
    amounts = {i.withdrawal.withdrawal_hash: i.withdrawal.amount for i in report.finality.items}
    sent = sum(amounts.values())
    arrived = amounts[scripted["hashes"]["a1"]]
    assert arrived > 0
    (eth,) = unread.analysis.chains[CHAIN_ID].in_flight_to_l1
    assert unread.analysis.chains[CHAIN_ID].in_flight_to_l1 == {eth: sent}
    assert report.analysis.chains[CHAIN_ID].in_flight_to_l1 == {eth: sent - arrived}


def test_the_withdrawals_file_has_every_one(scripted, tmp_path: Path):
    write_report(scripted["report"], tmp_path)
    with (tmp_path / "l1-withdrawals.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["withdrawal_hash"]: r["state"] for r in rows} == {
        scripted["hashes"][n]: s for n, s in STATES.items()
    }
    assert {r["success"] for r in rows if r["state"] in (FINALIZED, FAILED)} == {"True", "False"}


def test_the_command_reads_l1_and_explains_bad_input(scripted, chain, tmp_path: Path):
    node = chain.provider.http_uri
    chain_id = int(chain.provider.make_request("eth_chainId", []), 16)
    splitter = f"{CHAIN_ID}={scripted['splitter']}@{scripted['start']}"
    base = [
        "report",
        "--network",
        f"ethereum:local:{node}",
        "--splitter",
        splitter,
        "--out",
        str(tmp_path / "out"),
    ]
    result = ape_run(*base, "--l1-rpc", node, "--portal", scripted["portal"])
    assert result.returncode == 3, result.stdout + result.stderr  # the failed finalization is a gap
    assert "L1 finality of 8 withdrawals" in result.stdout and "Traceback" not in result.stderr
    assert node not in result.stdout + result.stderr  # the L1 node's URL is never printed
    unknown = ape_run(*base, "--l1-rpc", node)
    assert (
        unknown.returncode == 2
        and "chain 31337 has no known OptimismPortal; name it with --portal" in unknown.stderr
    )
    no_node = ape_run(*base, "--portal", scripted["portal"])
    assert no_node.returncode == 2 and "--portal needs --l1-rpc" in no_node.stderr
    no_code = ape_run(*base, "--l1-rpc", node, "--portal", "0x" + "12" * 20)
    assert no_code.returncode == 2 and "Traceback" not in no_code.stderr, no_code.stderr
    assert "--portal: " in no_code.stderr and "Reading" not in no_code.stderr  # refused before any read
    for url in (
        "mainnet.example.com/v3/SECRETKEY",
        "htps://mainnet.example.com/v3/SECRETKEY",
        "wss://x/SECRETKEY",
    ):
        bad = ape_run(*base, "--l1-rpc", url, "--portal", scripted["portal"])
        assert bad.returncode == 2 and "--l1-rpc is not an http(s) URL" in bad.stderr, bad.stderr
        assert "SECRETKEY" not in bad.stdout + bad.stderr
    # REVSHARE_L1_RPC set for another chain's reports: a note here, not an error.
    from_env = ape_run(*base, env={"REVSHARE_L1_RPC": node})
    assert from_env.returncode == 0, from_env.stdout + from_env.stderr
    assert (
        f"note: REVSHARE_L1_RPC is set, but chain {chain_id} has no known OptimismPortal" in from_env.stderr
    )
    assert "L1 finality: not checked for the 8 L1 withdrawals" in from_env.stdout
    script = ape_run(*base, "--explorer-url", "javascript:alert(document.domain)")
    assert script.returncode == 2 and "--explorer-url must be an http(s) URL" in script.stderr
    twice = ape_run(*base, "--splitter", f"{CHAIN_ID}={scripted['splitter']}")
    assert twice.returncode == 2 and "is named twice" in twice.stderr
