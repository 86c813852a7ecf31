"""The monitor's outputs: terminal text, CSV and JSON (exact wei), a PNG chart and one
self-contained HTML dashboard for all chains.

At any range: the period is chosen from the range unless ``--period`` says otherwise; the charts
sit on a real date axis (owed and paid per period, their running totals); the terminal shows the
chosen period's table of every chain together and the findings grouped, a long table capped with
where the rest is; the page draws the chart interactively (plotly.js inlined: zoom, hover, a chain
selector), and its long tables sort, filter and page in the browser (`revshare.pages`).

Files are written in a hidden staging folder and moved into place at the end, so a failed run
never leaves half a set of outputs over a good one; the store beside them is not touched here.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from revshare import pages
from revshare.calendar import AUTO, DAY, PERIODS, period_days, period_middle, utc_date
from revshare.monitor.finality_tables import COLUMNS as L1_COLUMNS
from revshare.monitor.finality_tables import CSV_NAME as L1_CSV
from revshare.monitor.finality_tables import (
    finality_html,
    finality_records,
    finality_summaries,
    finality_text,
)
from revshare.monitor.groups import FindingGroup, short_hex
from revshare.monitor.records import Batch, ChainLedger, Finding, Payment, Withdrawal
from revshare.monitor.result import SUPERCHAIN, MonitorResult, PeriodRow
from revshare.monitor.shared_tables import (
    SHARED_ASSUMPTIONS,
    SHARED_COLUMNS,
    shared_data,
    shared_html,
    shared_records,
    shared_text,
)
from revshare.terminal import (
    PAGE_STYLE,
    TERMINAL_ROWS,
    WEI_PER_ETH,
    capped_table,
    format_eth,
    html_image,
    html_table,
    render_table,
)

SUMMARY_TXT = "summary.txt"
CHART_PNG = "owed-vs-paid.png"
INDEX_HTML = "index.html"
MONITOR_JSON = "monitor.json"
STAGING_PREFIX = ".monitor-staging-"
STALE_STAGING = 3600  # seconds: an older staging folder belongs to no running monitor

CHAIN_HEADERS = [
    "chain",
    "chain id",
    "blocks",
    "gross",
    "L1 cost",
    "net",
    "owed",
    "paid",
    "balance",
    "last payment",
    "findings",
]
PERIOD_HEADERS = ["chain", "period", "gross", "L1 cost", "owed", "paid", "cum. owed", "cum. paid", "balance"]
ASSUMPTIONS = [
    "Revenue is what the fee vaults paid out (their Withdrawal events, each withdrawal counted once); "
    "fees still in a vault are listed as such, not counted.",
    "The L1FeeVault's withdrawals are the L1 cost; net = gross - L1 cost. A vault paying another fee "
    "vault (the OperatorFeeVault's default) is counted once, when the receiving vault is withdrawn.",
    "Owed per disbursement of a settling contract (this project's splitter, OP's FeeSplitter, a "
    "FeeDisburser) over what its vaults paid it since its previous disbursement, under the terms in "
    "force at the disbursement; revenue paid elsewhere is owed per UTC day of its withdrawals.",
    "Revenue withdrawn to a settling contract and not yet disbursed is pending, not owed yet.",
    "Paid: the splitter's Collective share (paid or credited to the Collective), the FeeSplitter's "
    "shares to the Collective's receivers, a FeeDisburser's paidToOptimism (where the Collective's "
    "receivers are Safes: only what they received from it in that transaction), and ETH from the chain's "
    "listed senders arriving at the Collective's Safes (SafeReceived) on the chain or on L1.",
    "Not seen: payments to a receiver without code (no event), payments from addresses not listed as "
    "senders, ETH bridged to L1 unless the bridge's L1 sender is listed, and token payments.",
    "A withdrawal to L1 (a fee vault withdrawing to L1, a splitter's payout or a shared splitter's claim on "
    "an L1 route) is found by its withdrawal hash, from the L2ToL1MessagePasser's MessagePassed in its "
    "transaction, among the OptimismPortal's proofs and finalizations on L1, as of the L1 node's latest "
    "block: finalizable from its first proof plus the portal's delay, overdue a whole delay after that; "
    "on the bridge route it arrived only once the L1CrossDomainMessenger relayed it.",
]


def chain_cells(ledger: ChainLedger) -> list[str]:
    last = ledger.last_payment
    counts = {s: sum(f.severity == s for f in ledger.findings) for s in ("error", "warning")}
    flags = ", ".join(f"{n} {s}{'s' if n > 1 else ''}" for s, n in counts.items() if n) or "none"
    return [
        ledger.chain.name,
        str(ledger.chain.chain_id),
        f"{ledger.start}-{ledger.stop}",
        format_eth(ledger.gross),
        format_eth(ledger.l1_cost),
        format_eth(ledger.gross - ledger.l1_cost),
        format_eth(ledger.owed),
        format_eth(ledger.paid),
        format_eth(ledger.balance),
        utc_date(last.timestamp)[:10] if last else "never",
        flags,
    ]


def _total_cells(result: MonitorResult) -> list[str]:
    ledgers = result.ledgers
    gross, l1 = sum(x.gross for x in ledgers), sum(x.l1_cost for x in ledgers)
    owed, paid = sum(x.owed for x in ledgers), sum(x.paid for x in ledgers)
    return [
        "Superchain",
        "",
        "",
        format_eth(gross),
        format_eth(l1),
        format_eth(gross - l1),
        format_eth(owed),
        format_eth(paid),
        format_eth(owed - paid),
        "",
        "",
    ]


def period_cells(row: PeriodRow) -> list[str]:
    return [
        row.chain,
        row.period,
        format_eth(row.gross),
        format_eth(row.l1_cost),
        format_eth(row.owed),
        format_eth(row.paid),
        format_eth(row.cumulative_owed),
        format_eth(row.cumulative_paid),
        format_eth(row.balance),
    ]


@dataclass(frozen=True)
class ReadRange:
    network: str
    chain_id: int
    blocks: str
    first: str
    last: str


def read_ranges(result: MonitorResult) -> list[ReadRange]:
    """The blocks of every network the figures come from, with their dates."""
    times = {x.chain.chain_id: (x.start_time, x.stop_time) for x in result.ledgers}
    rows = []
    for stats in result.fetched.stats:
        first, last = times.get(stats.chain_id, (None, None))
        rows.append(
            ReadRange(
                stats.name,
                stats.chain_id,
                f"{stats.start}-{stats.stop}",
                utc_date(first) if first is not None else "",
                utc_date(last) if last is not None else "",
            )
        )
    return rows


def not_owed_yet(result: MonitorResult) -> list[list[str]]:
    """ETH withdrawn to a settler and not yet disbursed, and ETH still in the fee vaults."""
    rows = [
        [
            x.chain.name,
            f"withdrawn to the collection address {s}, not yet reported"
            if s == x.shared_collection
            else f"withdrawn to {s}, not yet disbursed",
            format_eth(v),
        ]
        for x in result.ledgers
        for s, v in x.pending.items()
    ]
    rows += [
        [x.chain.name, f"in the fee vault {v}", format_eth(b)]
        for x in result.ledgers
        for v, b in x.in_vaults.items()
        if b
    ]
    return rows


# The findings groups the terminal shows; the rest are counted (every one is in findings.csv and
# on the page).
TERMINAL_GROUPS = 25
SUPERCHAIN_PERIOD_HEADERS = ["period", *PERIOD_HEADERS[2:]]


def period_note(result: MonitorResult, period: str | None) -> str:
    """``per week`` (and how it was chosen, when it was chosen from the range)."""
    how = " (chosen from the range; --period changes it)" if period in (None, AUTO) else ""
    return f"per {result.chosen_period(period)}{how}"


def period_text(result: MonitorResult, period: str | None) -> list[str]:
    """The chosen period's table of every chain together, with its total; each chain's rows are
    in the files."""
    chosen = result.chosen_period(period)
    rows = result.superchain_periods(chosen)
    whose = result.ledgers[0].chain.name if len(result.ledgers) == 1 else "every chain together"
    lines = [f"Owed and paid {period_note(result, period)}, {whose}:"]
    if not rows:
        return [*lines, "  nothing read", ""]
    last = rows[-1]
    owed, paid = last.cumulative_owed, last.cumulative_paid
    gross, l1_cost = sum(r.gross for r in rows), sum(r.l1_cost for r in rows)
    total = PeriodRow(SUPERCHAIN, "total", gross, l1_cost, owed, paid, owed, paid)
    footer = period_cells(total)[1:]
    footer[5:7] = ["", ""]
    cells = [period_cells(r)[1:] for r in rows]
    lines.append(capped_table(SUPERCHAIN_PERIOD_HEADERS, cells, f"periods-{chosen}.csv", footer=footer))
    if len(result.ledgers) > 1:
        lines.append(f"  Each chain's rows per {chosen}: periods-{chosen}.csv and index.html.")
    return [*lines, ""]


def findings_text(result: MonitorResult) -> list[str]:
    """The findings grouped (`revshare.monitor.groups`): a line a group, most serious first, the
    groups past `TERMINAL_GROUPS` counted."""
    groups = result.groups()
    if not groups:
        return ["Findings: none"]
    count = len(result.findings)
    lines = [
        f"Findings ({count:,} in {len(groups):,} group{'s' * (len(groups) != 1)}, most serious first; "
        "each one in findings.csv and index.html):"
    ]
    lines += [f"  {g.line()}" for g in groups[:TERMINAL_GROUPS]]
    rest = groups[TERMINAL_GROUPS:]
    if rest:
        severities = Counter(g.severity for g in rest)
        what = ", ".join(f"{n} {severity}" for severity, n in severities.items())
        lines.append(f"  … {len(rest):,} more groups ({what}): findings.csv and index.html")
    return lines


def render_text(result: MonitorResult, period: str | None = AUTO) -> str:
    """What the terminal shows: the per-chain table with the Superchain's total, the chosen
    period's table, the shared splitters, and the findings grouped."""
    first, last = result.time_range
    dates = f", {utc_date(first)[:10]} to {utc_date(last)[:10]}" if result.ledgers else ""
    lines = [
        f"Superchain revenue-share monitor: {len(result.ledgers)} chain(s){dates}, amounts in ETH",
        "",
        render_table(CHAIN_HEADERS, [chain_cells(x) for x in result.ledgers], footer=_total_cells(result)),
        "",
        *period_text(result, period),
        *shared_text(result.shared, chain_names(result)),
        *finality_text(result.ledgers),
    ]
    lives = [(x.chain.name, x.lifecycle, x.stop_time) for x in result.ledgers if x.lifecycle]
    if lives:
        lines.append("Lifecycles (the registry's terms history; * not yet in force):")
        for name, steps, stop_time in lives:
            lines += [
                f"  {name}: {utc_date(at)}{'*' if at > stop_time else ' '} {step}" for at, step in steps
            ]
        lines.append("")
    rewards = [(x.chain.name, x.keeper_rewards) for x in result.ledgers if x.keeper_rewards]
    if rewards:
        lines.append("Keeper rewards (out of revenue, before the split; ETH):")
        lines += [f"  {name}: {format_eth(wei)}" for name, wei in rewards]
        lines.append("")
    waiting = not_owed_yet(result)
    if waiting:
        lines.append("Not owed yet (ETH):")
        lines += [f"  {chain}: {amount} {where}" for chain, where, amount in waiting[:TERMINAL_ROWS]]
        if len(waiting) > TERMINAL_ROWS:
            lines.append(f"  … {len(waiting) - TERMINAL_ROWS:,} more: index.html")
        lines.append("")
    lines += findings_text(result)
    return "\n".join(lines)


