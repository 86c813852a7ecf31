"""L1 finality of withdrawals started on L2: which of them the OptimismPortal on L1 has proven,
finalized (and whether the call succeeded), and which are long overdue.

Every withdrawal started on L2 (a splitter's payout through the L2StandardBridge or straight
through the L2ToL1MessagePasser) has a ``MessagePassed`` event of the message passer
(0x4200…0016) carrying its withdrawal hash; for the bridge route its sender is the
L2CrossDomainMessenger. On L1 the OptimismPortal emits, for that hash::

    WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to)
    WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success)

The OptimismPortal2 (fault proofs) may emit ``WithdrawalProven`` more than once per hash, once per
proof submitter (a later proof restarts the clock for its submitter); ``WithdrawalFinalized`` comes
at most once per hash, whatever ``success`` is (the hash is marked finalized either way).

The delay from proof to finalization is the portal's own: ``proofMaturityDelaySeconds()`` on the
OptimismPortal2, ``l2Oracle()`` (``L2_ORACLE()`` on old versions) then the L2OutputOracle's
``FINALIZATION_PERIOD_SECONDS()`` on the legacy OptimismPortal, or given by the caller. Both
portals allow finalization only when ``block.timestamp`` is strictly past proof time + delay. The
OptimismPortal2's ``disputeGameFinalityDelaySeconds()`` (the air gap after the dispute game
resolves) is read and kept, not added: it runs from the game's resolution, not from the proof.

Rules, per withdrawal (``classify``; pure):

- Only events for its hash that happened at or after it started on L2 count; any other event is
  ignored.
- FINALIZED: a ``WithdrawalFinalized`` with ``success = true`` exists and, for a message of the
  L2CrossDomainMessenger (the bridge route), the L1CrossDomainMessenger (the withdrawal's target)
  logged ``RelayedMessage`` for its message hash (keccak of the ``relayMessage`` call it carries)
  at or after the finalization's block. The portal's call to the messenger succeeds even when
  the relay fails: the messenger then logs ``FailedRelayedMessage`` and keeps the ETH until the
  message is replayed, so without ``RelayedMessage`` such a withdrawal is FAILED (``relay`` says
  whether the relay failed or was not seen at all).
- FAILED: a ``WithdrawalFinalized`` with ``success = false`` exists: the portal's call to the
  target failed and the hash can never be finalized again, so the ETH stays in the portal (a
  direct message-passer withdrawal can never be replayed); or the relay above failed.
- Otherwise ``expected_at`` is the first proof + delay (start + delay while unproven): anyone could
  finalize from then on, and a later proof (by anyone: the OptimismPortal2 keeps one per
  submitter) does not push that back. The withdrawal is OVERDUE when ``now > expected_at +
  grace`` (grace defaults to the delay itself: long after the challenge period), PROVEN when
  proven, IN_FLIGHT when not.
- ``expected_at`` of a final withdrawal is its finalization time; ``overdue_by`` is 0 unless
  OVERDUE, then ``now - (expected_at + grace)``.

There is never a false all-clear: a portal address without code, or one that answers none of the
views (when no delay is given), is an error, never "nothing proven".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_utils import is_address, keccak, to_checksum_address

from revshare.chain.addresses import L2_CROSS_DOMAIN_MESSENGER, L2_TO_L1_MESSAGE_PASSER
from revshare.chain.reader import DEFAULT_PAGE_SIZE, ChainReader, EventDecoder, EventLog, event_abi, topic_of

IN_FLIGHT, PROVEN, FINALIZED, FAILED, OVERDUE = "in flight", "proven", "finalized", "failed", "overdue"
STATES = (IN_FLIGHT, PROVEN, FINALIZED, FAILED, OVERDUE)

WITHDRAWAL_PROVEN = (
    "WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to)"
)
WITHDRAWAL_FINALIZED = "WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success)"
# The L2ToL1MessagePasser's record of every withdrawal started on L2.
MESSAGE_PASSED = (
    "MessagePassed(uint256 indexed nonce, address indexed sender, address indexed target, uint256 value, "
    "uint256 gasLimit, bytes data, bytes32 withdrawalHash)"
)
# The L1CrossDomainMessenger's record of relaying a message (the bridge route's withdrawals): the
# portal's call to it succeeds either way, so only these say whether the ETH reached the recipient.
RELAYED_MESSAGE = "RelayedMessage(bytes32 indexed msgHash)"
FAILED_RELAYED_MESSAGE = "FailedRelayedMessage(bytes32 indexed msgHash)"
PORTAL_DECODER = EventDecoder([event_abi(WITHDRAWAL_PROVEN), event_abi(WITHDRAWAL_FINALIZED)])
MESSENGER_DECODER = EventDecoder([event_abi(RELAYED_MESSAGE), event_abi(FAILED_RELAYED_MESSAGE)])
RELAYED, RELAY_FAILED, NO_RELAY = "relayed", "failed", "none"
# Why a withdrawal the portal finalized did not arrive, by what the L1 messenger logged of its
# relay ("": a direct withdrawal, whose call the portal made itself).
FAILURES = {
    "": "finalized on L1, but the portal's call failed (the ETH stays in the portal)",
    RELAY_FAILED: "finalized on L1, but the L1CrossDomainMessenger's relay failed (the ETH waits there "
    "until the message is replayed)",
    NO_RELAY: "finalized on L1, but the L1CrossDomainMessenger logged no relay of its message",
}
PROVEN_TOPIC = topic_of(WITHDRAWAL_PROVEN)
FINALIZED_TOPIC = topic_of(WITHDRAWAL_FINALIZED)

PROOF_MATURITY_DELAY = "proofMaturityDelaySeconds()"
DISPUTE_GAME_FINALITY_DELAY = "disputeGameFinalityDelaySeconds()"
ORACLE_GETTERS = ("l2Oracle()", "L2_ORACLE()")
FINALIZATION_PERIOD_GETTERS = ("FINALIZATION_PERIOD_SECONDS()", "finalizationPeriodSeconds()")
ORACLE_DELAY_SOURCE = "L2OutputOracle.FINALIZATION_PERIOD_SECONDS()"
GIVEN = "given"
# A delay longer than this is no portal's answer (a contract answering the selector by accident).
MAX_DELAY = 365 * 86_400

HASHES_PER_FILTER = 100  # withdrawal hashes in one eth_getLogs topic-1 filter
FROM_BLOCK_MARGIN = 64  # L1 blocks read before the one at the earliest withdrawal's start
HASH = re.compile(r"0x[0-9a-f]{64}")

# (what is being read, blocks done, blocks in all)
FinalityProgress = Callable[[str, int, int], None]


class PortalError(ValueError):
    """The address given as the OptimismPortal is none: no code, or none of the portal's views."""


