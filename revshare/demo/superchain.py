"""A scripted Superchain on local chains, for the monitor's demo, tests and benchmark: Ethereum
L1 and OP-mode L2s, each paying the Collective its own way, with the script's own books to
compare the monitor's figures with, to the wei.

Chains take turns among three ways of paying:
- **splitter** (chain A): this project's ChainRevenueSplitter; the real 1.4.1 fee vaults from
  `@eth-optimism/contracts-bedrock` at their predeploys pay it, anyone calls `disburse()` daily,
  the Collective's share goes to its Safe on the chain;
- **fee-splitter** (chain B): OP's FeeSplitter with 1.6.0 fee vaults (test-only models from
  their published interfaces: no package ships their bytecode), plugged into this project's
  `RegistrySharesCalculator`: the chain's terms from a registry on the chain, both shares through
  `SharePayee`s, the Collective's on to its Safe;
- **manual** (chain C): 1.6.0 vault models pay the operator's wallet, which sends the Collective's
  share weekly to the Collective's Safe on L1; on `exit_day` the ProxyAdmin owner points the
  vaults at the chain's own treasury and the payments stop (an exit);
- **fee-disburser** (chain D, the way Base paid): the real 1.4.1 vaults pay a FeeDisburser (a
  test-only model of Base's), which pays the Collective's share on L2 and bridges the rest through
  the real L2StandardBridge; on `exit_day` its code is replaced by one whose "Optimism" wallet is
  the chain's treasury (Base stopped paying with a code change): its events still say
  `paidToOptimism`, but the Collective receives nothing.

Each day every vault earns a different, odd amount (the L1 fee vault a varying share), so a
mistake in classification or rounding shows in the wei. The L2s run with a base fee of 0, so the
script's own transactions add nothing to the vaults.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

from revshare.calendar import DAY
from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS, VAULT_ROLES, ZERO_ADDRESS
from revshare.demo import opstack
from revshare.demo.localnet import LocalChain, LocalNetwork
from revshare.model import split
from revshare.terminal import Log

L1_CHAIN_ID = 900
KINDS = ("splitter", "fee-splitter", "manual", "fee-disburser")
# Where the L2 bridge and messenger of a Base-style chain say their L1 counterparts are (no L1 side runs).
L1_BRIDGE_STAND_IN = "0x000000000000000000000000000000000000b1d6"
L1_MESSENGER_STAND_IN = "0x000000000000000000000000000000000000b1d7"
WITHDRAWAL_NETWORK_L2 = 1
PAY_EVERY = 7  # the manual chain's operator pays weekly
SPLITTER_VAULT_ORDER = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault", "operator_fee_vault")


@dataclass
class Books:
    """What the script did to one chain, in wei: the monitor must find the same."""

    name: str
    chain_id: int
    kind: str
    gross: int = 0
    l1_cost: int = 0
    owed: int = 0
    paid: int = 0
    payments: int = 0
    unpaid: int = 0  # the manual chain's owed since its last payment

    @property
    def balance(self) -> int:
        return self.owed - self.paid


@dataclass
class ScriptedChain:
    name: str
    kind: str
    node: LocalChain
    index: int
    treasury: str
    operator: str
    splitter: str | None = None
    registry: str | None = None  # the splitter's (or the calculator's) ChainRegistry
    collective_payee: str | None = None  # the registry-driven calculator's payee of the Collective
    disburser: str | None = None
    books: Books = field(init=False)

    def __post_init__(self) -> None:
        self.books = Books(self.name, self.node.chain_id, self.kind)


@dataclass
class Superchain:
    """The running chains, the addresses the monitor config needs, and the script's books."""

    network: LocalNetwork
    chains: list[ScriptedChain]
    collective_l1: str
    collective_l2: str
    governance: str
    exit_day: int
    start_time: int
    days: int = 0

    @property
    def books(self) -> dict[str, Books]:
        return {c.name: c.books for c in self.chains}

    def config(self) -> dict[str, Any]:
        """The monitor config for these chains (loaded-YAML data)."""
        entries = []
        for chain in self.chains:
            entry: dict[str, Any] = {
                "name": chain.name,
                "chain_id": chain.node.chain_id,
                "rpc": chain.node.uri,
            }
            if chain.kind == "splitter":
                entry.update(splitters=[chain.splitter], fee_splitter=False)
            elif chain.kind == "manual":
                entry.update(senders=[chain.operator], fee_splitter=False)
            elif chain.kind == "fee-disburser":
                entry.update(fee_disbursers=[chain.disburser], fee_splitter=False)
            elif chain.collective_payee is not None:  # the FeeSplitter pays the Collective's payee
                entry.update(collective_receivers=[chain.collective_payee])
            entries.append(entry)
        return {
            "collective": {"l1_receivers": [self.collective_l1], "l2_receivers": [self.collective_l2]},
            "l1": {"name": "ethereum", "chain_id": self.network.l1.chain_id, "rpc": self.network.l1.uri},
            "chains": entries,
        }

    def write_config(self, path: Path) -> Path:
        import yaml

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        return path


