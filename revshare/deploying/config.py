"""Deployment configuration: load a YAML file, validate every field, report all mistakes at once.

A config describes the Collective, the registry's governance owner, and the member chains::

    collective: "0x..."            # the Optimism Collective's receiving address
    owner: "0x..."                 # optional: an existing multisig (e.g. a Safe) to own the
                                   # registry; ownership is offered to it (two-step)
    timelock:                      # or: deploy a TimelockController to own the registry
      proposers: ["0x..."]         #   who may schedule (typically a multisig)
      executors: ["0x..."]         #   who may execute; optional, default the proposers;
                                   #   [] lets anyone execute a ready operation
                                   #   (deployed as OpenZeppelin's open role, address(0))
      min_delay: 172800            #   seconds between scheduling and execution
    guardian: "0x..."              # optional: may pause disbursements
    chains:
      - chain_id: 8453             # an EIP-155 chain id, 1..9223372036854775771
        name: Base
        treasury: "0x..."
        gross_bps: 250             # optional, default 250 (2.5% of gross)
        net_bps: 1500              # optional, default 1500 (15% of net)
        terms_document: terms.md   # or terms_hash: "0x<64 hex>"; optional
        disbursement_interval: 86400   # seconds, optional, default one day
        fee_splitter_calculator: true  # optional: also deploy a RegistrySharesCalculator for this
                                   #   chain (the shares calculator of OP's FeeSplitter, with its two
                                   #   payees), on the chain's own network
        vaults:                    # optional: default the OP Stack predeploys
          sequencer_fee_vault: "0x4200000000000000000000000000000000000011"
          base_fee_vault: "0x4200000000000000000000000000000000000019"
          l1_fee_vault: "0x420000000000000000000000000000000000001A"
          operator_fee_vault: "0x420000000000000000000000000000000000001b"   # or null
    destinations:                  # optional: ETH delivered on L1 instead of by L2 transfer
      - recipient: "0x..."         #   a treasury, the Collective, a sequencer operator
        route: l1-bridge           #   l1-bridge (L2StandardBridge.bridgeETHTo),
                                   #   l1-message-passer (L2ToL1MessagePasser), or l2
        l1_recipient: "0x..."      #   the account paid on L1; default: the recipient's address
        l1_gas_limit: 200000       #   gas for the call on L1, 21000..5000000 (default 200000)
        min_amount: "0.5 ether"    #   optional, default 0, at most 10000 ether: smaller payouts
                                   #   wait, credited
    grants: true                   # optional: also deploy RevenueLinkedGrants (revenue-linked grant
                                   #   escrows) on every network deployed to
    mock_vaults:                   # local networks only: mock vaults replace the predeploys
      min_withdrawal: "0.01 ether"
    salt: "revshare-2026"          # optional: the CREATE2 salt (0x and 64 hex digits, or any text,
                                   #   hashed); default zero. The same config, deployer and salt
                                   #   give the same addresses on every network.

Addresses are 0x and 40 hex digits; mixed case must be a correct EIP-55 checksum. Amounts are
exact (a fraction of a wei, NaN or infinity is refused). A key given twice in one mapping, and
YAML anchors and aliases, are refused.

Pydantic models describe the file, one per mapping, and report every problem at once; rules that
relate several values (owner or timelock, a chain or recipient given twice, an address in two roles)
are checked once those values are valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, cast

from eth_utils import keccak
from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    model_validator,
)

from revshare.chain.addresses import PREDEPLOY_VAULTS, VAULT_ROLES, ZERO_ADDRESS
from revshare.chain.routes import (
    DEFAULT_L1_GAS_LIMIT,
    MAX_L1_GAS_LIMIT,
    MAX_MIN_AMOUNT,
    ROUTE_NAMES,
    Destination,
    Route,
)
from revshare.config_models import (
    Address,
    Addresses,
    Bps,
    ConfigError,
    StrictModel,
    list_of,
    read_config_file,
    validate_file,
    whole_number,
)
from revshare.config_models import name as _name
from revshare.model import DEFAULT_GROSS_BPS, DEFAULT_NET_BPS
from revshare.values import parse_address, parse_amount, parse_chain_id, parse_hash32, quoted

ZERO_HASH = "0x" + "00" * 32
DEFAULT_INTERVAL = 24 * 60 * 60
MAX_INTERVAL = 10 * 365 * 24 * 60 * 60
MAX_TIMELOCK_DELAY = 30 * 24 * 60 * 60


@dataclass(frozen=True)
class ChainConfig:
    """One member chain."""

    chain_id: int
    name: str
    treasury: str
    gross_bps: int = DEFAULT_GROSS_BPS
    net_bps: int = DEFAULT_NET_BPS
    terms_hash: str = ZERO_HASH
    disbursement_interval: int = DEFAULT_INTERVAL
    vaults: dict[str, str | None] = field(default_factory=lambda: dict(PREDEPLOY_VAULTS))
    fee_splitter_calculator: bool = False  # deploy a RegistrySharesCalculator for the chain too


@dataclass(frozen=True)
class DeployConfig:
    """A whole deployment: the Collective, governance and the member chains."""

    collective: str
    chains: tuple[ChainConfig, ...]
    owner: str | None = None
    timelock: TimelockConfig | None = None
    guardian: str | None = None
    # Recipients whose ETH takes an L1 route (or an explicit L2 one); anyone else: L2 transfer.
    destinations: dict[str, Destination] = field(default_factory=dict)
    mock_vault_min_withdrawal: int = 0
    salt: str | None = None
    source: str = "<config>"
    grants: bool = False  # deploy RevenueLinkedGrants too

    def destination_of(self, recipient: str) -> Destination:
        """The configured destination of ``recipient`` (default: a plain L2 transfer)."""
        for address, destination in self.destinations.items():
            if address.lower() == recipient.lower():
                return destination
        return Destination()

    def chain(self, chain_id: int | None, *, node_chain_id: int | None = None) -> ChainConfig:
        """The chain with ``chain_id``; without one, the only chain, or the chain the node runs."""
        if chain_id is None:
            if len(self.chains) == 1:
                return self.chains[0]
            if node_chain_id is not None and any(c.chain_id == node_chain_id for c in self.chains):
                return self.chain(node_chain_id)
            ids = ", ".join(str(c.chain_id) for c in self.chains)
            raise ConfigError(self.source, [f"several chains configured ({ids}): choose one"])
        for chain in self.chains:
            if chain.chain_id == chain_id:
                return chain
        ids = ", ".join(str(c.chain_id) for c in self.chains)
        raise ConfigError(self.source, [f"unknown chain {chain_id}: the config has {ids}"])


def terms_hash_of(document: Path) -> str:
    """keccak256 of a terms document's bytes, as 0x-prefixed hex."""
    return "0x" + keccak(document.read_bytes()).hex()


