"""The report as one self-contained HTML page: interactive charts (plotly.js inlined), tables that
sort, filter and page in the browser, findings grouped with their items a click away, and the style
inline, so the file opens from disk in any browser with no server and nothing to fetch. The PNG
charts are files beside it for documents (embedded instead when plotly.js is not bundled)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from revshare import pages
from revshare.calendar import utc_date
from revshare.report.document import FindingGroup, Report, amount, asset_name, place
from revshare.report.interactive import report_charts
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
    finality_text,
    period_cells,
    settlement_rows,
    shared_epoch_cells,
    shared_heading,
    source_rows,
)
from revshare.report.withdrawals import FINALITY_HEADERS, finality_cells, finality_heading
from revshare.terminal import PAGE_STYLE, html_image, html_link, html_table, shorten_addresses

STYLE = (
    PAGE_STYLE
    + pages.STYLE
    + """
.verdict { padding: 0.6rem 1rem; border-radius: 4px; font-weight: 600; }
.ok { background: #e6f4ea; } .gap { background: #fde7e9; }
.unexplained { color: #b00020; font-weight: 600; } .pending { color: #8a5a00; }
"""
)


DISBURSEMENT_HEADERS = ["chain", "#", "block", "when (UTC)", "tx", "gross", "L1 cost", "Collective",
                        "chain share", "rule", "outside vaults", "keeper reward"]  # fmt: skip


def shared_html(report: Report, index: int, summary: SharedSummary) -> list[str]:
    """One shared splitter: its heading, epochs, settlements, claims (transactions and payees
    linked to the explorer) and operator fee."""
    link = html_link(report.address_url(summary.address), summary.address)
    parts = [f"<h2>Shared sequencer splitter</h2><p><code>{link}</code></p>"]
    parts.append(f"<p>{escape(shared_heading(summary, report))}.</p>")
    for asset in sorted({e.asset for e in summary.epochs}):
        epochs = [e for e in summary.epochs if e.asset == asset]
        key = f"shared-{index}-{asset[2:10].lower()}"
        parts.append(f"<p>Epochs ({escape(asset_name(asset))}), as finally credited</p>")
        cells = [shared_epoch_cells(e) for e in epochs]
        parts.append(pages.data_table(f"{key}-epochs", SHARED_EPOCH_HEADERS, cells, file="shared-epochs.csv"))
        parts.append(f"<p>Settlements per chain ({escape(asset_name(asset))})</p>")
        rows = [row for e in epochs for row in settlement_rows(e)]
        parts.append(
            pages.data_table(f"{key}-settlements", SETTLEMENT_HEADERS, rows, file="shared-settlements.csv")
        )
    claims = []
    for claim in summary.claims:
        cells: list[pages.Cell] = list(claim_cells(claim))
        cells[2] = pages.link(report.address_url(claim.payee), claim.payee)
        cells[5] = claim.l1_recipient
        cells[6] = pages.link(report.tx_url(claim.tx_hash), claim.tx_hash[:12] + "…")
        claims.append(cells)
    if claims:
        parts.append("<p>Claims</p>" + pages.data_table(f"shared-{index}-claims", CLAIM_HEADERS, claims,
                                                        file="shared-claims.csv"))  # fmt: skip
    if summary.fees:
        parts.append("<p>Operator fee (whole history)</p>")
        parts.append(html_table(FEE_HEADERS, [fee_cells(f) for f in summary.fees]))
    return parts


def group_html(index: int, group: FindingGroup) -> str:
    """One findings group: a line; several items' amounts and places a click away."""
    kind = escape(group.kind)
    if group.count == 1:
        return f'<li class="{kind}">{kind}: {escape(group.summary())}</li>'
    rows = [[amount(f.asset, f.amount), f.where] for f in group.items]
    headers = [f"amount ({asset_name(group.first.asset)})", "where"]
    table = pages.data_table(f"finding-group-{index}", headers, rows, file="findings.csv")
    summary = f'<span class="{kind}">{kind}</span>: {escape(group.summary())}'
    return f'<li class="{kind}">' + pages.group(summary, table, f"group-{index}") + "</li>"


def findings_html(report: Report) -> list[str]:
    groups = report.groups()
    if not groups:
        return ["<h2>Findings</h2><p>None.</p>"]
    count = len(report.analysis.findings)
    head = (
        f"<h2>Findings</h2><p>{count:,} findings in {len(groups):,} groups; click a group for its items.</p>"
    )
    return [head, '<ul id="findings">', *(group_html(i, g) for i, g in enumerate(groups)), "</ul>"]


def charts_html(report: Report, pngs: list[Path]) -> tuple[list[str], bool]:
    """The interactive charts, with the PNGs linked for documents; the PNGs embedded instead
    when plotly.js is not bundled. Also whether the page needs plotly.js."""
    charts = report_charts(report)
    if not pngs and not charts:
        return [], False
    if pages.plotly_js() is None or not charts:
        return [html_image(png, png.stem.replace("-", " ")) for png in pngs], False
    links = ", ".join(f'<a href="{escape(p.name)}">{escape(p.name)}</a>' for p in pngs)
    parts = [c.html() for c in charts]
    hint = "Drag to zoom, double-click to reset; hover for amounts (the CSV files have them in wei)."
    parts.append(f"<p>{hint} PNG versions for documents: {links}.</p>")
    return parts, True


def disbursement_cells(report: Report) -> list[list[pages.Cell]]:
    return [
        [str(r.chain_id), str(r.disbursement_id), str(r.block), utc_date(r.timestamp).removesuffix(" UTC"),
         pages.link(report.tx_url(r.tx_hash), r.tx_hash[:12] + "…")]
        + [amount(r.asset, v) for v in (r.gross, r.l1_cost, r.collective, r.chain)]
        + [r.rule, amount(r.asset, r.outside_vaults), amount(r.asset, r.keeper_reward)]
        for r in report.analysis.rows
    ]  # fmt: skip


def finality_html(report: Report) -> list[str]:
    """The L1 withdrawals' finality: counts per state and every withdrawal (L2 transactions linked)."""
    if report.finality is None:
        text = finality_text(report)
        return [f"<h2>L1 finality</h2><p>{escape(text)}</p>"] if text else []
    rows: list[list[pages.Cell]] = []
    for item in report.finality.items:
        cells: list[pages.Cell] = list(finality_cells(item))
        cells[-1] = pages.link(report.tx_url(item.withdrawal.tx_hash), item.withdrawal.tx_hash[:12] + "…")
        rows.append(cells)
    table = pages.data_table("l1-withdrawals", FINALITY_HEADERS, rows, file="l1-withdrawals.csv")
    return [f"<h2>L1 finality</h2><p>{escape(finality_heading(report.finality))}.</p>", table]


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
    chart_parts, interactive = charts_html(report, charts)
    parts += chart_parts
    parts += findings_html(report)
    periods = report.periods()
    for chain_id, summary in sorted(report.analysis.chains.items()):
        parts.append(f"<h2>{escape(summary.name or 'chain')} (chain {chain_id})</h2>")
        splitter = html_link(report.address_url(summary.splitter), summary.splitter)
        parts.append(f"<p>Splitter <code>{splitter}</code>, {escape(report.period_note())}.</p>")
        for asset in sorted({r.asset for r in periods if r.chain_id == chain_id}):
            rows = [period_cells(r) for r in periods if (r.chain_id, r.asset) == (chain_id, asset)]
            table = pages.data_table(f"periods-{chain_id}-{asset[2:10].lower()}", PERIOD_HEADERS, rows,
                                     file=f"periods-{report.period}.csv")  # fmt: skip
            parts.append(f"<p>{escape(asset_name(asset))}</p>" + table)
    for chain_id, summary in sorted(report.analysis.chains.items()):
        if summary.lifecycle:
            parts.append(f"<h2>Lifecycle of chain {chain_id}</h2>")
            steps = [[utc_date(s.timestamp) if s.timestamp else "?", s.what] for s in summary.lifecycle]
            parts.append(html_table(["when", "what"], steps))
    for index, summary in enumerate(report.analysis.shared):
        parts += shared_html(report, index, summary)
    parts += finality_html(report)
    sources = source_rows(report)
    if sources:
        parts.append("<h2>ETH disbursed by source</h2><p>Share of gross in brackets.</p>")
        parts.append(html_table(SOURCE_HEADERS, sources))
    parts.append("<h2>Disbursements</h2>")
    parts.append(pages.data_table("disbursements", DISBURSEMENT_HEADERS, disbursement_cells(report),
                                  file="disbursements.csv"))  # fmt: skip
    parts.append("<h2>Reconciliation</h2>")
    checks = [
        [place(c.chain_id, c.splitter) if c.splitter else str(c.chain_id), shorten_addresses(c.label),
         str(c.left), str(c.right), "ok" if c.ok else "GAP"]
        for c in report.analysis.checks
    ]  # fmt: skip
    parts.append(
        pages.data_table("checks", ["chain", "check", "left", "right", "result"], checks, file="checks.csv")
    )
    parts.append(pages.scripts(charts=interactive))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
