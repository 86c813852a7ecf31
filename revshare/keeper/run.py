"""What the keeper does for each configured target: ask the node whether its disbursement would
go through now (an `eth_call` from the keeper's address: exact, whatever the contract's rules
are), and if so and sending is on, send it and wait for the receipt. Transient node failures and
a transaction that does not land are retried with backoff, each retry checking again from the
start (someone else may have disbursed meanwhile). Each target ends as one `Outcome`.

The contracts' own errors say why a disbursement is not due: the interval (`DisbursementTooSoon`,
the FeeSplitter's `FeeSplitter_DisbursementIntervalNotReached`), nothing collected, a pause or an
inactive chain (all normal: nothing failed), or anything else (a vault pointing elsewhere, an
unknown revert: the keeper failed for that target).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from eth_abi import decode, encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from revshare.artifacts import abi_of
from revshare.calendar import utc_date
from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS
from revshare.chain.rpc import (
    Backoff,
    HttpJsonRpc,
    NodeError,
    Request,
    is_transient,
    one_line,
    wait_for_receipt,
)
from revshare.keeper.config import KeeperConfig, KeeperNetwork
from revshare.terminal import exact_eth, short_address

ZERO = "0x" + "00" * 20
RECEIPT_TIMEOUT = 120.0  # seconds to wait for a sent transaction to be mined
GAS_MARGIN = 1.3  # over the node's estimate: payouts check the gas left before each call

# Statuses; only FAILED makes the run fail.
DISBURSED, WOULD_DISBURSE, NOT_DUE, NOTHING, HELD, FAILED = (
    "disbursed",
    "would disburse",
    "not due",
    "nothing to disburse",
    "held",
    "FAILED",
)


@dataclass(frozen=True)
class Target:
    network: str
    address: str
    data: bytes
    label: str
    fee_splitter: bool = False


@dataclass(frozen=True)
class Outcome:
    network: str
    label: str
    status: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def line(self) -> str:
        return f"{self.network:<14} {self.label:<32} {self.status}" + (
            f": {self.detail}" if self.detail else ""
        )


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def targets(network: KeeperNetwork) -> list[Target]:
    """Every disbursement the keeper looks after on one network."""
    found = []
    for splitter in network.splitters:
        found.append(
            Target(network.name, splitter, selector("disburse()"), f"splitter {short_address(splitter)}")
        )
        for token in network.tokens:
            data = selector("disburseToken(address)") + encode(["address"], [token])
            found.append(
                Target(
                    network.name, splitter, data, f"splitter {short_address(splitter)} {short_address(token)}"
                )
            )
    if network.fee_splitter:
        found.append(Target(network.name, FEE_SPLITTER, selector("disburseFees()"), "FeeSplitter", True))
    return found


# ---------------------------------------------------------------- the contracts' refusals
def _errors() -> dict[bytes, tuple[str, list[str]]]:
    """Custom errors of the splitter, the calculator and the FeeSplitter, by selector."""
    known: dict[bytes, tuple[str, list[str]]] = {}
    for name in ("ChainRevenueSplitter", "RegistrySharesCalculator", "IFeeSplitter", "FeeSplitterModel"):
        for item in abi_of(name):
            if item.get("type") == "error":
                types = [i["type"] for i in item["inputs"]]
                known[selector(f"{item['name']}({','.join(types)})")] = (item["name"], types)
    return known


ERRORS = _errors()
NOT_DUE_ERRORS = {"DisbursementTooSoon", "FeeSplitter_DisbursementIntervalNotReached"}
NOTHING_ERRORS = {"NothingToDisburse", "FeeSplitter_NoFeesCollected"}
HELD_ERRORS = {
    "DisbursementsPaused": "governance paused disbursements",
    "RegistrySharesCalculator_Paused": "governance paused disbursements",
    "ChainInactive": "the chain is inactive in the registry",
    "RegistrySharesCalculator_ChainInactive": "the chain is inactive in the registry",
}


def _revert_bytes(data: str | None, message: str) -> bytes:
    """The revert data, from the error's data or, for nodes that only write it into the message,
    the first hex string there; empty when there is none (or it is not hex)."""
    for text in (data or "", *re.findall(r"0x[0-9a-fA-F]{8,}", message)):
        if re.fullmatch(r"0x(?:[0-9a-fA-F]{2})+", text.strip()):
            return bytes.fromhex(text.strip()[2:])
    return b""


def refusal(data: str | None, message: str) -> tuple[str, str]:
    """(status, detail) for a disbursement the node says would revert."""
    raw = _revert_bytes(data, message)
    name, types = ERRORS.get(raw[:4], ("", []))
    if name in NOT_DUE_ERRORS:
        try:
            args = decode(types, raw[4:]) if types else ()
        except Exception:  # malformed arguments: the name is still known
            args = ()
        when = next((a for a in args if isinstance(a, int)), None)
        return NOT_DUE, f"next at {utc_date(when)}" if when else ""
    if name in NOTHING_ERRORS:
        return NOTHING, ""
    if name in HELD_ERRORS:
        return HELD, HELD_ERRORS[name]
    return FAILED, f"would revert with {name}" if name else f"would revert: {message}"


# ---------------------------------------------------------------- signing and sending
class Signer:
    """The keeper's account: signs type-2 transactions locally and sends them raw."""

    def __init__(self, key: bytes | str):
        self._account = Account.from_key(key)

    @property
    def address(self) -> str:
        return str(self._account.address)

    def send(self, rpc: Request, to: str, data: bytes, sleep: Callable[[float], None] = time.sleep) -> dict:
        """Send ``data`` to ``to``; returns the receipt once mined."""
        call = {"from": self.address, "to": to, "data": "0x" + data.hex()}
        gas = int(int(rpc("eth_estimateGas", [call]), 16) * GAS_MARGIN)
        base_fee = int(rpc("eth_getBlockByNumber", ["latest", False]).get("baseFeePerGas", "0x0"), 16)
        try:
            tip = int(rpc("eth_maxPriorityFeePerGas", []), 16)
        except NodeError:
            tip = 10**6  # 0.001 gwei: OP Stack chains need next to none
        tx = {
            "type": 2,
            "chainId": int(rpc("eth_chainId", []), 16),
            "nonce": int(rpc("eth_getTransactionCount", [self.address, "pending"]), 16),
            "to": to_checksum_address(to),
            "data": call["data"],
            "value": 0,
            "gas": gas,
            "maxPriorityFeePerGas": tip,
            "maxFeePerGas": 2 * base_fee + tip,
        }
        signed = self._account.sign_transaction(tx)
        raw = getattr(signed, "raw_transaction", None) or signed.rawTransaction
        tx_hash = rpc("eth_sendRawTransaction", ["0x" + bytes(raw).hex()])
        return wait_for_receipt(rpc, tx_hash, RECEIPT_TIMEOUT, sleep=sleep)


