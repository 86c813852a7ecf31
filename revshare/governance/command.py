"""The `ape run propose` commands: `ape run propose <change> [options] --network ...` writes a
governance proposal for a deployment.

Changes: register-chain, set-terms, set-treasury, set-collective, set-destination, pause,
accept-ownership.
Writes `proposals/<time>-<change>/` with safe-batch.json (Safe Transaction Builder import),
timelock.json (schedule/execute calldata, when the owner is a timelock) and proposal.md.
Nothing is sent; an invalid change is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from revshare.chain.registry import RegistryState
from revshare.chain.routes import ROUTE_NAMES
from revshare.cli_options import ADDRESS, CHAIN_ID, HASH32, NodeCommand, interrupted, records_option
from revshare.deploying.config import ZERO_HASH, ConfigError, parse_destination, terms_hash_of
from revshare.governance import proposals as p
from revshare.governance.proposals import Proposal, ProposalError
from revshare.governance.propose import make_proposal, recorded_splitter

BPS = click.IntRange(0, 10_000)
Command = Callable[..., Any]
Build = Callable[[Any, RegistryState], Proposal]  # (registry contract, its state) -> proposal


def common(func: Command) -> Command:
    """--registry, --records, --out, --safe: where the proposal applies and where it is written."""
    func = click.option(
        "--registry",
        "registry_address",
        type=ADDRESS,
        default=None,
        help="Registry address (default: from the record)",
    )(func)
    func = records_option()(func)
    func = click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("proposals"),
        show_default=True,
        help="Folder for proposals",
    )(func)
    func = click.option(
        "--safe",
        type=ADDRESS,
        default=None,
        help="The Safe that submits (default: owner, or timelock proposer); checked on-chain",
    )(func)
    return func


def terms_option(func: Command) -> Command:
    """--terms-hash or --terms-document."""
    func = click.option(
        "--terms-hash", type=HASH32, default=None, help="0x and 64 hex digits: the terms document's hash"
    )(func)
    func = click.option(
        "--terms-document",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Terms document (its keccak256 becomes the terms hash)",
    )(func)
    return func


def _terms(document: Path | None, terms_hash: str | None, default: str | None) -> str | None:
    if document is not None and terms_hash is not None:
        raise click.UsageError("give --terms-document or --terms-hash, not both")
    if document is not None:
        return terms_hash_of(document)
    return terms_hash if terms_hash is not None else default


def _run(
    build: Build, registry_address: str | None, record_dir: Path, out_dir: Path, safe: str | None
) -> None:
    """Make the proposal; refusals and node failures become one-line errors."""
    from ape.exceptions import ApeException
    from requests.exceptions import RequestException
    from web3.exceptions import Web3Exception

    try:
        make_proposal(
            build,
            registry_address=registry_address,
            record_dir=record_dir,
            out_dir=out_dir,
            safe=safe,
            log=click.echo,
        )
    except (ProposalError, ConfigError) as exc:
        raise click.ClickException(f"refused: {exc}") from None
    except (ApeException, Web3Exception, RequestException, OSError) as exc:
        raise interrupted(exc, None) from None


@click.group(short_help="Write a governance proposal for a registry change")
def cli() -> None:
    """Turn a registry change into a Safe batch, timelock calldata and a proposal text."""


@cli.command("register-chain", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@click.option("--treasury", required=True, type=ADDRESS)
@click.option("--gross-bps", type=BPS, default=250, show_default=True)
@click.option("--net-bps", type=BPS, default=1500, show_default=True)
@terms_option
@common
def register_chain(
    chain_id: int,
    treasury: str,
    gross_bps: int,
    net_bps: int,
    terms_document: Path | None,
    terms_hash: str | None,
    **where: Any,
) -> None:
    """Register a new chain with its treasury and terms."""
    hash_ = _terms(terms_document, terms_hash, ZERO_HASH)
    _run(
        lambda reg, st: p.propose_register_chain(reg, st, chain_id, treasury, gross_bps, net_bps, hash_),
        **where,
    )


@cli.command("set-terms", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@click.option("--gross-bps", type=BPS, required=True)
@click.option("--net-bps", type=BPS, required=True)
@terms_option
@common
def set_terms(
    chain_id: int,
    gross_bps: int,
    net_bps: int,
    terms_document: Path | None,
    terms_hash: str | None,
    **where: Any,
) -> None:
    """Change a chain's terms (the terms hash stays unless a new one is given)."""
    hash_ = _terms(terms_document, terms_hash, None)
    _run(lambda reg, st: p.propose_set_terms(reg, st, chain_id, gross_bps, net_bps, hash_), **where)


@cli.command("set-treasury", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@click.option("--treasury", required=True, type=ADDRESS)
@common
def set_treasury(chain_id: int, treasury: str, **where: Any) -> None:
    """Change where a chain's share is paid (and move the old treasury's ETH credit on the chain's
    recorded splitter to the new one, in the same execution)."""
    splitter = lambda: recorded_splitter(where["record_dir"], chain_id)  # noqa: E731
    _run(lambda reg, st: p.propose_set_treasury(reg, st, chain_id, treasury, splitter()), **where)


@cli.command("set-collective", cls=NodeCommand)
@click.option("--collective", required=True, type=ADDRESS)
@common
def set_collective(collective: str, **where: Any) -> None:
    """Change the Collective's receiving address."""
    _run(lambda reg, st: p.propose_set_collective(reg, st, collective), **where)


@cli.command("set-destination", cls=NodeCommand)
@click.option(
    "--recipient",
    required=True,
    type=ADDRESS,
    help="The paid address: a treasury, the Collective, an operator",
)
@click.option(
    "--route",
    required=True,
    type=click.Choice(list(ROUTE_NAMES)),
    help="l1-bridge: L2StandardBridge.bridgeETHTo; l1-message-passer: L2ToL1MessagePasser; l2: transfer",
)
@click.option(
    "--l1-recipient", type=ADDRESS, default=None, help="The account paid on L1 [default: the recipient]"
)
@click.option(
    "--l1-gas-limit",
    type=click.IntRange(min=0),
    default=None,
    help="Gas for the L1 call, 21000..5000000 [default: 200000]",
)
@click.option(
    "--min-amount",
    default="0",
    show_default=True,
    help="Smaller payouts wait, e.g. '0.5 ether' (at most 10000 ether)",
)
@common
def set_destination(
    recipient: str,
    route: str,
    l1_recipient: str | None,
    l1_gas_limit: int | None,
    min_amount: str,
    **where: Any,
) -> None:
    """Deliver a recipient's ETH on L1 through the bridge or message passer (or on L2 again)."""
    try:
        destination = parse_destination(route, recipient, l1_recipient, l1_gas_limit, min_amount)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    _run(lambda reg, st: p.propose_set_destination(reg, st, recipient, destination), **where)


@cli.command("pause", cls=NodeCommand)
@common
def pause(**where: Any) -> None:
    """Pause disbursements (claims keep working)."""
    _run(p.propose_pause, **where)


@cli.command("accept-ownership", cls=NodeCommand)
@common
def accept_ownership(**where: Any) -> None:
    """Complete the ownership hand-over started by the deployment."""
    _run(p.propose_accept_ownership, **where)
