"""A shared sequencer on the local lab (`localnet`): OP-mode L2s whose real bedrock 1.4.1 fee vaults
(all four, from `@eth-optimism/contracts-bedrock`) withdraw to the operator's collection address,
and on one of them a `ChainRegistry` with every served chain registered and this project's
`SharedSequencerSplitter`, to which the operator (its reporter, the collection address itself)
reports epochs: honestly, or shifting revenue from one chain to another. The script keeps its own
books of every withdrawal, so the monitor's attribution check can be compared with them.

    with local_network(3) as network:
        lab = build_shared_lab(network)
        collect_day(lab)
        report_epoch(lab)                                  # honest
        collect_day(lab)
        report_epoch(lab, shift=(902, 903, 10**17))        # 0.1 ETH of 902's revenue attributed to 903
        claim_all(lab)
        run_monitor(parse_monitor_config(lab.config()), out)

The Collective's claims leave for L1 through the message passer (its registry destination), the
chains' and the operator fee recipient's are paid on L2. With a dispute window set
(`set_dispute_window`), `dispute_and_correct` has the treasury of the chain that lost revenue
dispute an epoch and governance correct it to what the vaults paid (a compensating report).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import ETH_ASSET, PREDEPLOY_VAULTS, VAULT_ROLES, ZERO_ADDRESS
from revshare.chain.reader import ChainReader
from revshare.chain.routes import DEFAULT_L1_GAS_LIMIT, Route
from revshare.chain.shared import SharedEpoch, epoch_by_id, read_shared_epochs
from revshare.demo import opstack
from revshare.demo.localnet import LocalChain, LocalNetwork, abi_method
from revshare.demo.superchain import fees, noon_after
from revshare.terminal import Log

OPERATOR_FEE_BPS = 100  # 1% of each chain's gross for the sequencer operator
SHARED_NAME = "shared-sequencer"
REPORT_ENTRY = "reportEpoch(uint256,uint64,(uint256,uint256,uint256)[])"
EPOCH_GAP = 3_600  # seconds from a day's last withdrawal to the end of the window reported
DISPUTE_WINDOW = 3_600  # seconds an epoch may be disputed after its report, once set


@dataclass(frozen=True)
class Collected:
    """One withdrawal to the collection address, as the script made it."""

    chain_id: int
    vault: str
    value: int
    timestamp: int

    @property
    def l1_fee_vault(self) -> bool:
        return self.vault.lower() == str(PREDEPLOY_VAULTS["l1_fee_vault"]).lower()


@dataclass(frozen=True)
class LabEpoch:
    """One epoch the script reported: its window, what each chain's vaults paid in it (the
    script's books) and what the report attributed."""

    epoch: int
    window_start: int
    window_end: int
    observed: dict[int, tuple[int, int]]  # chain id -> (gross, L1 fee vault part)
    attributed: dict[int, tuple[int, int]]  # chain id -> (gross, L1 cost)
    tx_hash: str
    corrected: bool = False  # disputed and corrected by governance to what was observed

    @property
    def honest(self) -> bool:
        return self.observed == self.attributed


