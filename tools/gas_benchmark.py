"""Gas benchmark: shared-sequencer epoch reports vs a naive push-to-every-recipient design.

Both contracts settle the same epochs for N chains in the same run on the same node. "First"
is a chain's first epoch (its storage slot or its treasury account is created); "steady" is
every epoch after that. Marginal gas per chain comes from the difference between the two
largest sizes, so fixed per-report costs cancel out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from revshare.cli_options import local_network_only
from revshare.epochs import ChainRevenue, placeholder_treasury
from revshare.terminal import Log, render_table

SIZES = (1, 16, 64, 256)
BLOCK_GAS_LIMIT = 30_000_000
FIRST_CHAIN_ID = 2_000_000
ZERO_HASH = b"\x00" * 32


@dataclass(frozen=True)
class Measurement:
    """Gas of one epoch report of `chains` chains, per design and phase."""

    chains: int
    shared_first: int
    shared_steady: int
    naive_first: int
    naive_steady: int


def epoch_revenues(chain_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """Realistic per-chain figures: about 1-3 ETH gross, L1 cost 20-80% of it."""
    revenues = []
    for index, chain_id in enumerate(chain_ids):
        gross = 10**18 + (index * 7_919_000_000_000_000) % (2 * 10**18) + chain_id
        revenues.append(ChainRevenue(chain_id, gross, gross * (20 + index % 61) // 100).as_tuple())
    return revenues


def run_benchmark(
    project: Any, chain: Any, owner: Any, reporter: Any, sizes: Sequence[int] = SIZES, log: Log = print
) -> list[Measurement]:
    """Deploy both designs on the connected node and measure epoch reports of each size."""
    collective = "0x" + "c0" * 20
    registry = owner.deploy(project.ChainRegistry, owner, collective, "0x" + "00" * 20)
    chain_ids = [FIRST_CHAIN_ID + i for i in range(max(sizes))]
    log(f"registering {len(chain_ids)} chains ...")
    for done, chain_id in enumerate(chain_ids, start=1):
        registry.registerChain(chain_id, placeholder_treasury(chain_id), 250, 1_500, ZERO_HASH, sender=owner)
        if done % 64 == 0:
            log(f"  {done}/{len(chain_ids)}")
    shared = owner.deploy(project.SharedSequencerSplitter, registry, reporter, owner, 500)
    naive = owner.deploy(project.NaivePushSplitter, registry)
    chain.provider.set_balance(reporter.address, 10**30)

    measurements = []
    for size in sizes:
        snapshot = chain.snapshot()
        try:
            revenues = epoch_revenues(chain_ids[:size])
            value = sum(r[1] for r in revenues)
            gas = []
            for contract in (shared, naive):
                for epoch in (1, 2):
                    receipt = contract.reportEpoch(epoch, revenues, value=value, sender=reporter)
                    gas.append(receipt.gas_used)
            measurements.append(Measurement(size, *gas))
            log(f"  measured {size} chain(s)")
        finally:
            chain.restore(snapshot)
    return measurements


def marginal(measurements: Sequence[Measurement], field: str) -> float:
    """Gas per additional chain between the two largest sizes."""
    small, large = sorted(measurements, key=lambda m: m.chains)[-2:]
    return (getattr(large, field) - getattr(small, field)) / (large.chains - small.chains)


def benchmark_table(measurements: Sequence[Measurement]) -> str:
    rows = [
        [
            str(m.chains),
            f"{m.shared_first:,}",
            f"{m.shared_steady:,}",
            f"{m.shared_steady / m.chains:,.0f}",
            f"{m.naive_first:,}",
            f"{m.naive_steady:,}",
            f"{m.naive_steady / m.chains:,.0f}",
        ]
        for m in measurements
    ]
    footer = [
        "marginal",
        f"{marginal(measurements, 'shared_first'):,.0f}",
        f"{marginal(measurements, 'shared_steady'):,.0f}",
        "",
        f"{marginal(measurements, 'naive_first'):,.0f}",
        f"{marginal(measurements, 'naive_steady'):,.0f}",
        "",
    ]
    headers = [
        "chains",
        "shared first",
        "shared steady",
        "per chain",
        "naive push first",
        "naive push steady",
        "per chain",
    ]
    return render_table(headers, rows, footer=footer)


@click.command(cls=ConnectedProviderCommand, short_help="Gas benchmark of shared-sequencer epochs")
def cli() -> None:
    """Gas per epoch report, shared sequencer vs naive push, for 1 to 256 chains."""
    from ape import accounts, chain, project

    local_network_only("the benchmark")
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
