"""The `ape run deploy` command:
`ape run deploy --config FILE [--chain-id N] [--network ...] [--account ALIAS] [--records DIR]`

Deploys (or continues deploying) the ChainRegistry, one chain's ChainRevenueSplitter and, if
configured, a governance TimelockController, from a YAML config (see revshare/deploying/config.py); writes
the deployment record and block-explorer verification artifacts. Re-running continues an
interrupted deployment; on a complete one it lists how the config differs from the chain.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from revshare.cli_options import (
    NodeCommand,
    UserError,
    account_for,
    account_option,
    interrupted,
    records_option,
)
from revshare.deploying.config import ConfigError, DeployConfig
from revshare.deploying.deploy import DeployError, NotEnoughFunds, deploy, funds_problem
from revshare.deploying.options import chain_id_option, config_option
from revshare.deploying.record import RecordError, record_path


@click.command(cls=NodeCommand, short_help="Deploy the registry and a chain's splitter")
@config_option()
@chain_id_option()
@account_option()
@records_option()
def cli(config: DeployConfig, chain_id: int | None, account: str | None, record_dir: Path) -> None:
    """Deploy, or continue deploying, from a config; on a complete deployment list what differs."""
    from ape import networks
    from ape.exceptions import ApeException
    from requests.exceptions import RequestException
    from web3.exceptions import Web3Exception

    sender = account_for(account)
    record = record_path(record_dir, networks.provider.network_choice)
    try:
        deployment = deploy(config, chain_id, sender, record_dir=record_dir, log=click.echo)
    except ConfigError as exc:
        raise click.UsageError("; ".join(exc.problems)) from None
    except NotEnoughFunds as exc:
        raise UserError(str(exc)) from None
    except (DeployError, RecordError) as exc:
        raise click.ClickException(str(exc)) from None
    except (ApeException, Web3Exception, RequestException, OSError) as exc:
        saved = record if record.exists() else None
        if (problem := funds_problem(exc, sender, saved)) is not None:
            raise UserError(problem) from None
        raise interrupted(exc, saved) from None
    if deployment.differences:
        sys.exit(3)
