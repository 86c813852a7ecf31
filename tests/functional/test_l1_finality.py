"""L1 finality of withdrawals started on L2 (`revshare.chain.finality`): the pure rules of
`classify` (against a tiny reference), the L1 block at a time, the chunked log filters, and the
whole read on the test node: real withdrawals started through the real bedrock
L2ToL1MessagePasser (hashes from their own `MessagePassed` events), proven and finalized on the
project's test-only model of the OptimismPortal2's withdrawal events and timing
(contracts/test/optimism/PortalEventsModel.sol), and the delay read from the real OptimismPortal2
and legacy OptimismPortal (with its L2OutputOracle) of `@eth-optimism/contracts-bedrock`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from revshare.chain.addresses import L2_CROSS_DOMAIN_MESSENGER, L2_TO_L1_MESSAGE_PASSER
from revshare.chain.finality import (
    DISPUTE_GAME_FINALITY_DELAY,
    FAILED,
    FAILED_RELAYED_MESSAGE,
    FINALIZED,
    FINALIZED_TOPIC,
    GIVEN,
    HASHES_PER_FILTER,
    IN_FLIGHT,
    MESSAGE_PASSED,
    NO_RELAY,
    ORACLE_DELAY_SOURCE,
    OVERDUE,
    PORTAL_DECODER,
    PROOF_MATURITY_DELAY,
    PROVEN,
    PROVEN_TOPIC,
    RELAY_FAILED,
    RELAYED,
    RELAYED_MESSAGE,
    STATES,
    WITHDRAWAL_FINALIZED,
    WITHDRAWAL_PROVEN,
    Finality,
    FinalityReport,
    L2Withdrawal,
    PortalError,
    PortalEvent,
    classify,
    from_message_passed,
    l1_block_at,
    read_finality,
    read_portal_settings,
)
from revshare.chain.reader import ChainReader, EventDecoder, EventLog, event_abi, topic_of
from revshare.chain.rpc import provider_request
from revshare.demo.predeploys import install_message_passer
from tests.bedrock import ARTIFACTS, container, withdrawal_hash
from tests.conftest import ONE_DAY

DELAY = 7 * ONE_DAY  # proofMaturityDelaySeconds on OP Mainnet
GAME_DELAY = 302_400  # disputeGameFinalityDelaySeconds on OP Mainnet (3.5 days)
L1_GAS = 100_000
ETHER = 10**18
L1_ACCOUNT = to_checksum_address("0x" + "11" * 20)
NO_CODE = to_checksum_address("0x" + "77" * 20)
OTHER_HASH = "0x" + "ab" * 32


# ---------------------------------------------------------------- helpers
def wd(number: int, started_at: int = 1_000, amount: int = ETHER) -> L2Withdrawal:
    return L2Withdrawal(
        withdrawal_hash="0x" + f"{number:064x}",
        started_at=started_at,
        l2_block=number,
        tx_hash="0x" + f"{number + 1:064x}",
        amount=amount,
        recipient=L1_ACCOUNT,
    )


def proof(w: L2Withdrawal | str, at: int, index: int = 0) -> PortalEvent:
    hash_ = w if isinstance(w, str) else w.withdrawal_hash
    return PortalEvent(
        "WithdrawalProven", hash_, at, at, index, f"0xp{at}-{index}", None, L1_ACCOUNT, L1_ACCOUNT
    )


def finalization(w: L2Withdrawal | str, at: int, success: bool = True, index: int = 0) -> PortalEvent:
    hash_ = w if isinstance(w, str) else w.withdrawal_hash
    return PortalEvent("WithdrawalFinalized", hash_, at, at, index, f"0xf{at}-{index}", success)


def states(report: FinalityReport) -> dict[str, str]:
    return {item.withdrawal.withdrawal_hash: item.state for item in report.items}


# ---------------------------------------------------------------- the real declarations
def _real_events(name: str) -> dict[str, str]:
    """Each event of a bedrock contract's ABI as a full declaration (names and `indexed`)."""
    artifact = json.loads((ARTIFACTS / f"{name}.sol" / f"{name}.json").read_text())
    found = {}
    for item in artifact["abi"]:
        if item["type"] == "event":
            params = ", ".join(
                f"{i['type']}{' indexed' if i['indexed'] else ''} {i['name']}" for i in item["inputs"]
            )
            found[item["name"]] = f"{item['name']}({params})"
    return found


@pytest.mark.parametrize("portal_name", ["OptimismPortal2", "OptimismPortal"])
def test_the_portal_events_are_the_real_portals_declarations(portal_name: str):
    real = _real_events(portal_name)
    assert real["WithdrawalProven"] == WITHDRAWAL_PROVEN
    assert real["WithdrawalFinalized"] == WITHDRAWAL_FINALIZED
    assert (
        set(PORTAL_DECODER.topics)
        == {PROVEN_TOPIC, FINALIZED_TOPIC}
        == {
            topic_of(real["WithdrawalProven"]),
            topic_of(real["WithdrawalFinalized"]),
        }
    )
    assert _real_events("L2ToL1MessagePasser")["MessagePassed"] == MESSAGE_PASSED


