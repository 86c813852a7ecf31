"""The transparency report on a shared sequencer splitter (#21): a scripted history with a packed
and an ABI epoch, claims to L2 and to both L1 routes, an epoch disputed then corrected, one
disputed then confirmed, one disputed and held, forced ETH credited as surplus and forced ETH left
over, and a credit moved to a new operator fee recipient. The report's epochs, settlements,
claims and operator fee are the Python model's to the wei and reconcile with the contract's views;
a history changed outside the events is a gap, never an all-clear; `ape run report --shared`
shows it all and refuses what is not a shared splitter in one line."""

from __future__ import annotations

import copy
import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from eth_utils import to_checksum_address

from revshare.chain.reader import ChainReader, EventLog
from revshare.chain.routes import Route
from revshare.chain.rpc import provider_request
from revshare.chain.shared import epoch_by_id, read_shared_epochs
from revshare.demo.mocks import install_withdrawal_mocks
from revshare.epochs import ChainRevenue, SharedSplitterModel, Terms, pack_report
from revshare.report import Report, SharedTarget, build_report, render_text, write_report
from revshare.report.analysis import EXPLAINED, PENDING
from revshare.report.files import REPORT_JSON, SHARED_CLAIMS_CSV, SHARED_EPOCHS_CSV, SHARED_SETTLEMENTS_CSV
from revshare.report.text import shared_text
from tests.conftest import CHAIN_ID, ETH, OPERATOR_FEE_BPS, SHARED_CHAINS, treasury_of
from tests.integration.helpers import ape_run

E18 = 10**18
MILLI = 10**15
WINDOW = 3_600
OTHER = 34443  # its treasury is paid on L1 through the bridge
L1_TREASURY = "0x2222222222222222222222222222222222222222"
NEW_FEE_RECIPIENT = to_checksum_address("0x" + "0e" * 20)
TERMS = {chain_id: Terms(*rates) for chain_id, rates in SHARED_CHAINS.items()}
FORCED, LEFT_OVER = 300 * MILLI, 50 * MILLI

EPOCH_1 = [ChainRevenue(10, 7 * E18, 2 * E18), ChainRevenue(CHAIN_ID, 5 * E18, 4500 * MILLI),
           ChainRevenue(OTHER, 3 * E18, 500 * MILLI)]  # fmt: skip
EPOCH_2 = [ChainRevenue(CHAIN_ID, 6 * E18, E18), ChainRevenue(OTHER, 4 * E18, E18)]
CORRECTED_2 = [ChainRevenue(CHAIN_ID, 6500 * MILLI, E18), ChainRevenue(OTHER, 4 * E18, E18)]  # 0.5 added
EPOCH_3 = [ChainRevenue(10, 2 * E18, 200 * MILLI), ChainRevenue(7777777, E18, 100 * MILLI)]
EPOCH_4 = [ChainRevenue(CHAIN_ID, 2 * E18, 500 * MILLI), ChainRevenue(OTHER, E18, 200 * MILLI)]


def _short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}"


