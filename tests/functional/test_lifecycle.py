"""A chain's lifecycle in the registry and its splitter: terms changes with notice, the boundary
settlement, exit with a final settlement, the keeper reward. Checked against `revshare.lifecycle`."""

import ape
from hypothesis import given
from hypothesis import strategies as st

from revshare.lifecycle import (
    DEFAULT_NOTICE_PERIOD,
    MAX_NOTICE_PERIOD,
    MAX_SCHEDULE_AHEAD,
    NO_CHANGE,
    Refused,
    TermsHistory,
    keeper_reward,
    settlement,
)
from revshare.model import split
from tests.conftest import CHAIN_ID, ONE_DAY, TERMS_HASH, ZERO_HASH, restore_after
from tests.conftest import ETH as ETH_KEY
from tests.strategies import amounts, valid_bps

ETH = 10**18
NEW_HASH = bytes.fromhex("cd" * 32)


def now(chain) -> int:
    return chain.pending_timestamp


def scheduled_at(registry, receipt) -> int:
    return receipt.events.filter(registry.TermsScheduled)[0].effectiveAt


def fund(keeper, vaults, amount, role="base_fee_vault"):
    keeper.transfer(vaults[role], amount)


def balance(chain, address) -> int:
    return chain.provider.get_balance(str(address))


# ---------------------------------------------------------------- registry


def test_notice_period_defaults_to_30_days_and_is_bounded(registry, owner):
    assert registry.noticePeriod() == DEFAULT_NOTICE_PERIOD == registry.DEFAULT_NOTICE_PERIOD()
    receipt = registry.setNoticePeriod(7 * ONE_DAY, sender=owner)
    assert receipt.events == [registry.NoticePeriodUpdated(period=7 * ONE_DAY)]
    registry.setNoticePeriod(MAX_NOTICE_PERIOD, sender=owner)
    with ape.reverts(registry.InvalidNoticePeriod, period=MAX_NOTICE_PERIOD + 1):
        registry.setNoticePeriod(MAX_NOTICE_PERIOD + 1, sender=owner)


def test_a_terms_change_needs_the_full_notice(chain, registry, owner):
    t = now(chain) + 10
    too_early = lambda tk: tk + DEFAULT_NOTICE_PERIOD - 1  # noqa: E731
    too_late = lambda tk: tk + MAX_SCHEDULE_AHEAD + 1  # noqa: E731
    for k, effective_at in enumerate((too_early, too_late)):
        tk = t + k  # each attempt in a block of its own time
        chain.pending_timestamp = tk
        with ape.reverts(
            registry.InvalidEffectiveTime,
            effectiveAt=effective_at(tk),
            earliest=tk + DEFAULT_NOTICE_PERIOD,
            latest=tk + MAX_SCHEDULE_AHEAD,
        ):
            registry.scheduleTerms(CHAIN_ID, 100, 1_000, NEW_HASH, effective_at(tk), sender=owner)
    with ape.reverts(registry.InvalidBps, bps=10_001):
        registry.scheduleTerms(CHAIN_ID, 100, 10_001, NEW_HASH, 0, sender=owner)
    t = now(chain) + 10
    chain.pending_timestamp = t
    receipt = registry.scheduleTerms(CHAIN_ID, 100, 1_000, NEW_HASH, 0, sender=owner)
    assert receipt.events == [
        registry.TermsScheduled(
            chainId=CHAIN_ID,
            grossBps=100,
            netBps=1_000,
            termsHash=NEW_HASH,
            effectiveAt=t + DEFAULT_NOTICE_PERIOD,
        )
    ]


