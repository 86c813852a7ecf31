"""Revenue-linked grants: milestones of the Collective's share from the chain (its splitter's own
accounting) and of time; clawback of what is unvested at the chain's exit. Checked against
`revshare.lifecycle.vested_count`; a property test drives random disbursements, time, exits and
releases and checks nothing is ever released beyond what was earned."""

from __future__ import annotations

import contextlib

import ape
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revshare.lifecycle import Milestone, vested_count
from tests.conftest import CHAIN_ID, ONE_DAY, restore_after

ETH = 10**18
OP = 10**18  # the granted token's unit
ZERO = "0x" + "00" * 20


@pytest.fixture(scope="module")
def grants(project, owner, registry):
    return owner.deploy(project.RevenueLinkedGrants, registry)


@pytest.fixture(scope="module")
def op_token(project, owner):
    token = owner.deploy(project.TestToken)
    token.mint(owner, 10**9 * OP, sender=owner)
    return token


@pytest.fixture(scope="module", autouse=True)
def _module(grants, op_token, splitter):
    """Everything exists before ape's first per-test snapshot."""


def make_grant(grants, op_token, owner, splitter, milestones) -> int:
    total = sum(m[2] for m in milestones)
    op_token.approve(grants, total, sender=owner)
    receipt = grants.createGrant(CHAIN_ID, op_token, splitter, milestones, sender=owner)
    return receipt.events.filter(grants.GrantCreated)[0].grantId