def parse_destination(
    route: Any, recipient: str, l1_recipient: Any = None, l1_gas_limit: Any = None, min_amount: Any = 0
) -> Destination:
    """A destination for ``recipient`` from config or command-line values; ValueError saying what
    is wrong. L1 routes pay ``l1_recipient`` (default: the recipient's own address on L1) with
    `DEFAULT_L1_GAS_LIMIT` unless given; the minimum is an amount (wei or "0.5 ether")."""
    if not isinstance(route, str) or route not in ROUTE_NAMES:
        raise ValueError(f"route {quoted(route)} is not one of: {', '.join(ROUTE_NAMES)}")
    chosen = ROUTE_NAMES[route]
    on_l2 = chosen == Route.L2
    if l1_gas_limit is None:
        l1_gas_limit = 0 if on_l2 else DEFAULT_L1_GAS_LIMIT
    if isinstance(l1_gas_limit, bool) or not isinstance(l1_gas_limit, int):
        raise ValueError(f"l1_gas_limit {quoted(l1_gas_limit)} is not a whole number")
    if l1_gas_limit > MAX_L1_GAS_LIMIT:
        raise ValueError(f"l1_gas_limit must be between 21,000 and {MAX_L1_GAS_LIMIT:,}")
    addresses = {"recipient": recipient, "l1_recipient": recipient if l1_recipient is None else l1_recipient}
    for name, value in addresses.items():
        try:
            addresses[name] = parse_address(value)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    if l1_recipient is None:
        l1_recipient = ZERO_ADDRESS if on_l2 else addresses["l1_recipient"]
    else:
        l1_recipient = addresses["l1_recipient"]
    try:
        minimum = parse_amount(min_amount, maximum=MAX_MIN_AMOUNT)
    except ValueError as exc:
        raise ValueError(f"min_amount: {exc}") from None
    destination = Destination(chosen, l1_recipient, l1_gas_limit, minimum)
    problem = destination.problem()
    if problem is not None:
        raise ValueError(problem)
    return destination