# ---------------------------------------------------------------- classify: cases
def test_in_flight_until_the_delay_and_grace_pass():
    w = wd(1, started_at=1_000)
    item = classify(w, [], None, now=1_000 + 2 * DELAY, delay=DELAY, grace=DELAY)
    assert (item.state, item.proofs, item.proven_at, item.expected_at, item.overdue_by) == (
        IN_FLIGHT,
        0,
        None,
        1_000 + DELAY,
        0,
    )
    late = classify(w, [], None, now=1_000 + 2 * DELAY + 5, delay=DELAY, grace=DELAY)
    assert (late.state, late.expected_at, late.overdue_by) == (OVERDUE, 1_000 + DELAY, 5)


def test_proven_then_overdue_from_the_proof():
    w = wd(1, started_at=1_000)
    proofs = [proof(w, 5_000)]
    item = classify(w, proofs, None, now=5_000 + DELAY + 1, delay=DELAY, grace=DELAY)
    assert (item.state, item.proofs, item.proven_at, item.proven_tx, item.expected_at) == (
        PROVEN,
        1,
        5_000,
        "0xp5000-0",
        5_000 + DELAY,
    )
    assert (item.finalized_at, item.finalized_tx, item.success, item.overdue_by) == (None, None, None, 0)
    late = classify(w, proofs, None, now=5_000 + 2 * DELAY + 9, delay=DELAY, grace=DELAY)
    assert (late.state, late.proven_at, late.expected_at, late.overdue_by) == (
        OVERDUE,
        5_000,
        5_000 + DELAY,
        9,
    )
    on_the_edge = classify(w, proofs, None, now=5_000 + 2 * DELAY, delay=DELAY, grace=DELAY)
    assert (on_the_edge.state, on_the_edge.overdue_by) == (PROVEN, 0)
    no_grace = classify(w, proofs, None, now=5_000 + DELAY + 1, delay=DELAY, grace=0)
    assert (no_grace.state, no_grace.overdue_by) == (OVERDUE, 1)


def test_finalized_and_failed_finalizations_are_final_never_overdue():
    w = wd(1, started_at=1_000)
    proofs = [proof(w, 5_000)]
    for success, state in ((True, FINALIZED), (False, FAILED)):
        item = classify(
            w, proofs, finalization(w, 5_000 + DELAY + 1, success), now=10**9, delay=DELAY, grace=DELAY
        )
        assert (item.state, item.success, item.proofs, item.proven_at) == (state, success, 1, 5_000)
        assert (item.finalized_at, item.finalized_tx, item.expected_at, item.overdue_by) == (
            5_000 + DELAY + 1,
            f"0xf{5_000 + DELAY + 1}-0",
            5_000 + DELAY + 1,
            0,
        )


def test_the_first_proof_starts_the_clock_and_later_proofs_cannot_push_it_back():
    """Anyone may prove again (the OptimismPortal2 keeps each submitter's proof), so re-proving
    every few days must not keep a stuck withdrawal from ever being overdue."""
    w = wd(1, started_at=1_000)
    proofs = [proof(w, 9_000, 1), proof(w, 5_000), proof(w, 9_000, 0)]  # any order
    item = classify(w, proofs, None, now=5_000 + DELAY + 1, delay=DELAY, grace=DELAY)
    assert (item.state, item.proofs, item.proven_at, item.proven_tx, item.expected_at) == (
        PROVEN,
        3,
        5_000,
        "0xp5000-0",
        5_000 + DELAY,
    )
    # Past the first proof's grace: overdue, however recent the latest proof.
    late = classify(w, proofs, None, now=5_000 + 2 * DELAY + 1, delay=DELAY, grace=DELAY)
    assert (late.state, late.overdue_by) == (OVERDUE, 1)
    griefed = [proof(w, 1_000 + 3_600)] + [proof(w, 1_000 + k * 6 * 86_400) for k in range(1, 8)]
    assert (
        classify(w, griefed, None, now=1_000 + 40 * 86_400, delay=7 * 86_400, grace=7 * 86_400).state
        == OVERDUE
    )


# ---------------------------------------------------------------- the bridge route's relay on L1
MESSENGER = to_checksum_address("0x" + "25" * 20)  # an L1CrossDomainMessenger


def relayed(w: L2Withdrawal, at: int, success: bool = True, index: int = 0) -> PortalEvent:
    name = "RelayedMessage" if success else "FailedRelayedMessage"
    return PortalEvent(name, w.message_hash, at, at, index, f"0xr{at}-{index}")


def message_wd(number: int, started_at: int = 1_000) -> L2Withdrawal:
    return replace(wd(number, started_at), message_hash="0x" + f"{number + 7:064x}", messenger=MESSENGER)