def fees(day: int, index: int) -> dict[str, int]:
    """What each vault of chain ``index`` earns on ``day``: uneven amounts, never round."""
    seed = 1_000_003 * (day + 1) + 7_919 * (index + 1)
    sequencer = (3 + seed % 5) * 10**17 + seed * 1_234_567
    base = (1 + seed % 3) * 10**17 + seed * 7_654_321
    return {
        "sequencer_fee_vault": sequencer,
        "base_fee_vault": base,
        "operator_fee_vault": seed * 98_765_431,
        "l1_fee_vault": (sequencer + base) * (20 + seed % 75) // 100,  # some days the gross rule wins
    }


def noon_after(now: int, days: int = 2) -> int:
    """Noon UTC ``days`` days after ``now``'s date: every scripted day's blocks fall in one UTC day."""
    midnight = datetime.fromtimestamp(now, tz=timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp()) + days * DAY + DAY // 2


def local_network(chains: int = 3, state_dir: Path | None = None) -> LocalNetwork:
    """An L1 (chain id 900) and ``chains`` OP-mode L2s (901, 902, ...) with a base fee of 0."""
    return LocalNetwork(
        L1_CHAIN_ID, range(L1_CHAIN_ID + 1, L1_CHAIN_ID + 1 + chains), state_dir=state_dir, base_fee=0
    )


def build_superchain(network: LocalNetwork, *, exit_day: int = 30, log: Log = lambda _: None) -> Superchain:
    """Deploy everything on a started local network: the Collective's Safes, and on each L2 its
    way of paying (by turns: splitter, fee-splitter, manual)."""
    l1 = network.l1
    accounts = l1.accounts()
    governance = accounts[0]
    log(f"the Collective's Safes on L1 and on {len(network.l2s)} L2s")
    collective_l1 = opstack.deploy_safe(l1, [governance], 1, governance, salt_nonce=0)
    l2_safes = {opstack.deploy_safe(node, [governance], 1, governance, salt_nonce=0) for node in network.l2s}
    if len(l2_safes) != 1:
        raise RuntimeError(f"the Collective's L2 Safes landed at different addresses: {sorted(l2_safes)}")
    collective_l2 = l2_safes.pop()
    chains = []
    for index, node in enumerate(network.l2s):
        kind = KINDS[index % len(KINDS)]
        name = f"chain-{chr(ord('a') + index)}" if index < 26 else f"chain-{index}"
        # Each manual chain's operator pays from its own wallet on L1 (impersonated there).
        operator = accounts[1] if index == 2 else _operator_address(index)
        chain = ScriptedChain(name, kind, node, index, treasury=accounts[3 + index % 6], operator=operator)
        if kind == "manual" and operator not in accounts:
            l1.request("anvil_impersonateAccount", [operator])
            l1.set_balance(operator, 10**24)
        opstack.install_message_passer(node)
        opstack.install_proxy_admin(node, governance)
        log(f"{name} ({node.chain_id}): pays by {kind}")
        if kind == "splitter":
            chain.registry, chain.splitter = _install_splitter(
                node, governance, collective_l2, chain.treasury
            )
        elif kind == "fee-splitter":
            chain.registry = _registry(node, governance, collective_l2, chain.treasury)
            calculator = node.deploy(
                "RegistrySharesCalculator", chain.registry, node.chain_id, sender=governance
            )
            chain.collective_payee = node.call(calculator, "COLLECTIVE_PAYEE()(address)")
            _install_model_vaults(node, FEE_SPLITTER, governance)
            node.set_code(FEE_SPLITTER, node.runtime_code("FeeSplitterModel"))
            node.transact(FEE_SPLITTER, "initialize(address)", [calculator], sender=governance)
        elif kind == "manual":
            _install_model_vaults(node, chain.operator, governance)
        else:
            chain.disburser = _install_disburser(node, governance, collective_l2, chain.treasury)
        chains.append(chain)
    latest = max(int(node.block()["timestamp"], 16) for node in network)
    return Superchain(network, chains, collective_l1, collective_l2, governance, exit_day, noon_after(latest))


