"""`make_proposal`: a change proposed against a deployed registry. Finds the registry (given, or
from the deployment record) and checks it is one, reads its state, works out how governance acts
(timelock, multisig or plain account) and writes the proposal's files. `make_opstack_proposal`
does the same for the OP Stack predeploys of the connected L2, where the ProxyAdmin's owner acts."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eth_utils import keccak

from revshare.artifacts import container
from revshare.chain.addresses import ZERO_ADDRESS
from revshare.chain.node import public_network
from revshare.chain.opstack import OpStackState, read_opstack
from revshare.chain.reader import has_code, provider_word
from revshare.chain.registry import RegistryState, read_registry
from revshare.chain.sending import send_transaction
from revshare.deploying.record import load_record, record_path
from revshare.governance.deposits import l1_deposits
from revshare.governance.files import Context, write_proposal
from revshare.governance.proposals import Proposal, ProposalError
from revshare.terminal import Log
from revshare.values import parse_address


def _network_record(record_dir: Path) -> tuple[Path, dict[str, Any]]:
    """This network's deployment record file and its content ({} when there is none)."""
    from ape import networks

    path = record_path(record_dir, networks.provider.network_choice)
    return path, (load_record(path) if path.exists() else {})


def recorded_registry(record_dir: Path) -> str | None:
    """The ChainRegistry address in this network's deployment record, if there is one."""
    return recorded_address(record_dir, "ChainRegistry")


def recorded_address(record_dir: Path, name: str) -> str | None:
    """The address of contract ``name`` in this network's deployment record, if it lists one."""
    _, record = _network_record(record_dir)
    return record.get("contracts", {}).get(name, {}).get("address")


def recorded_splitter(record_dir: Path, chain_id: int) -> Any | None:
    """The ChainRevenueSplitter of `chain_id` in this network's deployment record, if deployed."""
    from ape import networks

    _, record = _network_record(record_dir)
    address = record.get("contracts", {}).get(f"ChainRevenueSplitter:{chain_id}", {}).get("address")
    if address is None or not has_code(networks.provider, address):
        return None
    return container("ChainRevenueSplitter").at(address)


def find_registry(registry_address: str | None, record_dir: Path) -> tuple[Any, dict[str, Any]]:
    """The registry (given, or from this network's deployment record) and the record, if any."""
    from ape import networks

    network = public_network(networks.provider.network_choice)
    path, record = _network_record(record_dir)
    address = registry_address or record.get("contracts", {}).get("ChainRegistry", {}).get("address")
    if address is None:
        raise ProposalError(f"no deployment record at {path}: pass --registry ADDRESS")
    try:
        address = parse_address(address)
    except ValueError as exc:
        raise ProposalError(f"registry: {exc}") from None
    if not networks.provider.get_code(address):
        raise ProposalError(f"no contract at {address} on {network}")
    if any(provider_word(networks.provider, address, getter) is None for getter in REGISTRY_GETTERS):
        raise ProposalError(
            f"{address} is not a ChainRegistry (it does not answer {', '.join(REGISTRY_GETTERS)}): "
            "pass the registry's address"
        )
    return container("ChainRegistry").at(address), record


# Views every ChainRegistry answers with one word; a splitter, a Safe or a token does not.
REGISTRY_GETTERS = ("chainCount()", "collective()", "termsVersion()", "claimHoldPeriod()")


def _check_proposer(timelock: Any, safe: str, given: bool) -> None:
    """The Safe that schedules on a timelock must hold its PROPOSER_ROLE (and, when named with
    --safe, be a contract: an account with no code is not a Safe)."""
    from ape import networks

    where = "--safe" if given else "the record's proposer"
    if given and not has_code(networks.provider, safe):
        raise ProposalError(f"{where} {safe} has no code on this network: it is not a Safe")
    if not timelock.hasRole(timelock.PROPOSER_ROLE(), safe):
        hint = "" if given else ": pass --safe (a Safe holding the role)"
        raise ProposalError(
            f"{where} {safe} does not hold the PROPOSER_ROLE of the timelock {timelock.address}: "
            f"its schedule call would revert{hint}"
        )


