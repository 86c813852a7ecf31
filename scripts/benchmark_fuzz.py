"""`ape run benchmark_fuzz`: split cases checked per second (batched harness), stateful steps per
second, and the last mutation score."""

from __future__ import annotations

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from tools.fuzz_benchmark import (
    batched_cases_per_second,
    last_mutation_score,
    stateful_steps_per_second,
)
from tools.mutation import STATEFUL_RESULTS


@click.command(cls=ConnectedProviderCommand, short_help="Throughput of the property-testing suite")
@click.option("--batches", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--batch-size", default=250, show_default=True, type=click.IntRange(1, 2000))
def cli(batches, batch_size):
    from ape import accounts, networks, project

    if networks.provider.network.name != "local":
        raise click.UsageError("the benchmark runs on a local network only")
    logger.set_level("WARNING")
    harness = accounts.test_accounts[0].deploy(project.RevenueShareMathHarness)
    rate = batched_cases_per_second(harness, batches, batch_size)
    click.echo(f"split cases checked against the model: {rate:,.0f} cases/s ({batch_size} per call)")
    click.echo("running the stateful test ...")
    click.echo(f"stateful steps: {stateful_steps_per_second()}")
    click.echo(f"mutation score, relevant tests: {last_mutation_score()}")
    click.echo(f"mutation score, stateful test alone: {last_mutation_score(STATEFUL_RESULTS)}")