def _operator_address(index: int) -> str:
    from eth_utils import keccak, to_checksum_address

    return to_checksum_address(keccak(text=f"operator of chain {index}")[12:])


def _registry(node: LocalChain, governance: str, collective: str, treasury: str) -> str:
    """A ChainRegistry on the chain with the chain registered under the default terms."""
    registry = node.deploy("ChainRegistry", governance, collective, ZERO_ADDRESS, sender=governance)
    node.transact(
        registry,
        "registerChain(uint256,address,uint16,uint16,bytes32)",
        [node.chain_id, treasury, 250, 1500, b"\x00" * 32],
        sender=governance,
    )
    return registry


def _install_splitter(node: LocalChain, governance: str, collective: str, treasury: str) -> tuple[str, str]:
    """A registry with the chain, the real 1.4.1 vaults paying the splitter, then the splitter
    (deployed where the vaults, whose recipient is immutable, already pay); (registry, splitter)."""
    registry = _registry(node, governance, collective, treasury)
    nonce = int(node.request("eth_getTransactionCount", [governance, "latest"]), 16)
    from revshare.deploying.deploy import create_address

    splitter = create_address(governance, nonce)
    opstack.install_legacy_vaults(node, {role: splitter for role in VAULT_ROLES})
    vaults = tuple(PREDEPLOY_VAULTS[role] for role in SPLITTER_VAULT_ORDER)
    deployed = node.deploy("ChainRevenueSplitter", registry, node.chain_id, vaults, DAY, sender=governance)
    if deployed.lower() != splitter.lower():
        raise RuntimeError(f"the splitter landed at {deployed}, its vaults pay {splitter}")
    return registry, deployed


def _install_disburser(node: LocalChain, governance: str, collective: str, treasury: str) -> str:
    """Base's set-up: the real withdrawal path, the real 1.4.1 vaults paying a FeeDisburser (the
    operator vault at its default, paying the BaseFeeVault), then the FeeDisburser where they pay."""
    from revshare.deploying.deploy import create_address

    opstack.install_withdrawal_path(node, L1_BRIDGE_STAND_IN, L1_MESSENGER_STAND_IN, sender=governance)
    nonce = int(node.request("eth_getTransactionCount", [governance, "latest"]), 16)
    disburser = create_address(governance, nonce)
    roles = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault")
    opstack.install_legacy_vaults(node, {role: disburser for role in roles})
    deployed = node.deploy("FeeDisburserModel", collective, treasury, DAY, sender=governance)
    if deployed.lower() != disburser.lower():
        raise RuntimeError(f"the FeeDisburser landed at {deployed}, its vaults pay {disburser}")
    return deployed


def _install_model_vaults(node: LocalChain, recipient: str, sender: str) -> None:
    code = node.runtime_code("FeeVaultModel")
    for vault in PREDEPLOY_VAULTS.values():
        node.set_code(vault, code)
        node.transact(
            vault, "initialize(address,uint256,uint8)", [recipient, 0, WITHDRAWAL_NETWORK_L2], sender=sender
        )


