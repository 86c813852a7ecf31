"""Deploy the registry, a chain's splitter and optionally a governance timelock, step by step.

Every step is idempotent and recorded as soon as it is confirmed (`revshare.deploying.record`), so the
same command continues an interrupted deployment: a contract whose deployment was sent but not
recorded is found at the address its nonce fixes and adopted, never deployed twice; a
configuration call is skipped when the chain already shows its effect. Once a deployment is
complete, a changed config is reported as a list of differences, to be applied through a
governance proposal (`ape run propose`), never directly.

On local networks (a fresh node every run) four MockFeeVaults paying the splitter stand in for
the OP Stack predeploys, and the record is started afresh each time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp
from eth_utils import keccak, to_canonical_address, to_checksum_address

from revshare.artifacts import container
from revshare.chain.addresses import VAULT_ROLES, ZERO_ADDRESS
from revshare.chain.node import public_network
from revshare.chain.reader import has_code
from revshare.chain.registry import read_destination, read_registry
from revshare.chain.vaults import check_vault_minimums
from revshare.deploying.config import ChainConfig, DeployConfig
from revshare.deploying.differences import Difference, diff_config
from revshare.deploying.record import DeploymentRecord, record_path
from revshare.deploying.verification import write_artifacts
from revshare.terminal import Log

LOCAL_CHAIN_IDS = {1337, 31337}
WITHDRAWAL_NETWORK_L2 = 1
# How long to wait for an interrupted run's transaction that used its nonce but shows no code yet.
ADOPT_WAIT_SECONDS = 60
# Gas estimates for the funding check (measured: ~210-220 gas per byte of creation code; a
# registration ~98,000, an ownership offer ~48,000), rounded up.
GAS_PER_CREATION_BYTE = 250
GAS_PER_CREATION = 100_000
GAS_PER_CALL = 150_000
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
    # Config settings that differ from the chain (only for an already complete deployment).
    differences: list[Difference] = field(default_factory=list)
    # Fee vaults that delay disbursements (a non-zero minimum) or that are not there at all.
    vault_warnings: list[str] = field(default_factory=list)


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from ``sender`` at ``nonce`` deploys to."""
    raw = keccak(rlp.encode([to_canonical_address(sender), nonce]))[12:]
    return to_checksum_address(raw)


def is_local(network_name: str, chain_id: int) -> bool:
    """Whether a network is a throwaway local one (mock vaults are deployed there)."""
    return network_name == "local" or chain_id in LOCAL_CHAIN_IDS


