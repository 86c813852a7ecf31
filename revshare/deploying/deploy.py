"""Deploy the registry, a chain's splitter and optionally a governance timelock, the chain's
FeeSplitter shares calculator and the grants escrow, from a plan.

`revshare.deploying.plan` works out every transaction from the config, the deployer and the chain's
state; this module sends the steps not yet done, one by one, each recorded as soon as it is
confirmed (`revshare.deploying.record`). Running the same command again continues an interrupted
deployment exactly: it first waits for a transaction the interrupted run left in flight, then plans
again from the chain, so a step is never sent twice and a contract is never deployed twice (its
CREATE2 address either holds its code, or the step is still to do). Once a deployment is complete, a
changed config is reported as a list of differences, to be applied through a governance proposal
(`ape run propose`), never directly; only a calculator or grants escrow the config now asks for is
still sent (anyone may deploy them next to the registry).

On local networks (a fresh node every run) four MockFeeVaults paying the splitter stand in for
the OP Stack predeploys, and the record is started afresh each time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revshare.artifacts import container
from revshare.chain.node import public_network
from revshare.chain.registry import read_registry
from revshare.chain.rpc import Request, provider_request
from revshare.chain.sending import send_transaction
from revshare.chain.vaults import check_vault_minimums
from revshare.deploying.config import ChainConfig, DeployConfig
from revshare.deploying.differences import Difference, diff_config
from revshare.deploying.plan import (
    ADD_ONS,
    CALCULATOR,
    GRANTS,
    WITHDRAWAL_NETWORK_L2,
    Plan,
    PlanError,
    Step,
    add_on_steps,
    check_ownership,
    code_at,
    create_address,
    make_plan,
    salt_of,
)
from revshare.deploying.record import DeploymentRecord, record_path
from revshare.deploying.verification import write_artifacts
from revshare.terminal import Log

__all__ = ["WITHDRAWAL_NETWORK_L2", "create_address", "deploy", "execute", "prepare"]

LOCAL_CHAIN_IDS = {1337, 31337}
# How long to wait for a transaction an interrupted run left in the node's pool.
ADOPT_WAIT_SECONDS = 60
# Node messages that mean the sender cannot pay for a transaction.
_NO_FUNDS_MARKERS = ("insufficient funds", "exceeds allowance", "gas required exceeds")


class DeployError(RuntimeError):
    """A deployment step that cannot go on; the record keeps everything done so far."""


class NotEnoughFunds(DeployError):
    """The sending account cannot pay for the rest of the deployment (a user mistake)."""


@dataclass
class Deployment:
    """The contracts of one deployment, as ape contract instances."""

    registry: Any
    splitter: Any
    vaults: dict[str, Any]
    chain: ChainConfig
    record: DeploymentRecord
    timelock: Any = None
    calculator: Any = None  # the chain's RegistrySharesCalculator, when the config asks for one
    grants: Any = None  # RevenueLinkedGrants, when the config asks for it
    # Config settings that differ from the chain (only for an already complete deployment).
    differences: list[Difference] = field(default_factory=list)
    # Fee vaults that delay disbursements (a non-zero minimum) or that are not there at all.
    vault_warnings: list[str] = field(default_factory=list)


def is_local(network_name: str, chain_id: int) -> bool:
    """Whether a network is a throwaway local one (mock vaults are deployed there)."""
    return network_name == "local" or chain_id in LOCAL_CHAIN_IDS


@dataclass
class Prepared:
    """A deployment about to be sent: its plan, its record, the node it talks to."""

    plan: Plan
    record: DeploymentRecord
    rpc: Request
    config: DeployConfig
    resumed: bool
    # A complete deployment: the add-ons the config asks for, built on the recorded registry and
    # salt (`complete_add_ons`), done or not. Empty while the deployment is under way.
    add_ons: list[Step] = field(default_factory=list)

    @property
    def steps(self) -> list[Step]:
        """What `execute` goes through: the whole plan; once the deployment is complete, only the
        add-ons (registry changes are governance's)."""
        return self.add_ons if self.record.completed else self.plan.steps

    @property
    def to_send(self) -> list[Step]:
        """The transactions `finish` sends: the steps not done yet."""
        return [step for step in self.steps if not step.done]

    @property
    def gas(self) -> int:
        """What `to_send` takes, estimated generously (as `Plan.gas`)."""
        return sum(step.gas for step in self.to_send)


def _nonce(rpc: Request, address: str, block: str = "latest") -> int:
    return int(str(rpc("eth_getTransactionCount", [address, block])), 16)


def settle_pending(record: DeploymentRecord, rpc: Request, deployer: str, log: Log) -> None:
    """Wait for the transactions an interrupted run left in flight: each either landed (the plan
    sees its effect) or is gone (the plan sends it again). Never both."""
    for step, entry in list(record.pending.items()):
        nonce = int(entry.get("nonce", -1))
        deadline = time.monotonic() + ADOPT_WAIT_SECONDS
        while _nonce(rpc, deployer) <= nonce < _nonce(rpc, deployer, "pending"):
            if time.monotonic() > deadline:
                raise DeployError(
                    f"the interrupted run's '{step}' (nonce {nonce} of {deployer}) is still waiting in the "
                    "node's pool: wait for it to be mined (or replace it), then run the same command again"
                )
            time.sleep(1)
        landed = _nonce(rpc, deployer) > nonce
        log(f"  {step}: the interrupted run's transaction {'was mined' if landed else 'never landed'}")
    record.clear_pending()


def _check_record(record: DeploymentRecord, plan: Plan, rpc: Request) -> None:
    """Stop when the record disagrees with the plan or the chain (a changed config, a reset node)."""
    planned = plan.contracts
    for name, entry in record.contracts.items():
        address = entry["address"]
        if name in planned and planned[name].lower() != address.lower():
            raise DeployError(
                f"the record lists {name} at {address}, but this config and deployer give {planned[name]}: "
                f"the config changed since that run. Finish with the config it started with, or move "
                f"{record.path} away to start a new deployment"
            )
        _require_code(record, rpc, name)


def _require_code(record: DeploymentRecord, rpc: Request, name: str) -> None:
    """DeployError when the record lists ``name`` where the network has no code."""
    address = record.address(name)
    if address is not None and not code_at(rpc, address):
        raise DeployError(
            f"the record lists {name} at {address}, but the network has no code there: "
            f"wrong network, or the node was reset (move {record.path} away to start over)"
        )


def prepare(
    config: DeployConfig,
    chain_id: int | None,
    deployer: str,
    *,
    record_dir: Path,
    log: Log,
    settle: bool = True,
) -> Prepared:
    """The plan and record of a deployment from ``deployer`` on ape's connected network (a local
    network starts a fresh record every time). ``settle`` False (a plan or a dry run) leaves a
    transaction an interrupted run left in flight alone, and the record unchanged."""
    from ape import networks

    provider = networks.provider
    network_choice = public_network(provider.network_choice)  # never the node's URL
    node_chain_id = provider.chain_id
    target = config.chain(chain_id, node_chain_id=node_chain_id)
    local = is_local(provider.network.name, node_chain_id)
    path = record_path(record_dir, network_choice)
    if local and path.exists():
        path.unlink()  # a local node starts empty every run: nothing to continue
    record = DeploymentRecord.open(
        path, network=network_choice, chain_id=node_chain_id, deployer=deployer, config=config.source
    )
    if not local and target.chain_id != node_chain_id:
        raise DeployError(
            f"the splitter of chain {target.chain_id} belongs on that chain, but the node is chain "
            f"{node_chain_id}: deploy it with --network of chain {target.chain_id}"
        )
    rpc = provider_request(provider)
    resumed = bool(record.contracts or record.pending or record.actions)
    if settle:
        settle_pending(record, rpc, deployer, log)
    elif record.pending:
        log(f"note: {record.path} lists a transaction of an interrupted run still to be confirmed")
    try:
        plan = make_plan(
            rpc,
            config,
            target,
            deployer,
            network=network_choice,
            chain_id=node_chain_id,
            local=local,
            nonce=_nonce(rpc, deployer, "pending"),
            strict=not record.completed,
            registry_args=_recorded_args(record, "ChainRegistry") if record.completed else None,
        )
        if not record.completed:
            check_ownership(rpc, plan)
    except PlanError as exc:
        raise DeployError(str(exc)) from None
    if not record.completed:
        _check_record(record, plan, rpc)
        return Prepared(plan, record, rpc, config, resumed)
    add_ons = complete_add_ons(record, config, target, rpc)
    for chain in config.chains:
        if chain.fee_splitter_calculator and chain.chain_id != target.chain_id:
            log(f"note: chain {chain.chain_id}'s calculator is deployed on its own network (--network of it)")
    return Prepared(plan, record, rpc, config, resumed, add_ons)


def _recorded_args(record: DeploymentRecord, name: str) -> list[Any] | None:
    entry = record.contracts.get(name)
    return list(entry["constructor_args"]) if entry and entry.get("constructor_args") else None


def complete_add_ons(
    record: DeploymentRecord, config: DeployConfig, target: ChainConfig, rpc: Request
) -> list[Step]:
    """The add-ons for a complete deployment, each marked done from the chain: on the registry the
    record holds (governance may since have changed what its address was computed from) and the
    record's salt. DeployError when the recorded contracts are gone (a reset node)."""
    for name in ("ChainRegistry", f"ChainRevenueSplitter:{target.chain_id}"):
        _require_code(record, rpc, name)
    registry = record.address("ChainRegistry")
    if registry is None:
        return []
    steps = add_on_steps(config, target, registry, salt_of(record.salt))
    for step in steps:
        step.done = step.check(rpc)
    return steps


def _record_step(record: DeploymentRecord, step: Step, tx_hash: str | None, block: int | None) -> None:
    if step.deploys:
        assert step.name and step.contract and step.address
        record.add_contract(
            step.name,
            step.address,
            tx_hash,
            block,
            step.args,
            contract_type=step.contract,
            encoded_args=step.encoded_args.hex(),
            deployed_by="create2" if step.to else "create",
            step=step.label,
        )
    else:
        record.add_action(step.label, tx_hash)


def execute(prepared: Prepared, sender: Any, log: Log) -> None:
    """Go through `Prepared.steps` in order: send each one not done and record it; a step the chain
    shows done by the time it comes up (sent by another run, or by anyone) is recorded and skipped."""
    plan, record, rpc = prepared.plan, prepared.record, prepared.rpc
    if not record.completed:
        record.salt = "0x" + plan.salt.hex()
    for step in prepared.steps:
        recorded = step.name in record.contracts if step.deploys else step.label in _action_labels(record)
        if step.check(rpc):
            if not recorded:
                _record_step(record, step, None, None)
            log(f"  {step.label:<60} {step.address or ''} (already done)".rstrip())
            continue
        if step.to is None and step.address != create_address(
            plan.deployer, _nonce(rpc, plan.deployer, "pending")
        ):
            raise DeployError(
                f"{step.name} would not land at {step.address}: another transaction from {plan.deployer} "
                "took a nonce during the deployment; run the same command again"
            )
        record.set_pending(step.label, int(sender.nonce))
        receipt = send_transaction(sender, step.to, step.data)
        if getattr(receipt, "failed", False):
            raise DeployError(f"{step.label} failed on chain (transaction {receipt.txn_hash})")
        if step.deploys and not code_at(rpc, str(step.address)):
            raise DeployError(f"{step.label}: the transaction succeeded but {step.address} holds no code")
        _record_step(record, step, str(receipt.txn_hash), getattr(receipt, "block_number", None))
        log(f"  {step.label:<60} {step.address or ''}".rstrip())


def _action_labels(record: DeploymentRecord) -> set[str]:
    return {str(action.get("action")) for action in record.actions}


def deploy(
    config: DeployConfig,
    chain_id: int | None,
    sender: Any,
    *,
    record_dir: Path = Path("deployments"),
    log: Log = print,
) -> Deployment:
    """Deploy (or continue deploying) the registry with every configured chain registered, the
    chosen chain's splitter, and the governance timelock, calculator and grants escrow if
    configured; hand ownership to governance. On a complete deployment, report how the config
    differs from the chain instead."""
    prepared = prepare(config, chain_id, str(sender.address), record_dir=record_dir, log=log)
    return finish(prepared, sender, log)


def finish(prepared: Prepared, sender: Any, log: Log) -> Deployment:
    """Send what the prepared plan has still to do (nothing on a complete deployment, whose
    differences from the config are listed instead)."""
    plan, record, config = prepared.plan, prepared.record, prepared.config
    verb = "Continuing the deployment" if prepared.resumed else "Deploying"
    log(f"{verb} on {plan.network} (chain id {plan.chain_id}) from {plan.deployer}")
    if record.completed:
        known = set(record.contracts)
        if prepared.to_send:
            check_funds(sender, prepared.gas, plan.network, plan.chain_id)
        execute(prepared, sender, log)  # also records an add-on found deployed but not recorded
        added = [name for name in record.contracts if name not in known]
        if added:
            record.save()
            log(f"Deployment record: {record.path} (added {', '.join(added)})")
            _say_next(record, log)
        return _existing(config, plan, record, log, added=bool(added))
    registry = container("ChainRegistry").at(plan.address("ChainRegistry"))
    if plan.pending:
        check_funds(sender, plan.gas, plan.network, plan.chain_id)
    execute(prepared, sender, log)
    governance = plan.governance
    if governance["address"] is not None:
        offered = f"{governance['kind']} {governance['address']}"
        log(f"  ownership offered to the {offered}: it must call acceptOwnership()")
    record.finish(governance)
    write_artifacts(record, log)
    log(f"Deployment record: {record.path}")
    _say_next(record, log)
    contracts = plan.contracts
    vaults = {
        name.split(":", 1)[1]: container("MockFeeVault").at(address)
        for name, address in contracts.items()
        if name.startswith("MockFeeVault:")
    }
    vault_addresses = {role: str(vault.address) for role, vault in vaults.items()} or dict(plan.target.vaults)
    timelock = contracts.get("RevenueShareTimelock")
    return Deployment(
        registry=registry,
        splitter=container("ChainRevenueSplitter").at(
            contracts[f"ChainRevenueSplitter:{plan.target.chain_id}"]
        ),
        vaults=vaults,
        chain=plan.target,
        record=record,
        timelock=container("RevenueShareTimelock").at(timelock) if timelock else None,
        vault_warnings=check_vault_minimums(vault_addresses, plan.network, log),
        **_add_ons(record),
    )


def describe_complete(prepared: Prepared) -> list[str]:
    """A complete deployment as `deploy` (and `--plan`, `--dry-run`) shows it before sending: the
    add-ons the config adds, if any; registry changes are listed after, for governance."""
    record, sending = prepared.record, prepared.to_send
    lines = [f"The deployment in {record.path} is complete."]
    for step in sending:
        lines.append(f"The config adds to it: {step.label} at {step.address} (anyone may deploy it)")
    if sending:
        lines.append(f"To send: {len(sending)} transaction(s), at most ~{prepared.gas:,} gas")
    lines.append("Registry changes are not sent: `ape run deploy` lists them, `ape run propose` makes them.")
    return lines


def _say_next(record: DeploymentRecord, log: Log) -> None:
    """What a deployed calculator is for: the proposal that puts it to work."""
    for name, entry in record.contracts.items():
        if entry.get("contract") == CALCULATOR:
            log(
                f"  {name} at {entry['address']}: governance puts it to work with OP's FeeSplitter: "
                f"`ape run propose join --calculator {entry['address']} ...` (a chain joining), or "
                f"`ape run propose fee-splitter --calculator {entry['address']} ...` (a chain already on it)"
            )


def _add_ons(record: DeploymentRecord) -> dict[str, Any]:
    """The calculator and the grants escrow the record lists, as contract instances."""
    found: dict[str, Any] = {}
    for entry in record.contracts.values():
        if entry.get("contract") == CALCULATOR:
            found["calculator"] = container(CALCULATOR).at(entry["address"])
        elif entry.get("contract") == GRANTS:
            found["grants"] = container(GRANTS).at(entry["address"])
    return found


def _existing(
    config: DeployConfig, plan: Plan, record: DeploymentRecord, log: Log, *, added: bool = False
) -> Deployment:
    """A complete deployment: no registry change is sent; differences from the config are listed
    (contracts the config would now place elsewhere among them: constructor arguments cannot
    change). ``added``: add-ons were just deployed or recorded (`finish`)."""
    target = plan.target
    registry_address = record.address("ChainRegistry")
    splitter_address = record.address(f"ChainRevenueSplitter:{target.chain_id}")
    if registry_address is None or splitter_address is None:
        raise DeployError(
            f"this network's deployment is complete without a splitter for chain {target.chain_id}; "
            "deploying more splitters to an existing registry is not supported yet"
        )
    moved = [
        Difference(f"{name} (constructor arguments or salt)", recorded, planned)
        for name, planned in plan.contracts.items()
        if (recorded := record.address(name)) is not None
        and recorded.lower() != planned.lower()
        and record.contracts[name].get("contract") not in ADD_ONS  # built on the recorded registry
    ]
    registry = container("ChainRegistry").at(registry_address)
    timelock_address = record.address("RevenueShareTimelock")
    write_artifacts(record, log)
    vault_warnings = check_vault_minimums(dict(target.vaults), record.network, log)
    differences = moved + diff_config(config, read_registry(registry, watch=config.destinations))
    if differences:
        log("The deployment is complete; the config differs from the chain:")
        for difference in differences:
            log(f"  - {difference}")
        log("No change was sent to the registry: apply them through governance (`ape run propose ...`).")
        if moved:
            log(
                "A contract's constructor arguments cannot change: another address means another "
                "deployment (a new --records folder), not a change to this one."
            )
    else:
        rest = "nothing else to do" if added else "nothing to do"
        log(f"The deployment is complete and matches the config: {rest}.")
    return Deployment(
        registry=registry,
        splitter=container("ChainRevenueSplitter").at(splitter_address),
        vaults={},
        chain=target,
        record=record,
        timelock=container("RevenueShareTimelock").at(timelock_address) if timelock_address else None,
        differences=differences,
        vault_warnings=vault_warnings,
        **_add_ons(record),
    )


def _eth(wei: int) -> str:
    return f"{wei / 10**18:.6g} ETH"


def check_funds(sender: Any, gas: int, network: str, chain_id: int) -> None:
    """NotEnoughFunds when ``sender`` cannot pay ``gas`` at the node's current gas price."""
    from ape import networks

    balance = int(sender.balance)
    needed = gas * int(networks.provider.gas_price)
    if balance < needed:
        raise NotEnoughFunds(
            f"account {sender.address} has {_eth(balance)} on {network} (chain id {chain_id}): fund it "
            f"with at least ~{_eth(needed - balance)} more (about {gas:,} gas at the current price), "
            "then run the same command again"
        )


def funds_problem(exc: BaseException, sender: Any, record: Path | None) -> str | None:
    """A one-line message when ``exc`` is a node refusing a transaction the sender cannot pay for."""
    from ape import networks

    if not any(marker in str(exc).lower() for marker in _NO_FUNDS_MARKERS):
        return None
    provider = networks.provider
    saved = f"; progress is saved in {record}" if record else ""
    network = public_network(provider.network_choice)
    return (
        f"account {sender.address} has {_eth(int(sender.balance))} on {network} "
        f"(chain id {provider.chain_id}): not enough for the next transaction; fund it, then run the same "
        f"command again{saved}"
    )
