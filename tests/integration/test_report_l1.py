"""The transparency report on payouts that leave for L1: in-flight withdrawals listed, each one
matched against the bridge's or message passer's own record, and a missing or altered record
flagged as an unexplained gap."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from revshare.chain.reader import EventLog
from revshare.chain.routes import Route
from revshare.demo.mocks import install_withdrawal_mocks
from revshare.report import Report, SplitterTarget, build_report, render_text
from revshare.report.analysis import PENDING
from tests.conftest import CHAIN_ID, ONE_DAY, deploy_vaults_and_splitter

ETHER = 10**18
MILLI = 10**15
L1_TREASURY = "0x2222222222222222222222222222222222222222"  # the treasury's account on L1
SENT_TO_L1 = "ETH: sent to L1 = bridge/message-passer records in the same tx"


@pytest.fixture(scope="module")
def l1_report(project, chain, owner, keeper, registry, collective, treasury) -> Report:
    """One disbursement: gross 5, L1 2, net 3 -> Collective 0.45 through the message passer,
    treasury 4.55 through the bridge."""
    start = chain.blocks.head.number + 1
    install_withdrawal_mocks(owner)
    vaults, splitter = deploy_vaults_and_splitter(project, owner, registry)
    registry.setDestination(collective, (Route.L1_MESSAGE_PASSER, collective, 100_000, 0), sender=owner)
    registry.setDestination(treasury, (Route.L1_STANDARD_BRIDGE, L1_TREASURY, 200_000, 0), sender=owner)
    keeper.transfer(vaults["sequencer_fee_vault"], 3 * ETHER)
    keeper.transfer(vaults["l1_fee_vault"], 2 * ETHER)
    chain.pending_timestamp += ONE_DAY
    splitter.disburse(sender=keeper)
    target = SplitterTarget(CHAIN_ID, splitter.address, "L1 Chain", start)
    return build_report([target], network="test", from_block=start, request=chain.provider.make_request)


def _tampered(report: Report, change) -> Report:
    history = copy.deepcopy(report.history)
    history.splitters[0].events = change(history.splitters[0].events)
    return Report.of(history)


def test_l1_withdrawals_are_in_flight_and_matched(l1_report: Report, collective, treasury):
    assert l1_report.ok, render_text(l1_report)
    pending = sorted(
        (f.amount, f.what.split(" (")[0]) for f in l1_report.analysis.findings if f.kind == PENDING
    )
    assert pending == [
        (
            450 * MILLI,
            f"in flight to {collective} on L1 via the L2ToL1MessagePasser",
        ),
        (
            4550 * MILLI,
            f"in flight to {L1_TREASURY} on L1 via the L2StandardBridge for {treasury}",
        ),
    ]
    (check,) = [c for c in l1_report.analysis.checks if c.label == SENT_TO_L1]
    assert (check.left, check.right) == (5 * ETHER, 5 * ETHER)
    assert l1_report.analysis.chains[CHAIN_ID].in_flight_to_l1 == {"0x" + "00" * 20: 5 * ETHER}


@pytest.mark.parametrize("record", ["ETHBridgeInitiated", "MessagePassed"])
def test_a_missing_bridge_record_is_an_unexplained_gap(l1_report: Report, record: str):
    tampered = _tampered(l1_report, lambda events: [e for e in events if e.name != record])
    route = "L2StandardBridge" if record == "ETHBridgeInitiated" else "L2ToL1MessagePasser"
    assert [f.what for f in tampered.analysis.unexplained] == [
        f"announced for L1, but the {route} recorded no such withdrawal"
    ]
    assert [c.label for c in tampered.analysis.checks if not c.ok] == [SENT_TO_L1]


def test_a_bridge_record_for_another_amount_or_payee_does_not_count(l1_report: Report, stranger):
    def alter(field: str, value):
        def change(events: list[EventLog]) -> list[EventLog]:
            return [
                replace(e, args={**e.args, field: value}) if e.name == "ETHBridgeInitiated" else e
                for e in events
            ]

        return change

    for field, value in (("amount", 4550 * MILLI - 1), ("to", stranger.address), ("from", stranger.address)):
        tampered = _tampered(l1_report, alter(field, value))
        assert len(tampered.analysis.unexplained) == 1, field
        assert not tampered.ok