@dataclass(frozen=True)
class L2Withdrawal:
    """One withdrawal started on L2 (its ``MessagePassed``): hash (0x-prefixed; kept in lowercase,
    ValueError when it is no 32-byte hex), L2 block timestamp and number, transaction, amount in
    wei, and who receives it on L1."""

    withdrawal_hash: str
    started_at: int
    l2_block: int
    tx_hash: str
    amount: int
    recipient: str
    # A message of the L2CrossDomainMessenger (the bridge route): its hash, which the
    # L1CrossDomainMessenger (``messenger``, the withdrawal's target) names when it relays it.
    message_hash: str = ""
    messenger: str = ""

    def __post_init__(self) -> None:
        for field_name in ("withdrawal_hash", "message_hash"):
            text = str(getattr(self, field_name)).lower()
            if (text or field_name == "withdrawal_hash") and not HASH.fullmatch(text):
                raise ValueError(f"{field_name.replace('_', ' ')} {text!r} is not 0x and 64 hex digits")
            object.__setattr__(self, field_name, text)


def from_message_passed(event: EventLog, started_at: int, *, recipient: str | None = None) -> L2Withdrawal:
    """The withdrawal a decoded ``MessagePassed`` records, started at ``started_at`` (its L2 block's
    timestamp). ``recipient`` is who receives it on L1 when that is not the message's target (the
    bridge route: the target is the L1CrossDomainMessenger, the recipient is the bridge's ``to``)."""
    if event.name != "MessagePassed":
        raise ValueError(f"a {event.name} event is not a MessagePassed")
    relayed = event.args["sender"] == L2_CROSS_DOMAIN_MESSENGER
    data = event.args["data"]
    payload = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
    return L2Withdrawal(
        withdrawal_hash=event.args["withdrawalHash"],
        started_at=started_at,
        l2_block=event.block,
        tx_hash=event.tx_hash,
        amount=event.args["value"],
        recipient=recipient if recipient is not None else event.args["target"],
        # The message's hash is keccak of what the messenger passed: the relayMessage call.
        message_hash="0x" + keccak(payload).hex() if relayed else "",
        messenger=event.args["target"] if relayed else "",
    )


