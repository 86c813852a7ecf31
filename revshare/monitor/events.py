"""The events the monitor reads, by who emits them, and what it asks each node for.

Fee vaults of both generations emit a 3-argument and a 4-argument ``Withdrawal`` for each
withdrawal (the monitor counts the withdrawal once); 1.6.0+ vaults also announce changes of their
recipient, minimum and withdrawal network. Payments are read from this project's splitters, OP's
FeeSplitter predeploy, Base-style FeeDisbursers, and the ``SafeReceived`` events of the
Collective's Safes. A shared splitter's events (`revshare.chain.shared.SHARED_EVENTS`: its
epochs, settlements, disputes and claims) are read from the network it lives on, as a source of
their own. This project's splitters announce each payout sent to L1 (`L1_WITHDRAWAL_INITIATED`,
the shared splitter's claims too); the L2ToL1MessagePasser's ``MessagePassed`` of the blocks
where a vault or a splitter started a withdrawal to L1 is read block by block
(`MESSAGE_SOURCE`): it carries the withdrawal's hash, which the OptimismPortal names on L1.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from revshare.chain.addresses import FEE_SPLITTER, L2_TO_L1_MESSAGE_PASSER, PREDEPLOY_VAULTS
from revshare.chain.finality import MESSAGE_PASSED
from revshare.chain.reader import EventDecoder, event_abi, topic_of
from revshare.chain.shared import L1_WITHDRAWAL_INITIATED, SHARED_DECODER
from revshare.monitor.config import MonitorConfig, Network, SharedSplitter, WatchedChain

WITHDRAWAL_3 = "Withdrawal(uint256 value, address to, address from)"
WITHDRAWAL_4 = "Withdrawal(uint256 value, address to, address from, uint8 withdrawalNetwork)"
RECIPIENT_UPDATED = "RecipientUpdated(address oldRecipient, address newRecipient)"
MINIMUM_UPDATED = "MinWithdrawalAmountUpdated(uint256 oldWithdrawalAmount, uint256 newWithdrawalAmount)"
NETWORK_UPDATED = "WithdrawalNetworkUpdated(uint8 oldWithdrawalNetwork, uint8 newWithdrawalNetwork)"
VAULT_EVENTS = (WITHDRAWAL_3, WITHDRAWAL_4, RECIPIENT_UPDATED, MINIMUM_UPDATED, NETWORK_UPDATED)

# OP's FeeSplitter predeploy (ShareInfo is (address recipient, uint256 amount)).
SPLITTER_FEES_DISBURSED = "FeesDisbursed((address,uint256)[] shareInfo, uint256 grossRevenue)"
FEES_RECEIVED = "FeesReceived(address indexed sender, uint256 amount, uint256 newBalance)"
CALCULATOR_UPDATED = "SharesCalculatorUpdated(address oldSharesCalculator, address newSharesCalculator)"
INTERVAL_UPDATED = (
    "FeeDisbursementIntervalUpdated(uint128 oldFeeDisbursementInterval, uint128 newFeeDisbursementInterval)"
)
FEE_SPLITTER_EVENTS = (SPLITTER_FEES_DISBURSED, FEES_RECEIVED, CALCULATOR_UPDATED, INTERVAL_UPDATED)

# Base's FeeDisburser of the revenue-share era.
DISBURSER_FEES_DISBURSED = (
    "FeesDisbursed(uint256 disbursementTime, uint256 paidToOptimism, uint256 totalFeesDisbursed)"
)

# This project's ChainRevenueSplitter.
DISBURSED = (
    "Disbursed(uint256 indexed chainId, address indexed asset, uint256 indexed disbursementId, "
    "uint256 gross, uint256 l1Cost, uint256 collectiveShare, uint256 chainShare, uint16 grossBps, "
    "uint16 netBps, bool netRuleApplied)"
)

# Safe (1.3.0 and later) on every incoming ETH transfer.
SAFE_RECEIVED = "SafeReceived(address indexed sender, uint256 value)"

# The caller's reward out of a disbursement's revenue, before the split (the registry's keeper reward).
KEEPER_REWARDED = (
    "KeeperRewarded(uint256 indexed disbursementId, address indexed asset, address indexed keeper, "
    "uint256 amount)"
)

CONTRACT_EVENTS = (
    *VAULT_EVENTS,
    *FEE_SPLITTER_EVENTS,
    DISBURSER_FEES_DISBURSED,
    DISBURSED,
    KEEPER_REWARDED,
    L1_WITHDRAWAL_INITIATED,  # a splitter's payout sent to L1 (a shared splitter's claims emit it too)
)
DECODER = EventDecoder(event_abi(e) for e in (*CONTRACT_EVENTS, SAFE_RECEIVED))
SIGNATURE = {
    declaration: event_abi(declaration).selector for declaration in (*CONTRACT_EVENTS, SAFE_RECEIVED)
}


def _topic_address(address: str) -> str:
    return "0x" + "00" * 12 + address[2:].lower()


@dataclass(frozen=True)
class Source:
    """One ``eth_getLogs`` filter read from ``start`` on; its key changes when the filter does,
    so a changed config reads the changed part from the start and nothing else again."""

    name: str
    addresses: tuple[str, ...]
    topics: tuple[tuple[str, ...] | None, ...]
    start: int

    @property
    def key(self) -> str:
        text = json.dumps([self.name, sorted(a.lower() for a in self.addresses), self.topics, self.start])
        return f"{self.name}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


# The message passer's record of every withdrawal started on the chain, read only for the blocks
# where the monitor saw one start (the predeploy serves every user of the chain), each block once.
MESSAGE_SOURCE = Source("message-passer", (L2_TO_L1_MESSAGE_PASSER,), ((topic_of(MESSAGE_PASSED),),), 0)


def chain_contracts(chain: WatchedChain) -> tuple[str, ...]:
    """Every contract of a chain whose events the monitor reads."""
    vaults = tuple(a for a in PREDEPLOY_VAULTS.values() if a is not None)
    fee_splitter = () if chain.fee_splitter is False else (FEE_SPLITTER,)
    return (*vaults, *fee_splitter, *chain.splitters, *chain.fee_disbursers)


def l2_receivers(config: MonitorConfig, chain: WatchedChain) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*config.l2_receivers, *chain.collective_receivers)))


def _safe_source(receivers: tuple[str, ...], payers: list[str] | tuple[str, ...], start: int) -> list[Source]:
    """ETH into the Collective's Safes from the given payers (none to read without both)."""
    if not receivers or not payers:
        return []
    return [
        Source(
            "safe", receivers, ((topic_of(SAFE_RECEIVED),), tuple(_topic_address(p) for p in payers)), start
        )
    ]


