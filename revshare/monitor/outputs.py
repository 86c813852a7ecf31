"""The monitor's outputs: terminal text, CSV and JSON (exact wei), a PNG chart and one
self-contained HTML dashboard for all chains.

Files are written in a hidden staging folder and moved into place at the end, so a failed run
never leaves half a set of outputs over a good one; the store beside them is not touched here.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from revshare.calendar import PERIODS, utc_date
from revshare.monitor.records import Batch, ChainLedger, Finding, Payment, Withdrawal
from revshare.monitor.result import MonitorResult, PeriodRow
from revshare.monitor.shared_tables import (
    SHARED_ASSUMPTIONS,
    SHARED_COLUMNS,
    shared_data,
    shared_html,
    shared_records,
    shared_text,
)
from revshare.terminal import PAGE_STYLE, WEI_PER_ETH, format_eth, html_image, html_table, render_table

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


def render_text(result: MonitorResult, period: str) -> str:
    """What the terminal shows: the per-chain table, the chosen period's table, the findings."""
    lines = [
        f"Superchain revenue-share monitor: {len(result.ledgers)} chain(s), amounts in ETH",
        "",
        render_table(CHAIN_HEADERS, [chain_cells(x) for x in result.ledgers], footer=_total_cells(result)),
        "",
        f"Per {period}:",
        render_table(PERIOD_HEADERS, [period_cells(r) for r in result.periods(period)]),
        "",
        *shared_text(result.shared, chain_names(result)),
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
        lines += [f"  {chain}: {amount} {where}" for chain, where, amount in waiting]
        lines.append("")
    findings = result.findings
    lines.append(f"Findings ({len(findings)}):" if findings else "Findings: none")
    lines += [f"  [{f.severity}] {f.chain}: {f.message} (evidence: {f.evidence})" for f in findings]
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
    "findings": (Finding, ()),
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
    "added", "l1_vault",
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


def monitor_data(result: MonitorResult) -> dict[str, Any]:
    """Everything the monitor found, as data (amounts in wei, as strings in JSON)."""
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
        "findings": [asdict(f) for f in result.findings],
        "shared_splitters": shared_data(result.shared, chain_names(result)),
        "assumptions": assumptions(result),
        "read": [asdict(s) for s in result.fetched.stats],
    }


MAX_CHAIN_PANELS = 12  # beyond this, the chart shows the Superchain total and the balances only


def _cumulative(points: list[tuple[int, int, int]]) -> tuple[list[Any], list[float], list[float]]:
    """Step lines of cumulative owed and paid from (time, owed, paid) points."""
    owed = paid = 0
    xs, owed_line, paid_line = [], [], []
    for when, o, p in sorted(points):
        owed += o
        paid += p
        xs.append(datetime.fromtimestamp(when, tz=timezone.utc))
        owed_line.append(owed / WEI_PER_ETH)
        paid_line.append(paid / WEI_PER_ETH)
    return xs, owed_line, paid_line


def _points(ledger: ChainLedger) -> list[tuple[int, int, int]]:
    return [(b.timestamp, b.owed, 0) for b in ledger.batches] + [
        (p.timestamp, 0, p.amount) for p in ledger.payments
    ]


def _draw_chart(result: MonitorResult, path: Path) -> None:
    """The Superchain's cumulative owed and paid, then one panel per chain (or, for many chains,
    each chain's balance as a bar)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ledgers = result.ledgers
    per_chain = len(ledgers) <= MAX_CHAIN_PANELS
    panels = 1 + (len(ledgers) if per_chain else 1)
    columns = 1 if panels == 1 else 2
    rows = (panels + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(6 * columns, 3.2 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]

    def draw(ax: Any, title: str, points: list[tuple[int, int, int]]) -> None:
        xs, owed, paid = _cumulative(points)
        if xs:
            ax.step(xs, owed, where="post", color="#ff0420", label="owed")
            ax.step(xs, paid, where="post", color="#1f4e9c", linestyle="--", label="paid")
            ax.fill_between(xs, paid, owed, step="post", color="#ff0420", alpha=0.12, label="balance")
        ax.set_title(title, fontsize="medium")
        ax.set_ylabel("ETH")
        if xs:
            ax.legend(fontsize="x-small", loc="upper left")
        else:
            ax.text(0.5, 0.5, "nothing owed or paid in the range", ha="center", transform=ax.transAxes)
        ax.tick_params(axis="x", labelrotation=30, labelsize="x-small")

    draw(
        flat[0],
        "Superchain: owed to the Collective vs paid (cumulative)",
        [p for x in ledgers for p in _points(x)],
    )
    if per_chain:
        for ax, ledger in zip(flat[1:], ledgers, strict=False):
            draw(ax, f"{ledger.chain.name} ({ledger.chain.chain_id})", _points(ledger))
    else:
        ax = flat[1]
        ax.barh([x.chain.name for x in ledgers], [x.balance / WEI_PER_ETH for x in ledgers], color="#ff0420")
        ax.set_title("Balance owed per chain", fontsize="medium")
        ax.set_xlabel("ETH")
    for ax in flat[panels:]:
        ax.set_visible(False)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


STYLE = (
    PAGE_STYLE
    + """