def withdrawal_message(matched: EventLog, same_tx: list[EventLog]) -> EventLog | None:
    """The ``MessagePassed`` carrying the withdrawal whose route record is ``matched``: the record
    itself on the message passer's route; on the bridge's, the L2CrossDomainMessenger's message of
    the same amount that follows it in the transaction (removed from ``same_tx``: used once)."""
    if matched.name == "MessagePassed":
        return matched
    for event in sorted(same_tx, key=lambda e: e.position):
        if (
            event.address == L2_TO_L1_MESSAGE_PASSER
            and event.name == "MessagePassed"
            and event.position > matched.position
            and event.args["sender"] == L2_CROSS_DOMAIN_MESSENGER
            and event.args["value"] == matched.args["amount"]
        ):
            same_tx.remove(event)
            return event
    return None


@dataclass(frozen=True)
class PortalEvent:
    """A ``WithdrawalProven`` or ``WithdrawalFinalized`` of the portal, with its L1 block's time.
    ``success`` is the finalization's (None for a proof); ``sender``/``target`` the proof's
    ``from``/``to`` (None for a finalization)."""

    name: str
    withdrawal_hash: str
    timestamp: int
    block: int
    log_index: int
    tx_hash: str
    success: bool | None = None
    sender: str | None = None
    target: str | None = None

    @property
    def position(self) -> tuple[int, int, int]:
        return (self.timestamp, self.block, self.log_index)

    @classmethod
    def of(cls, event: EventLog, timestamp: int) -> PortalEvent:
        """A decoded portal log (see `PORTAL_DECODER`) at its block's ``timestamp``."""
        proven = event.name == "WithdrawalProven"
        return cls(
            name=event.name,
            withdrawal_hash=str(event.args["withdrawalHash"]).lower(),
            timestamp=timestamp,
            block=event.block,
            log_index=event.log_index,
            tx_hash=event.tx_hash,
            success=None if proven else bool(event.args["success"]),
            sender=event.args["from"] if proven else None,
            target=event.args["to"] if proven else None,
        )


@dataclass(frozen=True)
class PortalSettings:
    """The portal read and its delay from proof to finalization (seconds), with where the delay
    came from; the OptimismPortal2's dispute game finality delay when it answers one."""

    portal: str
    delay: int
    delay_source: str
    dispute_game_finality_delay: int | None = None


@dataclass(frozen=True)
class Finality:
    """Where one withdrawal stands on L1 (see the module's rules)."""

    withdrawal: L2Withdrawal
    state: str
    proofs: int  # WithdrawalProven events seen (at or after the start)
    proven_at: int | None  # L1 time of the first proof (at or before the finalization, when final)
    proven_tx: str | None
    finalized_at: int | None
    finalized_tx: str | None
    success: bool | None
    expected_at: int  # first proof + delay, start + delay unproven; the finalization time once final
    overdue_by: int  # seconds past expected_at + grace (0 unless OVERDUE)
    relay: str = ""  # a messenger's message finalized by the portal: RELAYED, RELAY_FAILED or NO_RELAY


