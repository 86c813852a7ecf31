"""`ape run benchmark_shared`: gas per shared-sequencer epoch report for 1-256 chains, against
a naive push-to-every-recipient design measured in the same run."""

from __future__ import annotations

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from tools.gas_benchmark import BLOCK_GAS_LIMIT, benchmark_table, marginal, run_benchmark


@click.command(cls=ConnectedProviderCommand, short_help="Gas benchmark of shared-sequencer epochs")
def cli():
    from ape import accounts, chain, networks, project

    if networks.provider.network.name != "local":
        raise click.UsageError("the benchmark runs on a local network only")
    logger.set_level("WARNING")
    measurements = run_benchmark(
        project, chain, accounts.test_accounts[0], accounts.test_accounts[1], log=click.echo
    )
    click.echo("\nGas per epoch report (first epoch of each chain / every later epoch):")
    click.echo(benchmark_table(measurements))
    largest = max(measurements, key=lambda m: m.chains)
    click.echo(
        f"\nMarginal gas per chain per epoch (steady state): {marginal(measurements, 'shared_steady'):,.0f} "
        f"shared vs {marginal(measurements, 'naive_steady'):,.0f} naive push.\n"
        f"{largest.chains} chains in one report: {largest.shared_steady:,} gas "
        f"({100 * largest.shared_steady / BLOCK_GAS_LIMIT:.1f}% of a 30M-gas block), "
        f"first epoch {largest.shared_first:,} ({100 * largest.shared_first / BLOCK_GAS_LIMIT:.1f}%)."
    )