def _submitter(kind: str, acting: str, timelock: Any, safe: str | None, record: dict[str, Any]) -> str:
    """The multisig that submits the batch, checked against the chain."""
    if kind == "timelock":
        given = safe is not None
        if safe is None:
            proposers = record.get("governance", {}).get("proposers") or []
            if not proposers:
                raise ProposalError(
                    "the owner is a timelock: pass --safe (the Safe holding its PROPOSER_ROLE)"
                )
            safe = proposers[0]
        _check_proposer(timelock, safe, given)
        return safe
    if safe is not None and safe.lower() != acting.lower():
        if kind == "multisig":
            raise ProposalError(f"--safe {safe} is not the registry's owner {acting}, the multisig that acts")
        raise ProposalError(f"--safe: the acting owner {acting} is an account, not a Safe; drop --safe")
    return acting if kind == "multisig" else ""


def ownership_warnings(state: RegistryState, acting: str, kind: str) -> list[str]:
    """Loud notes for a registry governance does not control yet."""
    warnings = []
    if state.pending_owner.lower() != ZERO_ADDRESS and acting.lower() != state.pending_owner.lower():
        warnings.append(
            f"Ownership of the registry was offered to {state.pending_owner} but not accepted: "
            f"{state.owner} still owns it. Governance cannot make these calls until it accepts "
            "(`ape run propose accept-ownership`)."
        )
    if kind == "account":
        warnings.append(
            f"The acting owner {acting} is an account (no code), not governance: these calls take effect "
            "only if that account sends them itself."
        )
    return warnings


def governance_context(
    contracts: dict[str, str], record: dict[str, Any], acting: str, safe: str | None, warnings: list[str]
) -> Context:
    """How `acting` governs (a timelock, a multisig, or an account), checked on the chain, with the
    code hash of every contract the proposal names."""
    from ape import networks

    provider = networks.provider
    contracts = dict(contracts)
    kind, timelock, delay = "account", None, 0
    if has_code(provider, acting):
        # A TimelockController answers getMinDelay(); any other contract owner is treated as a
        # multisig (asked with a plain call, so a Safe's refusal prints no trace).
        min_delay = provider_word(provider, acting, "getMinDelay()")
        if min_delay is None:
            kind = "multisig"
        else:
            kind, timelock, delay = "timelock", container("RevenueShareTimelock").at(acting), min_delay
        if acting.lower() not in {address.lower() for address in contracts.values()}:
            contracts["Governance"] = acting
    submitter = _submitter(kind, acting, timelock, safe, record)
    hashes = {
        name: "0x" + keccak(bytes(provider.get_code(address))).hex() for name, address in contracts.items()
    }
    return Context(
        network=public_network(provider.network_choice),
        chain_id=provider.chain_id,
        contracts=contracts,
        code_hashes=hashes,
        governance_kind=kind,
        governance=acting,
        timelock=timelock,
        timelock_delay=delay,
        safe=submitter,
        warnings=warnings,
    )


def _write(proposal: Proposal, ctx: Context, out_dir: Path, log: Log) -> Path:
    now = datetime.now(timezone.utc)
    folder = write_proposal(
        proposal,
        ctx,
        out_dir,
        created_ms=int(time.time() * 1000),
        stamp=now.strftime("%Y%m%d-%H%M%S"),
    )
    for warning in ctx.warnings:
        log(f"WARNING: {warning}")
    log(f"{proposal.title}")
    log(f"  governance: {ctx.governance_kind} {ctx.governance}")
    for name in sorted(p.name for p in folder.iterdir()):
        log(f"  wrote {folder / name}")
    return folder


