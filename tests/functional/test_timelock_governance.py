"""A deployment hands the registry to an OpenZeppelin TimelockController whose only proposer is a
2-of-3 Safe (1.5.0, standing in for the Security Council): changes then need two signatures and
the delay."""

import ape
import pytest

from revshare.demo.safe import deploy_safe, deploy_safe_kit, execute
from tests.conftest import CHAIN_ID

DELAY = 2 * 86_400
ZERO = "0x0000000000000000000000000000000000000000"
NO_PREDECESSOR = b"\x00" * 32


@pytest.fixture
def council(accounts):
    return accounts[4], accounts[5], accounts[6]


@pytest.fixture
def kit(owner):
    return deploy_safe_kit(owner)


@pytest.fixture
def multisig(kit, owner, council):
    return deploy_safe(kit, owner, list(council), 2)


@pytest.fixture
def timelock(project, owner, multisig):
    # Only the multisig proposes (and cancels); anyone may execute once the delay has passed; no admin.
    return owner.deploy(project.RevenueShareTimelock, DELAY, [multisig], [ZERO], ZERO)


def through_council(kit, multisig, council, timelock, target, data, salt):
    """The council schedules `data` on `target` (2 of 3 sign), returns the operation's arguments."""
    args = (target, 0, data, NO_PREDECESSOR, salt)
    schedule = bytes(timelock.schedule.encode_input(*args, DELAY))
    execute(multisig, kit, [(timelock.address, 0, schedule)], list(council[:2]), council[0])
    return args


def test_registry_governed_by_timelock_and_multisig(
    chain, owner, stranger, council, kit, multisig, timelock, registry
):
    # Hand-over: the deployer offers ownership; the timelock accepts through a scheduled operation.
    registry.transferOwnership(timelock, sender=owner)
    accept = through_council(
        kit, multisig, council, timelock, registry, registry.acceptOwnership.encode_input(), b"\x01" * 32
    )
    op_id = timelock.hashOperation(*accept)
    assert timelock.isOperationPending(op_id)
    with ape.reverts(timelock.TimelockUnexpectedOperationState):
        timelock.execute(*accept, sender=stranger)  # too early
    chain.pending_timestamp += DELAY
    timelock.execute(*accept, sender=stranger)
    assert registry.owner() == timelock

    # The old owner and outsiders can no longer change terms, nor schedule through the timelock.
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=owner.address):
        registry.scheduleTerms(CHAIN_ID, 100, 100, b"\x00" * 32, 0, sender=owner)
    with ape.reverts(timelock.AccessControlUnauthorizedAccount):
        timelock.schedule(
            registry, 0, registry.unpause.encode_input(), NO_PREDECESSOR, b"\x00" * 32, DELAY, sender=stranger
        )

    # One council member alone cannot schedule: the Safe needs a second signature (GS020).
    # Effective as early as the registry's notice allows once the timelock executes it.
    change = registry.scheduleTerms.encode_input(CHAIN_ID, 300, 1_200, b"\x07" * 32, 0)
    schedule = bytes(timelock.schedule.encode_input(registry, 0, change, NO_PREDECESSOR, b"\x02" * 32, DELAY))
    with ape.reverts("GS020"):
        execute(multisig, kit, [(timelock.address, 0, schedule)], [council[0]], council[0])
    assert not timelock.isOperationPending(
        timelock.hashOperation(registry, 0, change, NO_PREDECESSOR, b"\x02" * 32)
    )
    execute(multisig, kit, [(timelock.address, 0, schedule)], [council[0], council[2]], council[0])
    chain.pending_timestamp += DELAY
    receipt = timelock.execute(registry, 0, change, NO_PREDECESSOR, b"\x02" * 32, sender=stranger)

    at = receipt.timestamp + registry.noticePeriod()
    assert receipt.events.filter(registry.TermsScheduled) == [
        registry.TermsScheduled(
            chainId=CHAIN_ID, grossBps=300, netBps=1_200, termsHash=b"\x07" * 32, effectiveAt=at
        )
    ]
    assert registry.termsAt(CHAIN_ID, at).grossBps == 300
    assert registry.getChain(CHAIN_ID).grossBps == 250  # the notice runs


def test_guardian_can_still_pause_a_timelocked_registry(owner, guardian, timelock, registry):
    registry.transferOwnership(timelock, sender=owner)
    registry.pause(sender=guardian)  # no delay for the emergency brake
    assert registry.paused()
