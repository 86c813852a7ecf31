"""Governance proposals for a deployed registry.

A change (register a chain, change terms, change a treasury, change the Collective, route a
recipient's ETH to L1 or back, pause, accept the ownership hand-over) is checked against the
registry's current state and turned into the registry call(s) governance must make;
`revshare.governance.files` writes them as:

- `safe-batch.json`: a Safe{Wallet} Transaction Builder batch (the import format, with its
  checksum) for the multisig that acts: the owner itself, or the timelock's proposer;
- `timelock.json` when the owner is a TimelockController: the `schedule` and `execute` calldata,
  the operation id, salt and delay;
- `proposal.md`: the text for governance: contracts with code hashes, current vs proposed
  settings, the effect on the split worked through with the Python model, and the calls.

Invalid changes raise ProposalError before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from revshare.calendar import utc_date
from revshare.chain.addresses import ETH_ASSET, ZERO_ADDRESS
from revshare.chain.registry import ChainState, RegistryState, read_destination
from revshare.chain.routes import Destination, Route
from revshare.lifecycle import MAX_KEEPER_REWARD_BPS, MAX_NOTICE_PERIOD, MAX_SCHEDULE_AHEAD, keeper_reward
from revshare.model import BPS_DENOMINATOR, l1_payout, split, split_with_fee
from revshare.values import parse_address

ETH = 10**18
# Worked examples for the effect on the split: (label, gross, L1 cost), in wei.
EXAMPLES = (
    ("typical day (L1 cost 40% of gross)", 10 * ETH, 4 * ETH),
    ("L1-heavy day (L1 cost 95% of gross)", 10 * ETH, 95 * ETH // 10),
)


class ProposalError(ValueError):
    """A change that cannot be proposed (invalid, or a no-op against the current state)."""


@dataclass(frozen=True)
class Call:
    """One call governance makes."""

    target: str
    method: str
    inputs: list[dict[str, Any]]  # ABI inputs: name, type, internalType (components for structs)
    args: list[Any]
    data: bytes
    signature: str  # canonical, e.g. setDestination(address,(uint8,uint32,uint128))
    value: int = 0  # wei sent with the call
    payable: bool = False  # the method accepts ETH (the Transaction Builder then shows its value)


@dataclass
class Proposal:
    """A validated change, ready to be written out."""

    title: str
    slug: str
    summary: str
    calls: list[Call]
    settings: list[tuple[str, str, str]]  # (setting, current, proposed)
    effect: list[str]  # Markdown lines
    acting: str  # the account that must make the calls (owner, or pending owner)
    governance: dict[str, Any] = field(default_factory=dict)


def _abi_input(param: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "internalType": param.internal_type or param.type,
        "name": param.name or "",
        "type": param.type,
    }
    if param.components:
        entry["components"] = [_abi_input(c) for c in param.components]
    return entry


def contract_call(contract: Any, method: str, *args: Any, value: int = 0) -> Call:
    """`method(*args)` on a deployed contract, encoded with its ABI (sending `value` wei)."""
    abi = next(m for m in contract.contract_type.methods if m.name == method)
    payable = abi.stateMutability == "payable"
    if value and not payable:
        raise ProposalError(f"{method} does not accept ETH")
    data = bytes(getattr(contract, method).encode_input(*args))
    inputs = [_abi_input(i) for i in abi.inputs]
    return Call(str(contract.address), method, inputs, list(args), data, abi.selector, value, payable)


def _chain(state: RegistryState, chain_id: int) -> ChainState:
    if chain_id not in state.chains:
        known = ", ".join(str(c) for c in sorted(state.chains)) or "none"
        raise ProposalError(f"chain {chain_id} is not registered (registered: {known})")
    return state.chains[chain_id]


def _check_bps(name: str, value: int) -> None:
    if not 0 <= value <= BPS_DENOMINATOR:
        raise ProposalError(f"{name} {value} is outside 0..{BPS_DENOMINATOR}")


def _check_address(name: str, value: str) -> str:
    try:
        return parse_address(value)
    except ValueError as exc:
        raise ProposalError(f"{name}: {exc}") from None


def _not_a_payee(registry: Any, name: str, address: str) -> None:
    """A SharePayee passes everything it gets on to its role: as a treasury or the Collective it
    would hand one role's money to the other."""
    from revshare.chain.reader import provider_word

    provider = registry.provider
    if provider_word(provider, address, "ROLE()") is not None and provider_word(
        provider, address, "REGISTRY()"
    ):
        raise ProposalError(
            f"{name} {address} is a SharePayee (it passes what it receives on to the Collective or a "
            "treasury): name the real account"
        )


