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
        vaults:                    # optional: default the OP Stack predeploys
          sequencer_fee_vault: "0x4200000000000000000000000000000000000011"
          base_fee_vault: "0x4200000000000000000000000000000000000019"
          l1_fee_vault: "0x420000000000000000000000000000000000001A"
          operator_fee_vault: "0x420000000000000000000000000000000000001B"   # or null
    destinations:                  # optional: ETH delivered on L1 instead of by L2 transfer
      - recipient: "0x..."         #   a treasury, the Collective, a sequencer operator
        route: l1-bridge           #   l1-bridge (L2StandardBridge.bridgeETHTo),
                                   #   l1-message-passer (L2ToL1MessagePasser), or l2
        l1_recipient: "0x..."      #   the account paid on L1; default: the recipient's address
        l1_gas_limit: 200000       #   gas for the call on L1, 21000..5000000 (default 200000)
        min_amount: "0.5 ether"    #   optional, default 0, at most 10000 ether: smaller payouts
                                   #   wait, credited
    mock_vaults:                   # local networks only: mock vaults replace the predeploys
      min_withdrawal: "0.01 ether"

Addresses are 0x and 40 hex digits; mixed case must be a correct EIP-55 checksum. Amounts are
exact (a fraction of a wei, NaN or infinity is refused). A key given twice in one mapping, and
YAML anchors and aliases, are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import keccak

from revshare.chain.addresses import PREDEPLOY_VAULTS, VAULT_ROLES, ZERO_ADDRESS
from revshare.chain.routes import (
    DEFAULT_L1_GAS_LIMIT,
    MAX_L1_GAS_LIMIT,
    MAX_MIN_AMOUNT,
    ROUTE_NAMES,
    Destination,
    Route,
)
from revshare.deploying.yaml_file import StrictYamlError, load_yaml_file
from revshare.model import BPS_DENOMINATOR, DEFAULT_GROSS_BPS, DEFAULT_NET_BPS
from revshare.values import (
    parse_address,
    parse_amount,
    parse_chain_id,
    parse_hash32,
    quoted,
)

ZERO_HASH = "0x" + "00" * 32
DEFAULT_INTERVAL = 24 * 60 * 60
# An error report lists at most this many problems, each cut to this many characters.
MAX_PROBLEMS_SHOWN = 25
MAX_PROBLEM_CHARS = 300


class ConfigError(ValueError):
    """A configuration file that cannot be used; ``problems`` lists every mistake found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = [_shorten(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            self.problems.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems")
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid config {_shorten(source)}:\n{lines}")


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"


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


@dataclass(frozen=True)
class TimelockConfig:
    """A TimelockController to deploy as the registry's owner."""

    proposers: tuple[str, ...]
    executors: tuple[str, ...]
    min_delay: int


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
    source: str = "<config>"

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


