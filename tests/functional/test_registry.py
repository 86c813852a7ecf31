"""ChainRegistry: registration, terms, treasury, activation, Collective, ownership."""

import ape
import pytest

from tests.conftest import CHAIN_ID, TERMS_HASH

OTHER_CHAIN = 10
NEW_HASH = bytes.fromhex("cd" * 32)
ZERO = "0x0000000000000000000000000000000000000000"
SOMEONE = "0x1111111111111111111111111111111111111111"


def test_constructor_sets_owner_and_collective(registry, owner, collective):
    assert registry.owner() == owner
    assert registry.collective() == collective
    assert registry.DEFAULT_GROSS_BPS() == 250
    assert registry.DEFAULT_NET_BPS() == 1500
    assert registry.MAX_BPS() == 10_000


def test_constructor_rejects_zero_collective(project, owner):
    with ape.reverts(project.ChainRegistry.ZeroAddress):
        owner.deploy(project.ChainRegistry, owner, ZERO, ZERO)


def test_constructor_emits_collective_and_guardian_events(project, owner, collective, guardian):
    registry = owner.deploy(project.ChainRegistry, owner, collective, guardian)
    events = registry.CollectiveUpdated.query("*")
    assert len(events) == 1
    assert events.iloc[0]["event_arguments"] == {"previousCollective": ZERO, "newCollective": collective}
    events = registry.GuardianUpdated.query("*")
    assert events.iloc[0]["event_arguments"] == {"previousGuardian": ZERO, "newGuardian": guardian}
    assert registry.guardian() == guardian


def test_constructor_without_guardian(project, owner, collective):
    registry = owner.deploy(project.ChainRegistry, owner, collective, ZERO)
    assert registry.guardian() == ZERO
    assert registry.GuardianUpdated.query("*").empty


def test_register_chain_records_terms_and_emits(registry, owner):
    receipt = registry.registerChain(OTHER_CHAIN, SOMEONE, 300, 2000, NEW_HASH, sender=owner)
    assert receipt.events == [
        registry.ChainRegistered(
            chainId=OTHER_CHAIN, treasury=SOMEONE, grossBps=300, netBps=2000, termsHash=NEW_HASH
        )
    ]
    chain = registry.getChain(OTHER_CHAIN)
    assert (chain.treasury, chain.grossBps, chain.netBps) == (SOMEONE, 300, 2000)
    assert chain.active and chain.registered
    assert chain.termsHash == NEW_HASH
    assert registry.isRegistered(OTHER_CHAIN)
    assert registry.chainCount() == 2
    assert [registry.chainIdAt(i) for i in range(2)] == [CHAIN_ID, OTHER_CHAIN]


def test_fixture_chain_has_the_default_terms(registry, treasury):
    chain = registry.getChain(CHAIN_ID)
    assert (chain.treasury, chain.grossBps, chain.netBps, chain.termsHash) == (
        treasury,
        250,
        1500,
        TERMS_HASH,
    )


@pytest.mark.parametrize(("gross_bps", "net_bps", "bad"), [(10_001, 0, 10_001), (0, 65_535, 65_535)])
def test_register_rejects_rates_above_100_percent(registry, owner, gross_bps, net_bps, bad):
    with ape.reverts(registry.InvalidBps, bps=bad):
        registry.registerChain(OTHER_CHAIN, SOMEONE, gross_bps, net_bps, NEW_HASH, sender=owner)


def test_register_accepts_the_boundaries(registry, owner):
    registry.registerChain(OTHER_CHAIN, SOMEONE, 10_000, 0, NEW_HASH, sender=owner)
    assert registry.getChain(OTHER_CHAIN).grossBps == 10_000


def test_register_rejects_bad_input(registry, owner, treasury):
    with ape.reverts(registry.InvalidChainId):
        registry.registerChain(0, SOMEONE, 250, 1500, NEW_HASH, sender=owner)
    with ape.reverts(registry.ZeroAddress):
        registry.registerChain(OTHER_CHAIN, ZERO, 250, 1500, NEW_HASH, sender=owner)
    with ape.reverts(registry.ChainAlreadyRegistered, chainId=CHAIN_ID):
        registry.registerChain(CHAIN_ID, treasury, 250, 1500, NEW_HASH, sender=owner)


def test_set_treasury(registry, owner, treasury):
    receipt = registry.setTreasury(CHAIN_ID, SOMEONE, sender=owner)
    assert receipt.events == [
        registry.TreasuryUpdated(chainId=CHAIN_ID, previousTreasury=treasury, newTreasury=SOMEONE)
    ]
    assert registry.getChain(CHAIN_ID).treasury == SOMEONE
    with ape.reverts(registry.ZeroAddress):
        registry.setTreasury(CHAIN_ID, ZERO, sender=owner)


