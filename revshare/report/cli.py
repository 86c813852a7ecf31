"""The report's command-line side, shared by `ape run report` and `ape run demo`: options, a
progress bar over the log pages, the terminal output and the list of files written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from revshare.report import build_report, render_text, write_report
from revshare.report.model import Report
from revshare.report.periods import PERIODS
from revshare.report.reader import DEFAULT_PAGE_SIZE, ReadError
from revshare.report.targets import Targets


def report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from-block, --to-block, --period, --page-size, --out."""
    options = [
        click.option("--from-block", type=click.IntRange(0), default=None,
                     help="First block (default: the first splitter's deployment block)"),
        click.option("--to-block", type=click.IntRange(0), default=None, help="Last block (default: latest)"),
        click.option("--period", type=click.Choice(PERIODS), default="day", show_default=True,
                     help="Period of the terminal table and charts (CSV files cover all three)"),
        click.option("--page-size", type=click.IntRange(1), default=DEFAULT_PAGE_SIZE, show_default=True,
                     help="Blocks per eth_getLogs request (halved automatically when the node refuses)"),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Report folder (default: reports/<ecosystem>/<network>)"),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


class _Bar:
    """One click progress bar per sweep of the block range (shown on stderr)."""

    def __init__(self) -> None:
        self.label = ""
        self.bar: Any = None
        self.done = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.close()
            self.label, self.done = label, 0
            self.bar = click.progressbar(
                length=total, label=f"Reading {label}", file=click.get_text_stream("stderr")
            )
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def run_report(
    targets: Targets,
    network: str,
    from_block: int | None,
    to_block: int | None,
    period: str,
    page_size: int,
    folder: Path,
) -> Report:
    """Read, analyse, print and write the report; read failures become one-line errors."""
    bar = _Bar()
    start = targets.first_block if from_block is None else from_block
    try:
        report = build_report(
            targets.splitters,
            network=network,
            from_block=start,
            to_block=to_block,
            registry_from_block=targets.registry_block,
            period=period,
            page_size=page_size,
            progress=bar,
        )
    except (ReadError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        bar.close()
    click.echo(render_text(report))
    files = write_report(report, folder)
    click.echo(f"\nReport files in {folder}/: {', '.join(p.name for p in files)}")
    click.echo(f"Open {folder / 'index.html'} in a browser (no server needed).")
    return report