def gross_for(collective_share: int) -> int:
    """Revenue (no L1 cost) that gives the Collective exactly ``collective_share`` under the
    default terms: the net rule, 15%, rounded down."""
    gross = -(-collective_share * 20 // 3)
    assert gross * 1_500 // 10_000 == collective_share
    return gross


def earn(chain, keeper, splitter, collective_share: int) -> None:
    """A disbursement a day later giving the Collective exactly ``collective_share``."""
    gross = gross_for(collective_share)
    keeper.transfer(splitter, gross)
    chain.pending_timestamp += ONE_DAY
    splitter.disburse(sender=keeper)


def test_only_governance_creates_grants_with_sound_milestones(
    grants, op_token, owner, stranger, splitter, project
):
    op_token.approve(grants, 100 * OP, sender=owner)
    with ape.reverts(grants.RevenueLinkedGrants_NotGovernance, account=stranger.address):
        grants.createGrant(CHAIN_ID, op_token, splitter, [(0, 0, OP)], sender=stranger)
    for bad in ([], [(0, 0, 0)], [(10, 0, OP), (9, 0, OP)], [(0, 10, OP), (0, 9, OP)], [(0, 0, 1)] * 65):
        with ape.reverts(grants.RevenueLinkedGrants_BadMilestones):
            grants.createGrant(CHAIN_ID, op_token, splitter, bad, sender=owner)
    with ape.reverts(grants.RevenueLinkedGrants_WrongSource, source=stranger.address):
        grants.createGrant(CHAIN_ID, op_token, stranger, [(0, 0, OP)], sender=owner)
    with ape.reverts(grants.RevenueLinkedGrants_BadToken, token=stranger.address):
        grants.createGrant(CHAIN_ID, stranger, splitter, [(0, 0, OP)], sender=owner)
    fee_token = owner.deploy(project.FeeOnTransferToken)
    fee_token.mint(owner, 10 * OP, sender=owner)
    fee_token.approve(grants, OP, sender=owner)
    with ape.reverts(grants.RevenueLinkedGrants_BadToken, token=fee_token.address):
        grants.createGrant(CHAIN_ID, fee_token, splitter, [(0, 0, OP)], sender=owner)


def test_a_source_of_another_chain_is_refused(grants, op_token, owner, project, registry):
    registry.registerChain(10, owner, 250, 1_500, b"\x00" * 32, sender=owner)
    other = owner.deploy(project.ChainRevenueSplitter, registry, 10, [ZERO] * 4, 0)
    op_token.approve(grants, OP, sender=owner)
    with ape.reverts(grants.RevenueLinkedGrants_WrongSource, source=other.address):
        grants.createGrant(CHAIN_ID, op_token, other, [(0, 0, OP)], sender=owner)


def test_milestones_release_by_share_and_time(chain, grants, op_token, owner, keeper, splitter, treasury):
    earn(chain, keeper, splitter, 3 * ETH)  # before the grant: does not count
    later = chain.pending_timestamp + 10 * ONE_DAY
    grant_id = make_grant(grants, op_token, owner, splitter, [(ETH, 0, 100 * OP), (2 * ETH, later, 200 * OP)])
    assert op_token.balanceOf(grants) == 300 * OP
    with ape.reverts(grants.RevenueLinkedGrants_NothingVested, grantId=grant_id):
        grants.release(grant_id, sender=keeper)  # release before a milestone
    earn(chain, keeper, splitter, ETH - 3)
    with ape.reverts(grants.RevenueLinkedGrants_NothingVested, grantId=grant_id):
        grants.release(grant_id, sender=keeper)  # 3 wei short
    earn(chain, keeper, splitter, 3 * ETH)
    receipt = grants.release(
        grant_id, sender=keeper
    )  # the share reaches both; only the first's time has come
    assert receipt.events.filter(grants.MilestoneReleased) == [
        grants.MilestoneReleased(grantId=grant_id, index=0, treasury=treasury, amount=100 * OP)
    ]
    assert op_token.balanceOf(treasury) == 100 * OP
    chain.pending_timestamp = later
    assert (
        grants.release(grant_id, sender=keeper).events.filter(grants.MilestoneReleased)[0].amount == 200 * OP
    )
    assert op_token.balanceOf(treasury) == 300 * OP and op_token.balanceOf(grants) == 0
    with ape.reverts(grants.RevenueLinkedGrants_NothingVested, grantId=grant_id):
        grants.release(grant_id, sender=keeper)


def test_exit_returns_what_is_unvested_to_the_collective(
    chain, grants, op_token, owner, keeper, splitter, registry, treasury, collective
):
    start = chain.pending_timestamp
    grant_id = make_grant(
        grants,
        op_token,
        owner,
        splitter,
        [
            (ETH, 0, 10 * OP),
            (2 * ETH, 0, 20 * OP),
            (3 * ETH, start + 60 * ONE_DAY, 30 * OP),
            (9 * ETH, start + 60 * ONE_DAY, 40 * OP),
        ],
    )
    earn(chain, keeper, splitter, ETH)
    with ape.reverts(grants.RevenueLinkedGrants_NotClawable):
        grants.clawback(grant_id, sender=keeper)  # no exit
    exit_at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    with ape.reverts(grants.RevenueLinkedGrants_NotClawable):
        grants.clawback(grant_id, sender=keeper)  # announced, not yet effective
    keeper.transfer(splitter, gross_for(2 * ETH))  # revenue from before the exit
    chain.pending_timestamp = exit_at + 1
    with ape.reverts(grants.RevenueLinkedGrants_NotClawable, notBefore=exit_at + 30 * ONE_DAY):
        grants.clawback(grant_id, sender=keeper)  # the final settlement may still come
    splitter.disburse(sender=keeper)  # the final settlement: 2 ETH more to the Collective (3 in all)
    assert grants.vestedCount(grant_id) == 2  # the third's time comes after the exit: never vests
    receipt = grants.clawback(grant_id, sender=keeper)
    assert receipt.events.filter(grants.GrantClawedBack) == [
        grants.GrantClawedBack(grantId=grant_id, collective=collective, amount=70 * OP, vestedAtExit=2)
    ]
    assert op_token.balanceOf(collective) == 70 * OP
    with ape.reverts(grants.RevenueLinkedGrants_AlreadyClawedBack, grantId=grant_id):
        grants.clawback(grant_id, sender=keeper)
    # What had vested stays the chain's: released after the clawback, and no more.
    assert grants.release(grant_id, sender=keeper).events.filter(grants.MilestoneReleased)[-1].index == 1
    assert op_token.balanceOf(treasury) == 30 * OP
    chain.pending_timestamp = start + 90 * ONE_DAY
    keeper.transfer(splitter, 100 * ETH)
    splitter.disburse(sender=keeper)  # after the exit the Collective gets nothing anyway
    with ape.reverts(grants.RevenueLinkedGrants_NothingVested, grantId=grant_id):
        grants.release(grant_id, sender=keeper)
    assert op_token.balanceOf(grants) == 0


def test_clawback_without_a_final_settlement_waits_the_delay(
    chain, grants, op_token, owner, keeper, splitter, registry
):
    grant_id = make_grant(grants, op_token, owner, splitter, [(ETH, 0, 10 * OP)])
    exit_at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    chain.pending_timestamp = exit_at + 30 * ONE_DAY - 1
    with ape.reverts(grants.RevenueLinkedGrants_NotClawable):
        grants.clawback(grant_id, sender=keeper)
    chain.pending_timestamp = exit_at + 30 * ONE_DAY
    assert grants.clawback(grant_id, sender=keeper).events.filter(grants.GrantClawedBack)[0].amount == 10 * OP


def test_unknown_grants_are_refused(grants, keeper):
    for call in (grants.release, grants.clawback):
        with ape.reverts(grants.RevenueLinkedGrants_UnknownGrant, grantId=7):
            call(7, sender=keeper)


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 4 * ETH // 10**15).map(lambda m: m * 10**15 * 3)),
        st.tuples(st.just("wait"), st.sampled_from([ONE_DAY, 7 * ONE_DAY, 31 * ONE_DAY])),
        st.tuples(st.just("release"), st.just(0)),
        st.tuples(st.just("exit"), st.just(0)),
        st.tuples(st.just("clawback"), st.just(0)),
    ),
    max_size=8,
)
MILESTONES = st.lists(
    st.tuples(st.integers(0, 6 * ETH), st.integers(0, 120 * ONE_DAY), st.integers(1, 10**6)),
    min_size=1,
    max_size=5,
).map(lambda ms: sorted(ms))


