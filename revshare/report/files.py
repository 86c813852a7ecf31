"""Writing the report folder: text, CSV, JSON, PNG charts and a self-contained HTML page.

Amounts in CSV and JSON are exact wei as decimal integers (strings in JSON, which JavaScript
would otherwise round). The files are written in a hidden staging folder and moved into place at
the end, so a failed run never leaves half a report over a good one. The report owns only the
files it writes: other files in the folder (``--out docs``) are left alone, and of an earlier
run's files (listed in ``.revshare-report``) only those this run no longer writes are removed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from revshare.chain.shared import SharedEpoch
from revshare.report.charts import COLLECTIVE_PNG, REVENUE_PNG, SHARED_PNG, write_charts
from revshare.report.document import Report
from revshare.report.html import render_html
from revshare.report.periods import PERIODS
from revshare.report.shared import SharedSummary
from revshare.report.text import render_text
from revshare.report.withdrawals import FINALITY_COLUMNS, finality_dicts

SUMMARY_TXT = "summary.txt"
DISBURSEMENTS_CSV = "disbursements.csv"
FINDINGS_CSV = "findings.csv"
CHECKS_CSV = "checks.csv"
REPORT_JSON = "report.json"
INDEX_HTML = "index.html"
SHARED_EPOCHS_CSV = "shared-epochs.csv"
SHARED_SETTLEMENTS_CSV = "shared-settlements.csv"
SHARED_CLAIMS_CSV = "shared-claims.csv"
L1_WITHDRAWALS_CSV = "l1-withdrawals.csv"
MANIFEST = ".revshare-report"  # the names of the files the last run wrote, one a line


def periods_csv(period: str) -> str:
    return f"periods-{period}.csv"


def _csv(path: Path, rows: list[dict[str, Any]], headers: list[str]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


# Written when the report covers a shared splitter: file name -> its rows in `_shared_rows`.
SHARED_CSVS = {
    SHARED_EPOCHS_CSV: "epochs",
    SHARED_SETTLEMENTS_CSV: "settlements",
    SHARED_CLAIMS_CSV: "claims",
}
SOURCE_COLUMNS = ("sequencer_fees", "base_fees", "operator_fees", "l1_fees", "other_inflows")


def _disbursement_dicts(report: Report) -> list[dict[str, Any]]:
    """One flat record per disbursement; the per-source columns are empty for tokens."""
    out = []
    for r in report.analysis.rows:
        record = {k: v for k, v in asdict(r).items() if k != "sources"}
        record.update(net=r.net, rule=r.rule, by_gross=r.by_gross, by_net=r.by_net)
        record.update(zip(SOURCE_COLUMNS, r.sources or (None,) * len(SOURCE_COLUMNS), strict=True))
        out.append(record)
    return out


def _period_dicts(report: Report, period: str) -> list[dict[str, Any]]:
    return [
        {**asdict(r), "effective_bps": f"{r.effective_bps:.4f}", "rule": r.rule}
        for r in report.periods(period)
    ]


def _epoch_dict(splitter: str, epoch: SharedEpoch) -> dict[str, Any]:
    """One epoch, flat: its final figures (the correction's once corrected) and its dispute path."""
    settled = epoch.settled
    return {
        "splitter": splitter,
        "epoch": epoch.epoch,
        "asset": epoch.asset,
        "block": epoch.block,
        "tx_hash": epoch.tx_hash,
        "window_start": epoch.window_start,
        "window_end": epoch.window_end,
        "terms_since": epoch.terms_since,
        "fee_bps": epoch.fee_bps,
        "packed": epoch.packed,
        "chains": len(settled),
        "gross": sum(c.gross for c in settled),
        "operator_fee": sum(c.operator_fee for c in settled),
        "collective_share": sum(c.collective_share for c in settled),
        "chain_share": sum(c.chain_share for c in settled),
        "status": epoch.status,
        "reported_gross": epoch.gross,
        "added": epoch.added,
        "disputable_until": epoch.disputable_until,
        "disputed_by": epoch.dispute.disputer if epoch.dispute else "",
        "resolved_block": epoch.resolved_block or "",
        "collective": epoch.collective,
        "operator_fee_recipient": epoch.fee_recipient,
        "digest": epoch.digest,
    }


def _settlement_dicts(splitter: str, epoch: SharedEpoch) -> list[dict[str, Any]]:
    replaced = epoch.status == "corrected"
    records = [("report (replaced)" if replaced else "report", c) for c in epoch.chains]
    records += [("correction", c) for c in epoch.corrected]
    return [
        {"splitter": splitter, "epoch": epoch.epoch, "asset": epoch.asset, "record": record,
         **asdict(c), "chain_share": c.chain_share}
        for record, c in records
    ]  # fmt: skip


def _rows_of(summary: SharedSummary) -> dict[str, list[dict[str, Any]]]:
    """A shared splitter's epochs, settlements and claims, one flat record each."""
    return {
        "epochs": [_epoch_dict(summary.address, e) for e in summary.epochs],
        "settlements": [row for e in summary.epochs for row in _settlement_dicts(summary.address, e)],
        "claims": [{"splitter": summary.address, **asdict(c)} for c in summary.claims],
    }


def _shared_rows(report: Report) -> dict[str, list[dict[str, Any]]]:
    """Every shared splitter's rows, by kind."""
    rows: dict[str, list[dict[str, Any]]] = {"epochs": [], "settlements": [], "claims": []}
    for summary in report.analysis.shared:
        for key, more in _rows_of(summary).items():
            rows[key] += more
    return rows


def _shared_data(summary: SharedSummary) -> dict[str, Any]:
    return {
        "address": summary.address,
        "registry": summary.registry,
        "claims_open_at": summary.claims_open_at,
        "balance": summary.balance,
        "total_claimable": summary.total_claimable,
        "surplus": summary.surplus,
        "held": summary.held,
        "in_flight_to_l1": summary.in_flight_to_l1,
        "operator_fees": [asdict(f) for f in summary.fees],
        **_rows_of(summary),
    }


def report_data(report: Report) -> dict[str, Any]:
    """Everything in the report as JSON-ready data."""
    h = report.history
    return _jsonable(
        {
            "title": report.title(),
            "network": h.network,
            "chain_id": h.chain_id,
            "from_block": h.from_block,
            "to_block": h.to_block,
            "read_at": h.read_at,
            "ok": report.ok,
            "verdict": report.verdict(),
            "chains": {cid: asdict(s) for cid, s in report.analysis.chains.items()},
            "disbursements": _disbursement_dicts(report),
            "periods": {p: _period_dicts(report, p) for p in PERIODS},
            "checks": [{**asdict(c), "ok": c.ok} for c in report.analysis.checks],
            "findings": [asdict(f) for f in report.analysis.findings],
            "registry_at_start": {s.target.chain_id: asdict(s.registry_at_start) for s in h.splitters},
            "shared": [_shared_data(s) for s in report.analysis.shared],
            "l1_finality": None
            if report.finality is None
            else {
                **asdict(report.finality.settings),
                "now": report.finality.now,
                "l1_from_block": report.finality.l1_from_block,
                "l1_to_block": report.finality.l1_to_block,
                "counts": report.finality.counts(),
                "withdrawals": finality_dicts(report.finality),
            },
        }
    )


def _write_files(report: Report, folder: Path) -> None:
    (folder / SUMMARY_TXT).write_text(render_text(report) + "\n")
    rows = _disbursement_dicts(report)
    if rows:
        _csv(folder / DISBURSEMENTS_CSV, rows, list(rows[0]))
    else:
        (folder / DISBURSEMENTS_CSV).write_text("")
    for period in PERIODS:
        period_rows = _period_dicts(report, period)
        headers = list(period_rows[0]) if period_rows else ["period"]
        _csv(folder / periods_csv(period), period_rows, headers)
    _csv(folder / CHECKS_CSV, [{**asdict(c), "ok": c.ok} for c in report.analysis.checks],
         ["chain_id", "label", "left", "right", "ok", "splitter"])  # fmt: skip
    _csv(folder / FINDINGS_CSV, [asdict(f) for f in report.analysis.findings],
         ["kind", "chain_id", "asset", "amount", "what", "where", "splitter"])  # fmt: skip
    if report.analysis.shared:
        shared = _shared_rows(report)
        for name, key in SHARED_CSVS.items():
            headers = list(shared[key][0]) if shared[key] else ["splitter"]
            _csv(folder / name, shared[key], headers)
    if report.finality is not None:
        _csv(folder / L1_WITHDRAWALS_CSV, finality_dicts(report.finality), list(FINALITY_COLUMNS))
    (folder / REPORT_JSON).write_text(json.dumps(report_data(report), indent=2) + "\n")
    charts = write_charts(report, folder)
    (folder / INDEX_HTML).write_text(render_html(report, charts))


def report_names() -> set[str]:
    """Every name a report file can have."""
    fixed = {SUMMARY_TXT, DISBURSEMENTS_CSV, FINDINGS_CSV, CHECKS_CSV, REPORT_JSON, INDEX_HTML, *SHARED_CSVS,
             L1_WITHDRAWALS_CSV}  # fmt: skip
    return fixed | {periods_csv(p) for p in PERIODS} | {REVENUE_PNG, COLLECTIVE_PNG, SHARED_PNG}


def _earlier_run(folder: Path) -> set[str]:
    """The report files an earlier run wrote into ``folder`` (by its list, and only names a
    report file can have)."""
    try:
        lines = (folder / MANIFEST).read_text().splitlines()
    except OSError:
        return set()
    return set(lines) & report_names()


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write every report file into ``folder`` and return their paths. Files of the same names
    are replaced; any other file there is left alone."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".report-"))
    try:
        _write_files(report, staging)
        names = sorted(p.name for p in staging.iterdir())
        for stale in sorted(_earlier_run(folder) - set(names)):
            (folder / stale).unlink(missing_ok=True)
        for name in names:
            os.replace(staging / name, folder / name)
        (folder / MANIFEST).write_text("".join(f"{name}\n" for name in names))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in names]
