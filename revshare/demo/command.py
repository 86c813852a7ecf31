"""The `ape run demo` command: deploy on a local anvil, run simulated days of fees, print the
disbursements, settle a shared-sequencer epoch, live the chain's lifecycle (keeper reward, terms
changed with notice, exit) and write the transparency report; let the local
chain join revenue sharing through OP's FeeSplitter with a generated proposal executed by a Safe;
then script a Superchain on four more local chains and run the monitor over them."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import click
from ape.logging import logger

from revshare.calendar import AUTO
from revshare.chain.reader import DEFAULT_PAGE_SIZE
from revshare.cli_options import LocalNodeCommand, local_network_only
from revshare.demo.fee_splitter import run_join_demo
from revshare.demo.lifecycle import run_lifecycle_act
from revshare.demo.mocks import install_withdrawal_mocks
from revshare.demo.shared_lab import (
    attribution_checks,
    build_shared_lab,
    claim_all,
    collect_day,
    dispute_and_correct,
    report_epoch,
    set_dispute_window,
    shared_epoch,
)
from revshare.demo.shared_sequencer import run_shared_demo, shared_reconciliation, shared_table
from revshare.demo.single_chain import (
    disbursement_table,
    reconciliation,
    run_demo,
    simulate_fees,
)
from revshare.demo.superchain import build_superchain, local_network, monitor_checks, run_days
from revshare.deploying.config import DeployConfig
from revshare.deploying.deploy import deploy
from revshare.deploying.options import config_option
from revshare.monitor.command import monitor
from revshare.monitor.config import load_monitor_config
from revshare.report.command import run_report
from revshare.report.history import SharedTarget
from revshare.report.targets import targets_from_record


@click.command(cls=LocalNodeCommand, short_help="Run the revenue-share demo on a local chain")
@config_option(default="config/demo.yaml")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 365), help="Days to simulate")
@click.option("--seed", default=2026, show_default=True, type=int, help="Fee simulation seed")
@click.option(
    "--report-dir",
    default=Path("reports/demo"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the closing transparency report is written",
)
@click.option(
    "--superchain-days",
    default=45,
    show_default=True,
    type=click.IntRange(31, 730),
    help="Days of the scripted Superchain the monitor reads (chains C and D stop sharing on day 30)",
)
def cli(config: DeployConfig, days: int, seed: int, report_dir: Path, superchain_days: int) -> None:
    """Deploy on a local chain, simulate days of fees and an epoch, then report from the chain."""
    from ape import accounts, networks

    local_network_only("the demo")
    logger.set_level("WARNING")
    operator = accounts.test_accounts[0]
    funder = accounts.test_accounts[1]

    click.echo("== Per-chain revenue splitter ==")
    chain_id = config.chains[0].chain_id
    deployment = deploy(
        config, chain_id, operator, record_dir=Path(".build/demo/deployments"), log=click.echo
    )
    chain_cfg = deployment.chain
    install_withdrawal_mocks(operator)
    click.echo("Payout destinations set from the config (test-only mocks stand in for the predeploys):")
    for recipient, destination in config.destinations.items():
        click.echo(f"  {recipient}: {destination.describe()}")
    click.echo(
        f"\n{chain_cfg.name} (chain {chain_cfg.chain_id}) pays the Collective the greater of "
        f"{chain_cfg.gross_bps / 100:g}% of gross and {chain_cfg.net_bps / 100:g}% of net revenue.\n"
        f"Simulating {days} days of sequencer fees:"
    )
    result = run_demo(deployment, simulate_fees(days, seed), funder, log=click.echo)

    click.echo("\nDisbursements (ETH):")
    click.echo(disbursement_table(result.rows))
    for day, fees in enumerate(result.fees, start=1):
        if fees.direct:
            click.echo(f"  day {day} gross includes {fees.direct} wei sent straight to the splitter")
    ok = report_checks(reconciliation(result), all(row.matches_model() for row in result.rows))
    if result.vault_left:
        click.echo(f"  {result.vault_left} wei is still in vaults below their minimum withdrawal amount")

    click.echo("\n== Shared sequencer: one epoch for every chain ==")
    shared = run_shared_demo(config, deployment.registry, operator, accounts.test_accounts[2], click.echo)
    click.echo("\nEpoch 1 settlement (ETH):")
    click.echo(shared_table(shared, {c.chain_id: c.name for c in config.chains}))
    models_agree = all(
        (r.operator_fee, r.collective_share, r.chain_share)
        == (
            shared.expected[r.chain_id].operator_fee,
            shared.expected[r.chain_id].collective,
            shared.expected[r.chain_id].chain,
        )
        for r in shared.rows
    )
    ok = report_checks(shared_reconciliation(shared), models_agree) and ok

    click.echo("\n== Shared sequencer over three local chains: each chain checks its attribution ==")
    ok = run_shared_lab_part(report_dir.parent / "shared-monitor") and ok
    click.echo(f"\n== {chain_cfg.name}'s lifecycle: a keeper reward, new terms with notice, the exit ==")
    lifecycle_checks = run_lifecycle_act(deployment, operator, funder, result.fees, log=click.echo)
    ok = report_checks(lifecycle_checks, True) and ok

    click.echo("\n== Transparency report, from the chain's events alone ==")
    targets = replace(
        targets_from_record(deployment.record.path),
        shared=[SharedTarget(shared.address, "shared sequencer", shared.deployed_block)],
    )
    report = run_report(
        targets, networks.provider.network_choice, None, None, AUTO, DEFAULT_PAGE_SIZE, report_dir
    )
    ok = report.ok and ok

    click.echo(
        "\n== OP's FeeSplitter: the chain joins revenue sharing with the registry-driven calculator =="
    )
    joined = run_join_demo(
        accounts.test_accounts[3],
        [accounts.test_accounts[4], accounts.test_accounts[5], accounts.test_accounts[6]],
        funder,
        report_dir.parent / "proposals",
        click.echo,
    )
    click.echo(f"The join proposal (Safe batch, proposal.md): {joined.proposal}")
    ok = report_checks(joined.checks, True) and ok

    click.echo(f"\n== Superchain monitor: an L1 and four OP chains, {superchain_days} scripted days ==")
    ok = run_superchain_part(superchain_days, report_dir.parent / "monitor") and ok
    if not ok:
        click.echo("Demo found a discrepancy.", err=True)
        sys.exit(1)


def run_superchain_part(days: int, out: Path) -> bool:
    """Script a Superchain on four local chains, run the monitor over them, check its figures."""
    with local_network(4) as network:
        click.echo(
            f"Started {len(network.chains)} local chains: " + ", ".join(str(c.chain_id) for c in network)
        )
        superchain = build_superchain(network, log=lambda line: click.echo(f"  {line}"))
        run_days(superchain, days, log=lambda line: click.echo(f"  {line}"))
        config_path = superchain.write_config(Path(".build/demo/superchain.yaml"))
        click.echo(f"\nMonitor config written to {config_path} (its nodes stop when the demo ends)\n")
        result = monitor(load_monitor_config(config_path), out, fresh=True)
    flagged = {f.chain for f in result.findings if f.severity != "info"}
    return report_checks(monitor_checks(superchain, result.ledgers), flagged == {"chain-c", "chain-d"})


SHIFT = 10**17  # 0.1 ETH of one chain's revenue the dishonest epoch attributes to another


def run_shared_lab_part(out: Path) -> bool:
    """A shared sequencer serving three local chains: an honest epoch and one shifting revenue
    between chains, each checked by the monitor against every chain's own vault withdrawals; the
    victim's treasury disputes the second, governance corrects it, and the monitor checks again."""
    from revshare.monitor.config import parse_monitor_config

    def say(line: str) -> None:
        click.echo(f"  {line}")

    with local_network(3) as network:
        lab = build_shared_lab(network, log=say)
        set_dispute_window(lab)
        say("governance set a dispute window of 1 hour: each epoch can be disputed for an hour")
        victim, beneficiary = (node.chain_id for node in lab.served[1:3])
        collect_day(lab)
        honest = report_epoch(lab)
        say(f"epoch {honest.epoch} reported honestly (tx {honest.tx_hash})")
        collect_day(lab)
        shifted = report_epoch(lab, shift=(victim, beneficiary, SHIFT))
        say(
            f"epoch {shifted.epoch} reported with 0.1 ETH of {lab.names[victim]}'s revenue attributed to "
            f"{lab.names[beneficiary]} (tx {shifted.tx_hash})"
        )
        config = parse_monitor_config(lab.config(), source="the shared lab")
        click.echo("\nThe monitor reads every chain's vault withdrawals to the operator and compares:\n")
        before = monitor(config, out / "before", fresh=True)
        (ledger,) = before.shared
        caught = [f for f in ledger.attribution.findings if "shifted" in f.message and f.severity == "error"]
        click.echo(
            f"\n{lab.names[victim]}'s treasury disputes epoch {shifted.epoch} within the hour; its credits "
            "are held, and governance corrects it by a compensating report (`ape run propose correct-epoch`)."
        )
        dispute_and_correct(lab, shifted.epoch, victim)
        resolved = shared_epoch(lab, shifted.epoch)
        if resolved.dispute is not None:
            d = resolved.dispute
            held = d.chains_held + d.operator_fee_held + d.collective_share_held
            say(f"disputed: {held / 10**18:.6f} ETH of epoch {shifted.epoch}'s credits held (tx {d.tx_hash})")
        say(f"corrected to what each chain's vaults paid: {resolved.status} (tx {resolved.resolved_tx})")
        claimed = claim_all(lab)
        say(
            "claimed once the window closed: "
            + ", ".join(f"{who} {wei / 10**18:.6f} ETH" for who, wei in claimed.items())
        )
        click.echo("\nThe monitor again, after the correction:\n")
        after = monitor(config, out / "after", fresh=True)
        (corrected,) = after.shared
        checks = [
            *attribution_checks(lab, ledger, shifted=shifted.epoch, corrected=False),
            ("the shifted epoch's findings (revenue shifted, error)", len(caught), 1),
            *attribution_checks(lab, corrected, shifted=shifted.epoch, corrected=True),
            (
                "errors left after the correction",
                sum(1 for f in corrected.attribution.findings if f.severity == "error"),
                0,
            ),
        ]
    return report_checks(checks, True)


def report_checks(checks: Iterable[tuple[str, int, int]], models_agree: bool) -> bool:
    """Print each wei-level check; True when all hold."""
    click.echo("\nReconciliation (wei):")
    ok = models_agree
    for label, left, right in checks:
        ok &= left == right
        relation, mark = ("=", "ok") if left == right else ("!=", "MISMATCH")
        click.echo(f"  [{mark}] {label}: {left} {relation} {right}")
    return ok
