"""The monitor's config: the Collective's receivers, Ethereum L1, and every chain to watch.

    collective:
      l1_receivers: ["0x..."]        # the Collective's receiving Safes on Ethereum L1
      l2_receivers: ["0x..."]        # its receiving address(es) on the L2 chains (same on each)
    l1:                              # optional; without it payments made on L1 are not seen
      name: ethereum
      chain_id: 1
      rpc: ${L1_RPC}                 # ${NAME} is read from the environment (keep keys out of files)
      start_block: 19000000
    chains:
      - name: chain-a
        chain_id: 10
        rpc: ${OP_RPC}
        start_block: 0
        senders: ["0x..."]           # addresses that pay the Collective by hand (L2 or L1)
        splitters: ["0x..."]         # this project's ChainRevenueSplitter(s)
        fee_disbursers: ["0x..."]    # Base-style FeeDisburser(s)
        fee_splitter: auto           # OP's FeeSplitter predeploy: auto (read it when it has code),
                                     # true (must be there) or false
        collective_receivers: []     # more Collective receivers on this chain (optional)
        revenue_recipients: []       # other addresses a vault may pay without leaving the path
        terms:                       # optional; default 250 / 1500 from the start
          - {gross_bps: 250, net_bps: 1500}
          - {from: 2026-02-23, gross_bps: 0, net_bps: 0}   # a change, from a UTC date or a block
        registry: "0x..."            # or: terms from this project's ChainRegistry on this chain
        portal: "0x..."              # its OptimismPortal on L1 (needs l1; default: OP Mainnet's and
                                     # Base's, known when l1 is Ethereum): the L1 finality of the
                                     # withdrawals to L1 its vaults and splitters start
        expected_interval: 86400     # optional: seconds between the chain's payments
        owed_period: day             # revenue not settled by a contract is owed per day, week or
                                     # month (the rule applied to each period's totals)
    shared_splitters:                # optional: SharedSequencerSplitters settling several chains' revenue
      - name: shared-sequencer       # how the monitor names it (not a chain's name)
        network: chain-a             # the configured chain (or l1) it lives on, by name or chain id
        address: "0x..."
        collection: "0x..."          # the operator's collection address, where the fee vaults of the
                                     # chains it serves withdraw to (on each chain)
        serves: [chain-a, 8453]      # the configured chains it serves, by name or chain id
        report_interval: 86400       # optional: expected seconds between its epochs

Every problem is reported at once; a chain id or name given twice, a sender that is also a
settling contract, a predeploy or one of the Collective's receivers (its payments would be counted
twice, or are no payments), the same sender for two chains, and an RPC URL that is not http(s)
are refused. A terms change ``from`` a number is from that block (numbers that look like Unix
times are refused: give a date). A shared splitter must live on a configured network and serve
configured chains, each chain served by one shared splitter at most; its collection address must
not be a sender, a settling contract or a predeploy of a chain it serves (its withdrawals would be
counted twice, or are no revenue). A ``portal`` needs ``l1`` (the node it is read on), and two
chains cannot share one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from revshare.calendar import PERIODS
from revshare.chain.addresses import (
    FEE_SPLITTER,
    L2_STANDARD_BRIDGE,
    L2_TO_L1_MESSAGE_PASSER,
    OPTIMISM_PORTALS,
    PREDEPLOY_VAULTS,
)
from revshare.config_models import (
    Address,
    Addresses,
    Bps,
    ConfigError,
    Name,
    Rpc,
    StrictModel,
    list_of,
    read_config_file,
    validate_file,
    whole_number,
)
from revshare.model import DEFAULT_GROSS_BPS, DEFAULT_NET_BPS
from revshare.values import parse_chain_id, quoted

MAX_BLOCK = 2**63 - 1
MAX_INTERVAL = 366 * 86_400
UNIX_TIME_LIKE = 1_000_000_000  # a terms change "from" this number on is a time, not a block


@dataclass(frozen=True)
class Terms:
    """Rates in force from ``from_block`` or ``from_time`` on (neither: from the start)."""

    gross_bps: int
    net_bps: int
    from_block: int | None = None
    from_time: int | None = None

    def starts_by(self, block: int, timestamp: int) -> bool:
        if self.from_block is not None:
            return block >= self.from_block
        if self.from_time is not None:
            return timestamp >= self.from_time
        return True


@dataclass(frozen=True)
class Network:
    """A node to read: an L2 chain or Ethereum L1. ``rpc`` may carry secrets: never print it."""

    name: str
    chain_id: int
    rpc: str
    start_block: int


@dataclass(frozen=True)
class WatchedChain:
    network: Network
    senders: tuple[str, ...]
    splitters: tuple[str, ...]
    fee_disbursers: tuple[str, ...]
    fee_splitter: bool | None  # None: read it when it has code
    collective_receivers: tuple[str, ...]
    revenue_recipients: tuple[str, ...]
    terms: tuple[Terms, ...]
    registry: str | None
    expected_interval: int | None
    owed_period: str = "day"  # revenue not settled by a contract is owed per day, week or month
    # Its OptimismPortal on L1 (named, or known for its chain id on the config's L1); None: the
    # L1 finality of its withdrawals to L1 is not read.
    portal: str | None = None

    @property
    def name(self) -> str:
        return self.network.name

    @property
    def chain_id(self) -> int:
        return self.network.chain_id

    def terms_at(self, block: int, timestamp: int) -> Terms:
        """The configured terms in force at a block (the last entry that has started)."""
        current = self.terms[0]
        for terms in self.terms[1:]:
            if terms.starts_by(block, timestamp):
                current = terms
        return current


@dataclass(frozen=True)
class SharedSplitter:
    """A `SharedSequencerSplitter` on ``network``, settling the revenue the fee vaults of the
    ``serves`` chains (by chain id) withdraw to the operator's ``collection`` address."""

    name: str
    network: Network
    address: str
    collection: str
    serves: tuple[int, ...]
    report_interval: int | None = None  # expected seconds between epochs (None: from its epochs)


