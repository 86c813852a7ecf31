"""Proposals for the OP Stack's own revenue-share contracts on an L2: point the fee vaults at a
recipient (`setRecipient`, `setMinWithdrawalAmount`, `setWithdrawalNetwork` on each), set the
FeeSplitter's shares calculator and interval, and "join revenue sharing" (all of it in one batch:
every vault to the FeeSplitter on L2 from a minimum of 0, and the FeeSplitter to a calculator).

The acting account is the ProxyAdmin predeploy's owner, read from the chain. Every change is
checked against the live state first: the predeploys exist, each vault's version has the setters,
the FeeSplitter's needs are met (minimums of 0, L2), the calculator answers for this chain with
shares that add up, each call succeeds when simulated as the owner, and no call is a no-op. The
effect is worked through `revshare.model` with the chain's terms and the fees waiting in the vaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from eth_abi import decode, encode
from eth_utils import to_checksum_address
from web3.exceptions import ContractLogicError

from revshare.artifacts import container, creation_code
from revshare.chain.addresses import CREATE2_FACTORY, FEE_SPLITTER, PREDEPLOY_VAULTS, PROXY_ADMIN, VAULT_ROLES
from revshare.chain.opstack import (
    L1_NETWORK,
    L2_NETWORK,
    NETWORK_NAMES,
    OpStackState,
    VaultSettings,
    address_of,
    bundled_immutables,
    eth_call,
    selector,
    simulate,
    word_of,
)
from revshare.chain.reader import has_code
from revshare.deploying.deploy import create_address
from revshare.deploying.plan import ZERO_SALT, create2_address
from revshare.governance.proposals import EXAMPLES, Call, Proposal, ProposalError, contract_call
from revshare.model import split
from revshare.terminal import exact_eth

MAX_INTERVAL = 365 * 86_400  # FeeSplitter.MAX_DISBURSEMENT_INTERVAL
# OP's own contract of each legacy (settings-fixed) vault role, bundled from contracts-bedrock: a new
# implementation of it, pointed elsewhere, is what upgrading such a vault installs. (0.17.3 has no
# OperatorFeeVault: that predeploy came with later releases, and with setters from 1.1.0.)
LEGACY_CONTRACTS = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "l1_fee_vault": "L1FeeVault",
}
ROLE_NAMES = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "l1_fee_vault": "L1FeeVault",
    "operator_fee_vault": "OperatorFeeVault",
}
# The revenue a calculator is asked about when the vaults hold nothing yet: (seq, base, op, L1).
SAMPLE_REVENUE = (3 * 10**18, 2 * 10**18, 10**17, 4 * 10**18)


@dataclass(frozen=True)
class CalculatorView:
    """What a shares calculator answers, and, for this project's, the registry terms behind it."""

    address: str
    ours: bool  # a RegistrySharesCalculator
    registry: str | None = None
    chain_id: int | None = None
    collective_payee: str | None = None
    treasury_payee: str | None = None
    terms: tuple[int, int] | None = None  # (gross bps, net bps)
    terms_hash: str | None = None
    collective: str | None = None
    treasury: str | None = None


def _owner(state: OpStackState) -> str:
    if state.proxy_admin_owner is None:
        raise ProposalError(
            f"no ProxyAdmin predeploy at {PROXY_ADMIN} answering owner(): is this network an OP Stack L2?"
        )
    return state.proxy_admin_owner


def _fee_splitter_required(state: OpStackState) -> None:
    if state.fee_splitter is None:
        raise ProposalError(
            f"this chain has no FeeSplitter at {FEE_SPLITTER} (the revenue-share upgrade is not applied): "
            "point the vaults at a ChainRevenueSplitter instead (`ape run propose point-vaults --recipient "
            "SPLITTER`)"
        )
    if state.fee_splitter.calculator is None or state.fee_splitter.interval is None:
        raise ProposalError(f"the contract at {FEE_SPLITTER} does not answer as the FeeSplitter does")


