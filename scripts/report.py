"""`ape run report [--network ...] [--records DIR | --splitter CHAIN_ID=ADDRESS ...]`

Builds the transparency report from chain data alone: per chain and period gross revenue, L1
cost, net, both shares, the effective rate and the rule applied, a wei-level reconciliation of
vault withdrawals, disbursements, payouts and claimable balances, and the files (text, CSV,
JSON, PNG charts, HTML) in a reports folder. Exits 3 when it finds an unexplained gap, 2 when the
chain does not hold what it was asked to read (no contract, another chain, a range the node does
not have), 1 when the node keeps failing; every error is one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from revshare.cli import records_option
from revshare.record import record_path
from revshare.report.cli import ReportCommand, report_options, run_report
from revshare.report.targets import TargetError, Targets, parse_splitter, targets_from_record


@click.command(cls=ReportCommand, short_help="Transparency report from on-chain data")
@records_option()
@click.option(
    "--splitter",
    "splitters",
    multiple=True,
    metavar="CHAIN_ID=ADDRESS[@BLOCK]",
    help="A splitter to report on (repeatable); default: those in the network's deployment record",
)
@report_options
def cli(record_dir, splitters, from_block, to_block, period, page_size, out):
    from ape import networks

    choice = networks.provider.network_choice
    try:
        if splitters:
            chosen = [parse_splitter(value) for value in splitters]
            targets = Targets(chosen)
        else:
            targets = targets_from_record(record_path(record_dir, choice))
    except TargetError as exc:
        raise click.UsageError(str(exc)) from None
    folder = out or Path("reports") / record_path(Path(), choice).with_suffix("")
    report = run_report(targets, choice, from_block, to_block, period, page_size, folder)
    if not report.ok:
        sys.exit(3)