def test_set_active(registry, owner):
    receipt = registry.setActive(CHAIN_ID, False, sender=owner)
    assert receipt.events == [registry.ChainActiveSet(chainId=CHAIN_ID, active=False)]
    assert not registry.getChain(CHAIN_ID).active
    registry.setActive(CHAIN_ID, True, sender=owner)
    assert registry.getChain(CHAIN_ID).active


def test_set_collective(registry, owner, collective):
    receipt = registry.setCollective(SOMEONE, sender=owner)
    assert receipt.events == [
        registry.CollectiveUpdated(previousCollective=collective, newCollective=SOMEONE)
    ]
    assert registry.collective() == SOMEONE
    with ape.reverts(registry.ZeroAddress):
        registry.setCollective(ZERO, sender=owner)


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("scheduleTerms", (OTHER_CHAIN, 1, 1, NEW_HASH, 0)),
        ("cancelScheduledTerms", (OTHER_CHAIN,)),
        ("announceExit", (OTHER_CHAIN, 0)),
        ("cancelExit", (OTHER_CHAIN,)),
        ("setTreasuryMayExit", (OTHER_CHAIN, True)),
        ("setTreasury", (OTHER_CHAIN, SOMEONE)),
        ("setActive", (OTHER_CHAIN, False)),
    ],
)
def test_changes_to_unknown_chains_revert(registry, owner, method, args):
    with ape.reverts(registry.UnknownChain, chainId=OTHER_CHAIN):
        getattr(registry, method)(*args, sender=owner)


def test_get_chain_of_unknown_chain_reverts(registry):
    assert not registry.isRegistered(OTHER_CHAIN)
    with ape.reverts(registry.UnknownChain, chainId=OTHER_CHAIN):
        registry.getChain(OTHER_CHAIN)


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("registerChain", (OTHER_CHAIN, SOMEONE, 250, 1500, NEW_HASH)),
        ("scheduleTerms", (CHAIN_ID, 0, 0, NEW_HASH, 0)),
        ("cancelScheduledTerms", (CHAIN_ID,)),
        ("setNoticePeriod", (0,)),
        ("setTreasuryMayExit", (CHAIN_ID, True)),
        ("setKeeperReward", (10, 10**18)),
        ("setTreasury", (CHAIN_ID, SOMEONE)),
        ("setActive", (CHAIN_ID, False)),
        ("setCollective", (SOMEONE,)),
        ("transferOwnership", (SOMEONE,)),
        ("setGuardian", (SOMEONE,)),
        ("unpause", ()),
        ("setTokenAllowed", (SOMEONE, True)),
    ],
)
def test_governance_functions_are_owner_only(stranger, registry, method, args):
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=stranger.address):
        getattr(registry, method)(*args, sender=stranger)


def test_two_step_ownership(owner, stranger, keeper, registry):
    registry.transferOwnership(keeper, sender=owner)
    assert registry.owner() == owner  # nothing changes until accepted
    assert registry.pendingOwner() == keeper
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=stranger.address):
        registry.acceptOwnership(sender=stranger)
    registry.acceptOwnership(sender=keeper)
    assert registry.owner() == keeper
    assert registry.pendingOwner() == ZERO
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=owner.address):
        registry.setCollective(SOMEONE, sender=owner)


def test_guardian_and_owner_can_pause_only_owner_unpauses(owner, guardian, stranger, registry):
    assert not registry.paused()
    with ape.reverts(registry.NotGuardian, account=stranger.address):
        registry.pause(sender=stranger)
    receipt = registry.pause(sender=guardian)
    assert receipt.events == [registry.Paused(account=guardian)]
    assert registry.paused()
    with ape.reverts(registry.PauseUnchanged, paused=True):
        registry.pause(sender=owner)
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=guardian.address):
        registry.unpause(sender=guardian)
    receipt = registry.unpause(sender=owner)
    assert receipt.events == [registry.Unpaused(account=owner)]
    with ape.reverts(registry.PauseUnchanged, paused=False):
        registry.unpause(sender=owner)
    registry.pause(sender=owner)
    assert registry.paused()


def test_set_guardian(owner, guardian, registry):
    receipt = registry.setGuardian(SOMEONE, sender=owner)
    assert receipt.events == [registry.GuardianUpdated(previousGuardian=guardian, newGuardian=SOMEONE)]
    with ape.reverts(registry.NotGuardian, account=guardian.address):
        registry.pause(sender=guardian)  # the old guardian lost the role
    registry.setGuardian(ZERO, sender=owner)
    assert registry.guardian() == ZERO


def test_token_allow_list(owner, project, registry):
    token = owner.deploy(project.TestToken)
    assert not registry.isTokenAllowed(token)
    receipt = registry.setTokenAllowed(token, True, sender=owner)
    assert receipt.events == [registry.TokenAllowedSet(token=token, allowed=True)]
    assert registry.isTokenAllowed(token)
    registry.setTokenAllowed(token, False, sender=owner)
    assert not registry.isTokenAllowed(token)
    with ape.reverts(registry.NotAContract, token=SOMEONE):
        registry.setTokenAllowed(SOMEONE, True, sender=owner)
