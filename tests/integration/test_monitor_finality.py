"""The monitor's L1 finality of the withdrawals to L1 (issue #22) on the multi-chain lab: an L1 and
two OP-mode L2s, each with the real bedrock withdrawal path (L2StandardBridge ->
L2CrossDomainMessenger -> L2ToL1MessagePasser). Chain A's real 1.4.1 fee vaults withdraw to an
L1 address through the bridge, four withdrawals a day (one day's four in one block); chain B's
ChainRevenueSplitter pays the Collective's share to its L1 Safe through the message passer and the
treasury's to L1 through the bridge, daily. On L1, each chain's `PortalEventsModel` (the
OptimismPortal2's withdrawal events and timing) proves and finalizes the withdrawals and each
chain's `MessengerEventsModel` (at the L1 messenger the L2 messenger names) relays the bridge's
messages, so that every state occurs: finalized (one after a failed relay and its replay), the
portal's call failed, the relay failed, no relay, proven, overdue (proven and not proven) and in
flight. The monitor must find each withdrawal (hashes read here from the message passer's logs)
in its state, exactly the findings and groups that follow, the same rows in l1-withdrawals.csv,
and, run again, read no block of the message passer twice."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import eth_abi
import pytest
from click.testing import CliRunner
from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import (
    L2_CROSS_DOMAIN_MESSENGER,
    L2_TO_L1_MESSAGE_PASSER,
    PREDEPLOY_VAULTS,
    VAULT_ROLES,
    ZERO_ADDRESS,
)
from revshare.chain.finality import (
    FAILED,
    FINALIZED,
    IN_FLIGHT,
    NO_RELAY,
    OVERDUE,
    PROVEN,
    RELAY_FAILED,
    RELAYED,
)
from revshare.demo import opstack
from revshare.demo.localnet import LocalChain, LocalNetwork, Method
from revshare.demo.superchain import local_network, noon_after
from revshare.deploying.deploy import create_address
from revshare.monitor.command import FINDINGS_EXIT, cli
from revshare.monitor.config import parse_monitor_config
from revshare.monitor.finality import FAILURES, NO_MESSAGE, NOT_CHECKED
from revshare.monitor.finality_tables import counts
from revshare.monitor.groups import finding_amount
from revshare.monitor.result import MonitorResult
from revshare.monitor.run import run_monitor
from tests.browser import open_page
from tests.integration.rpc_proxy import RpcProxy
from tests.monitor_checks import every_amount_read

A, B = 901, 902
DAY, HOUR = 86_400, 3_600
DELAY = DAY  # the portal models' proof maturity delay (the grace is as long)
DAYS = 6
NOW = 5 * DAY + 12 * HOUR  # L1's "now" (and the L2s' last block), after the first day's noon
SPLIT_GAS = 2_000_000
VAULT_ORDER = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault", "operator_fee_vault")
MESSAGE_PASSED = (
    "0x" + keccak(text="MessagePassed(uint256,address,address,uint256,uint256,bytes,bytes32)").hex()
)


def _address(label: str) -> str:
    return to_checksum_address(keccak(text=label)[12:])


OPERATOR_L1 = _address("chain-a's operator on L1")  # where chain A's vaults withdraw to
COLLECTIVE_L1, COLLECTIVE_L2 = _address("the Collective on L1"), _address("the Collective on L2")
TREASURY_L2, TREASURY_L1 = _address("chain-b's treasury"), _address("chain-b's treasury on L1")
BRIDGES = {A: _address("chain-a's L1StandardBridge"), B: _address("chain-b's L1StandardBridge")}
MESSENGERS = {
    A: _address("chain-a's L1CrossDomainMessenger"),
    B: _address("chain-b's L1CrossDomainMessenger"),
}
NAMES = {A: "chain-a", B: "chain-b"}


@dataclass(frozen=True)
class Message:
    """A withdrawal as the message passer recorded it (read here, not by the monitor)."""

    chain_id: int
    day: int
    index: int  # its place among the chain's withdrawals of that day
    block: int
    tx: str
    sender: str
    value: int
    hash: str
    relay_hash: str  # keccak of the data it carries: the L1 messenger's message hash
    recipient: str  # on L1: the bridge's `to` (bridge route), the target (message passer route)

    @property
    def bridged(self) -> bool:
        return self.sender == L2_CROSS_DOMAIN_MESSENGER


@dataclass
class Fate:
    """What L1 does with one withdrawal: proved (on its day, an hour after noon), finalized a day
    later with this success, then relayed (bridge route) with these outcomes in turn."""

    proven: bool = False
    success: bool | None = None
    relays: tuple[bool, ...] = ()
    state: str = IN_FLIGHT
    relay: str = ""


@dataclass
class Lab:
    network: LocalNetwork
    t0: int
    splitter: str
    portals: dict[int, str]
    messages: list[Message] = field(default_factory=list)
    fates: dict[str, Fate] = field(default_factory=dict)  # by withdrawal hash

    def config(self, *, portals: bool = True) -> dict[str, Any]:
        network = self.network
        chain_a = {"name": "chain-a", "chain_id": A, "rpc": network[A].uri, "fee_splitter": False,
                   "revenue_recipients": [OPERATOR_L1]}  # fmt: skip
        chain_b = {"name": "chain-b", "chain_id": B, "rpc": network[B].uri, "fee_splitter": False,
                   "splitters": [self.splitter]}  # fmt: skip
        if portals:
            chain_a["portal"], chain_b["portal"] = self.portals[A], self.portals[B]
        return {
            "collective": {"l1_receivers": [COLLECTIVE_L1], "l2_receivers": [COLLECTIVE_L2]},
            "l1": {"name": "ethereum", "chain_id": network.l1.chain_id, "rpc": network.l1.uri},
            "chains": [chain_a, chain_b],
        }


def _next_second(node: LocalChain) -> LocalChain:
    node.set_next_timestamp(int(node.block()["timestamp"], 16) + 1)
    return node


def _in_one_block(node: LocalChain, timestamp: int, calls: list[tuple[str, str]]) -> None:
    """``calls`` (address, method without arguments) as transactions of one block at ``timestamp``."""
    node.request("evm_setAutomine", [False])
    sender = node.accounts()[0]
    try:
        hashes = [
            node.request("eth_sendTransaction", [{"from": sender, "to": to, "gas": hex(SPLIT_GAS),
                                                  "data": Method.of(method).encode([])}])
            for to, method in calls
        ]  # fmt: skip
        node.mine(timestamp)
    finally:
        node.request("evm_setAutomine", [True])
    assert {node.receipt(h)["blockNumber"] for h in hashes} == {hex(node.block_number())}
    assert {node.receipt(h)["status"] for h in hashes} == {"0x1"}


def _fees(chain_id: int, day: int, index: int) -> int:
    """Uneven amounts: a mistake of matching shows in the wei."""
    return (day + 1) * 10**17 + (index + 1) * 7 * 10**15 + chain_id * 1_234_567 + day * 89


def _splitter(node: LocalChain, governance: str) -> str:
    """A ChainRegistry with chain B, the real 1.4.1 vaults paying its ChainRevenueSplitter on L2,
    and the Collective's and the treasury's destinations on L1 (message passer, bridge)."""
    registry = node.deploy("ChainRegistry", governance, COLLECTIVE_L2, ZERO_ADDRESS, sender=governance)
    node.transact(registry, "registerChain(uint256,address,uint16,uint16,bytes32)",
                  [B, TREASURY_L2, 250, 1500, b"\x00" * 32], sender=governance)  # fmt: skip
    for account, route, l1 in ((COLLECTIVE_L2, 2, COLLECTIVE_L1), (TREASURY_L2, 1, TREASURY_L1)):
        node.transact(registry, "setDestination(address,(uint8,address,uint32,uint128))",
                      [account, (route, l1, 200_000, 0)], sender=governance)  # fmt: skip
    nonce = int(node.request("eth_getTransactionCount", [governance, "latest"]), 16)
    splitter = create_address(governance, nonce)
    opstack.install_legacy_vaults(node, {role: splitter for role in VAULT_ROLES})
    vaults = tuple(PREDEPLOY_VAULTS[role] for role in VAULT_ORDER)
    deployed = node.deploy("ChainRevenueSplitter", registry, B, vaults, DAY, sender=governance)
    assert deployed == splitter
    return splitter


def _script_l2(network: LocalNetwork, t0: int, splitter: str, governance: str) -> None:
    """Six days: chain A's four vaults withdraw to L1 each day (day 1's in one block), chain B's
    vaults are disbursed each day (the Collective's and the treasury's shares leave for L1)."""
    a, b = network[A], network[B]
    vaults = [str(PREDEPLOY_VAULTS[role]) for role in VAULT_ORDER]
    for day in range(DAYS):
        noon = t0 + day * DAY
        for node in (a, b):
            node.mine(noon)
        for chain_id, node in ((A, a), (B, b)):
            for index, vault in enumerate(vaults):
                node.set_balance(vault, node.balance(vault) + _fees(chain_id, day, index))
        if day == 1:
            _in_one_block(a, noon + 1, [(vault, "withdraw()") for vault in vaults])
        else:
            for vault in vaults:
                _next_second(a).transact(vault, "withdraw()", sender=governance)
        _next_second(b).transact(splitter, "disburse()", sender=governance)
    for node in (a, b):
        node.mine(t0 + NOW)


def _read_messages(node: LocalChain, t0: int) -> list[Message]:
    """Every withdrawal the chain's message passer recorded, oldest first."""
    query = {"address": L2_TO_L1_MESSAGE_PASSER, "topics": [MESSAGE_PASSED], "fromBlock": "0x0"}
    found: list[Message] = []
    for log in node.request("eth_getLogs", [query]):
        sender = to_checksum_address("0x" + log["topics"][2][-40:])
        target = to_checksum_address("0x" + log["topics"][3][-40:])
        value, _, data, hash_ = eth_abi.decode(["uint256", "uint256", "bytes", "bytes32"],
                                               bytes.fromhex(log["data"][2:]))  # fmt: skip
        recipient = target
        if sender == L2_CROSS_DOMAIN_MESSENGER:  # relayMessage(..., finalizeBridgeETH(from, to, ...))
            *_, inner = eth_abi.decode(
                ["uint256", "address", "address", "uint256", "uint256", "bytes"], data[4:]
            )
            recipient = to_checksum_address(eth_abi.decode(["address", "address"], inner[4:68])[1])
        block = int(log["blockNumber"], 16)
        day = (int(node.block(block)["timestamp"], 16) - t0) // DAY
        index = sum(1 for m in found if m.day == day)
        found.append(Message(node.chain_id, day, index, block, log["transactionHash"], sender, value,
                             "0x" + hash_.hex(), "0x" + keccak(data).hex(), recipient))  # fmt: skip
    return found


