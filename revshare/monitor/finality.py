"""The L1 finality of the withdrawals to L1 that the monitored chains start (issue #22).

Which withdrawals: what the monitor watches on each chain and sends to L1 (`started`): a fee
vault withdrawing to L1 (its 4-argument ``Withdrawal`` with withdrawalNetwork 0: through the
L2StandardBridge on 1.4.1 vaults, the L2ToL1MessagePasser on 1.5.0+), a splitter's payout and a
shared splitter's claim on an L1 route (their ``L1WithdrawalInitiated``). Each one's
``MessagePassed`` in the same transaction (`match_messages`) gives its withdrawal hash: on the
message passer's route the payer's own message to the recipient, on the bridge's the
L2CrossDomainMessenger's message of the same value carrying the bridge's ``finalizeBridgeETH``
from the payer to the recipient. The message passer serves every user of the chain, so its logs
are read for those blocks only, block by block, and kept in the store (`blocks_to_read`).

Then, given the config's L1 node and the chain's OptimismPortal (`WatchedChain.portal`),
`revshare.chain.finality.read_finality` says where each stands on L1: in flight, proven,
finalized, failed (the portal's call failed, or on the bridge route the L1CrossDomainMessenger's
relay failed or was not seen) or overdue. Findings (`finality_findings`): failed is an error,
overdue a warning, in flight and proven information, finalized nothing; a withdrawal whose
message is missing is an error (its finality cannot be read), and a chain whose withdrawals are
not checked (no L1 in the config, no portal known) says how many (never an all-clear).

The portals are checked before anything is read (`check_portals`): a portal without code (or
none of a portal's views) is a config mistake, an L1 node that fails a node failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import Any

from eth_abi import decode
from eth_utils import keccak

from revshare.calendar import utc_date
from revshare.chain.addresses import (
    L2_CROSS_DOMAIN_MESSENGER,
    L2_STANDARD_BRIDGE,
    L2_TO_L1_MESSAGE_PASSER,
    OPTIMISM_PORTALS,
)
from revshare.chain.finality import (
    FAILED,
    FAILURES,
    FINALIZED,
    IN_FLIGHT,
    MESSAGE_PASSED,
    OVERDUE,
    PROVEN,
    Finality,
    FinalityReport,
    L2Withdrawal,
    PortalError,
    PortalSettings,
    from_message_passed,
    read_finality,
    read_portal_settings,
)
from revshare.chain.reader import ChainReader, EventDecoder, EventLog, ReadError, event_abi, topic_of
from revshare.chain.routes import Route
from revshare.chain.rpc import HttpJsonRpc
from revshare.chain.shared import L1_WITHDRAWAL_INITIATED
from revshare.monitor.config import MonitorConfig, Network, WatchedChain
from revshare.monitor.events import MESSAGE_SOURCE, SIGNATURE, WITHDRAWAL_4, shared_on
from revshare.monitor.records import (
    VAULT_NAMES,
    ChainData,
    ChainLedger,
    Finding,
    SentToL1,
    decode_logs,
    same_address,
)
from revshare.monitor.store import Store
from revshare.terminal import format_eth

BRIDGE, MESSAGE_PASSER = "L2StandardBridge", "L2ToL1MessagePasser"
ROUTES = {int(Route.L1_STANDARD_BRIDGE): BRIDGE, int(Route.L1_MESSAGE_PASSER): MESSAGE_PASSER}
MESSAGE_DECODER = EventDecoder([event_abi(MESSAGE_PASSED)])
MESSAGE_TOPIC = topic_of(MESSAGE_PASSED)
# The events that start a withdrawal to L1 (topic 0), for the blocks whose messages are read.
STARTING_TOPICS = (topic_of(WITHDRAWAL_4), topic_of(L1_WITHDRAWAL_INITIATED))
# What the L2CrossDomainMessenger passes for the L2StandardBridge's ETH: a relayMessage call
# carrying the bridge's finalizeBridgeETH(from, to, amount, extraData).
RELAY_MESSAGE = keccak(text="relayMessage(uint256,address,address,uint256,uint256,bytes)")[:4]
FINALIZE_BRIDGE_ETH = keccak(text="finalizeBridgeETH(address,address,uint256,bytes)")[:4]

# The findings' kinds, and the CSV's states besides the portal's.
FAILED_KIND, OVERDUE_KIND, PENDING_KIND = "l1-failed", "l1-overdue", "l1-pending"
UNMATCHED_KIND, UNCHECKED_KIND = "l1-unmatched", "l1-unchecked"
NOT_CHECKED, NO_MESSAGE = "not checked", "no message"

# (what is being read, blocks done, blocks in all), as `revshare.monitor.fetch.Progress`.
Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------- which withdrawals


def started(
    config: MonitorConfig, chain: WatchedChain, events: Sequence[EventLog], times: dict[int, int]
) -> list[SentToL1]:
    """The withdrawals to L1 that ``chain``'s fee vaults, splitters and the shared splitters living
    on it started, from its decoded events (`revshare.monitor.records.decode_logs`), in chain
    order; none matched with its message yet."""
    splitters = {a.lower() for a in chain.splitters}
    shared = {s.address.lower(): s for s in shared_on(config, chain.network)}
    found = []
    for event in events:
        address, a = event.address.lower(), event.args
        if event.signature == SIGNATURE[WITHDRAWAL_4] and address in VAULT_NAMES:
            if int(a["withdrawalNetwork"]) != 0:
                continue
            origin, account, route, recipient = f"the {VAULT_NAMES[address]}", a["to"], BRIDGE, a["to"]
        elif event.signature == SIGNATURE[L1_WITHDRAWAL_INITIATED]:
            if address in splitters:
                origin = f"the splitter {event.address}"
            elif address in shared:
                origin = f"the shared splitter {shared[address].name}"
            else:
                continue
            account, recipient = a["recipient"], a["l1Recipient"]
            route = ROUTES.get(int(a["route"]), f"route {a['route']}")
        else:
            continue
        found.append(
            SentToL1(
                chain=chain.name,
                origin=origin,
                payer=event.address,
                account=account,
                route=route,
                recipient=recipient,
                amount=int(a["value"] if "value" in a else a["amount"]),
                block=event.block,
                log_index=event.log_index,
                tx_hash=event.tx_hash,
                timestamp=times.get(event.block, 0),
            )
        )
    return sorted(found, key=lambda s: s.position)


def sent_to_l1(config: MonitorConfig, data: ChainData) -> list[SentToL1]:
    """The chain's withdrawals to L1, each with its message where its block's were read."""
    sent = started(config, data.chain, data.events, data.timestamps)
    if not sent:
        return []
    messages = [raw for raw in data.logs if same_address(raw["address"], L2_TO_L1_MESSAGE_PASSER)]
    return match_messages(sent, messages, data.message_blocks)


def checks_l1(config: MonitorConfig, chain: WatchedChain) -> bool:
    """Whether the L1 finality of the chain's withdrawals is read (an L1 node and a portal)."""
    return config.l1 is not None and chain.portal is not None


