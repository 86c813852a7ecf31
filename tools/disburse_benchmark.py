"""Gas of one `ChainRevenueSplitter.disburse()` next to a Base-style FeeDisburser doing the same
payout, in one run on one node:

- an OP-mode anvil with OP's real 1.4.1 SequencerFeeVault, BaseFeeVault and L1FeeVault and the
  real withdrawal path (L2StandardBridge, L2CrossDomainMessenger, L2ToL1MessagePasser, L1Block)
  from `@eth-optimism/contracts-bedrock` at the predeploys;
- the reference: `FeeDisburserModel`, written for the project from the published behaviour of
  Base's FeeDisburser (fixed 250/1500 bps, three vaults, the share paid on L2, the rest bridged with
  `bridgeETHTo`, the whole transaction reverting on any failure);
- this project's splitter over the same three vaults (no OperatorFeeVault), the Collective paid on
  L2 and the treasury routed to L1 through the bridge by the registry, so both pay the same way.

Each design disburses the same vault balances for several days; "first" is its first disbursement
(storage and recipient accounts created), "steady" the mean of the others. Every payout is checked
against the reference model before a figure is printed.

    ape run benchmark_disburse [--days 4]
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import click

from revshare.calendar import DAY
from revshare.chain.addresses import PREDEPLOY_VAULTS, ZERO_ADDRESS
from revshare.chain.routes import Route
from revshare.demo import opstack
from revshare.demo.localnet import LocalChain
from revshare.deploying.plan import create_address
from revshare.model import split
from revshare.terminal import Log, render_table

ETHER = 10**18
CHAIN_ID = 901
# One day's fees per vault (the L1 fee vault about 40%); a little odd, so rounding shows.
FEES = {
    "sequencer_fee_vault": 3 * ETHER + 123_457,
    "base_fee_vault": 2 * ETHER + 98_765,
    "l1_fee_vault": 3 * ETHER + 55_555,
}
L1_GAS = 35_000  # the FeeDisburser's bridge gas limit, given to the splitter's L1 route too
L1_BRIDGE = "0x000000000000000000000000000000000000b1d6"
L1_MESSENGER = "0x000000000000000000000000000000000000b1d7"
COLLECTIVE_A, COLLECTIVE_B = (
    "0x00000000000000000000000000000000000c0a01",
    "0x00000000000000000000000000000000000c0b01",
)
TREASURY_L2, TREASURY_L1 = (
    "0x0000000000000000000000000000000000007e02",
    "0x0000000000000000000000000000000000007e01",
)


@dataclass(frozen=True)
class Measurement:
    design: str
    gas: tuple[int, ...]  # per day

    @property
    def first(self) -> int:
        return self.gas[0]

    @property
    def steady(self) -> float:
        return statistics.fmean(self.gas[1:])


def _expected_share() -> int:
    gross = sum(FEES.values())
    return split(gross, FEES["l1_fee_vault"]).collective


def _run(
    node: LocalChain, target: str, method: str, collective: str, keeper: str, days: int
) -> tuple[int, ...]:
    """Fill the vaults, move a day on, disburse; check the Collective got the model's share."""
    gas = []
    for _ in range(days):
        for role, fee in FEES.items():
            node.set_balance(PREDEPLOY_VAULTS[role], fee)
        node.set_next_timestamp(int(node.block()["timestamp"], 16) + DAY)
        before = node.balance(collective)
        receipt = node.transact(target, method, [], sender=keeper)
        paid = node.balance(collective) - before
        if paid != _expected_share():
            raise RuntimeError(f"{method} paid the Collective {paid} wei, the model says {_expected_share()}")
        gas.append(int(receipt["gasUsed"], 16))
    return tuple(gas)


def run_benchmark(days: int = 4, log: Log = print) -> list[Measurement]:
    """Both designs on one fresh OP-mode anvil; their gas per disbursement."""
    roles = tuple(FEES)
    with LocalChain(CHAIN_ID, optimism=True, base_fee=0) as node:
        governance, keeper = node.accounts()[0], node.accounts()[1]
        opstack.install_withdrawal_path(node, L1_BRIDGE, L1_MESSENGER, sender=governance)

        log("reference: FeeDisburserModel over the real vaults and bridge")
        disburser = create_address(
            governance, int(node.request("eth_getTransactionCount", [governance, "latest"]), 16)
        )
        opstack.install_legacy_vaults(node, {role: disburser for role in roles})
        node.deploy("FeeDisburserModel", COLLECTIVE_B, TREASURY_L1, DAY, sender=governance)
        reference = _run(node, disburser, "disburseFees()", COLLECTIVE_B, keeper, days)

        log("this project: ChainRevenueSplitter, the treasury routed to L1 through the bridge")
        registry = node.deploy("ChainRegistry", governance, COLLECTIVE_A, ZERO_ADDRESS, sender=governance)
        node.transact(
            registry,
            "registerChain(uint256,address,uint16,uint16,bytes32)",
            [CHAIN_ID, TREASURY_L2, 250, 1500, b"\x00" * 32],
            sender=governance,
        )
        node.transact(
            registry,
            "setDestination(address,(uint8,address,uint32,uint128))",
            [TREASURY_L2, (int(Route.L1_STANDARD_BRIDGE), TREASURY_L1, L1_GAS, 0)],
            sender=governance,
        )
        splitter = create_address(
            governance, int(node.request("eth_getTransactionCount", [governance, "latest"]), 16)
        )
        opstack.install_legacy_vaults(node, {role: splitter for role in roles})
        vaults = [PREDEPLOY_VAULTS[r] for r in roles] + [
            ZERO_ADDRESS
        ]  # no OperatorFeeVault, as the reference
        node.deploy("ChainRevenueSplitter", registry, CHAIN_ID, vaults, DAY, sender=governance)
        ours = _run(node, splitter, "disburse()", COLLECTIVE_A, keeper, days)
    return [Measurement("FeeDisburser (reference)", reference), Measurement("ChainRevenueSplitter", ours)]


def benchmark_table(measurements: list[Measurement]) -> str:
    reference, ours = measurements
    rows = [[m.design, f"{m.first:,}", f"{m.steady:,.0f}"] for m in measurements]
    rows.append(
        [
            "ratio (ours / reference)",
            f"{ours.first / reference.first:.2f}",
            f"{ours.steady / reference.steady:.2f}",
        ]
    )
    return render_table(["design", "first disbursement gas", "steady-state gas"], rows)


@click.command(name="benchmark_disburse")
@click.option(
    "--days", default=4, show_default=True, type=click.IntRange(2, 60), help="Disbursements per design"
)
def cli(days: int) -> None:
    """Gas of the splitter's disbursement next to a Base-style FeeDisburser, in one run."""
    measurements = run_benchmark(days, log=click.echo)
    click.echo("")
    click.echo(benchmark_table(measurements))
    click.echo(
        "\nSame node, same vault balances each day, OP's real 1.4.1 vaults and bridge; every payout checked "
        "against the model. Goal: steady-state ratio <= 1.00."
    )
