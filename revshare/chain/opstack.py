"""The OP Stack's own revenue-share predeploys as they are on a chain now: the ProxyAdmin's owner
(who may reconfigure them), the four fee vaults (version, recipient, minimum, network, balance)
and the FeeSplitter (version, shares calculator, interval). Read through ape's connected
provider with plain `eth_call`s, so a predeploy that is missing, older or not what it claims
reads as such instead of failing the read. `simulate` runs a call as a given sender without
sending it, to check a proposed change against the live state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS, PROXY_ADMIN
from revshare.chain.reader import has_code, provider_word
from revshare.chain.vaults import MINIMUM_GETTERS, NETWORK_GETTERS, RECIPIENT_GETTERS

L1_NETWORK, L2_NETWORK = 0, 1  # FeeVault WithdrawalNetwork
NETWORK_NAMES = {L1_NETWORK: "L1", L2_NETWORK: "L2"}
# The first vault versions with `setRecipient`, `setMinWithdrawalAmount` and
# `setWithdrawalNetwork` (the revenue-share upgrade): 1.6.0, and 1.1.0 for the OperatorFeeVault,
# which started at 1.0.0 with immutable settings.
SETTER_VERSIONS = {role: (1, 6, 0) for role in PREDEPLOY_VAULTS} | {"operator_fee_vault": (1, 1, 0)}
# EIP-1967 storage slots of a proxy (OP's `Proxy` at every predeploy): its admin and implementation.
ADMIN_SLOT = int(keccak(text="eip1967.proxy.admin").hex(), 16) - 1
IMPLEMENTATION_SLOT = int(keccak(text="eip1967.proxy.implementation").hex(), 16) - 1
# On L2, an L1 contract's calls arrive from its address plus this offset (the L1 -> L2 alias).
ALIAS_OFFSET = 0x1111000000000000000000000000000000001111


@dataclass(frozen=True)
class VaultSettings:
    """One fee vault predeploy as it is now (`has_code` False: the chain has no such vault)."""

    role: str
    address: str
    has_code: bool
    version: str | None
    recipient: str | None
    min_withdrawal: int | None
    network: int | None
    balance: int
    proxy_admin: str | None = None  # the EIP-1967 admin when the vault is a proxy
    implementation: str | None = None

    @property
    def upgradable(self) -> bool:
        """Whether the ProxyAdmin predeploy administers the vault's proxy (its owner can upgrade it)."""
        return self.proxy_admin is not None and self.proxy_admin.lower() == PROXY_ADMIN.lower()

    @property
    def has_setters(self) -> bool:
        """Whether the vault's version has the ProxyAdmin-owner setters."""
        parsed = parse_version(self.version)
        return parsed is not None and parsed >= SETTER_VERSIONS[self.role]

    def describe(self) -> str:
        if not self.has_code:
            return "no code"
        network = NETWORK_NAMES.get(self.network, str(self.network)) if self.network is not None else "?"
        return f"pays {self.recipient} on {network} from {self.min_withdrawal} wei"


@dataclass(frozen=True)
class FeeSplitterSettings:
    """The FeeSplitter predeploy as it is now."""

    version: str | None
    calculator: str | None
    interval: int | None
    last_disbursement: int | None


@dataclass(frozen=True)
class OpStackState:
    """The revenue-share predeploys of the connected chain."""

    chain_id: int
    proxy_admin_owner: str | None  # None: no ProxyAdmin predeploy answering owner()
    owner_has_code: bool
    vaults: dict[str, VaultSettings]
    fee_splitter: FeeSplitterSettings | None  # None: no code at the predeploy

    @property
    def owner_l1_address(self) -> str | None:
        """For an owner with no code on L2: the L1 account whose alias it is (OP Stack chains'
        ProxyAdmin is usually owned by the aliased L1 ProxyAdmin owner)."""
        if self.proxy_admin_owner is None or self.owner_has_code:
            return None
        return unalias(self.proxy_admin_owner)


def alias(l1_address: str) -> str:
    """The sender an L1 account's deposits have on L2 (OP Stack address aliasing)."""
    return to_checksum_address(((int(l1_address, 16) + ALIAS_OFFSET) % 2**160).to_bytes(20, "big"))


def unalias(l2_address: str) -> str:
    """The L1 address whose L1 -> L2 alias is `l2_address`."""
    return to_checksum_address(((int(l2_address, 16) - ALIAS_OFFSET) % 2**160).to_bytes(20, "big"))


def parse_version(version: str | None) -> tuple[int, int, int] | None:
    """ "1.6.0" (or "1.6.0-beta.2") as (1, 6, 0); None when it is not a semantic version."""
    found = re.match(r"^(\d+)\.(\d+)\.(\d+)", version or "")
    return None if found is None else (int(found[1]), int(found[2]), int(found[3]))


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def eth_call(provider: Any, to: str, data: bytes, sender: str | None = None) -> bytes | None:
    """The answer of a call (as `sender` when given), or None when it reverts."""
    request: dict[str, Any] = {"to": to_checksum_address(to), "data": "0x" + data.hex()}
    if sender is not None:
        request["from"] = to_checksum_address(sender)
    try:
        return bytes(provider.web3.eth.call(request))
    except Exception:  # a revert: whatever the library raises for it
        return None