.error { color: #b00020; font-weight: 600; } .warning { color: #8a5a00; } .info { color: #555; }
code { font-size: 0.8rem; }
"""
)


def render_html(result: MonitorResult, period: str, chart: Path) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Superchain revenue-share monitor</title>',
        f"<style>{STYLE}</style></head><body>",
        "<h1>Superchain revenue-share monitor</h1>",
        "<p>What each chain owed the Optimism Collective and what it paid, read from the chains. Amounts in "
        "ETH; the CSV and JSON files beside this page hold every figure in wei. Generated "
        f"{escape(datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))}.</p>",
        html_table(
            CHAIN_HEADERS, [chain_cells(x) for x in result.ledgers] + [_total_cells(result)], "chains"
        ),
        html_image(chart, "owed to the Collective vs paid"),
        "<h2>What was read</h2>",
        html_table(
            ["network", "chain id", "blocks", "from", "to"],
            [
                [row.network, str(row.chain_id), row.blocks, row.first, row.last]
                for row in read_ranges(result)
            ],
            "read",
        ),
        "<h2>Not owed yet</h2>",
        html_table(["chain", "where", "ETH"], not_owed_yet(result), "not-owed-yet")
        if not_owed_yet(result)
        else "<p>Nothing: every wei withdrawn was settled or owed.</p>",
        f"<h2>Per {escape(period)}</h2>",
        html_table(PERIOD_HEADERS, [period_cells(r) for r in result.periods(period)], "periods"),
        *shared_html(result.shared, chain_names(result)),
        "<h2>Findings</h2>",
    ]
    findings = result.findings
    if not findings:
        parts.append("<p>None.</p>")
    parts.append(
        "<ul>"
        + "".join(
            f'<li class="{f.severity}">[{f.severity}] {escape(f.chain)}: {escape(f.message)} '
            f"<code>{escape(f.evidence)}</code></li>"
            for f in findings
        )
        + "</ul>"
    )
    parts.append("<h2>Payments</h2>")
    payments = [p for x in result.ledgers for p in x.payments]
    parts.append(
        html_table(
            ["chain", "when", "where", "source", "amount", "tx"],
            [
                [p.chain, utc_date(p.timestamp), p.where, p.source, format_eth(p.amount), p.tx_hash]
                for p in payments
            ],
            "payments",
        )
    )
    parts.append(
        "<h2>Assumptions</h2><ul>" + "".join(f"<li>{escape(a)}</li>" for a in assumptions(result)) + "</ul>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_outputs(result: MonitorResult, out: Path, period: str) -> list[Path]:
    """Write every output file into ``out`` (staged, then moved into place); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    for left in out.glob(f"{STAGING_PREFIX}*"):  # a run killed while writing left its staging folder
        if left.is_dir() and time.time() - left.stat().st_mtime > STALE_STAGING:  # not one being written
            shutil.rmtree(left, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        data = monitor_data(result)
        (staging / SUMMARY_TXT).write_text(render_text(result, period) + "\n")
        (staging / MONITOR_JSON).write_text(json.dumps(_jsonable(data), indent=1) + "\n")
        _csv(staging / "chains.csv", data["chains"], list(data["chains"][0]))
        for name in PERIODS:
            _csv(staging / f"periods-{name}.csv", data["periods"][name], list(PERIOD_COLUMNS))
        for name in TABLES:
            _csv(staging / f"{name}.csv", data[name], _headers(name))
        if result.config.shared_splitters:
            for name, rows in shared_records(result.shared, chain_names(result)).items():
                _csv(staging / f"{name}.csv", rows, SHARED_COLUMNS[name])
        _draw_chart(result, staging / CHART_PNG)
        (staging / INDEX_HTML).write_text(render_html(result, period, staging / CHART_PNG))
        written = []
        for path in sorted(staging.iterdir()):
            target = out / path.name
            path.replace(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