def _pct(bps: int) -> str:
    return f"{bps / 100:g}%"


def _eth(wei: int) -> str:
    return f"{wei / ETH:,.6f} ETH"


def split_examples(before: tuple[int, int] | None, after: tuple[int, int]) -> list[str]:
    """Markdown table of the Collective's share under the current and proposed terms."""
    lines = [
        "| example | gross | L1 cost | Collective now | Collective proposed | rule proposed |",
        "|---|---|---|---|---|---|",
    ]
    for label, gross, l1_cost in EXAMPLES:
        proposed = split(gross, l1_cost, *after)
        now = _eth(split(gross, l1_cost, *before).collective) if before else "not registered"
        rule = "net" if proposed.net_rule_applied else "gross"
        lines.append(
            f"| {label} | {_eth(gross)} | {_eth(l1_cost)} | {now} | {_eth(proposed.collective)} | {rule} |"
        )
    return lines


def propose_register_chain(
    registry: Any,
    state: RegistryState,
    chain_id: int,
    treasury: str,
    gross_bps: int,
    net_bps: int,
    terms_hash: str,
) -> Proposal:
    if chain_id in state.chains:
        raise ProposalError(f"chain {chain_id} is already registered")
    if chain_id <= 0:
        raise ProposalError(f"chain id {chain_id} must be positive")
    treasury = _check_address("treasury", treasury)
    if treasury.lower() == state.collective.lower():
        raise ProposalError("the treasury must not be the Collective's address")
    _not_a_payee(registry, "the treasury", treasury)
    _check_bps("gross bps", gross_bps)
    _check_bps("net bps", net_bps)
    call = contract_call(
        registry, "registerChain", chain_id, treasury, gross_bps, net_bps, bytes.fromhex(terms_hash[2:])
    )
    return Proposal(
        title=f"Register chain {chain_id} for revenue sharing",
        slug=f"register-chain-{chain_id}",
        summary=(
            f"Register chain {chain_id} with treasury {treasury}: the Collective receives the greater of "
            f"{_pct(gross_bps)} of gross and {_pct(net_bps)} of net revenue."
        ),
        calls=[call],
        settings=[
            (f"chain {chain_id}", "not registered", "registered, active"),
            (f"chain {chain_id} treasury", "-", treasury),
            (f"chain {chain_id} terms", "-", f"{_pct(gross_bps)} of gross / {_pct(net_bps)} of net"),
            (f"chain {chain_id} terms hash", "-", terms_hash),
        ],
        effect=split_examples(None, (gross_bps, net_bps)),
        acting=state.owner,
    )


def _when(timestamp: int) -> str:
    return utc_date(timestamp)


def _execution_delay(registry: Any, state: RegistryState) -> int:
    """The least time before governance's calls run: the owning timelock's minimum delay, or 0."""
    from revshare.chain.reader import provider_word

    return provider_word(registry.provider, state.owner, "getMinDelay()") or 0


def _effective_time(
    registry: Any, state: RegistryState, current: ChainState, effective_at: int
) -> tuple[int, str]:
    """The effective time a schedule asks for (0: as early as the notice allows when executed)
    and how to describe it; refuses one the registry would refuse when executed, at the earliest
    after the owning timelock's delay."""
    if current.exit_at:
        raise ProposalError(
            f"chain {current.chain_id} leaves revenue sharing at {_when(current.exit_at)}: "
            "its terms can no longer change"
        )
    last = current.history[-1].effective_at if current.history else 0
    delay = _execution_delay(registry, state)
    executed = state.timestamp + delay
    earliest = max(executed + state.notice_period, last + 1)
    notice = f"{state.notice_period / 86_400:g} days' notice" if state.notice_period else "no notice"
    if effective_at == 0:
        return 0, f"as early as the registry allows when executed ({notice} from then)"
    if effective_at < earliest:
        waits = f" after the timelock's {delay / 86_400:g}-day delay" if delay else " now"
        raise ProposalError(
            f"effective time {_when(effective_at)} is too early: the registry asks for {notice} "
            f"(and after the chain's last scheduled change), so at least {_when(earliest)} if "
            f"executed{waits}"
        )
    if effective_at > state.timestamp + MAX_SCHEDULE_AHEAD:
        raise ProposalError(f"effective time {_when(effective_at)} is more than five years ahead")
    return effective_at, f"{_when(effective_at)} (the registry checks {notice} when executed)"