def _check_simulated(provider: Any, acting: str, calls: Sequence[Call]) -> None:
    """Each call, made now by the acting account, must succeed (it would revert otherwise)."""
    for call in calls:
        if not simulate(provider, acting, call.target, call.data):
            raise ProposalError(
                f"{call.signature} on {call.target} reverts when the ProxyAdmin owner {acting} calls it "
                "now: the contract there is not what this change expects"
            )


# ---------------------------------------------------------------- vaults
def _vault_problem(vault: VaultSettings, upgrade_allowed: bool = True) -> str | None:
    name = f"the {ROLE_NAMES[vault.role]} at {vault.address}"
    if not vault.has_code:
        return f"{name} has no code: this chain has no such vault"
    if vault.recipient is None or vault.network is None or vault.min_withdrawal is None:
        return (
            f"{name} does not answer recipient(), withdrawalNetwork() and minWithdrawalAmount(): "
            "is it a fee vault?"
        )
    if vault.has_setters:
        return None
    fixed = (
        f"{name} is version {vault.version or 'unknown'}: its settings are fixed at deployment (the "
        "setters came with the revenue-share upgrade, FeeVault 1.6.0 / OperatorFeeVault 1.1.0)"
    )
    if not vault.upgradable:
        return f"{fixed}, and it is not a proxy the ProxyAdmin {PROXY_ADMIN} can upgrade"
    if vault.role not in LEGACY_CONTRACTS:
        return (
            f"{fixed}; the toolkit has no code of that vault to upgrade it with: upgrade it to "
            "OperatorFeeVault 1.1.0 first, or leave it out (--vault)"
        )
    if not upgrade_allowed:
        return f"{fixed}; the FeeSplitter needs the 1.6.0 vault: upgrade the vaults first"
    return None


def _pays(vault: VaultSettings, recipient: str) -> bool:
    """Whether the vault already pays `recipient` on L2 from a minimum of 0."""
    return (
        vault.recipient is not None
        and vault.recipient.lower() == recipient.lower()
        and vault.network == L2_NETWORK
        and vault.min_withdrawal == 0
    )


def _others_must_pay(
    state: OpStackState, recipient: str, roles: Sequence[str], needed: Sequence[str], who: str
) -> None:
    """Every vault in `needed` the change leaves out must already pay `recipient` on L2 from 0."""
    missing = [ROLE_NAMES[r] for r in needed if not state.vaults[r].has_code]
    if missing:
        raise ProposalError(
            f"{who} withdraws the {', '.join(missing)} at each disbursement, but this chain has no code "
            "there: it can never disburse (deploy a splitter with that vault set to null)"
        )
    astray = [
        f"{ROLE_NAMES[r]} (pays {state.vaults[r].recipient} on "
        f"{NETWORK_NAMES.get(state.vaults[r].network or 0, '?')} from {state.vaults[r].min_withdrawal} wei)"
        for r in needed
        if r not in roles and not _pays(state.vaults[r], recipient)
    ]
    if astray:
        raise ProposalError(
            f"{who} withdraws every vault it knows at each disbursement and reverts when one pays elsewhere: "
            f"include {', '.join(astray)} (or leave out --vault)"
        )