# ---------------------------------------------------------------- files
def _csv(path: Path, rows: list[dict[str, Any]], headers: list[str]) -> None:
    """Rows as CSV under ``headers`` (the header alone when there are no rows)."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


# Each table of records: the record's fields, then the columns derived from it.
TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "batches": (Batch, ("net",)),
    "payments": (Payment, ()),
    "withdrawals": (Withdrawal, ("chain", "internal")),
    "findings": (Finding, ("group",)),  # the group's number, as on the page
}
PERIOD_COLUMNS = (*(f.name for f in fields(PeriodRow)), "net", "balance")


def _headers(name: str) -> list[str]:
    record, derived = TABLES[name]
    return [*(f.name for f in fields(record)), *derived]


def _period_dict(row: PeriodRow) -> dict[str, Any]:
    return {**asdict(row), "net": row.net, "balance": row.balance}


def chain_summary(ledger: ChainLedger) -> dict[str, Any]:
    return {
        "chain": ledger.chain.name,
        "chain_id": ledger.chain.chain_id,
        "start_block": ledger.start,
        "stop_block": ledger.stop,
        "gross": ledger.gross,
        "l1_cost": ledger.l1_cost,
        "net": ledger.gross - ledger.l1_cost,
        "owed": ledger.owed,
        "paid": ledger.paid,
        "balance": ledger.balance,
        "pending": sum(ledger.pending.values()),
        "in_vaults": sum(ledger.in_vaults.values()),
        "payments": len(ledger.payments),
        "findings": len(ledger.findings),
    }


# Amounts in wei go into JSON as strings (JavaScript would round them); other numbers stay numbers.
AMOUNT_KEYS = {
    "gross", "l1_cost", "net", "owed", "paid", "balance", "pending", "in_vaults", "value", "amount",
    "cumulative_owed", "cumulative_paid", "attributed_gross", "attributed_l1_cost", "observed_gross",
    "observed_l1_vault", "difference", "l1_difference", "operator_fee", "collective_share", "chain_share",
    "added", "l1_vault", "total",
}  # fmt: skip


def _jsonable(value: Any, key: str = "") -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return str(value) if key in AMOUNT_KEYS else value
    if isinstance(value, dict):
        return {str(k): _jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, key) for v in value]
    return str(value)


def chain_names(result: MonitorResult) -> dict[int, str]:
    return {chain.chain_id: chain.name for chain in result.config.chains}


def assumptions(result: MonitorResult) -> list[str]:
    return ASSUMPTIONS + (SHARED_ASSUMPTIONS if result.config.shared_splitters else [])


def group_record(number: int, group: FindingGroup) -> dict[str, Any]:
    """A findings group as data (its total in wei to the messages' six decimals; None without)."""
    return {
        "group": number,
        "severity": group.severity,
        "chain": group.chain,
        "kind": group.kind,
        "count": group.count,
        "total": group.total,
        "message": group.message,
        "oldest": group.first.timestamp,
        "newest": group.last.timestamp,
        "oldest_evidence": group.first.evidence,
        "newest_evidence": group.last.evidence,
    }


def monitor_data(result: MonitorResult) -> dict[str, Any]:
    """Everything the monitor found, as data (amounts in wei, as strings in JSON)."""
    groups = result.groups()
    return {
        "chains": [chain_summary(x) for x in result.ledgers],
        "periods": {p: [_period_dict(r) for r in result.periods(p)] for p in PERIODS},
        "batches": [asdict(b) | {"net": b.net} for x in result.ledgers for b in x.batches],
        "payments": [asdict(p) for x in result.ledgers for p in x.payments],
        "withdrawals": [
            asdict(w) | {"chain": x.chain.name, "internal": w.internal}
            for x in result.ledgers
            for w in x.withdrawals
        ],
        "findings": [asdict(f) | {"group": i} for i, g in enumerate(groups, 1) for f in g.items],
        "finding_groups": [group_record(i, g) for i, g in enumerate(groups, 1)],
        "shared_splitters": shared_data(result.shared, chain_names(result)),
        "l1_finality": finality_summaries(result.ledgers),
        "l1_withdrawals": finality_records(result.ledgers),
        "assumptions": assumptions(result),
        "read": [asdict(s) for s in result.fetched.stats],
    }


MAX_CHAIN_PANELS = 12  # beyond this, the PNG shows the Superchain's panel and the balances only
# Past this many periods a line has no markers (they would merge into a wall).
MARKERS_UP_TO = 40
OWED, PAID = "#ff0420", "#1f4e9c"  # the Collective's red: what is owed to it
CUMULATIVE_OWED, CUMULATIVE_PAID = "#7a0010", "#0b2a5c"
MS_PER_DAY = DAY * 1000
HOVER = "%{y:,.6f} ETH (%{customdata})"  # an amount to six decimals, and its period
CHART_TITLE = "owed to the Collective vs paid"


@dataclass(frozen=True)
class Series:
    """One chart's rows: every chain together, or one chain."""

    label: str  # "Superchain (4 chains)" or "chain-a (901)"
    rows: list[PeriodRow]


def chart_series(result: MonitorResult, period: str) -> list[Series]:
    """Every chain together first (when there are several), then each chain."""
    ids = {x.chain.name: x.chain.chain_id for x in result.ledgers}
    by_chain: dict[str, list[PeriodRow]] = {x.chain.name: [] for x in result.ledgers}
    for row in result.periods(period):
        by_chain[row.chain].append(row)
    series = [Series(f"{name} ({ids[name]})", rows) for name, rows in by_chain.items()]
    if len(series) > 1:
        everything = Series(f"{SUPERCHAIN} ({len(series)} chains)", result.superchain_periods(period))
        series.insert(0, everything)
    return series


def _draw_panel(ax: Any, series: Series, period: str, most_ticks: int) -> None:
    """A period's owed and paid as bars side by side (owed left of the period's middle, paid right),
    their running totals as lines on the right axis."""
    rows = series.rows
    ax.set_title(f"{series.label}, per {period}: {CHART_TITLE}", fontsize="medium")
    ax.set_ylabel("ETH per " + period)
    if not rows:
        ax.text(0.5, 0.5, "nothing owed or paid in the range", ha="center", transform=ax.transAxes)
        return
    x = [period_middle(r.period, period) for r in rows]
    half = [0.4 * period_days(r.period, period) for r in rows]
    ax.bar(x, [r.owed / WEI_PER_ETH for r in rows], width=[-w for w in half], align="edge", color=OWED,
           label="owed")  # fmt: skip
    ax.bar(x, [r.paid / WEI_PER_ETH for r in rows], width=half, align="edge", color=PAID, label="paid")
    marks = {} if len(rows) > MARKERS_UP_TO else {"marker": "o", "markersize": 3}
    total = ax.twinx()
    total.plot(x, [r.cumulative_owed / WEI_PER_ETH for r in rows], color=CUMULATIVE_OWED,
               label="owed, running total (right axis)", **marks)  # fmt: skip
    total.plot(x, [r.cumulative_paid / WEI_PER_ETH for r in rows], color=CUMULATIVE_PAID, linestyle="--",
               label="paid, running total (right axis)", **marks)  # fmt: skip
    total.set_ylabel("ETH, running total")
    total.set_ylim(bottom=0)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    pages.date_axis(ax, most_ticks)


def _draw_chart(result: MonitorResult, period: str, path: Path) -> None:
    """Owed vs paid per period on a date axis: every chain together, then a panel per chain (or,
    for many chains, each chain's balance as a bar)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = chart_series(result, period)
    ledgers = result.ledgers
    per_chain = len(ledgers) <= MAX_CHAIN_PANELS
    shown = series if per_chain else series[:1]
    panels = len(shown) + (0 if per_chain else 1)
    columns = 1 if panels <= 2 else 2
    rows = (panels + columns - 1) // columns
    width = 11 if columns == 1 else 7
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, 3.6 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, one in zip(flat, shown, strict=False):
        _draw_panel(ax, one, period, 10 if columns == 1 else 7)
    if not per_chain:
        ax = flat[len(shown)]
        ax.barh([x.chain.name for x in ledgers], [x.balance / WEI_PER_ETH for x in ledgers], color=OWED)
        ax.set_title("Balance owed per chain", fontsize="medium")
        ax.set_xlabel("ETH")
    for ax in flat[panels:]:
        ax.set_visible(False)
    # One legend for every panel (they draw the same four things), above them.
    handles, labels = flat[0].get_legend_handles_labels()
    twin = [other for other in flat[0].get_shared_x_axes().get_siblings(flat[0]) if other is not flat[0]]
    for other in twin:
        more, more_labels = other.get_legend_handles_labels()
        handles, labels = handles + more, labels + more_labels
    top = 1 - 0.35 / (3.6 * rows)
    if handles:
        figure.legend(handles, labels, loc="upper center", ncol=len(handles), fontsize="small", frameon=False)
    figure.tight_layout(rect=(0, 0, 1, top))
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _same(values: list[float]) -> float | list[float]:
    """One number when every bar has the same, else one per bar (the page's data stays small)."""
    return values[0] if len(set(values)) == 1 else values  # (an empty list for a chain with no rows)


def _traces(rows: list[PeriodRow], period: str) -> list[dict[str, Any]]:
    """Owed and paid bars side by side at each period, and their running totals (right axis)."""
    x = [period_middle(r.period, period).strftime("%Y-%m-%d %H:%M") for r in rows]
    half = [0.4 * period_days(r.period, period) * MS_PER_DAY for r in rows]
    common = {"x": x, "customdata": [r.period for r in rows], "hovertemplate": HOVER}

    def eth(values: list[int]) -> list[float]:
        return [round(v / WEI_PER_ETH, 6) for v in values]

    def bar(name: str, values: list[int], color: str, left: bool) -> dict[str, Any]:
        offset = _same([-w for w in half]) if left else 0
        return {"type": "bar", "name": name, "marker": {"color": color}, "width": _same(half),
                "offset": offset, "y": eth(values), **common}  # fmt: skip

    def line(name: str, values: list[int], color: str, dash: str) -> dict[str, Any]:
        mode = "lines" if len(rows) > MARKERS_UP_TO else "lines+markers"
        return {"type": "scatter", "mode": mode, "name": name, "yaxis": "y2",
                "line": {"color": color, "dash": dash}, "y": eth(values), **common}  # fmt: skip

    return [
        bar("owed", [r.owed for r in rows], OWED, left=True),
        bar("paid", [r.paid for r in rows], PAID, left=False),
        line("owed, running total (right axis)", [r.cumulative_owed for r in rows], CUMULATIVE_OWED, "solid"),
        line("paid, running total (right axis)", [r.cumulative_paid for r in rows], CUMULATIVE_PAID, "dash"),
    ]


def owed_paid_chart(result: MonitorResult, period: str) -> pages.Chart | None:
    """The page's chart: owed and paid per period with their running totals, every chain together
    first; with several chains, a selector shows one series at a time."""
    series = chart_series(result, period)
    if not any(s.rows for s in series):
        return None
    traces: list[dict[str, Any]] = []
    counts, titles = [], []
    for index, one in enumerate(series):
        mine = _traces(one.rows, period)
        for trace in mine:
            trace["visible"] = index == 0
        traces += mine
        counts.append(len(mine))
        titles.append(f"{one.label}, per {period}: {CHART_TITLE}")
    right = {
        "title": {"text": "ETH, running total"},
        "overlaying": "y",
        "side": "right",
        "rangemode": "tozero",
    }
    extra: dict[str, Any] = {"yaxis2": right, "barmode": "overlay"}
    if len(series) > 1:
        extra["updatemenus"] = [pages.selector([s.label for s in series], counts, titles)]
    layout = pages.date_layout(titles[0], y_title=f"ETH per {period}", **extra)
    return pages.Chart("owed-paid-chart", traces, layout)


STYLE = (
    PAGE_STYLE
    + pages.STYLE
    + """
.error { color: #b00020; font-weight: 600; } .warning { color: #8a5a00; } .info { color: #555; }
code { font-size: 0.8rem; }
ul#findings { padding-left: 1.2rem; } ul#findings li { margin: 0.25rem 0; }
"""
)


def charts_html(result: MonitorResult, period: str, png: Path) -> tuple[list[str], bool]:
    """The interactive chart with the PNG linked for documents; the PNG embedded instead when
    plotly.js is not bundled. Also whether the page needs plotly.js."""
    chart = owed_paid_chart(result, period)
    if pages.plotly_js() is None or chart is None:
        return [html_image(png, CHART_TITLE)], False
    hint = (
        "Drag to zoom, double-click to reset; hover for amounts"
        + (", choose a chain above the chart" if len(result.ledgers) > 1 else "")
        + f'. The same chart as a PNG for documents: <a href="{escape(png.name)}">{escape(png.name)}</a>.'
    )
    return [chart.html(), f"<p>{hint}</p>"], True


def group_html(index: int, group: FindingGroup) -> str:
    """One findings group: a line; several items a click away, in a table."""
    severity = escape(group.severity)
    head = f'<span class="{severity}">[{severity}]</span> {escape(group.chain)}: '
    if group.count == 1:
        evidence = f" <code>{escape(group.first.evidence)}</code>" if group.first.evidence else ""
        return f"<li>{head}{escape(group.first.message)}{evidence}</li>"
    amounts = group.total is not None
    headers = ["when (UTC)", *(["ETH"] if amounts else []), "message", "evidence"]
    rows = []
    for finding, amount in zip(group.items, group.amounts, strict=True):
        figure = [format_eth(amount) if amount is not None else ""] if amounts else []
        when = utc_date(finding.timestamp).removesuffix(" UTC")
        rows.append([when, *figure, finding.message, short_hex(finding.evidence)])
    table = pages.data_table(f"finding-group-{index}", headers, rows, file="findings.csv")
    return f"<li>{pages.group(head + escape(group.summary()), table, f'group-{index}')}</li>"


def findings_html(result: MonitorResult) -> list[str]:
    groups = result.groups()
    if not groups:
        return ["<h2>Findings</h2><p>None.</p>"]
    count = len(result.findings)
    head = (
        f"<h2>Findings</h2><p>{count:,} findings in {len(groups):,} groups, most serious first; click a "
        "group for its items (every one is in findings.csv, with its group's number).</p>"
    )
    return [head, '<ul id="findings">', *(group_html(i, g) for i, g in enumerate(groups, 1)), "</ul>"]


PAYMENT_HEADERS = ["chain", "when (UTC)", "where", "source", "amount", "payer", "tx"]


def payment_cells(payment: Payment) -> list[str]:
    """A payment's row on the page (payer and tx shortened: payments.csv has them in full)."""
    p = payment
    return [p.chain, utc_date(p.timestamp).removesuffix(" UTC"), p.where, p.source, format_eth(p.amount),
            short_hex(p.payer), short_hex(p.tx_hash)]  # fmt: skip


def render_html(result: MonitorResult, period: str | None, chart: Path) -> str:
    chosen = result.chosen_period(period)
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    chart_parts, interactive = charts_html(result, chosen, chart)
    waiting = not_owed_yet(result)
    payments = [payment_cells(p) for x in result.ledgers for p in x.payments]
    periods = [period_cells(r) for r in result.periods(chosen)]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Superchain revenue-share monitor</title>',
        f"<style>{STYLE}</style></head><body>",
        "<h1>Superchain revenue-share monitor</h1>",
        "<p>What each chain owed the Optimism Collective and what it paid, read from the chains. Amounts in "
        "ETH; the CSV and JSON files beside this page hold every figure in wei. Tables sort by a click on "
        f"a header and filter by words. Generated {escape(generated)}.</p>",
        html_table(
            CHAIN_HEADERS, [chain_cells(x) for x in result.ledgers] + [_total_cells(result)], "chains"
        ),
        *chart_parts,
        *findings_html(result),
        f"<h2>Owed and paid {escape(period_note(result, period))}</h2>",
        pages.data_table("periods", PERIOD_HEADERS, periods, file=f"periods-{chosen}.csv"),
        "<h2>Not owed yet</h2>",
        html_table(["chain", "where", "ETH"], waiting, "not-owed-yet")
        if waiting
        else "<p>Nothing: every wei withdrawn was settled or owed.</p>",
        *shared_html(result.shared, chain_names(result)),
        *finality_html(result.ledgers),
        "<h2>Payments</h2>",
        pages.data_table("payments", PAYMENT_HEADERS, payments, file="payments.csv"),
        "<h2>What was read</h2>",
        html_table(
            ["network", "chain id", "blocks", "from", "to"],
            [[r.network, str(r.chain_id), r.blocks, r.first, r.last] for r in read_ranges(result)],
            "read",
        ),
        "<h2>Assumptions</h2><ul>" + "".join(f"<li>{escape(a)}</li>" for a in assumptions(result)) + "</ul>",
        pages.scripts(charts=interactive),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_outputs(result: MonitorResult, out: Path, period: str | None = AUTO) -> list[Path]:
    """Write every output file into ``out`` (staged, then moved into place); returns their paths.
    The text, chart and page are of ``period`` (``auto``: chosen from the range); the CSV files
    hold every period."""
    out.mkdir(parents=True, exist_ok=True)
    for left in out.glob(f"{STAGING_PREFIX}*"):  # a run killed while writing left its staging folder
        if left.is_dir() and time.time() - left.stat().st_mtime > STALE_STAGING:  # not one being written
            shutil.rmtree(left, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        data = monitor_data(result)
        chosen = result.chosen_period(period)
        (staging / SUMMARY_TXT).write_text(render_text(result, period) + "\n")
        (staging / MONITOR_JSON).write_text(json.dumps(_jsonable(data), indent=1) + "\n")
        _csv(staging / "chains.csv", data["chains"], list(data["chains"][0]))
        for name in PERIODS:
            _csv(staging / f"periods-{name}.csv", data["periods"][name], list(PERIOD_COLUMNS))
        for name in TABLES:
            _csv(staging / f"{name}.csv", data[name], _headers(name))
        _csv(staging / L1_CSV, data["l1_withdrawals"], list(L1_COLUMNS))
        if result.config.shared_splitters:
            for name, rows in shared_records(result.shared, chain_names(result)).items():
                _csv(staging / f"{name}.csv", rows, SHARED_COLUMNS[name])
        _draw_chart(result, chosen, staging / CHART_PNG)
        (staging / INDEX_HTML).write_text(render_html(result, period, staging / CHART_PNG))
        written = []
        for path in sorted(staging.iterdir()):
            target = out / path.name
            path.replace(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
