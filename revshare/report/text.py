"""The report as terminal text: per-period tables per chain, checks, findings and the verdict."""

from __future__ import annotations

from revshare.calendar import utc_date
from revshare.chain.addresses import ETH_ASSET
from revshare.chain.shared import SharedEpoch
from revshare.model import RevenueSources
from revshare.report.document import Report, amount, asset_name, percent, place
from revshare.report.periods import PeriodRow
from revshare.report.shared import FeeTotal, SharedClaim, SharedSummary
from revshare.report.withdrawals import finality_heading
from revshare.terminal import capped_table, render_table, short_address, shorten_addresses

# Findings groups shown in full; the rest are counted (every one is in findings.csv and the page).
TERMINAL_GROUPS = 25

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
        out.append(f"{heading}, {report.period_note()} ({asset_name(asset)}):")
        gross = sum(r.gross for r in mine)
        collective = sum(r.collective for r in mine)
        total = PeriodRow(
            chain_id, name, asset, "total", sum(r.disbursements for r in mine), gross,
            sum(r.l1_cost for r in mine), sum(r.net for r in mine), collective, sum(r.chain for r in mine),
            0, 0, sum(r.net_rule_count for r in mine), gross, collective,
        )  # fmt: skip
        footer = period_cells(total)
        footer[-2:] = ["", ""]
        csv_name = f"periods-{report.period}.csv"
        out.append(capped_table(PERIOD_HEADERS, [period_cells(r) for r in mine], csv_name, footer=footer))
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


SHARED_EPOCH_HEADERS = ["epoch", "window (UTC)", "form", "chains", "gross", "operator fee", "Collective"]
SHARED_EPOCH_HEADERS += ["chains' share", "status"]
SETTLEMENT_HEADERS = [
    "epoch",
    "chain",
    "record",
    "gross",
    "L1 cost",
    "operator fee",
    "Collective",
    "chain share",
]
CLAIM_HEADERS = ["when", "for", "paid to", "amount", "route", "L1 recipient", "tx"]
FEE_HEADERS = ["operator fee recipient", "fee", "credited", "held", "claimed", "claimable now"]


def window_text(start: int, end: int) -> str:
    """An epoch's window (start, end]: ``2026-01-05 12:00 to 2026-01-06 12:00`` (``up to ...`` first)."""

    def when(timestamp: int) -> str:
        return utc_date(timestamp).removesuffix(" UTC")

    return f"up to {when(end)}" if start == 0 else f"{when(start)} to {when(end)}"


def shared_epoch_cells(epoch: SharedEpoch) -> list[str]:
    """What an epoch finally credits (the correction's settlement once corrected)."""
    a, settled = epoch.asset, epoch.settled
    fee, collective = sum(c.operator_fee for c in settled), sum(c.collective_share for c in settled)
    gross, chains = sum(c.gross for c in settled), sum(c.chain_share for c in settled)
    status = epoch.status + (" (held)" if epoch.status == "disputed" else "")
    figures = [amount(a, v) for v in (gross, fee, collective, chains)]
    window = window_text(epoch.window_start, epoch.window_end)
    return [
        str(epoch.epoch),
        window,
        "packed" if epoch.packed else "ABI",
        str(len(settled)),
        *figures,
        status,
    ]


def settlement_rows(epoch: SharedEpoch) -> list[list[str]]:
    """Each chain's settlement in the epoch: the report's, and a correction's that replaced it."""
    replaced = epoch.status == "corrected"
    records = [("report (replaced)" if replaced else "report", c) for c in epoch.chains]
    records += [("correction", c) for c in epoch.corrected]
    a = epoch.asset
    return [
        [str(epoch.epoch), str(c.chain_id), record, amount(a, c.gross), amount(a, c.l1_cost),
         amount(a, c.operator_fee), amount(a, c.collective_share), amount(a, c.chain_share)]
        for record, c in records
    ]  # fmt: skip


def claim_cells(claim: SharedClaim) -> list[str]:
    whose = f"chain {claim.chain_id}" if claim.chain_id else "account"
    return [
        utc_date(claim.timestamp) if claim.timestamp else "?", whose, short_address(claim.payee),
        f"{amount(claim.asset, claim.amount)} {asset_name(claim.asset)}", claim.route,
        short_address(claim.l1_recipient) if claim.l1_recipient else "", claim.tx_hash[:12] + "…",
    ]  # fmt: skip


def fee_cells(fee: FeeTotal) -> list[str]:
    a = fee.asset
    return [
        fee.recipient, " / ".join(percent(b) for b in fee.fee_bps), amount(a, fee.credited),
        amount(a, fee.held), amount(a, fee.claimed), amount(a, fee.claimable),
    ]  # fmt: skip


