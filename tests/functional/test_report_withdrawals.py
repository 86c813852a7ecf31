"""`revshare/report/withdrawals.py` without a chain: what reading L1 changes in the report's findings
and in-flight totals, for a chain's splitter and a shared splitter alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from revshare.chain.addresses import ETH_ASSET
from revshare.chain.finality import (
    FAILED,
    FINALIZED,
    IN_FLIGHT,
    Finality,
    FinalityReport,
    L2Withdrawal,
    PortalSettings,
)
from revshare.report.analysis import PENDING, UNEXPLAINED, Analysis, ChainSummary, Finding, SentToL1
from revshare.report.withdrawals import apply_finality

ETHER = 10**18
SHARED = "0x" + "5" * 40


@dataclass
class SharedStub:
    """The two fields of a `SharedSummary` that finality touches."""

    address: str
    in_flight_to_l1: dict[str, int] = field(default_factory=dict)


def sent(number: int, amount: int, chain_id: int, splitter: str = "") -> SentToL1:
    w = L2Withdrawal("0x" + f"{number:064x}", 1_000, number, "0x" + f"{number:064x}", amount, "0x" + "1" * 40)
    finding = Finding(
        PENDING, chain_id, ETH_ASSET, amount, f"in flight {number}", f"block {number}", splitter
    )
    return SentToL1(w, finding, "0x1111…1111 on L1 via the L2ToL1MessagePasser")


def final(item: SentToL1, state: str) -> Finality:
    done = state in (FINALIZED, FAILED)
    at = 2_000 if done else None
    success = state == FINALIZED if done else None
    return Finality(item.withdrawal, state, int(done), at, None, at, None, success, 3_000, 0)


def test_arrived_withdrawals_leave_the_in_flight_totals_and_their_findings():
    own = [sent(1, 3 * ETHER, 10), sent(2, 5 * ETHER, 10), sent(3, 7 * ETHER, 10)]
    shared = [sent(4, 11 * ETHER, 0, SHARED), sent(5, 13 * ETHER, 8453, SHARED)]
    chain = ChainSummary(10, "OP", "0x" + "a" * 40, {}, in_flight_to_l1={ETH_ASSET: 15 * ETHER})
    stub = SharedStub(SHARED, {ETH_ASSET: 24 * ETHER})
    every = own + shared
    analysis = Analysis([], [], [s.finding for s in every], {10: chain}, [stub], every)
    states = [FINALIZED, FAILED, IN_FLIGHT, FINALIZED, IN_FLIGHT]
    items = [final(s, state) for s, state in zip(every, states, strict=True)]
    apply_finality(
        analysis, FinalityReport(PortalSettings("0x" + "b" * 40, 86_400, "test"), 4_000, 0, 9, items)
    )
    assert chain.in_flight_to_l1 == {ETH_ASSET: 12 * ETHER}  # 3 arrived; 5 failed, still not arrived
    assert stub.in_flight_to_l1 == {ETH_ASSET: 13 * ETHER}
    assert [(f.kind, f.amount) for f in analysis.findings] == [
        (UNEXPLAINED, 5 * ETHER), (PENDING, 7 * ETHER), (PENDING, 13 * ETHER)
    ]  # fmt: skip