def _recipient_checks(
    provider: Any, state: OpStackState, recipient: str, minimum: int, network: int, roles: Sequence[str]
) -> list[str]:
    """What a recipient needs of the vaults; returns notes for `proposal.md`."""
    notes: list[str] = []
    if recipient.lower() == FEE_SPLITTER.lower():
        _fee_splitter_required(state)
        if minimum != 0 or network != L2_NETWORK:
            raise ProposalError(
                "the FeeSplitter withdraws every vault at each disbursement and reverts when one pays "
                "elsewhere or is below its minimum: vaults paying it need --withdrawal-network l2 and "
                "--min-withdrawal 0"
            )
        _others_must_pay(state, FEE_SPLITTER, roles, VAULT_ROLES, "the FeeSplitter")
        return notes
    code = has_code(provider, recipient)
    if (
        code
        and word_of(provider, recipient, "ROLE()") is not None
        and address_of(provider, recipient, "REGISTRY()")
    ):
        raise ProposalError(
            f"{recipient} is a SharePayee: the vaults would pay it everything, unsplit, as one role's share "
            "(point the vaults at the FeeSplitter and plug in the calculator: `join`)"
        )
    chain_id = word_of(provider, recipient, "CHAIN_ID()") if code else None
    vault_roles = {role: address_of(provider, recipient, f"{role.upper()}()") for role in VAULT_ROLES}
    splitter = chain_id is not None and vault_roles["sequencer_fee_vault"] is not None
    if network == L1_NETWORK:
        if splitter or recipient.lower() == FEE_SPLITTER.lower():
            raise ProposalError(
                f"{recipient} is a contract on this L2: vaults paying it on L1 would send the fees to that "
                "address on Ethereum, where nobody controls it (use --withdrawal-network l2)"
            )
        notes.append(
            f"The vaults pay {recipient} **on L1** through the L2ToL1MessagePasser: each withdrawal must be "
            f"proven and finalized on L1 before it arrives. {recipient} must be an account its owner "
            "controls on L1"
            + (" (it has code on this L2: make sure the same address on L1 is yours)." if code else ".")
        )
        return notes
    if not code:
        notes.append(
            f"{recipient} has no code on this chain: an account (an EOA). Nothing is shared with the "
            "Collective through it; use this only for a chain that pays by hand or leaves."
        )
        return notes
    if splitter:  # a ChainRevenueSplitter
        if chain_id != state.chain_id:
            raise ProposalError(
                f"{recipient} is a ChainRevenueSplitter for chain {chain_id}, "
                f"but this is chain {state.chain_id}"
            )
        if minimum != 0:
            raise ProposalError(
                f"the splitter {recipient} refuses to disburse while a vault has a minimum above 0: "
                "use --min-withdrawal 0"
            )
        for role in roles:
            configured = vault_roles[role]
            if configured is None or configured.lower() != str(PREDEPLOY_VAULTS[role]).lower():
                raise ProposalError(
                    f"the splitter {recipient} was deployed with {configured or 'no'} {ROLE_NAMES[role]}, "
                    f"not the predeploy {PREDEPLOY_VAULTS[role]}: it would count that vault's fees as other "
                    "inflows (and L1 fees not as the L1 cost)"
                )
        configured_roles = [r for r in VAULT_ROLES if vault_roles[r] is not None and int(vault_roles[r], 16)]
        _others_must_pay(state, recipient, roles, configured_roles, f"the splitter {recipient}")
        notes.append(f"{recipient} is this project's ChainRevenueSplitter for chain {chain_id}.")
        return notes
    refusing = _refuses_eth(provider, state, roles, recipient)
    if refusing:
        raise ProposalError(
            f"{recipient} refuses a plain ETH transfer from the {refusing}: every withdrawal of the vaults "
            "would revert (is it the right address?)"
        )
    return notes


def _refuses_eth(provider: Any, state: OpStackState, roles: Sequence[str], recipient: str) -> str | None:
    """The name of the first vault whose plain 1-wei transfer to `recipient` reverts when simulated
    (the vaults pay with a plain call; the vault is given the wei by a state override), or None."""
    for role in roles[:1]:
        vault = state.vaults[role].address
        request = {"from": vault, "to": recipient, "value": 1, "data": "0x"}
        try:
            provider.web3.eth.call(request, "latest", {vault: {"balance": hex(10**18)}})
        except ContractLogicError:  # the transfer reverts
            return ROLE_NAMES[role]
        except Exception:  # a node without state overrides: nothing to tell
            return None
    return None