def shared_on(config: MonitorConfig, network: Network) -> tuple[SharedSplitter, ...]:
    """The shared splitters living on ``network``."""
    return tuple(s for s in config.shared_splitters if s.network.chain_id == network.chain_id)


def _shared_sources(config: MonitorConfig, network: Network) -> list[Source]:
    """Every event of the shared splitters living on ``network``, one filter for all of them."""
    addresses = tuple(s.address for s in shared_on(config, network))
    if not addresses:
        return []
    return [Source("shared", addresses, (tuple(SHARED_DECODER.topics),), network.start_block)]


def sources_of(config: MonitorConfig, network: Network) -> list[Source]:
    """What to read from one network's node."""
    shared = _shared_sources(config, network)
    if config.l1 is not None and network is config.l1:
        senders = sorted({s for chain in config.chains for s in chain.senders}, key=str.lower)
        return [*_safe_source(config.l1_receivers, senders, network.start_block), *shared]
    chain = next(c for c in config.chains if c.network is network)
    contracts = Source(
        "contracts",
        chain_contracts(chain),
        (tuple(topic_of(e) for e in CONTRACT_EVENTS),),
        network.start_block,
    )
    # On the chain, from its senders (payments by hand) and its FeeDisbursers (what confirms
    # their own word for what they paid).
    payers = (*chain.senders, *chain.fee_disbursers)
    return [contracts, *_safe_source(l2_receivers(config, chain), payers, network.start_block), *shared]
