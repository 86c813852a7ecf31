"""Gas benchmark: shared-sequencer epoch reports, packed and ABI-encoded, vs a naive
push-to-every-recipient design.

All three settle the same epochs for N chains in the same run on the same node. "First" is a
chain's first epoch (its storage slot or its treasury account is created); "steady" is every
epoch after that. Marginal gas per chain comes from the difference between the two largest
sizes, so fixed per-report costs cancel out. Calldata bytes are those of the transactions sent;
the L1 data fee of the largest report is what OP's own GasPriceOracle (Fjord rules, FastLZ
estimate, from `@eth-optimism/contracts-bedrock`) charges for that calldata at the stated L1 fees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click
from ape.logging import logger

from revshare import artifacts
from revshare.chain.addresses import DEPOSITOR_ACCOUNT, ETH_ASSET, GAS_PRICE_ORACLE, L1_BLOCK_ATTRIBUTES
from revshare.chain.rpc import wait_for_receipt
from revshare.cli_options import LocalNodeCommand, local_network_only
from revshare.epochs import ChainRevenue, pack_report, placeholder_treasury
from revshare.terminal import Log, render_table

SIZES = (1, 16, 64, 256)
BLOCK_GAS_LIMIT = 30_000_000
FIRST_CHAIN_ID = 2_000_000
ZERO_HASH = b"\x00" * 32
DESIGNS = ("packed", "abi", "naive")
# OP Mainnet's Ecotone scalars; the L1 fees are options of the command.
BASE_FEE_SCALAR = 5_227
BLOB_BASE_FEE_SCALAR = 1_014_213
GWEI = 10**9


@dataclass(frozen=True)
class Measurement:
    """Gas and calldata bytes of one epoch report of `chains` chains, per design and phase."""

    chains: int
    shared_first: int  # packed
    shared_steady: int
    abi_first: int
    abi_steady: int
    naive_first: int
    naive_steady: int
    packed_bytes: int = 0
    abi_bytes: int = 0
    packed_l1_fee: int = 0  # wei, steady-state report
    abi_l1_fee: int = 0


@dataclass(frozen=True)
class L1Fees:
    """The L1 prices the data fee is estimated at."""

    base_fee: int = 2 * GWEI
    blob_base_fee: int = 1 * GWEI

    def describe(self) -> str:
        return (
            f"L1 base fee {self.base_fee / GWEI:g} gwei, blob base fee {self.blob_base_fee / GWEI:g} gwei, "
            f"scalars {BASE_FEE_SCALAR:,} / {BLOB_BASE_FEE_SCALAR:,} (OP Mainnet's)"
        )


def install_fee_oracle(chain: Any, fees: L1Fees) -> None:
    """OP's L1Block and GasPriceOracle at their predeploys, with Fjord on and the given L1 fees."""
    provider = chain.provider
    for address, name in ((L1_BLOCK_ATTRIBUTES, "L1Block"), (GAS_PRICE_ORACLE, "GasPriceOracle")):
        provider.set_code(address, artifacts.contract_type(name).runtime_bytecode.bytecode)
    provider.make_request("anvil_impersonateAccount", [DEPOSITOR_ACCOUNT])
    provider.set_balance(DEPOSITOR_ACCOUNT, 10**18)
    values = (
        BASE_FEE_SCALAR.to_bytes(4, "big")
        + BLOB_BASE_FEE_SCALAR.to_bytes(4, "big")
        + bytes(8 + 8)  # sequence number, timestamp
        + (1).to_bytes(8, "big")  # L1 block number
        + fees.base_fee.to_bytes(32, "big")
        + fees.blob_base_fee.to_bytes(32, "big")
        + bytes(64)  # hash, batcher hash
    )
    calls = [
        (L1_BLOCK_ATTRIBUTES, "0x440a5e20" + values.hex()),  # setL1BlockValuesEcotone()
        (GAS_PRICE_ORACLE, "0x22b90ab3"),  # setEcotone()
        (GAS_PRICE_ORACLE, "0x8e98b106"),  # setFjord()
    ]
    for to, data in calls:
        call = {"from": DEPOSITOR_ACCOUNT, "to": to, "data": data}
        tx = provider.make_request("eth_sendTransaction", [call])
        # anvil mines at once, but under load the receipt can trail the hash.
        receipt = wait_for_receipt(provider.make_request, tx, timeout=30, poll=0.05)
        if int(receipt["status"], 16) != 1:
            raise RuntimeError(f"setting up OP's fee oracle failed at {to} ({data[:10]})")
    provider.make_request("anvil_stopImpersonatingAccount", [DEPOSITOR_ACCOUNT])