def simulate(provider: Any, sender: str, to: str, data: bytes) -> bool:
    """Whether the call would succeed if `sender` made it now (nothing is sent)."""
    return eth_call(provider, to, data, sender) is not None


def word_of(provider: Any, address: str, *signatures: str) -> int | None:
    """The first of the argument-less views that answers exactly one word, as an integer; or None."""
    for signature in signatures:
        word = provider_word(provider, address, signature)
        if word is not None:
            return word
    return None


def address_of(provider: Any, address: str, *signatures: str) -> str | None:
    """Like `word_of`, for a view answering an address (None when the word is not one)."""
    word = word_of(provider, address, *signatures)
    return None if word is None or word >> 160 else to_checksum_address(word.to_bytes(20, "big"))


def read_string(provider: Any, address: str, signature: str) -> str | None:
    """A view answering one ABI-encoded string (e.g. `version()`), or None."""
    raw = eth_call(provider, address, selector(signature))
    if not raw:
        return None
    try:
        (text,) = decode(["string"], raw)
    except Exception:  # not an ABI string
        return None
    return str(text)


def read_vault(provider: Any, role: str, address: str) -> VaultSettings:
    address = to_checksum_address(address)
    if not has_code(provider, address):
        return VaultSettings(role, address, False, None, None, None, None, 0)
    return VaultSettings(
        role=role,
        address=address,
        has_code=True,
        version=read_string(provider, address, "version()"),
        recipient=address_of(provider, address, *RECIPIENT_GETTERS),
        min_withdrawal=word_of(provider, address, *MINIMUM_GETTERS),
        network=word_of(provider, address, *NETWORK_GETTERS),
        balance=int(provider.get_balance(address)),
        proxy_admin=_slot_address(provider, address, ADMIN_SLOT),
        implementation=_slot_address(provider, address, IMPLEMENTATION_SLOT),
    )


def _slot_address(provider: Any, address: str, slot: int) -> str | None:
    """The address held in a storage slot, or None when the slot is empty or holds more."""
    word = int.from_bytes(bytes(provider.web3.eth.get_storage_at(address, slot)), "big")
    return None if word == 0 or word >> 160 else to_checksum_address(word.to_bytes(20, "big"))


def read_fee_splitter(provider: Any) -> FeeSplitterSettings | None:
    if not has_code(provider, FEE_SPLITTER):
        return None
    return FeeSplitterSettings(
        version=read_string(provider, FEE_SPLITTER, "version()"),
        calculator=address_of(provider, FEE_SPLITTER, "sharesCalculator()"),
        interval=word_of(provider, FEE_SPLITTER, "feeDisbursementInterval()"),
        last_disbursement=word_of(provider, FEE_SPLITTER, "lastDisbursementTime()"),
    )


def read_opstack(provider: Any) -> OpStackState:
    """The ProxyAdmin's owner, the four vaults and the FeeSplitter of the connected chain."""
    owner = address_of(provider, PROXY_ADMIN, "owner()") if has_code(provider, PROXY_ADMIN) else None
    return OpStackState(
        chain_id=int(provider.chain_id),
        proxy_admin_owner=owner,
        owner_has_code=owner is not None and has_code(provider, owner),
        vaults={role: read_vault(provider, role, address) for role, address in PREDEPLOY_VAULTS.items()},
        fee_splitter=read_fee_splitter(provider),
    )


PUSH1, PUSH32 = 0x60, 0x7F


def immutables_if_same_code(runtime: bytes, bundled: bytes) -> list[int] | None:
    """The immutable values in `runtime` when it is `bundled` (solc's runtime code, immutables
    left as `PUSH32 0`) with only those 32-byte slots filled in; None when any other byte differs."""
    if len(runtime) != len(bundled):
        return None
    values: list[int] = []
    index = 0
    while index < len(bundled):
        op = bundled[index]
        if runtime[index] != op:
            return None
        size = op - PUSH1 + 1 if PUSH1 <= op <= PUSH32 else 0
        data = slice(index + 1, index + 1 + size)
        if op == PUSH32 and not any(bundled[data]):
            values.append(int.from_bytes(runtime[data], "big"))
        elif runtime[data] != bundled[data]:
            return None
        index += 1 + size
    return values


def bundled_immutables(provider: Any, address: str, name: str) -> list[int] | None:
    """The immutables of the contract at `address` if its code is the bundled `name`'s, else None."""
    from revshare.artifacts import contract_type

    bundled = bytes.fromhex(contract_type(name).runtime_bytecode.bytecode.removeprefix("0x"))
    return immutables_if_same_code(bytes(provider.get_code(to_checksum_address(address))), bundled)