def _document_hash(name: Any, info: ValidationInfo) -> str:
    """The hash of a terms document, named relative to the config file's folder."""
    if not isinstance(name, str) or not name or "\0" in name:
        raise ValueError(f"{quoted(name)} is not a file name")
    path = (info.context["base_dir"] if info.context else Path.cwd()) / name
    try:
        return terms_hash_of(path)
    except FileNotFoundError:
        raise ValueError(f"file not found: {quoted(str(path), 200)}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {quoted(str(path), 200)}: {exc.strerror}") from None


class TimelockConfig(StrictModel):
    """A TimelockController to deploy as the registry's owner."""

    not_a_mapping: ClassVar[str] = "must be a mapping with proposers, executors and min_delay"
    proposers: Annotated[
        Addresses, list_of("must be a list of addresses (at least one)", at_least_one=True)
    ] = Field(None, validate_default=True)
    # Not given: the proposers. [] lets anyone execute a ready operation.
    executors: Annotated[Addresses, list_of("must be a list of addresses")] = Field(
        default_factory=lambda values: values["proposers"]
    )
    min_delay: Annotated[int, whole_number(0, MAX_TIMELOCK_DELAY)] = Field(
        description="seconds between scheduling and execution"  # said when it is missing
    )


class _Vaults(StrictModel):
    """A chain's fee vaults; any not given is the OP Stack predeploy."""

    not_a_mapping: ClassVar[str] = f"must be a mapping of {', '.join(VAULT_ROLES)}"
    sequencer_fee_vault: Address = cast(str, PREDEPLOY_VAULTS["sequencer_fee_vault"])
    base_fee_vault: Address = cast(str, PREDEPLOY_VAULTS["base_fee_vault"])
    l1_fee_vault: Address = cast(str, PREDEPLOY_VAULTS["l1_fee_vault"])
    operator_fee_vault: Address | None = PREDEPLOY_VAULTS["operator_fee_vault"]


class _Chain(StrictModel):
    """An entry of ``chains``."""

    not_a_mapping: ClassVar[str] = "must be a mapping with chain_id, treasury, ..."
    chain_id: Annotated[int, BeforeValidator(parse_chain_id)] = Field(None, validate_default=True)
    name: Annotated[str, BeforeValidator(_name)] = Field(default_factory=lambda v: f"chain {v['chain_id']}")
    treasury: Address
    gross_bps: Bps = DEFAULT_GROSS_BPS
    net_bps: Bps = DEFAULT_NET_BPS
    terms_hash: Annotated[str, BeforeValidator(parse_hash32)] = ZERO_HASH
    terms_document: Annotated[str | None, BeforeValidator(_document_hash)] = None  # becomes its hash
    disbursement_interval: Annotated[int, whole_number(0, MAX_INTERVAL)] = DEFAULT_INTERVAL
    vaults: _Vaults | None = None
    fee_splitter_calculator: bool = False

    @model_validator(mode="after")
    def _one_terms_source(self) -> _Chain:
        if {"terms_hash", "terms_document"} <= self.model_fields_set:
            raise ValueError("give terms_hash or terms_document, not both")
        return self

    def config(self) -> ChainConfig:
        values = self.model_dump(exclude={"terms_hash", "terms_document", "vaults"})
        terms_hash = self.terms_document or self.terms_hash
        return ChainConfig(**values, terms_hash=terms_hash, vaults=(self.vaults or _Vaults()).model_dump())


class _Destination(StrictModel):
    """An entry of ``destinations``: the recipient, then what `parse_destination` checks."""

    not_a_mapping: ClassVar[str] = "must be a mapping with recipient and route"
    recipient: Address
    route: Any = None
    l1_recipient: Any = None
    l1_gas_limit: Any = None
    min_amount: Any = 0

    def destination(self) -> Destination:
        return parse_destination(**dict(self))  # the fields are its parameters

    @model_validator(mode="after")
    def _routable(self) -> _Destination:
        self.destination()  # a problem is reported at this entry
        return self


class _MockVaults(StrictModel):
    """``mock_vaults``: local networks only."""

    min_withdrawal: Annotated[int, BeforeValidator(parse_amount)] = 0


_CHAIN_LIST = list_of("must be a non-empty list of chains", at_least_one=True)
_DESTINATION_LIST = list_of("must be a list of {recipient, route, l1_recipient, l1_gas_limit, min_amount}")


_HEX_SALT = re.compile(r"0x[0-9a-fA-F]{64}")


