"""Writing the report folder: text, CSV, JSON, PNG charts and a self-contained HTML page.

Amounts in CSV and JSON are exact wei as decimal integers (strings in JSON, which JavaScript
would otherwise round). The folder is built next to its final place and swapped in at the end,
so a failed run never leaves half a report over a good one.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from revshare.report.charts import write_charts
from revshare.report.html import render_html
from revshare.report.model import Report
from revshare.report.periods import PERIODS
from revshare.report.text import render_text

SUMMARY_TXT = "summary.txt"
DISBURSEMENTS_CSV = "disbursements.csv"
FINDINGS_CSV = "findings.csv"
CHECKS_CSV = "checks.csv"
REPORT_JSON = "report.json"
INDEX_HTML = "index.html"


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
        }
    )


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write every report file into ``folder`` (replacing an earlier report there)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
    try:
        (staging / SUMMARY_TXT).write_text(render_text(report) + "\n")
        rows = _disbursement_dicts(report)
        if rows:
            _csv(staging / DISBURSEMENTS_CSV, rows, list(rows[0]))
        else:
            (staging / DISBURSEMENTS_CSV).write_text("")
        for period in PERIODS:
            period_rows = _period_dicts(report, period)
            headers = list(period_rows[0]) if period_rows else ["period"]
            _csv(staging / periods_csv(period), period_rows, headers)
        _csv(staging / CHECKS_CSV, [{**asdict(c), "ok": c.ok} for c in report.analysis.checks],
             ["chain_id", "label", "left", "right", "ok"])  # fmt: skip
        _csv(staging / FINDINGS_CSV, [asdict(f) for f in report.analysis.findings],
             ["kind", "chain_id", "asset", "amount", "what", "where"])  # fmt: skip
        (staging / REPORT_JSON).write_text(json.dumps(report_data(report), indent=2) + "\n")
        charts = write_charts(report, staging)
        (staging / INDEX_HTML).write_text(render_html(report, charts))
        if folder.exists():
            retired = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-old-"))
            folder.rename(retired / folder.name)
            staging.rename(folder)
            shutil.rmtree(retired)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(folder.iterdir())