def test_a_bridge_withdrawal_is_final_only_once_the_messenger_relayed_it():
    """The portal's call to the L1CrossDomainMessenger succeeds even when the relay to the
    recipient fails: only the messenger's own events say the ETH arrived."""
    w = message_wd(1)
    done, at = finalization(w, 5_000 + DELAY + 1, index=5), 5_000 + DELAY + 1
    args = {"now": at + 10, "delay": DELAY, "grace": DELAY}
    # Relayed in the finalizing transaction (its log comes before the portal's).
    ok = classify(w, [proof(w, 5_000)], done, relays=[relayed(w, at, index=4)], **args)
    assert (ok.state, ok.relay) == (FINALIZED, RELAYED)
    failed = classify(w, [proof(w, 5_000)], done, relays=[relayed(w, at, False, index=4)], **args)
    assert (failed.state, failed.relay, failed.success) == (FAILED, RELAY_FAILED, True)
    replayed = [relayed(w, at, False, index=4), relayed(w, at + 99)]
    assert classify(w, [proof(w, 5_000)], done, relays=replayed, **args).state == FINALIZED
    unseen = classify(
        w, [proof(w, 5_000)], done, relays=[replace(relayed(w, at), withdrawal_hash=OTHER_HASH)], **args
    )
    assert (unseen.state, unseen.relay) == (FAILED, NO_RELAY)  # never an all-clear without the relay
    before = classify(w, [proof(w, 5_000)], done, relays=[relayed(w, 4_000)], **args)
    assert before.relay == NO_RELAY  # a relay logged before the finalization's block is not this one
    # The portal's own failure stays the portal's; a direct withdrawal needs no relay.
    portal_failed = classify(w, [proof(w, 5_000)], finalization(w, at, False), **args)
    assert (portal_failed.state, portal_failed.relay) == (FAILED, "")
    direct = wd(2)
    assert classify(direct, [proof(direct, 5_000)], finalization(direct, at), **args).state == FINALIZED


def test_a_messenger_message_hash_is_the_messengers_own():
    """`from_message_passed` names a bridge withdrawal's message as the L1 messenger will: the
    hash of the `relayMessage` call the L2CrossDomainMessenger passed (bedrock
    `Hashing.hashCrossDomainMessageV1`), and the messenger as the withdrawal's target."""
    call = (7, L1_ACCOUNT, MESSENGER, 3 * ETHER, 200_000, b"\x01\x02")
    data = keccak(text="relayMessage(uint256,address,address,uint256,uint256,bytes)")[:4] + encode(
        ["uint256", "address", "address", "uint256", "uint256", "bytes"], list(call)
    )
    event = EventLog("MessagePassed", L2_TO_L1_MESSAGE_PASSER, 9, "0x" + "ab" * 32, 3, {
        "nonce": 1, "sender": L2_CROSS_DOMAIN_MESSENGER, "target": MESSENGER, "value": 3 * ETHER,
        "gasLimit": 300_000, "data": "0x" + data.hex(), "withdrawalHash": "0x" + "cd" * 32,
    })  # fmt: skip
    w = from_message_passed(event, 1_000, recipient=L1_ACCOUNT)
    assert (w.message_hash, w.messenger, w.recipient) == ("0x" + keccak(data).hex(), MESSENGER, L1_ACCOUNT)
    direct = from_message_passed(replace(event, args={**event.args, "sender": L1_ACCOUNT}), 1_000)
    assert (direct.message_hash, direct.messenger) == ("", "")


def test_events_of_another_hash_or_from_before_the_start_are_ignored():
    w = wd(1, started_at=10_000)
    other = wd(2, started_at=10_000)
    events = [proof(other, 20_000), proof(w, 9_999), proof(OTHER_HASH, 20_001)]
    item = classify(w, events, finalization(other, 30_000), now=10_001, delay=DELAY, grace=DELAY)
    assert (item.state, item.proofs, item.proven_at, item.expected_at) == (IN_FLIGHT, 0, None, 10_000 + DELAY)
    early = classify(w, [proof(w, 12_000)], finalization(w, 9_000), now=12_001, delay=DELAY, grace=DELAY)
    assert (early.state, early.proofs, early.finalized_at) == (PROVEN, 1, None)
    # A hash given in upper case is the same hash.
    upper = replace(proof(w, 12_000), withdrawal_hash=w.withdrawal_hash.upper().replace("0X", "0x"))
    assert classify(w, [upper], None, now=12_001, delay=DELAY, grace=DELAY).proofs == 1


def test_a_proof_after_the_finalization_counts_but_is_not_the_proof_that_finalized():
    w = wd(1, started_at=1_000)
    done = finalization(w, 5_000 + DELAY + 1)
    item = classify(w, [proof(w, 5_000), proof(w, 9 * DELAY)], done, now=10**9, delay=DELAY, grace=DELAY)
    assert (item.state, item.proofs, item.proven_at) == (FINALIZED, 2, 5_000)


def test_a_withdrawal_hash_must_be_32_bytes_of_hex_and_is_kept_in_lower_case():
    assert wd(1).withdrawal_hash == "0x" + "0" * 63 + "1"
    mixed = L2Withdrawal("0x" + "AB" * 32, 1, 1, "0x", 1, L1_ACCOUNT)
    assert mixed.withdrawal_hash == "0x" + "ab" * 32
    for bad in ("ab" * 32, "0x" + "ab" * 31, "0x" + "zz" * 32):
        with pytest.raises(ValueError, match="not 0x and 64 hex digits"):
            L2Withdrawal(bad, 1, 1, "0x", 1, L1_ACCOUNT)


# ---------------------------------------------------------------- classify: property
@dataclass(frozen=True)
class _Ref:
    state: str
    proofs: int
    proven_at: int | None
    expected_at: int
    overdue_by: int


