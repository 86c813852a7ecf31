"""The deployment as a plan: every transaction it takes, worked out from the config, the deployer
and the chain's state before anything is sent, so it can be printed (`deploy --plan`), tried on a
fork (`deploy --dry-run`) and then sent step by step (`revshare.deploying.deploy`).

Contracts are deployed through the deterministic deployment proxy (`CREATE2_FACTORY`, an OP Stack
preinstall, also on anvil), so an address depends only on the init code (the contract and its
constructor arguments, the deployer among them as the registry's first owner) and the salt: the
same config and deployer give the same addresses on every network. Someone else sending the same
init code would only pay for our deployment: the registry is born owned by the deployer.

A step is done when the chain shows its effect (code at the address; a chain registered; a
destination set; ownership offered), so planning again after an interruption picks up exactly
where the chain is. On local networks, mock fee vaults stand in for the predeploys; they must
pay the splitter and the splitter names them, so they are created from the deployer's nonces
(CREATE) and the splitter's CREATE2 address follows from theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_utils import keccak, to_canonical_address, to_checksum_address

from revshare.artifacts import calldata, constructor_inputs, creation_code, decode_output, encode_constructor
from revshare.chain.addresses import CREATE2_FACTORY, CREATE2_FACTORY_CODE, VAULT_ROLES, ZERO_ADDRESS
from revshare.chain.rpc import Request
from revshare.deploying.config import ChainConfig, DeployConfig

WITHDRAWAL_NETWORK_L2 = 1
ZERO_SALT = bytes(32)
# Gas estimates for the plan and the funding check (measured: ~210-220 gas per byte of creation
# code; a registration ~98,000, an ownership offer ~48,000), rounded up.
GAS_PER_CREATION_BYTE = 250
GAS_PER_CREATION = 100_000
GAS_PER_CALL = 150_000

Check = Callable[[Request], bool]


class PlanError(RuntimeError):
    """The deployment cannot be planned on this network as configured (a one-line reason)."""


@dataclass
class Step:
    """One transaction of the deployment."""

    label: str  # one line: "deploy ChainRegistry", "registerChain(10, 0x.., 250, 1500, 0x..)"
    to: str | None  # the factory, a contract, or None (a CREATE from the deployer)
    data: bytes
    check: Check  # whether the chain already shows this step's effect
    gas: int  # a generous estimate (the dry run measures it)
    done: bool = False  # as planned
    name: str | None = None  # the record's name of the contract it deploys
    contract: str | None = None  # the bundled contract type
    address: str | None = None
    args: list[Any] = field(default_factory=list)
    arg_names: list[str] = field(default_factory=list)
    encoded_args: bytes = b""

    @property
    def deploys(self) -> bool:
        return self.name is not None


@dataclass
class Plan:
    """Everything one deployment sends, in order, and what is already done."""

    network: str
    chain_id: int
    deployer: str
    salt: bytes
    target: ChainConfig
    local: bool
    steps: list[Step]
    governance: dict[str, Any]

    @property
    def pending(self) -> list[Step]:
        return [step for step in self.steps if not step.done]

    def address(self, name: str) -> str:
        for step in self.steps:
            if step.name == name and step.address is not None:
                return step.address
        raise KeyError(name)

    @property
    def contracts(self) -> dict[str, str]:
        return {step.name: step.address for step in self.steps if step.name and step.address}

    @property
    def mock_vaults(self) -> dict[str, str]:
        """role -> address of the mock vaults (local networks)."""
        prefix = "MockFeeVault:"
        return {name[len(prefix) :]: a for name, a in self.contracts.items() if name.startswith(prefix)}

    @property
    def gas(self) -> int:
        return sum(step.gas for step in self.pending)


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from ``sender`` at ``nonce`` deploys to."""
    return to_checksum_address(keccak(rlp.encode([to_canonical_address(sender), nonce]))[12:])


def create2_address(salt: bytes, init_code: bytes, factory: str = CREATE2_FACTORY) -> str:
    """The address the CREATE2 factory deploys ``init_code`` to with ``salt``."""
    digest = keccak(b"\xff" + to_canonical_address(factory) + salt + keccak(init_code))
    return to_checksum_address(digest[12:])


