"""The report's command-line side, shared by `ape run report` and `ape run demo`: options, a
progress bar over the log pages, the terminal output and the list of files written, and every
failure said in one line (exit 1 when the node fails, 2 when the chain does not hold what the
report was asked to read), never as a traceback and never with the node's URL."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from revshare.calendar import AUTO, PERIOD_CHOICES
from revshare.chain.addresses import OPTIMISM_PORTALS
from revshare.chain.explorers import explorer_for
from revshare.chain.finality import PortalError, read_portal_settings
from revshare.chain.node import public_network
from revshare.chain.reader import DEFAULT_PAGE_SIZE, ChainReader, ReadError
from revshare.chain.rpc import HttpJsonRpc, one_line, provider_request
from revshare.cli_options import NodeCommand, records_option
from revshare.config_models import rpc_url
from revshare.deploying.record import record_path
from revshare.report import L1Source, build_report, render_text, write_report
from revshare.report.document import Report
from revshare.report.history import ChainMismatch
from revshare.report.targets import TargetError, Targets, parse_shared, parse_splitter, targets_from_record
from revshare.values import parse_address


class InputError(click.ClickException):
    """One line, exit status 2: what the user asked for is not on the chain."""

    exit_code = 2


class ReportCommand(NodeCommand):
    """The report's connected command: a node that cannot be reached is one line, exit status 1
    (the node failing), as when it fails later."""

    unreachable_exit_code = 1


def report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from-block, --to-block, --period, --page-size, --out."""
    options = [
        click.option("--from-block", type=click.IntRange(0), default=None,
                     help="First block (default: the first splitter's deployment block)"),
        click.option("--to-block", type=click.IntRange(0), default=None, help="Last block (default: latest)"),
        click.option("--period", type=click.Choice(PERIOD_CHOICES), default=AUTO, show_default=True,
                     help="Period of the tables and charts; auto: daily for weeks, weekly for up to two "
                     "years, monthly beyond (CSV files cover all three)"),
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
    explorer_url: str | None = None,
    l1: L1Source | None = None,
) -> Report:
    """Read, analyse, print and write the report; read failures become one-line errors."""
    bar = _Bar()
    start = targets.first_block if from_block is None else from_block
    try:
        report = build_report(
            targets.splitters,
            network=public_network(network),
            from_block=start,
            to_block=to_block,
            period=period,
            page_size=page_size,
            progress=bar,
            shared=targets.shared,
            l1=l1,
        )
    except (ChainMismatch, PortalError) as exc:
        raise InputError(str(exc)) from None
    except ReadError as exc:
        raise click.ClickException(f"reading the chain failed: {exc}") from None
    finally:
        bar.close()
    report.explorer = explorer_for(report.history.chain_id, explorer_url)
    click.echo(render_text(report))
    files = write_report(report, folder)
    click.echo(f"\nReport files in {folder}/: {', '.join(p.name for p in files)}")
    click.echo(f"Open {folder / 'index.html'} in a browser (no server needed).")
    return report


def l1_source(
    url: str | None, portal: str | None, chain_id: int, *, from_env: bool = False
) -> L1Source | None:
    """The L1 node and portal the report reads finality from: ``--portal`` or the chain's known
    portal (`OPTIMISM_PORTALS`), whose L1 the node must be; checked before anything is read (a
    portal with no code or none of a portal's views, an L1 node that does not answer). None, with a
    note, when the URL only came from REVSHARE_L1_RPC and this chain's portal is unknown."""
    if not url:
        raise click.UsageError("--portal needs --l1-rpc (or REVSHARE_L1_RPC), the node of L1 to read it on")
    try:
        url = rpc_url(url)
    except ValueError as exc:  # never the URL itself: it may carry a key
        raise click.UsageError(f"--l1-rpc {exc}") from None
    known = OPTIMISM_PORTALS.get(chain_id)
    if portal is None and known is None:
        if from_env:
            click.echo(f"note: REVSHARE_L1_RPC is set, but chain {chain_id} has no known OptimismPortal "
                       "(give --portal): L1 finality is not checked", err=True)  # fmt: skip
            return None
        raise click.UsageError(
            f"--l1-rpc: chain {chain_id} has no known OptimismPortal; name it with --portal"
        )
    try:
        address = parse_address(portal) if portal else known[1]  # type: ignore[index]
    except ValueError as exc:
        raise click.UsageError(f"--portal: {exc}") from None
    request = HttpJsonRpc(url)
    try:
        l1_chain = int(request("eth_chainId", []), 16)
        read_portal_settings(ChainReader(request), address)
    except PortalError as exc:
        raise InputError(f"--portal: {exc}") from None
    except Exception as exc:  # the node's own words, without its URL
        raise click.ClickException(f"--l1-rpc: the L1 node did not answer: {one_line(exc)}") from None
    if portal is None and known is not None and l1_chain != known[0]:
        raise InputError(
            f"--l1-rpc: chain {chain_id}'s OptimismPortal is on chain {known[0]}, "
            f"but that node is chain {l1_chain}"
        )
    return L1Source(request, address)