def propose_set_terms(
    registry: Any,
    state: RegistryState,
    chain_id: int,
    gross_bps: int,
    net_bps: int,
    terms_hash: str | None,
    effective_at: int = 0,
) -> Proposal:
    """Schedule a terms change; revenue settled from its effective time on follows it."""
    current = _chain(state, chain_id)
    _check_bps("gross bps", gross_bps)
    _check_bps("net bps", net_bps)
    latest = current.history[-1] if current.history else None
    # Compared with the last scheduled terms: those are what the chain will have.
    last_terms = (
        (latest.gross_bps, latest.net_bps, "0x" + latest.terms_hash.hex())
        if latest
        else (current.gross_bps, current.net_bps, current.terms_hash)
    )
    new_hash = terms_hash or last_terms[2]
    if (gross_bps, net_bps, new_hash.lower()) == (last_terms[0], last_terms[1], last_terms[2].lower()):
        raise ProposalError(f"chain {chain_id} already has (or will have) these terms: nothing to propose")
    at, when = _effective_time(registry, state, current, effective_at)
    call = contract_call(
        registry, "scheduleTerms", chain_id, gross_bps, net_bps, bytes.fromhex(new_hash[2:]), at
    )
    return Proposal(
        title=f"Change chain {chain_id}'s revenue-share terms",
        slug=f"set-terms-{chain_id}",
        summary=(
            f"Chain {chain_id}: from the greater of {_pct(last_terms[0])} of gross and "
            f"{_pct(last_terms[1])} of net to the greater of {_pct(gross_bps)} of gross and "
            f"{_pct(net_bps)} of net, effective {when}. Revenue up to that time is settled under the "
            "current terms (the first disbursement after it settles the period before it, allowed "
            "at once); revenue after it under the new ones."
        ),
        calls=[call],
        settings=[
            (f"chain {chain_id} gross bps", str(last_terms[0]), str(gross_bps)),
            (f"chain {chain_id} net bps", str(last_terms[1]), str(net_bps)),
            (f"chain {chain_id} terms hash", last_terms[2], new_hash),
            (f"chain {chain_id} effective", "-", when),
        ],
        effect=split_examples((last_terms[0], last_terms[1]), (gross_bps, net_bps)),
        acting=state.owner,
    )


def _still_cancellable(registry: Any, state: RegistryState, effective_at: int, what: str) -> None:
    """Refuses a cancellation that could only run (after the owning timelock's delay) once the
    change has taken effect, when the registry refuses it."""
    if effective_at <= state.timestamp + _execution_delay(registry, state):
        raise ProposalError(
            f"{what} takes effect at {_when(effective_at)}, before governance's cancellation could "
            "run: it can no longer be cancelled"
        )


def propose_cancel_terms(registry: Any, state: RegistryState, chain_id: int) -> Proposal:
    """Cancel the chain's last scheduled terms change before it takes effect."""
    current = _chain(state, chain_id)
    pending = current.pending(state.timestamp)
    if not pending or pending[-1].exit:
        what = "an exit is announced after it: cancel the exit first" if pending else "none is scheduled"
        raise ProposalError(f"chain {chain_id} has no terms change to cancel ({what})")
    change = pending[-1]
    _still_cancellable(registry, state, change.effective_at, f"chain {chain_id}'s change")
    return Proposal(
        title=f"Cancel chain {chain_id}'s scheduled terms change",
        slug=f"cancel-terms-{chain_id}",
        summary=(
            f"Chain {chain_id}: cancel the change to {_pct(change.gross_bps)} of gross / "
            f"{_pct(change.net_bps)} of net scheduled for {_when(change.effective_at)}. Refused by the "
            "registry if executed after that time."
        ),
        calls=[contract_call(registry, "cancelScheduledTerms", chain_id)],
        settings=[(f"chain {chain_id} change at {_when(change.effective_at)}", "scheduled", "cancelled")],
        effect=[],
        acting=state.owner,
    )


def propose_announce_exit(
    registry: Any, state: RegistryState, chain_id: int, effective_at: int = 0
) -> Proposal:
    """Announce the chain's exit from revenue sharing."""
    current = _chain(state, chain_id)
    at, when = _effective_time(registry, state, current, effective_at)
    return Proposal(
        title=f"Chain {chain_id} leaves revenue sharing",
        slug=f"announce-exit-{chain_id}",
        summary=(
            f"Chain {chain_id} leaves revenue sharing {when}. Until then nothing changes; the first "
            "disbursement after it is the final settlement (everything up to the exit, under the "
            "terms in force before it); afterwards the chain's splitters pay it all its revenue. "
            "Credited balances stay claimable."
        ),
        calls=[contract_call(registry, "announceExit", chain_id, at)],
        settings=[(f"chain {chain_id}", "member", f"leaves {when}")],
        effect=split_examples((current.gross_bps, current.net_bps), (0, 0)),
        acting=state.owner,
    )


