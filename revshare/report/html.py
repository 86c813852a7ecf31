"""The report as one self-contained HTML page: charts are embedded as data URIs and the style
is inline, so the file opens from disk in any browser with no server and nothing to fetch."""

from __future__ import annotations

from html import escape
from pathlib import Path

from revshare.calendar import utc_date
from revshare.report.document import Report, amount, asset_name, describe, place
from revshare.report.shared import SharedSummary
from revshare.report.text import (
    CLAIM_HEADERS,
    FEE_HEADERS,
    PERIOD_HEADERS,
    SETTLEMENT_HEADERS,
    SHARED_EPOCH_HEADERS,
    SOURCE_HEADERS,
    claim_cells,
    fee_cells,
    period_cells,
    settlement_rows,
    shared_epoch_cells,
    shared_heading,
    source_rows,
)
from revshare.terminal import PAGE_STYLE, html_image, html_link, html_table

STYLE = (
    PAGE_STYLE
    + """
.verdict { padding: 0.6rem 1rem; border-radius: 4px; font-weight: 600; }
.ok { background: #e6f4ea; } .gap { background: #fde7e9; }
.unexplained { color: #b00020; font-weight: 600; } .pending { color: #8a5a00; }
"""
)


def shared_html(report: Report, summary: SharedSummary) -> list[str]:
    """One shared splitter: its heading, epochs, settlements, claims (transactions and payees
    linked to the explorer) and operator fee."""
    link = html_link(report.address_url(summary.address), summary.address)
    parts = [f"<h2>Shared sequencer splitter</h2><p><code>{link}</code></p>"]
    parts.append(f"<p>{escape(shared_heading(summary, report))}.</p>")
    for asset in sorted({e.asset for e in summary.epochs}):
        epochs = [e for e in summary.epochs if e.asset == asset]
        parts.append(f"<p>Epochs ({escape(asset_name(asset))}), as finally credited</p>")
        parts.append(html_table(SHARED_EPOCH_HEADERS, [shared_epoch_cells(e) for e in epochs]))
        parts.append(f"<p>Settlements per chain ({escape(asset_name(asset))})</p>")
        parts.append(html_table(SETTLEMENT_HEADERS, [row for e in epochs for row in settlement_rows(e)]))
    claims = []
    for claim in summary.claims:
        cells = claim_cells(claim)
        cells[2] = html_link(report.address_url(claim.payee), claim.payee)
        cells[5] = claim.l1_recipient
        cells[6] = html_link(report.tx_url(claim.tx_hash), claim.tx_hash[:12] + "…")
        claims.append(cells)
    if claims:
        parts.append("<p>Claims</p>" + html_table(CLAIM_HEADERS, claims))
    if summary.fees:
        parts.append("<p>Operator fee (whole history)</p>")
        parts.append(html_table(FEE_HEADERS, [fee_cells(f) for f in summary.fees]))
    return parts


def render_html(report: Report, charts: list[Path]) -> str:
    h = report.history
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.title())}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(report.title())}</h1>",
        f"<p>Read from the chain at {escape(h.read_at)}. Amounts in ETH unless marked; CSV and JSON "
        "files beside this page hold every figure in wei."
        + (f" Links go to {escape(report.explorer_url)}." if report.explorer_url else "")
        + "</p>",
        f'<p class="verdict {"ok" if report.ok else "gap"}" id="verdict">{escape(report.verdict())}</p>',
    ]
    for chart in charts:
        parts.append(html_image(chart, chart.stem.replace("-", " ")))
    periods = report.periods()
    for chain_id, summary in sorted(report.analysis.chains.items()):
        parts.append(f"<h2>{escape(summary.name or 'chain')} (chain {chain_id})</h2>")
        splitter = html_link(report.address_url(summary.splitter), summary.splitter)
        parts.append(f"<p>Splitter <code>{splitter}</code>, per {escape(report.period)}.</p>")
        for asset in sorted({r.asset for r in periods if r.chain_id == chain_id}):
            rows = [period_cells(r) for r in periods if (r.chain_id, r.asset) == (chain_id, asset)]
            parts.append(f"<p>{escape(asset_name(asset))}</p>" + html_table(PERIOD_HEADERS, rows))
    for chain_id, summary in sorted(report.analysis.chains.items()):
        if summary.lifecycle:
            parts.append(f"<h2>Lifecycle of chain {chain_id}</h2>")
            steps = [[utc_date(s.timestamp) if s.timestamp else "?", s.what] for s in summary.lifecycle]
            parts.append(html_table(["when", "what"], steps))
    for summary in report.analysis.shared:
        parts += shared_html(report, summary)
    sources = source_rows(report)
    if sources:
        parts.append("<h2>ETH disbursed by source</h2><p>Share of gross in brackets.</p>")
        parts.append(html_table(SOURCE_HEADERS, sources))
    rows = [
        [
            str(r.chain_id),
            str(r.disbursement_id),
            str(r.block),
            html_link(report.tx_url(r.tx_hash), r.tx_hash[:12] + "…"),
        ]
        + [amount(r.asset, v) for v in (r.gross, r.l1_cost, r.collective, r.chain)]
        + [r.rule, amount(r.asset, r.outside_vaults), amount(r.asset, r.keeper_reward)]
        for r in report.analysis.rows
    ]
    parts.append("<h2>Disbursements</h2>")
    parts.append(
        html_table(
            [
                "chain",
                "#",
                "block",
                "tx",
                "gross",
                "L1 cost",
                "Collective",
                "chain share",
                "rule",
                "outside vaults",
                "keeper reward",
            ],
            rows,
        )
    )
    parts.append("<h2>Reconciliation</h2>")
    parts.append(
        html_table(
            ["chain", "check", "left", "right", "result"],
            [
                [
                    place(c.chain_id, c.splitter) if c.splitter else str(c.chain_id),
                    c.label,
                    str(c.left),
                    str(c.right),
                    "ok" if c.ok else "GAP",
                ]
                for c in report.analysis.checks
            ],
        )
    )
    parts.append("<h2>Findings</h2><ul>")
    for f in report.analysis.findings:
        parts.append(f'<li class="{escape(f.kind)}">{escape(f.kind)}: {escape(describe(f))}</li>')
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"