@click.command(cls=ReportCommand, short_help="Transparency report from on-chain data")
@records_option()
@click.option(
    "--splitter",
    "splitters",
    multiple=True,
    metavar="CHAIN_ID=ADDRESS[@BLOCK]",
    help="A splitter to report on (repeatable); default: those in the network's deployment record",
)
@click.option(
    "--shared",
    "shared",
    multiple=True,
    metavar="ADDRESS[@BLOCK]",
    help="A SharedSequencerSplitter to report on too (repeatable), replayed from BLOCK, its deployment "
    "block [default: the range's start]",
)
@report_options
@click.option(
    "--l1-rpc",
    envvar="REVSHARE_L1_RPC",
    default=None,
    metavar="URL",
    help="An L1 node: read each L1 withdrawal's finality from the OptimismPortal's events "
    "[env: REVSHARE_L1_RPC; never printed]",
)
@click.option(
    "--portal",
    default=None,
    metavar="ADDRESS",
    help="The chain's OptimismPortal on L1 [default: the known one of the chain, if any]",
)
@click.option(
    "--explorer-url",
    default=None,
    help="Block explorer the HTML page links to [default: the known one of the chain, if any]",
)
def cli(
    record_dir: Path,
    splitters: tuple[str, ...],
    shared: tuple[str, ...],
    from_block: int | None,
    to_block: int | None,
    period: str,
    page_size: int,
    out: Path | None,
    l1_rpc: str | None,
    portal: str | None,
    explorer_url: str | None,
) -> None:
    """The transparency report of the chosen splitters (default: those in the deployment record)
    and of any shared sequencer splitter named."""
    from ape import networks

    if explorer_url is not None and not re.match(r"https?://[^\s/]", explorer_url, re.IGNORECASE):
        raise click.UsageError("--explorer-url must be an http(s) URL, e.g. https://optimistic.etherscan.io")
    choice = networks.provider.network_choice
    record = record_path(record_dir, choice)
    try:
        shared_targets = [parse_shared(value) for value in shared]
        if splitters:
            targets = Targets([parse_splitter(value) for value in splitters], shared_targets)
        elif shared_targets and not record.exists():  # a shared splitter alone
            targets = Targets([], shared_targets)
        else:
            targets = replace(targets_from_record(record), shared=shared_targets)
    except TargetError as exc:
        raise click.UsageError(str(exc)) from None
    folder = out or Path("reports") / record_path(Path(), choice).with_suffix("")
    l1 = None
    if l1_rpc or portal:  # the chain's id as its node says it (ape may answer its network's setting)
        chain_id = int(provider_request(networks.provider)("eth_chainId", []), 16)
        source = click.get_current_context().get_parameter_source("l1_rpc")
        l1 = l1_source(
            l1_rpc, portal, chain_id, from_env=source == ParameterSource.ENVIRONMENT and not portal
        )
    report = run_report(targets, choice, from_block, to_block, period, page_size, folder, explorer_url, l1)
    if not report.ok:
        sys.exit(3)
