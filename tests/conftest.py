"""Shared fixtures: accounts with fixed roles, a registry with one chain, mock vaults and a splitter.

Ape restores the chain to a snapshot around every test; hypothesis examples inside one test
restore state themselves with `restore_after` (never ape's isolate context manager, which
swallows failed asserts in eth-ape 0.8.51).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, Phase, settings

from revshare.config import ETH_ASSET
from revshare.deploy import create_address
from revshare.shared import placeholder_treasury

# ---------------------------------------------------------------- hypothesis profiles
# Examples run against a node, so no per-example deadline. `ci` is the fast default used by
# `make test`; `thorough` (REVSHARE_HYPOTHESIS_PROFILE=thorough) runs many more examples.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=25, **_COMMON)
settings.register_profile("thorough", max_examples=500, **_COMMON)
# For the mutation check: a failure is all it needs to know, so skip the (slow) shrinking.
settings.register_profile(
    "mutation", max_examples=25, phases=[Phase.explicit, Phase.reuse, Phase.generate], **_COMMON
)
settings.load_profile(os.environ.get("REVSHARE_HYPOTHESIS_PROFILE", "ci"))

CHAIN_ID = 8453
ONE_DAY = 86_400
MIN_WITHDRAWAL = 10**16  # 0.01 ETH
VAULT_ROLES = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault", "operator_fee_vault")
ZERO_HASH = b"\x00" * 32
TERMS_HASH = bytes.fromhex("ab" * 32)
L2 = 1
ETH = ETH_ASSET


@contextmanager
def restore_after(chain: Any) -> Iterator[None]:
    """Run a block and put the chain back as it was, letting assertion errors through."""
    snapshot = chain.snapshot()
    try:
        yield
    finally:
        chain.restore(snapshot)


@pytest.fixture(scope="session")
def owner(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def keeper(accounts):
    """Anyone: calls disburse and pays fees in."""
    return accounts[1]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[2]


@pytest.fixture(scope="session", autouse=True)
def _quiet_revert_traces():
    """ape-foundry 0.8.12 prints an enriched call trace on every expected revert, which costs
    about 0.2 s each (it re-derives every test account) and floods the output. Silence it unless
    REVSHARE_SHOW_TRACES=1. Reverts are still raised and checked exactly as before."""
    if os.environ.get("REVSHARE_SHOW_TRACES") == "1":
        yield
        return
    import ape_ethereum.trace

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ape_ethereum.trace.Trace, "show", lambda self, *args, **kwargs: None)
        yield


@pytest.fixture(scope="session", autouse=True)
def _strict_custom_errors():
    """`ape.reverts(contract.SomeError)` in eth-ape 0.8.51 checks the error only when the revert
    decodes as *some* custom error: a plain revert, an out-of-gas or a panic passes it silently.
    Make it strict: a named error must be the one raised (same selector; its inputs are still
    checked by ape). Expecting a revert without data is spelled `reverts_without_data()`."""
    from ape.exceptions import CustomError
    from ape.pytest.contextmanagers import RevertsContextManager

    original = RevertsContextManager.__exit__

    def strict_exit(self, exc_type, exc_value, traceback):
        handled = original(self, exc_type, exc_value, traceback)
        expected = self.expected_message
        if isinstance(expected, type) and issubclass(expected, CustomError):
            want = expected.abi.selector
            got = getattr(getattr(exc_value, "abi", None), "selector", None)
            if not isinstance(exc_value, expected) and got != want:
                raised = type(exc_value).__name__ if got else f"a revert without that error ({exc_value!r})"
                raise AssertionError(f"expected the custom error {expected.abi.signature}, but got {raised}")
        return handled

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RevertsContextManager, "__exit__", strict_exit)
        yield


@contextmanager
def reverts_without_data() -> Iterator[None]:
    """A revert that carries no data at all (e.g. plain ETH sent to a contract with no receive
    function): not a custom error, not a panic, not a reason string."""
    from ape.exceptions import ContractLogicError, CustomError

    try:
        yield
    except ContractLogicError as error:
        assert not isinstance(error, CustomError), f"expected no revert data, got {error!r}"
        assert error.revert_message == "Transaction failed.", f"expected no revert data, got {error!r}"
    else:
        raise AssertionError("Transaction did not revert.")


@pytest.fixture(scope="session", autouse=True)
def _roles_first(owner, keeper, stranger, guardian, reporter):
    """Create the session-scoped role fixtures before any module fixture (ape's isolation order)."""


@pytest.fixture(scope="session")
def collective():
    """A fresh address with no code and no balance, so its balance is exactly what it was paid."""
    return to_checksum_address("0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0")


@pytest.fixture(scope="session")
def treasury():
    return to_checksum_address("0x7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e")


@pytest.fixture(scope="session")
def guardian(accounts):
    return accounts[3]


@pytest.fixture(scope="module")
def math_harness(project, owner):
    return owner.deploy(project.RevenueShareMathHarness)


@pytest.fixture(scope="module")
def registry(project, owner, collective, treasury, guardian):
    registry = owner.deploy(project.ChainRegistry, owner, collective, guardian)
    registry.registerChain(CHAIN_ID, treasury, 250, 1500, TERMS_HASH, sender=owner)
    return registry


def deploy_vaults_and_splitter(
    project: Any, owner: Any, registry: Any, *, chain_id: int = CHAIN_ID, interval: int = ONE_DAY
) -> tuple[dict[str, Any], Any]:
    """Four mock vaults paying a splitter deployed right after them (address predicted)."""
    splitter_address = create_address(owner.address, owner.nonce + len(VAULT_ROLES))
    vaults = {
        role: owner.deploy(project.MockFeeVault, splitter_address, MIN_WITHDRAWAL, L2) for role in VAULT_ROLES
    }
    splitter = owner.deploy(
        project.ChainRevenueSplitter,
        registry,
        chain_id,
        [vaults[role].address for role in VAULT_ROLES],
        interval,
    )
    assert splitter.address == splitter_address
    return vaults, splitter


@pytest.fixture(scope="module")
def system(project, owner, registry):
    return deploy_vaults_and_splitter(project, owner, registry)


@pytest.fixture(scope="module")
def vaults(system):
    return system[0]


@pytest.fixture(scope="module")
def splitter(system):
    return system[1]


# ---------------------------------------------------------------- shared sequencer
OPERATOR_FEE_BPS = 500
SHARED_CHAINS = {  # chain id -> (gross bps, net bps)
    10: (250, 1_500),
    8453: (250, 1_500),  # registered by the `registry` fixture
    34443: (300, 1_000),
    7777777: (0, 2_000),
}


# A fresh, code-less treasury address per chain (balances start at zero).
treasury_of = placeholder_treasury


@pytest.fixture(scope="session")
def reporter(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def operator_fee_recipient():
    return to_checksum_address("0x" + "0f" * 20)


@pytest.fixture(scope="module")
def shared(project, owner, registry, reporter, operator_fee_recipient):
    for chain_id, (gross_bps, net_bps) in SHARED_CHAINS.items():
        if chain_id != CHAIN_ID:
            registry.registerChain(
                chain_id, treasury_of(chain_id), gross_bps, net_bps, ZERO_HASH, sender=owner
            )
    return owner.deploy(
        project.SharedSequencerSplitter, registry, reporter, operator_fee_recipient, OPERATOR_FEE_BPS
    )
