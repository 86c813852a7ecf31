"""The transparency report on a scripted on-chain history: exact figures, every kind of finding,
tampered histories flagged, the files written, and the HTML rendered in headless Chromium."""

from __future__ import annotations

import copy
import csv
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from revshare.chain.explorers import explorer_for
from revshare.chain.reader import EventLog
from revshare.deploying.deploy import create_address
from revshare.model import RevenueSources
from revshare.report import Report, SplitterTarget, build_report, render_text, write_report
from revshare.report.analysis import EXPLAINED, PENDING, UNEXPLAINED
from revshare.report.files import REPORT_JSON, periods_csv
from tests.browser import open_page, red_pixels
from tests.conftest import CHAIN_ID, ETH, ZERO_HASH, deploy_vaults_and_splitter
from tests.integration.helpers import ape_run

ETHER = 10**18
MILLI = 10**15
NO_VAULT = "0x" + "00" * 20
DAY = 86_400


def _monday_noon_after(timestamp: int) -> int:
    day = datetime.fromtimestamp(timestamp, tz=timezone.utc).date() + timedelta(days=2)
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    return int(datetime(monday.year, monday.month, monday.day, 12, tzinfo=timezone.utc).timestamp())


@pytest.fixture(scope="module")
def scripted(project, chain, owner, keeper, registry):
    """Three disbursements with known figures (see each step), then money left on its way."""
    start_block = chain.blocks.head.number + 1
    vaults, splitter = deploy_vaults_and_splitter(project, owner, registry)
    rejecting = owner.deploy(project.RevertingRecipient)
    base = _monday_noon_after(chain.pending_timestamp)

    def fund(**amounts: int) -> None:
        for role, value in amounts.items():
            keeper.transfer(vaults[role], value)

    def disburse_at(timestamp: int) -> None:
        chain.pending_timestamp = timestamp
        splitter.disburse(sender=keeper)

    # Day 1 (Monday): gross 6, L1 2, net 4 -> net rule 15% = 0.6 ETH.
    fund(sequencer_fee_vault=3 * ETHER, base_fee_vault=1 * ETHER, l1_fee_vault=2 * ETHER)
    disburse_at(base)
    # Day 2: 0.5 ETH sent straight to the splitter; gross 11, L1 9.5, net 1.5 -> gross rule
    # 2.5% = 0.275. The treasury rejects ETH: its 10.725 is credited, then claimed.
    registry.setTreasury(CHAIN_ID, rejecting, sender=owner)
    fund(sequencer_fee_vault=1 * ETHER, l1_fee_vault=9500 * MILLI)
    keeper.transfer(splitter, 500 * MILLI)
    disburse_at(base + DAY)
    rejecting.setRejecting(False, sender=owner)
    splitter.claim(ETH, rejecting, sender=keeper)
    # Day 9 (next ISO week), new terms 3% / 12%: gross 3, L1 1, net 2 -> 12% of net = 0.24.
    # The treasury rejects again: 2.76 stays credited, unclaimed.
    # Scheduled a day ahead (no notice in this registry); the empty boundary settlement on day 3
    # makes day 9 the first period under them.
    registry.setNoticePeriod(0, sender=owner)
    registry.scheduleTerms(CHAIN_ID, 300, 1200, ZERO_HASH, base + 2 * DAY, sender=owner)
    disburse_at(base + 2 * DAY)
    rejecting.setRejecting(True, sender=owner)
    fund(sequencer_fee_vault=2 * ETHER, l1_fee_vault=1 * ETHER)
    disburse_at(base + 8 * DAY)
    # After the last disbursement: 0.1 ETH sent to the splitter, not yet shared, and 0.005 ETH
    # in the OperatorFeeVault (below its 0.01 ETH minimum: a disbursement now would be refused).
    keeper.transfer(splitter, 100 * MILLI)
    fund(operator_fee_vault=5 * MILLI)
    target = SplitterTarget(CHAIN_ID, splitter.address, "Scripted Chain", start_block)
    return {
        "target": target,
        "start": start_block,
        "base": base,
        "rejecting": rejecting.address,
        "splitter": splitter,
    }


