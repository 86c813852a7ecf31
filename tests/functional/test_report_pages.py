"""The pieces of the report's outputs that need no chain: the page kit's JSON stays JSON and
inert whatever text it carries, findings group without hiding anything, a splitter named twice is
refused, the period is chosen from the range, and names reach the charts as plain text."""

from __future__ import annotations

import io
import json
import re

import pytest

from revshare.calendar import AUTO, choose_period, period_days, period_middle, period_of, resolve_period
from revshare.chain.addresses import ETH_ASSET
from revshare.pages import data_table, json_script, link
from revshare.report.analysis import EXPLAINED, OVERDUE_KIND, PENDING, UNEXPLAINED, Finding
from revshare.report.document import group_findings
from revshare.report.interactive import plain
from revshare.report.targets import TargetError, Targets, parse_shared, parse_splitter

DAY = 86_400
HOSTILE = '</script><script>alert(1)</script><!-- "quoted" & \\ \u2028'


def _script_text(html: str) -> str:
    match = re.fullmatch(r'<script type="application/json" id="[^"]*">(.*)</script>', html, re.S)
    assert match, html
    return match.group(1)


def test_json_in_the_page_cannot_end_its_element_and_stays_json():
    html = json_script("x", {"name": HOSTILE, "rows": [[HOSTILE, link("https://e.example/<!--", HOSTILE)]]})
    text = _script_text(html)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {
        "name": HOSTILE,
        "rows": [[HOSTILE, {"t": HOSTILE, "h": "https://e.example/<!--"}]],
    }


def test_a_data_table_says_where_its_rows_are_without_script():
    html = data_table("t", ["a"], [["1"], ["2"]], file="rows.csv")
    assert (
        "<noscript><p>2 rows: this table needs JavaScript. The rows are in rows.csv beside this page." in html
    )


def _finding(kind: str, amount: int, where: str, what: str = "payout credited", chain: int = 10) -> Finding:
    return Finding(kind, chain, ETH_ASSET, amount, what, where)


def test_findings_group_by_kind_place_asset_and_words_most_serious_first():
    findings = [
        _finding(PENDING, 1, "block 1"),
        _finding(EXPLAINED, 5, "block 2", "sent outside"),
        _finding(PENDING, 2, "block 3"),
        _finding(PENDING, 4, "block 4", chain=8453),  # another chain: its own group
        Finding(PENDING, 10, "0x" + "12" * 20, 8, "payout credited", "block 5"),  # another asset
        _finding(OVERDUE_KIND, 3, "block 6", "late"),
        _finding(UNEXPLAINED, 7, "block 7", "gap"),
    ]
    groups = group_findings(findings)
    assert [(g.kind, g.count, g.total) for g in groups] == [
        (UNEXPLAINED, 1, 7), (OVERDUE_KIND, 1, 3), (EXPLAINED, 1, 5), (PENDING, 2, 3), (PENDING, 1, 4),
        (PENDING, 1, 8),
    ]  # fmt: skip
    assert sum(g.count for g in groups) == len(findings)
    pair = groups[3]
    assert pair.summary() == (
        "chain 10: 2 findings, 0.000000 ETH in all: payout credited (oldest block 1, newest block 3)"
    )


def test_a_group_of_gaps_of_both_signs_does_not_read_as_nothing():
    gaps = group_findings(
        [_finding(UNEXPLAINED, 10**18, "block 1", "off"), _finding(UNEXPLAINED, -(10**18), "block 2", "off")]
    )
    (group,) = gaps
    assert group.total == 0
    assert "2.000000 ETH in all by size, net 0.000000" in group.summary()


def test_a_splitter_named_twice_is_refused():
    one = parse_splitter(f"10=0x{'ab' * 20}")
    with pytest.raises(TargetError, match="named twice"):
        Targets([one, parse_splitter(f"8453=0x{'AB' * 20}@5")])
    with pytest.raises(TargetError, match="named twice"):
        Targets([one], [parse_shared(f"0x{'ab' * 20}")])


@pytest.mark.parametrize(
    ("days", "period"),
    [
        (0, "day"),
        (62, "day"),
        (62 + 1 / DAY, "week"),
        (731, "week"),
        (731 + 1 / DAY, "month"),
        (3000, "month"),
    ],
)
def test_the_period_follows_the_range(days: float, period: str):
    assert choose_period(1_700_000_000, 1_700_000_000 + int(days * DAY)) == period
    assert resolve_period(AUTO, 1_700_000_000, 1_700_000_000 + int(days * DAY)) == period
    assert resolve_period("month", 0, 10) == "month"
    with pytest.raises(ValueError, match="period must be one of auto, day, week, month"):
        resolve_period("year", 0, 10)


def test_bars_sit_in_their_periods():
    """Each period's middle lies inside it and its width is its length (ISO week 53, February)."""
    for label, period, days in (("2026-W53", "week", 7), ("2024-02", "month", 29), ("2025-02", "month", 28)):
        middle = period_middle(label, period)
        assert period_of(int(middle.timestamp()), period) == label and period_days(label, period) == days


def test_names_reach_plotly_and_matplotlib_as_plain_text():
    assert "<" not in plain('<a href="https://evil.example/">Official</a>')
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from revshare.report.charts import _finish

    fig, ax = plt.subplots()
    _finish(ax, "Chain $\\foo$ (10)")  # matplotlib's maths would refuse \foo
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
