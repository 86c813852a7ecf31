"""A scripted year of daily disbursements on many chains, on one local anvil node, with the
script's own books: for the transparency report's year-scale test and benchmark (issue #22).

Each chain is what a real OP Stack chain paying by splitter has on L2: OP's real 1.4.1
SequencerFeeVault, BaseFeeVault and L1FeeVault (and BaseFeeVault's code playing the
OperatorFeeVault, as in `revshare.demo.opstack`), all paying a `ChainRevenueSplitter` on L2 with a
minimum of 0, the splitter registered in a `ChainRegistry`. Every chain's splitter lives on the same
node, as the report reads a network's splitters. Chains whose route is ``message_passer`` or
``bridge`` are registered in a registry of their own whose Collective destination is that L1 route
(through the real L2ToL1MessagePasser, or the real L2StandardBridge ->
L2CrossDomainMessenger -> L2ToL1MessagePasser, put at their predeploys): the destination is the
registry's, per recipient, so one registry per route lets a chain's Collective share go to L1 while
another chain's stays on L2. Every such disbursement leaves one L1 withdrawal in flight.

Fast, because a year on ten chains is 3,650 disbursements: the days go over plain JSON-RPC, not
ape. Fees are put in the vaults with ``anvil_setBalance`` (a 1.4.1 vault's `withdraw()` sends its
whole balance, so a balance is as good as fees paid in), and each day is one block: automining is
off while the days run, each day's disbursements are sent in one JSON-RPC batch with a fixed gas
limit and explicit nonces from an impersonated keeper, then ``evm_mine`` mines them at the day's
timestamp (noon UTC from the start on, one day apart). The day's receipts are checked (every
disbursement mined and successful) with the next day's batch. More chains than a block holds are
mined in several blocks a second apart.

The books are the script's own, from the pure model (`revshare.model.split`, `l1_payout`), never
read back from the chain: per chain and calendar month, the exact wei of gross, L1 cost, the
Collective's and the chain's shares and the number of disbursements, and the L1 withdrawals
started (count and wei). Revenue varies by day (seeded): most days the net rule applies; on L1-cost
spike days (the L1 fee above ~5/6 of gross) the gross rule does. With ``terms_change``, every other
chain gets new terms in the middle of the range (scheduled at set-up, taking effect at 06:00 UTC
between two disbursements: the next one settles the boundary under the old terms, six hours late,
which the report lists as an explained finding; the one after applies the new terms).

Run it on a node of its own (`YearNode`: its clock starts before a fixed date such as
`START_2025`), not on ape's test node (see `YearNode` for why):

    with YearNode(START_2025) as node:
        year = script_year(node.uri, chains=10, days=365, start=START_2025, log=print)
        report = build_report(
            year.targets, network="local", from_block=year.first_block, request=HttpJsonRpc(node.uri)
        )
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import requests
from eth_utils import to_checksum_address

from revshare.calendar import DAY, period_of, utc_date
from revshare.chain.addresses import L2_STANDARD_BRIDGE, ZERO_ADDRESS
from revshare.chain.routes import Route
from revshare.demo import opstack
from revshare.demo.localnet import LocalChain, Method
from revshare.deploying.deploy import create_address
from revshare.epochs import placeholder_treasury
from revshare.model import l1_payout, split
from revshare.report import SplitterTarget
from revshare.terminal import Log

# 2025-01-01 12:00 UTC: a fixed start, so the months are fixed (a node must be before it).
START_2025 = int(datetime(2025, 1, 1, 12, tzinfo=timezone.utc).timestamp())
ROUTES = ("l2", "message_passer", "bridge")
ROUTE_OF = {"message_passer": Route.L1_MESSAGE_PASSER, "bridge": Route.L1_STANDARD_BRIDGE}
FIRST_CHAIN_ID = 70_001
TERMS = (250, 1_500)  # (gross bps, net bps) at registration
NEW_TERMS = ((300, 1_200), (200, 1_800))  # the mid-range change, alternating between chains
VAULT_CODE = {  # role -> the bedrock contract deployed for it (no OperatorFeeVault in 0.17.3)
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "l1_fee_vault": "L1FeeVault",
    "operator_fee_vault": "BaseFeeVault",
}
ROLES = tuple(VAULT_CODE)  # the splitter's constructor order
VAULT_PAYS_ON_L2 = 1
# Impersonated accounts (anvil): governance (deploys, owns the registries) and the keeper.
GOVERNANCE = to_checksum_address("0x9e00000000000000000000000000000000a20001")
KEEPER = to_checksum_address("0x9e00000000000000000000000000000000a20002")
COLLECTIVE = to_checksum_address("0xc011ec7100000000000000000000000000000001")
COLLECTIVE_L1 = to_checksum_address("0xc011ec7100000000000000000000000000000011")  # its L1 account
L1_BRIDGE = to_checksum_address("0x1b000000000000000000000000000000000b1d6e")  # the L2 bridge's other side
L1_MESSENGER = to_checksum_address("0x1b000000000000000000000000000000000e55e6")
L1_GAS_LIMIT = {"message_passer": 100_000, "bridge": 200_000}
DISBURSE_GAS = 1_000_000  # a disbursement uses 0.16-0.29 M (four vaults paying, the bridge path)
ACCOUNT_FUNDS = 10**24  # wei for each impersonated account
DISBURSE = Method.of("disburse()").encode([])
NODE_TIMEOUT = 120.0


class ScriptError(RuntimeError):
    """The node refused or reverted something the script sent."""


# ---------------------------------------------------------------- books


@dataclass(frozen=True)
class MonthBook:
    """One chain's disbursements in one calendar month (or a year), in wei."""

    disbursements: int = 0
    gross: int = 0
    l1_cost: int = 0
    collective: int = 0
    chain: int = 0

    def __add__(self, other: MonthBook) -> MonthBook:
        return MonthBook(
            self.disbursements + other.disbursements,
            self.gross + other.gross,
            self.l1_cost + other.l1_cost,
            self.collective + other.collective,
            self.chain + other.chain,
        )