@dataclass(frozen=True)
class FinalityReport:
    """Every withdrawal's finality, as of L1 time ``now``, from the portal's logs of blocks
    ``l1_from_block``..``l1_to_block``."""

    settings: PortalSettings
    now: int
    l1_from_block: int
    l1_to_block: int
    items: list[Finality] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Withdrawals per state, every state listed (in `STATES` order)."""
        return {state: sum(1 for item in self.items if item.state == state) for state in STATES}


def classify(
    w: L2Withdrawal,
    proofs: list[PortalEvent],
    finalization: PortalEvent | None,
    *,
    now: int,
    delay: int,
    grace: int,
    relays: Sequence[PortalEvent] = (),
) -> Finality:
    """Where ``w`` stands, from the portal's proofs and finalization (events of other hashes, or
    from before ``w`` started, are ignored) and, for a messenger's message, the L1 messenger's
    ``relays`` (`RELAYED_MESSAGE` / `FAILED_RELAYED_MESSAGE`, named by message hash). Pure."""

    def counts(event: PortalEvent) -> bool:
        return event.withdrawal_hash.lower() == w.withdrawal_hash and event.timestamp >= w.started_at

    mine = sorted((p for p in proofs if p.name == "WithdrawalProven" and counts(p)), key=lambda p: p.position)
    final = finalization if finalization is not None and counts(finalization) else None
    # The first proof: from it anyone could finalize once the delay passes (a later proof, by
    # anyone, cannot push that back: the OptimismPortal2 keeps each submitter's proof).
    first = next((p for p in mine if final is None or p.position <= final.position), None)
    relay = ""
    if final is not None:
        state, expected_at, late = (FINALIZED if final.success else FAILED), final.timestamp, 0
        if final.success and w.messenger:
            relay = _relay(w, final, relays)
            state = FINALIZED if relay == RELAYED else FAILED
    else:
        expected_at = (first.timestamp if first else w.started_at) + delay
        late = now - (expected_at + grace)
        state = OVERDUE if late > 0 else (PROVEN if first else IN_FLIGHT)
    return Finality(
        withdrawal=w,
        state=state,
        proofs=len(mine),
        proven_at=first.timestamp if first else None,
        proven_tx=first.tx_hash if first else None,
        finalized_at=final.timestamp if final else None,
        finalized_tx=final.tx_hash if final else None,
        success=bool(final.success) if final else None,
        expected_at=expected_at,
        overdue_by=max(0, late),
        relay=relay,
    )


def _relay(w: L2Withdrawal, final: PortalEvent, relays: Sequence[PortalEvent]) -> str:
    """What the L1 messenger did with ``w``'s message once the portal finalized it: relayed (at
    once or by a later replay), failed (the ETH waits in the messenger for a replay), or nothing
    seen (never an all-clear)."""
    # The portal's call relays the message before it logs the finalization, in the same block.
    mine = [r for r in relays if r.withdrawal_hash == w.message_hash and r.block >= final.block]
    if any(r.name == "RelayedMessage" for r in mine):
        return RELAYED
    return RELAY_FAILED if mine else NO_RELAY


def _plausible(value: int, what: str, portal: str) -> int:
    if value > MAX_DELAY:
        raise PortalError(
            f"{portal} answers {what} = {value} s, no plausible delay: is it an OptimismPortal?"
        )
    return value


def read_portal_settings(
    reader: ChainReader, portal: str, *, delay: int | None = None, block: int | None = None
) -> PortalSettings:
    """The portal's delay from proof to finalization at ``block`` (latest): its
    ``proofMaturityDelaySeconds()`` (OptimismPortal2), else its L2OutputOracle's
    ``FINALIZATION_PERIOD_SECONDS()`` (legacy OptimismPortal), unless ``delay`` is given. The
    address must hold code either way; `PortalError` (one line) when it has none, or answers
    none of the views and no delay was given."""
    if not is_address(portal):
        raise PortalError(f"{portal!r} is not an address")
    portal = to_checksum_address(portal)
    at = reader.latest_block() if block is None else block
    if reader.code_size(portal, at) == 0:
        raise PortalError(f"{portal} has no code on L1 at block {at}: it is no OptimismPortal there")
    if delay is not None:
        if delay < 0:
            raise ValueError(f"the delay must be 0 or more seconds, not {delay}")
        return PortalSettings(portal, delay, GIVEN)
    maturity = reader.first_word(portal, [PROOF_MATURITY_DELAY], at)
    if maturity is not None:
        game_delay = reader.first_word(portal, [DISPUTE_GAME_FINALITY_DELAY], at)
        return PortalSettings(
            portal,
            _plausible(maturity, PROOF_MATURITY_DELAY, portal),
            PROOF_MATURITY_DELAY,
            None if game_delay is None else _plausible(game_delay, DISPUTE_GAME_FINALITY_DELAY, portal),
        )
    oracle = reader.first_word(portal, ORACLE_GETTERS, at)
    if oracle is not None and 0 < oracle < 2**160:
        oracle_address = "0x" + oracle.to_bytes(20, "big").hex()
        period = reader.first_word(oracle_address, FINALIZATION_PERIOD_GETTERS, at)
        if period is not None:
            return PortalSettings(
                portal, _plausible(period, ORACLE_DELAY_SOURCE, portal), ORACLE_DELAY_SOURCE
            )
    raise PortalError(
        f"{portal} answers neither {PROOF_MATURITY_DELAY} (OptimismPortal2) nor l2Oracle() with an "
        f"L2OutputOracle's FINALIZATION_PERIOD_SECONDS() (OptimismPortal): is it an OptimismPortal? "
        "Give the delay to read it anyway"
    )


def l1_block_at(reader: ChainReader, timestamp: int, *, latest: int | None = None) -> int:
    """The first block at or after ``timestamp`` (``latest`` + 1 when there is none yet):
    interpolation on block times, every other step a bisection, so a few headers on a chain of
    regular slots and never more than about twice a binary search's."""
    hi = reader.latest_block() if latest is None else latest
    if reader.timestamp(hi) < timestamp:
        return hi + 1
    lo = 0
    lo_time = reader.timestamp(lo)
    if lo_time >= timestamp:
        return 0
    hi_time = reader.timestamp(hi)
    # Invariant: timestamp(lo) < timestamp <= timestamp(hi), lo < hi.
    interpolate = True
    while hi - lo > 1:
        if interpolate and hi_time > lo_time:
            guess = lo + (timestamp - lo_time) * (hi - lo) // (hi_time - lo_time)
            guess = min(hi - 1, max(lo + 1, guess))
        else:
            guess = (lo + hi) // 2
        interpolate = not interpolate
        at = reader.timestamp(guess)
        if at < timestamp:
            lo, lo_time = guess, at
        else:
            hi, hi_time = guess, at
    return hi