def unchecked_reason(config: MonitorConfig, chain: WatchedChain) -> str:
    """Why the chain's withdrawals to L1 are not checked on L1 ("" when they are)."""
    if config.l1 is None:
        return "the config has no l1 (the node of L1 the OptimismPortal is read on)"
    if chain.portal is None:
        known = OPTIMISM_PORTALS.get(chain.chain_id)
        where = f" (its portal is known on L1 chain {known[0]}, not {config.l1.chain_id})" if known else ""
        return (
            f"no OptimismPortal known for chain {chain.chain_id}{where}: name it with portal: in its chains "
            "entry"
        )
    return ""


def blocks_to_read(config: MonitorConfig, network: Network, store: Store, stop: int) -> list[int]:
    """The blocks of ``network`` up to ``stop`` where a withdrawal to L1 it checks started and
    whose messages the store does not hold yet (none for a chain not checked on L1)."""
    chain = next((c for c in config.chains if c.network is network), None)
    if chain is None or not checks_l1(config, chain):
        return []
    raw = store.logs_with_topic(chain.chain_id, network.start_block, stop, STARTING_TOPICS)
    blocks = {s.block for s in started(config, chain, decode_logs(raw), {})}
    return sorted(blocks - store.blocks_read(chain.chain_id, MESSAGE_SOURCE.key))