@dataclass(frozen=True)
class MonitorConfig:
    chains: tuple[WatchedChain, ...]
    l1: Network | None
    l1_receivers: tuple[str, ...]
    l2_receivers: tuple[str, ...]
    source: str
    shared_splitters: tuple[SharedSplitter, ...] = ()

    @property
    def networks(self) -> tuple[Network, ...]:
        return (*((self.l1,) if self.l1 else ()), *(chain.network for chain in self.chains))

    def shared_splitter_of(self, chain: WatchedChain) -> SharedSplitter | None:
        """The shared splitter serving ``chain``, if any."""
        return next((s for s in self.shared_splitters if chain.chain_id in s.serves), None)


# ---------------------------------------------------------------- checks of the file's values
def _start(value: Any) -> Any:
    if isinstance(value, datetime | date):
        raise ValueError("must be a block number (the dates go in terms)")
    return value


def _moment(value: Any) -> int | str:
    """A block number, or a UTC date / date-time as a string (kept until checked)."""
    if isinstance(value, bool):
        raise ValueError(f"{quoted(value)} is not a block number or a date")
    if isinstance(value, int):
        if not 0 <= value <= MAX_BLOCK:
            raise ValueError(f"block {value} is outside 0..{MAX_BLOCK}")
        if value >= UNIX_TIME_LIKE:
            raise ValueError(f"{value} looks like a Unix time, not a block: give a date (YYYY-MM-DD)")
        return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return f"t{int(moment.timestamp())}"
    if isinstance(value, date):
        return f"t{int(datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp())}"
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{quoted(value)} is not a block number or a date (YYYY-MM-DD)") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return f"t{int(moment.timestamp())}"
    raise ValueError(f"{quoted(value)} is not a block number or a date (YYYY-MM-DD)")


def _period(value: Any) -> str:
    if value not in PERIODS:
        raise ValueError(f"{quoted(value)} must be one of {', '.join(PERIODS)}")
    return str(value)


def _reference(value: Any) -> int | str:
    """A configured network by its name or chain id."""
    if isinstance(value, bool) or not isinstance(value, int | str) or (isinstance(value, str) and not value):
        raise ValueError(f"{quoted(value)} is not a chain name or chain id")
    return value


def _fee_splitter(value: Any) -> bool | None:
    if value is True or value is False:
        return value
    if value == "auto":
        return None
    raise ValueError(f"{quoted(value)} must be auto, true or false")


Block = Annotated[int, BeforeValidator(_start), whole_number(0, MAX_BLOCK)]
_ADDRESS_LIST = list_of("must be a list of addresses")


class _Terms(StrictModel):
    not_a_mapping: ClassVar[str] = "must be a mapping with gross_bps and net_bps (and from)"
    from_: Annotated[int | str | None, BeforeValidator(_moment)] = Field(None, alias="from")
    gross_bps: Bps = DEFAULT_GROSS_BPS
    net_bps: Bps = DEFAULT_NET_BPS

    def terms(self) -> Terms:
        moment = self.from_
        if isinstance(moment, str):
            return Terms(self.gross_bps, self.net_bps, from_time=int(moment[1:]))
        return Terms(self.gross_bps, self.net_bps, from_block=moment)