@pytest.fixture(scope="module")
def scripted(project, chain, owner, reporter, stranger, registry, shared, collective, operator_fee_recipient):
    """The history above, and the model's account of it (`SharedSplitterModel`, with the surplus
    credit and the credit move, which it does not model, applied by hand)."""
    from ape import accounts

    del shared  # registers the chains; this module's splitter starts its history in `start`
    install_withdrawal_mocks(owner)
    registry.setDestination(
        treasury_of(OTHER), (Route.L1_STANDARD_BRIDGE, L1_TREASURY, 200_000, 0), sender=owner
    )
    registry.setDestination(collective, (Route.L1_MESSAGE_PASSER, collective, 100_000, 0), sender=owner)
    start = chain.blocks.head.number + 1
    splitter = owner.deploy(
        project.SharedSequencerSplitter, registry, reporter, operator_fee_recipient, OPERATOR_FEE_BPS
    )
    model = SharedSplitterModel(splitter.lastReportTime(), OPERATOR_FEE_BPS, str(operator_fee_recipient))
    reader = ChainReader(provider_request(chain.provider))

    def at(receipt: Any) -> int:
        return chain.blocks[receipt.block_number].timestamp

    def report(revenues: list[ChainRevenue], packed: bool) -> None:
        # The window ends a second after the last block, in a block of its own a minute later (at least).
        end = chain.blocks.head.timestamp + 1
        chain.pending_timestamp = max(chain.pending_timestamp, end + 60)
        epoch, paid = splitter.lastEpoch() + 1, sum(r.gross for r in revenues)
        if packed:
            receipt = splitter.reportEpochPacked(
                epoch, end, pack_report(revenues), value=paid, sender=reporter
            )
        else:
            receipt = splitter.reportEpoch(
                epoch, end, [r.as_tuple() for r in revenues], value=paid, sender=reporter
            )
        model.report(at(receipt), epoch, end, revenues, TERMS, collective)

    def facts(epoch: int) -> tuple:
        return epoch_by_id(read_shared_epochs(reader, splitter.address, start), epoch).facts()

    def later() -> None:  # past the last epoch's dispute window and claim period: the next may be reported
        chain.pending_timestamp = chain.blocks.head.timestamp + 2 * WINDOW + 1

    # Epoch 1, packed, no dispute window; a treasury paid on L1 through the bridge, a treasury on
    # L2, the Collective on L1 through the message passer.
    report(EPOCH_1, packed=True)
    claimed = {
        OTHER: model.claim_chain(0, OTHER),
        10: model.claim_chain(0, 10),
        0: model.claim(0, collective),
    }
    splitter.claimChain(ETH, OTHER, sender=stranger)
    splitter.claimChain(ETH, 10, sender=stranger)
    splitter.claim(ETH, collective, sender=stranger)
    splitter.setDisputeWindow(WINDOW, sender=owner)
    model.dispute_window = WINDOW
    # Epoch 2, ABI: disputed by governance, corrected with 0.5 ETH added.
    report(EPOCH_2, packed=False)
    receipt = splitter.disputeEpoch(2, 0, facts(2), sender=owner)
    model.dispute(at(receipt), 2)
    added = sum(r.gross for r in CORRECTED_2) - sum(r.gross for r in EPOCH_2)
    splitter.correctEpoch(2, facts(2), [r.as_tuple() for r in CORRECTED_2], added, value=added, sender=owner)
    model.correct(2, CORRECTED_2, TERMS, added)
    # Epoch 3, packed: disputed, confirmed.
    later()
    report(EPOCH_3, packed=True)
    receipt = splitter.disputeEpoch(3, 0, facts(3), sender=owner)
    model.dispute(at(receipt), 3)
    splitter.confirmEpoch(3, facts(3), sender=owner)
    model.confirm(3)
    # Forced ETH, credited to the Collective; a new operator fee recipient takes the old one's credit.
    later()
    owner.deploy(project.ForceSender, splitter.address, value=FORCED)
    splitter.creditSurplus(ETH, sender=stranger)
    model.accounts[(ETH, collective.lower())] += FORCED
    model.total[ETH] += FORCED
    splitter.setOperatorFee(NEW_FEE_RECIPIENT, 300, sender=owner)
    splitter.moveCredit(ETH, operator_fee_recipient, sender=owner)
    moved = model.accounts.pop((ETH, str(operator_fee_recipient).lower()))
    model.accounts[(ETH, NEW_FEE_RECIPIENT.lower())] = moved
    model.fee_bps, model.fee_recipient = 300, NEW_FEE_RECIPIENT
    # Epoch 4, ABI, at the new fee: disputed by a chain's treasury, held. Then forced ETH, left over.
    report(EPOCH_4, packed=False)
    treasury = registry.getChain(CHAIN_ID).treasury
    chain.provider.set_balance(treasury, E18)
    receipt = splitter.disputeEpoch(4, CHAIN_ID, facts(4), sender=accounts[treasury])
    model.dispute(at(receipt), 4)
    owner.deploy(project.ForceSender, splitter.address, value=LEFT_OVER)
    return {
        "splitter": splitter,
        "start": start,
        "last": chain.blocks.head.number,
        "model": model,
        "claimed": claimed,
        "moved": moved,
        "node": chain.provider.uri,
    }


@pytest.fixture(scope="module")
def report(scripted, chain) -> Report:
    target = SharedTarget(scripted["splitter"].address, deployed_block=scripted["start"])
    return build_report(
        [], network="test", from_block=scripted["start"], to_block=scripted["last"],
        request=chain.provider.make_request, page_size=5, shared=[target],
    )  # fmt: skip


