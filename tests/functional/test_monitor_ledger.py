"""The monitor's ledger from hand-made logs (no node): each withdrawal counted once, vault-to-vault
ETH counted once, owed per settlement batch and per UTC day, payments by source, findings."""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS
from revshare.chain.reader import event_abi
from revshare.model import split
from revshare.monitor.config import parse_monitor_config
from revshare.monitor.events import (
    DISBURSED,
    DISBURSER_FEES_DISBURSED,
    RECIPIENT_UPDATED,
    SAFE_RECEIVED,
    SPLITTER_FEES_DISBURSED,
    WITHDRAWAL_3,
    WITHDRAWAL_4,
)
from revshare.monitor.ledger import analyse_chain
from revshare.monitor.records import ChainData, decode_logs

SEQ = str(PREDEPLOY_VAULTS["sequencer_fee_vault"])
BASE = str(PREDEPLOY_VAULTS["base_fee_vault"])
L1V = str(PREDEPLOY_VAULTS["l1_fee_vault"])
OPV = str(PREDEPLOY_VAULTS["operator_fee_vault"])
SPLITTER = to_checksum_address("0x" + "5a" * 20)
DISBURSER = to_checksum_address("0x" + "d1" * 20)
SAFE_L2 = to_checksum_address("0x" + "c0" * 20)
SAFE_L1 = to_checksum_address("0x" + "c1" * 20)
OPERATOR = to_checksum_address("0x" + "0e" * 20)
TREASURY = to_checksum_address("0x" + "7e" * 20)
DAY = 86_400
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
ETH = 10**18


class Logs:
    """Raw logs in the node's JSON form, in chain order."""

    def __init__(self) -> None:
        self.logs: list[dict[str, Any]] = []
        self.timestamps: dict[int, int] = {0: T0}

    def at(self, block: int, timestamp: int) -> Logs:
        self.timestamps[block] = timestamp
        return self

    def emit(self, block: int, address: str, declaration: str, *values: Any, tx: str | None = None) -> None:
        abi = event_abi(declaration)
        topics = ["0x" + keccak(text=abi.selector).hex()]
        data_types, data_values = [], []
        for spec, value in zip(abi.inputs, values, strict=True):
            if spec.indexed:
                topics.append("0x" + encode([spec.canonical_type], [value]).hex())
            else:
                data_types.append(spec.canonical_type)
                data_values.append(value)
        index = sum(1 for log in self.logs if int(log["blockNumber"], 16) == block)
        self.logs.append(
            {
                "address": address,
                "blockNumber": hex(block),
                "logIndex": hex(index),
                "transactionHash": tx or "0x" + f"{block:064x}",
                "topics": topics,
                "data": "0x" + encode(data_types, data_values).hex(),
            }
        )

    def withdraw(self, block: int, vault: str, value: int, to: str, *, legacy_only: bool = False) -> None:
        self.emit(block, vault, WITHDRAWAL_3, value, to, "0x" + "ab" * 20)
        if not legacy_only:
            self.emit(block, vault, WITHDRAWAL_4, value, to, "0x" + "ab" * 20, 1)


def config(**chain: Any):
    data = {
        "collective": {"l1_receivers": [SAFE_L1], "l2_receivers": [SAFE_L2]},
        "l1": {"chain_id": 900, "rpc": "http://127.0.0.1:1"},
        "chains": [{"name": "a", "chain_id": 901, "rpc": "http://127.0.0.1:2", **chain}],
    }
    return parse_monitor_config(data)


def ledger(
    cfg, logs: Logs, l1: Logs | None = None, at_stop: dict | None = None, at_start: dict | None = None
):
    stop = max(logs.timestamps)
    code = {(a, "code"): 100 for a in (SEQ, BASE, L1V, OPV, SPLITTER, DISBURSER, SAFE_L2, FEE_SPLITTER)}
    data = ChainData(
        chain=cfg.chains[0],
        start=0,
        stop=stop,
        logs=logs.logs,
        timestamps=logs.timestamps,
        at_start=at_start or {},
        at_stop={**code, **(at_stop or {})},
        l1_events=decode_logs((l1 or Logs()).logs),
        l1_timestamps=(l1 or Logs()).timestamps,
    )
    return analyse_chain(cfg, data)