class _L1(StrictModel):
    not_a_mapping: ClassVar[str] = "must be a mapping with chain_id and rpc"
    name: Name = "ethereum"
    chain_id: Annotated[int, BeforeValidator(parse_chain_id)] = Field(None, validate_default=True)
    rpc: Rpc = Field(description="the node's URL; ${NAME} reads it from the environment")
    start_block: Block = 0

    def network(self) -> Network:
        return Network(self.name, self.chain_id, self.rpc, self.start_block)


class _Chain(_L1):
    not_a_mapping: ClassVar[str] = "must be a mapping with name, chain_id and rpc"
    name: Name = Field(description="how the monitor names the chain")
    senders: Annotated[Addresses, _ADDRESS_LIST] = ()
    splitters: Annotated[Addresses, _ADDRESS_LIST] = ()
    fee_disbursers: Annotated[Addresses, _ADDRESS_LIST] = ()
    fee_splitter: Annotated[bool | None, BeforeValidator(_fee_splitter)] = None
    collective_receivers: Annotated[Addresses, _ADDRESS_LIST] = ()
    revenue_recipients: Annotated[Addresses, _ADDRESS_LIST] = ()
    terms: Annotated[
        tuple[_Terms, ...], list_of("must be a list of {from, gross_bps, net_bps}", at_least_one=True)
    ] = (_Terms(),)
    registry: Address | None = None
    expected_interval: Annotated[int | None, whole_number(60, MAX_INTERVAL)] = None
    owed_period: Annotated[str, BeforeValidator(_period)] = "day"
    portal: Address | None = None

    def problems(self, index: int) -> list[str]:
        at = f"chains[{index}]"
        found = []
        if "terms" in self.model_fields_set and self.registry is not None:
            found.append(f"{at}: give terms or registry, not both")
        if self.terms[0].from_ is not None:
            found.append(f"{at}.terms[0]: the first terms apply from the start: leave out from")
        for later in range(1, len(self.terms)):
            if self.terms[later].from_ is None:
                found.append(f"{at}.terms[{later}].from: is required (a block or a UTC date)")
        kinds = {type(t.from_) for t in self.terms[1:] if t.from_ is not None}
        if len(kinds) > 1:
            found.append(f"{at}.terms: give every change from a block, or every change from a date, not both")
        moments = [_order(t.from_) for t in self.terms[1:] if t.from_ is not None]
        if moments != sorted(moments) or len(set(moments)) != len(moments):
            found.append(f"{at}.terms: the changes must be in order, each later than the one before")
        settlers = {a.lower() for a in (*self.splitters, *self.fee_disbursers)}
        if self.fee_splitter is not False:
            settlers.add(FEE_SPLITTER.lower())
        fixed = {
            a.lower() for a in (*PREDEPLOY_VAULTS.values(), L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER) if a
        }
        for sender in self.senders:
            if sender.lower() in fixed:
                found.append(
                    f"{at}.senders: {sender} is an OP Stack predeploy (a fee vault or the withdrawal path), "
                    "not a wallet that pays by hand: what it sends is read from its own events, or not at all"
                )
            if sender.lower() in settlers:
                found.append(
                    f"{at}.senders: {sender} is also a settling contract of this chain "
                    "(its payments are read from its own events; listing it would count them twice)"
                )
        return found

    def watched(self, l1_chain_id: int | None = None) -> WatchedChain:
        """The chain as the monitor watches it; its portal the one named, else the one known for
        its chain id when the config's L1 is that portal's L1."""
        known = OPTIMISM_PORTALS.get(self.chain_id)
        portal = self.portal
        if portal is None and known is not None and l1_chain_id == known[0]:
            portal = known[1]
        return WatchedChain(
            network=self.network(),
            senders=self.senders,
            splitters=self.splitters,
            fee_disbursers=self.fee_disbursers,
            fee_splitter=self.fee_splitter,
            collective_receivers=self.collective_receivers,
            revenue_recipients=self.revenue_recipients,
            terms=tuple(t.terms() for t in self.terms),
            registry=self.registry,
            expected_interval=self.expected_interval,
            owed_period=self.owed_period,
            portal=portal,
        )


def _order(moment: int | str) -> int:
    return int(moment[1:]) if isinstance(moment, str) else moment


Reference = Annotated[int | str, BeforeValidator(_reference)]