def shared_heading(summary: SharedSummary, report: Report) -> str:
    """``Shared sequencer splitter 0x… (registry 0x…): balance … = claimable … + surplus …; claims open``"""
    end = report.history.timestamps.get(report.history.to_block, 0)
    opens = summary.claims_open_at
    claims = f"claims wait until {utc_date(opens)}" if opens > end else "claims open"
    money = "; ".join(
        f"{asset_name(a)} balance {amount(a, b)} = claimable {amount(a, summary.total_claimable[a])}"
        f" + surplus {amount(a, summary.surplus[a])}"
        for a, b in sorted(summary.balance.items())
    )
    name = f"{summary.name} " if summary.name else ""
    return (
        f"Shared sequencer splitter {name}{summary.address} (registry {summary.registry}): {money}; {claims}"
    )


def shared_text(report: Report) -> str:
    """Per shared splitter: epochs, per-chain settlements, claims and the operator fee."""
    out = []
    for summary in report.analysis.shared:
        out.append(shared_heading(summary, report) + ".")
        for asset in sorted({e.asset for e in summary.epochs}):
            epochs = [e for e in summary.epochs if e.asset == asset]
            out.append(f"Epochs ({asset_name(asset)}), as finally credited:")
            totals = [sum(c.gross for e in epochs for c in e.settled)] + [
                sum(getattr(c, field) for e in epochs for c in e.settled)
                for field in ("operator_fee", "collective_share", "chain_share")
            ]
            footer = ["total", "", "", "", *(amount(asset, t) for t in totals), ""]
            cells = [shared_epoch_cells(e) for e in epochs]
            out.append(capped_table(SHARED_EPOCH_HEADERS, cells, "shared-epochs.csv", footer=footer))
            rows = [row for e in epochs for row in settlement_rows(e)]
            out.append(f"Settlements per chain ({asset_name(asset)}):")
            out.append(capped_table(SETTLEMENT_HEADERS, rows, "shared-settlements.csv"))
        if not summary.epochs:
            out.append("No epochs reported in this block range.")
        if summary.claims:
            out.append("Claims:")
            cells = [claim_cells(c) for c in summary.claims]
            out.append(capped_table(CLAIM_HEADERS, cells, "shared-claims.csv"))
        if summary.fees:
            out.append("Operator fee (whole history):")
            out.append(render_table(FEE_HEADERS, [fee_cells(f) for f in summary.fees]))
        out.append("")
    return "\n".join(out)


def finality_text(report: Report) -> str:
    """What L1 says of the L1 withdrawals, in counts per state (the findings group the ones not
    final; every withdrawal is in l1-withdrawals.csv and the page); without L1, how many were not
    checked."""
    sent = report.analysis.l1_withdrawals
    if report.finality is None:
        if not sent:
            return ""
        return (
            f"L1 finality: not checked for the {len(sent):,} L1 withdrawal{'s' * (len(sent) != 1)} "
            "(give --l1-rpc, and --portal for a chain without a known OptimismPortal).\n"
        )
    return f"{finality_heading(report.finality)}; each one in l1-withdrawals.csv and index.html.\n"


def checks_text(report: Report) -> str:
    """Failed checks in full; passed ones counted per place (checks.csv lists each)."""
    lines = ["Reconciliation:"]
    passed: dict[str, int] = {}
    for check in report.analysis.checks:
        where = place(check.chain_id, check.splitter)
        if check.ok:
            passed[where] = passed.get(where, 0) + 1
        else:
            lines.append(f"  [GAP] {where}: {shorten_addresses(check.label)}: {check.left} != {check.right}")
    lines += [
        f"  [ ok] {where}: {n} check{'s' * (n != 1)} {'hold' if n != 1 else 'holds'}"
        for where, n in passed.items()
    ]
    return "\n".join(lines)


def findings_text(report: Report) -> str:
    """Findings grouped (`FindingGroup`): one line a group, most serious first."""
    groups = report.groups()
    if not groups:
        return "Findings: none."
    count = len(report.analysis.findings)
    lines = [
        f"Findings ({count:,} in {len(groups):,} group{'s' * (len(groups) != 1)}; each one in findings.csv):"
    ]
    for g in groups[:TERMINAL_GROUPS]:
        lines.append(f"  {g.kind:<11} {g.summary()}")
    if len(groups) > TERMINAL_GROUPS:
        rest = groups[TERMINAL_GROUPS:]
        kinds = ", ".join(
            f"{sum(g.kind == k for g in rest)} {k}" for k in dict.fromkeys(g.kind for g in rest)
        )
        lines.append(f"  … {len(rest):,} more groups ({kinds}): findings.csv and index.html")
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
        shared_text(report),
        finality_text(report),
        checks_text(report),
        "",
        findings_text(report),
        "",
        f"Result: {report.verdict()}",
    ]
    return "\n".join(parts)