def l1_data_fee(chain: Any, calldata: bytes) -> int:
    """The L1 data fee OP's GasPriceOracle charges for `calldata` (the transaction's envelope and
    signature excluded: they are the same for every design)."""
    from eth_abi import decode, encode

    data = "0x49948e0e" + encode(["bytes"], [calldata]).hex()  # getL1Fee(bytes)
    result = chain.provider.make_request("eth_call", [{"to": GAS_PRICE_ORACLE, "data": data}, "latest"])
    return decode(["uint256"], bytes.fromhex(str(result)[2:]))[0]


def epoch_revenues(chain_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """Realistic per-chain figures: about 1-3 ETH gross, L1 cost 20-80% of it."""
    revenues = []
    for index, chain_id in enumerate(chain_ids):
        gross = 10**18 + (index * 7_919_000_000_000_000) % (2 * 10**18) + chain_id
        revenues.append(ChainRevenue(chain_id, gross, gross * (20 + index % 61) // 100).as_tuple())
    return revenues


def run_benchmark(
    project: Any,
    chain: Any,
    owner: Any,
    reporter: Any,
    sizes: Sequence[int] = SIZES,
    log: Log = print,
    fees: L1Fees | None = None,
) -> list[Measurement]:
    """Deploy the designs on the connected node and measure epoch reports of each size."""
    install_fee_oracle(chain, fees or L1Fees())
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
            packed = pack_report(ChainRevenue(*r) for r in revenues)
            value = sum(r[1] for r in revenues)
            gas, sent = [], {}
            for design in DESIGNS:
                inner = chain.snapshot()
                for epoch in (1, 2):
                    if design == "packed":
                        receipt = shared.reportEpochPacked(epoch, epoch, packed, value=value, sender=reporter)
                    else:
                        args = (epoch, epoch, revenues) if design == "abi" else (epoch, revenues)
                        receipt = (shared if design == "abi" else naive).reportEpoch(
                            *args, value=value, sender=reporter
                        )
                    gas.append(receipt.gas_used)
                    sent[design] = bytes(receipt.transaction.data)
                chain.restore(inner)
            measurements.append(
                Measurement(
                    size,
                    *gas,
                    packed_bytes=len(sent["packed"]),
                    abi_bytes=len(sent["abi"]),
                    packed_l1_fee=l1_data_fee(chain, sent["packed"]),
                    abi_l1_fee=l1_data_fee(chain, sent["abi"]),
                )
            )
            log(f"  measured {size} chain(s)")
        finally:
            chain.restore(snapshot)
    return measurements


DISPUTE_WINDOW = 3_600


def dispute_window_cost(
    project: Any, chain: Any, owner: Any, reporter: Any, chains: int = 16
) -> tuple[int, int, int, int]:
    """Steady-state gas of one packed report of `chains` chains and of `chains` + 1, without and
    with a dispute window (which records each epoch's digest and deadline): (without, with,
    without + 1 chain, with + 1 chain)."""
    collective = "0x" + "c0" * 20
    snapshot = chain.snapshot()
    try:
        registry = owner.deploy(project.ChainRegistry, owner, collective, "0x" + "00" * 20)
        ids = [FIRST_CHAIN_ID + i for i in range(chains + 1)]
        for chain_id in ids:
            registry.registerChain(
                chain_id, placeholder_treasury(chain_id), 250, 1_500, ZERO_HASH, sender=owner
            )
        gas = []
        for window in (0, DISPUTE_WINDOW):
            for size in (chains, chains + 1):
                inner = chain.snapshot()
                shared = owner.deploy(project.SharedSequencerSplitter, registry, reporter, owner, 500)
                shared.setDisputeWindow(window, sender=owner)
                revenues = epoch_revenues(ids[:size])
                packed = pack_report(ChainRevenue(*r) for r in revenues)
                value = sum(r[1] for r in revenues)
                for epoch in (1, 2):
                    chain.pending_timestamp = max(
                        chain.pending_timestamp,
                        shared.epochRecord(epoch - 1).reportableAt,
                        shared.lastWindowEnd(ETH_ASSET) + 1,
                    )
                    end = chain.pending_timestamp
                    receipt = shared.reportEpochPacked(epoch, end, packed, value=value, sender=reporter)
                gas.append(receipt.gas_used)
                chain.restore(inner)
        without, without_more, with_window, with_more = gas
        return without, with_window, without_more, with_more
    finally:
        chain.restore(snapshot)


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
            f"{m.abi_steady:,}",
            f"{m.naive_first:,}",
            f"{m.naive_steady:,}",
        ]
        for m in measurements
    ]
    footer = [
        "marginal",
        f"{marginal(measurements, 'shared_first'):,.0f}",
        f"{marginal(measurements, 'shared_steady'):,.0f}",
        "",
        f"{marginal(measurements, 'abi_steady'):,.0f}",
        f"{marginal(measurements, 'naive_first'):,.0f}",
        f"{marginal(measurements, 'naive_steady'):,.0f}",
    ]
    headers = [
        "chains",
        "packed first",
        "packed steady",
        "per chain",
        "ABI steady",
        "naive push first",
        "naive push steady",
    ]
    return render_table(headers, rows, footer=footer)


def calldata_table(measurements: Sequence[Measurement]) -> str:
    """Calldata and L1 data fee per report, packed vs the ABI form (which the naive design shares)."""
    rows = [
        [
            str(m.chains),
            f"{m.packed_bytes:,}",
            f"{m.abi_bytes:,}",
            f"{m.packed_l1_fee / GWEI:,.0f}",
            f"{m.abi_l1_fee / GWEI:,.0f}",
            f"{m.abi_l1_fee / m.packed_l1_fee:.2f}" if m.packed_l1_fee else "-",
        ]
        for m in measurements
    ]
    footer = [
        "per chain",
        f"{marginal(measurements, 'packed_bytes'):,.0f}",
        f"{marginal(measurements, 'abi_bytes'):,.0f}",
        f"{marginal(measurements, 'packed_l1_fee') / GWEI:,.0f}",
        f"{marginal(measurements, 'abi_l1_fee') / GWEI:,.0f}",
        "",
    ]
    headers = [
        "chains",
        "packed bytes",
        "ABI bytes",
        "packed L1 fee (gwei)",
        "ABI L1 fee (gwei)",
        "ABI / packed",
    ]
    return render_table(headers, rows, footer=footer)


MAX_FEE_GWEI = 1_000_000.0  # 1,000,000 gwei: far above any L1 fee seen, far below the oracle's overflow


def _gwei(_ctx: click.Context, param: click.Parameter, value: float) -> float:
    """A fee in gwei (click has made it a float): finite, from 0 to `MAX_FEE_GWEI`; a range type
    alone would let nan through."""
    if not math.isfinite(value) or not 0 <= value <= MAX_FEE_GWEI:
        raise click.BadParameter(f"{value} is not a fee from 0 to {MAX_FEE_GWEI:,.0f} gwei", param=param)
    return value


@click.command(cls=LocalNodeCommand, short_help="Gas benchmark of shared-sequencer epochs")
@click.option("--l1-base-fee", default=2.0, show_default=True, callback=_gwei, help="L1 base fee, gwei")
@click.option(
    "--blob-base-fee", default=1.0, show_default=True, callback=_gwei, help="L1 blob base fee, gwei"
)
def cli(l1_base_fee: float, blob_base_fee: float) -> None:
    """Gas and L1 data fee per epoch report for 1 to 256 chains: packed, ABI-encoded, naive push."""
    from ape import accounts, chain, project

    local_network_only("the benchmark")
    logger.set_level("WARNING")
    fees = L1Fees(int(l1_base_fee * GWEI), int(blob_base_fee * GWEI))
    measurements = run_benchmark(
        project, chain, accounts.test_accounts[0], accounts.test_accounts[1], log=click.echo, fees=fees
    )
    click.echo("\nGas per epoch report (first epoch of each chain / every later epoch):")
    click.echo(benchmark_table(measurements))
    click.echo(f"\nCalldata and L1 data fee of one steady-state report ({fees.describe()}):")
    click.echo(calldata_table(measurements))
    largest = max(measurements, key=lambda m: m.chains)
    gas, size = (lambda field: f"{marginal(measurements, field):,.0f}"), marginal
    click.echo(
        f"\nMarginal per chain per epoch (steady state): {gas('shared_steady')} gas and "
        f"{size(measurements, 'packed_bytes'):,.0f} bytes packed; {gas('abi_steady')} gas and "
        f"{size(measurements, 'abi_bytes'):,.0f} bytes ABI-encoded; {gas('naive_steady')} gas naive push. "
        "Goals: <= 8,000 gas, <= 40 bytes."
    )
    click.echo(
        f"{largest.chains} chains in one packed report: {largest.shared_steady:,} gas "
        f"({100 * largest.shared_steady / BLOCK_GAS_LIMIT:.1f}% of a 30M-gas block), "
        f"first epoch {largest.shared_first:,} ({100 * largest.shared_first / BLOCK_GAS_LIMIT:.1f}%); "
        f"L1 data fee {largest.packed_l1_fee / 10**18:.9f} ETH packed, "
        f"{largest.abi_l1_fee / 10**18:.9f} ETH ABI-encoded (the naive design's calldata)."
    )
    without, with_window, without_more, with_more = dispute_window_cost(
        project, chain, accounts.test_accounts[0], accounts.test_accounts[1]
    )
    click.echo(
        f"With a dispute window ({DISPUTE_WINDOW:,} s), a 16-chain packed report costs {with_window:,} gas "
        f"instead of {without:,}: {with_window - without:+,} per epoch (its digest and deadline), "
        f"{(with_more - with_window) - (without_more - without):+,} per chain."
    )
