"""The monitor's speed on a simulated Superchain: ``chains`` local OP chains (and an L1), each with
``days`` days of daily revenue and settlements, scripted on anvil; then the monitor's first run
(events and blocks read per second, with the outputs written) and its incremental re-run after
one more day. The figures are checked against the script's books before they are printed: a fast
wrong answer is no benchmark.

    ape run benchmark_monitor --chains 10 --days 365
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from revshare.demo.superchain import build_superchain, local_network, monitor_checks, run_days
from revshare.monitor.config import parse_monitor_config
from revshare.monitor.result import MonitorResult
from revshare.monitor.run import run_monitor
from revshare.terminal import Log, render_table


@dataclass(frozen=True)
class MonitorRun:
    label: str
    seconds: float
    blocks: int  # new blocks, over every network
    logs: int
    networks: int
    timings: dict[str, float]

    @property
    def blocks_per_second(self) -> float:
        return self.blocks / self.seconds if self.seconds else 0.0

    @property
    def logs_per_second(self) -> float:
        return self.logs / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class MonitorBenchmark:
    chains: int
    days: int
    script_seconds: float
    first: MonitorRun
    rerun: MonitorRun
    exact: bool  # every chain's gross, L1 cost, owed and paid equal the script's


def _measure(label: str, result: MonitorResult, seconds: float) -> MonitorRun:
    stats = result.fetched.stats
    blocks, logs = sum(s.new_blocks for s in stats), sum(s.logs_read for s in stats)
    return MonitorRun(label, seconds, blocks, logs, len(stats), result.timings)


def run_benchmark(chains: int, days: int, out: Path, log: Log = lambda _: None) -> MonitorBenchmark:
    with local_network(chains) as network:
        began = time.monotonic()
        superchain = build_superchain(network, exit_day=days // 2)
        run_days(superchain, days, log=log)
        script_seconds = time.monotonic() - began
        config = parse_monitor_config(superchain.config())
        log("monitor: first run")
        began = time.monotonic()
        first = run_monitor(config, out, fresh=True)
        first_run = _measure("first run", first, time.monotonic() - began)
        run_days(superchain, 1)
        log("monitor: re-run after one more day")
        began = time.monotonic()
        again = run_monitor(config, out)
        rerun = _measure("re-run, +1 day", again, time.monotonic() - began)
        exact = all(seen == done for _, seen, done in monitor_checks(superchain, again.ledgers))
    return MonitorBenchmark(chains, days, script_seconds, first_run, rerun, exact)


def benchmark_table(bench: MonitorBenchmark) -> str:
    rows = [
        [
            run.label,
            f"{run.seconds:.2f}",
            f"{run.blocks:,}",
            f"{run.logs:,}",
            f"{run.blocks_per_second:,.0f}",
            f"{run.logs_per_second:,.0f}",
            *(f"{run.timings.get(part, 0.0):.2f}" for part in ("read", "analyse", "write")),
        ]
        for run in (bench.first, bench.rerun)
    ]
    return render_table(
        ["run", "seconds", "new blocks", "new logs", "blocks/s", "logs/s", "read s", "analyse s", "write s"],
        rows,
    )


@click.command(name="benchmark_monitor")
@click.option(
    "--chains", default=10, show_default=True, type=click.IntRange(1, 40), help="OP chains to simulate"
)
@click.option("--days", default=365, show_default=True, type=click.IntRange(2, 3_650), help="Days of revenue")
def cli(chains: int, days: int) -> None:
    """Time the monitor's first run and an incremental re-run over a simulated Superchain."""
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
        bench = run_benchmark(chains, days, Path(folder), log=click.echo)
    click.echo(f"\n{chains} OP chains + L1, {days} days scripted in {bench.script_seconds:.1f} s\n")
    click.echo(benchmark_table(bench))
    click.echo(f"\nfigures equal the script's books to the wei: {'yes' if bench.exact else 'NO'}")
    if not bench.exact:
        raise SystemExit(1)