def test_scheduled_terms_take_effect_at_their_time_and_the_history_keeps_both(chain, registry, owner):
    version = registry.termsVersion()
    at = scheduled_at(registry, registry.scheduleTerms(CHAIN_ID, 100, 1_000, NEW_HASH, 0, sender=owner))
    assert registry.termsVersion() == version + 1
    current = registry.getChain(CHAIN_ID)
    assert (current.grossBps, current.netBps, current.termsHash) == (250, 1_500, TERMS_HASH)
    history = registry.termsHistory(CHAIN_ID)
    assert [(e.grossBps, e.netBps, e.exit, e.termsHash) for e in history] == [
        (250, 1_500, False, TERMS_HASH),
        (100, 1_000, False, NEW_HASH),
    ]
    assert history[1].effectiveAt == at
    assert registry.termsAt(CHAIN_ID, at - 1).grossBps == 250
    assert registry.termsAt(CHAIN_ID, at).grossBps == 100
    assert registry.termsAt(CHAIN_ID, 0).grossBps == 250  # before the registration: the first entry
    chain.pending_timestamp = at
    chain.mine()
    current = registry.getChain(CHAIN_ID)
    assert (current.grossBps, current.netBps, current.termsHash) == (100, 1_000, NEW_HASH)
    assert registry.termsVersion() == version + 1  # taking effect changes nothing stored


def test_settlement_terms_are_those_in_force_when_the_period_began(chain, registry, owner):
    registry.setNoticePeriod(0, sender=owner)
    start = now(chain)
    first = scheduled_at(
        registry, registry.scheduleTerms(CHAIN_ID, 100, 0, NEW_HASH, start + 100, sender=owner)
    )
    second = scheduled_at(
        registry, registry.scheduleTerms(CHAIN_ID, 200, 0, NEW_HASH, start + 200, sender=owner)
    )
    registry.setKeeperReward(5, 10**15, sender=owner)
    for since, expected in [
        (0, (250, start + 100)),
        (start + 99, (250, start + 100)),
        (start + 100, (100, start + 200)),
        (start + 150, (100, start + 200)),
        (start + 200, (200, NO_CHANGE)),
    ]:
        s = registry.settlementTerms(CHAIN_ID, since)
        assert (s.grossBps, s.nextChangeAt) == expected, since
        assert (s.keeperRewardBps, s.keeperRewardCap, s.active) == (5, 10**15, True)
    assert (first, second) == (start + 100, start + 200)


def test_a_second_change_comes_after_the_first(chain, registry, owner):
    registry.setNoticePeriod(0, sender=owner)
    t = now(chain)
    registry.scheduleTerms(CHAIN_ID, 100, 0, NEW_HASH, t + 1_000, sender=owner)
    with ape.reverts(registry.InvalidEffectiveTime, effectiveAt=t + 1_000, earliest=t + 1_001):
        registry.scheduleTerms(CHAIN_ID, 200, 0, NEW_HASH, t + 1_000, sender=owner)
    receipt = registry.scheduleTerms(CHAIN_ID, 200, 0, NEW_HASH, 0, sender=owner)
    assert scheduled_at(registry, receipt) == t + 1_001


def test_a_scheduled_change_can_be_cancelled_only_before_it_takes_effect(chain, registry, owner):
    with ape.reverts(registry.NothingScheduled, chainId=CHAIN_ID):
        registry.cancelScheduledTerms(CHAIN_ID, sender=owner)  # the registration is not a change
    at = scheduled_at(registry, registry.scheduleTerms(CHAIN_ID, 100, 0, NEW_HASH, 0, sender=owner))
    receipt = registry.cancelScheduledTerms(CHAIN_ID, sender=owner)
    assert receipt.events == [registry.TermsChangeCancelled(chainId=CHAIN_ID, effectiveAt=at)]
    assert len(registry.termsHistory(CHAIN_ID)) == 1
    at = scheduled_at(registry, registry.scheduleTerms(CHAIN_ID, 100, 0, NEW_HASH, 0, sender=owner))
    chain.pending_timestamp = at
    with ape.reverts(registry.NothingScheduled, chainId=CHAIN_ID):
        registry.cancelScheduledTerms(CHAIN_ID, sender=owner)


