"""The `ape run deploy` command:
`ape run deploy --config FILE [--chain-id N] [--network ...] [--account ALIAS] [--records DIR]
[--plan | --dry-run] [--yes]`

Deploys (or continues deploying) the ChainRegistry, one chain's ChainRevenueSplitter and, if
configured, a governance TimelockController, from a YAML config (see revshare/deploying/config.py),
through the CREATE2 factory, so the same config and deployer give the same addresses everywhere.
It prints the plan (every address and call) first; ``--plan`` stops there, ``--dry-run`` tries
every step on a fork of the node, and otherwise one confirmation (or ``--yes``, for CI and servers)
lets the account sign the whole deployment. Writes the deployment record and block-explorer
verification artifacts. Re-running continues an interrupted deployment; on a complete one it lists
how the config differs from the chain.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from revshare.chain.rpc import NodeError
from revshare.cli_options import (
    NodeCommand,
    UserError,
    account_for,
    account_option,
    blocks_will_confirm,
    confirm_sending,
    interrupted,
    records_option,
    sign_unattended,
)
from revshare.deploying.config import ConfigError, DeployConfig
from revshare.deploying.deploy import (
    DeployError,
    NotEnoughFunds,
    check_funds,
    describe_complete,
    finish,
    funds_problem,
    prepare,
)
from revshare.deploying.etherscan import VerifyError, verifier_for
from revshare.deploying.options import chain_id_option, config_option, explorer_options
from revshare.deploying.plan import PlanError, describe
from revshare.deploying.record import RecordError, record_path
from revshare.deploying.verify_command import verify_deployment


@click.command(cls=NodeCommand, short_help="Deploy the registry and a chain's splitter")
@config_option()
@chain_id_option()
@account_option()
@records_option()
@click.option("--plan", "plan_only", is_flag=True, help="Print every address and call, send nothing")
@click.option("--dry-run", is_flag=True, help="Try every step on a fork of the node (anvil), send nothing")
@click.option("--yes", is_flag=True, help="Sign without asking (CI, servers): the plan is still printed")
@click.option("--verify", is_flag=True, help="Then verify the contracts on the explorer (ETHERSCAN_API_KEY)")
@explorer_options
def cli(
    config: DeployConfig,
    chain_id: int | None,
    account: str | None,
    record_dir: Path,
    plan_only: bool,
    dry_run: bool,
    yes: bool,
    verify: bool,
    explorer_url: str | None,
    api_url: str | None,
) -> None:
    """Deploy, or continue deploying, from a config; on a complete deployment list what differs."""
    from ape import networks
    from ape.exceptions import ApeException
    from requests.exceptions import RequestException
    from web3.exceptions import Web3Exception

    if plan_only and dry_run:
        raise click.UsageError("--plan and --dry-run: choose one")
    if verify and (plan_only or dry_run):
        raise click.UsageError("--verify verifies deployed contracts: not with --plan or --dry-run")
    sender = account_for(account)
    provider = networks.provider
    if verify:  # a missing API key or unknown explorer is said before anything is sent
        try:
            verifier_for(provider.chain_id, explorer_url, api_url)
        except VerifyError as exc:
            raise UserError(str(exc)) from None
    record = record_path(record_dir, provider.network_choice)
    try:
        prepared = prepare(
            config,
            chain_id,
            str(sender.address),
            record_dir=record_dir,
            log=click.echo,
            settle=not (plan_only or dry_run),
        )
        plan = prepared.plan
        if not prepared.record.completed:
            for line in describe(plan, int(provider.gas_price), int(sender.balance)):
                click.echo(line)
        else:
            for line in describe_complete(prepared):
                click.echo(line)
        if plan_only:
            return
        if dry_run:
            from revshare.deploying.dry_run import dry_run as try_on_fork

            uri = getattr(provider, "http_uri", None)
            if not uri:
                raise UserError("--dry-run needs a node reached over HTTP(S)")
            try_on_fork(prepared, uri, int(provider.gas_price), int(sender.balance), click.echo)
            return
        if prepared.to_send:
            check_funds(sender, prepared.gas, plan.network, plan.chain_id)
            blocks_will_confirm()
            confirm_sending(len(prepared.to_send), yes, plan.local)
            sign_unattended(sender)
        deployment = finish(prepared, sender, click.echo)
    except ConfigError as exc:
        raise click.UsageError("; ".join(exc.problems)) from None
    except NotEnoughFunds as exc:
        raise UserError(str(exc)) from None
    except (DeployError, RecordError, PlanError) as exc:
        raise click.ClickException(str(exc)) from None
    except (ApeException, Web3Exception, RequestException, OSError, NodeError) as exc:
        saved = record if record.exists() else None
        if (problem := funds_problem(exc, sender, saved)) is not None:
            raise UserError(problem) from None
        raise interrupted(exc, saved) from None
    if verify:
        verify_deployment(deployment.record, explorer_url, api_url)
    if deployment.differences:
        sys.exit(3)