def read_message_block(reader: ChainReader, store: Store, chain_id: int, block: int) -> int:
    """The message passer's ``MessagePassed`` logs of one block into the store, marked read with
    the block's hash (one transaction); how many there were."""
    logs = reader.logs([L2_TO_L1_MESSAGE_PASSER], [MESSAGE_TOPIC], block, block)
    block_hash = next((str(raw["blockHash"]) for raw in logs if raw.get("blockHash")), None)
    if block_hash is None:
        block_hash = str(reader.header(block)["hash"])
    store.save_block(chain_id, MESSAGE_SOURCE.key, block, logs, block_hash)
    return len(logs)


# ---------------------------------------------------------------- matching with the messages


def _bridged(data: Any) -> tuple[str, str] | None:
    """(from, to) of the L2StandardBridge's ETH that an L2CrossDomainMessenger message carries;
    None when the message is not one (or does not decode)."""
    raw = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
    if raw[:4] != RELAY_MESSAGE:
        return None
    try:
        _, sender, _, _, _, message = decode(
            ["uint256", "address", "address", "uint256", "uint256", "bytes"], raw[4:]
        )
        if not same_address(sender, L2_STANDARD_BRIDGE) or message[:4] != FINALIZE_BRIDGE_ETH:
            return None
        source, to, _, _ = decode(["address", "address", "uint256", "bytes"], message[4:])
    except Exception:  # any other payload: not the bridge's ETH
        return None
    return str(source), str(to)


def _fit(sent: SentToL1, message: EventLog) -> tuple[int, str] | None:
    """How well ``message`` fits ``sent`` (0 exactly, 1 by amount only: a messenger message that is
    not the bridge's ETH) and the route it shows; None when it is not its message. A vault may use
    either route (1.4.1 vaults bridge, 1.5.0+ vaults pass the message themselves)."""
    a = message.args
    if int(a["value"]) != sent.amount:
        return None
    vault = sent.payer.lower() in VAULT_NAMES
    if same_address(a["sender"], L2_CROSS_DOMAIN_MESSENGER) and (vault or sent.route == BRIDGE):
        parties = _bridged(a["data"])
        if parties is None:
            return 1, BRIDGE
        if same_address(parties[0], sent.payer) and same_address(parties[1], sent.recipient):
            return 0, BRIDGE
        return None
    if (
        same_address(a["sender"], sent.payer)
        and same_address(a["target"], sent.recipient)
        and (vault or sent.route == MESSAGE_PASSER)
    ):
        return 0, MESSAGE_PASSER
    return None


def match_messages(
    sent: Sequence[SentToL1], messages: Sequence[dict[str, Any]], read: frozenset[int] | set[int]
) -> list[SentToL1]:
    """Each withdrawal with its ``MessagePassed`` among ``messages`` (raw logs of the message
    passer, of the blocks in ``read``): in its transaction, the best fit nearest to it, each
    message used once. A withdrawal of a block not read keeps no message (``read`` False)."""
    by_tx: dict[str, list[EventLog]] = {}
    for raw in messages:
        event = MESSAGE_DECODER.decode(raw)
        if event is not None and same_address(event.address, L2_TO_L1_MESSAGE_PASSER):
            by_tx.setdefault(event.tx_hash.lower(), []).append(event)
    matched = []
    for item in sorted(sent, key=lambda s: s.position):
        if item.block not in read:
            matched.append(item)
            continue
        pool = by_tx.get(item.tx_hash.lower(), [])
        fits = [(fit, abs(m.log_index - item.log_index), m) for m in pool if (fit := _fit(item, m))]
        if not fits:
            matched.append(replace(item, read=True))
            continue
        (_, route), _, message = min(fits, key=lambda f: (f[0][0], f[1], -f[2].log_index))
        pool.remove(message)
        withdrawal = from_message_passed(message, item.timestamp, recipient=item.recipient)
        matched.append(replace(item, read=True, route=route, withdrawal=withdrawal))
    return matched


# ---------------------------------------------------------------- reading L1


def _l1_reader(config: MonitorConfig) -> ChainReader:
    assert config.l1 is not None
    return ChainReader(HttpJsonRpc(config.l1.rpc))