class _Shared(StrictModel):
    not_a_mapping: ClassVar[str] = "must be a mapping with name, network, address, collection and serves"
    name: Name = Field(description="how the monitor names the shared splitter")
    network: Reference = Field(description="the configured chain it lives on, by name or chain id")
    address: Address = Field(description="the SharedSequencerSplitter's address")
    collection: Address = Field(
        description="the operator's collection address, where the served chains' fee vaults withdraw to"
    )
    serves: Annotated[
        tuple[Reference, ...], list_of("must be a non-empty list of chain names or ids", at_least_one=True)
    ] = Field(None, validate_default=True)
    report_interval: Annotated[int | None, whole_number(60, MAX_INTERVAL)] = None


def _find(networks: dict[str, Network], ids: dict[int, Network], ref: int | str) -> Network | None:
    """A network by name (any case), or by chain id (a number, or a name that is one)."""
    if isinstance(ref, str) and ref.lower() in networks:
        return networks[ref.lower()]
    if isinstance(ref, int):
        return ids.get(ref)
    return ids.get(int(ref)) if ref.strip().isdigit() else None


def _shared_splitters(
    file: _File, chains: tuple[WatchedChain, ...], l1: Network | None
) -> tuple[list[SharedSplitter], list[str]]:
    """The shared splitters of the file (on the config's own networks), with every problem found."""
    networks = {n.name.lower(): n for n in (*((l1,) if l1 else ()), *(c.network for c in chains))}
    ids = {n.chain_id: n for n in networks.values()}
    served_by: dict[int, str] = {}
    names = {c.name.lower() for c in chains}
    found, problems = [], []
    for index, shared in enumerate(file.shared_splitters):
        at = f"shared_splitters[{index}]"
        if shared.name.lower() in names:
            problems.append(f"{at}.name: {quoted(shared.name)} is already used by a chain or shared splitter")
        names.add(shared.name.lower())
        network = _find(networks, ids, shared.network)
        if network is None:
            problems.append(f"{at}.network: {quoted(shared.network)} is not a configured chain (or l1)")
        serves: list[int] = []
        for ref in shared.serves:
            served = _find(networks, ids, ref)
            chain = next((c for c in chains if served is not None and c.network is served), None)
            if chain is None:
                problems.append(f"{at}.serves: {quoted(ref)} is not a configured chain")
                continue
            if chain.chain_id in serves:
                problems.append(f"{at}.serves: lists {chain.name} twice")
                continue
            if chain.chain_id in served_by:
                problems.append(
                    f"{at}.serves: {chain.name} is already served by {served_by[chain.chain_id]} "
                    "(a chain's revenue is settled by one shared splitter)"
                )
            served_by.setdefault(chain.chain_id, shared.name)
            serves.append(chain.chain_id)
            problems += _collection_problems(at, shared.collection, chain)
        if network is not None:
            found.append(
                SharedSplitter(
                    shared.name,
                    network,
                    shared.address,
                    shared.collection,
                    tuple(serves),
                    shared.report_interval,
                )
            )
    return found, problems


def _collection_problems(at: str, collection: str, chain: WatchedChain) -> list[str]:
    """A collection address that is also something else the monitor reads on a chain it serves."""
    fixed = {
        a.lower() for a in (*PREDEPLOY_VAULTS.values(), L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER) if a
    }
    settlers = {a.lower() for a in (*chain.splitters, *chain.fee_disbursers)}
    if chain.fee_splitter is not False:
        settlers.add(FEE_SPLITTER.lower())
    if collection.lower() in fixed:
        return [f"{at}.collection: {collection} is an OP Stack predeploy, not an operator's address"]
    if collection.lower() in settlers:
        return [
            f"{at}.collection: {collection} is also a settling contract of {chain.name} "
            "(its revenue would be settled twice)"
        ]
    if collection.lower() in {s.lower() for s in chain.senders}:
        return [
            f"{at}.collection: {collection} is also a sender of {chain.name} (what it pays the Collective "
            "by hand would count next to the shared splitter's credits)"
        ]
    return []


def _portal_problems(files: tuple[_Chain, ...], chains: tuple[WatchedChain, ...], has_l1: bool) -> list[str]:
    """A portal named without an L1 to read it on, or one portal for two chains."""
    found = []
    owners: dict[str, str] = {}
    for index, (entry, chain) in enumerate(zip(files, chains, strict=True)):
        if entry.portal is not None and not has_l1:
            found.append(
                f"chains[{index}].portal: needs l1 (the node of L1 the portal is read on: give its chain_id "
                "and rpc)"
            )
        if chain.portal is None:
            continue
        owner = owners.setdefault(chain.portal.lower(), chain.name)
        if owner != chain.name:
            found.append(
                f"chains[{index}].portal: {chain.portal} is already the portal of {owner} (each chain has "
                "its own OptimismPortal)"
            )
    return found