def _reference(
    w: L2Withdrawal, events: list[PortalEvent], fin: PortalEvent | None, now: int, delay: int, grace: int
) -> _Ref:
    """The rules, written plainly."""
    mine = [e for e in events if e.withdrawal_hash == w.withdrawal_hash and e.timestamp >= w.started_at]
    if fin is not None and fin.withdrawal_hash == w.withdrawal_hash and fin.timestamp >= w.started_at:
        key = (fin.timestamp, fin.block, fin.log_index)
        before = [e.timestamp for e in mine if (e.timestamp, e.block, e.log_index) <= key]
        return _Ref(
            FINALIZED if fin.success else FAILED, len(mine), min(before, default=None), fin.timestamp, 0
        )
    first = min((e.timestamp for e in mine), default=None)
    expected = (w.started_at if first is None else first) + delay
    if now > expected + grace:
        return _Ref(OVERDUE, len(mine), first, expected, now - expected - grace)
    return _Ref(PROVEN if mine else IN_FLIGHT, len(mine), first, expected, 0)


_times = st.integers(0, 40)
_events = st.lists(
    st.tuples(st.sampled_from(["mine", "other"]), _times, st.integers(0, 3)), max_size=6, unique=True
)
_finalization = st.none() | st.tuples(
    st.sampled_from(["mine", "other"]), _times, st.integers(0, 3), st.booleans()
)


@given(
    start=_times,
    events=_events,
    fin=_finalization,
    now=st.integers(0, 100),
    delay=st.integers(0, 20),
    grace=st.integers(0, 20),
)
def test_classify_matches_the_reference(
    start: int,
    events: list[tuple[str, int, int]],
    fin: tuple[str, int, int, bool] | None,
    now: int,
    delay: int,
    grace: int,
):
    w = wd(1, started_at=start)
    hashes = {"mine": w.withdrawal_hash, "other": wd(2).withdrawal_hash}
    proofs = [proof(hashes[who], at, index) for who, at, index in events]
    final = None if fin is None else finalization(hashes[fin[0]], fin[1], fin[3], fin[2])
    item = classify(w, proofs, final, now=now, delay=delay, grace=grace)
    expected = _reference(w, proofs, final, now, delay, grace)
    assert (item.state, item.proofs, item.proven_at, item.expected_at, item.overdue_by) == (
        expected.state,
        expected.proofs,
        expected.proven_at,
        expected.expected_at,
        expected.overdue_by,
    )
    # One state; final exactly when its finalization counts; overdue never when final.
    assert item.state in STATES
    counted = final is not None and final.withdrawal_hash == w.withdrawal_hash and final.timestamp >= start
    assert (item.state in (FINALIZED, FAILED)) == counted == (item.finalized_at is not None)
    assert (item.overdue_by > 0) == (item.state == OVERDUE)
    if item.state == OVERDUE:
        assert item.finalized_at is None and now > item.expected_at + grace


# ---------------------------------------------------------------- fake readers
def _no_rpc(method: str, params: list[Any]) -> Any:
    raise AssertionError(f"the fake reader was asked {method} directly")


class FakeReader(ChainReader):
    """What `read_finality` asks of a `ChainReader`, from a table of block times and logs; counts
    headers and log filters."""

    def __init__(
        self,
        times: Callable[[int], int],
        latest: int,
        logs: Sequence[dict[str, Any]] = (),
        code: bool = True,
        words: dict[str, int] | None = None,
    ):
        super().__init__(_no_rpc)
        self.times, self.latest, self.all_logs, self.code = times, latest, list(logs), code
        self.words = words if words is not None else {PROOF_MATURITY_DELAY: DELAY}
        self.headers: list[int] = []
        self.filters: list[dict[str, Any]] = []

    def latest_block(self) -> int:
        return self.latest

    def timestamp(self, block: int) -> int:
        self.headers.append(block)
        return self.times(block)

    def remember_timestamp(self, block: int, timestamp: int) -> None:
        pass

    def code_size(self, address: str, block: int) -> int:
        return 100 if self.code else 0

    def first_word(self, to: str, getters: Sequence[str], block: int) -> int | None:
        return next((self.words[g] for g in getters if g in self.words), None)

    def logs(
        self,
        addresses: Sequence[str],
        topics: Sequence[str],
        start: int,
        stop: int,
        *,
        page_size: int = 2_000,
        progress: Callable[[int, int], None] | None = None,
        more_topics: Sequence[Sequence[str] | None] = (),
    ) -> list[dict[str, Any]]:
        self.filters.append(
            {"addresses": list(addresses), "topics": [list(topics), *more_topics], "range": (start, stop)}
        )
        wanted = set(more_topics[0] or ()) if more_topics else None
        found = [
            log
            for log in self.all_logs
            if log["topics"][0] in topics
            and (wanted is None or log["topics"][1] in wanted)
            and start <= int(log["blockNumber"], 16) <= stop
        ]
        if progress is not None:
            progress(stop - start + 1, stop - start + 1)
        return found


def raw_log(
    portal: str, topic: str, hash_: str, block: int, data: bytes = b"", extra: int = 0
) -> dict[str, Any]:
    topics = [topic, hash_] + ["0x" + "00" * 12 + "11" * 20] * extra
    return {
        "address": portal.lower(),
        "topics": topics,
        "data": "0x" + data.hex(),
        "blockNumber": hex(block),
        "transactionHash": "0x" + f"{block:064x}",
        "logIndex": "0x0",
    }


PORTAL = to_checksum_address("0x" + "be" * 20)


