"""`ape run monitor --config superchain.yaml`: the monitor's command line. Progress per network on
stderr, the tables and findings on stdout, the files listed at the end; every failure one line
(exit 2 for a config, store, folder or chain-contents problem, 1 for a node that cannot be read),
never a traceback and never an RPC URL's secrets. Exit 3 when there are warnings or errors among
the findings, so a scheduled run can alert; 0 only when nothing needs a look. Ctrl-C stops every
network after its current page (exit 130); what was read stays in the store."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from revshare.calendar import AUTO, PERIOD_CHOICES
from revshare.chain.node import scrub
from revshare.config_models import ConfigError
from revshare.monitor.config import MonitorConfig, load_monitor_config
from revshare.monitor.fetch import BLOCK_TAGS, BlockChoice, FetchError
from revshare.monitor.outputs import render_text
from revshare.monitor.result import MonitorResult
from revshare.monitor.run import MonitorError, run_monitor
from revshare.monitor.store import StoreError

FINDINGS_EXIT = 3


class UserError(click.ClickException):
    """A config, store or folder the user can fix: one line, exit status 2."""

    exit_code = 2


class BlockType(click.ParamType):
    """``latest``, ``safe``, ``finalized`` or a number, for every network; or ``NAME=...`` for the
    network of that name (block numbers of different chains have nothing in common)."""

    name = "block"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, str | int]:
        network, _, text = str(value).strip().rpartition("=")
        text = text.strip().lower()
        if text in BLOCK_TAGS:
            return network.strip(), text
        if re.fullmatch(r"\d{1,19}", text):
            return network.strip(), int(text)
        self.fail(f"{value!r} is not a block number or one of {', '.join(BLOCK_TAGS)}", param, ctx)
        raise AssertionError  # unreachable: fail raises


def _secret_free(message: str, config: MonitorConfig | None) -> str:
    for network in config.networks if config else ():
        message = scrub(message, network.rpc)
    return message


def monitor(
    config: MonitorConfig,
    out: Path,
    *,
    to_block: BlockChoice = "latest",
    period: str = AUTO,
    page_size: int = 2_000,
    fresh: bool = False,
) -> MonitorResult:
    """Run the monitor with progress bars on stderr and print its text; errors as one-line
    ClickExceptions."""
    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks = {n.name: bar.add_task(n.name, total=None) for n in config.networks}

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:  # a read after the networks' (a chain's withdrawals on L1)
                tasks[name] = bar.add_task(name, total=None)
            bar.update(tasks[name], completed=done, total=total)

        try:
            result = run_monitor(
                config,
                out,
                to_block=to_block,
                period=period,
                page_size=page_size,
                fresh=fresh,
                progress=progress,
            )
        except FetchError as exc:
            raise click.ClickException(_secret_free(str(exc), config)) from None
        except (MonitorError, StoreError) as exc:
            raise UserError(_secret_free(str(exc), config)) from None
        except OSError as exc:
            raise UserError(f"cannot write to {out}: {exc.strerror or exc}") from None
    click.echo(render_text(result, period))
    click.echo("")
    for stats in result.fetched.stats:
        rate = stats.logs_read / stats.seconds if stats.seconds else 0.0
        click.echo(
            f"read {stats.name}: blocks {stats.start}-{stats.stop}, {stats.new_blocks:,} new blocks, "
            f"{stats.logs_read:,} new logs ({rate:,.0f} logs/s)"
        )
    click.echo(f"Files in {out}/ ({len(result.files)}): {', '.join(p.name for p in result.files)}")
    click.echo(f"Dashboard: {out / 'index.html'}")
    return result


@click.command(name="monitor")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The monitor's YAML config (chains, L1, the Collective's receivers)",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports/monitor"),
    show_default=True,
    help="Folder for the outputs and the store (monitor.sqlite)",
)
@click.option(
    "--to-block",
    type=BlockType(),
    multiple=True,
    help="Last block: latest (default), safe, finalized or a number; NAME=... for one network "
    "(give it again for others)",
)
@click.option(
    "--period",
    type=click.Choice(PERIOD_CHOICES),
    default=AUTO,
    show_default=True,
    help="Period of the tables, chart and page; auto: daily for weeks, weekly for up to two years, "
    "monthly beyond (the CSV files cover all three)",
)
@click.option(
    "--page-size",
    type=click.IntRange(1),
    default=2_000,
    show_default=True,
    help="Blocks per eth_getLogs request (halved automatically when a node refuses)",
)
@click.option(
    "--fresh", is_flag=True, help="Start the store afresh (it is otherwise reused: only new blocks are read)"
)
def cli(
    config_path: Path,
    out: Path,
    to_block: tuple[tuple[str, str | int], ...],
    period: str,
    page_size: int,
    fresh: bool,
) -> None:
    """What every OP Stack chain in the config owed the Optimism Collective and what it paid."""
    # ape turns Ctrl-C into an immediate exit; the monitor stops its readers between pages instead.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        config = load_monitor_config(config_path)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    names = {network.name for network in config.networks}
    unknown = [name for name, _ in to_block if name and name not in names]
    if unknown:
        known = ", ".join(sorted(names))
        raise UserError(f"--to-block {unknown[0]}=...: no network of that name (the config has: {known})")
    blocks = dict(to_block)
    try:
        result = monitor(config, out, to_block=blocks, period=period, page_size=page_size, fresh=fresh)
    except KeyboardInterrupt:
        click.echo("Interrupted: every page read so far is in the store; run again to continue.", err=True)
        sys.exit(130)
    if any(f.severity in ("error", "warning") for f in result.findings):
        sys.exit(FINDINGS_EXIT)