class _Collective(StrictModel):
    not_a_mapping: ClassVar[str] = "must be a mapping with l1_receivers and l2_receivers"
    l1_receivers: Annotated[Addresses, _ADDRESS_LIST] = ()
    l2_receivers: Annotated[Addresses, _ADDRESS_LIST] = ()


class _File(StrictModel):
    collective: _Collective = Field(description="the Collective's receiving addresses")
    l1: _L1 | None = None
    chains: Annotated[
        tuple[_Chain, ...], list_of("must be a non-empty list of chains", at_least_one=True)
    ] = Field(None, validate_default=True)
    shared_splitters: Annotated[tuple[_Shared, ...], list_of("must be a list of shared splitters")] = ()

    def config(self, source: str) -> MonitorConfig:
        problems: list[str] = []
        ids: dict[int, str] = {self.l1.chain_id: "l1"} if self.l1 else {}
        names: dict[str, str] = {self.l1.name.lower(): "l1"} if self.l1 else {}
        for index, chain in enumerate(self.chains):
            where = f"chains[{index}]"
            if chain.chain_id in ids:
                problems.append(
                    f"{where}.chain_id: {chain.chain_id} is already used by {ids[chain.chain_id]}"
                )
            if chain.name.lower() in names:
                problems.append(
                    f"{where}.name: {quoted(chain.name)} is already used by {names[chain.name.lower()]}"
                )
            ids.setdefault(chain.chain_id, where)
            names.setdefault(chain.name.lower(), where)
            problems += chain.problems(index)
        paying: dict[str, str] = {}
        collective = {a.lower() for a in (*self.collective.l1_receivers, *self.collective.l2_receivers)}
        for index, chain in enumerate(self.chains):
            for sender in chain.senders:
                if sender.lower() in collective | {a.lower() for a in chain.collective_receivers}:
                    problems.append(
                        f"chains[{index}].senders: {sender} is one of the Collective's own receivers"
                    )
                if sender.lower() in paying and paying[sender.lower()] != chain.name:
                    problems.append(
                        f"chains[{index}].senders: {sender} is already a sender of {paying[sender.lower()]} "
                        "(a payment must belong to one chain)"
                    )
                paying.setdefault(sender.lower(), chain.name)
        receivers = (*self.collective.l1_receivers, *self.collective.l2_receivers)
        if not receivers and not any(
            c.collective_receivers or c.splitters or c.fee_disbursers for c in self.chains
        ):
            problems.append(
                "collective: give the Collective's l1_receivers or l2_receivers (nothing to match)"
            )
        if self.collective.l1_receivers and self.l1 is None:
            problems.append(
                "l1: is required to read payments to collective.l1_receivers (give its chain_id and rpc)"
            )
        chains = tuple(chain.watched(self.l1.chain_id if self.l1 else None) for chain in self.chains)
        problems += _portal_problems(self.chains, chains, self.l1 is not None)
        l1 = self.l1.network() if self.l1 else None
        shared, shared_problems = _shared_splitters(self, chains, l1)
        problems += shared_problems
        if problems:
            raise ConfigError(source, problems)
        return MonitorConfig(
            chains=chains,
            l1=l1,
            l1_receivers=self.collective.l1_receivers,
            l2_receivers=self.collective.l2_receivers,
            source=source,
            shared_splitters=tuple(shared),
        )


_MAPPINGS: dict[str, type[StrictModel]] = {
    "collective": _Collective,
    "l1": _L1,
    "chains": _Chain,
    "terms": _Terms,
    "shared_splitters": _Shared,
}


def parse_monitor_config(data: Any, *, source: str = "<config>") -> MonitorConfig:
    """Validate already-loaded YAML data; raises ConfigError listing every problem."""
    file = validate_file(
        _File,
        data,
        source=source,
        mappings=_MAPPINGS,
        not_a_mapping="the file must hold a mapping with collective and chains",
    )
    return file.config(source)


def load_monitor_config(path: str | Path) -> MonitorConfig:
    """Read and validate a monitor config file."""
    path = Path(path)
    return parse_monitor_config(read_config_file(path), source=str(path))


Kind = Literal["l1", "l2"]
