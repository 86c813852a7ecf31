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
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from revshare.calendar import PERIODS, utc_date
from revshare.monitor.records import ChainLedger
from revshare.monitor.result import MonitorResult, PeriodRow
from revshare.terminal import PAGE_STYLE, WEI_PER_ETH, format_eth, html_image, html_table, render_table

SUMMARY_TXT = "summary.txt"
CHART_PNG = "owed-vs-paid.png"
INDEX_HTML = "index.html"
MONITOR_JSON = "monitor.json"

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
    ]
    pending = [(x.chain.name, s, v) for x in result.ledgers for s, v in x.pending.items()]
    in_vaults = [(x.chain.name, v, b) for x in result.ledgers for v, b in x.in_vaults.items() if b]
    if pending or in_vaults:
        lines.append("Not owed yet:")
        lines += [
            f"  {c}: {format_eth(v)} withdrawn to {s}, awaiting its disbursement" for c, s, v in pending
        ]
        lines += [f"  {c}: {format_eth(b)} still in the fee vault {v}" for c, v, b in in_vaults]
        lines.append("")
    findings = result.findings
    lines.append(f"Findings ({len(findings)}):" if findings else "Findings: none")
    lines += [f"  [{f.severity}] {f.chain}: {f.message} (evidence: {f.evidence})" for f in findings]
    return "\n".join(lines)


# ---------------------------------------------------------------- files
def _csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="") as handle:
        if not rows:
            return
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return str(value)  # exact wei; JavaScript would round large numbers
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def monitor_data(result: MonitorResult) -> dict[str, Any]:
    """Everything the monitor found, as data (amounts in wei, as strings in JSON)."""
    return {
        "chains": [chain_summary(x) for x in result.ledgers],
        "periods": {p: [_period_dict(r) for r in result.periods(p)] for p in PERIODS},
        "batches": [asdict(b) | {"net": b.net} for x in result.ledgers for b in x.batches],
        "payments": [asdict(p) for x in result.ledgers for p in x.payments],
        "withdrawals": [asdict(w) | {"chain": x.chain.name} for x in result.ledgers for w in x.withdrawals],
        "findings": [asdict(f) for f in result.findings],
        "assumptions": ASSUMPTIONS,
        "read": [asdict(s) for s in result.fetched.stats],
    }


MAX_CHAIN_PANELS = 12  # beyond this, the chart shows the Superchain total and the balances only


def _cumulative(points: list[tuple[int, int, int]]) -> tuple[list[Any], list[float], list[float]]:
    """Step lines of cumulative owed and paid from (time, owed, paid) points."""
    from datetime import datetime, timezone

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
        ax.legend(fontsize="x-small", loc="upper left")
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
        "ETH; the CSV and JSON files beside this page hold every figure in wei.</p>",
        html_table(
            CHAIN_HEADERS, [chain_cells(x) for x in result.ledgers] + [_total_cells(result)], "chains"
        ),
        html_image(chart, "owed to the Collective vs paid"),
        f"<h2>Per {escape(period)}</h2>",
        html_table(PERIOD_HEADERS, [period_cells(r) for r in result.periods(period)], "periods"),
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
    parts.append("<h2>Assumptions</h2><ul>" + "".join(f"<li>{escape(a)}</li>" for a in ASSUMPTIONS) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_outputs(result: MonitorResult, out: Path, period: str) -> list[Path]:
    """Write every output file into ``out`` (staged, then moved into place); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".monitor-", dir=out))
    try:
        data = monitor_data(result)
        (staging / SUMMARY_TXT).write_text(render_text(result, period) + "\n")
        (staging / MONITOR_JSON).write_text(json.dumps(_jsonable(data), indent=1) + "\n")
        _csv(staging / "chains.csv", data["chains"])
        for name in PERIODS:
            _csv(staging / f"periods-{name}.csv", data["periods"][name])
        for name in ("batches", "payments", "withdrawals", "findings"):
            _csv(staging / f"{name}.csv", data[name])
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
