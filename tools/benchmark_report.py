"""The transparency report's speed over a scripted year: one chain over 365 days of daily
disbursements, and ten chains over 365 days (issue #22), each scripted by `tools.year_history` on a
fresh anvil node of its own. For each, the report is timed twice on the same node, cold (the first
read) and warm (the node's caches full): (a) reading and analysing (`build_report`), (b) rendering
the text (`render_text`), (c) writing the files (`write_report`), with the sizes of ``index.html``
and of the whole folder, the lines of text printed and the rows and events read per second.

Before a figure is printed the report's monthly figures are checked against the script's books (to
the wei) and the report must account for every wei: a fast wrong answer is no benchmark. Timings
are printed, never asserted.

    ape run benchmark_report [--chains 1 --chains 10] [--days 365] [--runs 2]
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from revshare.chain.rpc import HttpJsonRpc
from revshare.report import Report, build_report, render_text, write_report
from revshare.report.files import INDEX_HTML
from revshare.terminal import Log, render_table
from tools.year_history import START_2025, YearHistory, YearNode, script_year

RUN_NAMES = ("cold", "warm")


@dataclass(frozen=True)
class ReportRun:
    """One report over one scripted history, timed."""

    case: str  # "10 chains x 365 days"
    run: str  # "cold", "warm", "run 3", ...
    read_seconds: float  # build_report: reading and analysing
    render_seconds: float  # render_text
    write_seconds: float  # write_report
    index_bytes: int
    folder_bytes: int
    text_lines: int
    rows: int  # disbursements in the report
    events: int  # events read (splitters, vaults, the L1 path; the registries' too)
    exact: bool  # report.ok, and every month equal to the script's books

    @property
    def seconds(self) -> float:
        """The report's wall time: read and analyse, render, write."""
        return self.read_seconds + self.render_seconds + self.write_seconds

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.read_seconds if self.read_seconds else 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.read_seconds if self.read_seconds else 0.0


@dataclass(frozen=True)
class CaseResult:
    chains: int
    days: int
    script_seconds: float
    disbursements: int
    runs: tuple[ReportRun, ...]


def matches_books(report: Report, year: YearHistory) -> bool:
    """The report accounts for every wei, and each chain's month equals the script's books."""
    reported = {
        (row.chain_id, row.period): (row.disbursements, row.gross, row.l1_cost, row.collective, row.chain)
        for row in report.periods("month")
    }
    books = {
        (chain_id, month): (b.disbursements, b.gross, b.l1_cost, b.collective, b.chain)
        for chain_id, months in year.books.items()
        for month, b in months.items()
    }
    return report.ok and reported == books


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def time_report(year: YearHistory, uri: str, case: str, run: str, out: Path) -> ReportRun:
    """Read, render and write the report of ``year`` once, timing each part."""
    began = time.perf_counter()
    report = build_report(
        year.targets, network="local", from_block=year.first_block, request=HttpJsonRpc(uri)
    )
    read = time.perf_counter()
    text = render_text(report)
    rendered = time.perf_counter()
    write_report(report, out)
    written = time.perf_counter()
    events = sum(len(s.events) for s in report.history.splitters) + len(report.history.registry_events)
    return ReportRun(
        case=case,
        run=run,
        read_seconds=read - began,
        render_seconds=rendered - read,
        write_seconds=written - rendered,
        index_bytes=(out / INDEX_HTML).stat().st_size,
        folder_bytes=_folder_bytes(out),
        text_lines=len(text.splitlines()),
        rows=len(report.analysis.rows),
        events=events,
        exact=matches_books(report, year),
    )


def run_case(
    chains: int, days: int, out: Path, *, runs: int = 2, seed: int = 0, log: Log = lambda _: None
) -> CaseResult:
    """Script ``chains`` x ``days`` on a fresh node from `START_2025`, then time ``runs`` reports
    of it on that node (the first cold, the others warm)."""
    case = f"{chains} chain{'s' if chains != 1 else ''} x {days} days"
    with YearNode(START_2025) as node:
        log(f"{case}: scripting")
        year = script_year(node.uri, chains=chains, days=days, seed=seed, start=START_2025, log=log)
        timed = []
        for index in range(runs):
            name = RUN_NAMES[index] if index < len(RUN_NAMES) else f"warm {index}"
            log(f"{case}: report, {name}")
            timed.append(time_report(year, node.uri, case, name, out / f"{chains}x{days}-{index + 1}"))
    return CaseResult(chains, days, year.seconds, year.disbursements, tuple(timed))


def run_benchmark(
    chains: Sequence[int] = (1, 10),
    days: int = 365,
    out: Path | None = None,
    *,
    runs: int = 2,
    seed: int = 0,
    log: Log = lambda _: None,
) -> list[CaseResult]:
    """Every case (one per entry of ``chains``), each on a node of its own; the report folders go
    under ``out`` (a temporary folder, removed after, when not given)."""
    if out is not None:
        return [run_case(n, days, Path(out), runs=runs, seed=seed, log=log) for n in chains]
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        return [run_case(n, days, Path(folder), runs=runs, seed=seed, log=log) for n in chains]


def benchmark_table(results: Sequence[CaseResult]) -> str:
    rows = [
        [
            run.case,
            run.run,
            f"{run.read_seconds:.2f}",
            f"{run.render_seconds:.2f}",
            f"{run.write_seconds:.2f}",
            f"{run.seconds:.2f}",
            f"{run.index_bytes:,}",
            f"{run.folder_bytes:,}",
            f"{run.text_lines:,}",
            f"{run.rows:,}",
            f"{run.rows_per_second:,.0f}",
            f"{run.events:,}",
            f"{run.events_per_second:,.0f}",
        ]
        for result in results
        for run in result.runs
    ]
    return render_table(
        [
            "case",
            "run",
            "read+analyse s",
            "render s",
            "write s",
            "report s",
            "index.html bytes",
            "folder bytes",
            "text lines",
            "rows",
            "rows/s",
            "events",
            "events/s",
        ],
        rows,
    )


@click.command(name="benchmark_report")
@click.option(
    "--chains",
    "chains",
    multiple=True,
    type=click.IntRange(1, 40),
    help="Chains of one case (repeat for several cases)  [default: 1 and 10]",
)
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3_650), help="Days of revenue")
@click.option(
    "--runs",
    default=2,
    show_default=True,
    type=click.IntRange(1, 10),
    help="Reports per case on the same node (the first cold, the others warm)",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the scripted revenue")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the report folders here (default: a temporary folder, removed after)",
)
def cli(chains: tuple[int, ...], days: int, runs: int, seed: int, out: Path | None) -> None:
    """Time the transparency report (read and analyse, render, write) over scripted years."""
    results = run_benchmark(chains or (1, 10), days, out, runs=runs, seed=seed, log=click.echo)
    click.echo("")
    for result in results:
        click.echo(
            f"{result.chains} chain{'s' if result.chains != 1 else ''} x {result.days} days: "
            f"{result.disbursements:,} disbursements scripted in {result.script_seconds:.1f} s"
        )
    click.echo("")
    click.echo(benchmark_table(results))
    exact = all(run.exact for result in results for run in result.runs)
    click.echo(
        f"\nreport ok and every month equal to the script's books to the wei: {'yes' if exact else 'NO'}"
    )
    if not exact:
        raise SystemExit(1)