@dataclass(frozen=True)
class ChainPlan:
    """One scripted chain: its id, name, the Collective's route, its terms and revenue scale."""

    chain_id: int
    name: str
    route: str  # "l2", "message_passer" or "bridge"
    terms: tuple[int, int]  # (gross bps, net bps) at registration
    new_terms: tuple[int, int] | None  # in force from the mid-range change on (None: no change)
    daily_gross: int  # typical gross revenue per day, wei
    operator_fees: bool  # whether its OperatorFeeVault earns


@dataclass
class YearHistory:
    """What `script_year` did: the report's targets and first block, and the script's books."""

    targets: list[SplitterTarget]
    first_block: int  # the block of the first set-up transaction
    last_block: int
    start: int  # the first disbursement's timestamp
    days: int
    plans: list[ChainPlan]
    change_at: int  # when the mid-range terms change takes effect (0: none)
    books: dict[int, dict[str, MonthBook]]  # chain id -> "YYYY-MM" -> figures
    l1_withdrawals: int = 0  # withdrawals to L1 started (the Collective's payouts on an L1 route)
    l1_withdrawn: int = 0  # their wei
    setup_seconds: float = 0.0
    days_seconds: float = 0.0
    blocks: int = 0  # blocks mined for the days
    vaults: dict[int, dict[str, str]] = field(default_factory=dict)  # chain id -> role -> vault

    @property
    def seconds(self) -> float:
        return self.setup_seconds + self.days_seconds

    @property
    def disbursements(self) -> int:
        return sum(book.disbursements for months in self.books.values() for book in months.values())

    def chain_total(self, chain_id: int) -> MonthBook:
        """One chain's whole range."""
        return sum(self.books[chain_id].values(), MonthBook())

    def total(self) -> MonthBook:
        """Every chain's whole range."""
        return sum((self.chain_total(chain_id) for chain_id in self.books), MonthBook())


# ---------------------------------------------------------------- the plan and the fees