def _fate(m: Message) -> Fate:
    """Day 0 and 1 final (chain A's day 0: the portal's call failed, the relay failed, no relay,
    a relay failed then replayed; chain B's day 1 Collective share: the portal's call failed), day
    2 proven and overdue, day 3 unproven and overdue, day 4 proven, day 5 in flight."""
    if m.day in (0, 1):
        if m.chain_id == A and m.day == 0:
            success, relays = [(False, ()), (True, (False,)), (True, ()), (True, (False, True))][m.index]
        elif m.chain_id == B and m.day == 1 and not m.bridged:
            success, relays = False, ()
        else:
            success, relays = True, (True,) if m.bridged else ()
        if not success:
            return Fate(True, False, relays, FAILED, "")
        if not m.bridged:
            return Fate(True, True, relays, FINALIZED, "")
        relay = RELAYED if True in relays else RELAY_FAILED if relays else NO_RELAY
        return Fate(True, True, relays, FINALIZED if relay == RELAYED else FAILED, relay)
    return {2: Fate(True, state=OVERDUE), 3: Fate(state=OVERDUE), 4: Fate(True, state=PROVEN)}.get(
        m.day, Fate(state=IN_FLIGHT)
    )


def _script_l1(lab: Lab, project: Any) -> None:
    """The portals' proofs and finalizations and the messengers' relays, in time order, a block
    each; then L1's "now"."""
    l1, t0 = lab.network.l1, lab.t0
    code = l1.runtime_code(project.MessengerEventsModel.contract_type)
    for messenger in MESSENGERS.values():
        l1.set_code(messenger, code)
    actions: list[tuple[int, str, str, list[Any]]] = []
    for n, m in enumerate(lab.messages):
        fate, word = lab.fates[m.hash], bytes.fromhex(m.hash[2:])
        portal = lab.portals[m.chain_id]
        if fate.proven:
            prove = "proveWithdrawalHash(bytes32,address,address)"
            actions.append((t0 + m.day * DAY + HOUR + n, portal, prove, [word, ZERO_ADDRESS, ZERO_ADDRESS]))
        if fate.success is not None:
            final = t0 + (m.day + 1) * DAY + 2 * HOUR + n
            actions.append((final, portal, "finalizeWithdrawalHash(bytes32,bool)", [word, fate.success]))
            for turn, ok in enumerate(fate.relays):
                actions.append((final + (turn + 1) * HOUR, MESSENGERS[m.chain_id], "relay(bytes32,bool)",
                                [bytes.fromhex(m.relay_hash[2:]), ok]))  # fmt: skip
    for when, to, method, args in sorted(actions, key=lambda action: action[0]):
        l1.set_next_timestamp(when)
        l1.transact(to, method, args)
    l1.mine(t0 + NOW)