def propose_cancel_exit(registry: Any, state: RegistryState, chain_id: int) -> Proposal:
    current = _chain(state, chain_id)
    if not current.exit_at:
        raise ProposalError(f"chain {chain_id} has not announced an exit")
    if current.exit_by_treasury:
        raise ProposalError(
            f"chain {chain_id}'s treasury announced its exit: only the treasury may cancel it"
        )
    _still_cancellable(registry, state, current.exit_at, f"chain {chain_id}'s exit")
    return Proposal(
        title=f"Cancel chain {chain_id}'s exit",
        slug=f"cancel-exit-{chain_id}",
        summary=(
            f"Chain {chain_id} stays in revenue sharing: cancel its exit announced for "
            f"{_when(current.exit_at)}. Refused by the registry if executed after that time."
        ),
        calls=[contract_call(registry, "cancelExit", chain_id)],
        settings=[(f"chain {chain_id}", f"leaves {_when(current.exit_at)}", "member")],
        effect=[],
        acting=state.owner,
    )


def propose_set_notice_period(registry: Any, state: RegistryState, seconds: int) -> Proposal:
    if not 0 <= seconds <= MAX_NOTICE_PERIOD:
        raise ProposalError(f"notice period {seconds} s is outside 0..{MAX_NOTICE_PERIOD} s (365 days)")
    if seconds == state.notice_period:
        raise ProposalError(f"the notice period is already {seconds} s: nothing to propose")
    return Proposal(
        title="Change the notice period for terms changes and exits",
        slug="set-notice-period",
        summary=(
            f"Terms changes and exits scheduled after execution take effect at least {seconds / 86_400:g} "
            f"days after they are scheduled (now {state.notice_period / 86_400:g} days). Changes "
            "already scheduled keep their times."
        ),
        calls=[contract_call(registry, "setNoticePeriod", seconds)],
        settings=[("notice period (s)", str(state.notice_period), str(seconds))],
        effect=[],
        acting=state.owner,
    )


def propose_set_treasury_may_exit(
    registry: Any, state: RegistryState, chain_id: int, allowed: bool
) -> Proposal:
    current = _chain(state, chain_id)
    if current.treasury_may_exit == allowed:
        raise ProposalError(
            f"chain {chain_id}'s treasury already {'may' if allowed else 'may not'} announce its exit"
        )
    return Proposal(
        title=f"{'Allow' if allowed else 'Forbid'} chain {chain_id}'s treasury to announce its exit",
        slug=f"treasury-may-exit-{chain_id}",
        summary=(
            f"Chain {chain_id}'s treasury {current.treasury} "
            f"{'may' if allowed else 'may no longer'} announce the chain's exit itself, with the "
            "registry's notice (as its terms document says); governance always may."
        ),
        calls=[contract_call(registry, "setTreasuryMayExit", chain_id, allowed)],
        settings=[(f"chain {chain_id} treasury may exit", str(current.treasury_may_exit), str(allowed))],
        effect=[],
        acting=state.owner,
    )


def propose_set_keeper_reward(registry: Any, state: RegistryState, bps: int, cap: int) -> Proposal:
    if not 0 <= bps <= MAX_KEEPER_REWARD_BPS:
        raise ProposalError(f"keeper reward {bps} bps is outside 0..{MAX_KEEPER_REWARD_BPS} (1%)")
    if not 0 <= cap < 2**128:
        raise ProposalError("the keeper reward cap must fit in 128 bits")
    if bps and not cap:
        raise ProposalError("a cap of 0 pays nothing: give a cap, or --bps 0 to turn the reward off")
    if (bps, cap) == state.keeper_reward:
        raise ProposalError("the keeper reward is already set so: nothing to propose")
    example = keeper_reward(10 * ETH, bps, cap)
    return Proposal(
        title="Change the keeper reward",
        slug="set-keeper-reward",
        summary=(
            f"Whoever triggers a splitter's ETH disbursement receives {_pct(bps)} of it, at most {_eth(cap)} "
            f"per disbursement, out of the revenue before it is split (of a 10 ETH disbursement: "
            f"{_eth(example)})."
            if bps
            else "No reward for triggering disbursements."
        ),
        calls=[contract_call(registry, "setKeeperReward", bps, cap)],
        settings=[
            ("keeper reward (bps)", str(state.keeper_reward[0]), str(bps)),
            ("keeper reward cap (wei)", str(state.keeper_reward[1]), str(cap)),
        ],
        effect=[],
        acting=state.owner,
    )


