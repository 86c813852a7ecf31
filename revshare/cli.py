"""Shared click options for the `ape run` scripts: configs are validated while the command
line is parsed, before any node is started, and bad input becomes a one-line click error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from revshare.config import ConfigError, DeployConfig, load_config


def _load(ctx: click.Context, param: click.Parameter, value: Path | None) -> DeployConfig | None:
    if value is None:
        return None
    try:
        return load_config(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _chosen_chain(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    config: DeployConfig | None = ctx.params.get("config")
    # Without --chain-id the choice may depend on the node's chain id: checked once connected.
    if config is not None and value is not None:
        try:
            config.chain(value)
        except ConfigError as exc:
            raise click.BadParameter("; ".join(exc.problems), ctx=ctx, param=param) from None
    return value


def config_option(default: str | None = None) -> Any:
    """``--config FILE``: a validated DeployConfig."""
    return click.option(
        "--config",
        "config",
        type=click.Path(path_type=Path),
        default=default,
        required=default is None,
        is_eager=True,
        callback=_load,
        help="YAML deployment config",
    )


def chain_id_option() -> Any:
    """``--chain-id N``: which configured chain gets a splitter (optional with one chain)."""
    return click.option(
        "--chain-id",
        "chain_id",
        type=int,
        default=None,
        callback=_chosen_chain,
        help="Chain to deploy a splitter for (default: the only configured chain, else the node's)",
    )


def account_option() -> Any:
    """``--account ALIAS``: an ape account (``ape accounts list``), or ``TEST::N`` for a test account."""
    from ape.cli import account_option as ape_account_option

    return ape_account_option(prompt=False)


def account_for(account: Any) -> Any:
    """The sending account: the one given, else the first test account on a local network."""
    from ape import accounts, networks

    if account is not None:
        return account
    if networks.provider.network.name != "local":
        raise click.UsageError("--account is required on non-local networks (an ape account alias)")
    return accounts.test_accounts[0]


def interrupted(exc: BaseException, record: Path | None) -> click.ClickException:
    """A one-line error for a run stopped by the node or a transaction, saying what was kept."""
    message = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else type(exc).__name__
    where = f" Progress is saved in {record}; run the same command again to continue." if record else ""
    return click.ClickException(f"{type(exc).__name__}: {message}.{where}")


def records_option() -> Any:
    """``--records DIR``: where deployment records live (one JSON file per network)."""
    return click.option(
        "--records",
        "record_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("deployments"),
        show_default=True,
        help="Folder of deployment records",
    )