def check_portals(config: MonitorConfig, reader: ChainReader | None = None) -> dict[str, PortalSettings]:
    """Each configured portal's settings, read before anything else (by chain name): `ReadError`
    (named after the L1 network) when the L1 node fails or serves another chain, `PortalError`
    (named after the chain's config entry) for a portal without code or a portal's views."""
    chains = [(i, c) for i, c in enumerate(config.chains) if checks_l1(config, c)]
    if not chains or config.l1 is None:
        return {}
    l1 = config.l1
    reader = reader or _l1_reader(config)
    settings = {}
    try:
        answered = reader.chain_id()
        if answered != l1.chain_id:
            raise ReadError(f"the node answers chain id {answered}, the config says {l1.chain_id}")
        for index, chain in chains:
            try:
                settings[chain.name] = read_portal_settings(reader, str(chain.portal))
            except PortalError as exc:
                raise PortalError(f"chains[{index}].portal ({chain.name}): {exc}") from None
    except ReadError as exc:
        raise ReadError(f"{l1.name}: {exc}") from None
    return settings


# How long after its finalization a withdrawal is kept as final (no L1 reorganisation goes deeper).
SETTLED_AFTER = 3_600


def read_l1_finality(
    config: MonitorConfig,
    ledgers: Sequence[ChainLedger],
    *,
    page_size: int = 2_000,
    progress: Progress | None = None,
    reader: ChainReader | None = None,
    store: Store | None = None,
) -> None:
    """Each chain's withdrawals to L1 read on L1 (`read_finality`, as of the L1 node's latest
    block) where the chain has a portal, and their findings added to its ledger; a chain not
    checked says why, and how many. `ReadError` named after the L1 network when its node fails.
    With a ``store``, a withdrawal it keeps as final is not read again, and one found finalized
    more than `SETTLED_AFTER` ago is kept."""
    for ledger in ledgers:
        chain = ledger.chain
        if not ledger.sent_to_l1:
            continue
        if not checks_l1(config, chain):
            ledger.unchecked = unchecked_reason(config, chain)
        else:
            reader = reader or _l1_reader(config)
            label = f"{chain.name} on L1"

            def step(_: str, done: int, total: int, label: str = label) -> None:
                if progress is not None:
                    progress(label, done, total)

            withdrawals = [s.withdrawal for s in ledger.sent_to_l1 if s.withdrawal is not None]
            portal = str(chain.portal)
            known = store.final_withdrawals(portal) if store is not None else {}
            try:
                report = read_finality(
                    reader,
                    portal,
                    [w for w in withdrawals if w.withdrawal_hash not in known],
                    page_size=page_size,
                    progress=step,
                )
                ledger.finality = _with_known(report, withdrawals, known)
                if store is not None:
                    store.save_final_withdrawals(portal, _settled(report))
            except ReadError as exc:
                raise ReadError(f"{config.l1.name if config.l1 else 'l1'}: {exc}") from None
            except PortalError as exc:
                raise PortalError(f"{chain.name}: its portal: {exc}") from None
        ledger.findings += finality_findings(ledger)


def _with_known(
    report: FinalityReport, withdrawals: Sequence[L2Withdrawal], known: dict[str, dict[str, Any]]
) -> FinalityReport:
    """``report`` (of the withdrawals not known) with the known final ones put back, every
    withdrawal once, in the order given."""
    read = {item.withdrawal.withdrawal_hash: item for item in report.items}
    items: dict[str, Finality] = {}
    for w in withdrawals:
        if w.withdrawal_hash in items:
            continue
        kept = known.get(w.withdrawal_hash)
        items[w.withdrawal_hash] = read[w.withdrawal_hash] if kept is None else _finality(kept, w)
    return replace(report, items=list(items.values()))


def _settled(report: FinalityReport) -> dict[str, dict[str, Any]]:
    """The withdrawals of ``report`` final for good: finalized (and relayed), long enough ago."""
    return {
        item.withdrawal.withdrawal_hash: asdict(item)
        for item in report.items
        if item.state == FINALIZED and report.now - (item.finalized_at or report.now) >= SETTLED_AFTER
    }


def _finality(kept: dict[str, Any], withdrawal: L2Withdrawal) -> Finality:
    """A kept finality, for ``withdrawal`` as this run read it on L2 (the hash is the same, so the
    withdrawal is; its L2 block may differ after an L2 reorganisation)."""
    fields = {k: v for k, v in kept.items() if k != "withdrawal"}
    return Finality(withdrawal=withdrawal, **fields)