def test_each_withdrawal_counts_once_and_vault_to_vault_eth_once():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 20)
    logs.withdraw(1, OPV, 5 * ETH, BASE)  # the OperatorFeeVault's default: into the BaseFeeVault
    logs.withdraw(2, BASE, 7 * ETH, OPERATOR)  # includes the operator vault's 5
    logs.withdraw(2, SEQ, 3 * ETH, OPERATOR, legacy_only=True)  # an old vault: 3-argument event only
    result = ledger(config(senders=[OPERATOR]), logs)
    assert result.gross == 10 * ETH
    assert [w.internal for w in result.withdrawals] == [True, False, False]
    assert result.owed == split(10 * ETH, 0).collective


def test_owed_per_settlement_batch_and_paid_from_its_event():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 20).at(3, T0 + DAY + 30)
    logs.withdraw(1, SEQ, 4 * ETH, SPLITTER)  # someone else triggered it: still the next batch's
    logs.withdraw(2, L1V, 1 * ETH, SPLITTER)
    logs.withdraw(2, BASE, 2 * ETH, SPLITTER)
    owed = split(7 * ETH, 1 * ETH).collective
    logs.emit(
        2, SPLITTER, DISBURSED, 901, "0x" + "00" * 20, 1, 7 * ETH, ETH, owed, 7 * ETH - owed, 250, 1500, True
    )
    logs.withdraw(3, SEQ, 9 * ETH, SPLITTER)  # not disbursed yet
    result = ledger(config(splitters=[SPLITTER]), logs)
    assert [(b.kind, b.gross, b.l1_cost, b.owed) for b in result.batches] == [("settled", 7 * ETH, ETH, owed)]
    assert [(p.source, p.amount) for p in result.payments] == [("splitter", owed)]
    assert result.pending == {SPLITTER.lower(): 9 * ETH}
    assert result.balance == 0
    assert not [f for f in result.findings if f.severity != "info"]


def test_fee_splitter_pays_only_what_reaches_the_collective():
    logs = Logs().at(1, T0 + 10)
    logs.withdraw(1, SEQ, 8 * ETH, FEE_SPLITTER)
    logs.withdraw(1, L1V, 2 * ETH, FEE_SPLITTER)
    share = split(10 * ETH, 2 * ETH).collective
    shares = [(SAFE_L2, share), (TREASURY, 10 * ETH - share)]
    logs.emit(1, FEE_SPLITTER, SPLITTER_FEES_DISBURSED, shares, 10 * ETH)
    result = ledger(config(), logs)
    assert result.owed == result.paid == share