def test_exit_by_governance_ends_all_changes(chain, registry, owner):
    assert registry.exitTime(CHAIN_ID) == 0
    receipt = registry.announceExit(CHAIN_ID, 0, sender=owner)
    event = receipt.events.filter(registry.ExitAnnounced)[0]
    assert (event.chainId, event.account) == (CHAIN_ID, owner.address)
    at = event.effectiveAt
    assert registry.exitTime(CHAIN_ID) == at
    last = registry.termsHistory(CHAIN_ID)[-1]
    assert (last.grossBps, last.netBps, last.exit, last.termsHash) == (0, 0, True, TERMS_HASH)
    with ape.reverts(registry.ChainExiting, chainId=CHAIN_ID, exitAt=at):
        registry.announceExit(CHAIN_ID, 0, sender=owner)  # double exit
    with ape.reverts(registry.ChainExiting, chainId=CHAIN_ID, exitAt=at):
        registry.scheduleTerms(CHAIN_ID, 1, 1, NEW_HASH, 0, sender=owner)  # change after exit
    with ape.reverts(registry.NothingScheduled, chainId=CHAIN_ID):
        registry.cancelScheduledTerms(CHAIN_ID, sender=owner)  # the last entry is the exit
    receipt = registry.cancelExit(CHAIN_ID, sender=owner)
    assert receipt.events == [registry.ExitCancelled(chainId=CHAIN_ID, effectiveAt=at)]
    assert registry.exitTime(CHAIN_ID) == 0
    at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    chain.pending_timestamp = at
    with ape.reverts(registry.NothingScheduled, chainId=CHAIN_ID):
        registry.cancelExit(CHAIN_ID, sender=owner)  # it took effect: the chain has left
    chain.mine()
    assert (registry.getChain(CHAIN_ID).grossBps, registry.getChain(CHAIN_ID).netBps) == (0, 0)


def test_a_treasury_may_announce_its_exit_only_where_allowed(registry, owner, treasury, stranger, chain):
    chain.provider.set_balance(treasury, ETH)
    with ape.reverts(registry.NotAllowedToExit, account=treasury):
        registry.announceExit(CHAIN_ID, 0, sender=treasury)
    receipt = registry.setTreasuryMayExit(CHAIN_ID, True, sender=owner)
    assert receipt.events == [registry.TreasuryExitAllowedSet(chainId=CHAIN_ID, allowed=True)]
    assert registry.treasuryMayExit(CHAIN_ID)
    with ape.reverts(registry.NotAllowedToExit, account=stranger.address):
        registry.announceExit(CHAIN_ID, 0, sender=stranger)
    event = registry.announceExit(CHAIN_ID, 0, sender=treasury).events[0]
    assert event.account == treasury


def test_keeper_reward_is_bounded(registry, owner):
    assert registry.keeperReward() == (0, 0)
    receipt = registry.setKeeperReward(100, 10**17, sender=owner)
    assert receipt.events == [registry.KeeperRewardUpdated(bps=100, cap=10**17)]
    with ape.reverts(registry.InvalidKeeperReward, bps=101):
        registry.setKeeperReward(101, 10**17, sender=owner)


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("schedule"), valid_bps, valid_bps, st.integers(0, 3 * ONE_DAY)),
        st.tuples(st.just("exit"), st.just(0), st.just(0), st.integers(0, 3 * ONE_DAY)),
        st.tuples(st.just("cancel"), st.booleans(), st.just(0), st.just(0)),
        st.tuples(st.just("wait"), st.just(0), st.just(0), st.integers(1, 2 * ONE_DAY)),
    ),
    max_size=8,
)


def _registry_call(registry, owner, kind: str, a, b, at: int):
    if kind == "schedule":
        return registry.scheduleTerms(CHAIN_ID, a, b, ZERO_HASH, at, sender=owner)
    if kind == "exit":
        return registry.announceExit(CHAIN_ID, at, sender=owner)
    return (registry.cancelExit if a else registry.cancelScheduledTerms)(CHAIN_ID, sender=owner)


