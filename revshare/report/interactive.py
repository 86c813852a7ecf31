"""The report's interactive charts (plotly, drawn in the page by `revshare.pages`): the figures of
`revshare.report.charts` on a real date axis, with zoom, amounts on hover and, when there are
several chains, a selector showing one chain at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from revshare.calendar import DAY, period_days, period_middle
from revshare.chain.addresses import ETH_ASSET
from revshare.chain.shared import SharedEpoch
from revshare.pages import Chart, date_layout, selector
from revshare.report.charts import epoch_span
from revshare.report.document import Report
from revshare.report.periods import PeriodRow
from revshare.terminal import WEI_PER_ETH, short_address

MS_PER_DAY = DAY * 1000
# What hovering a point shows: its amount to the report's 6 decimals, and its period (or epoch).
HOVER = "%{y:,.6f} ETH (%{customdata})"
COLORS = {"collective": "#ff0420", "chain": "#9bb7d4", "l1": "#333333", "net": "#2a9d4b", "gross": "#1f4e9c"}


def plain(text: str) -> str:
    """Text plotly shows as it is: it reads tags in titles and labels (a chain's name could hold a
    link), so angle brackets become look-alikes."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def _x(when: datetime) -> str:
    """A date axis position as plotly reads it, short: ``2025-01-08 12:00``."""
    return when.strftime("%Y-%m-%d %H:%M")


def _widths(days: list[float]) -> float | list[float]:
    """Bar widths in milliseconds (0.8 of each period), one number when all are the same."""
    widths = [0.8 * d * MS_PER_DAY for d in days]
    return widths[0] if len(set(widths)) == 1 else widths


def _points(report: Report, rows: list[PeriodRow], field: str) -> dict[str, Any]:
    """x (each period's middle), y (ETH to the report's 6 decimals) and the period for the hover."""
    return {
        "x": [_x(period_middle(r.period, report.period)) for r in rows],
        "y": [round(getattr(r, field) / WEI_PER_ETH, 6) for r in rows],
        "customdata": [r.period for r in rows],
        "hovertemplate": HOVER,
    }


def _bar(report: Report, rows: list[PeriodRow], field: str, name: str, color: str) -> dict[str, Any]:
    width = _widths([period_days(r.period, report.period) for r in rows])
    return {
        "type": "bar",
        "name": name,
        "marker": {"color": color},
        "width": width,
        **_points(report, rows, field),
    }


def _line(
    report: Report, rows: list[PeriodRow], field: str, name: str, color: str, **extra: Any
) -> dict[str, Any]:
    mode = "lines" if len(rows) > 40 else "lines+markers"
    return {
        "type": "scatter",
        "mode": mode,
        "name": name,
        "line": {"color": color},
        **_points(report, rows, field),
        **extra,
    }


def _by_chain(report: Report) -> dict[int, list[PeriodRow]]:
    chains: dict[int, list[PeriodRow]] = {}
    for row in report.periods():
        if row.asset == ETH_ASSET:
            chains.setdefault(row.chain_id, []).append(row)
    return dict(sorted(chains.items()))


def _per_chain(element_id: str, report: Report, chains: dict[int, list[PeriodRow]], what: str,
               traces_of: Any, **layout: Any) -> Chart:  # fmt: skip
    """One chart with each chain's traces; a selector shows one chain at a time (the first first)."""
    traces: list[dict[str, Any]] = []
    counts, labels, titles = [], [], []
    for index, (chain_id, rows) in enumerate(chains.items()):
        mine = traces_of(rows)
        for trace in mine:
            trace["visible"] = index == 0
            trace["legendgroup"] = str(chain_id)
        traces += mine
        counts.append(len(mine))
        labels.append(plain(f"{rows[0].chain_name or 'chain'} ({chain_id})"))
        titles.append(f"{labels[-1]}, per {report.period}: {what}")
    extra: dict[str, Any] = dict(layout)
    if len(chains) > 1:
        extra["updatemenus"] = [selector(labels, counts, titles)]
    return Chart(element_id, traces, date_layout(titles[0], **extra))


def revenue_chart(report: Report, chains: dict[int, list[PeriodRow]]) -> Chart:
    def traces(rows: list[PeriodRow]) -> list[dict[str, Any]]:
        return [
            _bar(report, rows, "collective", "Collective share", COLORS["collective"]),
            _bar(report, rows, "chain", "chain share", COLORS["chain"]),
            _line(report, rows, "l1_cost", "L1 cost", COLORS["l1"]),
            _line(report, rows, "net", "net revenue", COLORS["net"]),
        ]

    return _per_chain("revenue-chart", report, chains, "gross revenue = Collective + chain share", traces)


def collective_chart(report: Report, chains: dict[int, list[PeriodRow]]) -> Chart:
    def traces(rows: list[PeriodRow]) -> list[dict[str, Any]]:
        return [
            _bar(report, rows, "collective", "Collective share paid", COLORS["collective"]),
            _line(report, rows, "by_gross", "gross rule alone", COLORS["gross"]),
            _line(report, rows, "by_net", "net rule alone", COLORS["net"]),
            _line(report, rows, "cumulative_collective", "Collective, running total (right axis)", "#7a0010",
                  yaxis="y2", line={"color": "#7a0010", "dash": "dash"}),
        ]  # fmt: skip

    right = {
        "title": {"text": "ETH, running total"},
        "overlaying": "y",
        "side": "right",
        "rangemode": "tozero",
    }
    return _per_chain(
        "collective-chart",
        report,
        chains,
        "Collective share = the greater of the two rules",
        traces,
        yaxis2=right,
    )


def shared_chart(index: int, address: str, epochs: list[SharedEpoch]) -> Chart:
    """A shared splitter's ETH epochs at their windows: operator fee, Collective and chains stacked."""
    epoch0 = datetime(1970, 1, 1, tzinfo=timezone.utc)
    spans = [epoch_span(e) for e in epochs]
    x = [_x(epoch0 + timedelta(days=middle)) for middle, _ in spans]
    width = _widths([length for _, length in spans])
    traces = []
    for part, color, name in (
        ("operator_fee", "#333333", "operator fee"),
        ("collective_share", COLORS["collective"], "Collective share"),
        ("chain_share", COLORS["chain"], "chains' share"),
    ):
        values = [sum(getattr(c, part) for c in e.settled) for e in epochs]
        traces.append({
            "type": "bar", "name": name, "marker": {"color": color}, "x": x, "width": width,
            "y": [round(v / WEI_PER_ETH, 6) for v in values],
            "customdata": [f"epoch {e.epoch}, {e.status}" for e in epochs], "hovertemplate": HOVER,
        })  # fmt: skip
    title = plain(
        f"shared splitter {short_address(address)}: epoch gross = operator fee + Collective + chains"
    )
    return Chart(f"shared-chart-{index}", traces, date_layout(title))


def report_charts(report: Report) -> list[Chart]:
    """The page's charts: the chains' two when there is an ETH disbursement, one per shared
    splitter with an ETH epoch."""
    charts = []
    chains = _by_chain(report)
    if chains:
        charts += [revenue_chart(report, chains), collective_chart(report, chains)]
    for index, summary in enumerate(report.analysis.shared):
        epochs = [e for e in summary.epochs if e.asset == ETH_ASSET]
        if epochs:
            charts.append(shared_chart(index, summary.address, epochs))
    return charts
