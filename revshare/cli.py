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
    if config is not None:
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
        help="Chain to deploy a splitter for (default: the only configured chain)",
    )


def account_for(alias: str | None) -> Any:
    """The sending account: ``alias`` if given, else the first test account on a local network."""
    from ape import accounts, networks

    if alias:
        try:
            return accounts.load(alias)
        except Exception as exc:  # ape raises its own error types for unknown aliases
            raise click.UsageError(f"cannot load account {alias!r}: {exc}") from None
    if networks.provider.network.name != "local":
        raise click.UsageError("--account is required on non-local networks")
    return accounts.test_accounts[0]
