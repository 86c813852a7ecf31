"""`ape run keeper --config keeper.yaml [--send]`: disburse every configured splitter that is due.

Without ``--send`` it is a dry run: each disbursement is only checked (as the keeper's account,
against the latest block). With ``--send`` it signs with the keeper's account: an ape account
(``--account ALIAS``; its passphrase from ``APE_ACCOUNTS_<ALIAS>_PASSPHRASE``, ape's own variable,
or asked for on a terminal) or a key in ``KEEPER_PRIVATE_KEY``. One line per target; never a
traceback for a config or node problem, never an RPC URL (they may carry keys).

Exit status, for cron or a systemd timer: 0 when every target was handled (disbursed, or not
due, nothing to disburse, or held by governance); 1 when at least one failed (after retries);
2 for a problem with the command line, the config or the account.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from revshare.chain.node import scrub
from revshare.cli_options import UserError, passphrase_for
from revshare.config_models import ConfigError
from revshare.keeper.config import KeeperConfig, load_keeper_config
from revshare.keeper.run import Signer, run_keeper

KEY_VARIABLE = "KEEPER_PRIVATE_KEY"


def load_signer(alias: str | None) -> Signer | None:
    """The keeper's account: the ape account ``alias``, else the key in KEEPER_PRIVATE_KEY, else none."""
    if alias is None:
        key = os.environ.get(KEY_VARIABLE, "").strip()
        if not key:
            return None
        try:
            return Signer(key)
        except Exception:  # never echo the value
            raise UserError(f"{KEY_VARIABLE} is not a private key (64 hex digits)") from None
    from ape import accounts
    from eth_account import Account

    try:
        account = accounts.load(alias)
    except Exception:
        known = ", ".join(sorted(accounts.aliases)) or "none"
        raise UserError(
            f"no ape account {alias!r} (yours: {known}); create one with `ape accounts import`"
        ) from None
    keyfile = getattr(account, "keyfile", None)
    if keyfile is None:
        raise UserError(f"ape account {alias!r} has no keyfile the keeper can sign with")
    passphrase = passphrase_for(alias)
    try:
        return Signer(Account.decrypt(keyfile, passphrase))
    except ValueError:
        raise UserError(f"wrong passphrase for ape account {alias!r}") from None


def _secret_free(message: str, config: KeeperConfig | None) -> str:
    for network in config.networks if config else ():
        message = scrub(message, network.rpc)
    return message


@click.command(name="keeper")
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path), help="keeper.yaml")
@click.option("--send", is_flag=True, help="Send the disbursements that are due [default: dry run]")
@click.option("--account", "alias", default=None, help="ape account that signs (else KEEPER_PRIVATE_KEY)")
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Tries again after a node failure or a disbursement that did not land, with backoff",
)
def cli(config_path: Path, send: bool, alias: str | None, retries: int) -> None:
    """Disburse every configured splitter that is due, on every network in the config."""
    try:
        config = load_keeper_config(config_path)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    signer = load_signer(alias)
    if send and signer is None:
        raise UserError(f"--send needs the keeper's account: --account ALIAS or {KEY_VARIABLE}")
    who = signer.address if signer else "no account (checked from the zero address)"
    click.echo(f"keeper: {'sending' if send else 'dry run'}, as {who}", err=True)
    try:
        outcomes = run_keeper(
            config,
            signer,
            send=send,
            retries=retries,
            log=lambda line: click.echo(_secret_free(line, config)),
        )
    except KeyboardInterrupt:
        raise click.exceptions.Exit(130) from None
    failed = sum(o.failed for o in outcomes)
    done = sum(o.status == "disbursed" for o in outcomes)
    click.echo(f"keeper: {len(outcomes)} targets, {done} disbursed, {failed} failed", err=True)
    if failed:
        raise click.exceptions.Exit(1)