def vault_calls(
    provider: Any, state: OpStackState, roles: Sequence[str], recipient: str, minimum: int, network: int
) -> tuple[list[Call], list[tuple[str, str, str]]]:
    """The setter calls that bring each vault of `roles` to the wanted settings (none for a
    setting it already has), and the settings table rows."""
    calls: list[Call] = []
    rows: list[tuple[str, str, str]] = []
    deploying: set[str] = set()
    for role in roles:
        vault = state.vaults[role]
        # The FeeSplitter reads the 1.6.0 getters: a legacy implementation cannot serve it.
        problem = _vault_problem(vault, upgrade_allowed=recipient.lower() != FEE_SPLITTER.lower())
        if problem is not None:
            raise ProposalError(problem)
        contract = container("IOPFeeVault").at(vault.address)
        name = ROLE_NAMES[role]
        assert vault.recipient is not None and vault.min_withdrawal is not None and vault.network is not None
        if not vault.has_setters:  # a legacy vault: a new implementation with the settings built in
            upgrade, row = _upgrade_calls(provider, vault, recipient, minimum, network, deploying)
            calls += upgrade
            rows += row
            continue
        if vault.recipient.lower() != recipient.lower():
            calls.append(contract_call(contract, "setRecipient", recipient))
            rows.append((f"{name} recipient", vault.recipient, recipient))
        if vault.min_withdrawal != minimum:
            calls.append(contract_call(contract, "setMinWithdrawalAmount", minimum))
            rows.append((f"{name} minimum withdrawal", exact_eth(vault.min_withdrawal), exact_eth(minimum)))
        if vault.network != network:
            calls.append(contract_call(contract, "setWithdrawalNetwork", network))
            rows.append(
                (
                    f"{name} network",
                    NETWORK_NAMES.get(vault.network, str(vault.network)),
                    NETWORK_NAMES[network],
                )
            )
    return calls, rows


def _upgrade_calls(
    provider: Any, vault: VaultSettings, recipient: str, minimum: int, network: int, deploying: set[str]
) -> tuple[list[Call], list[tuple[str, str, str]]]:
    """A legacy vault (settings immutable) pointed elsewhere: OP's own vault contract of that role
    (from contracts-bedrock) deployed through the CREATE2 factory with the wanted settings, unless
    that implementation exists already or an earlier call of the batch deploys it (``deploying``:
    OP's BaseFeeVault and L1FeeVault compile to the same code), then
    `ProxyAdmin.upgrade(vault, implementation)`. None when the vault already has those settings."""
    assert vault.recipient is not None
    if (vault.recipient.lower(), vault.min_withdrawal, vault.network) == (
        recipient.lower(),
        minimum,
        network,
    ):
        return [], []
    contract = LEGACY_CONTRACTS[vault.role]
    settings = [recipient, minimum, network]
    init_code = creation_code(contract, settings)
    implementation = create2_address(ZERO_SALT, init_code)
    calls: list[Call] = []
    if implementation not in deploying and not has_code(provider, implementation):
        deploying.add(implementation)
        calls.append(
            Call(
                target=CREATE2_FACTORY,
                method="",
                inputs=[],
                args=[],
                data=ZERO_SALT + init_code,
                signature=f"CREATE2 deployment of {contract}({recipient}, {minimum}, "
                f"{NETWORK_NAMES[network]}) at {implementation}",
            )
        )
    calls.append(
        contract_call(container("ProxyAdmin").at(PROXY_ADMIN), "upgrade", vault.address, implementation)
    )
    name = ROLE_NAMES[vault.role]
    network_name = NETWORK_NAMES.get(vault.network or 0, str(vault.network))
    rows = [
        (f"{name} implementation", str(vault.implementation), implementation),
        (
            f"{name} settings (fixed in the implementation)",
            f"{vault.recipient}, minimum {exact_eth(vault.min_withdrawal or 0)}, {network_name}",
            f"{recipient}, minimum {exact_eth(minimum)}, {NETWORK_NAMES[network]}",
        ),
    ]
    return calls, rows


def _pending(state: OpStackState) -> tuple[int, int, int, int]:
    """The fees waiting in the vaults: (sequencer, base, operator, L1)."""
    vaults = state.vaults
    return (
        vaults["sequencer_fee_vault"].balance,
        vaults["base_fee_vault"].balance,
        vaults["operator_fee_vault"].balance,
        vaults["l1_fee_vault"].balance,
    )