@dataclass
class SharedLab:
    network: LocalNetwork
    host: LocalChain
    served: list[LocalChain]
    names: dict[int, str]
    governance: str
    collection: str  # the operator's collection address, also its reporter
    fee_recipient: str
    collective_l2: str
    collective_l1: str
    treasuries: dict[int, str]
    registry: str
    splitter: str
    start_time: int
    days: int = 0
    collected: list[Collected] = field(default_factory=list)
    epochs: list[LabEpoch] = field(default_factory=list)

    @property
    def window_end(self) -> int:
        """The end of the last window reported (0 before the first)."""
        return self.epochs[-1].window_end if self.epochs else 0

    def observed(self, start: int, end: int) -> dict[int, tuple[int, int]]:
        """Per served chain: (gross, L1 fee vault part) its vaults paid the collection address in
        the window (start, end]."""
        found: dict[int, tuple[int, int]] = {}
        for w in self.collected:
            if start < w.timestamp <= end:
                gross, l1 = found.get(w.chain_id, (0, 0))
                found[w.chain_id] = (gross + w.value, l1 + (w.value if w.l1_fee_vault else 0))
        return found

    def config(self, *, name: str = SHARED_NAME) -> dict[str, Any]:
        """The monitor config (loaded-YAML data): every L2 of the network, the shared splitter on
        its host, serving the chains."""
        chains = [
            {
                "name": self.names[node.chain_id],
                "chain_id": node.chain_id,
                "rpc": node.uri,
                "fee_splitter": False,
            }
            for node in self.network.l2s
        ]
        return {
            "collective": {"l1_receivers": [self.collective_l1], "l2_receivers": [self.collective_l2]},
            "l1": {"name": "ethereum", "chain_id": self.network.l1.chain_id, "rpc": self.network.l1.uri},
            "chains": chains,
            "shared_splitters": [
                {
                    "name": name,
                    "network": self.names[self.host.chain_id],
                    "address": self.splitter,
                    "collection": self.collection,
                    "serves": [self.names[node.chain_id] for node in self.served],
                }
            ],
        }


def _address(label: str) -> str:
    return to_checksum_address(keccak(text=label)[12:])


def build_shared_lab(
    network: LocalNetwork,
    *,
    host: int | None = None,
    served: tuple[int, ...] | None = None,
    log: Log = lambda _: None,
) -> SharedLab:
    """On a started network (`superchain.local_network`): every served L2 (default: all) gets the
    real 1.4.1 fee vaults paying the collection address on L2; the host L2 (default: the first) a
    ChainRegistry with them registered (default terms) and a SharedSequencerSplitter with a 1%
    operator fee, the collection address as its reporter, and the Collective's claims routed to L1."""
    host_node = network[host] if host is not None else network.l2s[0]
    served_nodes = [network[i] for i in served] if served is not None else list(network.l2s)
    accounts = host_node.accounts()
    governance, collection = accounts[0], accounts[2]
    names = {node.chain_id: f"chain-{chr(ord('a') + i)}" for i, node in enumerate(network.l2s)}
    treasuries = {node.chain_id: _address(f"treasury of {node.chain_id}") for node in served_nodes}
    collective_l2, collective_l1 = _address("the Collective on L2"), _address("the Collective on L1")
    fee_recipient = _address("the sequencer operator's fee")
    for node in served_nodes:
        log(f"{names[node.chain_id]} ({node.chain_id}): the bedrock fee vaults pay the collection address")
        opstack.install_legacy_vaults(node, {role: collection for role in VAULT_ROLES})
    opstack.install_message_passer(host_node)
    registry = host_node.deploy("ChainRegistry", governance, collective_l2, ZERO_ADDRESS, sender=governance)
    for node in served_nodes:
        host_node.transact(
            registry,
            "registerChain(uint256,address,uint16,uint16,bytes32)",
            [node.chain_id, treasuries[node.chain_id], 250, 1500, b"\x00" * 32],
            sender=governance,
        )
    host_node.transact(
        registry,
        "setDestination(address,(uint8,address,uint32,uint128))",
        [collective_l2, (int(Route.L1_MESSAGE_PASSER), collective_l1, DEFAULT_L1_GAS_LIMIT, 0)],
        sender=governance,
    )
    splitter = host_node.deploy(
        "SharedSequencerSplitter", registry, collection, fee_recipient, OPERATOR_FEE_BPS, sender=governance
    )
    log(f"{names[host_node.chain_id]}: ChainRegistry {registry}, SharedSequencerSplitter {splitter}")
    latest = max(int(node.block()["timestamp"], 16) for node in network)
    return SharedLab(
        network=network,
        host=host_node,
        served=served_nodes,
        names=names,
        governance=governance,
        collection=collection,
        fee_recipient=fee_recipient,
        collective_l2=collective_l2,
        collective_l1=collective_l1,
        treasuries=treasuries,
        registry=registry,
        splitter=splitter,
        start_time=noon_after(latest),
    )


def _next_second(node: LocalChain) -> LocalChain:
    node.set_next_timestamp(int(node.block()["timestamp"], 16) + 1)
    return node