def propose_set_treasury(
    registry: Any, state: RegistryState, chain_id: int, treasury: str, splitter: Any | None = None
) -> Proposal:
    """Change a chain's treasury; with the chain's `splitter`, the same execution moves the old
    treasury's ETH credit there to the new one (a claim hold credits the treasury's share to the
    old address while the change waits in the timelock: it must not be paid out to it after)."""
    current = _chain(state, chain_id)
    treasury = _check_address("treasury", treasury)
    if treasury.lower() == current.treasury.lower():
        raise ProposalError(f"{treasury} is already chain {chain_id}'s treasury")
    if treasury.lower() == state.collective.lower():
        raise ProposalError("the treasury must not be the Collective's address")
    _not_a_payee(registry, "the treasury", treasury)
    calls = [contract_call(registry, "setTreasury", chain_id, treasury)]
    effect = [
        "The split itself is unchanged; the chain's share of every later disbursement and its "
        "not-yet-claimed shared-sequencer balance are paid to the new treasury."
    ]
    if splitter is not None:
        calls.append(contract_call(splitter, "moveCredit", ETH_ASSET, current.treasury))
        effect.append(
            f"In the same execution, the ETH the splitter {splitter.address} holds credited to the old "
            f"treasury {current.treasury} (failed payouts, or shares credited during a claim hold) moves "
            "to the new treasury (`moveCredit`; nothing happens when there is none). Token credits, if "
            "any, need one `moveCredit(token, old treasury)` each."
        )
    return Proposal(
        title=f"Change chain {chain_id}'s treasury",
        slug=f"set-treasury-{chain_id}",
        summary=f"Chain {chain_id}'s share goes to {treasury} instead of {current.treasury}.",
        calls=calls,
        settings=[(f"chain {chain_id} treasury", current.treasury, treasury)],
        effect=effect,
        acting=state.owner,
    )


def propose_set_collective(registry: Any, state: RegistryState, collective: str) -> Proposal:
    collective = _check_address("collective", collective)
    if collective.lower() == state.collective.lower():
        raise ProposalError(f"{collective} is already the Collective's address")
    if any(c.treasury.lower() == collective.lower() for c in state.chains.values()):
        raise ProposalError(f"{collective} is a chain treasury")
    _not_a_payee(registry, "the Collective", collective)
    return Proposal(
        title="Change the Collective's receiving address",
        slug="set-collective",
        summary=f"The Collective's share of every later disbursement goes to {collective}.",
        calls=[contract_call(registry, "setCollective", collective)],
        settings=[("collective", state.collective, collective)],
        effect=["The split is unchanged; only the recipient of the Collective's share changes."],
        acting=state.owner,
    )


def propose_pause(registry: Any, state: RegistryState) -> Proposal:
    if state.paused:
        raise ProposalError("the registry is already paused")
    return Proposal(
        title="Pause revenue-share disbursements",
        slug="pause",
        summary="Stop all disbursements and epoch reports until governance unpauses.",
        calls=[contract_call(registry, "pause")],
        settings=[("paused", "false", "true")],
        effect=[
            "Revenue keeps accumulating in the fee vaults and splitters; nothing is lost. Already "
            "credited balances can still be claimed. Only the owner can unpause."
        ],
        acting=state.owner,
    )


def propose_accept_ownership(registry: Any, state: RegistryState) -> Proposal:
    if state.pending_owner.lower() == ZERO_ADDRESS:
        raise ProposalError("no ownership hand-over is pending")
    return Proposal(
        title="Accept ownership of the revenue-share registry",
        slug="accept-ownership",
        summary=f"{state.pending_owner} completes the two-step hand-over and becomes the registry's owner.",
        calls=[contract_call(registry, "acceptOwnership")],
        settings=[("owner", state.owner, state.pending_owner)],
        effect=["The split is unchanged; from now on only the new owner can change terms."],
        acting=state.pending_owner,
    )


def _role_of(state: RegistryState, recipient: str) -> str:
    if recipient.lower() == state.collective.lower():
        return "the Collective"
    chains = [str(c.chain_id) for c in state.chains.values() if c.treasury.lower() == recipient.lower()]
    if chains:
        return f"the treasury of chain {', '.join(chains)}"
    return "not a payee the registry names (a sequencer operator's fee recipient, or a future one)"