# ---------------------------------------------------------------- findings


def describe(sent: SentToL1) -> str:
    """``1.500000 ETH withdrawn by the SequencerFeeVault to 0x… on L1 via the L2StandardBridge``
    (a splitter's payout: for whom, when that is not its L1 recipient)."""
    vault = sent.payer.lower() in VAULT_NAMES
    owner = "" if vault or same_address(sent.account, sent.recipient) else f" for {sent.account}"
    return (
        f"{format_eth(sent.amount)} ETH withdrawn by {sent.origin}{owner} to {sent.recipient} on L1 via the "
        f"{sent.route}"
    )


def state_of(sent: SentToL1, items: dict[str, Finality]) -> str:
    """Its state on L1, `NO_MESSAGE` (its message is missing) or `NOT_CHECKED`."""
    if sent.withdrawal is not None and sent.withdrawal.withdrawal_hash in items:
        return items[sent.withdrawal.withdrawal_hash].state
    return NO_MESSAGE if sent.read and sent.withdrawal is None else NOT_CHECKED


def finality_items(ledger: ChainLedger) -> dict[str, Finality]:
    """What L1 said of each of the chain's withdrawals, by withdrawal hash."""
    report = ledger.finality
    return {item.withdrawal.withdrawal_hash: item for item in report.items} if report else {}


def _finding(ledger: ChainLedger, sent: SentToL1, item: Finality | None) -> Finding | None:
    name = ledger.chain.name
    what = describe(sent)
    if item is None:
        if not sent.read or sent.withdrawal is not None:
            return None  # counted as not checked
        message = (
            f"{what}: no MessagePassed of the L2ToL1MessagePasser for it in its transaction, so its L1 "
            "finality cannot be read"
        )
        return Finding(name, "error", UNMATCHED_KIND, message, sent.tx_hash, sent.timestamp)
    hashed = f"withdrawal {item.withdrawal.withdrawal_hash}"
    if item.state == FAILED:
        message = f"{what}: {FAILURES[item.relay]}; finalized {utc_date(item.finalized_at or 0)}; {hashed}"
        return Finding(name, "error", FAILED_KIND, message, sent.tx_hash, sent.timestamp)
    if item.state == OVERDUE:
        stage = "proven on L1 but not finalized" if item.proofs else "not proven on L1"
        when = f"finalizable from {utc_date(item.expected_at)}"
        message = f"{what}: {stage}, long past the challenge period ({when}); {hashed}"
        return Finding(name, "warning", OVERDUE_KIND, message, sent.tx_hash, sent.timestamp)
    if item.state == PROVEN:
        when = f"finalizable from {utc_date(item.expected_at)}"
        message = f"{what}: proven on L1, not finalized yet ({when}); {hashed}"
        return Finding(name, "info", PENDING_KIND, message, sent.tx_hash, sent.timestamp)
    if item.state == IN_FLIGHT:
        when = f"finalizable from {utc_date(item.expected_at)} at the earliest"
        message = f"{what}: not proven on L1 yet ({when}); {hashed}"
        return Finding(name, "info", PENDING_KIND, message, sent.tx_hash, sent.timestamp)
    return None  # finalized: the money arrived


def finality_findings(ledger: ChainLedger) -> list[Finding]:
    """The findings of a chain's withdrawals to L1 (see the module's rules), the ones not
    checked as one finding with their count and total."""
    items = finality_items(ledger)
    found = []
    unchecked: list[SentToL1] = []
    for sent in ledger.sent_to_l1:
        item = items.get(sent.withdrawal.withdrawal_hash) if sent.withdrawal is not None else None
        finding = _finding(ledger, sent, item)
        if finding is not None:
            found.append(finding)
        elif state_of(sent, items) == NOT_CHECKED:
            unchecked.append(sent)
    if unchecked:
        why = ledger.unchecked or "their messages were not read"
        count = len(unchecked)
        message = (
            f"{count:,} withdrawal{'s' * (count != 1)} to L1, {format_eth(sum(s.amount for s in unchecked))} "
            f"ETH, not checked on L1: {why}"
        )
        found.append(
            Finding(
                ledger.chain.name, "info", UNCHECKED_KIND, message, f"block {ledger.stop}", ledger.stop_time
            )
        )
    return found