def _model_call(model: TermsHistory, t: int, kind: str, a, b, at: int) -> None:
    if kind == "cancel":
        model.cancel(t, exit=a)
    elif kind == "exit":
        model.schedule(t, 0, 0, at, exit=True)
    else:
        model.schedule(t, a, b, at, terms_hash=ZERO_HASH)


@given(notice=st.sampled_from([0, 3_600, ONE_DAY]), operations=OPERATIONS, probe=st.integers(0, 10 * ONE_DAY))
def test_any_schedule_matches_the_model(chain, registry, owner, notice, operations, probe):
    with restore_after(chain):
        registry.setNoticePeriod(notice, sender=owner)
        joined = registry.termsHistory(CHAIN_ID)[0].effectiveAt
        model = TermsHistory.joined(joined, 250, 1_500, notice, TERMS_HASH)
        for kind, a, b, delay in operations:
            t = now(chain)
            if kind == "wait":
                chain.pending_timestamp = t + delay
                continue
            at = (t + notice + delay) if delay else 0
            try:
                _model_call(model, t, kind, a, b, at)
            except Refused as refused:
                with ape.reverts(getattr(registry, refused.error)):
                    chain.pending_timestamp = t
                    _registry_call(registry, owner, kind, a, b, at)
                continue
            chain.pending_timestamp = t
            _registry_call(registry, owner, kind, a, b, at)
        history = registry.termsHistory(CHAIN_ID)
        assert [(e.grossBps, e.netBps, e.effectiveAt, e.exit, e.termsHash) for e in history] == [
            (e.gross_bps, e.net_bps, e.effective_at, e.exit, e.terms_hash) for e in model.entries
        ]
        since = joined + probe
        s = registry.settlementTerms(CHAIN_ID, since)
        expected = settlement(model, since, since)
        assert (s.grossBps, s.netBps) == (expected.gross_bps, expected.net_bps)
        assert s.nextChangeAt == expected.change_at
        assert registry.exitTime(CHAIN_ID) == model.exit_time()


# ---------------------------------------------------------------- splitter