def _destination_effect(recipient: str, destination: Destination) -> list[str]:
    if destination.route == Route.L2:
        return [
            f"ETH payouts to {recipient} become plain L2 transfers again. Any amount credited to it "
            "while waiting for an L1 minimum can be claimed on L2 at once."
        ]
    l1 = destination.l1_recipient
    same = l1.lower() == recipient.lower()
    lines = [
        f"- ETH payouts to {recipient} leave through the {destination.route.label.removeprefix('L1 via ')} "
        f"predeploy to {'the same address' if same else l1} on L1, with {destination.l1_gas_limit:,} "
        "gas for the call there. ERC-20 payouts stay on L2.",
        "- They arrive on L1 only after each withdrawal is proven and then finalized on L1 (two L1 "
        "transactions anyone may send, usually the recipient; at least 7 days on OP Mainnet); until "
        "then the report lists them as in flight.",
        f"- **Check before approving:** {l1} must be an account the recipient controls on L1"
        + (
            ". A Safe deployed only on L2 does not exist on L1, and ETH sent there could not be moved."
            if same
            else "."
        ),
    ]
    if destination.min_amount:
        minimum = destination.min_amount
        part = minimum * 6 // 10
        first, second = l1_payout(part, 0, minimum), l1_payout(part, part, minimum)
        lines.append(
            f"- Below {_eth(minimum)} a payout waits, credited to the recipient, and leaves with the next "
            f"payout that brings the total to the minimum. Example: a payout of {_eth(part)} is "
            f"credited ({_eth(first.credited)} waiting); the next one of {_eth(part)} sends "
            f"{_eth(second.sent)} to L1. A shared-sequencer claim below the minimum is refused."
        )
    return lines


def propose_set_destination(
    registry: Any, state: RegistryState, recipient: str, destination: Destination
) -> Proposal:
    recipient = _check_address("recipient", recipient)
    problem = destination.problem()
    if problem is not None:
        raise ProposalError(problem)
    current = read_destination(registry, recipient)
    if current == destination:
        raise ProposalError(f"{recipient} already has this destination ({destination.describe()})")
    return Proposal(
        title=f"Route ETH payouts to {recipient}: {destination.route.label}",
        slug="set-destination",
        summary=f"Payouts to {recipient} ({_role_of(state, recipient)}): {destination.describe()}.",
        calls=[contract_call(registry, "setDestination", recipient, destination.as_tuple())],
        settings=[(f"destination of {recipient}", current.describe(), destination.describe())],
        effect=_destination_effect(recipient, destination),
        acting=state.owner,
    )


def propose_unpause(registry: Any, state: RegistryState) -> Proposal:
    if not state.paused:
        raise ProposalError("the registry is not paused")
    return Proposal(
        title="Resume revenue-share disbursements",
        slug="unpause",
        summary="Disbursements and epoch reports resume; what accumulated is split at the next one.",
        calls=[contract_call(registry, "unpause")],
        settings=[("paused", "true", "false")],
        effect=[
            "Revenue that accumulated in the vaults and splitters while paused is split at each chain's "
            "next disbursement, under the terms in force then."
        ],
        acting=state.owner,
    )


def propose_set_guardian(registry: Any, state: RegistryState, guardian: str) -> Proposal:
    guardian = _check_address("guardian", guardian) if int(guardian, 16) else ZERO_ADDRESS
    if guardian.lower() == state.guardian.lower():
        raise ProposalError(f"{guardian} is already the guardian")
    if guardian.lower() == state.owner.lower():
        raise ProposalError("the owner can pause by itself: name another account as guardian, or none")
    shown = "none" if guardian == ZERO_ADDRESS else guardian
    return Proposal(
        title="Change the registry's guardian",
        slug="set-guardian",
        summary=f"The account that may pause disbursements and hold claims becomes {shown}.",
        calls=[contract_call(registry, "setGuardian", guardian)],
        settings=[("guardian", state.guardian, shown)],
        effect=[
            "The split is unchanged. The guardian may pause every splitter's disbursements and hold a "
            "chain's claims for one hold period; it cannot unpause or change terms."
            + (" With no guardian, only the owner can pause." if guardian == ZERO_ADDRESS else "")
        ],
        acting=state.owner,
    )


def propose_set_active(registry: Any, state: RegistryState, chain_id: int, active: bool) -> Proposal:
    current = _chain(state, chain_id)
    if current.active == active:
        raise ProposalError(f"chain {chain_id} is already {'active' if active else 'inactive'}")
    verb = "Reactivate" if active else "Deactivate"
    effect = (
        [
            f"Chain {chain_id}'s splitter (or the FeeSplitter asking the registry-driven calculator) can "
            "disburse again; what accumulated meanwhile is split at the next disbursement under the terms "
            "in force then."
        ]
        if active
        else [
            f"Chain {chain_id}'s splitter refuses to disburse (`ChainInactive`), and the registry-driven "
            "calculator makes OP's FeeSplitter revert, so its revenue stays in the vaults and the splitter "
            "until the chain is reactivated. Credited balances can still be claimed."
        ]
    )
    return Proposal(
        title=f"{verb} chain {chain_id}",
        slug=f"{verb.lower()}-chain-{chain_id}",
        summary=f"{verb} chain {chain_id} in the registry.",
        calls=[contract_call(registry, "setActive", chain_id, active)],
        settings=[(f"chain {chain_id} active", str(current.active).lower(), str(active).lower())],
        effect=effect,
        acting=state.owner,
    )