def test_epochs_and_settlements_are_the_models(scripted, report: Report):
    assert report.ok, render_text(report)
    (summary,) = report.analysis.shared
    model = scripted["model"]
    assert [e.status for e in summary.epochs] == ["reported", "corrected", "confirmed", "disputed"]
    assert [e.packed for e in summary.epochs] == [True, False, True, False]
    assert [e.fee_bps for e in summary.epochs] == [OPERATOR_FEE_BPS] * 3 + [300]
    for epoch in summary.epochs:
        want = model.epochs[epoch.epoch].settlement
        settled = {c.chain_id: (c.operator_fee, c.collective_share, c.chain_share) for c in epoch.settled}
        assert settled == {cid: (s.operator_fee, s.collective, s.chain) for cid, s in want.per_chain.items()}
    corrected = summary.epochs[1]
    assert (corrected.gross, corrected.added) == (10 * E18, 500 * MILLI)
    assert sum(c.gross for c in corrected.settled) == 10500 * MILLI
    assert [c.chain_id for c in corrected.chains] == [CHAIN_ID, OTHER]
    # Windows follow each other: each one starts where the one before ended.
    assert [e.window_start for e in summary.epochs[1:]] == [e.window_end for e in summary.epochs[:-1]]


def test_balances_reconcile_with_the_contract_and_the_model(scripted, report: Report, collective):
    model, views = scripted["model"], report.history.shared[0].closing
    for (asset, chain_id), amount in model.chains.items():
        assert views.chain_claimable[(asset, chain_id)] == amount, chain_id
    for (asset, account), amount in model.accounts.items():
        owed = {(a, r.lower()): v for (a, r), v in views.account_claimable.items()}
        assert owed[(asset, account)] == amount, account
    assert views.total_claimable[ETH] == model.total[ETH]
    (summary,) = report.analysis.shared
    assert summary.held[ETH] == model.held(ETH) == sum(r.gross for r in EPOCH_4)
    assert summary.surplus[ETH] == LEFT_OVER
    assert summary.balance[ETH] == model.total[ETH] + LEFT_OVER
    shared_checks = [c for c in report.analysis.checks if c.splitter]
    assert shared_checks and all(c.ok for c in shared_checks)
    labels = {c.label for c in shared_checks}
    assert {
        "ETH: balance = totalClaimable + surplus",
        "ETH: credited - claimed = totalClaimable",
        "ETH: held for disputed epochs = totalClaimable - balances",
        "epochs whose settlements hash to their EpochWindow digest",
        "settlements that follow the rule at the registry's terms (model)",
        "epochs whose status is the contract's (epochRecord)",
        "ETH: sent to L1 = bridge/message-passer records in the same tx",
    } <= labels
    by_label = {c.label: (c.left, c.right) for c in shared_checks}
    assert by_label["settlements that follow the rule at the registry's terms (model)"] == (11, 11)
    assert by_label["epochs whose status is the contract's (epochRecord)"] == (3, 3)


def test_claims_show_their_routes(scripted, report: Report, collective):
    (summary,) = report.analysis.shared
    claimed = scripted["claimed"]
    assert [(c.chain_id, c.payee, c.amount, c.route, c.l1_recipient) for c in summary.claims] == [
        (OTHER, treasury_of(OTHER), claimed[OTHER], "L1 via L2StandardBridge", L1_TREASURY),
        (10, treasury_of(10), claimed[10], "L2 transfer", ""),
        (0, collective, claimed[0], "L1 via L2ToL1MessagePasser", collective),
    ]
    in_flight = {f.amount: f.what for f in report.analysis.findings if f.what.startswith("in flight")}
    assert in_flight[claimed[OTHER]].startswith(
        f"in flight to {L1_TREASURY} on L1 via L2StandardBridge for {treasury_of(OTHER)}"
    )
    assert summary.in_flight_to_l1[ETH] == claimed[OTHER] + claimed[0]


def test_findings_explain_surplus_moves_and_holds(scripted, report: Report, operator_fee_recipient):
    found = {(f.kind, f.amount, f.what.split(" (")[0]) for f in report.analysis.findings if f.splitter}
    old, new = operator_fee_recipient, NEW_FEE_RECIPIENT
    assert (EXPLAINED, FORCED, "held beyond every claimable balance") in found
    assert (EXPLAINED, scripted["moved"], f"credit of {old} moved to {new} by governance") in found
    assert (
        PENDING,
        sum(r.gross for r in EPOCH_4),
        "held by disputed epoch 4 until governance confirms or corrects it",
    ) in found
    assert (PENDING, LEFT_OVER, "held beyond every claimable balance") in found


