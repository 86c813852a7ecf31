"""PNG charts of the report (matplotlib, no display needed): ETH revenue and shares over time per
chain, the Collective's share against what the gross and the net rule alone would give, and each
shared splitter's ETH epochs split into operator fee, Collective share and chains' share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.shared import SharedEpoch
from revshare.report.analysis import short
from revshare.report.document import Report
from revshare.report.periods import PeriodRow
from revshare.terminal import WEI_PER_ETH

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


def _draw_revenue(ax: Any, report: Report, chain_id: int, rows: list[PeriodRow]) -> str:
    x = list(range(len(rows)))
    collective = [_eth(r.collective) for r in rows]
    ax.bar(x, collective, color="#ff0420", label="Collective share")
    ax.bar(x, [_eth(r.chain) for r in rows], bottom=collective, color="#9bb7d4", label="chain share")
    ax.plot(x, [_eth(r.l1_cost) for r in rows], color="#333333", marker="o", label="L1 cost")
    ax.plot(x, [_eth(r.net) for r in rows], color="#2a9d4b", marker="s", label="net revenue")
    return "gross revenue = Collective + chain share"


def _draw_collective(ax: Any, report: Report, chain_id: int, rows: list[PeriodRow]) -> str:
    x = list(range(len(rows)))
    ax.bar(x, [_eth(r.collective) for r in rows], color="#ff0420", alpha=0.8, label="Collective share paid")
    gross_label, net_label = _bps_label(report, chain_id, "gross"), _bps_label(report, chain_id, "net")
    ax.plot(x, [_eth(r.by_gross) for r in rows], color="#1f4e9c", marker="^", label=gross_label)
    ax.plot(x, [_eth(r.by_net) for r in rows], color="#2a9d4b", marker="v", label=net_label)
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
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(axis="y", alpha=0.3)


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _chart(report: Report, chains: dict[int, list[PeriodRow]], path: Path, draw: Draw) -> Path:
    """One panel per chain, periods along the x axis; `draw` plots a panel and names it."""
    fig, axes = _panels(len(chains))
    for ax, (chain_id, rows) in zip(axes, sorted(chains.items()), strict=True):
        title = draw(ax, report, chain_id, rows)
        ax.set_xticks(list(range(len(rows))), [r.period for r in rows], rotation=30, ha="right")
        _finish(ax, f"{rows[0].chain_name or 'chain'} ({chain_id}): {title}")
    return _save(fig, path)


def _shared_chart(panels: dict[str, list[SharedEpoch]], path: Path) -> Path:
    """One panel per shared splitter, its ETH epochs along the x axis: what each finally credited,
    stacked (operator fee, Collective share, chains' share: together the epoch's gross)."""
    fig, axes = _panels(len(panels))
    for ax, (address, epochs) in zip(axes, sorted(panels.items()), strict=True):
        x = list(range(len(epochs)))
        parts = [
            [_eth(sum(getattr(c, part) for c in e.settled)) for e in epochs]
            for part in ("operator_fee", "collective_share", "chain_share")
        ]
        bottom = [0.0] * len(epochs)
        for values, color, label in zip(
            parts, ("#333333", "#ff0420", "#9bb7d4"), ("operator fee", "Collective share", "chains' share"),
            strict=True,
        ):  # fmt: skip
            ax.bar(x, values, bottom=bottom, color=color, label=label)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(x, [f"#{e.epoch} {e.status}" for e in epochs], rotation=30, ha="right")
        _finish(ax, f"shared splitter {short(address)}: epoch gross = operator fee + Collective + chains")
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