def _chunks(items: Sequence[L2Withdrawal], size: int) -> list[list[L2Withdrawal]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def read_finality(
    reader: ChainReader,
    portal: str,
    withdrawals: Sequence[L2Withdrawal],
    *,
    delay: int | None = None,
    grace: int | None = None,
    from_block: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    progress: FinalityProgress | None = None,
    hashes_per_filter: int = HASHES_PER_FILTER,
) -> FinalityReport:
    """Where each of ``withdrawals`` stands on L1, from the portal's ``WithdrawalProven`` and
    ``WithdrawalFinalized`` logs up to the latest block (whose time is ``now``). The logs are
    read by topic 1 in chunks of at most ``hashes_per_filter`` hashes, withdrawals in order of
    their start, each chunk from ``from_block`` or else from the L1 block at its earliest start
    (less a margin). Items come in the order given; a hash given twice is read once."""
    if hashes_per_filter < 1:
        raise ValueError("hashes_per_filter must be at least 1")
    if from_block is not None and from_block < 0:
        raise ValueError(f"from_block must be 0 or more, not {from_block}")
    latest = reader.latest_block()
    if from_block is not None and from_block > latest:
        raise ValueError(f"from_block {from_block} is past the node's latest block, {latest}")
    now = reader.timestamp(latest)
    settings = read_portal_settings(reader, portal, delay=delay, block=latest)
    portal = settings.portal
    grace = settings.delay if grace is None else grace
    if grace < 0:
        raise ValueError(f"the grace must be 0 or more seconds, not {grace}")

    unique: dict[str, L2Withdrawal] = {}
    for w in withdrawals:
        unique.setdefault(w.withdrawal_hash, w)
    ordered = sorted(unique.values(), key=lambda w: (w.started_at, w.withdrawal_hash))
    ranges: list[tuple[list[L2Withdrawal], int]] = []
    for chunk in _chunks(ordered, hashes_per_filter):
        if from_block is not None:
            start = from_block
        else:
            start = max(0, l1_block_at(reader, chunk[0].started_at, latest=latest) - FROM_BLOCK_MARGIN)
        ranges.append((chunk, min(start, latest)))
    first = min((start for _, start in ranges), default=latest if from_block is None else from_block)

    label = "OptimismPortal withdrawal proofs and finalizations"
    total = sum(latest - start + 1 for _, start in ranges)
    done_before = 0
    proofs: dict[str, list[PortalEvent]] = {}
    finalizations: dict[str, PortalEvent] = {}
    for chunk, start in ranges:
        span = latest - start + 1

        def step(done: int, _span: int, base: int = done_before) -> None:
            if progress is not None:
                progress(label, base + done, total)

        raw = reader.logs(
            [portal],
            [PROVEN_TOPIC, FINALIZED_TOPIC],
            start,
            latest,
            page_size=page_size,
            progress=step,
            more_topics=[[w.withdrawal_hash for w in chunk]],
        )
        done_before += span
        for event in _portal_events(reader, raw, portal, {w.withdrawal_hash for w in chunk}):
            if event.name == "WithdrawalProven":
                proofs.setdefault(event.withdrawal_hash, []).append(event)
            else:
                # At most one per hash on a real portal; should there be more, the first that
                # counts (not before the start) is the one that finalized it.
                started = unique[event.withdrawal_hash].started_at
                known = finalizations.get(event.withdrawal_hash)
                if event.timestamp >= started and (known is None or event.position < known.position):
                    finalizations[event.withdrawal_hash] = event
    if progress is not None and not ranges:
        progress(label, 0, 0)
    relayed = [
        w for w in ordered if w.messenger and (f := finalizations.get(w.withdrawal_hash)) and f.success
    ]
    relays = _relays(reader, relayed, finalizations, latest, page_size, hashes_per_filter)

    items = [
        classify(
            w,
            proofs.get(w.withdrawal_hash, []),
            finalizations.get(w.withdrawal_hash),
            now=now,
            delay=settings.delay,
            grace=grace,
            relays=relays.get(w.message_hash, []),
        )
        for w in unique.values()
    ]
    return FinalityReport(settings=settings, now=now, l1_from_block=first, l1_to_block=latest, items=items)


def _relays(
    reader: ChainReader,
    withdrawals: list[L2Withdrawal],
    finalizations: dict[str, PortalEvent],
    latest: int,
    page_size: int,
    hashes_per_filter: int,
) -> dict[str, list[PortalEvent]]:
    """The L1 messengers' `RELAYED_MESSAGE` and `FAILED_RELAYED_MESSAGE` for the messages of
    ``withdrawals`` (finalized by the portal), by message hash, read from each messenger from the
    first finalization on (a replay may come any time later)."""
    found: dict[str, list[PortalEvent]] = {}
    by_messenger: dict[str, list[L2Withdrawal]] = {}
    for w in withdrawals:
        by_messenger.setdefault(w.messenger.lower(), []).append(w)
    topics = [topic_of(RELAYED_MESSAGE), topic_of(FAILED_RELAYED_MESSAGE)]
    for messenger, mine in by_messenger.items():
        for chunk in _chunks(mine, hashes_per_filter):
            start = min(finalizations[w.withdrawal_hash].block for w in chunk)
            hashes = {w.message_hash for w in chunk}
            raw = reader.logs([to_checksum_address(messenger)], topics, start, latest, page_size=page_size,
                              more_topics=[sorted(hashes)])  # fmt: skip
            for entry in raw:
                event = MESSENGER_DECODER.decode(entry)
                if event is None or str(entry.get("address", "")).lower() != messenger:
                    continue
                message = str(event.args["msgHash"]).lower()
                if message in hashes:
                    relay = PortalEvent(event.name, message, reader.timestamp(event.block), event.block,
                                        event.log_index, event.tx_hash)  # fmt: skip
                    found.setdefault(message, []).append(relay)
    return found


def _portal_events(
    reader: ChainReader, raw: list[dict[str, Any]], portal: str, hashes: set[str]
) -> list[PortalEvent]:
    """The proofs and finalizations among ``raw`` logs that the portal wrote for ``hashes``."""
    found: list[PortalEvent] = []
    for entry in raw:
        if str(entry.get("address", "")).lower() != portal.lower():
            continue
        event = PORTAL_DECODER.decode(entry)
        if event is None or str(event.args["withdrawalHash"]).lower() not in hashes:
            continue
        if entry.get("blockTimestamp"):
            reader.remember_timestamp(event.block, int(entry["blockTimestamp"], 16))
        found.append(PortalEvent.of(event, reader.timestamp(event.block)))
    return found
