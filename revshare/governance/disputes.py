"""Proposals for a shared splitter's dispute path (`SharedSequencerSplitter`): the dispute window
governance sets, a dispute (made by a chain's treasury or by governance), and its resolution by
governance: confirm the epoch as reported, or correct it by a compensating report.

Each reads the splitter's live state (its window, the epoch's status and digest) and the epoch's
report as its logs tell it (`revshare.chain.shared.read_epoch`), refuses with a `ProposalError`
what the contract would refuse when executed, and restates the epoch's facts exactly as the report
committed to them (checked against the digest on chain before anything is written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.opstack import alias
from revshare.chain.reader import ChainReader, ReadError, has_code, provider_word
from revshare.chain.registry import RegistryState
from revshare.chain.rpc import provider_request
from revshare.chain.shared import STATUSES, SharedEpoch, read_epoch
from revshare.epochs import ChainRevenue, SettledChain
from revshare.governance.proposals import (
    Call,
    Proposal,
    ProposalError,
    _approve_call,
    _chain,
    _execution_delay,
    _shared_splitter,
    _when,
    contract_call,
)
from revshare.model import split_with_fee
from revshare.terminal import exact_eth

Amount = Callable[[int], str]


@dataclass(frozen=True)
class EpochOnChain:
    """An epoch of the dispute path: its report as the logs tell it, and where the contract has it."""

    report: SharedEpoch
    status: str  # reported, disputed, confirmed or corrected (`epochRecord`)
    disputable_until: int


def span(seconds: int) -> str:
    """``3 days``, ``12 hours``, ``90 s``: a duration in its largest whole unit."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count:,} {unit}{'' if count == 1 else 's'}"
    return f"{seconds:,} s"


def _window(seconds: int) -> str:
    return f"{span(seconds)} ({seconds:,} s)" if seconds else "none (epochs cannot be disputed)"


def _with_dispute_path(shared: Any, state: RegistryState) -> None:
    """A SharedSequencerSplitter on this registry, of a version with the dispute path."""
    _shared_splitter(shared, state)
    if provider_word(shared.provider, str(shared.address), "MAX_DISPUTE_WINDOW()") is None:
        raise ProposalError(
            f"the shared splitter {shared.address} predates the dispute path (no MAX_DISPUTE_WINDOW)"
        )


def read_epoch_on_chain(shared: Any, epoch: int, from_block: int) -> EpochOnChain:
    """The epoch's status and deadline from the contract, its report from the logs (searched from
    `from_block`), checked against each other through the digest the report committed to."""
    address = str(shared.address)
    last = int(shared.lastEpoch())
    if not 1 <= epoch <= last:
        known = f"epochs 1-{last}" if last else "no epochs yet"
        raise ProposalError(
            f"epoch {epoch} was not reported by the shared splitter {address} (it has {known})"
        )
    record = shared.epochRecord(epoch)
    status = STATUSES[int(record.status)]
    if status == "unknown":
        raise ProposalError(
            f"epoch {epoch} was reported while the dispute window was 0: it cannot be disputed or resolved"
        )
    try:
        report = read_epoch(ChainReader(provider_request(shared.provider)), address, epoch, from_block)
    except ReadError as exc:
        raise ProposalError(f"reading the shared splitter's logs: {exc}") from None
    if report is None:
        raise ProposalError(
            f"no report of epoch {epoch} in the shared splitter's logs from block {from_block:,}: pass "
            "--from-block at or before the block it was reported in"
        )
    if bytes(shared.epochDigest(report.facts())) != bytes(record.digest):
        raise ProposalError(
            f"epoch {epoch}'s report as the node's logs tell it does not match the digest the contract "
            "keeps: the logs are incomplete or not this splitter's"
        )
    return EpochOnChain(report, status, int(record.disputableUntil))


def _amounts(asset: str) -> tuple[Amount, str]:
    """How amounts of `asset` are written, and the asset's name."""
    if asset.lower() == ETH_ASSET:
        return exact_eth, "ETH"
    return (lambda units: f"{units:,}"), f"the token {asset} (amounts in its smallest units)"


def _signed(amount: Amount, delta: int) -> str:
    if delta == 0:
        return "0"
    return f"+{amount(delta)}" if delta > 0 else f"-{amount(-delta)}"


