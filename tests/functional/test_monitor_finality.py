"""The monitor's withdrawals to L1 from hand-made logs (no node): which ones it takes (vaults to
L1, splitters' and shared splitters' L1 payouts), each matched with its own ``MessagePassed``
(bridge and message passer routes, several in one transaction), the findings of each L1 state
and their groups, the config's portals, and the store's blocks read one by one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import (
    L2_CROSS_DOMAIN_MESSENGER,
    L2_STANDARD_BRIDGE,
    L2_TO_L1_MESSAGE_PASSER,
    OPTIMISM_PORTALS,
    PREDEPLOY_VAULTS,
)
from revshare.chain.finality import (
    FAILED,
    FINALIZED,
    IN_FLIGHT,
    MESSAGE_PASSED,
    NO_RELAY,
    OVERDUE,
    PROVEN,
    RELAY_FAILED,
    RELAYED,
    Finality,
    FinalityReport,
    L2Withdrawal,
    PortalSettings,
)
from revshare.chain.reader import event_abi
from revshare.chain.shared import L1_WITHDRAWAL_INITIATED
from revshare.config_models import ConfigError
from revshare.monitor.config import parse_monitor_config
from revshare.monitor.events import MESSAGE_SOURCE, WITHDRAWAL_3, WITHDRAWAL_4
from revshare.monitor.finality import (
    FAILURES,
    NO_MESSAGE,
    NOT_CHECKED,
    STARTING_TOPICS,
    finality_findings,
    state_of,
    unchecked_reason,
)
from revshare.monitor.finality_tables import counts, finality_records
from revshare.monitor.groups import finding_amount, group_findings
from revshare.monitor.ledger import analyse_chain
from revshare.monitor.records import ChainData, ChainLedger, SentToL1, decode_logs
from revshare.monitor.store import SCHEMA_VERSION, Store

SEQ = str(PREDEPLOY_VAULTS["sequencer_fee_vault"])
BASE = str(PREDEPLOY_VAULTS["base_fee_vault"])
L1V = str(PREDEPLOY_VAULTS["l1_fee_vault"])
OPV = str(PREDEPLOY_VAULTS["operator_fee_vault"])
SPLITTER = to_checksum_address("0x" + "5a" * 20)
SHARED = to_checksum_address("0x" + "5b" * 20)
STRANGER = to_checksum_address("0x" + "99" * 20)
COLLECTIVE_L1 = to_checksum_address("0x" + "c1" * 20)
COLLECTIVE_L2 = to_checksum_address("0x" + "c0" * 20)
TREASURY_L1 = to_checksum_address("0x" + "71" * 20)
TREASURY_L2 = to_checksum_address("0x" + "72" * 20)
OPERATOR_L1 = to_checksum_address("0x" + "0e" * 20)
L1_BRIDGE = to_checksum_address("0x" + "b1" * 20)
L1_MESSENGER = to_checksum_address("0x" + "b2" * 20)
PORTAL = to_checksum_address("0x" + "90" * 20)
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
DAY = 86_400
ETH = 10**18
RELAY = keccak(text="relayMessage(uint256,address,address,uint256,uint256,bytes)")[:4]
FINALIZE = keccak(text="finalizeBridgeETH(address,address,uint256,bytes)")[:4]


class Logs:
    """Raw logs in the node's JSON form, in chain order, and the messages' hashes as passed."""

    def __init__(self) -> None:
        self.logs: list[dict[str, Any]] = []
        self.timestamps: dict[int, int] = {0: T0}
        self.hashes: list[str] = []  # every MessagePassed's withdrawal hash, in order

    def emit(self, block: int, tx: str, address: str, declaration: str, *values: Any) -> None:
        self.timestamps.setdefault(block, T0 + 10 * block)
        abi = event_abi(declaration)
        topics = ["0x" + keccak(text=abi.selector).hex()]
        kinds, plain = [], []
        for spec, value in zip(abi.inputs, values, strict=True):
            if spec.indexed:
                topics.append("0x" + encode([spec.canonical_type], [value]).hex())
            else:
                kinds.append(spec.canonical_type)
                plain.append(value)
        index = sum(1 for log in self.logs if int(log["blockNumber"], 16) == block)
        data = "0x" + encode(kinds, plain).hex()
        self.logs.append({"address": address, "blockNumber": hex(block), "logIndex": hex(index),
                          "transactionHash": tx, "topics": topics, "data": data})  # fmt: skip

    def vault(self, block: int, tx: str, vault: str, value: int, to: str, network: int = 0) -> None:
        self.emit(block, tx, vault, WITHDRAWAL_3, value, to, STRANGER)
        self.emit(block, tx, vault, WITHDRAWAL_4, value, to, STRANGER, network)

    def passed(self, block: int, tx: str, sender: str, target: str, value: int, data: bytes = b"") -> str:
        """A MessagePassed; its withdrawal hash."""
        hash_ = "0x" + keccak(text=f"withdrawal {len(self.hashes)}").hex()
        self.hashes.append(hash_)
        nonce = len(self.hashes)
        word = bytes.fromhex(hash_[2:])
        self.emit(
            block,
            tx,
            L2_TO_L1_MESSAGE_PASSER,
            MESSAGE_PASSED,
            nonce,
            sender,
            target,
            value,
            100_000,
            data,
            word,
        )
        return hash_

    def bridged(self, block: int, tx: str, source: str, to: str, value: int) -> str:
        """The L2CrossDomainMessenger's message carrying the bridge's ETH from ``source`` to ``to``."""
        inner = FINALIZE + encode(["address", "address", "uint256", "bytes"], [source, to, value, b""])
        data = RELAY + encode(["uint256", "address", "address", "uint256", "uint256", "bytes"],
                              [7, L2_STANDARD_BRIDGE, L1_BRIDGE, value, 200_000, inner])  # fmt: skip
        return self.passed(block, tx, L2_CROSS_DOMAIN_MESSENGER, L1_MESSENGER, value, data)

    def initiated(
        self, block: int, tx: str, payer: str, recipient: str, l1: str, value: int, route: int
    ) -> None:
        self.emit(block, tx, payer, L1_WITHDRAWAL_INITIATED, recipient, l1, value, route, 200_000)


def _tx(n: int) -> str:
    return "0x" + f"{n:064x}"


def config(**chain: Any) -> Any:
    data = {
        "collective": {"l1_receivers": [COLLECTIVE_L1], "l2_receivers": [COLLECTIVE_L2]},
        "l1": {"chain_id": 900, "rpc": "http://127.0.0.1:1"},
        "chains": [{"name": "a", "chain_id": 901, "rpc": "http://127.0.0.1:2", "fee_splitter": False,
                    "splitters": [SPLITTER], "revenue_recipients": [OPERATOR_L1], **chain}],
        "shared_splitters": [{"name": "shared", "network": "a", "address": SHARED, "collection": STRANGER,
                              "serves": ["a"]}],
    }  # fmt: skip
    return parse_monitor_config(data)


def ledger_of(logs: Logs, read: set[int], **chain: Any) -> ChainLedger:
    cfg = config(portal=PORTAL, **chain)
    data = ChainData(
        chain=cfg.chains[0],
        start=0,
        stop=max(logs.timestamps),
        logs=logs.logs,
        timestamps=logs.timestamps,
        at_start={},
        at_stop={},
        l1_events=[],
        l1_timestamps={},
        message_blocks=frozenset(read),
    )
    return analyse_chain(cfg, data)


def test_each_withdrawal_to_l1_is_matched_with_its_own_message():
    logs = Logs()
    # Two 1.4.1 vaults of the same amount in one transaction, through the bridge: told apart by the
    # bridge's own message (from the vault, to the recipient).
    logs.vault(10, _tx(1), SEQ, 3 * ETH, OPERATOR_L1)
    seq = logs.bridged(10, _tx(1), SEQ, OPERATOR_L1, 3 * ETH)
    logs.vault(10, _tx(1), BASE, 3 * ETH, OPERATOR_L1)
    base = logs.bridged(10, _tx(1), BASE, OPERATOR_L1, 3 * ETH)
    logs.vault(10, _tx(1), OPV, ETH, BASE, network=1)  # on L2: not a withdrawal to L1
    # A 1.6.0 vault passes its own message.
    logs.vault(11, _tx(2), L1V, 2 * ETH, OPERATOR_L1)
    l1v = logs.passed(11, _tx(2), L1V, OPERATOR_L1, 2 * ETH)
    # The splitter pays the Collective through the message passer and the treasury through the
    # bridge, announcing each after its message (as `_payL1` does); someone else's message between.
    collective = logs.passed(12, _tx(3), SPLITTER, COLLECTIVE_L1, 5 * ETH)
    logs.initiated(12, _tx(3), SPLITTER, COLLECTIVE_L2, COLLECTIVE_L1, 5 * ETH, 2)
    logs.passed(12, _tx(3), STRANGER, COLLECTIVE_L1, 5 * ETH)
    treasury = logs.bridged(12, _tx(3), SPLITTER, TREASURY_L1, 6 * ETH)
    logs.initiated(12, _tx(3), SPLITTER, TREASURY_L2, TREASURY_L1, 6 * ETH, 1)
    # The shared splitter's claim announces it before its message (as `_pay` does).
    logs.initiated(13, _tx(4), SHARED, COLLECTIVE_L2, COLLECTIVE_L1, 7 * ETH, 2)
    claim = logs.passed(13, _tx(4), SHARED, COLLECTIVE_L1, 7 * ETH)
    logs.initiated(13, _tx(4), STRANGER, COLLECTIVE_L2, COLLECTIVE_L1, 7 * ETH, 2)  # not watched
    # A vault withdrawal whose block was read but holds no message for it; one not read.
    logs.vault(14, _tx(5), SEQ, 4 * ETH, OPERATOR_L1)
    logs.bridged(14, _tx(5), SEQ, OPERATOR_L1, 4 * ETH + 1)  # another amount: not its message
    logs.vault(15, _tx(6), SEQ, 8 * ETH, OPERATOR_L1)
    logs.bridged(15, _tx(6), SEQ, OPERATOR_L1, 8 * ETH)

    ledger = ledger_of(logs, read={10, 11, 12, 13, 14})
    found = [
        (
            s.origin,
            s.route,
            s.amount,
            s.recipient,
            s.withdrawal.withdrawal_hash if s.withdrawal else None,
            s.read,
        )
        for s in ledger.sent_to_l1
    ]
    assert found == [
        ("the SequencerFeeVault", "L2StandardBridge", 3 * ETH, OPERATOR_L1, seq, True),
        ("the BaseFeeVault", "L2StandardBridge", 3 * ETH, OPERATOR_L1, base, True),
        ("the L1FeeVault", "L2ToL1MessagePasser", 2 * ETH, OPERATOR_L1, l1v, True),
        (f"the splitter {SPLITTER}", "L2ToL1MessagePasser", 5 * ETH, COLLECTIVE_L1, collective, True),
        (f"the splitter {SPLITTER}", "L2StandardBridge", 6 * ETH, TREASURY_L1, treasury, True),
        ("the shared splitter shared", "L2ToL1MessagePasser", 7 * ETH, COLLECTIVE_L1, claim, True),
        ("the SequencerFeeVault", "L2StandardBridge", 4 * ETH, OPERATOR_L1, None, True),
        ("the SequencerFeeVault", "L2StandardBridge", 8 * ETH, OPERATOR_L1, None, False),
    ]
    by_hash = {s.withdrawal.withdrawal_hash: s.withdrawal for s in ledger.sent_to_l1 if s.withdrawal}
    # The bridge route's message: the L1 messenger relays it by the hash of what it carries.
    assert by_hash[seq].messenger == L1_MESSENGER and by_hash[seq].message_hash.startswith("0x")
    assert by_hash[collective].messenger == "" and by_hash[collective].started_at == T0 + 120
    # Without a portal nothing is read; the same withdrawals are there, not checked.
    assert unchecked_reason(config(), config().chains[0]).startswith("no OptimismPortal known for chain 901")
    assert not unchecked_reason(config(portal=PORTAL), config(portal=PORTAL).chains[0])


def _sent(n: int, amount: int, *, read: bool = True, hashed: bool = True, bridged: bool = True) -> SentToL1:
    withdrawal = L2Withdrawal(
        withdrawal_hash="0x" + f"{n:064x}", started_at=T0 + n * 3_600, l2_block=n, tx_hash=_tx(100 + n),
        amount=amount, recipient=OPERATOR_L1, message_hash=("0x" + f"{n + 1:064x}") if bridged else "",
        messenger=L1_MESSENGER if bridged else "",
    )  # fmt: skip
    origin, route = "the SequencerFeeVault", "L2StandardBridge"
    started = T0 + n * 3_600
    return SentToL1("a", origin, SEQ, OPERATOR_L1, route, OPERATOR_L1, amount, n, 0, _tx(100 + n), started,
                    withdrawal if hashed else None, read)  # fmt: skip


def _item(
    sent: SentToL1, state: str, *, proofs: int = 1, success: bool | None = None, relay: str = ""
) -> Finality:
    assert sent.withdrawal is not None
    final = state in (FINALIZED, FAILED)
    return Finality(sent.withdrawal, state, proofs, T0 + DAY if proofs else None, _tx(7) if proofs else None,
                    T0 + 3 * DAY if final else None, _tx(8) if final else None, success, T0 + 2 * DAY,
                    3_600 if state == OVERDUE else 0, relay)  # fmt: skip


def test_each_state_on_l1_is_its_finding_and_they_group():
    sent = [_sent(n, (n + 1) * ETH + n * 10**12) for n in range(10)]  # amounts the messages show exactly
    sent += [_sent(10, 3 * ETH, hashed=False), _sent(11, ETH, hashed=False, read=False)]
    items = [
        _item(sent[0], FINALIZED, success=True, relay=RELAYED),
        _item(sent[1], FAILED, success=False),
        _item(sent[2], FAILED, success=True, relay=RELAY_FAILED),
        _item(sent[3], FAILED, success=True, relay=NO_RELAY),
        _item(sent[4], OVERDUE),
        _item(sent[5], OVERDUE),
        _item(sent[6], OVERDUE, proofs=0),
        _item(sent[7], PROVEN),
        _item(sent[8], IN_FLIGHT, proofs=0),
        _item(sent[9], IN_FLIGHT, proofs=0),
    ]
    cfg = config(portal=PORTAL)
    ledger = ChainLedger(cfg.chains[0], 0, 20, T0, T0 + 30 * DAY, sent_to_l1=sent)
    ledger.finality = FinalityReport(PortalSettings(PORTAL, DAY, "given"), T0 + 30 * DAY, 0, 99, items)
    findings = finality_findings(ledger)
    assert [(f.severity, f.kind) for f in findings] == [
        ("error", "l1-failed"), ("error", "l1-failed"), ("error", "l1-failed"),
        ("warning", "l1-overdue"), ("warning", "l1-overdue"), ("warning", "l1-overdue"),
        ("info", "l1-pending"), ("info", "l1-pending"), ("info", "l1-pending"),
        ("error", "l1-unmatched"), ("info", "l1-unchecked"),
    ]  # fmt: skip
    assert all(
        FAILURES[r] in f.message for f, r in zip(findings[:3], ("", RELAY_FAILED, NO_RELAY), strict=True)
    )
    assert all(f.evidence == s.tx_hash for f, s in zip(findings[:10], sent[1:11], strict=True))
    assert "no MessagePassed of the L2ToL1MessagePasser" in findings[9].message
    assert findings[10].message.startswith("1 withdrawal to L1, 1.000000 ETH, not checked on L1:")
    groups = {(g.kind, g.count, g.total) for g in group_findings(findings)}
    # The proven-overdue pair is one group (its amounts added up); the rest stand alone.
    assert ("l1-overdue", 2, sent[4].amount + sent[5].amount) in groups
    assert ("l1-pending", 2, sent[8].amount + sent[9].amount) in groups
    assert ("l1-unchecked", 1, ETH) in groups and len(groups) == 9
    assert all(finding_amount(f) is not None for f in findings)
    ledger.findings += findings
    assert counts(ledger) == {IN_FLIGHT: 2, PROVEN: 1, FINALIZED: 1, FAILED: 3, OVERDUE: 3, NO_MESSAGE: 1,
                              NOT_CHECKED: 1}  # fmt: skip
    rows = finality_records([ledger])
    assert [r["state"] for r in rows[-3:]] == [IN_FLIGHT, NO_MESSAGE, NOT_CHECKED]
    assert (
        rows[2]["relay"] == RELAY_FAILED and rows[1]["success"] is False and rows[-1]["withdrawal_hash"] == ""
    )
    assert state_of(sent[0], {i.withdrawal.withdrawal_hash: i for i in items}) == FINALIZED


def test_portals_in_the_config():
    def chains(l1_chain_id: int | None, *entries: dict[str, Any]) -> Any:
        data: dict[str, Any] = {"collective": {"l2_receivers": [COLLECTIVE_L2]},
                                "chains": [{"name": f"c{i}", "rpc": "http://127.0.0.1:2", **e}
                                           for i, e in enumerate(entries)]}  # fmt: skip
        if l1_chain_id is not None:
            data["l1"] = {"chain_id": l1_chain_id, "rpc": "http://127.0.0.1:1"}
        return parse_monitor_config(data)

    # OP Mainnet's and Base's portals are known on Ethereum; not on Sepolia; a named one is taken.
    known = chains(1, {"chain_id": 10}, {"chain_id": 8453}, {"chain_id": 901, "portal": PORTAL})
    assert [c.portal for c in known.chains] == [OPTIMISM_PORTALS[10][1], OPTIMISM_PORTALS[8453][1], PORTAL]
    sepolia = chains(11155111, {"chain_id": 10})
    assert sepolia.chains[0].portal is None
    assert "known on L1 chain 1, not 11155111" in unchecked_reason(sepolia, sepolia.chains[0])
    assert chains(None, {"chain_id": 10}).chains[0].portal is None
    assert unchecked_reason(
        chains(None, {"chain_id": 10}), chains(None, {"chain_id": 10}).chains[0]
    ).startswith("the config has no l1")
    with pytest.raises(ConfigError) as error:  # every problem at once
        chains(None, {"chain_id": 901, "portal": PORTAL}, {"chain_id": 902, "portal": PORTAL})
    assert error.value.problems[-3:] == [
        "chains[0].portal: needs l1 (the node of L1 the portal is read on: give its chain_id and rpc)",
        "chains[1].portal: needs l1 (the node of L1 the portal is read on: give its chain_id and rpc)",
        f"chains[1].portal: {PORTAL} is already the portal of c0 (each chain has its own OptimismPortal)",
    ]
    with pytest.raises(ConfigError) as error:
        chains(1, {"chain_id": 10}, {"chain_id": 901, "portal": OPTIMISM_PORTALS[10][1]})
    assert f"chains[1].portal: {OPTIMISM_PORTALS[10][1]} is already the portal of c0" in str(error.value)


def test_the_store_keeps_each_block_read_once_and_upgrades_an_older_store(tmp_path: Path):
    path = tmp_path / "monitor.sqlite"
    logs = Logs()
    logs.vault(5, _tx(1), SEQ, ETH, OPERATOR_L1)
    message = logs.bridged(5, _tx(1), SEQ, OPERATOR_L1, ETH)
    store = Store(path)
    store.save_page(901, "contracts", logs.logs[:2], {5: T0}, 5, "0xhash")
    assert [len(store.logs_with_topic(901, 0, 9, STARTING_TOPICS))] == [1]  # the 4-argument Withdrawal
    store.save_block(901, MESSAGE_SOURCE.key, 5, logs.logs[2:], "0xblock5")
    store.save_block(901, MESSAGE_SOURCE.key, 6, [], "0xblock6")
    store.close()
    with sqlite3.connect(path) as db:  # a store written before blocks were read one by one
        db.execute("DROP TABLE block_reads")
    store = Store(path)
    assert store.blocks_read(901, MESSAGE_SOURCE.key) == set()
    store.save_block(901, MESSAGE_SOURCE.key, 5, logs.logs[2:], "0xblock5")
    store.save_block(901, MESSAGE_SOURCE.key, 5, logs.logs[2:], "0xblock5")  # twice: stored once
    assert (
        store.blocks_read(901, MESSAGE_SOURCE.key) == {5}
        and store.blocks_read(902, MESSAGE_SOURCE.key) == set()
    )
    events = decode_logs(store.logs(901, 5, 5))  # the message passer's are no event of the ledger's
    assert len(store.logs(901, 5, 5)) == 3 and len(events) == 2
    assert (
        store.logs(901, 5, 5)[2]["topics"][0] == "0x" + keccak(text=event_abi(MESSAGE_PASSED).selector).hex()
    )
    assert message[2:] in store.logs(901, 5, 5)[2]["data"]
    store.close()
    assert SCHEMA_VERSION == "1"  # the new table needs no new format: older stores gain it on opening
