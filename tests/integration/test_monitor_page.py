"""The monitor at the scale of months (issue #22): the scripted Superchain of three chains over
seven months (as many days as keep this file near a minute), read once. Chain A's splitter
disburses daily while the config expects it every 12 hours (a missed interval a day), and a listed
sender tips the Collective's Safe on chain A every other day (a payment beyond anything owed each
time); chain C pays weekly by hand until it points its vaults at its treasury. Hundreds of
repeated findings must read as a few groups whose counts and totals are the run's own, the
terminal must stay short, and the page must work in a browser: a date axis with few ticks that do
not overlap, a chain selector, tables that filter, sort and page, groups whose items are a click
away, nothing fetched."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from revshare.calendar import DAY, utc_date
from revshare.demo.superchain import build_superchain, local_network, run_days
from revshare.monitor.config import parse_monitor_config
from revshare.monitor.groups import finding_amount, group_findings
from revshare.monitor.outputs import CHART_PNG, INDEX_HTML, TERMINAL_GROUPS, render_text
from revshare.monitor.result import MonitorResult
from revshare.monitor.run import run_monitor
from revshare.pages import MAX_DATE_TICKS, TABLE_PAGE_ROWS
from revshare.terminal import format_eth
from tests.browser import boxes, open_page, overlapping, red_pixels
from tests.monitor_checks import every_amount_read

CHAINS, DAYS, EXIT_DAY = 3, 210, 140
EXPECTED_INTERVAL = DAY // 2  # the config's interval for chain A: it disburses daily
TIP_EVERY = 2  # days between chain A's tips
TIP = 5 * 10**16  # 0.05 ETH and a day's worth of 10^12 wei: exact to six decimals


@dataclass
class Months:
    result: MonitorResult
    out: Path
    names: list[str]
    tips: list[int]
    chain_ids: dict[str, int]


@pytest.fixture(scope="module")
def months(tmp_path_factory) -> Iterator[Months]:
    out = tmp_path_factory.mktemp("monitor-months")
    tips: list[int] = []
    with local_network(CHAINS) as network:
        superchain = build_superchain(network, exit_day=EXIT_DAY)
        chain_a = superchain.chains[0].node
        tipper = chain_a.accounts()[9]

        def tip(day: int) -> None:
            if day % TIP_EVERY == 0:  # after the day's disbursement, the same UTC day
                chain_a.set_next_timestamp(int(chain_a.block()["timestamp"], 16) + 1)
                amount = TIP + day * 10**12
                chain_a.transfer(superchain.collective_l2, amount, sender=tipper)
                tips.append(amount)

        run_days(superchain, DAYS, after_day=tip)
        config = superchain.config()
        config["chains"][0].update(senders=[tipper], expected_interval=EXPECTED_INTERVAL)
        result = run_monitor(parse_monitor_config(config), out, period="auto")
        names = [c.name for c in superchain.chains]
        ids = {c.name: c.node.chain_id for c in superchain.chains}
    yield Months(result, out, names, tips, ids)


def test_the_period_is_chosen_from_the_range(months):
    result = months.result
    assert DAYS < result.span_days < DAYS + 5
    assert result.default_period() == result.chosen_period("auto") == "week"
    assert result.chosen_period("month") == "month"
    text = (months.out / "summary.txt").read_text()
    assert (
        "Owed and paid per week (chosen from the range; --period changes it), every chain together:" in text
    )
    weeks = {r.period for r in result.periods("week")}
    assert DAYS // 7 <= len(weeks) <= DAYS // 7 + 3
    with (months.out / "periods-week.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == len(result.periods("week"))


def test_hundreds_of_findings_read_as_a_few_groups_counted_exactly(months):
    result = months.result
    findings = result.findings
    assert every_amount_read(findings)
    by_kind = Counter((f.severity, f.chain, f.kind) for f in findings)
    # The script's facts: a missed interval between every two daily disbursements, a finding for
    # every tip (each brings what was paid further above what was owed).
    assert by_kind[("warning", "chain-a", "missed-interval")] == DAYS - 1
    assert by_kind[("warning", "chain-a", "unmatched-payment")] == len(months.tips) == (DAYS + 1) // 2
    assert by_kind[("warning", "chain-c", "recipient-moved")] == 4
    groups = result.groups()
    # One group per place, severity and kind here: the days' repeats, and the four vaults moved.
    assert Counter((g.severity, g.chain, g.kind) for g in groups) == dict.fromkeys(by_kind, 1)
    assert len(groups) == len(by_kind) < 10 and sum(g.count for g in groups) == len(findings) > 300
    assert [g.severity for g in groups] == sorted(
        (g.severity for g in groups), key=["error", "warning", "info"].index
    )
    for g in groups:
        mine = [f for f in findings if (f.severity, f.chain, f.kind) == (g.severity, g.chain, g.kind)]
        assert list(g.items) == sorted(mine, key=lambda f: f.timestamp)
    tips = next(g for g in groups if g.kind == "unmatched-payment")
    assert tips.total == sum(months.tips)  # the tips are exact to six decimals
    assert (
        tips.message == "a payment of … (manual, L2) brings what was paid … above everything owed up to then"
    )
    missed = next(g for g in groups if g.kind == "missed-interval")
    assert missed.total is None
    assert re.fullmatch(
        r"0x[0-9a-fA-F]{40} did not disburse for 1\.0 days after … \(1 interval\(s\) of 0\.5 days missed\)",
        missed.message,
    ), missed.message
    moved = next(g for g in groups if g.kind == "recipient-moved")
    assert (moved.count, moved.total) == (4, None)
    assert re.fullmatch(r"… now pays 0x\w{40} \(was 0x\w{40}\): off the revenue-share path, the way a chain "
                        "stops sharing", moved.message), moved.message  # fmt: skip
    owes = next(g for g in groups if g.kind == "outstanding")
    assert owes.count == 1 and owes.total == finding_amount(owes.first) > 0
    # The terminal: a line a group, most serious first, with the count, dates and total.
    text = render_text(result)
    section = text[text.index("Findings (") :].splitlines()
    assert section[0] == (
        f"Findings ({len(findings):,} in {len(groups)} groups, most serious first; each one in findings.csv "
        "and index.html):"
    )
    assert len(groups) < TERMINAL_GROUPS and section[1:] == [f"  {g.line()}" for g in groups]
    span = f"{utc_date(tips.first.timestamp)[:10]} to {utc_date(tips.last.timestamp)[:10]}"
    line = next(line for line in section if "a payment of" in line)
    total = format_eth(sum(months.tips))
    assert line.startswith(
        f"  [warning] chain-a: {len(months.tips)} findings, {span}, {total} ETH in all: a payment of … "
        "(manual, L2) brings what was paid … above everything owed up to then (oldest 0x"
    ), line
    # findings.csv: every finding with its group's number; monitor.json: the groups.
    with (months.out / "findings.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert Counter(int(r["group"]) for r in rows) == {i: g.count for i, g in enumerate(groups, 1)}
    data = json.loads((months.out / "monitor.json").read_text())
    assert [(g["kind"], g["count"], g["total"]) for g in data["finding_groups"]] == [
        (g.kind, g.count, None if g.total is None else str(g.total)) for g in groups
    ]
    assert group_findings(list(reversed(findings))) == groups  # the order found does not matter


def test_the_terminal_shows_the_weeks_and_the_groups_not_every_row(months):
    text = render_text(months.result)
    weeks = len(months.result.superchain_periods("week"))
    assert len(text.splitlines()) < weeks + 40, len(text.splitlines())
    assert "Each chain's rows per week: periods-week.csv and index.html." in text
    assert "chain-c" in text and "off the revenue-share path" in text
    daily = render_text(months.result, "day")  # every day: the first and last 30, and where the rest is
    assert "rows between not shown: all" in daily and "are in periods-day.csv and index.html" in daily


def test_the_page_reads_in_a_browser(months, tmp_path):
    """The page in headless Chromium: under 2 MB with plotly.js inlined, nothing fetched; the chart
    on a date axis with few ticks that do not overlap, its selector listing every chain and
    switching, hover; the payments table filtered, sorted and paged; a findings group opened."""
    result, page_path = months.result, months.out / INDEX_HTML
    html = page_path.read_text()
    assert len(html.encode()) < 2_000_000
    assert "<img" not in html and f'href="{CHART_PNG}"' in html  # the PNG linked for documents
    markup = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)  # plotly.js names URLs it never loads
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup)  # nothing to fetch
    groups = result.groups()
    weeks = {name: [r for r in result.periods("week") if r.chain == name] for name in months.names}
    with open_page(page_path, width=1280, height=1000) as page:
        chart = "#owed-paid-chart"
        page.wait_for_selector(f"{chart} .main-svg")
        ticks = boxes(page, f"{chart} .xtick text")
        assert 3 <= len(ticks) <= MAX_DATE_TICKS, ticks
        assert not overlapping(ticks), ticks
        assert not overlapping(boxes(page, f"{chart} .ytick text"))
        assert not overlapping(boxes(page, f"{chart} .y2tick text"))
        # Every chain together first: owed and paid a week each.
        superchain_weeks = len(result.superchain_periods("week"))
        assert page.locator(f"{chart} .bars .point").count() == 2 * superchain_weeks
        assert "Superchain (3 chains), per week" in page.locator(f"{chart} .gtitle").text_content()
        page.locator(f"{chart} .updatemenu-header-group").click()
        options = page.locator(f"{chart} .updatemenu-dropdown-button .updatemenu-item-text")
        labels = [options.nth(i).text_content() for i in range(options.count())]
        assert labels == ["Superchain (3 chains)"] + [f"{n} ({months.chain_ids[n]})" for n in months.names]
        options.nth(3).click()  # chain-c
        page.wait_for_function(f"document.querySelector('{chart} .gtitle').textContent.includes('chain-c')")
        assert page.locator(f"{chart} .bars .point").count() == 2 * len(weeks["chain-c"])
        plot = page.locator(f"{chart} .nsewdrag").first.bounding_box()
        page.mouse.move(plot["x"] + plot["width"] * 0.5, plot["y"] + plot["height"] / 2)
        hover = f"document.querySelector('{chart} .hoverlayer').textContent"
        page.wait_for_function(f"{hover}.includes(' ETH (20')")
        assert re.search(
            r"\d\.\d{6} ETH \(\d{4}-W\d{2}\)", page.locator(f"{chart} .hoverlayer").text_content()
        )
        shot = page.screenshot(full_page=False)
        (tmp_path / "monitor-months.png").write_bytes(shot)
        # The payments: every one, 25 a page; filtered to chain-c's manual payments, sorted, paged.
        payments = [p for x in result.ledgers for p in x.payments]
        table = page.locator("#payments")
        status = table.locator(".status")
        pages_all = -(-len(payments) // TABLE_PAGE_ROWS)
        assert status.inner_text() == f"rows 1 to 25 of {len(payments):,}, page 1 of {pages_all}"
        table.locator("input").fill("chain-a manual")
        tips = [p for p in payments if p.chain == "chain-a" and p.source == "manual"]
        assert len(tips) == len(months.tips)
        assert status.inner_text() == (
            f"rows 1 to 25 of {len(tips)} (filtered from {len(payments):,}), page 1 of {-(-len(tips) // 25)}"
        )
        amount = table.locator("th", has_text="amount")
        amount.click()
        amount.click()  # descending
        assert table.locator("tbody tr").first.locator("td").nth(4).inner_text() == format_eth(
            max(months.tips)
        )
        table.locator("button", has_text="next").click()
        assert status.inner_text().startswith(f"rows 26 to 50 of {len(tips)} ")
        # Findings: a line a group; a group's items a click away, paged.
        assert page.locator("#findings > li").count() == len(groups)
        index = next(i for i, g in enumerate(groups, 1) if g.kind == "missed-interval")
        group = page.locator(f"#group-{index}")
        summary = group.locator("summary")
        assert f"chain-a: {DAYS - 1} findings, " in summary.inner_text()
        assert not group.locator(".data-table").is_visible()
        summary.click()
        assert group.locator(".data-table tbody tr").count() == TABLE_PAGE_ROWS
        pages_missed = -(-(DAYS - 1) // TABLE_PAGE_ROWS)
        assert group.locator(".status").inner_text().endswith(f"of {DAYS - 1}, page 1 of {pages_missed}")
        periods = page.locator("#periods .status")
        rows = len(result.periods("week"))
        assert periods.inner_text().endswith(f"of {rows}, page 1 of {-(-rows // TABLE_PAGE_ROWS)}")
    assert red_pixels(shot) > 1_000  # the owed bars are on screen