def test_operator_fee_totals(scripted, report: Report, operator_fee_recipient):
    (summary,) = report.analysis.shared
    model = scripted["model"]
    fees = {f.recipient: f for f in summary.fees}
    old = sum(model.epochs[n].settlement.operator_fee for n in (1, 2, 3))
    assert (fees[operator_fee_recipient].credited, fees[operator_fee_recipient].claimed) == (old, 0)
    assert fees[operator_fee_recipient].claimable == 0  # moved to the successor
    held = model.epochs[4].settlement.operator_fee
    new = fees[NEW_FEE_RECIPIENT]
    assert (new.credited, new.held, new.claimable, new.fee_bps) == (held, held, scripted["moved"], (300,))


def test_text_tables(report: Report):
    text = shared_text(report)
    assert "Shared sequencer splitter " in text and "claims wait until" in text
    headers = ["Epochs (ETH), as finally credited:", "Settlements per chain (ETH):", "Claims:"]
    headers += ["Operator fee (whole history):", "report (replaced)", "correction", "disputed (held)"]
    for header in headers:
        assert header in text, header
    assert "L1 via L2StandardBridge" in text and _short(L1_TREASURY) in text
    assert "Result: every wei accounted for" in render_text(report)


def test_files_hold_the_shared_splitter(report: Report, tmp_path: Path):
    names = {p.name for p in write_report(report, tmp_path)}
    assert {SHARED_EPOCHS_CSV, SHARED_SETTLEMENTS_CSV, SHARED_CLAIMS_CSV, "shared-epochs.png"} <= names
    assert {"revenue.png", "collective-share.png"}.isdisjoint(names)  # no chain splitter
    with (tmp_path / SHARED_EPOCHS_CSV).open() as handle:
        epochs = list(csv.DictReader(handle))
    assert [(r["epoch"], r["status"], r["gross"]) for r in epochs] == [
        ("1", "reported", str(15 * E18)), ("2", "corrected", str(10500 * MILLI)),
        ("3", "confirmed", str(3 * E18)), ("4", "disputed", str(3 * E18)),
    ]  # fmt: skip
    with (tmp_path / SHARED_CLAIMS_CSV).open() as handle:
        assert next(r["l1_recipient"] for r in csv.DictReader(handle)) == L1_TREASURY
    data = json.loads((tmp_path / REPORT_JSON).read_text())
    assert data["ok"] is True and data["shared"][0]["surplus"] == {ETH: str(LEFT_OVER)}
    assert len(data["shared"][0]["settlements"]) == 2 + 2 + 2 + 2 + 3  # epoch 2's twice
    html = (tmp_path / "index.html").read_text()
    assert "Shared sequencer splitter" in html and html.count('<div class="chart" id="shared-chart-0"') == 1
    assert '<a href="shared-epochs.png">' in html
    assert "shared 0x" in html  # the reconciliation names the splitter


# ---------------------------------------------------------------- a history changed outside the events
def _tampered(report: Report, change_events=None, change_history=None) -> Report:
    history = copy.deepcopy(report.history)
    shared = history.shared[0]
    if change_events:
        shared.events = change_events(shared.events)
    if change_history:
        change_history(shared)
    return Report.of(history)


def _gaps(report: Report) -> list[str]:
    return [c.label for c in report.analysis.checks if not c.ok]


def test_a_balance_changed_outside_the_events_is_a_gap(report: Report):
    """ETH that the surplus view does not show (a balance the events and views cannot explain)."""

    def more_eth(shared) -> None:
        shared.closing.balance[ETH] += 1

    tampered = _tampered(report, change_history=more_eth)
    assert not tampered.ok and _gaps(tampered) == ["ETH: balance = totalClaimable + surplus"]
    assert "Result: UNEXPLAINED GAPS" in render_text(tampered)

    def reverting_surplus(shared) -> None:  # the splitter holds less than totalClaimable
        shared.closing.balance[ETH] -= LEFT_OVER + 1
        shared.closing.surplus[ETH] = None

    tampered = _tampered(report, change_history=reverting_surplus)
    assert not tampered.ok
    assert "surplus() reverts: the splitter holds less than totalClaimable" in {
        f.what for f in tampered.analysis.unexplained
    }


def test_forced_eth_not_credited_by_an_event_is_a_gap(report: Report, collective):
    """Without its `SurplusCredited`, the Collective's credit and the total are the contract's alone."""
    tampered = _tampered(report, lambda events: [e for e in events if e.name != "SurplusCredited"])
    assert not tampered.ok
    assert set(_gaps(tampered)) == {
        f"ETH: {collective}'s balance, replayed = accountClaimable",
        "ETH: credited - claimed = totalClaimable",
    }