@pytest.fixture(scope="module")
def report(scripted, chain) -> Report:
    return build_report(
        [scripted["target"]],
        network="test",
        from_block=scripted["start"],
        request=chain.provider.make_request,
        page_size=7,  # many pages, to exercise paging
    )


def test_disbursements_match_the_script(report: Report):
    rows = report.analysis.rows
    assert [r.gross for r in rows] == [6 * ETHER, 11 * ETHER, 3 * ETHER]
    assert [r.l1_cost for r in rows] == [2 * ETHER, 9500 * MILLI, 1 * ETHER]
    assert [r.collective for r in rows] == [600 * MILLI, 275 * MILLI, 240 * MILLI]
    assert [r.chain for r in rows] == [5400 * MILLI, 10725 * MILLI, 2760 * MILLI]
    assert [r.rule for r in rows] == ["net", "gross", "net"]
    assert [(r.gross_bps, r.net_bps) for r in rows] == [(250, 1500), (250, 1500), (300, 1200)]
    assert [r.outside_vaults for r in rows] == [0, 500 * MILLI, 0]
    assert [r.from_vaults for r in rows] == [6 * ETHER, 10500 * MILLI, 3 * ETHER]
    assert [r.deferred for r in rows] == [0, 10725 * MILLI, 2760 * MILLI]
    # Per vault (no operator fees were disbursed); day 2's transfer is "other".
    assert [r.sources for r in rows] == [
        RevenueSources(3 * ETHER, 1 * ETHER, 0, 2 * ETHER, 0),
        RevenueSources(1 * ETHER, 0, 0, 9500 * MILLI, 500 * MILLI),
        RevenueSources(2 * ETHER, 0, 0, 1 * ETHER, 0),
    ]
    assert report.ok, render_text(report)
    text = render_text(report)
    assert "ETH disbursed by source (share of gross):" in text
    # 6 of the 20 ETH came from the sequencer fee vault: 30.00%.
    assert "6.000000 (30.00%)" in text and "12.500000 (62.50%)" in text


def test_periods_and_cumulative_totals(report: Report, scripted):
    monday = datetime.fromtimestamp(scripted["base"], tz=timezone.utc).date()
    days = report.periods("day")
    assert [p.period for p in days] == [
        str(monday),
        str(monday + timedelta(days=1)),
        str(monday + timedelta(days=8)),
    ]
    assert [p.cumulative_gross for p in days] == [6 * ETHER, 17 * ETHER, 20 * ETHER]
    assert [p.cumulative_collective for p in days] == [600 * MILLI, 875 * MILLI, 1115 * MILLI]
    weeks = report.periods("week")
    assert [(p.disbursements, p.gross, p.collective) for p in weeks] == [
        (2, 17 * ETHER, 875 * MILLI),
        (1, 3 * ETHER, 240 * MILLI),
    ]
    assert weeks[0].rule == "mixed (1 net, 1 gross)" and weeks[1].rule == "net"
    assert weeks[0].by_gross == 150 * MILLI + 275 * MILLI and weeks[0].by_net == 600 * MILLI + 225 * MILLI
    assert round(weeks[0].effective_bps, 4) == round(875 / 17 * 10, 4)
    months = report.periods("month")
    assert sum(p.gross for p in months) == 20 * ETHER
    first, last = monday.strftime("%Y-%m"), (monday + timedelta(days=8)).strftime("%Y-%m")
    assert [p.period for p in months] == sorted({first, last})