class _Checker:
    """Collects problems with their location instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def address(self, where: str, value: Any, *, allow_none: bool = False) -> str | None:
        if value is None:
            if not allow_none:
                self.fail(where, "is required")
            return None
        try:
            return parse_address(value)
        except ValueError as exc:
            self.fail(where, str(exc))
            return None

    def integer(self, where: str, value: Any, *, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"{quoted(value)} is not a whole number")
            return None
        if not low <= value <= high:
            self.fail(where, f"{value} is outside {low}..{high}")
            return None
        return value

    def bps(self, where: str, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"{quoted(value)} is not a whole number of basis points")
            return None
        if not 0 <= value <= BPS_DENOMINATOR:
            self.fail(where, f"{value} bps is outside 0..{BPS_DENOMINATOR} (0% to 100%)")
            return None
        return value

    def unknown_keys(self, where: str, data: Mapping[str, Any], known: set[str]) -> None:
        for key in sorted(str(k) for k in set(data) - known)[:5]:
            self.fail(where, f"unknown key {quoted(key)} (expected one of: {', '.join(sorted(known))})")

    def parsed(self, where: str, parse: Any, value: Any) -> Any:
        """``parse(value)``, or None with the problem noted."""
        try:
            return parse(value)
        except ValueError as exc:
            self.fail(where, str(exc))
            return None


_TOP_KEYS = {"collective", "owner", "timelock", "guardian", "chains", "destinations", "mock_vaults"}
_DESTINATION_KEYS = {"recipient", "route", "l1_recipient", "l1_gas_limit", "min_amount"}
_TIMELOCK_KEYS = {"proposers", "executors", "min_delay"}
MAX_TIMELOCK_DELAY = 30 * 24 * 60 * 60
_CHAIN_KEYS = {
    "chain_id",
    "name",
    "treasury",
    "gross_bps",
    "net_bps",
    "terms_hash",
    "terms_document",
    "disbursement_interval",
    "vaults",
}


def _parse_chain(check: _Checker, where: str, raw: Any, base_dir: Path) -> ChainConfig | None:
    if not isinstance(raw, Mapping):
        check.fail(where, "must be a mapping with chain_id, treasury, ...")
        return None
    check.unknown_keys(where, raw, _CHAIN_KEYS)
    chain_id = check.parsed(f"{where}.chain_id", parse_chain_id, raw.get("chain_id"))
    treasury = check.address(f"{where}.treasury", raw.get("treasury"))
    gross_bps = check.bps(f"{where}.gross_bps", raw.get("gross_bps", DEFAULT_GROSS_BPS))
    net_bps = check.bps(f"{where}.net_bps", raw.get("net_bps", DEFAULT_NET_BPS))
    interval = check.integer(
        f"{where}.disbursement_interval",
        raw.get("disbursement_interval", DEFAULT_INTERVAL),
        low=0,
        high=10 * 365 * 86400,
    )
    terms_hash = _parse_terms(check, where, raw, base_dir)
    vaults = _parse_vaults(check, f"{where}.vaults", raw.get("vaults"))
    name = raw.get("name", f"chain {chain_id}")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        check.fail(f"{where}.name", f"{quoted(name)} is not a name (1 to 100 characters)")
    if None in (chain_id, treasury, gross_bps, net_bps, interval, terms_hash, vaults):
        return None
    return ChainConfig(
        chain_id=chain_id,  # type: ignore[arg-type]
        name=str(name),
        treasury=treasury,  # type: ignore[arg-type]
        gross_bps=gross_bps,  # type: ignore[arg-type]
        net_bps=net_bps,  # type: ignore[arg-type]
        terms_hash=terms_hash,  # type: ignore[arg-type]
        disbursement_interval=interval,  # type: ignore[arg-type]
        vaults=vaults,  # type: ignore[arg-type]
    )


def _parse_terms(check: _Checker, where: str, raw: Mapping[str, Any], base_dir: Path) -> str | None:
    if "terms_hash" in raw and "terms_document" in raw:
        check.fail(where, "give terms_hash or terms_document, not both")
        return None
    if "terms_document" in raw:
        name = raw["terms_document"]
        if not isinstance(name, str) or not name or "\0" in name:
            check.fail(f"{where}.terms_document", f"{quoted(name)} is not a file name")
            return None
        path = base_dir / name
        try:
            return terms_hash_of(path)
        except FileNotFoundError:
            check.fail(f"{where}.terms_document", f"file not found: {quoted(str(path), 200)}")
        except OSError as exc:
            check.fail(f"{where}.terms_document", f"cannot read {quoted(str(path), 200)}: {exc.strerror}")
        return None
    return check.parsed(f"{where}.terms_hash", parse_hash32, raw.get("terms_hash", ZERO_HASH))


def _parse_vaults(check: _Checker, where: str, raw: Any) -> dict[str, str | None] | None:
    if raw is None:
        return dict(PREDEPLOY_VAULTS)
    if not isinstance(raw, Mapping):
        check.fail(where, f"must be a mapping of {', '.join(VAULT_ROLES)}")
        return None
    check.unknown_keys(where, raw, set(VAULT_ROLES))
    vaults: dict[str, str | None] = {}
    for role in VAULT_ROLES:
        value = raw.get(role, PREDEPLOY_VAULTS[role])
        optional = role == "operator_fee_vault"
        vaults[role] = check.address(f"{where}.{role}", value, allow_none=optional)
    required_ok = all(vaults[r] for r in VAULT_ROLES if r != "operator_fee_vault")
    return vaults if required_ok else None


def _address_list(check: _Checker, where: str, raw: Any, *, allow_empty: bool) -> tuple[str, ...] | None:
    if not isinstance(raw, list) or (not raw and not allow_empty):
        check.fail(where, "must be a list of addresses" + ("" if allow_empty else " (at least one)"))
        return None
    addresses = [check.address(f"{where}[{i}]", value) for i, value in enumerate(raw)]
    if None in addresses:
        return None
    if len({a.lower() for a in addresses if a}) != len(addresses):
        check.fail(where, "lists an address twice")
        return None
    return tuple(a for a in addresses if a)


def _parse_timelock(check: _Checker, raw: Any) -> TimelockConfig | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        check.fail("timelock", "must be a mapping with proposers, executors and min_delay")
        return None
    check.unknown_keys("timelock", raw, _TIMELOCK_KEYS)
    proposers = _address_list(check, "timelock.proposers", raw.get("proposers"), allow_empty=False)
    executors = (
        _address_list(check, "timelock.executors", raw["executors"], allow_empty=True)
        if "executors" in raw
        else proposers
    )
    if "min_delay" not in raw:
        check.fail("timelock.min_delay", "is required (seconds between scheduling and execution)")
    delay = check.integer("timelock.min_delay", raw.get("min_delay", 0), low=0, high=MAX_TIMELOCK_DELAY)
    if proposers is None or executors is None or delay is None:
        return None
    return TimelockConfig(proposers=proposers, executors=executors, min_delay=delay)


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


def _parse_destinations(check: _Checker, raw: Any) -> dict[str, Destination]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        check.fail(
            "destinations", "must be a list of {recipient, route, l1_recipient, l1_gas_limit, min_amount}"
        )
        return {}
    found: dict[str, Destination] = {}
    for index, entry in enumerate(raw):
        where = f"destinations[{index}]"
        if not isinstance(entry, Mapping):
            check.fail(where, "must be a mapping with recipient and route")
            continue
        check.unknown_keys(where, entry, _DESTINATION_KEYS)
        recipient = check.address(f"{where}.recipient", entry.get("recipient"))
        if recipient is None:
            continue
        try:
            destination = parse_destination(
                entry.get("route"),
                recipient,
                entry.get("l1_recipient"),
                entry.get("l1_gas_limit"),
                entry.get("min_amount", 0),
            )
        except ValueError as exc:
            check.fail(where, str(exc))
            continue
        if any(known.lower() == recipient.lower() for known in found):
            check.fail(f"{where}.recipient", f"{recipient} already has a destination")
            continue
        found[recipient] = destination
    return found


def _check_distinct_addresses(check: _Checker, config: DeployConfig) -> None:
    seen: dict[str, str] = {}

    def claim(where: str, address: str | None) -> None:
        if address is None:
            return
        key = address.lower()
        if key in seen:
            check.fail(where, f"{address} is already used as {seen[key]}")
        else:
            seen[key] = where

    claim("collective", config.collective)
    for index, chain in enumerate(config.chains):
        claim(f"chains[{index}].treasury", chain.treasury)
        for role, address in chain.vaults.items():
            if address != PREDEPLOY_VAULTS[role]:  # every chain has the predeploys at the same address
                claim(f"chains[{index}].vaults.{role}", address)
    if config.owner is not None and config.owner.lower() in seen:
        check.fail("owner", f"{config.owner} is already used as {seen[config.owner.lower()]}")


def parse_config(data: Any, *, source: str = "<config>", base_dir: Path | None = None) -> DeployConfig:
    """Validate already-loaded YAML data; raises ConfigError listing every problem."""
    check = _Checker()
    base_dir = base_dir or Path.cwd()
    if not isinstance(data, Mapping):
        raise ConfigError(source, ["the file must hold a mapping with collective and chains"])
    check.unknown_keys("config", data, _TOP_KEYS)
    collective = check.address("collective", data.get("collective"))
    owner = check.address("owner", data.get("owner"), allow_none=True)
    guardian = check.address("guardian", data.get("guardian"), allow_none=True)
    timelock = _parse_timelock(check, data.get("timelock"))
    destinations = _parse_destinations(check, data.get("destinations"))
    if "owner" in data and "timelock" in data:
        check.fail("config", "give owner (an existing multisig) or timelock (deploy one), not both")

    raw_chains = data.get("chains")
    chains: list[ChainConfig] = []
    if not isinstance(raw_chains, list) or not raw_chains:
        check.fail("chains", "must be a non-empty list of chains")
    else:
        ids: dict[Any, int] = {}
        for index, raw in enumerate(raw_chains):
            chain = _parse_chain(check, f"chains[{index}]", raw, base_dir)
            raw_id = raw.get("chain_id") if isinstance(raw, Mapping) else None
            if isinstance(raw_id, int) and not isinstance(raw_id, bool):
                if raw_id in ids:
                    check.fail(
                        f"chains[{index}].chain_id",
                        f"chain {raw_id} is already configured at chains[{ids[raw_id]}]",
                    )
                ids.setdefault(raw_id, index)
            if chain is not None:
                chains.append(chain)

    min_withdrawal = 0
    mock = data.get("mock_vaults") or {}
    if not isinstance(mock, Mapping):
        check.fail("mock_vaults", "must be a mapping")
    else:
        check.unknown_keys("mock_vaults", mock, {"min_withdrawal"})
        try:
            min_withdrawal = parse_amount(mock.get("min_withdrawal", 0))
        except ValueError as exc:
            check.fail("mock_vaults.min_withdrawal", str(exc))

    if check.problems or collective is None:
        raise ConfigError(source, check.problems or ["collective: is required"])
    config = DeployConfig(
        collective=collective,
        chains=tuple(chains),
        owner=owner,
        timelock=timelock,
        guardian=guardian,
        destinations=destinations,
        mock_vault_min_withdrawal=min_withdrawal,
        source=source,
    )
    _check_distinct_addresses(check, config)
    if check.problems:
        raise ConfigError(source, check.problems)
    return config


def load_config(path: str | Path) -> DeployConfig:
    """Read and validate a YAML deployment config."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(str(path), ["file not found"])
    try:
        data = load_yaml_file(path)
    except StrictYamlError as exc:
        raise ConfigError(str(path), [str(exc)]) from None
    return parse_config(data, source=str(path), base_dir=path.parent)
