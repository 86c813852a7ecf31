"""PNG charts of the report (matplotlib, no display needed), for documents: ETH revenue and shares
per period on a date axis per chain, the Collective's share against what the gross and the net rule
alone would give with its running total, and each shared splitter's ETH epochs split into operator
fee, Collective share and chains' share. The HTML page draws the same figures interactively
(`revshare.report.interactive`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from revshare.calendar import DAY, period_days, period_middle
from revshare.chain.addresses import ETH_ASSET
from revshare.chain.shared import SharedEpoch
from revshare.pages import date_axis
from revshare.report.document import Report
from revshare.report.periods import PeriodRow
from revshare.terminal import WEI_PER_ETH, short_address

REVENUE_PNG = "revenue.png"
COLLECTIVE_PNG = "collective-share.png"
SHARED_PNG = "shared-epochs.png"


def _eth(wei: int) -> float:
    return wei / WEI_PER_ETH


def _by_chain(report: Report) -> dict[int, list[PeriodRow]]:
    chains: dict[int, list[PeriodRow]] = {}
    for row in report.periods():
        if row.asset == ETH_ASSET:
            chains.setdefault(row.chain_id, []).append(row)
    return chains


def _bps_label(report: Report, chain_id: int, which: str) -> str:
    values = {
        r.gross_bps if which == "gross" else r.net_bps for r in report.analysis.rows if r.chain_id == chain_id
    }
    if len(values) == 1:
        return f"{values.pop() / 100:g}% of {which}"
    return f"{which} rule (terms changed)"


# Past this many periods a line has no markers (they would merge into a wall).
MARKERS_UP_TO = 40


def _axis(report: Report, rows: list[PeriodRow]) -> tuple[list[Any], list[float], dict[str, Any]]:
    """Each period's middle as a date, its bar's width in days, and the lines' marker style."""
    x = [period_middle(r.period, report.period) for r in rows]
    width = [0.8 * period_days(r.period, report.period) for r in rows]
    return x, width, {} if len(rows) > MARKERS_UP_TO else {"marker": "o", "markersize": 4}


def _draw_revenue(ax: Any, report: Report, chain_id: int, rows: list[PeriodRow]) -> str:
    x, width, marks = _axis(report, rows)
    collective = [_eth(r.collective) for r in rows]
    ax.bar(x, collective, width=width, color="#ff0420", label="Collective share")
    ax.bar(
        x, [_eth(r.chain) for r in rows], width=width, bottom=collective, color="#9bb7d4", label="chain share"
    )
    ax.plot(x, [_eth(r.l1_cost) for r in rows], color="#333333", label="L1 cost", **marks)
    ax.plot(x, [_eth(r.net) for r in rows], color="#2a9d4b", label="net revenue", **marks)
    return "gross revenue = Collective + chain share"


def _draw_collective(ax: Any, report: Report, chain_id: int, rows: list[PeriodRow]) -> str:
    x, width, marks = _axis(report, rows)
    ax.bar(
        x,
        [_eth(r.collective) for r in rows],
        width=width,
        color="#ff0420",
        alpha=0.8,
        label="Collective share paid",
    )
    gross_label, net_label = _bps_label(report, chain_id, "gross"), _bps_label(report, chain_id, "net")
    ax.plot(x, [_eth(r.by_gross) for r in rows], color="#1f4e9c", label=gross_label, **marks)
    ax.plot(x, [_eth(r.by_net) for r in rows], color="#2a9d4b", label=net_label, **marks)
    total = ax.twinx()
    total.plot(x, [_eth(r.cumulative_collective) for r in rows], color="#7a0010", linestyle="--",
               label="Collective, running total (right axis)")  # fmt: skip
    total.set_ylabel("ETH, running total")
    total.set_ylim(bottom=0)
    total.legend(loc="upper right", fontsize="small")
    return "Collective share = the greater of the two rules"


Draw = Callable[[Any, Report, int, list[PeriodRow]], str]


def _panels(count: int) -> tuple[Any, list[Any]]:
    """A figure of `count` panels, one above the other."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(count, 1, figsize=(10, 3.6 * count), squeeze=False)
    return fig, list(axes[:, 0])


def _finish(ax: Any, title: str) -> None:
    ax.set_ylabel("ETH")
    ax.set_title(title.replace("$", r"\$"))  # a name's $ would start matplotlib's maths
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(axis="y", alpha=0.3)


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _chart(report: Report, chains: dict[int, list[PeriodRow]], path: Path, draw: Draw) -> Path:
    """One panel per chain, dates along the x axis; `draw` plots a panel and names it."""
    fig, axes = _panels(len(chains))
    for ax, (chain_id, rows) in zip(axes, sorted(chains.items()), strict=True):
        title = draw(ax, report, chain_id, rows)
        date_axis(ax)
        _finish(ax, f"{rows[0].chain_name or 'chain'} ({chain_id}), per {report.period}: {title}")
    return _save(fig, path)


def epoch_span(epoch: SharedEpoch) -> tuple[float, float]:
    """Where an epoch's bar sits on a date axis: its window's middle and length, in days since
    the epoch (1970); a first window with no start is drawn one day long."""
    start = epoch.window_start or epoch.window_end - DAY
    return (start + epoch.window_end) / 2 / DAY, (epoch.window_end - start) / DAY


def _shared_chart(panels: dict[str, list[SharedEpoch]], path: Path) -> Path:
    """One panel per shared splitter, its ETH epochs at their windows on a date axis: what each
    finally credited, stacked (operator fee, Collective share, chains' share: the epoch's gross)."""
    from datetime import datetime, timedelta, timezone

    fig, axes = _panels(len(panels))
    epoch0 = datetime(1970, 1, 1, tzinfo=timezone.utc)
    for ax, (address, epochs) in zip(axes, sorted(panels.items()), strict=True):
        spans = [epoch_span(e) for e in epochs]
        x = [epoch0 + timedelta(days=middle) for middle, _ in spans]
        width = [0.8 * length for _, length in spans]
        parts = [
            [_eth(sum(getattr(c, part) for c in e.settled)) for e in epochs]
            for part in ("operator_fee", "collective_share", "chain_share")
        ]
        bottom = [0.0] * len(epochs)
        for values, color, label in zip(
            parts, ("#333333", "#ff0420", "#9bb7d4"), ("operator fee", "Collective share", "chains' share"),
            strict=True,
        ):  # fmt: skip
            ax.bar(x, values, width=width, bottom=bottom, color=color, label=label)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        date_axis(ax)
        _finish(
            ax, f"shared splitter {short_address(address)}: epoch gross = operator fee + Collective + chains"
        )
    return _save(fig, path)


def write_charts(report: Report, folder: Path) -> list[Path]:
    """Write the charts into ``folder``: the chains' two when there is an ETH disbursement, the
    shared splitters' when there is an ETH epoch."""
    written = []
    chains = _by_chain(report)
    if chains:
        written += [
            _chart(report, chains, folder / REVENUE_PNG, _draw_revenue),
            _chart(report, chains, folder / COLLECTIVE_PNG, _draw_collective),
        ]
    panels = {s.address: [e for e in s.epochs if e.asset == ETH_ASSET] for s in report.analysis.shared}
    panels = {address: epochs for address, epochs in panels.items() if epochs}
    if panels:
        written.append(_shared_chart(panels, folder / SHARED_PNG))
    return written