def collect_day(lab: SharedLab) -> None:
    """One day at noon on every chain: each served chain's vaults earn (uneven amounts) and are
    withdrawn to the collection address, one second apart."""
    noon = lab.start_time + lab.days * 86_400
    for node in lab.network:
        node.mine(noon)
    for index, node in enumerate(lab.served):
        for role, amount in fees(lab.days, index).items():
            vault = str(PREDEPLOY_VAULTS[role])
            node.set_balance(vault, node.balance(vault) + amount)
            receipt = _next_second(node).transact(vault, "withdraw()")
            when = int(node.block(int(receipt["blockNumber"], 16))["timestamp"], 16)
            lab.collected.append(Collected(node.chain_id, vault, amount, when))
    lab.days += 1


def report_epoch(lab: SharedLab, *, shift: tuple[int, int, int] | None = None) -> LabEpoch:
    """Report the next epoch: its window ends `EPOCH_GAP` seconds after the latest block of any
    chain, every chain is mined at that time (their clocks reach the window's end) and the
    operator pays in what it attributes: what each chain's vaults paid in the window, its L1 fee
    vault's part as the L1 cost; ``shift=(from_chain, to_chain, wei)`` attributes ``wei`` of the
    first chain's gross to the second (the total stays what was collected)."""
    end = max(int(node.block()["timestamp"], 16) for node in lab.network) + EPOCH_GAP
    for node in lab.network:
        node.mine(end)
    observed = lab.observed(lab.window_end, end)
    attributed = dict(observed)
    if shift is not None:
        source, target, amount = shift
        gross, l1 = attributed[source]
        attributed[source] = (gross - amount, min(l1, gross - amount))
        other = attributed.get(target, (0, 0))
        attributed[target] = (other[0] + amount, other[1])
    revenues = [(chain_id, gross, l1) for chain_id, (gross, l1) in sorted(attributed.items())]
    epoch = len(lab.epochs) + 1
    receipt = _next_second(lab.host).transact(
        lab.splitter,
        REPORT_ENTRY,
        [epoch, end, revenues],
        sender=lab.collection,
        value=sum(gross for _, gross, _ in revenues),
    )
    reported = LabEpoch(epoch, lab.window_end, end, observed, attributed, str(receipt["transactionHash"]))
    lab.epochs.append(reported)
    return reported


def set_dispute_window(lab: SharedLab, seconds: int = DISPUTE_WINDOW) -> None:
    """Governance sets the dispute window for the epochs reported from now on."""
    lab.host.transact(lab.splitter, "setDisputeWindow(uint32)", [seconds], sender=lab.governance)


def shared_epoch(lab: SharedLab, number: int) -> SharedEpoch:
    """Epoch ``number`` as the splitter's logs tell it."""
    return epoch_by_id(read_shared_epochs(ChainReader(lab.host.request), lab.splitter), number)


def dispute_and_correct(lab: SharedLab, number: int, chain_id: int) -> None:
    """The treasury of ``chain_id`` disputes epoch ``number`` (within its dispute window), then
    governance corrects it to what each chain's vaults paid in its window (nothing added)."""
    host, treasury = lab.host, lab.treasuries[chain_id]
    facts = shared_epoch(lab, number).facts()
    host.request("anvil_impersonateAccount", [treasury])
    host.set_balance(treasury, 10**18)
    method = abi_method("SharedSequencerSplitter", "disputeEpoch")
    _next_second(host).transact(lab.splitter, method, [number, chain_id, facts], sender=treasury)
    index = next(i for i, e in enumerate(lab.epochs) if e.epoch == number)
    observed = lab.epochs[index].observed
    corrected = [(cid, gross, l1) for cid, (gross, l1) in sorted(observed.items())]
    method = abi_method("SharedSequencerSplitter", "correctEpoch")
    _next_second(host).transact(lab.splitter, method, [number, facts, corrected, 0], sender=lab.governance)
    lab.epochs[index] = replace(lab.epochs[index], corrected=True)


