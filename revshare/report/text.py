"""The report as terminal text: per-period tables per chain, checks, findings and the verdict."""

from __future__ import annotations

from revshare.calendar import utc_date
from revshare.chain.addresses import ETH_ASSET
from revshare.model import RevenueSources
from revshare.report.document import Report, amount, asset_name, describe, percent
from revshare.report.periods import PeriodRow
from revshare.terminal import render_table

PERIOD_HEADERS = [
    "period",
    "disb.",
    "gross",
    "L1 cost",
    "net",
    "Collective",
    "chain share",
    "eff. rate",
    "rule",
    "cum. gross",
    "cum. Collective",
]


def period_cells(row: PeriodRow) -> list[str]:
    a = row.asset
    return [
        row.period,
        str(row.disbursements),
        amount(a, row.gross),
        amount(a, row.l1_cost),
        amount(a, row.net),
        amount(a, row.collective),
        amount(a, row.chain),
        percent(row.effective_bps),
        row.rule,
        amount(a, row.cumulative_gross),
        amount(a, row.cumulative_collective),
    ]


def period_tables(report: Report) -> str:
    """One table per chain and asset, with a total line."""
    out: list[str] = []
    rows = report.periods()
    keys = sorted({(r.chain_id, r.asset) for r in rows})
    for chain_id, asset in keys:
        mine = [r for r in rows if (r.chain_id, r.asset) == (chain_id, asset)]
        name = mine[0].chain_name or f"chain {chain_id}"
        summary = report.analysis.chains[chain_id]
        heading = f"{name} (chain {chain_id}), splitter {summary.splitter}"
        out.append(f"{heading}, per {report.period} ({asset_name(asset)}):")
        gross = sum(r.gross for r in mine)
        collective = sum(r.collective for r in mine)
        total = PeriodRow(
            chain_id, name, asset, "total", sum(r.disbursements for r in mine), gross,
            sum(r.l1_cost for r in mine), sum(r.net for r in mine), collective, sum(r.chain for r in mine),
            0, 0, sum(r.net_rule_count for r in mine), gross, collective,
        )  # fmt: skip
        footer = period_cells(total)
        footer[-2:] = ["", ""]
        out.append(render_table(PERIOD_HEADERS, [period_cells(r) for r in mine], footer=footer))
        out.append("")
    if not keys:
        out.append("No disbursements in this block range.\n")
    return "\n".join(out)


SOURCE_HEADERS = ["chain", "sequencer fees", "base fees", "operator fees", "L1 data fees", "other", "gross"]


def source_rows(report: Report) -> list[list[str]]:
    """Per chain, the ETH disbursed over the range by where it came from (`RevenueSources`)."""
    out = []
    for chain_id in sorted(report.analysis.chains):
        parts = [r.sources for r in report.analysis.rows if r.chain_id == chain_id and r.sources]
        if not parts:
            continue
        totals = RevenueSources(*(sum(column) for column in zip(*parts, strict=True)))
        gross = totals.gross
        cells = [f"{amount(ETH_ASSET, v)} ({percent(v * 10_000 / gross)})" for v in totals]
        out.append([str(chain_id), *cells, amount(ETH_ASSET, gross)])
    return out


def sources_text(report: Report) -> str:
    rows = source_rows(report)
    if not rows:
        return ""
    return "ETH disbursed by source (share of gross):\n" + render_table(SOURCE_HEADERS, rows) + "\n"


def lifecycle_text(report: Report) -> str:
    """Each chain's life over the range: joined, terms changes, exit, boundary settlements."""
    out = []
    for chain_id, summary in sorted(report.analysis.chains.items()):
        if summary.lifecycle:
            out.append(f"Lifecycle of chain {chain_id}:")
            out += [
                f"  {utc_date(step.timestamp) if step.timestamp else '?':<22} {step.what}"
                for step in summary.lifecycle
            ]
    return "\n".join(out) + "\n" if out else ""


def keeper_text(report: Report) -> str:
    """The keeper rewards paid out of revenue before the split, per chain and asset."""
    totals: dict[tuple[int, str], list[int]] = {}
    for row in report.analysis.rows:
        if row.keeper_reward:
            total = totals.setdefault((row.chain_id, row.asset), [0, 0])
            total[0] += row.keeper_reward
            total[1] += 1
    lines = [
        f"  chain {cid}: {amount(asset, wei)} {asset_name(asset)} in {n} disbursement{'s' * (n != 1)}"
        for (cid, asset), (wei, n) in sorted(totals.items())
    ]
    return "Keeper rewards (out of revenue, before the split):\n" + "\n".join(lines) + "\n" if lines else ""


def checks_text(report: Report) -> str:
    lines = ["Reconciliation:"]
    for check in report.analysis.checks:
        mark, relation = ("ok", "=") if check.ok else ("GAP", "!=")
        lines.append(
            f"  [{mark:>3}] chain {check.chain_id}: {check.label}: {check.left} {relation} {check.right}"
        )
    return "\n".join(lines)


def findings_text(report: Report) -> str:
    findings = report.analysis.findings
    if not findings:
        return "Findings: none."
    lines = ["Findings:"]
    for f in findings:
        lines.append(f"  {f.kind:<11} {describe(f)}")
    return "\n".join(lines)


def render_text(report: Report) -> str:
    """The whole terminal report."""
    parts = [
        report.title(),
        "",
        period_tables(report),
        lifecycle_text(report),
        keeper_text(report),
        sources_text(report),
        checks_text(report),
        "",
        findings_text(report),
        "",
        f"Result: {report.verdict()}",
    ]
    return "\n".join(parts)
