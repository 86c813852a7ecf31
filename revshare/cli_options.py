"""Click options and parameter types the `ape run` commands share: values are parsed while the
command line is read, before any node is started, and bad input becomes a one-line click error.
`NodeCommand` turns a node that cannot be reached into one line too. The deployment config's
options are in `revshare.deploying.options`."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand

from revshare.chain.fork import free_port
from revshare.chain.node import provider_url, public_network, scrub, unreachable_reason
from revshare.values import (
    parse_address,
    parse_amount,
    parse_chain_id,
    parse_duration,
    parse_hash32,
    parse_time,
    quoted,
)


class UserError(click.ClickException):
    """A mistake the user can fix (a wrong URL, an unfunded account): one line, exit status 2."""

    exit_code = 2


class _ParsedValue(click.ParamType):
    """A click type from one of `revshare.values`' parsers (the config uses the same ones)."""

    def __init__(self, name: str, parse: Any):
        self.name = name
        self._parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return self._parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


ADDRESS = _ParsedValue("address", parse_address)
HASH32 = _ParsedValue("hash", parse_hash32)
AMOUNT = _ParsedValue("amount", parse_amount)  # wei, or e.g. "0.5 ether"
TIME = _ParsedValue("time", parse_time)  # unix time, a UTC date or date-time, or "earliest" (0)
DURATION = _ParsedValue("duration", parse_duration)  # seconds, or e.g. "30 days"


def _milestone(value: Any) -> tuple[int, int, int]:
    """A grant milestone ``SHARE,NOT_BEFORE,AMOUNT``, e.g. ``10 ether,2027-01-01,1000000 ether``
    (NOT_BEFORE 0: no time condition)."""
    parts = [part.strip() for part in str(value).split(",")]
    if len(parts) != 3:
        raise ValueError(
            f"{quoted(value)}: write SHARE,NOT_BEFORE,AMOUNT, e.g. '10 ether,2027-01-01,1000000 ether'"
        )
    return parse_amount(parts[0]), parse_time(parts[1]), parse_amount(parts[2])


MILESTONE = _ParsedValue("milestone", _milestone)


def _chain_revenue(value: Any) -> tuple[int, int, int]:
    """A chain's attributed revenue ``CHAIN_ID=GROSS[:L1COST]``, e.g. ``8453=1.5 ether:0.2 ether``
    (L1 cost 0 when left out)."""
    chain, equals, amounts = str(value).partition("=")
    gross, _, l1_cost = amounts.partition(":")
    if not equals or not gross.strip():
        raise ValueError(f"{quoted(value)}: write CHAIN_ID=GROSS[:L1COST], e.g. '8453=1.5 ether:0.2 ether'")
    if not (chain.strip().isascii() and chain.strip().isdigit()):
        raise ValueError(f"{quoted(value)}: {quoted(chain.strip())} is not a chain id")
    chain_id = parse_chain_id(int(chain.strip()))
    return chain_id, parse_amount(gross.strip()), parse_amount(l1_cost.strip() or "0")


CHAIN_REVENUE = _ParsedValue("chain revenue", _chain_revenue)


def _address_or_none(value: Any) -> str:
    """An address, or "none" for the zero address (a role removed)."""
    return "0x" + "00" * 20 if str(value).strip().lower() == "none" else parse_address(value)


ADDRESS_OR_NONE = _ParsedValue("address or 'none'", _address_or_none)


class _ChainIdType(click.ParamType):
    name = "chain id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return parse_chain_id(value if isinstance(value, int) else int(str(value).strip()))
        except ValueError as exc:
            message = str(exc) if "chain id" in str(exc) else f"{quoted(value)} is not a whole number"
            self.fail(message, param, ctx)


CHAIN_ID = _ChainIdType()


def forget_stopped_nodes() -> None:
    """Drop the nodes whose process has ended from ape's list of the nodes it started
    (`processes/nodes.json` in its data folder).

    ape-foundry 0.8.12 with `host: auto` never removes the anvil it started from that list (its
    disconnect forgets the port before looking the node up), and every later disconnect checks each
    entry, rebuilding the provider's settings for each: about 15 ms an entry, so after 600 local runs
    every command spent 9 s exiting."""
    from ape.utils.basemodel import ManagerAccessMixin

    try:
        nodes = ManagerAccessMixin.network_manager.running_nodes
        stopped = [pid for pid in nodes.process_ids if not _running(pid)]
        if stopped:
            nodes.remove_processes(*stopped)
    except Exception:  # a damaged or read-only list only costs time, as before the clearing
        pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