def test_findings_list_every_detour_and_what_is_on_its_way(report: Report, scripted):
    found = {(f.kind, f.amount, f.what.split(" (")[0]) for f in report.analysis.findings}
    treasury = scripted["rejecting"]
    assert found == {
        (EXPLAINED, 500 * MILLI, "received outside vault withdrawals"),
        (
            EXPLAINED,
            10725 * MILLI,
            f"payout to {treasury} failed and was credited for a later claim",
        ),
        (
            EXPLAINED,
            2760 * MILLI,
            f"payout to {treasury} failed and was credited for a later claim",
        ),
        (PENDING, 2760 * MILLI, f"credited to {treasury}, not claimed yet"),
        (PENDING, 100 * MILLI, "received outside vault withdrawals, not yet disbursed"),
        (PENDING, 5 * MILLI, "in the OperatorFeeVault, not withdrawn yet"),
    }
    summary = report.analysis.chains[CHAIN_ID]
    assert summary.claimable[ETH] == 2760 * MILLI
    assert summary.undisbursed[ETH] == 100 * MILLI
    assert summary.in_vaults == 5 * MILLI
    assert all(check.ok for check in report.analysis.checks)


def test_a_vault_with_a_minimum_is_flagged(project, chain, owner, registry):
    """#14 item 2: the splitter refuses to disburse while a vault has a non-zero minimum; the
    report says which vault and why, though no disbursement has happened."""
    start = chain.blocks.head.number + 1
    splitter_address = create_address(owner.address, owner.nonce + 2)
    vault = owner.deploy(project.MockFeeVault, splitter_address, 10 * MILLI, 1)
    empty = owner.deploy(project.MockFeeVault, splitter_address, 0, 1)
    splitter = owner.deploy(
        project.ChainRevenueSplitter, registry, CHAIN_ID, [empty, NO_VAULT, vault, NO_VAULT], DAY
    )
    built = build_report(
        [SplitterTarget(CHAIN_ID, splitter.address, "Chain", start)],
        network="test",
        from_block=start,
        request=chain.provider.make_request,
    )
    found = [(f.kind, f.amount, f.what.split(" (")[0]) for f in built.analysis.findings]
    assert (
        EXPLAINED,
        10 * MILLI,
        "is the L1FeeVault's minimum withdrawal amount: the splitter refuses every disbursement",
    ) in found


def _tampered(report: Report, change) -> Report:
    history = copy.deepcopy(report.history)
    splitter = history.splitters[0]
    splitter.events = change(splitter.events)
    return Report.of(history)


def _without(name: str, nth: int = 0):
    def change(events: list[EventLog]) -> list[EventLog]:
        matching = [e for e in events if e.name == name]
        victim = matching[nth]
        # Vaults emit two forms of `Withdrawal` per withdrawal: drop both.
        return [
            e
            for e in events
            if not (e.name == name and e.tx_hash == victim.tx_hash and e.address == victim.address)
        ]

    return change


def _kinds(report: Report) -> set[str]:
    return {f.kind for f in report.analysis.findings}


def test_a_missing_vault_withdrawal_is_an_unexplained_gap(report: Report):
    tampered = _tampered(report, _without("Withdrawal"))
    assert not tampered.ok
    assert any("totalProcessed grew" in f.what for f in tampered.analysis.unexplained)


def test_a_missing_disbursement_is_an_unexplained_gap(report: Report):
    # A middle one: the next disbursement shares less than the splitter received before it.
    tampered = _tampered(report, _without("Disbursed", 1))
    what = {f.what for f in tampered.analysis.unexplained}
    assert "shared less than the splitter had received since the last disbursement" in what
    # The last one: the splitter holds less than the replay says it received.
    tampered = _tampered(report, _without("Disbursed", -1))
    assert "splitter holds less than its events account for" in {
        f.what for f in tampered.analysis.unexplained
    }


def test_a_missing_claim_or_credit_is_an_unexplained_gap(report: Report):
    for name in ("Claimed", "PayoutDeferred"):
        tampered = _tampered(report, _without(name))
        assert not tampered.ok, name
        assert [c.label for c in tampered.analysis.checks if not c.ok] == [
            "ETH: credited - claimed = claimable now (totalOwed)"
        ]


@pytest.mark.parametrize("form", ["legacy", "newer"])
def test_an_extra_withdrawal_event_is_an_unexplained_gap(report: Report, form: str):
    def add_fake(events: list[EventLog]) -> list[EventLog]:
        real = next(
            e
            for e in events
            if e.name == "Withdrawal" and ("withdrawalNetwork" in e.args) == (form == "newer")
        )
        fake = replace(real, log_index=real.log_index + 1000, args={**real.args, "value": 1})
        return sorted([*events, fake], key=lambda e: e.position)

    tampered = _tampered(report, add_fake)
    assert not tampered.ok
    assert tampered.analysis.unexplained