@settings(max_examples=max(5, settings.default.max_examples // 2))
@given(milestones=MILESTONES, steps=STEPS)
def test_no_sequence_releases_more_than_earned(
    chain, grants, op_token, owner, keeper, splitter, registry, treasury, collective, milestones, steps
):
    with restore_after(chain):
        registry.setNoticePeriod(ONE_DAY, sender=owner)
        start = chain.pending_timestamp
        # Times relative to the grant; sorted so thresholds and times never decrease together.
        ordered, last_time = [], 0
        for share, delay, amount in milestones:
            last_time = max(last_time, start + delay)
            ordered.append((share, last_time, amount))
        grant_id = make_grant(grants, op_token, owner, splitter, ordered)
        model = [Milestone(*m) for m in ordered]
        baseline = splitter.collectiveShareTotal(ZERO)
        exit_at = 0
        released = 0
        for kind, value in steps:
            if kind == "earn":
                keeper.transfer(splitter, value)
                chain.pending_timestamp = max(chain.pending_timestamp, splitter.nextDisbursementTime(ZERO))
                splitter.disburse(sender=keeper)
            elif kind == "wait":
                chain.pending_timestamp += value
            elif kind == "exit" and not exit_at:
                exit_at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
            elif kind == "release":
                if grants.vestedCount(grant_id) > released:
                    grants.release(grant_id, sender=keeper)
                    released = grants.vestedCount(grant_id)
            elif kind == "clawback":
                with contextlib.suppress(ape.exceptions.ContractLogicError):
                    grants.clawback(grant_id, sender=keeper)
            chain.mine()
            now = chain.blocks.head.timestamp
            earned = splitter.collectiveShareTotal(ZERO) - baseline
            grant = grants.grantOf(grant_id)[0]
            released_count, clawed_back = grant[5], grant[7]
            vested = grants.vestedCount(grant_id)
            if not clawed_back:
                assert vested == vested_count(model, earned, now, exit_at, released_count)
            # Never more released than vested by the rules, and every token accounted for.
            paid = op_token.balanceOf(treasury)
            allowed = sum(m.amount for m in model[: vested_count(model, earned, now, exit_at)])
            assert paid <= allowed
            assert paid + op_token.balanceOf(collective) + op_token.balanceOf(grants) == sum(
                m.amount for m in model
            )


def test_a_claim_hold_holds_releases(chain, grants, op_token, owner, guardian, keeper, splitter, registry):
    grant_id = make_grant(grants, op_token, owner, splitter, [(0, 0, 10 * OP)])
    registry.holdClaims(CHAIN_ID, sender=guardian)
    with ape.reverts(grants.RevenueLinkedGrants_ClaimsHeld, chainId=CHAIN_ID):
        grants.release(grant_id, sender=keeper)
    registry.releaseClaims(CHAIN_ID, sender=owner)
    assert (
        grants.release(grant_id, sender=keeper).events.filter(grants.MilestoneReleased)[0].amount == 10 * OP
    )


def test_time_stops_at_the_exit(chain, grants, op_token, owner, keeper, splitter, registry):
    """A milestone whose time comes after the chain's exit never vests, however long one waits."""
    start = chain.pending_timestamp
    grant_id = make_grant(grants, op_token, owner, splitter, [(0, start + 40 * ONE_DAY, 10 * OP)])
    exit_at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    assert exit_at < start + 40 * ONE_DAY
    keeper.transfer(splitter, ETH)
    chain.pending_timestamp = exit_at + 1
    splitter.disburse(sender=keeper)  # the final settlement
    chain.pending_timestamp = start + 50 * ONE_DAY  # past the milestone's time, not clawed back yet
    chain.mine()
    assert grants.vestedCount(grant_id) == 0
    with ape.reverts(grants.RevenueLinkedGrants_NothingVested, grantId=grant_id):
        grants.release(grant_id, sender=keeper)