def propose_point_vaults(
    provider: Any,
    state: OpStackState,
    recipient: str,
    minimum: int,
    network: int,
    roles: Sequence[str] | None = None,
) -> Proposal:
    """Point fee vaults (all that exist, or `roles`) at `recipient`."""
    acting = _owner(state)
    recipient = to_checksum_address(recipient)
    if not int(recipient, 16):
        raise ProposalError("the recipient must not be the zero address")
    chosen = list(roles) if roles else [r for r in VAULT_ROLES if state.vaults[r].has_code]
    if not chosen:
        raise ProposalError("this chain has none of the four fee vault predeploys")
    notes = _recipient_checks(provider, state, recipient, minimum, network, chosen)
    calls, rows = vault_calls(provider, state, chosen, recipient, minimum, network)
    if not calls:
        raise ProposalError(
            f"every chosen vault already pays {recipient} on {NETWORK_NAMES[network]} from {minimum} wei"
        )
    _check_simulated(provider, acting, calls)
    if any(call.target == CREATE2_FACTORY for call in calls):
        notes.append(
            "The batch deploys the new vault implementations through the CREATE2 factory first. That is "
            "permissionless: should someone deploy one before the batch runs, its call would revert and "
            "with it the batch; run this command again then, and the new batch leaves those calls out."
        )
    waiting = sum(state.vaults[r].balance for r in chosen)
    effect = [
        *notes,
        f"From execution on, every withdrawal of the vaults ({', '.join(ROLE_NAMES[r] for r in chosen)}) "
        f"pays {recipient} on {NETWORK_NAMES[network]}. They hold {exact_eth(waiting)} now; it goes to "
        "the new recipient at the next withdrawal.",
    ]
    return Proposal(
        title=f"Point the fee vaults of chain {state.chain_id} at {recipient}",
        slug=f"point-vaults-{state.chain_id}",
        summary=(
            f"{len(chosen)} fee vault(s) of chain {state.chain_id} pay {recipient} on "
            f"{NETWORK_NAMES[network]} from a minimum of {exact_eth(minimum)}."
        ),
        calls=calls,
        settings=rows,
        effect=effect,
        acting=acting,
        governance={"contracts": _contracts(state, chosen)},
    )


# ---------------------------------------------------------------- FeeSplitter
def read_calculator(
    provider: Any, state: OpStackState, address: str, expected_registry: str | None = None
) -> CalculatorView:
    """Check a shares calculator against the chain: it has code, answers `getRecipientsAndAmounts`
    with shares that add up and, when it claims to be this project's, is: its code, its payees'
    code and its registry's code are the toolkit's, its payees are its own (one per role, bound to
    its registry and chain), it applies this chain's active terms, and its answer is the model's."""
    address = to_checksum_address(address)
    if not has_code(provider, address):
        raise ProposalError(f"the calculator {address} has no code on chain {state.chain_id}")
    registry = address_of(provider, address, "REGISTRY()")
    chain_id = word_of(provider, address, "CHAIN_ID()")
    payees = (
        address_of(provider, address, "COLLECTIVE_PAYEE()"),
        address_of(provider, address, "TREASURY_PAYEE()"),
    )
    if registry is None or chain_id is None or payees[0] is None or payees[1] is None:
        _check_answers(provider, address, SAMPLE_REVENUE)
        return CalculatorView(address, ours=False)
    if chain_id != state.chain_id:
        raise ProposalError(
            f"the calculator {address} applies the terms of chain {chain_id}, "
            f"but this is chain {state.chain_id}"
        )
    _check_ours(provider, address, registry, chain_id, payees)
    if expected_registry is not None and registry.lower() != expected_registry.lower():
        raise ProposalError(
            f"the calculator {address} reads the registry {registry}, not {expected_registry}"
        )
    reg = container("ChainRegistry").at(registry)
    if not reg.isRegistered(chain_id):
        raise ProposalError(f"chain {chain_id} is not registered in the calculator's registry {registry}")
    terms = reg.getChain(chain_id)
    if not terms.active:
        raise ProposalError(
            f"chain {chain_id} is inactive in the registry {registry}: every disbursement would revert"
        )
    if reg.paused():
        raise ProposalError(
            f"the registry {registry} is paused: every disbursement would revert until it is unpaused"
        )
    view = CalculatorView(
        address=address,
        ours=True,
        registry=registry,
        chain_id=chain_id,
        collective_payee=payees[0],
        treasury_payee=payees[1],
        terms=(int(terms.grossBps), int(terms.netBps)),
        terms_hash="0x" + bytes(terms.termsHash).hex(),
        collective=str(reg.collective()),
        treasury=str(terms.treasury),
    )
    expected = split(sum(SAMPLE_REVENUE), SAMPLE_REVENUE[3], *view.terms)
    if _check_answers(provider, address, SAMPLE_REVENUE) != [
        (payees[0], expected.collective),
        (payees[1], expected.chain),
    ]:
        raise ProposalError(f"the calculator {address} does not answer what the registry's terms give")
    return view