KEEPER_REWARDED = keccak(text="KeeperRewarded(uint256,address,address,uint256)")


def _reward(receipt: dict) -> int:
    return sum(
        int(log["data"], 16)
        for log in receipt.get("logs", [])
        if log.get("topics") and bytes.fromhex(log["topics"][0][2:]) == KEEPER_REWARDED
    )


# ---------------------------------------------------------------- one target
def _fee_splitter_next(rpc: Request) -> int:
    """When OP's FeeSplitter may disburse again (it says only that the interval has not passed)."""
    words = [
        int(rpc("eth_call", [{"to": FEE_SPLITTER, "data": "0x" + selector(getter).hex()}, "latest"]), 16)
        for getter in ("lastDisbursementTime()", "feeDisbursementInterval()")
    ]
    return sum(words)


def _amount(rpc: Request, target: Target, result: str) -> int:
    """What the disbursement would share: the splitter's two shares, or the vaults' balances."""
    if target.fee_splitter:
        return sum(
            int(rpc("eth_getBalance", [str(vault), "latest"]), 16) for vault in PREDEPLOY_VAULTS.values()
        )
    raw = bytes.fromhex(result[2:]) if result else b""
    return sum(decode(["uint256", "uint256"], raw)) if len(raw) == 64 else 0


def attempt(rpc: Request, target: Target, signer: Signer | None, send: bool) -> Outcome:
    """Check one target once and, if due and sending, disburse it."""
    out = lambda status, detail="": Outcome(target.network, target.label, status, detail)  # noqa: E731
    sender = signer.address if signer else ZERO
    call = {"from": sender, "to": target.address, "data": "0x" + target.data.hex()}
    if rpc("eth_getCode", [target.address, "latest"]) in ("0x", "0x0", None):
        return out(FAILED, f"no contract at {target.address}: check the config")
    try:
        result = rpc("eth_call", [call, "latest"])
    except NodeError as exc:
        if exc.transient:
            raise
        status, detail = refusal(exc.data, one_line(exc))
        if status == NOT_DUE and target.fee_splitter:
            detail = f"next at {utc_date(_fee_splitter_next(rpc))}"
        return out(status, detail)
    amount = _amount(rpc, target, result)
    if target.fee_splitter and amount == 0:
        return out(NOTHING)  # OP's FeeSplitter would only log NoFeesCollected: no transaction for that
    if not send or signer is None:
        return out(WOULD_DISBURSE, f"{exact_eth(amount)} (dry run)" if amount else "(dry run)")
    receipt = signer.send(rpc, target.address, target.data)
    tx = receipt.get("transactionHash", "?")
    if int(receipt.get("status", "0x0"), 16) != 1:
        raise _Reverted(f"transaction {tx} reverted on chain")
    reward = _reward(receipt)
    detail = f"{exact_eth(amount)}, tx {tx}, gas {int(receipt.get('gasUsed', '0x0'), 16):,}"
    return out(DISBURSED, detail + (f", reward {exact_eth(reward)}" if reward else ""))


class _Reverted(Exception):
    """A sent disbursement reverted when mined (the state changed after the check): try again."""


def keep_one(
    rpc: Request,
    target: Target,
    signer: Signer | None,
    send: bool,
    backoff: Backoff,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """`attempt`, retried with backoff while the node fails transiently or a sent one reverts."""
    delays = iter(backoff.delays())
    while True:
        try:
            return attempt(rpc, target, signer, send)
        except (NodeError, _Reverted, OSError) as exc:
            retry = isinstance(exc, _Reverted) or is_transient(exc)
            delay = next(delays, None) if retry else None
            if delay is None:
                return Outcome(target.network, target.label, FAILED, one_line(exc))
            sleep(delay)
        except Exception as exc:  # an answer the keeper cannot read: this target fails, not the run
            return Outcome(target.network, target.label, FAILED, f"unreadable answer: {one_line(exc)}")


def run_keeper(
    config: KeeperConfig,
    signer: Signer | None,
    *,
    send: bool,
    retries: int = 3,
    log: Callable[[str], None] = print,
    request_for: Callable[[str], Request] = HttpJsonRpc,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Every target of every network, one line each as it finishes."""
    backoff = Backoff(attempts=retries + 1, base=1.0, cap=30.0)
    outcomes = []
    for network in config.networks:
        rpc = request_for(network.rpc)
        for target in targets(network):
            outcome = keep_one(rpc, target, signer, send, backoff, sleep)
            log(outcome.line())
            outcomes.append(outcome)
    return outcomes