def attribution_table(chains: Sequence[SettledChain], amount: Amount) -> list[str]:
    """Markdown table of an epoch's settlement per chain, with its totals."""
    lines = [
        "| chain | gross | L1 cost | operator fee | Collective | chain's share |",
        "|---|---|---|---|---|---|",
    ]
    for c in chains:
        lines.append(
            f"| {c.chain_id} | {amount(c.gross)} | {amount(c.l1_cost)} | {amount(c.operator_fee)} | "
            f"{amount(c.collective_share)} | {amount(c.chain_share)} |"
        )
    gross = sum(c.gross for c in chains)
    fee = sum(c.operator_fee for c in chains)
    share = sum(c.collective_share for c in chains)
    lines.append(
        f"| **total** | {amount(gross)} | | {amount(fee)} | {amount(share)} | {amount(gross - fee - share)} |"
    )
    return lines


def correction_table(
    reported: Sequence[SettledChain], corrected: Sequence[SettledChain], amount: Amount
) -> list[str]:
    """Markdown table of the reported and corrected attribution per chain, and what each chain,
    the Collective and the operator fee recipient gain or lose."""
    before = {c.chain_id: c for c in reported}
    after = {c.chain_id: c for c in corrected}
    none = SettledChain(0, 0, 0, 0, 0)
    lines = [
        "| chain | gross reported | gross corrected | L1 cost reported | L1 cost corrected | "
        "share reported | share corrected | gains (+) / loses (-) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for chain_id in sorted(before.keys() | after.keys()):
        was, now = before.get(chain_id, none), after.get(chain_id, none)
        lines.append(
            f"| {chain_id} | {amount(was.gross)} | {amount(now.gross)} | {amount(was.l1_cost)} | "
            f"{amount(now.l1_cost)} | {amount(was.chain_share)} | {amount(now.chain_share)} | "
            f"{_signed(amount, now.chain_share - was.chain_share)} |"
        )
    for label, part in (
        ("Collective", lambda c: c.collective_share),
        ("operator fee", lambda c: c.operator_fee),
    ):
        was_total, now_total = sum(map(part, reported)), sum(map(part, corrected))
        lines.append(
            f"| {label} | | | | | {amount(was_total)} | {amount(now_total)} | "
            f"{_signed(amount, now_total - was_total)} |"
        )
    return lines


def _contracts(shared: Any, **others: str) -> dict[str, Any]:
    return {"contracts": {"SharedSequencerSplitter": str(shared.address), **others}}


# ---------------------------------------------------------------- the window


def propose_set_dispute_window(registry: Any, state: RegistryState, shared: Any, window: int) -> Proposal:
    """Set how long after its report an epoch may be disputed (0: no disputes)."""
    _with_dispute_path(shared, state)
    maximum = int(shared.MAX_DISPUTE_WINDOW())
    if not 0 <= window <= maximum:
        raise ProposalError(
            f"dispute window {span(window)} ({window:,} s) is above the contract's maximum of "
            f"{span(maximum)} ({maximum:,} s)"
        )
    current = int(shared.disputeWindow())
    if window == current:
        raise ProposalError(f"the dispute window is already {_window(window)}: nothing to propose")
    if window:
        effect = [
            f"Each epoch reported after execution may be disputed for {span(window)} after its report, by "
            "governance or by the treasury of a chain the splitter has settled. A dispute holds every "
            "credit of the epoch (the chains' shares, the operator fee, the Collective's share) until "
            "governance confirms it (`ape run propose confirm-epoch`) or corrects it (`correct-epoch`).",
            "",
            f"While the latest epoch can still be disputed, no claim is paid; the next report waits as long "
            f"again, so reports come at least {span(2 * window)} apart and claims are open for at least "
            f"{span(window)} between epochs.",
        ]
        delay = _execution_delay(registry, state)
        if delay >= window:
            effect += [
                "",
                f"Governance acts through a timelock whose delay ({span(delay)}) is no shorter than the "
                "window: its own disputes could not run in time, so only treasuries acting directly can "
                "dispute.",
            ]
    else:
        effect = ["Epochs reported after execution cannot be disputed; claims and reports no longer wait."]
    effect += ["", "Epochs already reported keep the window they were reported with."]
    return Proposal(
        title="Change the shared splitter's dispute window",
        slug="set-dispute-window",
        summary=(
            f"The shared splitter {shared.address}'s dispute window becomes {_window(window)} for epochs "
            f"reported after execution (now: {span(current) if current else 'none'})."
        ),
        calls=[contract_call(shared, "setDisputeWindow", window)],
        settings=[("dispute window", _window(current), _window(window))],
        effect=effect,
        acting=state.owner,
        governance=_contracts(shared),
    )


def propose_set_window_start(
    registry: Any, state: RegistryState, shared: Any, start: int, asset: str = ETH_ASSET
) -> Proposal:
    """Set where the shared splitter's first window in `asset` starts (before its first report), so
    revenue its chains earned before the agreement is not counted as the first epoch's."""
    _with_dispute_path(shared, state)
    if int(shared.lastEpoch()) != 0:
        raise ProposalError(
            f"the shared splitter {shared.address} has reported {int(shared.lastEpoch())} epoch(s): the "
            "first window's start can only be set before the first report"
        )
    if start > state.timestamp:
        raise ProposalError(f"{_when(start)} is in the future: the first window's start must have passed")
    current = int(shared.lastWindowEnd(asset))
    if start == current:
        raise ProposalError(f"the first window already starts at {_when(start)}: nothing to propose")
    _, name = _amounts(asset)
    return Proposal(
        title="Set where the shared splitter's first window starts",
        slug="set-window-start",
        summary=(
            f"The first epoch the shared splitter {shared.address} settles in {name} covers the window "
            f"after {_when(start)}: vault withdrawals to the operator before it are not the splitter's."
        ),
        calls=[contract_call(shared, "setWindowStart", asset, start)],
        settings=[
            (f"first window's start ({name})", _when(current) if current else "none (all time)", _when(start))
        ],
        effect=[
            "The monitor compares each epoch's attribution with each served chain's vault withdrawals to "
            "the operator in the epoch's window; the first window then starts here. The call fails if an "
            "epoch is reported before it runs."
        ],
        acting=state.owner,
        governance=_contracts(shared),
    )


# ---------------------------------------------------------------- a dispute


def propose_dispute_epoch(
    registry: Any,
    state: RegistryState,
    shared: Any,
    epoch: int,
    chain_id: int | None = None,
    from_block: int = 0,
) -> Proposal:
    """Dispute a reported epoch before its window closes, as chain `chain_id`'s treasury (which
    makes the call, not governance) or, without `chain_id`, as governance."""
    _with_dispute_path(shared, state)
    found = read_epoch_on_chain(shared, epoch, from_block)
    if found.status != "reported":
        raise ProposalError(f"epoch {epoch} is already {found.status}: only a reported epoch can be disputed")
    contracts: dict[str, str] = {}
    l1_sender = ""  # a treasury paid on L1 disputes from L1, through a deposit
    if chain_id is None:
        acting, who, delay = state.owner, "Governance", _execution_delay(registry, state)
    else:
        acting = _chain(state, chain_id).treasury
        who = f"Chain {chain_id}'s treasury {acting}"
        delay = provider_word(registry.provider, acting, "getMinDelay()") or 0
        if has_code(registry.provider, acting):
            contracts[f"Chain {chain_id} treasury"] = acting
        else:
            destination = registry.destinationOf(acting)
            if int(destination.route) != 0:  # paid on L1: the treasury is the L1 account
                l1_sender = str(destination.l1Recipient)
                who = f"Chain {chain_id}'s treasury {acting}, paid on L1 to {l1_sender},"
                acting = alias(l1_sender)
    until = found.disputable_until
    if state.timestamp >= until:
        raise ProposalError(
            f"epoch {epoch}'s dispute window closed at {_when(until)}: it can no longer be disputed"
        )
    if state.timestamp + delay >= until:
        raise ProposalError(
            f"epoch {epoch}'s dispute window closes at {_when(until)}, before the {span(delay)} delay of "
            f"{acting}'s timelock would let the dispute run"
        )
    report = found.report
    amount, asset = _amounts(report.asset)
    executor = (
        f" Chain {chain_id}'s treasury makes this call, not governance: "
        + (
            "its Safe imports and executes `safe-batch.json`."
            if contracts
            else f"{l1_sender} sends it from L1 as a deposit through the chain's OptimismPortal "
            "(`deposits.json`); on L2 it arrives from that account's alias, which the splitter accepts."
            if l1_sender
            else "that account sends it itself."
        )
        if chain_id is not None
        else ""
    )
    return Proposal(
        title=f"Dispute shared-sequencer epoch {epoch}",
        slug=f"dispute-epoch-{epoch}",
        summary=(
            f"{who} disputes epoch {epoch} of the shared splitter {shared.address} ({asset}): every credit "
            f"the epoch made ({amount(report.gross)} in all) is held from claims until governance confirms "
            f"it as reported or corrects it. The call must run before {_when(until)}, when the epoch's "
            f"dispute window closes.{executor}"
        ),
        calls=[contract_call(shared, "disputeEpoch", epoch, chain_id or 0, report.facts())],
        settings=[
            (
                f"epoch {epoch}",
                "reported",
                f"disputed by {'governance' if chain_id is None else f'chain {chain_id}'}",
            ),
            (f"epoch {epoch} credits ({amount(report.gross)})", "claimable", "held"),
        ],
        effect=[
            f"The epoch's report (window ending at {_when(report.window_end)}, reported in block "
            f"{report.block:,}), whose credits the dispute holds:",
            "",
            *attribution_table(report.chains, amount),
            "",
            "Governance then resolves the dispute: `ape run propose confirm-epoch` releases these credits "
            "as reported, `correct-epoch` replaces them with a corrected attribution.",
        ],
        acting=acting,
        governance={**_contracts(shared, **contracts), **({"l1_sender": l1_sender} if l1_sender else {})},
    )


# ---------------------------------------------------------------- resolutions


def _disputed(shared: Any, state: RegistryState, epoch: int, from_block: int, verb: str) -> EpochOnChain:
    _with_dispute_path(shared, state)
    found = read_epoch_on_chain(shared, epoch, from_block)
    if found.status == "reported":
        raise ProposalError(f"epoch {epoch} is not disputed (it is reported): nothing to {verb}")
    if found.status != "disputed":
        raise ProposalError(f"epoch {epoch} is already {found.status}: nothing to {verb}")
    return found


def _disputer(report: SharedEpoch, state: RegistryState) -> str:
    dispute = report.dispute
    if dispute is None:
        return "its dispute"
    if dispute.disputer.lower() == state.owner.lower():
        return "governance's dispute"
    return f"the dispute of chain {dispute.chain_id}'s treasury {dispute.disputer}"


def propose_confirm_epoch(
    registry: Any, state: RegistryState, shared: Any, epoch: int, from_block: int = 0
) -> Proposal:
    """Confirm a disputed epoch as reported: its held credits become claimable again."""
    report = _disputed(shared, state, epoch, from_block, "confirm").report
    amount, asset = _amounts(report.asset)
    return Proposal(
        title=f"Confirm shared-sequencer epoch {epoch} as reported",
        slug=f"confirm-epoch-{epoch}",
        summary=(
            f"Governance confirms epoch {epoch} of the shared splitter {shared.address} ({asset}) as "
            f"reported, resolving {_disputer(report, state)}: the credits it holds "
            f"({amount(report.gross)} in all) become claimable again, exactly as reported."
        ),
        calls=[contract_call(shared, "confirmEpoch", epoch, report.facts())],
        settings=[
            (f"epoch {epoch}", "disputed", "confirmed"),
            (f"epoch {epoch} credits ({amount(report.gross)})", "held", "claimable"),
        ],
        effect=["The credits released, as reported:", "", *attribution_table(report.chains, amount)],
        acting=state.owner,
        governance=_contracts(shared),
    )


def _settled(
    registry: Any, state: RegistryState, report: SharedEpoch, corrected: Sequence[ChainRevenue]
) -> list[SettledChain]:
    """The corrected chains, sorted, each split under its terms at the epoch's period start and
    the epoch's operator fee, as the contract's compensating report splits them."""
    ids = [r.chain_id for r in corrected]
    twice = sorted({chain_id for chain_id in ids if ids.count(chain_id) > 1})
    if twice:
        raise ProposalError(f"chain {twice[0]} is named twice: give each chain once")
    if not corrected:
        raise ProposalError("the correction names no chain: give --chain CHAIN_ID=GROSS[:L1COST]")
    settled = []
    for revenue in sorted(corrected, key=lambda r: r.chain_id):
        _chain(state, revenue.chain_id)
        terms = registry.settlementTerms(revenue.chain_id, report.terms_since)
        if not terms.active and not terms.exited:
            raise ProposalError(
                f"chain {revenue.chain_id} is inactive in the registry: the correction would revert "
                "(ChainInactive); reactivate it first, or leave it out"
            )
        split = split_with_fee(
            revenue.gross, revenue.l1_cost, int(terms.grossBps), int(terms.netBps), report.fee_bps
        )
        settled.append(
            SettledChain(
                revenue.chain_id, revenue.gross, revenue.l1_cost, split.operator_fee, split.collective
            )
        )
    return settled


def _holds(provider: Any, account: str, asset: str) -> int:
    """`account`'s balance of ETH (asset zero) or of the token `asset`."""
    if asset.lower() == ETH_ASSET:
        return int(provider.get_balance(account))
    from revshare.chain.opstack import eth_call, selector

    answer = eth_call(
        provider, asset, selector("balanceOf(address)") + bytes(12) + bytes.fromhex(account[2:])
    )
    return int.from_bytes(answer[:32], "big") if answer else 0


def propose_correct_epoch(
    registry: Any,
    state: RegistryState,
    shared: Any,
    epoch: int,
    corrected: Sequence[ChainRevenue],
    added: int = 0,
    from_block: int = 0,
) -> Proposal:
    """Correct a disputed epoch by a compensating report: `corrected` is the epoch's whole new
    attribution (a chain left out gets nothing from it), whose gross must be the reported gross
    plus `added`, which governance pays in (ETH with the call, a token approved to the splitter)."""
    report = _disputed(shared, state, epoch, from_block, "correct").report
    amount, asset = _amounts(report.asset)
    settled = _settled(registry, state, report, corrected)
    total = sum(c.gross for c in settled)
    if total != report.gross + added:
        raise ProposalError(
            f"the corrected gross adds up to {amount(total)}, but must be the reported "
            f"{amount(report.gross)} plus --added {amount(added)} = {amount(report.gross + added)}"
        )
    if not added and [(c.chain_id, c.gross, c.l1_cost) for c in settled] == [
        (c.chain_id, c.gross, c.l1_cost) for c in sorted(report.chains, key=lambda c: c.chain_id)
    ]:
        raise ProposalError(f"the correction repeats epoch {epoch}'s report: propose confirm-epoch instead")
    eth = report.asset.lower() == ETH_ASSET
    revenues = [(c.chain_id, c.gross, c.l1_cost) for c in settled]
    calls: list[Call] = []
    if added and not eth:
        calls.append(_approve_call(report.asset, str(shared.address), added))
    calls.append(
        contract_call(
            shared, "correctEpoch", epoch, report.facts(), revenues, added, value=added if eth else 0
        )
    )
    warnings = []
    held = _holds(registry.provider, state.owner, report.asset) if added else 0
    if held < added:
        warnings.append(
            f"Governance ({state.owner}) holds {amount(held)}{'' if eth else ' of ' + asset} now, less "
            f"than the {amount(added)} the correction pays in: the call reverts unless it holds that much "
            "when it runs."
        )
    paid_in = (
        f" Governance pays in {amount(added)} on top of the reported gross"
        + (" with the call." if eth else " (approved to the splitter in the same batch, then pulled).")
        if added
        else " Nothing is paid in: the correction moves the reported gross between chains."
    )
    return Proposal(
        title=f"Correct shared-sequencer epoch {epoch}",
        slug=f"correct-epoch-{epoch}",
        summary=(
            f"Governance corrects epoch {epoch} of the shared splitter {shared.address} ({asset}) by a "
            f"compensating report, resolving {_disputer(report, state)}: the credits the report made are "
            "dropped and the corrected attribution below is settled in their place." + paid_in
        ),
        calls=calls,
        settings=[
            (f"epoch {epoch}", "disputed", "corrected"),
            (f"epoch {epoch} gross", amount(report.gross), amount(total)),
        ],
        effect=[
            "The corrected list is the epoch's whole new attribution: a chain not in it gets nothing from "
            f"this epoch. Each chain is split under its terms in force at {_when(report.terms_since)} (the "
            f"start of the period the epoch settles) after the epoch's operator fee of {report.fee_bps} bps, "
            "as the contract does (computed with `revshare.model.split_with_fee`, to the wei); shares "
            "reported are the credits the dispute holds.",
            "",
            *correction_table(report.chains, settled, amount),
        ],
        acting=state.owner,
        governance={**_contracts(shared), "warnings": warnings},
    )