def plain(value: Any) -> Any:
    """Constructor arguments as JSON-friendly values (addresses as checksummed strings)."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "address"):
        return str(value.address)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


class Steps:
    """Runs deployment steps once each, recording every confirmed one."""

    def __init__(self, record: DeploymentRecord, sender: Any, log: Log):
        from ape import networks

        self.record = record
        self.sender = sender
        self.log = log
        self.provider = networks.provider

    def contract(self, name: str, container: Any, args: list[Any]) -> Any:
        """Deploy `container` as `name` unless the record (or the chain) already has it."""
        args = plain(args)
        address = self.record.address(name)
        if address is not None:
            if not has_code(self.provider, address):
                raise DeployError(
                    f"the record lists {name} at {address}, but the network has no code there: "
                    f"wrong network, or the node was reset (move {self.record.path} away to start over)"
                )
            self.log(f"  {name:<34} {address} (already deployed)")
            return container.at(address)
        adopted = self._adopt_pending(name, container, args)
        if adopted is not None:
            return adopted
        nonce = self.sender.nonce
        predicted = create_address(self.sender.address, nonce)
        self.record.set_pending(name, nonce, predicted, args)
        instance = self.sender.deploy(container, *args)
        if str(instance.address) != predicted:
            raise DeployError(f"{name} landed at {instance.address}, expected {predicted} (nonce {nonce})")
        metadata = getattr(instance, "creation_metadata", None)
        tx_hash = getattr(instance, "txn_hash", None)
        block = getattr(metadata, "block", None) if metadata is not None else None
        self._record(name, container, predicted, str(tx_hash) if tx_hash else None, block, args)
        self.log(f"  {name:<34} {predicted}")
        return instance

    def _record(
        self, name: str, container: Any, address: str, tx: str | None, block: Any, args: list
    ) -> None:
        encoded = bytes(container.constructor.encode_input(*args)).hex() if args else ""
        self.record.add_contract(
            name, address, tx, block, args, contract_type=container.contract_type.name, encoded_args=encoded
        )

    def _adopt_pending(self, name: str, container: Any, args: list[Any]) -> Any:
        """A deployment sent by an interrupted run: adopt it if it landed, forget it if not."""
        pending = self.record.pending.get(name)
        if pending is None:
            return None
        address, nonce = pending["address"], int(pending["nonce"])
        deadline = time.monotonic() + ADOPT_WAIT_SECONDS
        while not has_code(self.provider, address):
            if self.sender.nonce <= nonce:
                self.log(f"  {name}: the interrupted run's transaction never landed; sending it again")
                self.record.pending.pop(name)
                self.record.save()
                return None
            if time.monotonic() > deadline:
                raise DeployError(
                    f"nonce {nonce} of {self.sender.address} was used, but {address} holds no code: "
                    f"the interrupted {name} deployment failed or another transaction took the nonce. "
                    f"Check the account's transactions, then remove '{name}' from 'pending' in "
                    f"{self.record.path} to deploy it again"
                )
            time.sleep(1)
        if pending.get("constructor_args") != args:
            raise DeployError(
                f"{name} at {address} was deployed with other arguments than the config now gives"
            )
        if not self._code_matches(container, args, address):
            raise DeployError(
                f"{address} (nonce {nonce} of {self.sender.address}) holds other code than {name} with "
                f"these arguments: another contract took the nonce. Remove '{name}' from 'pending' in "
                f"{self.record.path} to deploy it again"
            )
        self._record(name, container, address, None, None, args)
        self.log(f"  {name:<34} {address} (adopted from the interrupted run)")
        return container.at(address)

    def _code_matches(self, container: Any, args: list[Any], address: str) -> bool:
        """Whether `address` holds exactly the code this deployment creates: the creation code
        with these arguments, simulated from the deployer (immutables filled in as they would be)."""
        from ape import networks

        creation = bytes.fromhex(str(container.contract_type.deployment_bytecode.bytecode).removeprefix("0x"))
        if args:
            creation += bytes(container.constructor.encode_input(*args))
        provider = networks.provider
        try:
            expected = bytes(
                provider.web3.eth.call({"from": self.sender.address, "data": "0x" + creation.hex()})
            )
        except Exception:  # the constructor no longer runs: this cannot be the deployment
            return False
        return expected == bytes(provider.get_code(address))

    def call(self, description: str, *, done: Any, send: Any) -> None:
        """Send a configuration transaction unless the chain already shows its effect."""
        if done():
            self.log(f"  {description}: already done")
            return
        receipt = send()
        self.record.add_action(description, str(receipt.txn_hash))
        self.log(f"  {description}")


def governance_of(config: DeployConfig, timelock: Any) -> dict[str, Any]:
    if timelock is not None and config.timelock is not None:
        return {
            "kind": "timelock",
            "address": str(timelock.address),
            "proposers": list(config.timelock.proposers),
            "executors": list(config.timelock.executors),
            "min_delay": config.timelock.min_delay,
        }
    if config.owner is not None:
        return {"kind": "multisig", "address": config.owner}
    return {"kind": "deployer", "address": None}


def deploy(
    config: DeployConfig,
    chain_id: int | None,
    sender: Any,
    *,
    record_dir: Path = Path("deployments"),
    log: Log = print,
) -> Deployment:
    """Deploy (or continue deploying) the registry with every configured chain registered, the
    chosen chain's splitter, and the governance timelock if configured; hand ownership to
    governance. On a complete deployment, report how the config differs from the chain instead."""
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
        path,
        network=network_choice,
        chain_id=node_chain_id,
        deployer=str(sender.address),
        config=config.source,
    )
    resumed = bool(record.contracts or record.pending)
    verb = "Continuing the deployment" if resumed else "Deploying"
    log(f"{verb} on {network_choice} (chain id {node_chain_id}) from {sender.address}")
    steps = Steps(record, sender, log)

    if not record.completed:
        check_funds(sender, gas_needed(config, record, local), network_choice, node_chain_id)
    registry_args = [sender.address, config.collective, config.guardian or ZERO_ADDRESS]
    registry = steps.contract("ChainRegistry", container("ChainRegistry"), registry_args)
    if record.completed:
        return _existing(config, target, record, registry, log)

    for chain in config.chains:
        steps.call(
            f"registerChain({chain.chain_id}, {chain.treasury}, {chain.gross_bps}, {chain.net_bps})",
            done=lambda chain=chain: registry.isRegistered(chain.chain_id),
            send=lambda chain=chain: registry.registerChain(
                chain.chain_id,
                chain.treasury,
                chain.gross_bps,
                chain.net_bps,
                chain.terms_hash,
                sender=sender,
            ),
        )

    for recipient, destination in config.destinations.items():
        steps.call(
            f"setDestination({recipient}, {destination.describe()})",
            done=lambda r=recipient, d=destination: read_destination(registry, r) == d,
            send=lambda r=recipient, d=destination: registry.setDestination(r, d.as_tuple(), sender=sender),
        )

    vaults: dict[str, Any] = {}
    vault_addresses = dict(target.vaults)
    if local:
        # The splitter is deployed right after the four vaults, so its address is known now.
        splitter_address = create_address(sender.address, sender.nonce + len(VAULT_ROLES))
        for role in VAULT_ROLES:
            args = [splitter_address, config.mock_vault_min_withdrawal, WITHDRAWAL_NETWORK_L2]
            vaults[role] = steps.contract(f"MockFeeVault:{role}", container("MockFeeVault"), args)
            vault_addresses[role] = str(vaults[role].address)

    vault_tuple = [vault_addresses[role] or ZERO_ADDRESS for role in VAULT_ROLES]
    splitter_args = [registry.address, target.chain_id, vault_tuple, target.disbursement_interval]
    splitter_name = f"ChainRevenueSplitter:{target.chain_id}"
    splitter = steps.contract(splitter_name, container("ChainRevenueSplitter"), splitter_args)
    if local and str(splitter.address) != splitter_address:
        raise DeployError(
            f"splitter deployed at {splitter.address}, but the mock vaults pay {splitter_address}"
        )

    timelock = None
    if config.timelock is not None:
        lock = config.timelock
        # OpenZeppelin's timelock opens execution to anyone when address(0) holds the executor role.
        executors = list(lock.executors) or [ZERO_ADDRESS]
        timelock_args = [lock.min_delay, list(lock.proposers), executors, ZERO_ADDRESS]
        timelock = steps.contract("RevenueShareTimelock", container("RevenueShareTimelock"), timelock_args)

    governance = governance_of(config, timelock)
    new_owner = governance["address"]
    if new_owner is not None:
        steps.call(
            f"transferOwnership({new_owner}) (pending acceptance)",
            done=lambda: (
                new_owner.lower() in (str(registry.pendingOwner()).lower(), str(registry.owner()).lower())
            ),
            send=lambda: registry.transferOwnership(new_owner, sender=sender),
        )
        log(f"  ownership offered to the {governance['kind']} {new_owner}: it must call acceptOwnership()")
    record.finish(governance)
    write_artifacts(record, log)
    log(f"Deployment record: {record.path}")
    return Deployment(
        registry=registry,
        splitter=splitter,
        vaults=vaults,
        chain=target,
        record=record,
        timelock=timelock,
        vault_warnings=check_vault_minimums(vault_addresses, network_choice, log),
    )


def _existing(
    config: DeployConfig, target: ChainConfig, record: DeploymentRecord, registry: Any, log: Log
) -> Deployment:
    """A complete deployment: nothing is sent; differences from the config are listed."""
    splitter_address = record.address(f"ChainRevenueSplitter:{target.chain_id}")
    if splitter_address is None:
        raise DeployError(
            f"this network's deployment is complete without a splitter for chain {target.chain_id}; "
            "deploying more splitters to an existing registry is not supported yet"
        )
    timelock_address = record.address("RevenueShareTimelock")
    write_artifacts(record, log)
    vault_warnings = check_vault_minimums(dict(target.vaults), record.network, log)
    differences = diff_config(config, read_registry(registry, watch=config.destinations))
    if differences:
        log("The deployment is complete; the config differs from the chain:")
        for difference in differences:
            log(f"  - {difference}")
        log("Nothing was sent. Apply changes through governance: `ape run propose ...`.")
    else:
        log("The deployment is complete and matches the config: nothing to do.")
    return Deployment(
        registry=registry,
        splitter=container("ChainRevenueSplitter").at(splitter_address),
        vaults={},
        chain=target,
        record=record,
        timelock=container("RevenueShareTimelock").at(timelock_address) if timelock_address else None,
        differences=differences,
        vault_warnings=vault_warnings,
    )


def creation_gas(container: Any) -> int:
    """A generous estimate of the gas to deploy ``container`` (from its creation code's size)."""
    code = str(container.contract_type.deployment_bytecode.bytecode or "0x")
    return GAS_PER_CREATION + GAS_PER_CREATION_BYTE * (len(code.removeprefix("0x")) // 2)


def gas_needed(config: DeployConfig, record: DeploymentRecord, local: bool) -> int:
    """Estimated gas for what the deployment has still to send."""
    contracts = [("ChainRegistry", container("ChainRegistry"))]
    if local:
        contracts += [(f"MockFeeVault:{role}", container("MockFeeVault")) for role in VAULT_ROLES]
    contracts += [
        (f"ChainRevenueSplitter:{c.chain_id}", container("ChainRevenueSplitter")) for c in config.chains
    ]
    if config.timelock is not None:
        contracts.append(("RevenueShareTimelock", container("RevenueShareTimelock")))
    # One splitter is deployed, but which one may not be known yet: count the largest once.
    splitters = [c for c in contracts if c[0].startswith("ChainRevenueSplitter:")]
    others = [c for c in contracts if not c[0].startswith("ChainRevenueSplitter:")]
    gas = sum(creation_gas(container) for name, container in others if record.address(name) is None)
    if not any(record.address(name) for name, _ in splitters):
        gas += creation_gas(container("ChainRevenueSplitter"))
    calls = len(config.chains) + len(config.destinations) + 1 - len(record.actions)
    return gas + GAS_PER_CALL * max(calls, 0)


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