def claim_all(lab: SharedLab) -> dict[str, int]:
    """Every served chain's treasury, the Collective (to L1) and the operator fee recipient claim
    (once the last epoch's dispute window closed); {who: amount claimed} for those with a balance."""
    host, claimed = lab.host, {}
    opens = host.call(lab.splitter, "claimsOpenAt()(uint256)")
    if int(host.block()["timestamp"], 16) < opens:
        host.mine(opens)
    for node in lab.served:
        amount = host.call(
            lab.splitter, "chainClaimable(address,uint256)(uint256)", [ETH_ASSET, node.chain_id]
        )
        if amount:
            _next_second(host).transact(
                lab.splitter, "claimChain(address,uint256)", [ETH_ASSET, node.chain_id]
            )
            claimed[f"{lab.names[node.chain_id]} treasury"] = amount
    for who, account in (("Collective", lab.collective_l2), ("operator fee recipient", lab.fee_recipient)):
        amount = host.call(lab.splitter, "accountClaimable(address,address)(uint256)", [ETH_ASSET, account])
        if amount:
            _next_second(host).transact(lab.splitter, "claim(address,address)", [ETH_ASSET, account])
            claimed[who] = amount
    return claimed


def script_shared_lab(
    network: LocalNetwork,
    epochs: Mapping[int, tuple[int, int, int] | None],
    *,
    corrected: Collection[int] = (),
    days_per_epoch: int = 1,
    claim: bool = True,
    log: Log = lambda _: None,
) -> SharedLab:
    """The whole scene: the lab built, then for each epoch in order (``{1: None, 2: (902, 903,
    10**17)}``: epoch 1 honest, epoch 2 shifting 0.1 ETH from 902 to 903) ``days_per_epoch`` days of
    withdrawals and its report; the epochs in ``corrected`` (shifted ones) are disputed by the
    treasury of the chain that lost and corrected by governance (a dispute window is set first);
    then every balance claimed."""
    lab = build_shared_lab(network, log=log)
    if corrected:
        set_dispute_window(lab)
    for number in sorted(epochs):
        for _ in range(days_per_epoch):
            collect_day(lab)
        shift = epochs[number]
        reported = report_epoch(lab, shift=shift)
        log(f"epoch {reported.epoch} reported ({'honest' if reported.honest else 'misattributed'})")
        if number in corrected and shift is not None:
            dispute_and_correct(lab, number, shift[0])
            log(f"epoch {number} disputed by {lab.names[shift[0]]}'s treasury, corrected by governance")
    if claim:
        claim_all(lab)
    return lab


def attribution_checks(
    lab: SharedLab, ledger: Any, *, shifted: int, corrected: bool
) -> list[tuple[str, int, int]]:
    """Wei-level checks of what the monitor said of the lab's shared splitter (`ledger`, a
    `monitor.shared.SharedLedger`): every honest epoch's rows have difference 0, the shifted epoch's
    victim and beneficiary differ by the shift (until corrected, then by 0), and the splitter's
    balance is what was paid in minus what was claimed."""
    checks: list[tuple[str, int, int]] = []
    rows = ledger.attribution.rows
    for epoch in lab.epochs:
        mine = [r for r in rows if r.epoch == epoch.epoch]
        want = {cid: gross for cid, (gross, _) in epoch.attributed.items()}
        if epoch.epoch == shifted and corrected:
            want = {cid: gross for cid, (gross, _) in epoch.observed.items()}
        for row in mine:
            seen = lab.observed(epoch.window_start, epoch.window_end).get(row.chain_id, (0, 0))[0]
            checks.append(
                (
                    f"epoch {epoch.epoch}, {row.chain}: observed = the script's withdrawals",
                    row.observed_gross or 0,
                    seen,
                )
            )
            checks.append(
                (
                    f"epoch {epoch.epoch}, {row.chain}: attributed - observed",
                    row.difference or 0,
                    want.get(row.chain_id, 0) - seen,
                )
            )
    paid_in = sum(sum(g for g, _ in e.attributed.values()) for e in lab.epochs)
    claimed = ledger.claimed
    checks.append(("shared splitter: balance = paid in - claimed", ledger.balance or 0, paid_in - claimed))
    return checks