@pytest.mark.parametrize(
    "name", ["ChainClaimed", "AccountClaimed", "EpochDisputed", "EpochConfirmed", "CreditMoved"]
)
def test_a_missing_event_is_a_gap(report: Report, name: str):
    tampered = _tampered(report, lambda events: [e for e in events if e.name != name])
    assert not tampered.ok, name
    assert tampered.analysis.unexplained or _gaps(tampered)


def test_settlements_that_differ_from_the_commitment_are_a_gap(report: Report):
    """One wei of epoch 1's packed settlement moved from the Collective to the chain: the digest,
    the totals and the model all disagree."""

    def shift(events: list[EventLog]) -> list[EventLog]:
        out = []
        for e in events:
            if e.name == "ChainsSettled" and e.args["epoch"] == 1:
                raw = bytearray(bytes.fromhex(e.args["settlements"][2:]))
                share = int.from_bytes(raw[44:56], "big") - 1
                raw[44:56] = share.to_bytes(12, "big")
                e = replace(e, args={**e.args, "settlements": "0x" + raw.hex()})
            out.append(e)
        return out

    tampered = _tampered(report, shift)
    assert {
        "epochs whose chains add up to their EpochReported totals",
        "epochs whose settlements hash to their EpochWindow digest",
        "settlements that follow the rule at the registry's terms (model)",
    } <= set(_gaps(tampered))


def test_a_missing_l1_record_is_a_gap(report: Report):
    tampered = _tampered(report, lambda events: [e for e in events if e.name != "MessagePassed"])
    assert _gaps(tampered) == ["ETH: sent to L1 = bridge/message-passer records in the same tx"]
    assert [f.what for f in tampered.analysis.unexplained] == [
        "announced for L1, but the L2ToL1MessagePasser recorded no such withdrawal"
    ]


def test_a_history_read_from_after_the_deployment_is_flagged(scripted, chain):
    """Replayed from a later block, the balances cannot reconcile: the report says why."""
    later = scripted["start"] + 3
    built = build_report(
        [], network="test", from_block=later, to_block=scripted["last"], request=chain.provider.make_request,
        shared=[SharedTarget(scripted["splitter"].address)],
    )  # fmt: skip
    assert not built.ok
    assert any(f.what.startswith(f"has a history before block {later}") for f in built.analysis.unexplained)


# ---------------------------------------------------------------- the command line
def _ape_report(scripted: dict[str, Any], out: Path, *targets: str):
    node = f"ethereum:local:{scripted['node']}"
    args = [
        "report",
        "--network",
        node,
        "--records",
        str(out / "records"),
        "--to-block",
        str(scripted["last"]),
    ]
    return ape_run(*args, *targets, "--out", str(out / "report"))


def test_ape_run_report_shared(scripted, tmp_path: Path):
    address = scripted["splitter"].address
    result = _ape_report(scripted, tmp_path, "--shared", f"{address}@{scripted['start']}")
    assert result.returncode == 0, result.stdout + result.stderr
    for text in (f"Shared sequencer splitter {address}", "Epochs (ETH), as finally credited:", "corrected",
                 "L1 via L2StandardBridge", f"[ ok] shared {_short(address)}, chain {OTHER}"):  # fmt: skip
        assert text in result.stdout, text
    assert "Result: every wei accounted for" in result.stdout
    data = json.loads((tmp_path / "report" / REPORT_JSON).read_text())
    assert [e["status"] for e in data["shared"][0]["epochs"]] == [
        "reported",
        "corrected",
        "confirmed",
        "disputed",
    ]


@pytest.mark.parametrize("case", ["no contract", "registry", "bad address", "deployed after the range"])
def test_ape_run_report_refuses_what_is_not_a_shared_splitter(
    scripted, registry, stranger, tmp_path: Path, case
):
    value, expected = {
        "no contract": (stranger.address, f"no contract at {stranger.address}"),
        "registry": (registry.address, f"{registry.address} is not a SharedSequencerSplitter"),
        "bad address": ("0x1234", "--shared '0x1234': shared splitter address: '0x1234' is not an address"),
        "deployed after the range": (
            f"{scripted['splitter'].address}@{scripted['last'] + 5}",
            f"the deployment block is after the report's last block {scripted['last']:,}",
        ),
    }[case]
    result = _ape_report(scripted, tmp_path, "--shared", value, "--from-block", "0")
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and expected in errors[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "[ ok]" not in result.stdout
