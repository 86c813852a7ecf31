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

from revshare.report.charts import COLLECTIVE_PNG, REVENUE_PNG, write_charts
from revshare.report.document import Report
from revshare.report.html import render_html
from revshare.report.periods import PERIODS
from revshare.report.text import render_text

SUMMARY_TXT = "summary.txt"
DISBURSEMENTS_CSV = "disbursements.csv"
FINDINGS_CSV = "findings.csv"
CHECKS_CSV = "checks.csv"
REPORT_JSON = "report.json"
INDEX_HTML = "index.html"
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
         ["chain_id", "label", "left", "right", "ok"])  # fmt: skip
    _csv(folder / FINDINGS_CSV, [asdict(f) for f in report.analysis.findings],
         ["kind", "chain_id", "asset", "amount", "what", "where"])  # fmt: skip
    (folder / REPORT_JSON).write_text(json.dumps(report_data(report), indent=2) + "\n")
    charts = write_charts(report, folder)
    (folder / INDEX_HTML).write_text(render_html(report, charts))


def report_names() -> set[str]:
    """Every name a report file can have."""
    fixed = {SUMMARY_TXT, DISBURSEMENTS_CSV, FINDINGS_CSV, CHECKS_CSV, REPORT_JSON, INDEX_HTML}
    return fixed | {periods_csv(p) for p in PERIODS} | {REVENUE_PNG, COLLECTIVE_PNG}


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