def test_an_empty_boundary_settlement_marks_the_boundary(chain, registry, owner, splitter, keeper):
    keeper.transfer(splitter, ETH)
    last = splitter.disburse(sender=keeper).timestamp
    with ape.reverts(splitter.NothingToDisburse, asset=ETH_KEY):
        chain.pending_timestamp = last + ONE_DAY
        splitter.disburse(sender=keeper)  # due, but empty: refused
    registry.setNoticePeriod(0, sender=owner)
    at = last + ONE_DAY + 3_600
    registry.scheduleTerms(CHAIN_ID, 1_000, 0, NEW_HASH, at, sender=owner)
    assert splitter.nextDisbursementTime(ETH_KEY) == last + ONE_DAY  # the interval comes first
    chain.pending_timestamp = at
    receipt = splitter.disburse(sender=keeper)  # empty too, but the boundary: allowed
    assert receipt.events.filter(splitter.BoundarySettled) == [
        splitter.BoundarySettled(disbursementId=1, asset=ETH_KEY, changeAt=at)
    ]
    assert receipt.events.filter(splitter.Disbursed) == []
    assert receipt.events.filter(splitter.RevenueSources) == []
    keeper.transfer(splitter, ETH)
    with ape.reverts(splitter.DisbursementTooSoon, nextAllowedTime=at + ONE_DAY):
        splitter.disburse(sender=keeper)  # one boundary settlement per change
    chain.pending_timestamp = at + ONE_DAY
    event = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
    assert (event.grossBps, event.collectiveShare) == (1_000, ETH // 10)


def test_exit_final_settlement_then_the_chain_keeps_everything(
    chain, project, registry, owner, splitter, vaults, keeper, collective, treasury
):
    fund(keeper, vaults, ETH)
    splitter.disburse(sender=keeper)
    bad = owner.deploy(project.RevertingRecipient)
    registry.setTreasury(CHAIN_ID, bad, sender=owner)
    fund(keeper, vaults, ETH)
    chain.pending_timestamp += ONE_DAY
    splitter.disburse(sender=keeper)  # the treasury refuses: its share is credited
    credit = ETH - ETH * 15 // 100
    assert splitter.owed(ETH_KEY, bad) == credit
    registry.setTreasury(CHAIN_ID, treasury, sender=owner)
    at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    fund(keeper, vaults, 2 * ETH)
    chain.pending_timestamp = at
    receipt = splitter.disburse(sender=keeper)  # the final settlement, under the last terms
    assert receipt.events.filter(splitter.BoundarySettled)[0].changeAt == at
    final = receipt.events.filter(splitter.Disbursed)[0]
    assert (final.grossBps, final.netBps, final.collectiveShare) == (250, 1_500, 2 * ETH * 15 // 100)
    collective_before, treasury_before = balance(chain, collective), balance(chain, treasury)
    fund(keeper, vaults, 3 * ETH)
    chain.pending_timestamp = at + ONE_DAY
    after = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
    assert (after.grossBps, after.netBps, after.collectiveShare, after.chainShare) == (0, 0, 0, 3 * ETH)
    assert balance(chain, collective) == collective_before
    assert balance(chain, treasury) - treasury_before == 3 * ETH
    assert splitter.collectiveShareTotal(ETH_KEY) == 2 * (ETH * 15 // 100) + 2 * ETH * 15 // 100
    project.RevertingRecipient.at(bad).setRejecting(False, sender=owner)  # credits stay claimable
    receipt = splitter.claim(ETH_KEY, bad, sender=keeper)
    assert receipt.events.filter(splitter.Claimed)[0].amount == credit


def test_keeper_reward_comes_off_gross_before_the_split(chain, registry, owner, splitter, vaults, keeper):
    registry.setKeeperReward(100, ETH // 200, sender=owner)  # 1%, at most 0.005 ETH
    fund(keeper, vaults, ETH // 4, "sequencer_fee_vault")
    fund(keeper, vaults, ETH // 4, "l1_fee_vault")
    before = balance(chain, keeper)
    receipt = splitter.disburse(sender=keeper)
    reward = keeper_reward(ETH // 2, 100, ETH // 200)
    assert reward == ETH // 200  # 1% of 0.5 ETH, exactly the cap
    assert receipt.events.filter(splitter.KeeperRewarded) == [
        splitter.KeeperRewarded(disbursementId=0, asset=ETH_KEY, keeper=keeper.address, amount=reward)
    ]
    event = receipt.events.filter(splitter.Disbursed)[0]
    expected = split(ETH // 2 - reward, ETH // 4, 250, 1_500)
    assert (event.gross, event.l1Cost) == (ETH // 2 - reward, ETH // 4)
    assert (event.collectiveShare, event.chainShare) == (expected.collective, expected.chain)
    sources = receipt.events.filter(splitter.RevenueSources)[0]
    assert sources.sequencerFees + sources.l1Fees == event.gross + reward
    assert balance(chain, keeper) - before + receipt.total_fees_paid == reward
    chain.pending_timestamp += ONE_DAY
    keeper.transfer(splitter, 10_000)
    receipt = splitter.disburse(sender=keeper)  # below the cap: 1% of it
    assert receipt.events.filter(splitter.KeeperRewarded)[0].amount == 100


def test_a_keeper_that_refuses_its_reward_is_credited(chain, project, registry, owner, splitter, keeper):
    registry.setKeeperReward(100, ETH, sender=owner)
    caller = owner.deploy(project.RefusingKeeper)
    keeper.transfer(splitter, ETH)
    receipt = caller.poke(splitter, splitter.disburse.encode_input(), sender=keeper)
    assert receipt.events.filter(splitter.PayoutDeferred) == [
        splitter.PayoutDeferred(asset=ETH_KEY, recipient=caller.address, amount=ETH // 100)
    ]
    assert splitter.owed(ETH_KEY, caller) == ETH // 100


@given(gross=amounts(10**30, 1, 99, 100, 101), bps=st.integers(0, 100), cap=amounts(10**28, 0, 1))
def test_keeper_reward_matches_the_model(chain, registry, owner, splitter, keeper, gross, bps, cap):
    with restore_after(chain):
        registry.setKeeperReward(bps, cap, sender=owner)
        assert splitter.previewSplit(gross, 0)[2] == keeper_reward(gross, bps, cap)


# ---------------------------------------------------------------- review findings


def test_only_the_treasury_cancels_the_exit_it_announced(chain, registry, owner, treasury):
    chain.provider.set_balance(treasury, ETH)
    registry.setTreasuryMayExit(CHAIN_ID, True, sender=owner)
    registry.announceExit(CHAIN_ID, 0, sender=treasury)
    assert registry.exitByTreasury(CHAIN_ID)
    with ape.reverts(registry.NotAllowedToExit, account=owner.address):
        registry.cancelExit(CHAIN_ID, sender=owner)  # governance cannot hold the chain back
    registry.cancelExit(CHAIN_ID, sender=treasury)
    assert registry.exitTime(CHAIN_ID) == 0
    registry.announceExit(CHAIN_ID, 0, sender=owner)
    assert not registry.exitByTreasury(CHAIN_ID)
    with ape.reverts(registry.NotAllowedToExit, account=treasury):
        registry.cancelExit(CHAIN_ID, sender=treasury)  # governance's exit: governance cancels


def test_a_chain_that_left_is_beyond_pause_deactivation_holds_and_rewards(
    chain, registry, owner, guardian, splitter, vaults, keeper, treasury
):
    registry.setKeeperReward(100, ETH, sender=owner)
    at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    fund(keeper, vaults, ETH)
    chain.pending_timestamp = at
    final = splitter.disburse(sender=keeper)  # the final settlement: the last terms, a reward
    assert final.events.filter(splitter.KeeperRewarded)[0].amount == ETH // 100
    registry.pause(sender=guardian)
    registry.setActive(CHAIN_ID, False, sender=owner)
    registry.holdClaims(CHAIN_ID, sender=guardian)
    before = balance(chain, treasury)
    fund(keeper, vaults, ETH)
    chain.pending_timestamp = at + ONE_DAY
    receipt = splitter.disburse(sender=keeper)
    assert receipt.events.filter(splitter.KeeperRewarded) == []
    assert receipt.events.filter(splitter.PayoutDeferred) == []
    assert balance(chain, treasury) - before == ETH  # all of it, held or not, paused or not


def test_a_tokens_first_disbursement_applies_the_terms_in_force(
    chain, project, registry, owner, splitter, keeper
):
    token = owner.deploy(project.TestToken)
    registry.setTokenAllowed(token, True, sender=owner)
    registry.setKeeperReward(100, 10**30, sender=owner)
    at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    token.mint(splitter, 1_000, sender=owner)
    chain.pending_timestamp = at + 90 * ONE_DAY  # months after the chain left
    receipt = splitter.disburseToken(token, sender=keeper)
    event = receipt.events.filter(splitter.Disbursed)[0]
    assert (event.grossBps, event.netBps, event.collectiveShare, event.chainShare) == (0, 0, 0, 1_000)
    assert receipt.events.filter(splitter.BoundarySettled) == []
    assert receipt.events.filter(splitter.KeeperRewarded) == []  # ETH only


def test_token_disbursements_carry_no_keeper_reward(chain, project, registry, owner, splitter, keeper):
    token = owner.deploy(project.TestToken)
    registry.setTokenAllowed(token, True, sender=owner)
    registry.setKeeperReward(100, 1, sender=owner)  # a cap of 1 wei would be 1 unit of any token
    token.mint(splitter, 10**24, sender=owner)
    receipt = splitter.disburseToken(token, sender=keeper)
    assert receipt.events.filter(splitter.KeeperRewarded) == []
    assert receipt.events.filter(splitter.Disbursed)[0].gross == 10**24
