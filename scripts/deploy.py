"""`ape run deploy --config FILE [--chain-id N] [--network ...] [--account ALIAS]`

Deploys the ChainRegistry and one chain's ChainRevenueSplitter from a YAML config (see
revshare/config.py), with mock fee vaults on local networks, and writes a deployment record.
"""

from __future__ import annotations

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand

from revshare.cli import account_for, chain_id_option, config_option
from revshare.deploy import deploy


@click.command(cls=ConnectedProviderCommand, short_help="Deploy the registry and a chain's splitter")
@config_option()
@chain_id_option()
@click.option("--account", "account_alias", default=None, help="ape account alias (local: a test account)")
@click.option(
    "--records",
    "record_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("deployments"),
    show_default=True,
    help="Folder for deployment records",
)
def cli(config, chain_id, account_alias, record_dir):
    sender = account_for(account_alias)
    deploy(config, chain_id, sender, record_dir=record_dir, log=click.echo)