def test_manual_payments_only_from_listed_senders_on_l2_and_l1():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 2 * DAY)
    logs.withdraw(1, SEQ, 10 * ETH, OPERATOR)
    logs.emit(2, SAFE_L2, SAFE_RECEIVED, OPERATOR, ETH // 10)
    logs.emit(2, SAFE_L2, SAFE_RECEIVED, "0x" + "99" * 20, ETH)  # not a sender of this chain
    l1 = Logs().at(5, T0 + 3 * DAY)
    l1.emit(5, SAFE_L1, SAFE_RECEIVED, OPERATOR, ETH // 5)
    result = ledger(config(senders=[OPERATOR]), logs, l1)
    assert [(p.where, p.amount) for p in result.payments] == [("L2", ETH // 10), ("L1", ETH // 5)]
    assert [(b.kind, b.owed) for b in result.batches] == [("day", split(10 * ETH, 0).collective)]
    assert result.balance == split(10 * ETH, 0).collective - 3 * ETH // 10


def test_terms_change_by_date_splits_days():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 40 * DAY)
    logs.withdraw(1, SEQ, 10 * ETH, OPERATOR)
    logs.withdraw(2, SEQ, 10 * ETH, OPERATOR)
    cfg = config(
        senders=[OPERATOR],
        terms=[{"gross_bps": 250, "net_bps": 1500}, {"from": "2026-02-01", "gross_bps": 0, "net_bps": 0}],
    )
    result = ledger(cfg, logs)
    assert [b.owed for b in result.batches] == [split(10 * ETH, 0).collective, 0]


def test_recipient_moved_off_the_path_and_chain_stops_paying_are_flagged():
    logs = Logs()
    for day in range(60):
        block = day + 1
        logs.at(block, T0 + day * DAY + 100)
        logs.withdraw(block, SEQ, ETH, OPERATOR if day < 30 else TREASURY)
        if day < 30 and day % 7 == 6:
            logs.emit(block, SAFE_L2, SAFE_RECEIVED, OPERATOR, 7 * split(ETH, 0).collective)
    logs.emit(30, SEQ, RECIPIENT_UPDATED, OPERATOR, TREASURY, tx="0x" + "ee" * 32)
    result = ledger(config(senders=[OPERATOR]), logs)
    kinds = {f.kind: f for f in result.findings}
    assert kinds["recipient-moved"].evidence == "0x" + "ee" * 32
    assert TREASURY.lower() in kinds["recipient-moved"].message.lower()
    assert "stopped-paying" in kinds and "outstanding" in kinds
    assert result.balance == 60 * split(ETH, 0).collective - 4 * 7 * split(ETH, 0).collective


def test_missed_intervals_and_unmatched_payment_and_missing_code():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 5 * DAY)
    logs.withdraw(1, SEQ, 4 * ETH, DISBURSER)
    logs.emit(1, SAFE_L2, SAFE_RECEIVED, DISBURSER, 2 * ETH)  # the Safe got it, in the same tx
    logs.emit(1, DISBURSER, DISBURSER_FEES_DISBURSED, T0, 2 * ETH, 4 * ETH)  # pays more than owed
    logs.withdraw(2, SEQ, ETH, OPERATOR)
    result = ledger(
        config(fee_disbursers=[DISBURSER], senders=[OPERATOR], splitters=[SPLITTER]),
        logs,
        at_stop={(DISBURSER, "interval"): DAY, (SPLITTER, "code"): 0},
    )
    kinds = {f.kind for f in result.findings}
    assert {"missed-interval", "unmatched-payment", "no-code"} <= kinds


def test_vault_minimum_under_a_settler_is_flagged():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 30 * DAY)
    stop = {(SEQ, "balance"): ETH // 100, (SEQ, "minimum"): ETH, (SEQ, "recipient"): FEE_SPLITTER.lower()}
    result = ledger(config(), logs, at_stop=stop)
    kinds = {f.kind for f in result.findings}
    assert {"vault-minimum", "vault-stuck"} <= kinds


def test_a_disburser_saying_it_paid_optimism_counts_only_what_the_collective_received():
    logs = Logs().at(1, T0 + 10).at(2, T0 + DAY + 10)
    for block in (1, 2):
        logs.withdraw(block, SEQ, 4 * ETH, DISBURSER)
        owed = split(4 * ETH, 0).collective
        if block == 1:
            logs.emit(block, SAFE_L2, SAFE_RECEIVED, DISBURSER, owed)
        logs.emit(block, DISBURSER, DISBURSER_FEES_DISBURSED, T0, owed, 4 * ETH)  # block 2: to someone else
    result = ledger(config(fee_disbursers=[DISBURSER]), logs)
    assert [p.amount for p in result.payments] == [split(4 * ETH, 0).collective]
    assert [f.kind for f in result.findings if f.severity == "warning"] == [
        "unpaid-disbursements",
        "outstanding",
    ]
    # A receiver without code cannot confirm anything: the event is taken at its word.
    trusted = ledger(config(fee_disbursers=[DISBURSER]), logs, at_stop={(SAFE_L2, "code"): 0})
    assert [p.amount for p in trusted.payments] == [split(4 * ETH, 0).collective] * 2
    assert "unconfirmed-payments" in {f.kind for f in trusted.findings}


def test_a_fee_splitter_calculator_change_is_a_finding_with_its_tx():
    from revshare.monitor.events import CALCULATOR_UPDATED, INTERVAL_UPDATED

    logs = Logs().at(1, T0 + 10)
    logs.emit(1, FEE_SPLITTER, CALCULATOR_UPDATED, SPLITTER, DISBURSER, tx="0x" + "ca" * 32)
    logs.emit(1, FEE_SPLITTER, INTERVAL_UPDATED, DAY, 7 * DAY, tx="0x" + "cb" * 32)
    found = {f.kind: f for f in ledger(config(), logs).findings}
    assert (
        found["calculator-changed"].evidence == "0x" + "ca" * 32
        and DISBURSER in found["calculator-changed"].message
    )
    assert found["interval-changed"].message.endswith("from 1 to 7 days")


def test_owed_per_week_nets_a_week_of_withdrawals():
    logs = Logs().at(1, T0 + 10).at(2, T0 + DAY + 10)  # 2026-01-01 and -02: the same ISO week
    logs.withdraw(1, SEQ, 10 * ETH, OPERATOR)
    logs.withdraw(2, L1V, 9 * ETH, OPERATOR)
    daily = ledger(config(senders=[OPERATOR]), logs)
    weekly = ledger(config(senders=[OPERATOR], owed_period="week"), logs)
    assert daily.owed == split(10 * ETH, 0).collective + split(9 * ETH, 9 * ETH).collective
    assert weekly.owed == split(19 * ETH, 9 * ETH).collective < daily.owed


def test_vault_loops_and_withdrawals_to_l1_are_not_settled_revenue():
    logs = Logs().at(1, T0 + 10).at(2, T0 + 20)
    logs.withdraw(1, SEQ, 5 * ETH, SEQ)  # pays itself: anyone may call withdraw() again and again
    logs.withdraw(1, SEQ, 5 * ETH, SEQ)
    logs.emit(2, OPV, WITHDRAWAL_3, 3 * ETH, BASE, "0x" + "ab" * 20)
    logs.emit(2, OPV, WITHDRAWAL_4, 3 * ETH, BASE, "0x" + "ab" * 20, 0)  # to the BaseFeeVault's address on L1
    logs.emit(2, BASE, WITHDRAWAL_3, 2 * ETH, SPLITTER, "0x" + "ab" * 20)
    logs.emit(
        2, BASE, WITHDRAWAL_4, 2 * ETH, SPLITTER, "0x" + "ab" * 20, 0
    )  # to the splitter's address on L1
    result = ledger(config(splitters=[SPLITTER]), logs)
    assert result.gross == 5 * ETH  # the L1 withdrawals left the chain; the loop is no revenue
    assert [b.kind for b in result.batches] == ["day"] and not result.pending
    kinds = [f.kind for f in result.findings]
    assert kinds.count("vault-loop") == 2 and "withdrawn-to-l1" in kinds


class _Lookups:
    def __init__(self, collective: str):
        self.collective = collective

    def terms_at(self, chain, block, timestamp, since=None):
        return chain.terms_at(block, timestamp)

    def collective_at(self, chain, splitter, block):
        return ("L2", self.collective)


def test_a_splitter_share_counts_only_when_its_collective_is_a_receiver():
    logs = Logs().at(1, T0 + 10)
    logs.withdraw(1, SEQ, 4 * ETH, SPLITTER)
    owed = split(4 * ETH, 0).collective
    logs.emit(
        1, SPLITTER, DISBURSED, 901, "0x" + "00" * 20, 1, 4 * ETH, 0, owed, 4 * ETH - owed, 250, 1500, False
    )
    cfg = config(splitters=[SPLITTER])
    from revshare.monitor.ledger import analyse_chain as analyse

    base = ledger(cfg, logs)  # no node to ask: the event is taken at its word
    data = ChainData(
        cfg.chains[0],
        0,
        1,
        logs.logs,
        logs.timestamps,
        {},
        {(SAFE_L2, "code"): 1, (SEQ, "code"): 1, (SPLITTER, "code"): 1},
        [],
        {},
    )
    right = analyse(cfg, data, _Lookups(SAFE_L2))
    wrong = analyse(cfg, data, _Lookups(TREASURY))
    assert base.paid == right.paid == owed and right.payments[0].receiver == SAFE_L2
    assert wrong.paid == 0 and [f.kind for f in wrong.findings if f.severity == "error"] == [
        "misdirected-share"
    ]
