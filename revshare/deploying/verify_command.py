"""`ape run verify --network ... [--records DIR] [--only NAME] [--api-url URL] [--explorer-url URL]`:
submit every contract of the network's deployment record for source verification to its block
explorer (Etherscan's V2 API by default, key in ``ETHERSCAN_API_KEY``; any Etherscan-compatible
API with ``--api-url``). ``ape run deploy --verify`` does the same once the deployment is done.
"""

from __future__ import annotations

from pathlib import Path

import click

from revshare.chain.node import redact_url
from revshare.cli_options import NodeCommand, UserError, records_option
from revshare.deploying.etherscan import VerifyError, verifier_for, verify_record
from revshare.deploying.options import explorer_options
from revshare.deploying.record import DeploymentRecord, RecordError, record_path


def verify_deployment(
    record: DeploymentRecord, explorer_url: str | None, api_url: str | None, only: str | None = None
) -> None:
    """Verify the record's contracts, each outcome on its own line; one-line errors."""
    try:
        verifier = verifier_for(record.chain_id, explorer_url, api_url)
        click.echo(f"Verifying through {redact_url(verifier.explorer.api)}:")
        count = verify_record(record, verifier, click.echo, only)
    except VerifyError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Verified {count} contract(s); every contract of {record.path} is verified")


@click.command(cls=NodeCommand, short_help="Verify a deployment's contracts on the block explorer")
@records_option()
@click.option("--only", default=None, help="Only this contract of the record, e.g. ChainRegistry")
@explorer_options
def cli(record_dir: Path, only: str | None, explorer_url: str | None, api_url: str | None) -> None:
    """Submit the deployment's contracts for source verification."""
    from ape import networks

    path = record_path(record_dir, networks.provider.network_choice)
    try:
        record = DeploymentRecord.read(path)
    except RecordError as exc:
        raise UserError(str(exc)) from None
    if record.chain_id != networks.provider.chain_id:
        raise UserError(f"{path} is for chain id {record.chain_id}, the node is {networks.provider.chain_id}")
    verify_deployment(record, explorer_url, api_url, only)