def propose_token_allowed(
    registry: Any, state: RegistryState, token: str, allowed: bool, has_code: bool
) -> Proposal:
    token = _check_address("token", token)
    if not has_code:
        raise ProposalError(f"{token} has no code on this network: it is not a token")
    current = bool(registry.isTokenAllowed(token))
    if current == allowed:
        raise ProposalError(f"{token} is already {'allowed' if allowed else 'not allowed'}")
    verb = "Allow" if allowed else "Disallow"
    return Proposal(
        title=f"{verb} {token} as revenue",
        slug=f"{verb.lower()}-token",
        summary=f"{verb} splitters to disburse revenue held in the ERC-20 {token}.",
        calls=[contract_call(registry, "setTokenAllowed", token, allowed)],
        settings=[(f"token {token} allowed", str(current).lower(), str(allowed).lower())],
        effect=[
            "Splitters split token revenue with the same rule as ETH, with no L1 cost, paid on L2. "
            "Fee-on-transfer and rebasing tokens are refused at payout (`UnsupportedToken`)."
            if allowed
            else "Splitters stop disbursing this token; balances already credited in it can still be claimed."
        ],
        acting=state.owner,
    )


def _shared_splitter(shared: Any, state: RegistryState) -> None:
    if str(shared.REGISTRY()).lower() != state.address.lower():
        raise ProposalError(
            f"the shared splitter {shared.address} uses another registry ({shared.REGISTRY()})"
        )


def propose_set_reporter(registry: Any, state: RegistryState, shared: Any, reporter: str) -> Proposal:
    _shared_splitter(shared, state)
    reporter = _check_address("reporter", reporter)
    current = str(shared.reporter())
    if current.lower() == reporter.lower():
        raise ProposalError(f"{reporter} is already the shared splitter's reporter")
    return Proposal(
        title="Change the shared sequencer's reporter",
        slug="set-reporter",
        summary=f"The shared splitter {shared.address} takes epoch reports from {reporter}, not {current}.",
        calls=[contract_call(shared, "setReporter", reporter)],
        settings=[("reporter", current, reporter)],
        effect=["The split is unchanged; only who reports each epoch's attribution changes."],
        acting=state.owner,
    )


def propose_set_operator_fee(
    registry: Any, state: RegistryState, shared: Any, recipient: str, fee_bps: int
) -> Proposal:
    _shared_splitter(shared, state)
    recipient = _check_address("operator fee recipient", recipient)
    maximum = int(shared.MAX_OPERATOR_FEE_BPS())
    if not 0 <= fee_bps <= maximum:
        raise ProposalError(f"operator fee {fee_bps} bps is outside 0..{maximum}")
    current = (str(shared.operatorFeeRecipient()), int(shared.operatorFeeBps()))
    if (current[0].lower(), current[1]) == (recipient.lower(), fee_bps):
        raise ProposalError("the shared splitter already has this operator fee and recipient")
    gross, l1_cost = EXAMPLES[0][1], EXAMPLES[0][2]
    lines = [
        "| example epoch | gross | L1 cost | fee now | fee proposed | Collective now | Collective proposed |",
        "|---|---|---|---|---|---|---|",
    ]
    before = split_with_fee(gross, l1_cost, 250, 1_500, current[1])
    after = split_with_fee(gross, l1_cost, 250, 1_500, fee_bps)
    lines.append(
        f"| default terms (2.5% / 15%) | {_eth(gross)} | {_eth(l1_cost)} | {_eth(before.operator_fee)} | "
        f"{_eth(after.operator_fee)} | {_eth(before.collective)} | {_eth(after.collective)} |"
    )
    return Proposal(
        title="Change the shared sequencer's operator fee",
        slug="set-operator-fee",
        summary=(
            f"The operator fee becomes {_pct(fee_bps)} of each chain's gross, credited to {recipient} "
            "(from the next epoch report)."
        ),
        calls=[contract_call(shared, "setOperatorFee", recipient, fee_bps)],
        settings=[
            ("operator fee recipient", current[0], recipient),
            ("operator fee", f"{current[1]} bps", f"{fee_bps} bps"),
        ],
        effect=[
            "The fee is taken from each chain's gross first; the revenue-share rule applies to the rest.",
            "",
            *lines,
        ],
        acting=state.owner,
    )