def _check_ours(provider: Any, address: str, registry: str, chain_id: int, payees: tuple[str, str]) -> None:
    """A calculator answering like this project's must be it, with its own payees and a registry
    running the toolkit's code (anyone can deploy look-alikes that pay themselves)."""
    own = {int(registry, 16), chain_id, int(payees[0], 16), int(payees[1], 16)}
    # Its deployment time (the start of its first period): the code sets it, whatever it is.
    own.add(word_of(provider, address, "DEPLOYED_AT()") or 0)
    found = bundled_immutables(provider, address, "RegistrySharesCalculator")
    if found is None or not set(found) <= own:
        raise ProposalError(
            f"{address} answers like a RegistrySharesCalculator but its code is not this toolkit's "
            "(revshare/artifacts/RegistrySharesCalculator.json): refusing to vouch for it"
        )
    for role, payee in enumerate(payees):
        found = bundled_immutables(provider, payee, "SharePayee")
        if (
            found is None
            or not set(found) <= {int(registry, 16), chain_id, role}
            or payee.lower() != create_address(address, role + 1).lower()
            or word_of(provider, payee, "ROLE()") != role
            or address_of(provider, payee, "REGISTRY()") != registry
            or word_of(provider, payee, "CHAIN_ID()") != chain_id
        ):
            raise ProposalError(
                f"the calculator {address}'s payee {payee} is not the SharePayee it created for that role"
            )
    if bundled_immutables(provider, registry, "ChainRegistry") != []:
        raise ProposalError(
            f"the calculator's registry {registry} does not run the toolkit's ChainRegistry code"
        )


def ask_calculator(
    provider: Any, address: str, revenue: tuple[int, int, int, int]
) -> list[tuple[str, int]] | None:
    """The calculator's `(recipient, amount)` answer for `revenue` (seq, base, operator, L1), or None."""
    data = selector("getRecipientsAndAmounts(uint256,uint256,uint256,uint256)") + encode(
        ["uint256"] * 4, list(revenue)
    )
    raw = eth_call(provider, address, data)
    if raw is None:
        return None
    try:
        (shares,) = decode(["(address,uint256)[]"], raw)
    except Exception:  # not a ShareInfo[]
        return None
    return [(to_checksum_address(recipient), int(amount)) for recipient, amount in shares]


def _check_answers(provider: Any, address: str, revenue: tuple[int, int, int, int]) -> list[tuple[str, int]]:
    shares = ask_calculator(provider, address, revenue)
    if shares is None:
        raise ProposalError(
            f"{address} does not answer getRecipientsAndAmounts(...) with a (recipient, amount) list: "
            "the FeeSplitter could not disburse with it"
        )
    if not shares or sum(amount for _, amount in shares) != sum(revenue):
        raise ProposalError(
            f"the calculator {address}'s shares do not add up to the revenue it is given: the FeeSplitter "
            "would revert every disbursement"
        )
    return shares


def fee_splitter_calls(
    state: OpStackState, calculator: str | None, interval: int | None
) -> tuple[list[Call], list[tuple[str, str, str]]]:
    _fee_splitter_required(state)
    current = state.fee_splitter
    assert current is not None
    contract = container("IFeeSplitter").at(FEE_SPLITTER)
    calls: list[Call] = []
    rows: list[tuple[str, str, str]] = []
    if calculator is not None and str(current.calculator).lower() != calculator.lower():
        calls.append(contract_call(contract, "setSharesCalculator", calculator))
        rows.append(("FeeSplitter shares calculator", str(current.calculator), calculator))
    if interval is not None:
        if not 1 <= interval <= MAX_INTERVAL:
            raise ProposalError(
                f"the interval must be 1 to {MAX_INTERVAL} seconds (365 days), not {interval}"
            )
        if interval != current.interval:
            calls.append(contract_call(contract, "setFeeDisbursementInterval", interval))
            rows.append(("FeeSplitter interval", f"{current.interval} s", f"{interval} s"))
    return calls, rows