def _salt(value: Any) -> str | None:
    """0x and 64 hex digits (used as is), or a label (hashed); never something that looks like one
    and is not."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError('write it in quotes, salt: "0x..." (YAML reads an unquoted 0x... as a number)')
    if not isinstance(value, str) or not value:
        raise ValueError("must be text: 0x and 64 hex digits, or a label (hashed)")
    if value != value.strip():
        raise ValueError("has spaces at its start or end")
    if value[:2].lower() == "0x":
        if not _HEX_SALT.fullmatch(value):
            raise ValueError("a 0x salt must be 0x and exactly 64 hex digits (32 bytes)")
    elif re.fullmatch(r"[0-9a-fA-F]{64}", value):
        raise ValueError("looks like a hex salt without its 0x: write 0x in front (a label is hashed)")
    return value


class _ConfigFile(StrictModel):
    """The whole file."""

    collective: Address
    owner: Address | None = None
    timelock: TimelockConfig | None = None
    guardian: Address | None = None
    chains: Annotated[tuple[_Chain, ...], _CHAIN_LIST] = Field(None, validate_default=True)
    destinations: Annotated[tuple[_Destination, ...], _DESTINATION_LIST] | None = None
    mock_vaults: _MockVaults | None = None
    salt: Annotated[str | None, BeforeValidator(_salt)] = None
    grants: bool = False

    def config(self, source: str) -> DeployConfig:
        """The deployment this file describes; ConfigError if rules across its entries fail."""
        problems = []
        if {"owner", "timelock"} <= self.model_fields_set:
            problems.append("config: give owner (an existing multisig) or timelock (deploy one), not both")
        first: dict[int, int] = {}
        for index, chain in enumerate(self.chains):
            if chain.chain_id in first:
                where = f"chains[{index}].chain_id: chain {chain.chain_id}"
                problems.append(f"{where} is already configured at chains[{first[chain.chain_id]}]")
            first.setdefault(chain.chain_id, index)
        destinations: dict[str, Destination] = {}
        for index, entry in enumerate(self.destinations or ()):
            if entry.recipient in destinations:  # checksummed: one spelling per address
                where = f"destinations[{index}].recipient"
                problems.append(f"{where}: {entry.recipient} already has a destination")
            destinations.setdefault(entry.recipient, entry.destination())
        config = DeployConfig(
            collective=self.collective,
            chains=tuple(chain.config() for chain in self.chains),
            owner=self.owner,
            timelock=self.timelock,
            guardian=self.guardian,
            destinations=destinations,
            mock_vault_min_withdrawal=(self.mock_vaults or _MockVaults()).min_withdrawal,
            salt=self.salt,
            source=source,
            grants=self.grants,
        )
        if problems := problems + _addresses_used_twice(config):
            raise ConfigError(source, problems)
        return config


def _addresses_used_twice(config: DeployConfig) -> list[str]:
    """The collective, treasuries and custom vaults must all differ, and the owner from them."""
    roles = [("collective", config.collective)]
    for index, chain in enumerate(config.chains):
        roles.append((f"chains[{index}].treasury", chain.treasury))
        roles += [
            (f"chains[{index}].vaults.{role}", address)
            for role, address in chain.vaults.items()
            if address is not None and address != PREDEPLOY_VAULTS[role]  # the same on every chain
        ]
    seen: dict[str, str] = {}
    problems = []
    for where, address in roles:
        if address.lower() in seen:
            problems.append(f"{where}: {address} is already used as {seen[address.lower()]}")
        seen.setdefault(address.lower(), where)
    if config.owner is not None and config.owner.lower() in seen:
        problems.append(f"owner: {config.owner} is already used as {seen[config.owner.lower()]}")
    return problems


# ---------------------------------------------------------------- pydantic's errors as problem lines
# The model of each mapping in the file, by the key holding it.
_MAPPINGS: dict[str, type[StrictModel]] = {
    "timelock": TimelockConfig,
    "chains": _Chain,
    "vaults": _Vaults,
    "destinations": _Destination,
    "mock_vaults": _MockVaults,
}


def parse_config(data: Any, *, source: str = "<config>", base_dir: Path | None = None) -> DeployConfig:
    """Validate already-loaded YAML data; raises ConfigError listing every problem."""
    file = validate_file(
        _ConfigFile,
        data,
        source=source,
        mappings=_MAPPINGS,
        context={"base_dir": base_dir or Path.cwd()},
        not_a_mapping="the file must hold a mapping with collective and chains",
    )
    return file.config(source)


def load_config(path: str | Path) -> DeployConfig:
    """Read and validate a YAML deployment config."""
    path = Path(path)
    return parse_config(read_config_file(path), source=str(path), base_dir=path.parent)
