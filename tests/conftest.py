"""Shared fixtures: accounts with fixed roles, a registry with one chain, mock vaults and a splitter.

Ape restores the chain to a snapshot around every test; hypothesis examples inside one test
restore state themselves with `restore_after` (never ape's isolate context manager, which
swallows failed asserts in eth-ape 0.8.51).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from eth_utils import keccak, to_checksum_address
from hypothesis import HealthCheck, Phase, settings

from revshare.chain.addresses import ETH_ASSET
from revshare.deploying.deploy import create_address
from revshare.epochs import placeholder_treasury

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
MIN_WITHDRAWAL = 10**16  # 0.01 ETH: a mock vault's minimum where a test needs one (splitters refuse them)
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
def _forget_stopped_nodes():
    """Each test session's anvil stays in ape's list of running nodes (see the function); clear the
    stopped ones so that list, scanned at every exit, stays short."""
    from revshare.cli_options import forget_stopped_nodes

    forget_stopped_nodes()


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


def _revert_data(error: Exception) -> bytes | None:
    """The raw revert data of an error ape did not decode (a reverted deployment or eth_call)."""
    base = getattr(error, "base_err", None)
    for candidate in (getattr(base, "data", None), getattr(error, "revert_message", None)):
        if isinstance(candidate, str) and re.fullmatch(r"0x(?:[0-9a-fA-F]{2})+", candidate):
            return bytes.fromhex(candidate[2:])
    # An eth_call's revert, as anvil words it: "custom error 0x<selector>: <arguments>", the
    # arguments as text when they are valid UTF-8 and in hex otherwise.
    message = str(getattr(base, "args", [""])[0] if base is not None else "")
    if found := re.search(r"custom error 0x([0-9a-fA-F]{8})(?:: (.*))?$", message, re.DOTALL):
        selector, arguments = bytes.fromhex(found[1]), found[2] or ""
        if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", arguments):
            return selector + bytes.fromhex(arguments)
        return selector + arguments.encode()
    return None


def _same_value(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str) and actual.startswith("0x") and len(actual) == 42:
        return actual.lower() == str(getattr(expected, "address", expected)).lower()
    return actual == expected


@pytest.fixture(scope="session", autouse=True)
def _strict_custom_errors():
    """`ape.reverts(contract.SomeError, arg=...)` in eth-ape 0.8.51 checks the error only when the
    revert decodes as *some* custom error of the called contract: a plain revert, a panic, another
    error or a reverted deployment (never decoded) passes it silently, arguments unchecked. Make it
    strict: the revert data must carry that error's selector, and the named arguments must match
    (ape checks them when it decoded the error; they are decoded here when it did not). Expecting
    a revert without data is spelled `reverts_without_data()`."""
    from ape.exceptions import CustomError
    from ape.pytest.contextmanagers import RevertsContextManager
    from eth_abi import decode

    original = RevertsContextManager.__exit__

    def strict_exit(self, exc_type, exc_value, traceback):
        handled = original(self, exc_type, exc_value, traceback)
        expected = self.expected_message
        if not (isinstance(expected, type) and issubclass(expected, CustomError)):
            return handled
        if isinstance(exc_value, CustomError):
            if not isinstance(exc_value, expected) and exc_value.abi.selector != expected.abi.selector:
                raise AssertionError(f"expected {expected.abi.signature}, got {exc_value.abi.signature}")
            return handled  # ape compared the arguments
        data = _revert_data(exc_value)
        if data is None or data[:4] != keccak(text=expected.abi.selector)[:4]:
            raise AssertionError(f"expected {expected.abi.signature}, got the revert {exc_value!r}")
        types = [i.canonical_type for i in expected.abi.inputs]
        decoded = dict(zip([i.name for i in expected.abi.inputs], decode(types, data[4:]), strict=True))
        for name, value in self.error_inputs.items():
            if name not in decoded or not _same_value(decoded[name], value):
                raise AssertionError(f"{expected.abi.signature}: expected {name}={value}, got {decoded}")
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
    """Four mock vaults (minimum 0, as splitters require) paying a splitter deployed right after
    them (address predicted)."""
    splitter_address = create_address(owner.address, owner.nonce + len(VAULT_ROLES))
    vaults = {role: owner.deploy(project.MockFeeVault, splitter_address, 0, L2) for role in VAULT_ROLES}
    splitter = owner.deploy(
        project.ChainRevenueSplitter,
        registry,
        chain_id,
        [vaults[role].address for role in VAULT_ROLES],
        interval,
    )
    assert splitter.address == splitter_address
    return vaults, splitter


def terms_take_effect(
    chain: Any,
    registry: Any,
    owner: Any,
    chain_id: int,
    gross_bps: int,
    net_bps: int,
    terms_hash: bytes = ZERO_HASH,
) -> int:
    """Schedule new terms for ``chain_id`` a second ahead (the registry's notice period set to 0
    first) and move time on to when they take effect; returns that time."""
    if registry.noticePeriod() != 0:
        registry.setNoticePeriod(0, sender=owner)
    # A second after the next block: later than anything deployed so far, in a block of its own.
    # The scheduling block's time is pinned: on anvil the pending time follows the wall clock, and
    # a second passing before it is mined would put the change in force in its own block.
    now = chain.pending_timestamp
    chain.pending_timestamp = now
    at = now + 1
    registry.scheduleTerms(chain_id, gross_bps, net_bps, terms_hash, at, sender=owner)
    chain.pending_timestamp = at
    return at


def apply_terms(
    chain: Any,
    registry: Any,
    owner: Any,
    splitter: Any,
    keeper: Any,
    gross_bps: int,
    net_bps: int,
    terms_hash: bytes = ZERO_HASH,
    token: Any = None,
) -> Any:
    """New terms that the splitter's next disbursement of ETH (or of ``token``) applies: they
    take effect, the splitter settles the boundary (under the old terms, whatever it holds), and
    time moves on one interval. Returns the boundary settlement's receipt (None for a token never
    disbursed: its first disbursement applies the terms in force)."""
    terms_take_effect(chain, registry, owner, splitter.CHAIN_ID(), gross_bps, net_bps, terms_hash)
    if token and splitter.lastDisbursementTime(token) == 0:
        return None  # a token's first disbursement applies the terms in force: no boundary
    receipt = splitter.disburseToken(token, sender=keeper) if token else splitter.disburse(sender=keeper)
    chain.pending_timestamp += splitter.DISBURSEMENT_INTERVAL()
    return receipt


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


@pytest.fixture(scope="module")
def council(accounts):
    """The three owners of a governance Safe (two sign)."""
    return [accounts[4], accounts[5], accounts[6]]


@pytest.fixture(scope="module")
def kit(owner):
    """The Safe 1.5.0 singletons (SafeL2, factory, fallback handler, MultiSendCallOnly)."""
    from revshare.demo.safe import deploy_safe_kit

    return deploy_safe_kit(owner)
