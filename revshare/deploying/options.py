"""The deployment config on the command line: ``--config FILE`` (validated while the command line
is parsed, before any node is started; every problem becomes one click error) and ``--chain-id``
(checked against the config)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from revshare.deploying.config import ConfigError, DeployConfig, load_config


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
        show_default=default is not None,
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


def explorer_options(func: Any) -> Any:
    """``--explorer-url`` and ``--api-url``: a block explorer the toolkit does not know."""
    func = click.option(
        "--api-url",
        default=None,
        help="Etherscan-compatible verification API [default: Etherscan's V2 API for known chains]",
    )(func)
    return click.option(
        "--explorer-url", default=None, help="The explorer's pages, e.g. https://sepolia.basescan.org"
    )(func)