class LocalNodeCommand(ConnectedProviderCommand):
    """ape's connected command for the local node (the demo, the benchmarks). Before the command
    line is read (choosing a local network starts its node): ape's list of running nodes is
    cleared of the ones that have stopped, and the local node gets a port nothing uses. ape's own
    errors are kept (anvil not installed)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        forget_stopped_nodes()
        choose_local_port()
        return super().parse_args(ctx, args)


def choose_local_port() -> None:
    """A free port for the anvil ape starts for a local network, unless the user named one.

    With `host: auto`, ape-foundry 0.8.12 draws a random port from 49152-65535 without checking it,
    and that range overlaps the kernel's ports for outgoing connections: under load a drawn port is
    sometimes in use, anvil exits, and ape waits 20 s to report the node unreachable. A port the
    kernel has just handed out as free is not."""
    if not os.environ.get("APE_FOUNDRY_HOST"):
        os.environ["APE_FOUNDRY_HOST"] = f"http://127.0.0.1:{free_port()}"


class NodeCommand(LocalNodeCommand):
    """ape's connected command for any node, with a node that cannot be reached reported in one line
    (exit status `unreachable_exit_code`) that names the network and why, never its URL."""

    unreachable_exit_code = 2

    def invoke(self, ctx: click.Context) -> Any:
        from ape.cli.commands import parse_network

        if self.callback is None:
            return None
        network_ctx = parse_network(ctx)
        if network_ctx is None:
            return self._invoke(ctx)
        with ExitStack() as stack:
            try:
                provider = stack.enter_context(network_ctx)
            except Exception as exc:  # ape, web3 and requests each raise their own on a bad node
                error = _unreachable(getattr(network_ctx, "_provider", None), exc)
                error.exit_code = self.unreachable_exit_code
                raise error from None
            return self._invoke(ctx, provider=provider)


def _unreachable(provider: Any, exc: BaseException) -> UserError:
    try:
        label = f"{provider.network.ecosystem.name}:{provider.network.name}"
    except Exception:
        label = "the chosen network"
    url = provider_url(provider)
    if url is None:
        detail = scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, url)
        return UserError(f"cannot connect to {label}: {detail}")
    reason = unreachable_reason(url)
    return UserError(
        f"cannot reach the node at {label} ({reason}): check the RPC URL and that the node is up"
    )


def network_label() -> str:
    """The connected network as it may be published: ecosystem:network, never a URL."""
    from ape import networks

    return public_network(networks.provider.network_choice)


def current_url() -> str | None:
    from ape import networks

    return provider_url(networks.provider) if networks.active_provider else None


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


def passphrase_for(alias: str) -> str:
    """An ape keyfile account's passphrase: ape's own ``APE_ACCOUNTS_<alias>_PASSPHRASE``, else
    asked once on the terminal; a UserError when neither can be had (no terminal: unattended)."""
    passphrase = os.environ.get(f"APE_ACCOUNTS_{alias}_PASSPHRASE")
    if passphrase is not None:
        return passphrase
    if not sys.stdin.isatty():
        raise UserError(f"no passphrase for {alias!r}: set APE_ACCOUNTS_{alias}_PASSPHRASE to run unattended")
    return str(click.prompt(f"Passphrase for {alias}", hide_input=True, err=True))


def sign_unattended(account: Any) -> None:
    """Let ``account`` sign every transaction of this run without a prompt each (one passphrase,
    from the environment or asked once). Test accounts need nothing."""
    alias = getattr(account, "alias", None)
    if not hasattr(account, "keyfile") or alias is None:
        return
    passphrase = passphrase_for(alias)
    try:
        account.set_autosign(True, passphrase=passphrase)
    except Exception:  # ape's InvalidPasswordError and friends; never echo the passphrase
        raise UserError(f"wrong passphrase for ape account {alias!r}") from None


def confirm_sending(count: int, yes: bool, local: bool) -> None:
    """One confirmation for a run's transactions: none with ``--yes`` or on a local network; a
    UserError without a terminal to ask on (CI, servers: add --yes)."""
    if yes or local:
        return
    if not sys.stdin.isatty():
        raise UserError("not sending without a terminal to confirm on: add --yes to sign unattended")
    if not click.confirm(f"Send these {count} transaction(s)?", default=False):
        raise click.Abort()


def blocks_will_confirm() -> None:
    """Refuse to send where ape would wait for ever: the network wants confirmations (ape counts
    them on live networks) and the node, an anvil or hardhat one, mines only when a transaction
    arrives. Nodes that do not answer the automine query (real ones) pass."""
    from ape import networks

    provider = networks.provider
    required = int(getattr(provider.network, "required_confirmations", 0) or 0)
    if not required:
        return
    for method in ("anvil_getAutomine", "hardhat_getAutomine"):
        try:
            automine = provider.make_request(method, [])
        except Exception:  # not a development node (each client refuses in its own way)
            continue
        if automine is True:
            raise UserError(
                f"{network_label()} waits for {required} confirmation(s) of every transaction, and this "
                "node mines a block only when a transaction arrives, so none would come: start it "
                "mining on a timer (anvil --block-time 1) or use a local network (ethereum:local)"
            )
        return


def local_network_only(what: str) -> None:
    """Refuse to go on unless ape is connected to a local network (`what` runs there only)."""
    from ape import networks

    if networks.provider.network.name != "local":
        raise click.UsageError(f"{what} runs on a local network only")


def interrupted(exc: BaseException, record: Path | None) -> click.ClickException:
    """A one-line error for a run stopped by the node or a transaction, saying what was kept
    (the node's URL, should the message quote it, is hidden)."""
    message = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else type(exc).__name__
    message = scrub(message, current_url())[:300]
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