def test_per_vault_figures_that_disagree_with_the_vaults_are_an_unexplained_gap(report: Report):
    def shift(events: list[EventLog]) -> list[EventLog]:
        out = []
        for e in events:
            if e.name == "RevenueSources" and e.args["disbursementId"] == 0:  # 1 wei moved between vaults
                args = {
                    **e.args,
                    "sequencerFees": e.args["sequencerFees"] - 1,
                    "baseFees": e.args["baseFees"] + 1,
                }
                e = replace(e, args=args)
            out.append(e)
        return out

    tampered = _tampered(report, shift)
    assert [f.what for f in tampered.analysis.unexplained] == [
        f"RevenueSources: SequencerFeeVault figure {3 * ETHER - 1} but it paid {3 * ETHER} "
        "since the previous disbursement",
        f"RevenueSources: BaseFeeVault figure {ETHER + 1} but it paid {ETHER} "
        "since the previous disbursement",
    ]

    # Revenue is classified by the vault that paid it: a vault's withdrawal counted as another
    # inflow is a gap (#14 item 1).
    def counted_as_other(events: list[EventLog]) -> list[EventLog]:
        return [
            replace(e, args={**e.args, "sequencerFees": 0, "otherInflows": e.args["sequencerFees"]})
            if e.name == "RevenueSources" and e.args["disbursementId"] == 0
            else e
            for e in events
        ]

    assert [f.what for f in _tampered(report, counted_as_other).analysis.unexplained] == [
        f"RevenueSources: SequencerFeeVault figure 0 but it paid {3 * ETHER} since the previous disbursement"
    ]
    missing = _tampered(report, _without("RevenueSources"))
    assert [f.what for f in missing.analysis.unexplained] == ["0 RevenueSources events for one disbursement"]


def test_a_vault_withdrawn_by_someone_else_before_the_disbursement_is_still_its_revenue(report: Report):
    """Someone calls `L1FeeVault.withdraw()` in an earlier transaction: the ETH is the L1FeeVault's,
    its figure and the L1 cost count it (#14 item 1). Moved to just after the previous
    disbursement, the withdrawal still belongs to the next one; moved before it, it does not."""

    def withdrawn_earlier(block: int, first_index: int):
        def change(events: list[EventLog]) -> list[EventLog]:
            l1_vault = report.history.splitters[0].vaults["l1_fee_vault"]
            second = next(e for e in events if e.name == "Disbursed" and e.args["disbursementId"] == 1)
            moved = [
                replace(e, block=block, log_index=first_index + e.log_index, tx_hash="0xe")
                if e.name == "Withdrawal" and e.address == l1_vault and e.tx_hash == second.tx_hash
                else e
                for e in events
            ]
            return sorted(moved, key=lambda e: e.position)

        return change

    events = report.history.splitters[0].events
    first = next(e for e in events if e.name == "Disbursed" and e.args["disbursementId"] == 0)
    earlier = _tampered(report, withdrawn_earlier(first.block, first.log_index + 100))
    assert earlier.ok, render_text(earlier)
    assert earlier.analysis.rows[1].l1_cost == 9500 * MILLI
    assert earlier.analysis.rows[1].sources.l1 == 9500 * MILLI
    too_early = _tampered(report, withdrawn_earlier(first.block - 1, 0))
    assert not too_early.ok
    assert "L1 cost differs from the L1FeeVault's withdrawals since the previous disbursement" in {
        f.what for f in too_early.analysis.unexplained
    }


