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

import pytest

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.rpc import HttpJsonRpc
from revshare.report import Report, build_report, render_text
from revshare.report.analysis import PENDING
from tools.year_history import START_2025, MonthBook, YearHistory, YearNode, script_year

CHAINS, DAYS, SEED = 3, 365, 22


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