def test_thousands_of_hashes_are_read_in_chunks_of_at_most_a_hundred():
    n = 2_345
    withdrawals = [wd(i, started_at=12 * (i + 10)) for i in range(n)]  # block i + 10 on a 12 s chain
    proven = withdrawals[::7]
    logs = [raw_log(PORTAL, PROVEN_TOPIC, w.withdrawal_hash, 5_000, extra=2) for w in proven]
    logs += [
        raw_log(PORTAL, FINALIZED_TOPIC, withdrawals[1].withdrawal_hash, 6_000, encode(["bool"], [True]))
    ]
    reader = FakeReader(lambda b: 12 * b, latest=10_000, logs=logs)
    seen: list[tuple[str, int, int]] = []
    report = read_finality(reader, PORTAL, withdrawals, progress=lambda *a: seen.append(a))

    assert len(reader.filters) == -(-n // HASHES_PER_FILTER) == 24
    chunks = [f["topics"][1] for f in reader.filters]
    assert all(len(chunk) <= HASHES_PER_FILTER for chunk in chunks)
    assert sorted(h for chunk in chunks for h in chunk) == sorted(w.withdrawal_hash for w in withdrawals)
    assert all(
        f["topics"][0] == [PROVEN_TOPIC, FINALIZED_TOPIC] and f["addresses"] == [PORTAL]
        for f in reader.filters
    )
    # Each chunk from the L1 block at its earliest start, less the margin; all up to the latest.
    assert [f["range"] for f in reader.filters][:2] == [(0, 10_000), (100 + 10 - 64, 10_000)]
    assert (report.l1_from_block, report.l1_to_block, report.now) == (0, 10_000, 120_000)
    assert len(report.items) == n and [i.withdrawal for i in report.items] == withdrawals
    assert report.counts() == {
        IN_FLIGHT: n - len(proven) - 1,
        PROVEN: len(proven),
        FINALIZED: 1,
        FAILED: 0,
        OVERDUE: 0,
    }
    assert list(report.counts()) == list(STATES)
    assert seen[-1][1] == seen[-1][2] == sum(10_000 - f["range"][0] + 1 for f in reader.filters)


def test_duplicates_are_read_once_and_a_given_from_block_is_used_for_every_chunk():
    withdrawals = [wd(i, started_at=12 * 500) for i in range(150)]
    reader = FakeReader(lambda b: 12 * b, latest=1_000)
    report = read_finality(reader, PORTAL, withdrawals + withdrawals[:10], from_block=7)
    assert [f["range"] for f in reader.filters] == [(7, 1_000), (7, 1_000)]
    assert len(report.items) == 150 and report.l1_from_block == 7
    with pytest.raises(ValueError, match="from_block 1001 is past the node's latest block, 1000"):
        read_finality(reader, PORTAL, withdrawals, from_block=1_001)
    # A withdrawal started after the latest L1 block's time: read from the margin before it, in flight.
    ahead = FakeReader(lambda b: 12 * b, latest=1_000)
    future = read_finality(ahead, PORTAL, [wd(1, started_at=20_000)])
    assert (future.l1_from_block, [i.state for i in future.items]) == (1_001 - 64, [IN_FLIGHT])


def test_the_delay_comes_from_the_portal_or_its_oracle_or_the_caller():
    oracle_word = int("0x" + "0c" * 20, 16)
    cases = [
        ({PROOF_MATURITY_DELAY: 7, DISPUTE_GAME_FINALITY_DELAY: 3}, None, (7, PROOF_MATURITY_DELAY, 3)),
        ({PROOF_MATURITY_DELAY: 7}, None, (7, PROOF_MATURITY_DELAY, None)),
        (
            {"l2Oracle()": oracle_word, "FINALIZATION_PERIOD_SECONDS()": 12},
            None,
            (12, ORACLE_DELAY_SOURCE, None),
        ),
        (
            {"L2_ORACLE()": oracle_word, "FINALIZATION_PERIOD_SECONDS()": 12},
            None,
            (12, ORACLE_DELAY_SOURCE, None),
        ),
        ({}, 60, (60, GIVEN, None)),
    ]
    for words, given_delay, expected in cases:
        reader = FakeReader(lambda b: b, latest=5, words=words)
        settings = read_portal_settings(reader, PORTAL.lower(), delay=given_delay)
        assert (
            settings.portal,
            settings.delay,
            settings.delay_source,
            settings.dispute_game_finality_delay,
        ) == (
            PORTAL,
            *expected,
        )
    for words in ({}, {"l2Oracle()": 0}, {"l2Oracle()": oracle_word}, {PROOF_MATURITY_DELAY: 2**255}):
        with pytest.raises(PortalError) as failure:
            read_portal_settings(FakeReader(lambda b: b, latest=5, words=words), PORTAL)
        assert "\n" not in str(failure.value) and PORTAL in str(failure.value)


def test_no_code_is_an_error_even_with_a_given_delay():
    for delay in (None, 60):
        with pytest.raises(PortalError, match="has no code on L1") as failure:
            read_finality(FakeReader(lambda b: b, 5, code=False), PORTAL, [wd(1)], delay=delay)
        assert "\n" not in str(failure.value)


# ---------------------------------------------------------------- l1_block_at
def _mainnet_like(block: int) -> int:
    """12 s slots with one slot in 37 missed."""
    return 1_606_824_023 + 12 * (block + block // 37)


@pytest.mark.parametrize("target_block", [0, 1, 36, 37, 38, 9_999_999, 19_999_998, 20_000_000])
def test_the_l1_block_at_a_time_takes_few_headers(target_block: int):
    reader = FakeReader(_mainnet_like, latest=20_000_000)
    at = _mainnet_like(target_block)
    assert l1_block_at(reader, at) == target_block
    assert len(set(reader.headers)) <= 8, reader.headers
    reader = FakeReader(_mainnet_like, latest=20_000_000)
    assert l1_block_at(reader, at - 1) == target_block
    assert len(set(reader.headers)) <= 8, reader.headers


@given(gaps=st.lists(st.integers(0, 1_000), min_size=1, max_size=60), target=st.integers(-5, 70_000))
def test_the_l1_block_at_a_time_is_the_first_at_or_after_it(gaps: list[int], target: int):
    times = [sum(gaps[: i + 1]) for i in range(len(gaps))]  # non-decreasing block times
    reader = FakeReader(lambda b: times[b], latest=len(times) - 1)
    expected = next((b for b, t in enumerate(times) if t >= target), len(times))
    assert l1_block_at(reader, target) == expected
    assert len(set(reader.headers)) <= 2 * len(times).bit_length() + 3


# ---------------------------------------------------------------- on the node: the model
@pytest.fixture(scope="module")
def portal(project, owner):
    return owner.deploy(project.PortalEventsModel, DELAY, GAME_DELAY)


@pytest.fixture(scope="module")
def passer(owner):
    return install_message_passer()


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(portal, passer):
    """Deploy the module's contracts before ape takes its first per-test snapshot."""


def reader_of(chain: Any) -> ChainReader:
    return ChainReader(provider_request(chain.provider))


def portal_logs(receipt: Any) -> list[tuple[str, dict[str, Any]]]:
    decoder = EventDecoder(
        [
            event_abi(WITHDRAWAL_PROVEN),
            event_abi(WITHDRAWAL_FINALIZED),
            event_abi(
                "WithdrawalProvenExtension1(bytes32 indexed withdrawalHash, address indexed proofSubmitter)"
            ),
        ]
    )
    found = []
    for log in receipt.logs:
        raw = {
            "address": str(log["address"]),
            "topics": ["0x" + bytes(t).hex() for t in log["topics"]],
            "data": "0x" + bytes(log["data"]).hex(),
            "blockNumber": hex(receipt.block_number),
            "transactionHash": str(receipt.txn_hash),
            "logIndex": hex(log["logIndex"]),
        }
        event = decoder.decode(raw)
        assert event is not None
        found.append((event.name, event.args))
    return found


def test_the_models_events_are_the_real_optimism_portal_2s(project):
    real = _real_events("OptimismPortal2")
    model = {e.name: e.signature for e in project.PortalEventsModel.contract_type.events}
    assert model == {name: real[name] for name in model}
    assert set(model) == {"WithdrawalProven", "WithdrawalProvenExtension1", "WithdrawalFinalized"}


def test_the_messenger_models_events_are_the_real_l1_messengers(project):
    """`MessengerEventsModel` logs what the real L1CrossDomainMessenger logs of a relay, and the
    module reads exactly those declarations."""
    real = _real_events("L1CrossDomainMessenger")
    model = {e.name: e.signature for e in project.MessengerEventsModel.contract_type.events}
    assert model == {name: real[name] for name in model}
    assert set(model) == {"RelayedMessage", "FailedRelayedMessage"}
    assert {RELAYED_MESSAGE, FAILED_RELAYED_MESSAGE} == set(model.values())


def test_the_model_emits_the_real_events_and_keeps_the_real_timing(chain, portal, keeper, stranger):
    hash_ = keccak(text="a withdrawal")
    with ape.reverts(portal.PortalEventsModel_NotProven, withdrawalHash=hash_):
        portal.finalizeWithdrawalHash(hash_, True, sender=keeper)
    receipt = portal.proveWithdrawalHash(hash_, keeper, L1_ACCOUNT, sender=keeper)
    proven_at = chain.blocks[receipt.block_number].timestamp
    assert portal_logs(receipt) == [
        (
            "WithdrawalProven",
            {"withdrawalHash": "0x" + hash_.hex(), "from": keeper.address, "to": L1_ACCOUNT},
        ),
        (
            "WithdrawalProvenExtension1",
            {"withdrawalHash": "0x" + hash_.hex(), "proofSubmitter": keeper.address},
        ),
    ]
    assert (portal.proofMaturityDelaySeconds(), portal.disputeGameFinalityDelaySeconds()) == (
        DELAY,
        GAME_DELAY,
    )
    assert (portal.numProofSubmitters(hash_), portal.version()) == (1, "3.10.0")

    chain.pending_timestamp = proven_at + DELAY  # not yet: strictly after the delay, as upstream
    with ape.reverts(
        portal.PortalEventsModel_NotMatured, withdrawalHash=hash_, provenAt=proven_at, delay=DELAY
    ):
        portal.finalizeWithdrawalHash(hash_, True, sender=keeper)
    # Another submitter's proof restarts the clock.
    chain.pending_timestamp = proven_at + DELAY
    again = portal.proveWithdrawalHash(hash_, keeper, L1_ACCOUNT, sender=stranger)
    assert portal.numProofSubmitters(hash_) == 2
    chain.pending_timestamp = proven_at + DELAY + 1
    with ape.reverts(portal.PortalEventsModel_NotMatured):
        portal.finalizeWithdrawalHash(hash_, True, sender=keeper)
    reproven_at = chain.blocks[again.block_number].timestamp
    chain.pending_timestamp = reproven_at + DELAY + 1
    done = portal.finalizeWithdrawalHash(hash_, False, sender=stranger)
    assert portal_logs(done) == [
        ("WithdrawalFinalized", {"withdrawalHash": "0x" + hash_.hex(), "success": False})
    ]
    assert portal.finalizedWithdrawals(hash_)
    with ape.reverts(portal.PortalEventsModel_AlreadyFinalized, withdrawalHash=hash_):
        portal.finalizeWithdrawalHash(hash_, True, sender=keeper)


# ---------------------------------------------------------------- on the node: read_finality
def start_withdrawal(passer: Any, account: Any, target: str, amount: int) -> Any:
    return passer.initiateWithdrawal(target, L1_GAS, b"", sender=account, value=amount)


def l2_withdrawals(chain: Any, start_block: int) -> list[L2Withdrawal]:
    """Every withdrawal the real message passer recorded since `start_block`, from its logs."""
    reader = reader_of(chain)
    decoder = EventDecoder([event_abi(MESSAGE_PASSED)])
    raw = reader.logs(
        [L2_TO_L1_MESSAGE_PASSER], [topic_of(MESSAGE_PASSED)], start_block, reader.latest_block()
    )
    events = [decoder.decode(entry) for entry in raw]
    return [from_message_passed(e, reader.timestamp(e.block)) for e in events if e is not None]


def block_time(chain: Any, receipt: Any) -> int:
    return chain.blocks[receipt.block_number].timestamp


def test_read_finality_on_the_node(chain, portal, passer, owner, keeper, stranger):
    first_block = chain.blocks.head.number + 1
    targets = [to_checksum_address("0x" + f"{i:02x}" * 20) for i in range(1, 7)]
    # t0: five withdrawals start on L2, through the real message passer.
    names = ("finalized", "failed", "reproven", "unproven", "proven_overdue")
    started = {
        name: start_withdrawal(passer, keeper, target, (i + 1) * ETHER)
        for i, (name, target) in enumerate(zip(names, targets, strict=False))
    }
    # The sixth's hash, known before it starts: a proof of it now must not count.
    nonce = passer.messageNonce()
    late_hash = "0x" + withdrawal_hash(nonce, keeper.address, targets[5], 6 * ETHER, L1_GAS, b"").hex()
    portal.proveWithdrawalHash(late_hash, keeper, targets[5], sender=stranger)
    portal.proveWithdrawalHash(OTHER_HASH, keeper, targets[5], sender=stranger)  # nobody's withdrawal

    withdrawals = {w.tx_hash: w for w in l2_withdrawals(chain, first_block)}
    by_name = {name: withdrawals[str(receipt.txn_hash)] for name, receipt in started.items()}
    proven = {
        name: portal.proveWithdrawalHash(
            by_name[name].withdrawal_hash, keeper, by_name[name].recipient, sender=owner
        )
        for name in ("finalized", "failed", "reproven", "proven_overdue")
    }
    proof_time = {name: block_time(chain, receipt) for name, receipt in proven.items()}

    chain.pending_timestamp = max(proof_time.values()) + DELAY + 1
    finalized = portal.finalizeWithdrawalHash(by_name["finalized"].withdrawal_hash, True, sender=stranger)
    failed = portal.finalizeWithdrawalHash(by_name["failed"].withdrawal_hash, False, sender=stranger)
    chain.pending_timestamp = block_time(chain, failed) + DELAY
    portal.proveWithdrawalHash(by_name["reproven"].withdrawal_hash, keeper, targets[2], sender=stranger)
    late = start_withdrawal(passer, keeper, targets[5], 6 * ETHER)
    chain.mine(timestamp=block_time(chain, late) + 60)
    head = chain.blocks.head

    withdrawals = {w.tx_hash: w for w in l2_withdrawals(chain, first_block)}
    by_name["in_flight"] = withdrawals[str(late.txn_hash)]
    assert by_name["in_flight"].withdrawal_hash == late_hash  # the real passer's hash, as predicted
    assert by_name["reproven"].amount == 3 * ETHER and by_name["reproven"].recipient == targets[2]
    report = read_finality(reader_of(chain), portal.address, list(withdrawals.values()))

    now = head.timestamp
    assert (report.now, report.l1_to_block) == (now, head.number)
    assert report.l1_from_block == max(0, first_block - 64)
    assert (report.settings.portal, report.settings.delay, report.settings.delay_source) == (
        portal.address,
        DELAY,
        PROOF_MATURITY_DELAY,
    )
    assert report.settings.dispute_game_finality_delay == GAME_DELAY
    items = {name: next(i for i in report.items if i.withdrawal == w) for name, w in by_name.items()}
    assert {name: item.state for name, item in items.items()} == {
        "finalized": FINALIZED,
        "failed": FAILED,
        "reproven": OVERDUE,  # proven again lately, but its first proof matured long ago
        "unproven": OVERDUE,
        "proven_overdue": OVERDUE,
        "in_flight": IN_FLIGHT,
    }
    assert report.counts() == {IN_FLIGHT: 1, PROVEN: 0, FINALIZED: 1, FAILED: 1, OVERDUE: 3}

    def expect(name: str, **fields: Any) -> None:
        item: Finality = items[name]
        assert {k: getattr(item, k) for k in fields} == fields, name

    expect(
        "finalized",
        proofs=1,
        proven_at=proof_time["finalized"],
        proven_tx=str(proven["finalized"].txn_hash),
        finalized_at=block_time(chain, finalized),
        finalized_tx=str(finalized.txn_hash),
        success=True,
        expected_at=block_time(chain, finalized),
        overdue_by=0,
    )
    expect("failed", proofs=1, success=False, expected_at=block_time(chain, failed), overdue_by=0)
    expect(
        "reproven",
        proofs=2,
        proven_at=proof_time["reproven"],
        proven_tx=str(proven["reproven"].txn_hash),
        expected_at=proof_time["reproven"] + DELAY,
        overdue_by=now - (proof_time["reproven"] + 2 * DELAY),
        success=None,
    )
    unproven_start = by_name["unproven"].started_at
    expect("unproven", proofs=0, proven_at=None, expected_at=unproven_start + DELAY)
    expect("unproven", overdue_by=now - (unproven_start + 2 * DELAY))
    expect(
        "proven_overdue",
        proofs=1,
        expected_at=proof_time["proven_overdue"] + DELAY,
        overdue_by=now - (proof_time["proven_overdue"] + 2 * DELAY),
    )
    assert items["proven_overdue"].overdue_by > 0 and items["unproven"].overdue_by > 0
    expect(
        "in_flight",
        proofs=0,
        proven_at=None,
        expected_at=by_name["in_flight"].started_at + DELAY,
        overdue_by=0,
    )

    # A given delay and grace: a long grace keeps the re-proven one proven, not overdue.
    patient = read_finality(
        reader_of(chain), portal.address, list(withdrawals.values()), delay=DELAY, grace=9 * DELAY
    )
    assert patient.settings.delay_source == GIVEN
    assert states(patient)[by_name["reproven"].withdrawal_hash] == PROVEN


def test_the_l1_block_at_a_time_on_the_node(chain, passer, keeper):
    receipts = []
    for _ in range(3):
        chain.pending_timestamp = chain.pending_timestamp + 100
        receipts.append(start_withdrawal(passer, keeper, L1_ACCOUNT, 1))
    reader = reader_of(chain)
    for receipt in receipts:
        at = block_time(chain, receipt)
        assert l1_block_at(reader, at) == receipt.block_number
        assert l1_block_at(reader, at - 50) == receipt.block_number
    assert l1_block_at(reader, block_time(chain, receipts[-1]) + 1) == receipts[-1].block_number + 1


def test_a_portal_without_code_or_without_the_views_is_a_one_line_error(chain, passer):
    reader = reader_of(chain)
    with pytest.raises(PortalError) as failure:
        read_finality(reader, NO_CODE, [wd(1)])
    assert str(failure.value) == (
        f"{NO_CODE} has no code on L1 at block {chain.blocks.head.number}: it is no OptimismPortal there"
    )
    with pytest.raises(PortalError, match="answers neither proofMaturityDelaySeconds") as failure:
        read_finality(reader, passer.address, [wd(1)])
    assert "\n" not in str(failure.value)
    # With a given delay the same contract is read (and has no portal events).
    report = read_finality(reader, passer.address, [wd(1, started_at=chain.blocks.head.timestamp)], delay=60)
    assert [i.state for i in report.items] == [IN_FLIGHT]


# ---------------------------------------------------------------- the real portals' delays
def _calldata(signature: str, types: list[str], args: list[Any]) -> bytes:
    return keccak(text=signature)[:4] + encode(types, args)


def test_the_delay_is_read_from_the_real_optimism_portal_2(chain, owner):
    real = owner.deploy(container("OptimismPortal2"), DELAY, GAME_DELAY)
    settings = read_portal_settings(reader_of(chain), real.address)
    assert (settings.delay, settings.delay_source, settings.dispute_game_finality_delay) == (
        DELAY,
        PROOF_MATURITY_DELAY,
        GAME_DELAY,
    )


def test_the_delay_is_read_from_the_real_legacy_portal_and_its_output_oracle(chain, owner):
    """The legacy OptimismPortal and L2OutputOracle behind the real bedrock `Proxy`, initialized
    as a deployment does (the implementations' own constructors initialize them with zeros)."""
    period = 12
    oracle = owner.deploy(container("Proxy"), owner)
    oracle.upgradeToAndCall(
        owner.deploy(container("L2OutputOracle")),
        _calldata(
            "initialize(uint256,uint256,uint256,uint256,address,address,uint256)",
            ["uint256", "uint256", "uint256", "uint256", "address", "address", "uint256"],
            [1_800, 2, 0, chain.blocks.head.timestamp, owner.address, owner.address, period],
        ),
        sender=owner,
    )
    real = owner.deploy(container("Proxy"), owner)
    real.upgradeToAndCall(
        owner.deploy(container("OptimismPortal")),
        _calldata(
            "initialize(address,address,address)",
            ["address", "address", "address"],
            [oracle.address, owner.address, owner.address],
        ),
        sender=owner,
    )
    settings = read_portal_settings(reader_of(chain), real.address)
    assert (settings.delay, settings.delay_source, settings.dispute_game_finality_delay) == (
        period,
        ORACLE_DELAY_SOURCE,
        None,
    )