def salt_of(text: str | None) -> bytes:
    """A salt from the config: 0x and 64 hex digits as given, other text hashed, none zero."""
    if not text:
        return ZERO_SALT
    if re.fullmatch(r"0x[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text[2:])
    return keccak(text=text)


def governance_of(config: DeployConfig, timelock: str | None) -> dict[str, Any]:
    """Who is to own the registry once deployed, as the record keeps it."""
    if timelock is not None and config.timelock is not None:
        return {
            "kind": "timelock",
            "address": timelock,
            "proposers": list(config.timelock.proposers),
            "executors": list(config.timelock.executors),
            "min_delay": config.timelock.min_delay,
        }
    if config.owner is not None:
        return {"kind": "multisig", "address": config.owner}
    return {"kind": "deployer", "address": None}


# ---------------------------------------------------------------- reading the chain
def code_at(rpc: Request, address: str) -> bytes:
    return bytes.fromhex(str(rpc("eth_getCode", [address, "latest"])).removeprefix("0x"))


def view(rpc: Request, address: str, contract: str, method: str, args: list[Any]) -> tuple[Any, ...]:
    data = calldata(contract, method, args)
    raw = rpc("eth_call", [{"to": address, "data": "0x" + data.hex()}, "latest"])
    return decode_output(contract, method, bytes.fromhex(str(raw).removeprefix("0x")))


def _has_code(address: str) -> Check:
    return lambda rpc: bool(code_at(rpc, address))


def _registry_view(registry: str, test: Callable[[Request], bool]) -> Check:
    """A check on the registry's state: false while the registry has no code."""
    return lambda rpc: bool(code_at(rpc, registry)) and test(rpc)


def _registered(rpc: Request, registry: str, terms: list[Any], strict: bool) -> bool:
    """Whether the chain of ``terms`` (id, treasury, gross, net, hash) is registered; when
    ``strict``, PlanError when it is, with other terms (an earlier run of another config)."""
    chain_id = terms[0]
    if not view(rpc, registry, "ChainRegistry", "isRegistered", [chain_id])[0]:
        return False
    if not strict:
        return True
    treasury, gross, net, _active, _registered_flag, terms_hash = view(
        rpc, registry, "ChainRegistry", "getChain", [chain_id]
    )[0]
    if not _same([treasury, gross, net, terms_hash], terms[1:]):
        raise PlanError(
            f"chain {chain_id} is registered in {registry} with treasury {to_checksum_address(treasury)}, "
            f"{gross}/{net} bps, terms 0x{bytes(terms_hash).hex()}, not as this config says: an earlier run "
            "with another config registered it. Finish with that config, then change it through governance"
        )
    return True


def _same(a: Any, b: Any) -> bool:
    """ABI values equal, addresses compared case-blind."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


def _shown(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def plain(value: Any) -> Any:
    """ABI values as JSON-friendly ones (bytes as hex strings, tuples as lists)."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


# ---------------------------------------------------------------- the steps
def _creation_gas(init_code: bytes) -> int:
    return GAS_PER_CREATION + GAS_PER_CREATION_BYTE * len(init_code)


def _deploy(
    name: str, contract: str, args: list[Any], *, salt: bytes | None, address: str | None = None
) -> Step:
    """A contract deployment: through the CREATE2 factory with ``salt``, or (``salt`` None) a
    plain CREATE from the deployer landing at ``address``."""
    init_code = creation_code(contract, args)
    if salt is not None:
        address = create2_address(salt, init_code)
    assert address is not None
    return Step(
        label=f"deploy {name}",
        to=CREATE2_FACTORY if salt is not None else None,
        data=salt + init_code if salt is not None else init_code,
        check=_has_code(address),
        gas=_creation_gas(init_code),
        name=name,
        contract=contract,
        address=address,
        args=plain(args),
        arg_names=[entry.get("name", "") for entry in constructor_inputs(contract)],
        encoded_args=encode_constructor(contract, args),
    )


def _call(registry: str, method: str, args: list[Any], check: Callable[[Request], bool]) -> Step:
    return Step(
        label=f"{method}({', '.join(_shown(a) for a in args)})",
        to=registry,
        data=calldata("ChainRegistry", method, args),
        check=_registry_view(registry, check),
        gas=GAS_PER_CALL,
    )


def check_factory(rpc: Request, network: str, chain_id: int) -> None:
    """PlanError unless the network has the deterministic deployment proxy, with its exact code."""
    code = "0x" + code_at(rpc, CREATE2_FACTORY).hex()
    if code == "0x":
        raise PlanError(
            f"{network} (chain id {chain_id}) has no deterministic deployment proxy at {CREATE2_FACTORY}: "
            "OP Stack chains have it as a preinstall, as do most EVM networks and anvil; on a chain without "
            "it, have it deployed first (its presigned transaction is published with the proxy's source)"
        )
    if code.lower() != CREATE2_FACTORY_CODE.lower():
        raise PlanError(
            f"{CREATE2_FACTORY} on {network} (chain id {chain_id}) holds other code than the deterministic "
            "deployment proxy: addresses computed for it would not hold; nothing was sent"
        )


def make_plan(
    rpc: Request,
    config: DeployConfig,
    target: ChainConfig,
    deployer: str,
    *,
    network: str,
    chain_id: int,
    local: bool,
    nonce: int,
    mock_vaults: dict[str, str] | None = None,
    strict: bool = True,
    registry_args: list[Any] | None = None,
) -> Plan:
    """The deployment of ``config``'s registry, ``target``'s splitter and the timelock (if any)
    from ``deployer`` (whose next nonce is ``nonce``), each step marked done or not from the
    chain's state now. On a local network, ``mock_vaults`` (role -> address) are the mock vaults of
    an earlier plan of the same deployment (they follow the nonce it was made at). ``strict``
    False (a complete deployment, whose differences are listed instead) skips the checks that
    refuse a registration made with other terms and a vault without code. ``registry_args``: the
    registry's constructor arguments as a complete deployment recorded them (its collective and
    guardian are settings governance may have changed since; the registry stays where it is)."""
    check_factory(rpc, network, chain_id)
    salt = salt_of(config.salt)
    deployer = to_checksum_address(deployer)
    steps: list[Step] = []
    registry_args = registry_args or [deployer, config.collective, config.guardian or ZERO_ADDRESS]
    registry_step = _deploy("ChainRegistry", "ChainRegistry", registry_args, salt=salt)
    registry = str(registry_step.address)
    steps.append(registry_step)

    for chain in config.chains:
        terms = [
            chain.chain_id,
            chain.treasury,
            chain.gross_bps,
            chain.net_bps,
            bytes.fromhex(chain.terms_hash[2:]),
        ]
        steps.append(
            _call(
                registry, "registerChain", terms, lambda rpc, t=terms: _registered(rpc, registry, t, strict)
            )
        )
    for recipient, destination in config.destinations.items():
        wanted = destination.as_tuple()
        steps.append(
            _call(
                registry,
                "setDestination",
                [recipient, wanted],
                lambda rpc, r=recipient, w=wanted: _same(
                    view(rpc, registry, "ChainRegistry", "destinationOf", [r])[0], w
                ),
            )
        )

    vault_addresses = dict(target.vaults)
    mocks: list[tuple[str, str]] = []
    if strict and not local:
        _check_vaults(rpc, target)
    for step in steps:  # what is done so far decides the mock vaults' nonces
        step.done = step.check(rpc)
    checked = len(steps)
    if local:
        # Mock vaults from the deployer's next nonces (every step before them takes one).
        first = nonce + sum(1 for step in steps if not step.done)
        for index, role in enumerate(VAULT_ROLES):
            known = (mock_vaults or {}).get(role)
            vault_addresses[role] = known or create_address(deployer, first + index)
            mocks.append((role, str(vault_addresses[role])))
    vault_tuple = [vault_addresses[role] or ZERO_ADDRESS for role in VAULT_ROLES]
    splitter_args = [registry, target.chain_id, vault_tuple, target.disbursement_interval]
    splitter_name = f"ChainRevenueSplitter:{target.chain_id}"
    splitter_step = _deploy(splitter_name, "ChainRevenueSplitter", splitter_args, salt=salt)
    for role, address in mocks:
        mock_args = [splitter_step.address, config.mock_vault_min_withdrawal, WITHDRAWAL_NETWORK_L2]
        steps.append(_deploy(f"MockFeeVault:{role}", "MockFeeVault", mock_args, salt=None, address=address))
    steps.append(splitter_step)
    steps += add_on_steps(config, target, registry, salt)

    timelock: str | None = None
    if config.timelock is not None:
        lock = config.timelock
        # OpenZeppelin's timelock opens execution to anyone when address(0) holds the executor role.
        executors = list(lock.executors) or [ZERO_ADDRESS]
        timelock_args = [lock.min_delay, list(lock.proposers), executors, ZERO_ADDRESS]
        timelock_step = _deploy("RevenueShareTimelock", "RevenueShareTimelock", timelock_args, salt=salt)
        timelock = timelock_step.address
        steps.append(timelock_step)

    governance = governance_of(config, timelock)
    new_owner = governance["address"]
    if new_owner is not None:

        def offered(rpc: Request, owner: str = new_owner) -> bool:
            current = view(rpc, registry, "ChainRegistry", "owner", [])[0]
            pending = view(rpc, registry, "ChainRegistry", "pendingOwner", [])[0]
            return owner.lower() in (str(current).lower(), str(pending).lower())

        step = _call(registry, "transferOwnership", [new_owner], offered)
        step.label += " (pending acceptance)"
        steps.append(step)

    for step in steps[checked:]:
        step.done = step.check(rpc)
    return Plan(network, chain_id, deployer, salt, target, local, steps, governance)


# Contracts anyone may deploy next to a registry (no owner call): what a complete deployment still
# sends when its config asks for them later.
CALCULATOR = "RegistrySharesCalculator"
GRANTS = "RevenueLinkedGrants"
ADD_ONS = (CALCULATOR, GRANTS)


def add_on_steps(config: DeployConfig, target: ChainConfig, registry: str, salt: bytes) -> list[Step]:
    """The chain's FeeSplitter shares calculator (it checks the chain is registered, so it comes
    after the registrations) and the grants escrow, when the config asks for them."""
    steps = []
    if target.fee_splitter_calculator:
        step = _deploy(f"{CALCULATOR}:{target.chain_id}", CALCULATOR, [registry, target.chain_id], salt=salt)
        # Its constructor creates the two SharePayees (the Collective's and the treasury's).
        payee = creation_code("SharePayee", [registry, target.chain_id, 0])
        step.gas += 2 * _creation_gas(payee)
        steps.append(step)
    if config.grants:
        steps.append(_deploy(GRANTS, GRANTS, [registry], salt=salt))
    return steps


def _check_vaults(rpc: Request, target: ChainConfig) -> None:
    """PlanError for a configured fee vault without code: the splitter would refuse every
    disbursement, and it cannot be changed once deployed."""
    missing = [f"{role} {a}" for role, a in target.vaults.items() if a and not code_at(rpc, a)]
    if missing:
        raise PlanError(
            f"the splitter of chain {target.chain_id} would withdraw {', '.join(missing)}, which has no code "
            "on this network, and would refuse every disbursement: set it to null under the chain's "
            "`vaults:` "
            "(a chain before Isthmus has no OperatorFeeVault), or give the vault's address on this chain"
        )


def check_ownership(rpc: Request, plan: Plan) -> None:
    """PlanError when a registry call is still to send but the deployer no longer owns it."""
    registry = plan.address("ChainRegistry")
    calls = [step for step in plan.pending if step.to == registry]
    if not calls or not code_at(rpc, registry):
        return
    owner = to_checksum_address(str(view(rpc, registry, "ChainRegistry", "owner", [])[0]))
    if owner.lower() != plan.deployer.lower():
        raise PlanError(
            f"the registry at {registry} is owned by {owner}, not the deployer {plan.deployer}, but "
            f"{calls[0].label} is still to do: make that change through governance (`ape run propose`)"
        )


# ---------------------------------------------------------------- showing it
def short_hex(data: bytes, keep: int = 10) -> str:
    text = data.hex()
    return "0x" + (text if len(text) <= 2 * keep else f"{text[:keep]}…{text[-keep:]}")


def describe(plan: Plan, gas_price: int | None = None, balance: int | None = None) -> list[str]:
    """The plan as terminal lines: every step with its address or target and arguments, then
    the addresses and what sending the rest takes."""
    lines = [
        f"Deployment plan for {plan.network} (chain id {plan.chain_id}), deployer {plan.deployer}",
        f"  CREATE2 factory {CREATE2_FACTORY}, salt 0x{plan.salt.hex()}",
    ]
    for number, step in enumerate(plan.steps, 1):
        status = "done" if step.done else "to send"
        where = step.address if step.deploys else f"on {step.to}"
        how = "" if not step.deploys else (" (CREATE2)" if step.to else " (CREATE, nonce-based)")
        lines.append(f"  {number:>2}. [{status}] {step.label}{how}")
        lines.append(f"      {'at' if step.deploys else 'call'} {where}")
        for arg_name, value in zip(step.arg_names, step.args, strict=False):
            lines.append(f"      {arg_name or '_'} = {_shown(value)}")
        if not step.done:
            size = f"{len(step.data):,} bytes"
            lines.append(
                f"      calldata {short_hex(step.data)} ({size}), to {step.to or '(a new contract)'}"
            )
    lines.append("Addresses:")
    for name, address in plan.contracts.items():
        lines.append(f"  {name:<34} {address}")
    if plan.local:
        lines.append("  (the mock vaults' addresses follow the deployer's nonce: local networks only)")
    else:
        lines.append("  (the same on every network for this config, salt and deployer)")
    pending = plan.pending
    if not pending:
        lines.append("Nothing to send: every step is done.")
        return lines
    cost = ""
    if gas_price is not None:
        cost = f", ~{plan.gas * gas_price / 10**18:.6g} ETH at {gas_price / 10**9:.4g} gwei"
    held = f"; the deployer holds {balance / 10**18:.6g} ETH" if balance is not None else ""
    lines.append(f"To send: {len(pending)} transaction(s), at most ~{plan.gas:,} gas{cost}{held}")
    return lines
