"""The `ape run propose` commands: `ape run propose <change> [options] --network ...` writes a
governance proposal for a deployment.

Registry changes (the registry's owner acts): register-chain, set-terms (scheduled, with the
registry's notice), cancel-terms, create-grant, announce-exit, cancel-exit, set-notice-period,
allow-treasury-exit, forbid-treasury-exit, set-keeper-reward, set-treasury,
set-collective, set-destination, pause, unpause, set-guardian, deactivate-chain, reactivate-chain,
allow-token, disallow-token, set-reporter and set-operator-fee (a shared splitter), accept-ownership,
and from-config (every difference `ape run deploy` lists, in one batch).
A shared splitter's dispute path: set-dispute-window, set-window-start, dispute-epoch (governance,
or with --chain-id a chain's treasury, which then makes the call), confirm-epoch and correct-epoch.
Changes to the OP Stack predeploys of the connected L2 (the ProxyAdmin's owner acts): point-vaults,
fee-splitter, and join (both at once: the chain joins revenue sharing through OP's FeeSplitter).
Writes `proposals/<time>-<change>/` with safe-batch.json (Safe Transaction Builder import),
timelock.json (schedule/execute calldata, when the owner is a timelock), deposits.json (the calls
as L1 deposit transactions, when the ProxyAdmin's owner has no code on L2) and proposal.md.
Nothing is sent; an invalid change is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from revshare.chain.addresses import ETH_ASSET, VAULT_ROLES
from revshare.chain.opstack import L1_NETWORK, L2_NETWORK, OpStackState
from revshare.chain.reader import has_code
from revshare.chain.registry import RegistryState
from revshare.chain.routes import ROUTE_NAMES
from revshare.cli_options import (
    ADDRESS,
    ADDRESS_OR_NONE,
    AMOUNT,
    CHAIN_ID,
    CHAIN_REVENUE,
    DURATION,
    HASH32,
    MILESTONE,
    TIME,
    NodeCommand,
    account_for,
    account_option,
    blocks_will_confirm,
    confirm_sending,
    interrupted,
    records_option,
    sign_unattended,
)
from revshare.deploying.config import ZERO_HASH, ConfigError, DeployConfig, parse_destination, terms_hash_of
from revshare.deploying.options import config_option
from revshare.epochs import ChainRevenue
from revshare.governance import disputes
from revshare.governance import opstack as op
from revshare.governance import proposals as p
from revshare.governance.from_config import propose_from_config
from revshare.governance.proposals import Proposal, ProposalError
from revshare.governance.propose import (
    make_opstack_proposal,
    make_proposal,
    recorded_address,
    recorded_registry,
    recorded_splitter,
)

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
    return output_options(func)


def output_options(func: Command) -> Command:
    """--out, --safe: where the proposal is written and which Safe submits it."""
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
    """Make a registry proposal; refusals and node failures become one-line errors."""
    _guarded(
        lambda: make_proposal(
            build,
            registry_address=registry_address,
            record_dir=record_dir,
            out_dir=out_dir,
            safe=safe,
            log=click.echo,
        )
    )


def _run_opstack(
    build: Callable[[Any, OpStackState], Proposal],
    out_dir: Path,
    safe: str | None,
    send: bool = False,
    account: Any = None,
    yes: bool = False,
) -> None:
    """Make a proposal for the connected L2's predeploys (and with ``send``, send its calls from
    ``account``, the ProxyAdmin's owner); the same one-line errors."""
    from ape import networks

    sender = None
    if send:
        sender = account_for(account)
        local = networks.provider.network.name == "local"

        def before_sending(count: int) -> None:
            blocks_will_confirm()
            confirm_sending(count, yes, local)
            sign_unattended(sender)

    elif account is not None or yes:
        raise click.UsageError("--account and --yes go with --send")
    _guarded(
        lambda: make_opstack_proposal(
            build,
            out_dir=out_dir,
            safe=safe,
            log=click.echo,
            send_as=sender,
            before_sending=before_sending if send else lambda _count: None,
        )
    )


def send_options(func: Command) -> Command:
    """--send, --account, --yes: the ProxyAdmin's owner sends the calls itself."""
    func = click.option("--yes", is_flag=True, help="With --send: sign without asking")(func)
    func = account_option()(func)
    return click.option(
        "--send",
        is_flag=True,
        help="Also send the calls from --account, when it owns the ProxyAdmin (an operator's key)",
    )(func)