def run_days(
    superchain: Superchain,
    days: int,
    *,
    log: Log = lambda _: None,
    after_day: Callable[[int], None] | None = None,
) -> None:
    """Script ``days`` more days: the vaults earn, each chain settles its way, the books follow."""
    governance = superchain.governance
    last = superchain.days + days - 1
    for day in range(superchain.days, last + 1):
        noon = superchain.start_time + day * DAY
        for node in superchain.network:
            node.mine(noon)
        # The L2s are separate nodes: script them side by side; L1 payments after, in order.
        with ThreadPoolExecutor(max_workers=min(8, len(superchain.chains))) as pool:
            one_day = partial(_day, superchain, day=day, governance=governance)
            payments = list(pool.map(one_day, superchain.chains))
        for chain, amount in zip(superchain.chains, payments, strict=True):
            if amount:
                _next_second(superchain.network.l1).transfer(
                    superchain.collective_l1, amount, sender=chain.operator
                )
        superchain.days = day + 1
        if after_day is not None:
            after_day(day)
        if day % 10 == 9 or day == last:
            log(f"day {day + 1} scripted")


def _next_second(node: LocalChain) -> LocalChain:
    """Pin the next block one second after the latest: the script's times never depend on the
    wall clock, so a daily disbursement is always exactly a day after the one before."""
    node.set_next_timestamp(int(node.block()["timestamp"], 16) + 1)
    return node


def _day(superchain: Superchain, chain: ScriptedChain, *, day: int, governance: str) -> int:
    """One chain's day; what its operator pays the Collective on L1 that day (0: nothing)."""
    node, books = chain.node, chain.books
    earned = fees(day, chain.index)
    for role, amount in earned.items():
        vault = str(PREDEPLOY_VAULTS[role])
        node.set_balance(vault, node.balance(vault) + amount)
    gross = sum(earned.values())
    l1_cost = earned["l1_fee_vault"]
    owed = split(gross, l1_cost).collective
    books.gross += gross
    books.l1_cost += l1_cost
    books.owed += owed
    if chain.kind == "splitter":
        _next_second(node).transact(str(chain.splitter), "disburse()", sender=governance)
        books.paid += owed
        books.payments += 1
    elif chain.kind == "fee-splitter":
        _next_second(node).transact(FEE_SPLITTER, "disburseFees()", sender=governance)
        books.paid += owed
        books.payments += 1
    elif chain.kind == "fee-disburser":
        if day == superchain.exit_day:  # the code change: "Optimism" is now the chain's treasury
            node.set_code(
                str(chain.disburser),
                node.runtime_code("FeeDisburserModel", chain.treasury, chain.treasury, DAY),
            )
        _next_second(node).transact(
            str(PREDEPLOY_VAULTS["operator_fee_vault"]), "withdraw()", sender=governance
        )
        _next_second(node).transact(str(chain.disburser), "disburseFees()", sender=governance)
        if day < superchain.exit_day:
            books.paid += owed
            books.payments += 1
    else:
        if day == superchain.exit_day:
            for vault in PREDEPLOY_VAULTS.values():
                _next_second(node).transact(
                    str(vault), "setRecipient(address)", [chain.treasury], sender=governance
                )
        for vault in PREDEPLOY_VAULTS.values():
            _next_second(node).transact(str(vault), "withdraw()", sender=governance)
        books.unpaid += owed
        if day < superchain.exit_day and day % PAY_EVERY == PAY_EVERY - 1:
            paying, books.unpaid = books.unpaid, 0
            books.paid += paying
            books.payments += 1
            return paying
    return 0


def monitor_checks(superchain: Superchain, ledgers: list[Any]) -> list[tuple[str, int, int]]:
    """(label, monitor's figure, script's figure) for every chain's gross, L1 cost, owed and paid."""
    checks = []
    found = {ledger.chain.name: ledger for ledger in ledgers}
    for name, books in superchain.books.items():
        ledger = found[name]
        for label, seen, done in (
            ("gross", ledger.gross, books.gross),
            ("L1 cost", ledger.l1_cost, books.l1_cost),
            ("owed", ledger.owed, books.owed),
            ("paid", ledger.paid, books.paid),
        ):
            checks.append((f"{name} {label}: monitor = script", seen, done))
    return checks