# ---------------------------------------------------------------- grants
MAX_GRANT_MILESTONES = 64


def _approve_call(token: str, spender: str, amount: int) -> Call:
    """`token.approve(spender, amount)` (ERC-20)."""
    from eth_abi import encode
    from eth_utils import keccak

    signature = "approve(address,uint256)"
    data = keccak(text=signature)[:4] + encode(["address", "uint256"], [spender, amount])
    inputs = [
        {"internalType": "address", "name": "spender", "type": "address"},
        {"internalType": "uint256", "name": "value", "type": "uint256"},
    ]
    return Call(token, "approve", inputs, [spender, amount], data, signature)


def propose_create_grant(
    registry: Any,
    state: RegistryState,
    grants: str,
    chain_id: int,
    token: str,
    source: str,
    milestones: list[tuple[int, int, int]],
) -> Proposal:
    """Grant ``token`` to a chain, vesting by milestones (collective share in wei since the grant,
    not before a time, amount): governance approves the escrow and creates the grant, one batch.
    The escrow and the source must run this toolkit's code (a look-alike source could report any
    share and release everything)."""
    from revshare.artifacts import container
    from revshare.chain.opstack import address_of, bundled_immutables, word_of

    current = _chain(state, chain_id)
    if current.exit_at:
        raise ProposalError(
            f"chain {chain_id} is leaving revenue sharing at {_when(current.exit_at)}: no new grant"
        )
    provider = registry.provider
    grants, token, source = (
        _check_address(n, v) for n, v in (("grants", grants), ("token", token), ("source", source))
    )
    escrow_immutables = bundled_immutables(provider, grants, "RevenueLinkedGrants")
    if escrow_immutables is None or set(escrow_immutables) != {int(state.address, 16)}:
        raise ProposalError(
            f"{grants} is not a RevenueLinkedGrants escrow of this toolkit on registry {state.address}"
        )
    found = bundled_immutables(provider, source, "ChainRevenueSplitter")
    if (
        found is None
        or address_of(provider, source, "REGISTRY()") != state.address
        or word_of(provider, source, "CHAIN_ID()") != chain_id
    ):
        raise ProposalError(
            f"the source {source} is not this toolkit's ChainRevenueSplitter of chain {chain_id} "
            "on this registry"
        )
    if not provider.get_code(token):
        raise ProposalError(f"the token {token} has no code")
    if not 1 <= len(milestones) <= MAX_GRANT_MILESTONES:
        raise ProposalError(f"a grant needs 1 to {MAX_GRANT_MILESTONES} milestones")
    for index, (share, not_before, amount) in enumerate(milestones):
        if amount <= 0:
            raise ProposalError(f"milestone {index + 1} grants nothing")
        if share >= 2**128 or amount >= 2**128 or not_before >= 2**64:
            raise ProposalError(f"milestone {index + 1} is out of range")
        if index and (share < milestones[index - 1][0] or not_before < milestones[index - 1][1]):
            raise ProposalError(
                f"milestone {index + 1} comes before milestone {index}: order them by share and time"
            )
    total = sum(m[2] for m in milestones)
    escrow = container("RevenueLinkedGrants").at(grants)
    rows = [
        f"| {i + 1} | {_eth(share)} | {_when(at) if at else 'any time'} | {amount / 10**18:,.6f} |"
        for i, (share, at, amount) in enumerate(milestones)
    ]
    return Proposal(
        title=f"Grant chain {chain_id} {total / 10**18:,.6f} tokens, released as it shares revenue",
        slug=f"create-grant-{chain_id}",
        summary=(
            f"Chain {chain_id} is granted {total / 10**18:,.6f} of token {token}, held by the escrow "
            f"{grants} and released to its treasury milestone by milestone, once the Collective has "
            f"received the given share of its revenue (counted by its splitter {source}, from the grant "
            "on) and the given time has passed. If the chain leaves, what has not vested by its exit "
            "returns to the Collective. Revenue already in the chain's vaults or splitter when the "
            "grant is created counts towards its milestones: execute it right after a disbursement."
        ),
        calls=[
            _approve_call(token, grants, total),
            contract_call(escrow, "createGrant", chain_id, token, source, [list(m) for m in milestones]),
        ],
        settings=[
            (f"chain {chain_id} grant", "-", f"{total / 10**18:,.6f} tokens in {len(milestones)} milestones")
        ],
        effect=[
            "| milestone | Collective share since the grant | not before | tokens |",
            "|---|---|---|---|",
            *rows,
        ],
        acting=state.owner,
    )
