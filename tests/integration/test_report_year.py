"""The transparency report over a scripted year (issue #22): three chains, 365 daily disbursements
each (one chain's Collective share sent to L1 through the message passer, one through the bridge;
two chains changing terms mid-year; L1-cost spikes that make the gross rule apply), read once.
Its monthly figures, year totals and in-flight L1 withdrawals equal the script's own books, which
come from the model, not from the chain.

The year runs on an anvil node of its own, started for the module and stopped after it, so ape's
node is never touched (nothing to restore) and the year can start on 1 January 2025: ape's node
runs with ``--steps-tracing``, under which the same year takes about 12 times as long and the node
grows to about 10 GB (see `tools.year_history.YearNode`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import eth_abi
import pytest
from eth_utils import keccak, to_checksum_address

from revshare.calendar import period_of
from revshare.chain.addresses import (
    ETH_ASSET,
    L2_CROSS_DOMAIN_MESSENGER,
    L2_TO_L1_MESSAGE_PASSER,
    ZERO_ADDRESS,
)
from revshare.chain.finality import FAILED, FINALIZED, IN_FLIGHT, OVERDUE, PROVEN, RELAY_FAILED
from revshare.chain.rpc import HttpJsonRpc
from revshare.demo.localnet import Method
from revshare.pages import MAX_DATE_TICKS
from revshare.report import L1Source, Report, build_report, render_text, write_report
from revshare.report.analysis import OVERDUE_KIND, PENDING, UNEXPLAINED
from revshare.report.withdrawals import FAILURES
from revshare.terminal import format_eth
from tests.browser import boxes, open_page, overlapping, red_pixels
from tools.year_history import L1_MESSENGER, START_2025, MonthBook, YearHistory, YearNode, script_year

CHAINS, DAYS, SEED = 3, 365, 22
HOUR = 3_600


@pytest.fixture(scope="module")
def year() -> Iterator[tuple[YearHistory, Report]]:
    with YearNode(START_2025) as node:
        history = script_year(node.uri, chains=CHAINS, days=DAYS, seed=SEED, start=START_2025)
        report = build_report(
            history.targets, network="test", from_block=history.first_block, request=HttpJsonRpc(node.uri)
        )
        yield history, report


def _figures(book: MonthBook) -> tuple[int, int, int, int, int]:
    return book.disbursements, book.gross, book.l1_cost, book.collective, book.chain


def test_the_script_covers_what_it_claims(year):
    history, report = year
    assert [p.route for p in history.plans] == ["l2", "message_passer", "bridge"]
    assert history.l1_withdrawals == 2 * DAYS  # one a day on each L1 route
    assert len(report.analysis.rows) == CHAINS * DAYS
    rules = Counter((r.chain_id, r.rule) for r in report.analysis.rows)
    terms = {(r.chain_id, r.gross_bps, r.net_bps) for r in report.analysis.rows}
    for plan in history.plans:
        assert rules[(plan.chain_id, "net")] > rules[(plan.chain_id, "gross")] > 0, plan
        expected = {plan.terms} | ({plan.new_terms} if plan.new_terms else set())
        assert {(g, n) for c, g, n in terms if c == plan.chain_id} == expected, plan
    assert sum(p.new_terms is not None for p in history.plans) == 2


def test_every_month_equals_the_books(year):
    history, report = year
    months = report.periods("month")
    assert {row.asset for row in months} == {ETH_ASSET}
    assert {row.chain_id: row.chain_name for row in months} == {p.chain_id: p.name for p in history.plans}
    reported = {
        (row.chain_id, row.period): (row.disbursements, row.gross, row.l1_cost, row.collective, row.chain)
        for row in months
    }
    books = {
        (chain_id, month): _figures(book)
        for chain_id, by_month in history.books.items()
        for month, book in by_month.items()
    }
    assert reported == books
    # 2025, from 1 January to 31 December: twelve months a chain.
    assert {month for _, month in reported} == {f"2025-{m:02d}" for m in range(1, 13)}
    assert Counter(chain_id for chain_id, _ in reported) == {p.chain_id: 12 for p in history.plans}


def test_the_year_totals_equal_the_books(year):
    history, report = year
    for plan in history.plans:
        rows = [r for r in report.analysis.rows if r.chain_id == plan.chain_id]
        total = history.chain_total(plan.chain_id)
        assert _figures(total) == (
            len(rows),
            sum(r.gross for r in rows),
            sum(r.l1_cost for r in rows),
            sum(r.collective for r in rows),
            sum(r.chain for r in rows),
        )
        assert total.disbursements == DAYS and total.collective + total.chain == total.gross
        last = [row for row in report.periods("month") if row.chain_id == plan.chain_id][-1]
        assert (last.cumulative_gross, last.cumulative_collective) == (total.gross, total.collective)
    assert history.total().gross == sum(r.gross for r in report.analysis.rows)


def test_every_wei_is_accounted_for(year):
    _, report = year
    assert report.ok, render_text(report)
    assert all(check.ok for check in report.analysis.checks)
    assert not report.analysis.unexplained


def test_every_l1_withdrawal_is_in_flight(year):
    history, report = year
    in_flight = [f for f in report.analysis.findings if f.kind == PENDING and "in flight to" in f.what]
    assert len(in_flight) == history.l1_withdrawals
    assert sum(f.amount for f in in_flight) == history.l1_withdrawn
    assert Counter(f.chain_id for f in in_flight) == {
        p.chain_id: DAYS for p in history.plans if p.route != "l2"
    }


# ---------------------------------------------------------------- L1 finality over the year
PROOF_DELAY = 2 * 86_400  # the portal model's proof maturity delay (the grace is as long)


@pytest.fixture(scope="module")
def finality_year(project) -> Iterator[tuple[YearHistory, Report, dict[str, list[Started]]]]:
    """The same year on a node of its own that also plays L1: `PortalEventsModel` (the test-only
    model of the OptimismPortal2's withdrawal events) proves every withdrawal started January to
    October an hour after the year's last day, finalizes January to September once the delay has
    passed (1 October's message-passer withdrawal with a failed call), and leaves November and
    December unproven. Withdrawals by route, read straight from the message passer's logs."""
    with YearNode(START_2025) as node:
        history = script_year(node.uri, chains=CHAINS, days=DAYS, seed=SEED, start=START_2025)
        portal = node.deploy(project.PortalEventsModel.contract_type, PROOF_DELAY, 0)
        started = _message_passed(node, history)
        end = int(node.block()["timestamp"], 16)
        failed = started["message_passer"][273].hash  # 1 October (day 274 of 2025)

        def in_blocks_at(timestamp: int, calls: list[tuple[str, list[object]]], to: str = portal) -> None:
            """The calls as transactions mined from ``timestamp`` on, a second a block, every one
            checked."""
            node.request("evm_setAutomine", [False])
            sender = node.accounts()[0]
            hashes = [
                node.request("eth_sendTransaction", [{"from": sender, "to": to, "gas": hex(200_000),
                                                      "data": Method.of(method).encode(args)}])
                for method, args in calls
            ]  # fmt: skip
            while node.request("eth_getBlockByNumber", ["pending", False])["transactions"]:
                node.mine(timestamp)
                timestamp += 1
            node.request("evm_setAutomine", [True])
            statuses = {node.request("eth_getTransactionReceipt", [h])["status"] for h in hashes}
            assert statuses == {"0x1"}, statuses

        everything = started["message_passer"] + started["bridge"]
        prove = "proveWithdrawalHash(bytes32,address,address)"
        in_blocks_at(end + HOUR, [(prove, [bytes.fromhex(w.hash[2:]), ZERO_ADDRESS, ZERO_ADDRESS])
                                  for w in everything if w.month <= "2025-10"])  # fmt: skip
        finalize = "finalizeWithdrawalHash(bytes32,bool)"
        final = [w for w in everything if w.month <= "2025-09" or w.hash == failed]
        in_blocks_at(end + 2 * HOUR + PROOF_DELAY, [(finalize, [bytes.fromhex(w.hash[2:]), w.hash != failed])
                                                     for w in final])  # fmt: skip
        # The bridge route's messages, relayed by the L1 messenger (the model's code at the
        # withdrawals' target): every one reaches its recipient but 1 September's.
        node.set_code(L1_MESSENGER, node.runtime_code(project.MessengerEventsModel.contract_type))
        relay = "relay(bytes32,bool)"
        bridged = [w for w in started["bridge"] if w.month <= "2025-09"]
        stuck = started["bridge"][243].message  # 1 September (day 244)
        relays = [(relay, [bytes.fromhex(w.message[2:]), w.message != stuck]) for w in bridged]
        in_blocks_at(end + 2 * HOUR + PROOF_DELAY + len(final), relays, to=L1_MESSENGER)
        node.mine(end + 3 * HOUR + PROOF_DELAY)  # "now": no October proof overdue yet
        request = HttpJsonRpc(node.uri)
        l1 = L1Source(request, portal)
        report = build_report(
            history.targets, network="test", from_block=history.first_block, request=request, l1=l1
        )
        yield history, report, started


@dataclass(frozen=True)
class Started:
    """A withdrawal as the message passer recorded it."""

    month: str
    amount: int
    hash: str
    sender: str
    message: str  # keccak of the data the message passer carried (the L1 messenger's message hash)


def _message_passed(node: YearNode, history: YearHistory) -> dict[str, list[Started]]:
    """Every withdrawal the message passer recorded over the year, oldest first, by route
    ("message_passer": sent by a splitter itself; "bridge": by the L2CrossDomainMessenger)."""
    topic = "0x" + keccak(text="MessagePassed(uint256,address,address,uint256,uint256,bytes,bytes32)").hex()
    query = {"address": L2_TO_L1_MESSAGE_PASSER, "topics": [topic], "fromBlock": hex(history.first_block)}
    out: dict[str, list[Started]] = {"message_passer": [], "bridge": []}
    for log in node.request("eth_getLogs", [query]):
        sender = to_checksum_address("0x" + log["topics"][2][-40:])
        words = bytes.fromhex(log["data"][2:])
        value, hash_ = int.from_bytes(words[:32], "big"), "0x" + words[96:128].hex()
        (offset,) = eth_abi.decode(["uint256"], words[64:96])
        length = int.from_bytes(words[offset : offset + 32], "big")
        message = "0x" + keccak(words[offset + 32 : offset + 32 + length]).hex()
        when = int(node.block(int(log["blockNumber"], 16))["timestamp"], 16)
        route = "bridge" if sender == L2_CROSS_DOMAIN_MESSENGER else "message_passer"
        out[route].append(Started(period_of(when, "month"), value, hash_, sender, message))
    return out


def test_every_l1_withdrawal_has_its_l1_state(finality_year):
    _, report, started = finality_year
    assert {route: len(ws) for route, ws in started.items()} == {"message_passer": DAYS, "bridge": DAYS}
    assert report.finality is not None
    states = {item.withdrawal.withdrawal_hash: item.state for item in report.finality.items}
    failed = started["message_passer"][273].hash
    stuck = started["bridge"][243].hash  # finalized by the portal; the messenger's relay failed
    last_two = {w.hash for w in (*started["message_passer"][-2:], *started["bridge"][-2:])}
    expected = {}
    for w in started["message_passer"] + started["bridge"]:
        if w.hash in (failed, stuck):
            expected[w.hash] = FAILED
        elif w.month <= "2025-09":
            expected[w.hash] = FINALIZED
        elif w.month == "2025-10":
            expected[w.hash] = PROVEN
        elif w.hash in last_two:
            expected[w.hash] = IN_FLIGHT  # 30 and 31 December: not yet two delays old
        else:
            expected[w.hash] = OVERDUE
    assert states == expected
    # January to September: 273 days a route, finalized but 1 September's bridge withdrawal (its
    # relay failed); October's 62 proven but 1 October's message-passer one (the portal's call
    # failed); November and 1-29 December (59 days a route) overdue; 30-31 December in flight.
    assert report.finality.counts() == {IN_FLIGHT: 4, PROVEN: 61, FINALIZED: 545, FAILED: 2, OVERDUE: 118}


def test_finality_findings_are_grouped_and_counted_exactly(finality_year):
    history, report, started = finality_year
    by_hash = {w.hash: w for ws in started.values() for w in ws}
    on_l1 = [g for g in report.groups() if "on L1" in g.first.what]
    summary = {}
    for g in on_l1:
        stage = g.first.what.split(": ", 1)[1]
        summary[(g.kind, g.first.chain_id, stage)] = (g.count, g.total)
    plans = {p.route: p.chain_id for p in history.plans}
    items = {item.withdrawal.withdrawal_hash: item for item in report.finality.items}

    def total(route: str, state: str) -> tuple[int, int]:
        mine = [w for w in started[route] if items[w.hash].state == state]
        return len(mine), sum(w.amount for w in mine)

    assert summary == {
        (UNEXPLAINED, plans["message_passer"], FAILURES[""]): total("message_passer", FAILED),
        (UNEXPLAINED, plans["bridge"], FAILURES[RELAY_FAILED]): total("bridge", FAILED),
        **{
            (kind, plans[route], stage): total(route, state)
            for route in ("message_passer", "bridge")
            for kind, stage, state in (
                (PENDING, "proven on L1, not finalized yet", PROVEN),
                (PENDING, "not proven on L1 yet", IN_FLIGHT),
                (OVERDUE_KIND, "not proven on L1, long past the challenge period", OVERDUE),
            )
        },
    }
    assert sum(count for count, _ in summary.values()) == len(by_hash) - 545  # the finalized need nothing
    text = render_text(report)
    assert "L1 finality of 730 withdrawals" in text
    assert "4 in flight, 61 proven, 545 finalized, 2 failed, 118 overdue" in text
    assert len(text.splitlines()) < 250, len(text.splitlines())  # a year on three chains, weekly


def test_the_year_page_reads_in_a_browser(finality_year, tmp_path):
    """The year's page in headless Chromium (`tests.browser`): under 2 MB with plotly.js inlined,
    nothing fetched; each chart drawn on a date axis whose tick labels are few and do not overlap;
    the chain selector, hover, the paged table's filter, sort and pages, and a findings group's
    items a click away all work."""
    history, report, _ = finality_year
    write_report(report, tmp_path)
    page_bytes = (tmp_path / "index.html").stat().st_size
    assert page_bytes < 2_000_000, page_bytes
    weeks = {
        p.chain_id: len([r for r in report.periods() if r.chain_id == p.chain_id]) for p in history.plans
    }
    assert report.period == "week" and set(weeks.values()) == {53}  # 2025-W01 .. 2026-W01
    with open_page(tmp_path / "index.html", width=1280, height=1000) as page:
        page.wait_for_selector("#collective-chart .main-svg")
        for chart in ("#revenue-chart", "#collective-chart"):
            ticks = boxes(page, f"{chart} .xtick text")
            assert 3 <= len(ticks) <= MAX_DATE_TICKS, ticks
            assert not overlapping(ticks), ticks
            assert not overlapping(boxes(page, f"{chart} .ytick text"))
        # Only the first chain's two bar traces are drawn: one bar a week each.
        assert page.locator("#revenue-chart .bars .point").count() == 2 * 53
        title = page.locator("#revenue-chart .gtitle")
        assert history.plans[0].name in title.text_content()
        # The chain selector: every chain listed; choosing the second redraws with its bars.
        page.locator("#revenue-chart .updatemenu-header-group").click()
        options = page.locator("#revenue-chart .updatemenu-dropdown-button .updatemenu-item-text")
        assert [options.nth(i).text_content() for i in range(options.count())] == [
            f"{p.name} ({p.chain_id})" for p in history.plans
        ]
        options.nth(1).click()
        second = history.plans[1].name
        page.wait_for_function(
            f"document.querySelector('#revenue-chart .gtitle').textContent.includes('{second}')"
        )
        assert page.locator("#revenue-chart .bars .point").count() == 2 * 53
        # Hover: the amount and the week.
        page.locator("#collective-chart").scroll_into_view_if_needed()
        plot = page.locator("#collective-chart .nsewdrag").first.bounding_box()
        page.mouse.move(plot["x"] + plot["width"] / 2, plot["y"] + plot["height"] / 2)
        hover = "document.querySelector('#collective-chart .hoverlayer').textContent"
        page.wait_for_function(f"{hover}.includes('ETH (2025-W')")
        assert " ETH (2025-W" in page.locator("#collective-chart .hoverlayer").text_content()
        # The disbursements: 25 rows a page of 1,095; filtered to one chain, sorted, paged.
        table = page.locator("#disbursements")
        status = table.locator(".status")
        assert status.inner_text() == "rows 1 to 25 of 1,095, page 1 of 44"
        assert table.locator("tbody tr").count() == 25
        table.locator("input").fill(str(history.plans[1].chain_id))
        assert status.inner_text() == "rows 1 to 25 of 365 (filtered from 1,095), page 1 of 15"
        gross = table.locator("th", has_text="gross").first
        gross.click()
        gross.click()  # descending
        top = max(r.gross for r in report.analysis.rows if r.chain_id == history.plans[1].chain_id)
        assert table.locator("tbody tr").first.locator("td").nth(5).inner_text() == format_eth(top)
        table.locator("button", has_text="next").click()
        assert status.inner_text().startswith("rows 26 to 50 of 365")
        # A findings group: collapsed, its items a click away.
        group = page.locator("details.group").first
        assert not group.locator(".data-table").is_visible()
        group.locator("summary").click()
        assert group.locator(".data-table tbody tr").count() == 25
        assert page.locator("#l1-withdrawals .status").inner_text().endswith("of 730, page 1 of 30")
        page.locator("#revenue-chart").scroll_into_view_if_needed()
        shot = page.screenshot(full_page=False)
        (tmp_path / "year-page.png").write_bytes(shot)
    assert red_pixels(shot) > 1_000  # the Collective's bars are on screen
