"""Gas of one `disburseFees()` of OP's FeeSplitter with this project's registry-driven calculator
(`RegistrySharesCalculator`: terms read from the registry, both shares through `SharePayee`s
that cannot fail) next to the same disbursement with a fixed-rate calculator (a model of OP's
`SuperchainRevSharesCalculator`: constant rates, shares paid straight to two addresses).

Same node, same vault balances, same recipients (fresh accounts). "First" is the first
disbursement after the calculator is set (recipient accounts are created, storage is cold);
"steady" is the next one. The FeeSplitter and the 1.6.0 vaults are the project's test-only models
at the predeploy addresses (no package ships their bytecode); the ProxyAdmin is the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click
from ape.logging import logger

from revshare.artifacts import container
from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS
from revshare.cli_options import LocalNodeCommand, local_network_only
from revshare.demo.predeploys import install_fee_splitter, install_fee_vaults, install_proxy_admin
from revshare.terminal import Log, render_table

ETHER = 10**18
DAY = 86_400
# One day's fees per vault: sequencer, base, operator, L1 (the L1 fee vault about 40%).
FEES = {
    "sequencer_fee_vault": 3 * ETHER + 123_457,
    "base_fee_vault": 2 * ETHER + 98_765,
    "operator_fee_vault": ETHER // 4 + 4_321,
    "l1_fee_vault": 3 * ETHER + 55_555,
}


@dataclass(frozen=True)
class Measurement:
    """Gas of `disburseFees()` with one calculator."""

    calculator: str
    first: int
    steady: int


def _disburse(chain: Any, keeper: Any, fee_splitter: Any) -> int:
    for role, amount in FEES.items():
        keeper.transfer(PREDEPLOY_VAULTS[role], amount)
    chain.pending_timestamp += DAY
    return int(fee_splitter.disburseFees(sender=keeper).gas_used)


def run_benchmark(project: Any, chain: Any, owner: Any, keeper: Any, log: Log = print) -> list[Measurement]:
    """Install the predeploys and measure both calculators on the connected local node."""
    from eth_utils import keccak, to_checksum_address

    def fresh(label: str) -> str:
        return to_checksum_address(keccak(text=f"fee splitter benchmark {label}")[12:])

    collective, treasury = fresh("collective"), fresh("treasury")
    chain_id = chain.provider.chain_id
    install_proxy_admin(owner.address)
    registry = owner.deploy(project.ChainRegistry, owner, collective, "0x" + "00" * 20)
    registry.registerChain(chain_id, treasury, 250, 1_500, b"\x00" * 32, sender=owner)
    calculators = {
        "fixed-rate (OP's model)": owner.deploy(
            container("SuperchainSharesCalculatorModel"), collective, treasury
        ),
        "registry-driven": owner.deploy(project.RegistrySharesCalculator, registry, chain_id),
    }
    fee_splitter = install_fee_splitter(owner, calculators["fixed-rate (OP's model)"])
    install_fee_vaults(owner, FEE_SPLITTER)
    measurements = []
    for name, calculator in calculators.items():
        snapshot = chain.snapshot()
        try:
            fee_splitter.setSharesCalculator(calculator, sender=owner)
            first = _disburse(chain, keeper, fee_splitter)
            steady = _disburse(chain, keeper, fee_splitter)
        finally:
            chain.restore(snapshot)
        measurements.append(Measurement(name, first, steady))
        log(f"  measured {name}")
    return measurements


def benchmark_table(measurements: list[Measurement]) -> str:
    base = measurements[0]
    rows = [
        [
            m.calculator,
            f"{m.first:,}",
            f"{m.steady:,}",
            f"{m.steady - base.steady:+,}",
            f"{m.steady / base.steady:.2f}",
        ]
        for m in measurements
    ]
    return render_table(["calculator", "first", "steady", "steady vs fixed", "ratio"], rows)


@click.command(cls=LocalNodeCommand, short_help="Gas of a FeeSplitter disbursement per calculator")
def cli() -> None:
    """Gas of OP's FeeSplitter `disburseFees()` with the registry-driven and a fixed-rate calculator."""
    from ape import accounts, chain, project

    local_network_only("the benchmark")
    logger.set_level("WARNING")
    measurements = run_benchmark(
        project, chain, accounts.test_accounts[0], accounts.test_accounts[1], click.echo
    )
    click.echo("\nGas of one disburseFees() (four vaults, two recipients, same balances):")
    click.echo(benchmark_table(measurements))
    click.echo(
        "\nThe registry-driven calculator reads the chain's terms from the registry and pays both shares "
        "through SharePayees (each forwards with bounded gas after its own registry reads): what it costs "
        "to keep a reverting treasury from blocking the Collective and to change terms without a new "
        "calculator."
    )