def _calculator_effect(provider: Any, state: OpStackState, view: CalculatorView) -> list[str]:
    pending = _pending(state)
    gross, l1 = sum(pending), pending[3]
    lines: list[str] = []
    if view.ours:
        assert view.terms is not None
        lines += [
            f"The calculator `{view.address}` is this project's RegistrySharesCalculator: every "
            f"disbursement follows chain {view.chain_id}'s terms in the registry `{view.registry}` at "
            f"that moment (now the greater of {view.terms[0] / 100:g}% of gross and {view.terms[1] / 100:g}% "
            f"of net, terms hash `{view.terms_hash}`). Governance changes them in the registry, not here.",
            f"- The Collective's share goes to the payee `{view.collective_payee}`, which passes it on to "
            f"the registry's Collective (now `{view.collective}`) along its registry route.",
            f"- The chain's share goes to the payee `{view.treasury_payee}`, which passes it on to the "
            f"chain's treasury (now `{view.treasury}`).",
            "- A payee never reverts: a treasury that refuses ETH keeps its share waiting in its payee "
            "(anyone calls `forward()` later) and the Collective is paid all the same.",
            "",
        ]
        if gross:
            shares = split(gross, l1, *view.terms)
            lines += [
                f"The vaults hold {exact_eth(gross)} now (L1 fees {exact_eth(l1)}). Disbursed under these "
                f"terms: the Collective {exact_eth(shares.collective)}, the chain {exact_eth(shares.chain)} "
                f"({shares.rule} rule).",
                "",
            ]
        lines += terms_table(view.terms)
        return lines
    revenue = pending if gross else SAMPLE_REVENUE
    shares = _check_answers(provider, view.address, revenue)
    what = "the fees the vaults hold now" if gross else "a sample disbursement"
    lines += [
        f"The calculator `{view.address}` is not this project's: its answer for {what} "
        f"({exact_eth(sum(revenue))}, of which L1 fees {exact_eth(revenue[3])}):",
        "",
        "| recipient | amount | has code |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{recipient}` | {exact_eth(amount)} | {'yes' if has_code(provider, recipient) else 'no'} |"
        for recipient, amount in shares
    ]
    lines += [
        "",
        "The FeeSplitter reverts the whole disbursement if any of these recipients refuses ETH.",
    ]
    return lines


def terms_table(terms: tuple[int, int]) -> list[str]:
    """Markdown table of worked examples under `terms` (gross bps, net bps), through the model."""
    lines = ["| example | gross | L1 cost | Collective | chain | rule |", "|---|---|---|---|---|---|"]
    for label, gross, l1_cost in EXAMPLES:
        shares = split(gross, l1_cost, *terms)
        lines.append(
            f"| {label} | {exact_eth(gross)} | {exact_eth(l1_cost)} | {exact_eth(shares.collective)} | "
            f"{exact_eth(shares.chain)} | {shares.rule} |"
        )
    return lines


def _registry_warnings(view: CalculatorView | None, expected_registry: str | None) -> list[str]:
    if view is None or not view.ours or expected_registry is not None:
        return []
    return [
        f"The calculator's registry {view.registry} was not checked against a deployment record or "
        "--registry: make sure it is the registry governance means (its code is the toolkit's, but "
        "anyone can deploy one)."
    ]