@pytest.fixture(scope="module")
def lab(project) -> Iterator[Lab]:
    with local_network(2) as network:
        l1, a, b = network.l1, network[A], network[B]
        governance = l1.accounts()[0]
        for chain_id, node in ((A, a), (B, b)):
            opstack.install_withdrawal_path(node, BRIDGES[chain_id], MESSENGERS[chain_id], sender=governance)
        networks = {role: opstack.WithdrawalNetwork.L1 for role in VAULT_ROLES}
        opstack.install_legacy_vaults(
            a, {role: OPERATOR_L1 for role in VAULT_ROLES}, network_by_role=networks
        )
        splitter = _splitter(b, governance)
        portals = {
            chain_id: l1.deploy(project.PortalEventsModel.contract_type, DELAY, 0) for chain_id in (A, B)
        }
        t0 = noon_after(max(int(node.block()["timestamp"], 16) for node in network))
        _script_l2(network, t0, splitter, governance)
        scripted = Lab(network, t0, splitter, portals)
        scripted.messages = _read_messages(a, t0) + _read_messages(b, t0)
        scripted.fates = {m.hash: _fate(m) for m in scripted.messages}
        _script_l1(scripted, project)
        yield scripted


@pytest.fixture(scope="module")
def result(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> MonitorResult:
    return run_monitor(parse_monitor_config(lab.config()), tmp_path_factory.mktemp("monitor"))


def _by_hash(result: MonitorResult) -> dict[str, Any]:
    return {
        s.withdrawal.withdrawal_hash: (x, s) for x in result.ledgers for s in x.sent_to_l1 if s.withdrawal
    }


def test_the_script_covers_every_state(lab: Lab):
    assert Counter(m.chain_id for m in lab.messages) == {A: 4 * DAYS, B: 2 * DAYS}
    assert len({m.hash for m in lab.messages}) == len(lab.messages)
    assert Counter(f.state for f in lab.fates.values()) == {FINALIZED: 8, FAILED: 4, OVERDUE: 12, PROVEN: 6,
                                                            IN_FLIGHT: 6}  # fmt: skip
    assert {f.relay for f in lab.fates.values() if f.state == FAILED} == {"", RELAY_FAILED, NO_RELAY}
    # Chain A's day 1: four withdrawals in one block; chain B's: two routes in one transaction.
    assert len({m.block for m in lab.messages if (m.chain_id, m.day) == (A, 1)}) == 1
    assert all(len({m.tx for m in lab.messages if (m.chain_id, m.day) == (B, d)}) == 1 for d in range(DAYS))


def test_every_withdrawal_to_l1_is_found_with_its_state_on_l1(lab: Lab, result: MonitorResult):
    found = _by_hash(result)
    assert sum(len(x.sent_to_l1) for x in result.ledgers) == len(found) == len(lab.messages)
    # Each one matched with its own message: same transaction, amount and L1 recipient.
    assert {h: (x.chain.chain_id, s.tx_hash, s.amount, s.recipient) for h, (x, s) in found.items()} == {
        m.hash: (m.chain_id, m.tx, m.value, m.recipient) for m in lab.messages
    }
    routes = {h: s.route for h, (_, s) in found.items()}
    assert routes == {
        m.hash: "L2StandardBridge" if m.bridged else "L2ToL1MessagePasser" for m in lab.messages
    }
    items = {i.withdrawal.withdrawal_hash: i for x in result.ledgers if x.finality for i in x.finality.items}
    assert {h: (i.state, i.relay) for h, i in items.items()} == {
        h: (f.state, f.relay) for h, f in lab.fates.items()
    }
    origins = Counter((x.chain.name, s.origin.split(" 0x")[0]) for x, s in found.values())
    assert origins == {
        ("chain-a", "the SequencerFeeVault"): DAYS, ("chain-a", "the BaseFeeVault"): DAYS,
        ("chain-a", "the L1FeeVault"): DAYS, ("chain-a", "the OperatorFeeVault"): DAYS,
        ("chain-b", "the splitter"): 2 * DAYS,
    }  # fmt: skip
    assert {x.chain.name: counts(x) for x in result.ledgers} == {
        "chain-a": {
            IN_FLIGHT: 4,
            PROVEN: 4,
            FINALIZED: 5,
            FAILED: 3,
            OVERDUE: 8,
            NO_MESSAGE: 0,
            NOT_CHECKED: 0,
        },
        "chain-b": {
            IN_FLIGHT: 2,
            PROVEN: 2,
            FINALIZED: 3,
            FAILED: 1,
            OVERDUE: 4,
            NO_MESSAGE: 0,
            NOT_CHECKED: 0,
        },
    }
    for ledger in result.ledgers:
        assert ledger.finality is not None and ledger.finality.settings.delay == DELAY
        assert ledger.finality.settings.portal == lab.portals[ledger.chain.chain_id]
        assert ledger.finality.now == lab.t0 + NOW


def test_the_findings_and_their_groups_are_exactly_these(lab: Lab, result: MonitorResult):
    by_hash = {m.hash: m for m in lab.messages}

    def total(chain_id: int, state: str, **where: Any) -> int:
        """The amounts as the findings show them (to six decimals), added up."""
        mine = [m for m in lab.messages if m.chain_id == chain_id and lab.fates[m.hash].state == state
                and all(getattr(lab.fates[m.hash], k) == v for k, v in where.items())]  # fmt: skip
        return sum(_six(m.value) for m in mine)

    assert every_amount_read(result.findings)
    flagged = {(f.severity, f.chain, f.kind) for f in result.findings if f.severity != "info"}
    assert flagged == {
        ("error", "chain-a", "l1-failed"), ("warning", "chain-a", "l1-overdue"),
        ("warning", "chain-a", "outstanding"),  # its vaults' revenue goes to L1, and nothing is paid
        ("error", "chain-b", "l1-failed"), ("warning", "chain-b", "l1-overdue"),
    }  # fmt: skip
    groups = {}
    for g in result.groups():
        if not g.kind.startswith("l1-"):
            continue
        route, _, stage = g.message.split(" via the ", 1)[1].split("; withdrawal ")[0].partition(": ")
        stage = re.sub(r" \(finalizable from .*\)$", "", stage.split("; finalized ")[0])
        whose = (
            "Collective"
            if COLLECTIVE_L1 in g.message
            else "treasury"
            if TREASURY_L1 in g.message
            else "vaults"
        )
        groups[(g.severity, g.chain, g.kind, route, whose, stage)] = (g.count, g.total)
        assert g.total == sum(finding_amount(f) or 0 for f in g.items)
        assert all(by_hash[f.message.rsplit("withdrawal ", 1)[1]].tx == f.evidence for f in g.items)
    bridge, passer = "L2StandardBridge", "L2ToL1MessagePasser"
    overdue_proven, overdue_new = (
        "proven on L1 but not finalized, long past the challenge period",
        ("not proven on L1, long past the challenge period"),
    )
    assert {key: count for key, (count, _) in groups.items()} == {
        ("error", "chain-a", "l1-failed", bridge, "vaults", FAILURES[""]): 1,
        ("error", "chain-a", "l1-failed", bridge, "vaults", FAILURES[RELAY_FAILED]): 1,
        ("error", "chain-a", "l1-failed", bridge, "vaults", FAILURES[NO_RELAY]): 1,
        ("error", "chain-b", "l1-failed", passer, "Collective", FAILURES[""]): 1,
        ("warning", "chain-a", "l1-overdue", bridge, "vaults", overdue_proven): 4,
        ("warning", "chain-a", "l1-overdue", bridge, "vaults", overdue_new): 4,
        **{("warning", "chain-b", "l1-overdue", route, whose, stage): 1
           for route, whose in ((passer, "Collective"), (bridge, "treasury"))
           for stage in (overdue_proven, overdue_new)},
        ("info", "chain-a", "l1-pending", bridge, "vaults", "proven on L1, not finalized yet"): 4,
        ("info", "chain-a", "l1-pending", bridge, "vaults", "not proven on L1 yet"): 4,
        **{("info", "chain-b", "l1-pending", route, whose, stage): 1
           for route, whose in ((passer, "Collective"), (bridge, "treasury"))
           for stage in ("proven on L1, not finalized yet", "not proven on L1 yet")},
    }  # fmt: skip
    # Each group's total: its withdrawals' amounts (to the six decimals the messages show).
    shown = {key[:3] + key[-1:]: amount for key, (_, amount) in groups.items() if key[1] == "chain-a"}
    assert shown[("error", "chain-a", "l1-failed", FAILURES[""])] == total(A, FAILED, relay="")
    assert shown[("warning", "chain-a", "l1-overdue", overdue_new)] == total(A, OVERDUE, proven=False)
    assert shown[("info", "chain-a", "l1-pending", "not proven on L1 yet")] == total(A, IN_FLIGHT)
    assert not [f for f in result.findings if f.kind in ("l1-unmatched", "l1-unchecked")]


def _six(wei: int) -> int:
    """What the findings' messages show of an amount: rounded to six decimals of ETH."""
    return round(wei, -12)


def test_the_outputs_hold_every_withdrawal(lab: Lab, result: MonitorResult):
    out = result.store.parent
    with (out / "l1-withdrawals.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    columns = ("chain", "state", "amount", "l1_recipient", "l2_tx", "relay")
    assert {r["withdrawal_hash"]: tuple(r[c] for c in columns) for r in rows} == {
        m.hash: (
            NAMES[m.chain_id],
            lab.fates[m.hash].state,
            str(m.value),
            m.recipient,
            m.tx,
            lab.fates[m.hash].relay,
        )
        for m in lab.messages
    }
    data = json.loads((out / "monitor.json").read_text())
    assert {s["chain"]: s["states"][FAILED] for s in data["l1_finality"]} == {"chain-a": 3, "chain-b": 1}
    assert all(isinstance(r["amount"], str) for r in data["l1_withdrawals"])  # wei as strings
    summary = (out / "summary.txt").read_text()
    assert "Withdrawals to L1 and their finality on L1" in summary
    assert f"chain-a: OptimismPortal {lab.portals[A]}, 1 day from proof to finalization" in summary
    html = (out / "index.html").read_text()
    assert 'id="l1-withdrawals"' in html and 'id="l1-finality"' in html
    with open_page(out / "index.html", width=1280, height=1000) as page:  # the table pages and filters
        table = page.locator("#l1-withdrawals")
        assert table.locator(".status").inner_text() == f"rows 1 to 25 of {len(lab.messages)}, page 1 of 2"
        table.locator("input").fill(FAILED)
        assert table.locator("tbody tr").count() == 4


class CountingProxy(RpcProxy):
    """Counts the blocks of the message passer's logs asked for (and can fail the portal's logs)."""

    def __init__(self, upstream: str, *, fail_logs_of: str | None = None):
        super().__init__(upstream)
        self.message_blocks: list[int] = []
        self.hashes_asked: list[str] = []  # topic-1 values asked for (withdrawal and message hashes)
        self.fail_logs_of = fail_logs_of

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("method") == "eth_getLogs":
            query = request["params"][0]
            addresses = {a.lower() for a in query.get("address") or []}
            if L2_TO_L1_MESSAGE_PASSER.lower() in addresses:
                with self._lock:
                    self.message_blocks += range(int(query["fromBlock"], 16), int(query["toBlock"], 16) + 1)
            topics = query.get("topics") or []
            if len(topics) > 1 and isinstance(topics[1], list):
                with self._lock:
                    self.hashes_asked += [str(h).lower() for h in topics[1]]
            if self.fail_logs_of and self.fail_logs_of.lower() in addresses:
                error = {"code": -32000, "message": "historical state unavailable"}
                return {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
        return super()._answer(request)


def test_a_rerun_reads_no_message_passer_block_again_nor_asks_l1_about_settled_withdrawals(
    lab: Lab, tmp_path: Path
):
    config = lab.config()
    proxies = {chain_id: CountingProxy(lab.network[chain_id].uri).start() for chain_id in (A, B)}
    l1 = CountingProxy(config["l1"]["rpc"]).start()
    try:
        for entry, chain_id in zip(config["chains"], (A, B), strict=True):
            entry["rpc"] = proxies[chain_id].uri
        config["l1"]["rpc"] = l1.uri
        first = run_monitor(parse_monitor_config(config), tmp_path, write=False)
        read = {chain_id: list(proxy.message_blocks) for chain_id, proxy in proxies.items()}
        asked_first, l1.hashes_asked = set(l1.hashes_asked), []
        again = run_monitor(parse_monitor_config(config), tmp_path, write=False)
    finally:
        for proxy in [*proxies.values(), l1]:
            proxy.stop()
    # L1: a withdrawal finalized over an hour before the first run's L1 time is kept as final and
    # never asked about again; every other one is asked again.
    items = [i for x in first.ledgers if x.finality for i in x.finality.items]
    now = next(x.finality.now for x in first.ledgers if x.finality)
    settled = {
        i.withdrawal.withdrawal_hash for i in items if i.state == FINALIZED and now - i.finalized_at >= 3_600
    }
    rest = {i.withdrawal.withdrawal_hash for i in items} - settled
    assert settled and rest and settled | rest <= asked_first
    assert not settled & set(l1.hashes_asked) and rest <= set(l1.hashes_asked)
    assert [
        (i.withdrawal.withdrawal_hash, i.state) for x in again.ledgers if x.finality for i in x.finality.items
    ] == [(i.withdrawal.withdrawal_hash, i.state) for i in items]
    # Each block where a withdrawal started read once, alone; none read again.
    blocks = {
        chain_id: sorted({m.block for m in lab.messages if m.chain_id == chain_id}) for chain_id in (A, B)
    }
    assert read == blocks and len(blocks[A]) == 4 * DAYS - 3 and len(blocks[B]) == DAYS
    assert {proxy.message_blocks == read[c] for c, proxy in proxies.items()} == {True}
    assert [s.message_blocks for s in first.fetched.stats] == [0, len(blocks[A]), len(blocks[B])]
    assert [s.message_blocks for s in again.fetched.stats] == [0, 0, 0]
    assert {h: s.route for h, (_, s) in _by_hash(again).items()} == {
        h: s.route for h, (_, s) in _by_hash(first).items()
    }
    states = {
        i.withdrawal.withdrawal_hash: i.state for x in again.ledgers if x.finality for i in x.finality.items
    }
    assert states == {h: f.state for h, f in lab.fates.items()}


def test_without_a_portal_the_withdrawals_are_counted_as_not_checked(lab: Lab, tmp_path: Path):
    result = run_monitor(parse_monitor_config(lab.config(portals=False)), tmp_path, write=False)
    assert [s.message_blocks for s in result.fetched.stats] == [0, 0, 0]  # nothing read for nothing
    assert not [f for f in result.findings if f.kind.startswith("l1-") and f.kind != "l1-unchecked"]
    unchecked = {f.chain: f for f in result.findings if f.kind == "l1-unchecked"}
    assert set(unchecked) == {"chain-a", "chain-b"} and {f.severity for f in unchecked.values()} == {"info"}
    for name, count in (("chain-a", 4 * DAYS), ("chain-b", 2 * DAYS)):
        message = unchecked[name].message
        assert message.startswith(f"{count} withdrawals to L1, ")
        assert "no OptimismPortal known for chain 90" in message and "name it with portal:" in message
        total = sum(m.value for m in lab.messages if NAMES[m.chain_id] == name)
        assert finding_amount(unchecked[name]) == _six(total)
    not_checked = {x.chain.name: counts(x)[NOT_CHECKED] for x in result.ledgers}
    assert not_checked == {"chain-a": 4 * DAYS, "chain-b": 2 * DAYS}


def test_a_portal_without_code_and_a_failing_l1_node_are_one_line_errors(
    lab: Lab, tmp_path: Path, monkeypatch
):
    secret = "/v3/L1SECRETKEY"
    no_code = lab.config()
    no_code["chains"][1]["portal"] = _address("not a portal")
    path = tmp_path / "no-code.yaml"
    path.write_text(json.dumps(no_code))
    ran = CliRunner().invoke(cli, ["--config", str(path), "--out", str(tmp_path / "a")])
    assert ran.exit_code == 2, ran.output
    assert "chains[1].portal (chain-b)" in ran.output and "has no code on L1" in ran.output
    assert not (tmp_path / "a" / "monitor.sqlite").exists()  # checked before anything is read
    proxy = CountingProxy(lab.network.l1.uri, fail_logs_of=lab.portals[A]).start()
    try:
        monkeypatch.setenv("L1_RPC", f"http://127.0.0.1:{proxy.port}{secret}")
        failing = lab.config()
        failing["l1"]["rpc"] = "${L1_RPC}"
        path = tmp_path / "failing.yaml"
        path.write_text(json.dumps(failing))
        ran = CliRunner().invoke(cli, ["--config", str(path), "--out", str(tmp_path / "b")])
    finally:
        proxy.stop()
    assert ran.exit_code == 1, ran.output
    assert "Error: ethereum: eth_getLogs: historical state unavailable (code -32000)" in ran.output
    assert "Traceback" not in ran.output and "L1SECRETKEY" not in ran.output
    # With every portal read, the command's exit status says the findings need a look.
    path.write_text(json.dumps(lab.config()))
    ran = CliRunner().invoke(cli, ["--config", str(path), "--out", str(tmp_path / "c")])
    assert ran.exit_code == FINDINGS_EXIT, ran.output
    assert "Withdrawals to L1 and their finality on L1" in ran.output