def _guarded(make: Callable[[], Any]) -> None:
    from ape.exceptions import ApeException
    from requests.exceptions import RequestException
    from web3.exceptions import Web3Exception

    try:
        make()
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


def effective_at_option(func: Command) -> Command:
    return click.option(
        "--effective-at",
        type=TIME,
        default="earliest",
        show_default=True,
        help="When it takes effect: a UTC date (2027-01-01), date-time (2027-01-01T12:00), unix "
        "time, or 'earliest' (the registry's notice period from execution)",
    )(func)


@cli.command("set-terms", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@click.option("--gross-bps", type=BPS, required=True)
@click.option("--net-bps", type=BPS, required=True)
@terms_option
@effective_at_option
@common
def set_terms(
    chain_id: int,
    gross_bps: int,
    net_bps: int,
    terms_document: Path | None,
    terms_hash: str | None,
    effective_at: int,
    **where: Any,
) -> None:
    """Schedule new terms for a chain, with the registry's notice (the terms hash stays unless a
    new one is given); revenue up to the effective time is settled under the current terms."""
    hash_ = _terms(terms_document, terms_hash, None)
    _run(
        lambda reg, st: p.propose_set_terms(reg, st, chain_id, gross_bps, net_bps, hash_, effective_at),
        **where,
    )


@cli.command("cancel-terms", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@common
def cancel_terms(chain_id: int, **where: Any) -> None:
    """Cancel a chain's scheduled terms change before it takes effect."""
    _run(lambda reg, st: p.propose_cancel_terms(reg, st, chain_id), **where)


@cli.command("announce-exit", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@effective_at_option
@common
def announce_exit(chain_id: int, effective_at: int, **where: Any) -> None:
    """A chain leaves revenue sharing: final settlement at the exit time, then it keeps its revenue."""
    _run(lambda reg, st: p.propose_announce_exit(reg, st, chain_id, effective_at), **where)


@cli.command("cancel-exit", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@common
def cancel_exit(chain_id: int, **where: Any) -> None:
    """Cancel a chain's announced exit before it takes effect."""
    _run(lambda reg, st: p.propose_cancel_exit(reg, st, chain_id), **where)


@cli.command("set-notice-period", cls=NodeCommand)
@click.option(
    "--period", required=True, type=DURATION, help="e.g. '30 days', '12h', or seconds (at most 365 days)"
)
@common
def set_notice_period(period: int, **where: Any) -> None:
    """Change the least notice for terms changes and exits."""
    _run(lambda reg, st: p.propose_set_notice_period(reg, st, period), **where)


@cli.command("allow-treasury-exit", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@common
def allow_treasury_exit(chain_id: int, **where: Any) -> None:
    """Let a chain's treasury announce the chain's exit itself (as its terms document says)."""
    _run(lambda reg, st: p.propose_set_treasury_may_exit(reg, st, chain_id, True), **where)


@cli.command("forbid-treasury-exit", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@common
def forbid_treasury_exit(chain_id: int, **where: Any) -> None:
    """Take back a chain treasury's right to announce the chain's exit."""
    _run(lambda reg, st: p.propose_set_treasury_may_exit(reg, st, chain_id, False), **where)


@cli.command("set-keeper-reward", cls=NodeCommand)
@click.option(
    "--bps", required=True, type=click.IntRange(0, 100), help="Share of each disbursement, 0..100 (1%)"
)
@click.option("--cap", required=True, type=AMOUNT, help="Largest reward per disbursement, e.g. '0.01 ether'")
@common
def set_keeper_reward(bps: int, cap: int, **where: Any) -> None:
    """Reward whoever triggers a splitter's disbursement (0 turns it off)."""
    _run(lambda reg, st: p.propose_set_keeper_reward(reg, st, bps, cap), **where)


@cli.command("create-grant", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@click.option(
    "--token", required=True, type=ADDRESS, help="The granted ERC-20 (18 decimals for 'ether' amounts)"
)
@click.option(
    "--grants",
    "grants_address",
    type=ADDRESS,
    default=None,
    help="The RevenueLinkedGrants escrow [default: the one in the deployment record]",
)
@click.option(
    "--source",
    type=ADDRESS,
    default=None,
    help="The chain's ChainRevenueSplitter [default: the one in the deployment record]",
)
@click.option(
    "--milestone",
    "milestones",
    multiple=True,
    required=True,
    type=MILESTONE,
    help="SHARE,NOT_BEFORE,AMOUNT: vests once the Collective received SHARE (ETH) from the chain since "
    "the grant and NOT_BEFORE (a UTC date, or 0) passed; repeat, in order",
)
@common
def create_grant(
    chain_id: int,
    token: str,
    grants_address: str | None,
    source: str | None,
    milestones: tuple[tuple[int, int, int], ...],
    **where: Any,
) -> None:
    """Grant a chain tokens released by milestones of the revenue share it pays (escrowed)."""

    def build(reg: Any, st: RegistryState) -> Proposal:
        splitter = source or getattr(recorded_splitter(where["record_dir"], chain_id), "address", None)
        if splitter is None:
            raise ProposalError(f"no ChainRevenueSplitter of chain {chain_id} recorded: give --source")
        grants = grants_address or recorded_address(where["record_dir"], "RevenueLinkedGrants")
        if grants is None:
            raise ProposalError("no RevenueLinkedGrants in the deployment record: give --grants")
        return p.propose_create_grant(reg, st, grants, chain_id, token, str(splitter), list(milestones))

    _run(build, **where)


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


@cli.command("unpause", cls=NodeCommand)
@common
def unpause(**where: Any) -> None:
    """Resume disbursements (owner only)."""
    _run(p.propose_unpause, **where)


@cli.command("set-guardian", cls=NodeCommand)
@click.option(
    "--guardian",
    required=True,
    type=ADDRESS_OR_NONE,
    help="The new guardian (may pause and hold claims); 'none' removes it",
)
@common
def set_guardian(guardian: str, **where: Any) -> None:
    """Change (or remove) the account that may pause disbursements."""
    _run(lambda reg, st: p.propose_set_guardian(reg, st, guardian), **where)


@cli.command("deactivate-chain", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@common
def deactivate_chain(chain_id: int, **where: Any) -> None:
    """Stop a chain's disbursements (its revenue waits in its vaults and splitter)."""
    _run(lambda reg, st: p.propose_set_active(reg, st, chain_id, False), **where)


@cli.command("reactivate-chain", cls=NodeCommand)
@click.option("--chain-id", required=True, type=CHAIN_ID)
@common
def reactivate_chain(chain_id: int, **where: Any) -> None:
    """Let a deactivated chain disburse again."""
    _run(lambda reg, st: p.propose_set_active(reg, st, chain_id, True), **where)


def _token_change(token: str, allowed: bool, where: dict[str, Any]) -> None:
    from ape import networks

    _run(
        lambda reg, st: p.propose_token_allowed(reg, st, token, allowed, has_code(networks.provider, token)),
        **where,
    )


@cli.command("allow-token", cls=NodeCommand)
@click.option("--token", required=True, type=ADDRESS, help="The ERC-20 contract")
@common
def allow_token(token: str, **where: Any) -> None:
    """Let splitters disburse revenue held in an ERC-20."""
    _token_change(token, True, where)


@cli.command("disallow-token", cls=NodeCommand)
@click.option("--token", required=True, type=ADDRESS, help="The ERC-20 contract")
@common
def disallow_token(token: str, **where: Any) -> None:
    """Stop splitters disbursing an ERC-20 (credited balances stay claimable)."""
    _token_change(token, False, where)


def _shared_at(address: str) -> Any:
    """The SharedSequencerSplitter at `address`, checked to be one."""
    from ape import networks

    from revshare.artifacts import container
    from revshare.chain.reader import provider_word

    if not has_code(networks.provider, address):
        raise ProposalError(f"no contract at {address}: pass the shared splitter's address")
    if provider_word(networks.provider, address, "MAX_OPERATOR_FEE_BPS()") is None:
        raise ProposalError(f"{address} is not a SharedSequencerSplitter")
    return container("SharedSequencerSplitter").at(address)


SHARED = click.option(
    "--shared", "shared_address", required=True, type=ADDRESS, help="The SharedSequencerSplitter"
)


@cli.command("set-reporter", cls=NodeCommand)
@SHARED
@click.option("--reporter", required=True, type=ADDRESS, help="The new reporting account")
@common
def set_reporter(shared_address: str, reporter: str, **where: Any) -> None:
    """Change who reports the shared sequencer's epochs."""
    _run(lambda reg, st: p.propose_set_reporter(reg, st, _shared_at(shared_address), reporter), **where)


@cli.command("set-operator-fee", cls=NodeCommand)
@SHARED
@click.option("--recipient", required=True, type=ADDRESS, help="Where operator fees are credited")
@click.option(
    "--fee-bps", required=True, type=click.IntRange(0, 10_000), help="Fee in bps of each chain's gross"
)
@common
def set_operator_fee(shared_address: str, recipient: str, fee_bps: int, **where: Any) -> None:
    """Change the shared sequencer's operator fee and its recipient."""
    _run(
        lambda reg, st: p.propose_set_operator_fee(reg, st, _shared_at(shared_address), recipient, fee_bps),
        **where,
    )


# ---------------------------------------------------------------- the shared splitter's disputes
EPOCH = click.option("--epoch", required=True, type=click.IntRange(1), help="The epoch's id")
FROM_BLOCK = click.option(
    "--from-block",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Search the splitter's logs for the epoch from this block (its deployment block, or earlier)",
)


@cli.command("set-dispute-window", cls=NodeCommand)
@SHARED
@click.option(
    "--window",
    required=True,
    type=DURATION,
    help="How long after its report an epoch may be disputed: seconds, or e.g. '3d', '12h' "
    "(0: no disputes; at most the contract's MAX_DISPUTE_WINDOW, 30 days)",
)
@common
def set_dispute_window(shared_address: str, window: int, **where: Any) -> None:
    """Change how long epochs of a shared splitter may be disputed after their report."""
    _run(
        lambda reg, st: disputes.propose_set_dispute_window(reg, st, _shared_at(shared_address), window),
        **where,
    )


@cli.command("set-window-start", cls=NodeCommand)
@SHARED
@click.option(
    "--start",
    required=True,
    type=TIME,
    help="Where the first window starts: unix time or a UTC date ('2026-12-01', '2026-12-01T12:00')",
)
@click.option(
    "--asset",
    type=ADDRESS,
    default=ETH_ASSET,
    show_default="ETH",
    help="The asset's windows (a token's address)",
)
@common
def set_window_start(shared_address: str, start: int, asset: str, **where: Any) -> None:
    """Set where a shared splitter's first window starts (before its first report)."""
    _run(
        lambda reg, st: disputes.propose_set_window_start(reg, st, _shared_at(shared_address), start, asset),
        **where,
    )


@cli.command("dispute-epoch", cls=NodeCommand)
@SHARED
@EPOCH
@click.option(
    "--chain-id",
    type=CHAIN_ID,
    default=None,
    help="Dispute as this chain's treasury, which then makes the call (its Safe executes the batch) "
    "[default: governance disputes]",
)
@FROM_BLOCK
@common
def dispute_epoch(
    shared_address: str, epoch: int, chain_id: int | None, from_block: int, **where: Any
) -> None:
    """Dispute a reported epoch before its window closes: its credits are held until governance
    confirms or corrects it."""
    _run(
        lambda reg, st: disputes.propose_dispute_epoch(
            reg, st, _shared_at(shared_address), epoch, chain_id, from_block
        ),
        **where,
    )


@cli.command("confirm-epoch", cls=NodeCommand)
@SHARED
@EPOCH
@FROM_BLOCK
@common
def confirm_epoch(shared_address: str, epoch: int, from_block: int, **where: Any) -> None:
    """Resolve a disputed epoch as reported: its held credits become claimable again."""
    _run(
        lambda reg, st: disputes.propose_confirm_epoch(
            reg, st, _shared_at(shared_address), epoch, from_block
        ),
        **where,
    )


@cli.command("correct-epoch", cls=NodeCommand)
@SHARED
@EPOCH
@click.option(
    "--chain",
    "chains",
    multiple=True,
    required=True,
    type=CHAIN_REVENUE,
    help="CHAIN_ID=GROSS[:L1COST], e.g. '8453=1.5 ether:0.2 ether'; repeat for every chain of the "
    "epoch: the list is its whole new attribution (a chain left out gets nothing from it); any order",
)
@click.option(
    "--added",
    type=AMOUNT,
    default="0",
    show_default=True,
    help="Paid in by governance on top of the reported gross (the chains' gross must add up to the "
    "reported gross plus this)",
)
@FROM_BLOCK
@common
def correct_epoch(
    shared_address: str,
    epoch: int,
    chains: tuple[tuple[int, int, int], ...],
    added: int,
    from_block: int,
    **where: Any,
) -> None:
    """Resolve a disputed epoch by a compensating report: the given attribution replaces the
    reported one, split under the epoch's own terms and operator fee."""
    revenues = [ChainRevenue(*chain) for chain in chains]
    _run(
        lambda reg, st: disputes.propose_correct_epoch(
            reg, st, _shared_at(shared_address), epoch, revenues, added, from_block
        ),
        **where,
    )


@cli.command("from-config", cls=NodeCommand)
@config_option()
@common
def from_config(config: DeployConfig, **where: Any) -> None:
    """Every difference between a deployment config and the registry, as one batch."""
    splitters = lambda chain_id: recorded_splitter(where["record_dir"], chain_id)  # noqa: E731
    _run(lambda reg, st: propose_from_config(reg, st, config, splitters), **where)


# ---------------------------------------------------------------- the OP Stack predeploys
ROLE_OPTION = {role.removesuffix("_fee_vault").replace("_", "-"): role for role in VAULT_ROLES}
NETWORKS = {"l1": L1_NETWORK, "l2": L2_NETWORK}


@cli.command("point-vaults", cls=NodeCommand)
@click.option(
    "--recipient",
    required=True,
    type=ADDRESS,
    help="Who the vaults pay: the FeeSplitter, a ChainRevenueSplitter, a treasury",
)
@click.option(
    "--min-withdrawal",
    "minimum",
    type=AMOUNT,
    default="0",
    show_default=True,
    help="Smallest withdrawal, e.g. '0.5 ether'",
)
@click.option(
    "--withdrawal-network",
    "network_name",
    type=click.Choice(list(NETWORKS)),
    default="l2",
    show_default=True,
    help="Where the vaults pay the recipient (l1: through the L2ToL1MessagePasser)",
)
@click.option(
    "--vault",
    "vault_names",
    multiple=True,
    type=click.Choice(list(ROLE_OPTION)),
    help="Only these vaults (repeatable) [default: every vault the chain has]",
)
@output_options
@send_options
def point_vaults(
    recipient: str, minimum: int, network_name: str, vault_names: tuple[str, ...], **out: Any
) -> None:
    """Point the chain's fee vaults at a recipient (the ProxyAdmin's owner acts). Vaults from
    before the revenue-share upgrade (settings fixed) get a new implementation through the
    ProxyAdmin."""
    roles = [ROLE_OPTION[name] for name in vault_names]
    _run_opstack(
        lambda provider, state: op.propose_point_vaults(
            provider, state, recipient, minimum, NETWORKS[network_name], roles
        ),
        **out,
    )


INTERVAL = click.option(
    "--interval",
    type=click.IntRange(1, 365 * 86_400),
    default=None,
    help="Seconds between disbursements (1 to 31536000: 365 days)",
)


def registry_check(func: Command) -> Command:
    """--registry, --records: the registry a calculator must read (default: from the record)."""
    func = click.option(
        "--registry",
        "registry_address",
        type=ADDRESS,
        default=None,
        help="The registry the calculator must read [default: the deployment record's, if any]",
    )(func)
    return records_option()(func)


def _expected_registry(registry_address: str | None, record_dir: Path) -> str | None:
    return registry_address or recorded_registry(record_dir)


@cli.command("fee-splitter", cls=NodeCommand)
@click.option("--calculator", type=ADDRESS, default=None, help="The shares calculator to plug in")
@INTERVAL
@registry_check
@output_options
def fee_splitter(
    calculator: str | None, interval: int | None, registry_address: str | None, record_dir: Path, **out: Any
) -> None:
    """Set OP's FeeSplitter's shares calculator and/or interval (the ProxyAdmin's owner acts)."""
    if calculator is None and interval is None:
        raise click.UsageError("give --calculator, --interval or both")
    _run_opstack(
        lambda provider, state: op.propose_fee_splitter(
            provider, state, calculator, interval, _expected_registry(registry_address, record_dir)
        ),
        **out,
    )


@cli.command("join", cls=NodeCommand)
@click.option(
    "--calculator", required=True, type=ADDRESS, help="The shares calculator (a RegistrySharesCalculator)"
)
@INTERVAL
@registry_check
@output_options
def join(
    calculator: str, interval: int | None, registry_address: str | None, record_dir: Path, **out: Any
) -> None:
    """Join revenue sharing through OP's FeeSplitter: it splits with the calculator, and every vault
    pays it on L2 from a minimum of 0, in one batch."""
    _run_opstack(
        lambda provider, state: op.propose_join(
            provider, state, calculator, interval, _expected_registry(registry_address, record_dir)
        ),
        **out,
    )