def propose_fee_splitter(
    provider: Any,
    state: OpStackState,
    calculator: str | None,
    interval: int | None,
    expected_registry: str | None = None,
) -> Proposal:
    """Set the FeeSplitter's shares calculator and/or interval."""
    acting = _owner(state)
    if calculator is None and interval is None:
        raise ProposalError("give --calculator, --interval or both")
    view = read_calculator(provider, state, calculator, expected_registry) if calculator is not None else None
    calls, rows = fee_splitter_calls(state, view.address if view else None, interval)
    if not calls:
        raise ProposalError("the FeeSplitter already has these settings: nothing to propose")
    _check_simulated(provider, acting, calls)
    effect = _calculator_effect(provider, state, view) if view is not None else []
    if interval is not None:
        effect.append(f"Disbursements at most once every {interval:,} s ({interval / 86_400:g} days).")
    return Proposal(
        title=f"Configure the FeeSplitter of chain {state.chain_id}",
        slug=f"fee-splitter-{state.chain_id}",
        summary="; ".join(f"{setting}: {proposed}" for setting, _, proposed in rows) + ".",
        calls=calls,
        settings=rows,
        effect=effect,
        acting=acting,
        governance={
            "contracts": _contracts(state, [], view.address if view else None),
            "warnings": _registry_warnings(view, expected_registry),
        },
    )


def propose_join(
    provider: Any,
    state: OpStackState,
    calculator: str,
    interval: int | None,
    expected_registry: str | None = None,
) -> Proposal:
    """Join revenue sharing in one batch: the FeeSplitter asks `calculator` (and disburses every
    `interval` seconds), and the four vaults pay it on L2 from a minimum of 0. The calculator comes
    first, so that sent one by one (as L1 deposits) no disbursement in between uses the old one."""
    acting = _owner(state)
    _fee_splitter_required(state)
    view = read_calculator(provider, state, calculator, expected_registry)
    missing = [ROLE_NAMES[r] for r in VAULT_ROLES if not state.vaults[r].has_code]
    if missing:
        raise ProposalError(
            f"this chain has no {', '.join(missing)}: the FeeSplitter withdraws all four vaults and would "
            "revert every disbursement"
        )
    v_calls, v_rows = vault_calls(provider, state, VAULT_ROLES, FEE_SPLITTER, 0, L2_NETWORK)
    f_calls, f_rows = fee_splitter_calls(state, view.address, interval)
    calls = [*f_calls, *v_calls]
    if not calls:
        raise ProposalError(
            f"chain {state.chain_id} already pays the FeeSplitter from every vault and uses {view.address}: "
            "nothing to propose"
        )
    _check_simulated(provider, acting, calls)
    fee_splitter = state.fee_splitter
    assert fee_splitter is not None
    next_at = (fee_splitter.last_disbursement or 0) + (interval or fee_splitter.interval or 0)
    effect = [
        "After execution every fee vault pays the FeeSplitter on L2 with a minimum of 0, so each "
        "`disburseFees()` (anyone may call it, at most once per interval) withdraws all four and "
        "pays the calculator's shares.",
        f"The next disbursement is possible from {_utc(next_at)} (the last one, or the upgrade, at "
        f"{_utc(fee_splitter.last_disbursement or 0)}, plus the interval).",
        "",
        *_calculator_effect(provider, state, view),
    ]
    if view.ours:
        effect.append("")
        effect.append(
            "Shares computed with the toolkit's reference model (`revshare.model.split`), to the wei."
        )
    return Proposal(
        title=f"Join revenue sharing: chain {state.chain_id} through OP's FeeSplitter",
        slug=f"join-{state.chain_id}",
        summary=(
            f"Chain {state.chain_id}'s four fee vaults pay the FeeSplitter on L2 from a minimum of 0, and "
            f"the FeeSplitter splits every disbursement with the calculator {view.address}."
        ),
        calls=calls,
        settings=[*f_rows, *v_rows],
        effect=effect,
        acting=acting,
        governance={
            "contracts": _contracts(state, VAULT_ROLES, view.address),
            "warnings": _registry_warnings(view, expected_registry),
        },
    )


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _contracts(state: OpStackState, roles: Sequence[str], calculator: str | None = None) -> dict[str, str]:
    """The contracts a proposal touches or relies on, for its code-hash table."""
    contracts = {"ProxyAdmin": PROXY_ADMIN}
    if state.fee_splitter is not None:
        contracts["FeeSplitter"] = FEE_SPLITTER
    contracts.update({ROLE_NAMES[r]: state.vaults[r].address for r in roles})
    if calculator is not None:
        contracts["SharesCalculator"] = calculator
    return contracts