@pytest.mark.parametrize("moved", [2760 * MILLI, 2760 * MILLI + 1])
def test_a_credit_moved_by_governance_is_reconciled_per_recipient(report: Report, scripted, moved: int):
    """`CreditMoved`: the old treasury's unclaimed credit now belongs to its successor; the total
    owed is unchanged (#14 item 1). Moving more than was credited is a gap."""
    old, successor = scripted["rejecting"], "0x" + "5e" * 20
    history = copy.deepcopy(report.history)
    splitter = history.splitters[0]
    last = splitter.events[-1]
    move = EventLog(
        "CreditMoved", last.address, last.block + 1, "0xmove", 0,
        {"asset": ETH, "from": old, "to": successor, "amount": moved},
    )  # fmt: skip
    splitter.events = [*splitter.events, move]
    splitter.closing.owed[(ETH, old)] = 2760 * MILLI - min(moved, 2760 * MILLI)
    splitter.closing.owed[(ETH, successor)] = moved
    result = Report.of(history)
    explained = [f for f in result.analysis.findings if f.what.startswith("credit of")]
    assert [(f.kind, f.amount) for f in explained] == [(EXPLAINED, moved)]
    if moved == 2760 * MILLI:
        assert result.ok, render_text(result)
        assert (PENDING, moved, f"credited to {successor}, not claimed yet") in {
            (f.kind, f.amount, f.what) for f in result.analysis.findings
        }
    else:
        assert not result.ok
        assert f"moved more of {old}'s credit than it had" in {f.what for f in result.analysis.unexplained}


def test_a_share_that_breaks_the_rule_is_an_unexplained_gap(report: Report):
    def overpay(events: list[EventLog]) -> list[EventLog]:
        out = []
        for e in events:
            if e.name == "Disbursed" and e.args["disbursementId"] == 0:
                e = replace(
                    e,
                    args={
                        **e.args,
                        "collectiveShare": e.args["collectiveShare"] + 1,
                        "chainShare": e.args["chainShare"] - 1,
                    },
                )
            out.append(e)
        return out

    tampered = _tampered(report, overpay)
    assert [f.what for f in tampered.analysis.unexplained] == ["Collective share differs from the rule"]


def test_terms_of_another_registry_do_not_count(report: Report):
    """Another registry's term change for the same chain id is not this splitter's terms (the
    report mixed every registry's events by chain id)."""
    history = copy.deepcopy(report.history)
    real = next(e for e in history.registry_events if e.name == "TermsScheduled")
    other = "0x" + "ab" * 20
    disbursed = next(e for e in history.splitters[0].events if e.name == "Disbursed")
    fake = replace(real, address=other, block=disbursed.block, log_index=0, args={**real.args, "grossBps": 1})
    history.registry_events = sorted([*history.registry_events, fake], key=lambda e: e.position)
    assert Report.of(history).ok


def test_the_untampered_report_has_no_unexplained_finding(report: Report):
    assert UNEXPLAINED not in _kinds(report)


def test_files_are_written_with_exact_figures(report: Report, tmp_path: Path):
    folder = tmp_path / "report"
    names = {p.name for p in write_report(report, folder)}
    assert {
        "summary.txt",
        "disbursements.csv",
        "periods-day.csv",
        "periods-week.csv",
        "periods-month.csv",
        "checks.csv",
        "findings.csv",
        "report.json",
        "revenue.png",
        "collective-share.png",
        "index.html",
    } == names
    with (folder / "disbursements.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["gross"]) for r in rows] == [6 * ETHER, 11 * ETHER, 3 * ETHER]
    assert [int(r["l1_fees"]) for r in rows] == [2 * ETHER, 9500 * MILLI, 1 * ETHER]
    assert [int(r["other_inflows"]) for r in rows] == [0, 500 * MILLI, 0]
    with (folder / periods_csv("week")).open() as handle:
        assert [int(r["collective"]) for r in csv.DictReader(handle)] == [875 * MILLI, 240 * MILLI]
    data = json.loads((folder / REPORT_JSON).read_text())
    assert data["ok"] is True
    assert data["disbursements"][1]["collective"] == str(275 * MILLI)  # exact wei, as a string
    for png in ("revenue.png", "collective-share.png"):
        assert (folder / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (folder / "index.html").read_text()
    # The charts are drawn in the page (plotly.js inlined); the PNGs are linked for documents.
    assert html.count('<div class="chart"') == 2 and "data:image/png;base64," not in html
    assert '<a href="revenue.png">' in html and '<a href="collective-share.png">' in html
    assert "every wei accounted for" in html and "Scripted Chain" in html
    assert "<script src" not in html and "<link" not in html  # nothing to fetch (the browser test checks)

    # Writing again replaces the report's files; a failure leaves the old ones.
    before = (folder / "index.html").read_text()
    with pytest.raises(ZeroDivisionError):
        write_report(_Broken(report), folder)
    assert (folder / "index.html").read_text() == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".report-")]  # no staging left