def next_new_year(timestamp: int, margin: int = DAY) -> int:
    """The first 1 January, 12:00 UTC, at least ``margin`` seconds after ``timestamp``: a start
    with fixed months on a node whose clock is past `START_2025` (ape's test node, say)."""
    year = datetime.fromtimestamp(timestamp + margin, tz=timezone.utc).year
    while (start := int(datetime(year, 1, 1, 12, tzinfo=timezone.utc).timestamp())) < timestamp + margin:
        year += 1
    return start


def plan_chains(
    chains: int, *, seed: int = 0, routes: Sequence[str] = ROUTES, terms_change: bool = True
) -> list[ChainPlan]:
    """``chains`` chains: the Collective's route cycles through ``routes`` (by default: L2, L1
    through the message passer, L1 through the bridge), every other chain (the first included)
    changes terms in the middle of the range, every other one earns operator fees, and each has a
    seeded typical day's revenue between 0.2 and 40 ETH."""
    if chains < 1:
        raise ValueError(f"chains must be at least 1, got {chains}")
    unknown = [r for r in routes if r not in ROUTES]
    if not routes or unknown:
        raise ValueError(f"routes must be among {ROUTES}, got {list(routes)}")
    rng = random.Random(f"plan-{seed}")
    plans = []
    for index in range(chains):
        changes = terms_change and index % 2 == 0
        plans.append(
            ChainPlan(
                chain_id=FIRST_CHAIN_ID + index,
                name=f"Year chain {index + 1}",
                route=routes[index % len(routes)],
                terms=TERMS,
                new_terms=NEW_TERMS[(index // 2) % len(NEW_TERMS)] if changes else None,
                daily_gross=int(rng.uniform(0.2, 40.0) * 10**9) * 10**9 + rng.randrange(10**9),
                operator_fees=index % 2 == 1,
            )
        )
    return plans


def _wei(rng: random.Random, total: int, low: float, high: float) -> int:
    """A random fraction of ``total`` with random low digits, so amounts are never round."""
    return int(total * rng.uniform(low, high)) // 10**9 * 10**9 + rng.randrange(1, 10**9)


def day_fees(plan: ChainPlan, day: int, seed: int) -> dict[str, int]:
    """What the chain's vaults earn on ``day`` (wei by role), seeded by chain and day. About one
    day in eight is an L1-cost spike (the L1 fee 86-99% of gross: under 2.5% / 15% the gross rule
    applies, as it does under the other terms from 89% on); other days the L1 fee is 10-60% of
    gross (the net rule applies under any of the script's terms)."""
    rng = random.Random(f"{seed}-{plan.chain_id}-{day}")
    gross = _wei(rng, plan.daily_gross, 0.4, 1.6)
    spike = rng.random() < 0.125
    l1 = _wei(rng, gross, 0.86, 0.99) if spike else _wei(rng, gross, 0.10, 0.60)
    net = max(gross - l1, 3 * 10**9)
    operator = _wei(rng, net, 0.02, 0.08) if plan.operator_fees else 0
    base = _wei(rng, net - operator, 0.3, 0.7)
    sequencer = max(net - operator - base, 1)
    return {
        "sequencer_fee_vault": sequencer,
        "base_fee_vault": base,
        "l1_fee_vault": l1,
        "operator_fee_vault": operator,
    }


# ---------------------------------------------------------------- the node


class _Rpc:
    """Keep-alive JSON-RPC over HTTP, one call or a batch (answers in the calls' order)."""

    def __init__(self, uri: str):
        self._uri = uri
        self._session = requests.Session()
        self._next_id = 0

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        return self.batch([(method, params or [])])[0]

    def batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        if not calls:
            return []
        first = self._next_id
        self._next_id += len(calls)
        body = [
            {"jsonrpc": "2.0", "id": first + i, "method": method, "params": params}
            for i, (method, params) in enumerate(calls)
        ]
        response = self._session.post(
            self._uri, json=body if len(body) > 1 else body[0], timeout=NODE_TIMEOUT
        )
        response.raise_for_status()
        replies = response.json()
        by_id = {reply["id"]: reply for reply in (replies if isinstance(replies, list) else [replies])}
        results = []
        for i, (method, _) in enumerate(calls):
            reply = by_id.get(first + i)
            if reply is None or "error" in reply:
                error = reply.get("error") if reply else "no answer"
                raise ScriptError(f"{method}: {error}")
            results.append(reply["result"])
        return results


class _AttachedNode(LocalChain):
    """A running node at a URI, driven with `LocalChain`'s methods (deploy, transact, set_code,
    ...: what `revshare.demo.opstack` installs predeploys with) for the set-up."""

    def __init__(self, rpc: _Rpc, chain_id: int):
        super().__init__(chain_id, name=f"node {chain_id}")
        self._node = rpc

    def request(self, method: str, params: list[Any] | None = None) -> Any:
        try:
            return self._node.call(method, params or [])
        except ScriptError as exc:  # what LocalChain's callers catch
            from revshare.chain.rpc import NodeError

            raise NodeError(str(exc), transient=False) from None


class YearNode(LocalChain):
    """A fresh anvil node for a scripted history, its clock starting a day before ``start`` (its
    genesis timestamp), so a fixed date such as `START_2025` can be the first disbursement's. Use
    it as a `LocalChain` (`with YearNode() as node: script_year(node.uri, ...)`).

    Not ape's test node: ape-foundry always runs anvil with ``--steps-tracing``, which keeps every
    step of every transaction in memory: a year on three chains there takes about 12 times as long
    (23 s against 2 s) and the node grows to about 10 GB."""

    def __init__(self, start: int = START_2025, chain_id: int = 901):
        super().__init__(chain_id, name=f"year history node {chain_id}")
        self.genesis = start - DAY

    def command(self) -> list[str]:
        return [*super().command(), "--timestamp", str(self.genesis)]


def _nonce(node: LocalChain, account: str) -> int:
    return int(node.request("eth_getTransactionCount", [account, "latest"]), 16)


def _timestamp(node: LocalChain) -> int:
    return int(node.block()["timestamp"], 16)


def _install_withdrawal_path(node: LocalChain, routes: set[str]) -> None:
    """The real message passer (and, for the bridge route, the real bridge path) at the predeploys,
    unless a real, initialised bridge is there already (a second history on the same node: its
    `initialize` may run once)."""
    if "bridge" not in routes:
        opstack.install_message_passer(node)
        return
    installed = node.code(L2_STANDARD_BRIDGE) == node.runtime_code("L2StandardBridge")
    if installed and node.call(L2_STANDARD_BRIDGE, "otherBridge()(address)") != ZERO_ADDRESS:
        return
    opstack.install_withdrawal_path(node, L1_BRIDGE, L1_MESSENGER, sender=GOVERNANCE)


def _setup(
    node: LocalChain, plans: list[ChainPlan], change_at: int
) -> tuple[list[SplitterTarget], dict[int, dict[str, str]], int]:
    """Registries (one per route), the withdrawal path, and each chain's vaults and splitter; the
    terms changes scheduled. Returns the splitters as report targets, the vaults and the first
    set-up block."""
    routes = {plan.route for plan in plans}
    first_block = node.block_number() + 1
    registries: dict[str, str] = {}
    for route in ROUTES:
        if route not in routes:
            continue
        registry = node.deploy("ChainRegistry", GOVERNANCE, COLLECTIVE, ZERO_ADDRESS, sender=GOVERNANCE)
        registries[route] = registry
        if route in ROUTE_OF:
            destination = (int(ROUTE_OF[route]), COLLECTIVE_L1, L1_GAS_LIMIT[route], 0)
            node.transact(
                registry,
                "setDestination(address,(uint8,address,uint32,uint128))",
                [COLLECTIVE, destination],
                sender=GOVERNANCE,
            )
        if change_at and any(p.new_terms for p in plans if p.route == route):
            node.transact(registry, "setNoticePeriod(uint32)", [0], sender=GOVERNANCE)
    if routes & set(ROUTE_OF):
        _install_withdrawal_path(node, routes)
    targets: list[SplitterTarget] = []
    vaults: dict[int, dict[str, str]] = {}
    for plan in plans:
        registry = registries[plan.route]
        node.transact(
            registry,
            "registerChain(uint256,address,uint16,uint16,bytes32)",
            [plan.chain_id, placeholder_treasury(plan.chain_id), *plan.terms, b"\x11" * 32],
            sender=GOVERNANCE,
        )
        predicted = create_address(GOVERNANCE, _nonce(node, GOVERNANCE) + len(ROLES))
        vaults[plan.chain_id] = {
            role: node.deploy(VAULT_CODE[role], predicted, 0, VAULT_PAYS_ON_L2, sender=GOVERNANCE)
            for role in ROLES
        }
        splitter = node.deploy(
            "ChainRevenueSplitter",
            registry,
            plan.chain_id,
            tuple(vaults[plan.chain_id][role] for role in ROLES),
            DAY,
            sender=GOVERNANCE,
        )
        if splitter != predicted:
            raise ScriptError(f"chain {plan.chain_id}: splitter at {splitter}, its vaults pay {predicted}")
        targets.append(SplitterTarget(plan.chain_id, splitter, plan.name, node.block_number()))
        if plan.new_terms and change_at:
            node.transact(
                registry,
                "scheduleTerms(uint256,uint16,uint16,bytes32,uint256)",
                [plan.chain_id, *plan.new_terms, b"\x22" * 32, change_at],
                sender=GOVERNANCE,
            )
    return targets, vaults, first_block


# ---------------------------------------------------------------- the year


def _check_receipts(mined: Sequence[tuple[int, list[str], int]], receipts: Sequence[Any]) -> None:
    """Every disbursement of the mined blocks ((block, splitters, day) each, with the block's
    receipts) is there and succeeded."""
    for (block, splitters, day), found in zip(mined, receipts, strict=True):
        ok = {to_checksum_address(r["to"]) for r in found or [] if int(r["status"], 16) == 1}
        missing = [s for s in splitters if s not in ok]
        if missing or len(found or []) != len(splitters):
            raise ScriptError(
                f"day {day + 1}, block {block}: {len(found or [])} of {len(splitters)} disbursements "
                f"mined, failed or missing: {missing} (replay one with eth_call to see why)"
            )


def _receipts(mined: Sequence[tuple[int, list[str], int]]) -> list[tuple[str, list[Any]]]:
    return [("eth_getBlockReceipts", [hex(block)]) for block, _, _ in mined]


def script_year(
    uri: str,
    *,
    chains: int = 1,
    days: int = 365,
    seed: int = 0,
    start: int | None = None,
    routes: Sequence[str] = ROUTES,
    terms_change: bool = True,
    log: Log | None = None,
) -> YearHistory:
    """Script ``days`` days of daily disbursements on ``chains`` chains on the anvil node at
    ``uri`` (see the module's docstring), the first at ``start`` (default: `next_new_year` of the
    node's clock; the node must be before it) and one a day after. Returns the targets, the first
    block and the books. ``log`` gets progress lines (set-up, days done). Automining is off while
    the days run and restored after, whatever happens."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    plans = plan_chains(chains, seed=seed, routes=routes, terms_change=terms_change)
    rpc = _Rpc(uri)
    node = _AttachedNode(rpc, int(rpc.call("eth_chainId"), 16))
    say = log or (lambda _: None)
    began = time.monotonic()
    now = _timestamp(node)
    start = next_new_year(now) if start is None else start
    if start <= now + 60:
        raise ValueError(
            f"the start {utc_date(start)} is not a minute after the node's clock ({utc_date(now)}): "
            "pass a later start, or start the node earlier (anvil --timestamp)"
        )
    change_at = start + (days // 2) * DAY - 6 * 3600 if terms_change and days >= 2 else 0
    for account in (GOVERNANCE, KEEPER):
        rpc.batch(
            [("anvil_impersonateAccount", [account]), ("anvil_setBalance", [account, hex(ACCOUNT_FUNDS)])]
        )
    say(f"set-up: {chains} chains, the Collective paid by {', '.join(sorted({p.route for p in plans}))}")
    targets, vaults, first_block = _setup(node, plans, change_at)
    history = YearHistory(
        targets=targets,
        first_block=first_block,
        last_block=0,
        start=start,
        days=days,
        plans=plans,
        change_at=change_at,
        books={p.chain_id: {} for p in plans},
        setup_seconds=time.monotonic() - began,
        vaults=vaults,
    )
    splitters = {t.chain_id: t.address for t in targets}
    # Disbursements per block: what the block's gas limit holds at the fixed gas per disbursement.
    per_block = max(1, int(node.block()["gasLimit"], 16) // DISBURSE_GAS)
    chunks = [plans[i : i + per_block] for i in range(0, len(plans), per_block)]
    period_start = {p.chain_id: _timestamp(node) for p in plans}  # of each chain's next disbursement
    credited = {p.chain_id: 0 for p in plans}  # the Collective's credit on its L1 route
    nonce = _nonce(node, KEEPER)
    head = node.block_number()
    automine = bool(rpc.call("anvil_getAutomine"))
    rpc.call("evm_setAutomine", [False])
    began = time.monotonic()
    try:
        unchecked: list[tuple[int, list[str], int]] = []  # (block, splitters, day) mined, not yet checked
        for day in range(days):
            noon = start + day * DAY
            fees = {p.chain_id: day_fees(p, day, seed) for p in plans}
            fills = [
                ("anvil_setBalance", [vaults[chain_id][role], hex(wei)])
                for chain_id, by_role in fees.items()
                for role, wei in by_role.items()
                if wei
            ]
            for offset, chunk in enumerate(chunks):
                sends = []
                for plan in chunk:
                    tx = {"from": KEEPER, "to": splitters[plan.chain_id], "data": DISBURSE}
                    sends.append(
                        ("eth_sendTransaction", [{**tx, "gas": hex(DISBURSE_GAS), "nonce": hex(nonce)}])
                    )
                    nonce += 1
                # With the first chunk: the vaults' fees and the previous blocks' receipts. Nothing
                # here mines (automining is off), so the batch's order does not matter.
                checks = _receipts(unchecked) if offset == 0 else []
                answers = rpc.batch([*checks, *(fills if offset == 0 else []), *sends])
                _check_receipts(unchecked if offset == 0 else [], answers[: len(checks)])
                if offset == 0:
                    unchecked = []
                rpc.call("evm_mine", [hex(noon + offset)])
                head += 1
                history.blocks += 1
                unchecked.append((head, [splitters[p.chain_id] for p in chunk], day))
                for plan in chunk:
                    _book_day(history, plan, fees[plan.chain_id], noon + offset, period_start, credited)
            if (day + 1) % 30 == 0 or day + 1 == days:
                say(f"day {day + 1}/{days} done ({time.monotonic() - began:.1f} s)")
        _check_receipts(unchecked, rpc.batch(_receipts(unchecked)))
    finally:
        rpc.call("evm_setAutomine", [automine])
    history.days_seconds = time.monotonic() - began
    history.last_block = node.block_number()
    if history.last_block != head:
        raise ScriptError(f"the node is at block {history.last_block}, the script mined up to {head}")
    return history


def _book_day(
    history: YearHistory,
    plan: ChainPlan,
    fees: dict[str, int],
    when: int,
    period_start: dict[int, int],
    credited: dict[int, int],
) -> None:
    """One disbursement in the books, by the model: the terms in force when its period began
    (the previous disbursement, or the splitter's deployment), the split, and the Collective's
    payout on an L1 route (the route's minimum is 0: all of it leaves at once)."""
    changed = bool(history.change_at) and period_start[plan.chain_id] >= history.change_at
    gross_bps, net_bps = plan.new_terms if changed and plan.new_terms else plan.terms
    gross, l1_cost = sum(fees.values()), fees["l1_fee_vault"]
    shares = split(gross, l1_cost, gross_bps, net_bps)
    month = period_of(when, "month")
    months = history.books[plan.chain_id]
    months[month] = months.get(month, MonthBook()) + MonthBook(
        1, gross, l1_cost, shares.collective, shares.chain
    )
    period_start[plan.chain_id] = when
    if plan.route in ROUTE_OF and shares.collective:
        payout = l1_payout(shares.collective, credited[plan.chain_id], 0)
        credited[plan.chain_id] = payout.credited
        if payout.sent:
            history.l1_withdrawals += 1
            history.l1_withdrawn += payout.sent
