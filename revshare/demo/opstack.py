"""The real OP Stack and Safe contracts on a local chain (`localnet.LocalChain`), from the npm
packages bundled in `revshare.artifacts`: `@eth-optimism/contracts-bedrock` 0.17.3 and
`@safe-global/safe-smart-account` 1.5.0.

anvil's OP mode has no code at any predeploy. These put the real runtime code there with
`anvil_setCode`: the implementation itself at the predeploy address, where a real chain has the
OP `Proxy` in front of it (same behaviour, same storage layout; no proxy admin slot). Addresses
come from `revshare.chain.addresses`.

- `install_legacy_vaults`: the 1.4.1 fee vaults, whose configuration is immutable (in the code,
  so copying the code keeps it).
- `install_message_passer`: the L2ToL1MessagePasser (needs no initialisation: its only state is
  the message nonce and the sent-message set, both empty at first).
- `install_withdrawal_path`: what a 1.4.1 vault set to the L1 network withdraws through:
  L2StandardBridge -> L2CrossDomainMessenger -> L2ToL1MessagePasser (the bridge and the
  messenger also ask L1Block whether gas is paid in a custom token; with empty storage it answers
  ETH), the bridge and the messenger initialised with their L1 counterparts.
- `install_proxy_admin`: the ProxyAdmin, its owner in storage slot 0.
- `deploy_safe`: a Safe (SafeL2 behind a SafeProxy) set up with owners and a threshold.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from eth_utils import to_checksum_address

from revshare.chain.addresses import (
    L1_BLOCK_ATTRIBUTES,
    L2_CROSS_DOMAIN_MESSENGER,
    L2_STANDARD_BRIDGE,
    L2_TO_L1_MESSAGE_PASSER,
    PREDEPLOY_VAULTS,
    PROXY_ADMIN,
    VAULT_ROLES,
    ZERO_ADDRESS,
)
from revshare.demo.localnet import Address, LocalChain, Method, abi_event, abi_method

# The bedrock contract whose code plays each vault role. Bedrock 0.17.3 has no OperatorFeeVault:
# the operator role gets BaseFeeVault's code, which is the same FeeVault logic (see below).
LEGACY_VAULT_CODE = {
    "sequencer_fee_vault": "SequencerFeeVault",
    "base_fee_vault": "BaseFeeVault",
    "l1_fee_vault": "L1FeeVault",
    "operator_fee_vault": "BaseFeeVault",
}
PROXY_ADMIN_OWNER_SLOT = 0  # Ownable's `_owner`


class WithdrawalNetwork(IntEnum):
    """FeeVault.WithdrawalNetwork: where a vault pays its recipient."""

    L1 = 0
    L2 = 1


def install_legacy_vaults(
    chain: LocalChain,
    recipient_by_role: Mapping[str, Address],
    minimum_by_role: Mapping[str, int] | None = None,
    network_by_role: Mapping[str, int] | None = None,
) -> dict[str, Address]:
    """Put the bedrock 1.4.1 SequencerFeeVault, BaseFeeVault and L1FeeVault at their predeploys,
    each configured with its role's recipient, minimum withdrawal amount (default 0) and
    withdrawal network (default L2). The configuration is immutable, so it lives in the code
    copied there; storage (`totalProcessed`) and balances at the predeploys stay as they were.

    The OperatorFeeVault predeploy gets bedrock's BaseFeeVault code configured as OperatorFeeVault
    1.0.0 is (recipient the BaseFeeVault predeploy, minimum 0, L2) unless the mappings give it
    something else: 0.17.3 ships no OperatorFeeVault. Upstream's 1.0.0 is `FeeVault(BASE_FEE_VAULT,
    0, L2)` on the FeeVault of its own release, so this stand-in pays and logs alike but answers
    `version()` with BaseFeeVault's "1.4.1" and has only the upper-case getters (`RECIPIENT()`...).
    A withdrawal to L1 also needs `install_withdrawal_path` (1.4.1 vaults bridge it).

    Returns {role: predeploy address}."""
    recipients = dict(recipient_by_role)
    recipients.setdefault("operator_fee_vault", PREDEPLOY_VAULTS["base_fee_vault"])
    unknown = set(recipients) - set(VAULT_ROLES) | set(minimum_by_role or {}) - set(VAULT_ROLES)
    unknown |= set(network_by_role or {}) - set(VAULT_ROLES)
    missing = [role for role in VAULT_ROLES if role not in recipients]
    if unknown or missing:
        raise ValueError(
            f"vault roles: unknown {sorted(unknown)}, without a recipient {missing} (roles: {VAULT_ROLES})"
        )
    installed: dict[str, Address] = {}
    for role in VAULT_ROLES:
        predeploy = PREDEPLOY_VAULTS[role]
        assert predeploy is not None
        minimum = (minimum_by_role or {}).get(role, 0)
        network = WithdrawalNetwork((network_by_role or {}).get(role, WithdrawalNetwork.L2))
        code = chain.runtime_code(LEGACY_VAULT_CODE[role], recipients[role], minimum, int(network))
        chain.set_code(predeploy, code)
        installed[role] = to_checksum_address(predeploy)
    return installed


def install_message_passer(chain: LocalChain) -> Address:
    """The real L2ToL1MessagePasser at its predeploy (no initialisation needed)."""
    chain.set_code(L2_TO_L1_MESSAGE_PASSER, chain.runtime_code("L2ToL1MessagePasser"))
    return to_checksum_address(L2_TO_L1_MESSAGE_PASSER)


def install_withdrawal_path(
    chain: LocalChain, l1_bridge: Address, l1_messenger: Address, *, sender: Address | None = None
) -> dict[str, Address]:
    """L1Block, L2ToL1MessagePasser, L2CrossDomainMessenger (other side: `l1_messenger`) and
    L2StandardBridge (other side: `l1_bridge`) at their predeploys, so `bridgeETHTo` and a vault
    set to the L1 network end in the message passer's `MessagePassed`. The messenger and the bridge
    are initialised by a call from `sender` (their `initialize` is open to the first caller, as on a
    fresh chain). Returns {contract name: predeploy address}."""
    install_message_passer(chain)
    chain.set_code(L1_BLOCK_ATTRIBUTES, chain.runtime_code("L1Block"))
    for address, name, other in (
        (L2_CROSS_DOMAIN_MESSENGER, "L2CrossDomainMessenger", l1_messenger),
        (L2_STANDARD_BRIDGE, "L2StandardBridge", l1_bridge),
    ):
        # The constructor initialises its own storage, not the predeploy's: initialise it there.
        chain.set_code(address, chain.runtime_code(name))
        chain.transact(address, abi_method(name, "initialize"), [other], sender=sender)
    return {
        "L1Block": to_checksum_address(L1_BLOCK_ATTRIBUTES),
        "L2ToL1MessagePasser": to_checksum_address(L2_TO_L1_MESSAGE_PASSER),
        "L2CrossDomainMessenger": to_checksum_address(L2_CROSS_DOMAIN_MESSENGER),
        "L2StandardBridge": to_checksum_address(L2_STANDARD_BRIDGE),
    }


def install_proxy_admin(chain: LocalChain, owner: Address) -> Address:
    """The real ProxyAdmin at its predeploy, owned by `owner` (written to `_owner`, slot 0)."""
    chain.set_code(PROXY_ADMIN, chain.runtime_code("ProxyAdmin", owner))
    chain.set_storage(PROXY_ADMIN, PROXY_ADMIN_OWNER_SLOT, owner)
    return to_checksum_address(PROXY_ADMIN)


# ---------------------------------------------------------------- Safe


@dataclass(frozen=True)
class SafeSingletons:
    """The shared Safe contracts of one chain: every Safe proxy there delegates to `singleton`."""

    singleton: Address  # SafeL2 (emits an event per transaction, as L2 Safes use)
    factory: Address  # SafeProxyFactory
    fallback_handler: Address  # CompatibilityFallbackHandler


_SINGLETONS: weakref.WeakKeyDictionary[LocalChain, SafeSingletons] = weakref.WeakKeyDictionary()


def safe_singletons(chain: LocalChain, deployer: Address | None = None) -> SafeSingletons:
    """The chain's Safe singleton, proxy factory and fallback handler, deployed on first use and
    remembered (deployed again if the chain no longer has them, e.g. restarted without state)."""
    known = _SINGLETONS.get(chain)
    if known is not None and all(chain.code(a) not in ("0x", "") for a in vars(known).values()):
        return known
    deployed = SafeSingletons(
        singleton=chain.deploy("SafeL2", sender=deployer),
        factory=chain.deploy("SafeProxyFactory", sender=deployer),
        fallback_handler=chain.deploy("CompatibilityFallbackHandler", sender=deployer),
    )
    _SINGLETONS[chain] = deployed
    return deployed


def deploy_safe(
    chain: LocalChain,
    owners: Sequence[Address],
    threshold: int,
    deployer: Address | None = None,
    *,
    salt_nonce: int | None = None,
) -> Address:
    """A new Safe 1.5.0 (a SafeProxy of SafeL2) with `owners` and `threshold`, the
    CompatibilityFallbackHandler, no modules, no guard and no setup payment, created by
    `createProxyWithNonce` (salt: the deployer's transaction count unless given). Returns the
    proxy's address, as the factory's `ProxyCreation` event names it."""
    if not 1 <= threshold <= len(owners):
        raise ValueError(f"threshold {threshold} for {len(owners)} owners")
    sender = deployer or chain.accounts()[0]
    contracts = safe_singletons(chain, sender)
    # setup(owners, threshold, to, data, fallbackHandler, paymentToken, payment, paymentReceiver)
    setup_args = [
        list(owners),
        threshold,
        ZERO_ADDRESS,
        b"",
        contracts.fallback_handler,
        ZERO_ADDRESS,
        0,
        ZERO_ADDRESS,
    ]
    initializer = bytes.fromhex(Method.of(abi_method("SafeL2", "setup")).encode(setup_args)[2:])
    if salt_nonce is None:
        salt_nonce = int(chain.request("eth_getTransactionCount", [sender, "latest"]), 16)
    receipt = chain.transact(
        contracts.factory,
        abi_method("SafeProxyFactory", "createProxyWithNonce"),
        [contracts.singleton, initializer, salt_nonce],
        sender=sender,
    )
    created = chain.events(receipt, abi_event("SafeProxyFactory", "ProxyCreation"), contracts.factory)
    if len(created) != 1:
        raise RuntimeError(f"{chain.name}: createProxyWithNonce emitted {len(created)} ProxyCreation events")
    return to_checksum_address(created[0]["proxy"])