def make_proposal(
    build: Callable[[Any, RegistryState], Proposal],
    *,
    registry_address: str | None,
    record_dir: Path,
    out_dir: Path,
    safe: str | None,
    log: Log = print,
) -> Path:
    """Validate the change against the chain and write its proposal folder."""
    registry, record = find_registry(registry_address, record_dir)
    state = read_registry(registry)
    proposal = build(registry, state)
    contracts = {name: entry["address"] for name, entry in record.get("contracts", {}).items()}
    contracts.setdefault("ChainRegistry", str(registry.address))
    contracts.update(proposal.governance.get("contracts", {}))
    warnings: list[str] = list(proposal.governance.get("warnings", []))
    if proposal.acting.lower() in (state.owner.lower(), state.pending_owner.lower()):
        warnings += ownership_warnings(state, proposal.acting, _kind_of(proposal.acting))
    # else another account acts (a chain's treasury disputing an epoch): the proposal says who.
    ctx = governance_context(contracts, record, proposal.acting, safe, warnings)
    l1_sender = proposal.governance.get("l1_sender")
    if l1_sender:  # that account is on L1: its calls go as deposits
        ctx.deposits = l1_deposits(registry.provider, proposal.acting, l1_sender, proposal.calls)
    return _write(proposal, ctx, out_dir, log)


def _kind_of(acting: str) -> str:
    from ape import networks

    return "account" if not has_code(networks.provider, acting) else "contract"


def make_opstack_proposal(
    build: Callable[[Any, OpStackState], Proposal],
    *,
    out_dir: Path,
    safe: str | None,
    log: Log = print,
    send_as: Any = None,
    before_sending: Callable[[int], None] = lambda _count: None,
) -> Path:
    """A change to the OP Stack predeploys of the connected L2 (vaults, FeeSplitter), checked
    against their live state; the ProxyAdmin predeploy's owner acts. With ``send_as`` (an ape
    account that is that owner, as on a chain whose operator holds the ProxyAdmin with a key) the
    calls are also sent, in order, once ``before_sending(count)`` returns."""
    from ape import networks

    provider = networks.provider
    state = read_opstack(provider)
    proposal = build(provider, state)
    warnings: list[str] = list(proposal.governance.get("warnings", []))
    sending_as_owner = send_as is not None and str(send_as.address).lower() == proposal.acting.lower()
    l1_owner = None if sending_as_owner else state.owner_l1_address  # the key is at hand: no alias
    if l1_owner is not None:
        warnings.append(
            f"The ProxyAdmin's owner {proposal.acting} has no code on this chain. If it is the alias of "
            f"an L1 account (as on OP Stack chains governed from L1, where the L1 ProxyAdmin owner "
            f"{l1_owner} acts on L2 through deposit transactions), send the calls from that L1 account "
            "through the chain's OptimismPortal: `deposits.json` holds each `depositTransaction`, to be sent "
            "in order (they are separate transactions, not one atomic batch). Otherwise the account itself "
            "sends them."
        )
    ctx = governance_context(proposal.governance.get("contracts", {}), {}, proposal.acting, safe, warnings)
    if l1_owner is not None:
        ctx.deposits = l1_deposits(provider, proposal.acting, l1_owner, proposal.calls)
    if send_as is not None and str(send_as.address).lower() != proposal.acting.lower():
        raise ProposalError(
            f"--send: these calls must come from the ProxyAdmin's owner {proposal.acting}, not "
            f"{send_as.address}; submit the written proposal through that owner instead (no --send)"
        )
    folder = _write(proposal, ctx, out_dir, log)
    if send_as is not None:
        before_sending(len(proposal.calls))
        for index, call in enumerate(proposal.calls, 1):
            receipt = send_transaction(send_as, call.target, call.data, call.value)
            log(f"  sent {index}/{len(proposal.calls)}: {call.signature}, tx {receipt.txn_hash}")
    return folder
