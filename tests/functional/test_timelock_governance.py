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


def test_proposals_count_the_notice_from_when_the_timelock_can_execute(
    chain, owner, council, kit, multisig, timelock, registry
):
    from revshare.chain.registry import read_registry
    from revshare.governance.proposals import ProposalError, propose_cancel_terms, propose_set_terms

    registry.transferOwnership(timelock, sender=owner)
    accept = through_council(
        kit, multisig, council, timelock, registry, registry.acceptOwnership.encode_input(), b"\x01" * 32
    )
    chain.pending_timestamp += DELAY
    timelock.execute(*accept, sender=owner)
    state = read_registry(registry)
    notice = registry.noticePeriod()
    # Enough notice if executed now, not once the timelock lets it run: refused.
    with pytest.raises(ProposalError, match="after the timelock's 2-day delay"):
        propose_set_terms(registry, state, CHAIN_ID, 300, 1_200, None, state.timestamp + notice + 3_600)
    proposal = propose_set_terms(
        registry, state, CHAIN_ID, 300, 1_200, None, state.timestamp + notice + DELAY + 60
    )
    change = proposal.calls[0].data
    args = through_council(kit, multisig, council, timelock, registry, change, b"\x02" * 32)
    chain.pending_timestamp += DELAY
    timelock.execute(*args, sender=owner)  # it runs: the effective time still has the notice
    # A change taking effect within the delay can no longer be cancelled through the timelock.
    chain.pending_timestamp = state.timestamp + notice + 60
    chain.mine()
    with pytest.raises(ProposalError, match="can no longer be cancelled"):
        propose_cancel_terms(registry, read_registry(registry), CHAIN_ID)