def test_writing_the_report_leaves_other_files_alone(report: Report, tmp_path: Path):
    """`--out docs` must not delete the user's files: only the report's own are replaced, and
    an earlier run's file that this run does not write is removed."""
    folder = tmp_path / "docs"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "draft.md").write_text("mine")
    (folder / "README.md").write_text("mine too")
    (folder / "index.html").write_text("an old page")
    write_report(report, folder)
    assert (folder / "README.md").read_text() == "mine too"
    assert (folder / "notes" / "draft.md").read_text() == "mine"
    assert "every wei accounted for" in (folder / "index.html").read_text()
    # An earlier run wrote charts; this one has none (no disbursement): they go, nothing else.
    (folder / ".revshare-report").write_text("revenue.png\nREADME.md\n../outside.txt\n")
    (tmp_path / "outside.txt").write_text("not in the folder")
    no_disbursement = _tampered(report, lambda events: [e for e in events if e.name != "Disbursed"])
    names = {p.name for p in write_report(no_disbursement, folder)}
    assert "revenue.png" not in names and not (folder / "revenue.png").exists()
    assert (folder / "collective-share.png").exists()  # not in the earlier run's list: kept
    assert (folder / "README.md").read_text() == "mine too"
    assert (tmp_path / "outside.txt").exists()


class _Broken(Report):
    def __init__(self, report: Report):
        super().__init__(report.history, report.analysis, report.period)

    def verdict(self) -> str:
        raise ZeroDivisionError


def test_ape_run_report_explains_bad_input(tmp_path: Path):
    missing = ape_run("report", "--records", str(tmp_path))
    assert missing.returncode == 2, missing.stdout + missing.stderr
    assert f"no deployment record at {tmp_path}/ethereum/local.json" in missing.stderr
    bad = ape_run("report", "--splitter", "8453=0x1234")
    assert bad.returncode == 2
    assert "--splitter '8453=0x1234': splitter address: '0x1234' is not an address" in bad.stderr
    for result in (missing, bad):
        assert "Traceback" not in result.stdout + result.stderr


def test_html_renders_in_headless_chromium(report: Report, tmp_path: Path):
    """The page in headless Chromium (`tests.browser`): the charts drawn by plotly.js from the page
    itself, the Collective's red bars on screen, every disbursement's transaction and the splitter
    linked to the explorer, and the PNGs linked for documents."""
    report.explorer = explorer_for(10)
    folder = tmp_path / "report"
    write_report(report, folder)
    with open_page(folder / "index.html", height=1600) as page:
        page.wait_for_selector("#collective-chart .main-svg")
        assert page.locator("#verdict").inner_text() == report.verdict()
        # Bars drawn: three disbursements on three days, one bar per period and trace.
        assert page.locator("#revenue-chart .bars .point").count() == 2 * len(report.periods())
        assert red_pixels(page.screenshot()) > 500
        links = page.eval_on_selector_all("#disbursements a", "els => els.map(e => e.href)")
        assert links == [f"https://optimistic.etherscan.io/tx/{row.tx_hash}" for row in report.analysis.rows]
        splitter = next(iter(report.analysis.chains.values())).splitter
        assert page.locator(f'a[href="https://optimistic.etherscan.io/address/{splitter}"]').count() == 1
        for png in ("revenue.png", "collective-share.png"):
            assert page.locator(f'a[href="{png}"]').count() == 1
            assert (folder / png).stat().st_size > 10_000
