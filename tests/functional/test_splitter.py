"""ChainRevenueSplitter: withdrawals, the split, the interval, inflows outside vaults, failed payouts."""

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revshare.deploying.deploy import create_address
from revshare.model import split
from tests.conftest import (
    CHAIN_ID,
    MIN_WITHDRAWAL,
    ONE_DAY,
    VAULT_ROLES,
    apply_terms,
    deploy_vaults_and_splitter,
    restore_after,
    terms_take_effect,
)
from tests.conftest import ETH as ETH_KEY
from tests.strategies import amounts, gross_and_cost, valid_bps

ETH = 10**18
ZERO = "0x0000000000000000000000000000000000000000"


def balance(chain, address):
    return chain.provider.get_balance(str(address))


def fund(keeper, vaults, **amounts):
    for role, amount in amounts.items():
        keeper.transfer(vaults[role], amount)


def disbursed_event(splitter, receipt):
    events = receipt.events.filter(splitter.Disbursed)
    assert len(events) == 1
    return events[0]


def test_constructor_records_configuration(splitter, registry, vaults):
    assert splitter.REGISTRY() == registry
    assert splitter.CHAIN_ID() == CHAIN_ID
    assert splitter.DISBURSEMENT_INTERVAL() == ONE_DAY
    assert splitter.SEQUENCER_FEE_VAULT() == vaults["sequencer_fee_vault"]
    assert splitter.BASE_FEE_VAULT() == vaults["base_fee_vault"]
    assert splitter.L1_FEE_VAULT() == vaults["l1_fee_vault"]
    assert splitter.OPERATOR_FEE_VAULT() == vaults["operator_fee_vault"]
    assert splitter.lastDisbursementTime(ETH_KEY) == 0
    assert splitter.nextDisbursementTime(ETH_KEY) == 0


def test_constructor_rejects_unknown_chain_and_zero_registry(project, owner, registry):
    vaults = [ZERO] * 4
    with ape.reverts(project.ChainRevenueSplitter.UnknownChain, chainId=999):
        owner.deploy(project.ChainRevenueSplitter, registry, 999, vaults, ONE_DAY)
    with ape.reverts(project.ChainRevenueSplitter.ZeroAddress):
        owner.deploy(project.ChainRevenueSplitter, ZERO, CHAIN_ID, vaults, ONE_DAY)


def test_receive_accepts_plain_eth_cheaply(splitter, keeper):
    receipt = keeper.transfer(splitter, 12_345)
    assert receipt.gas_used <= 21_300  # a plain transfer plus receive()'s four vault comparisons
    assert splitter.undisbursed(ETH_KEY) == 12_345


def test_disburse_withdraws_vaults_and_splits(chain, splitter, vaults, keeper, collective, treasury):
    fund(
        keeper,
        vaults,
        sequencer_fee_vault=3 * ETH,
        base_fee_vault=ETH,
        operator_fee_vault=ETH // 10,
        l1_fee_vault=2 * ETH,
    )
    gross, l1_cost = 61 * ETH // 10, 2 * ETH
    expected = split(gross, l1_cost)
    receipt = splitter.disburse(sender=keeper)
    event = disbursed_event(splitter, receipt)
    assert (event.chainId, event.asset, event.disbursementId) == (CHAIN_ID, ETH_KEY, 0)
    assert (event.gross, event.l1Cost) == (gross, l1_cost)
    assert (event.collectiveShare, event.chainShare) == (expected.collective, expected.chain)
    assert (event.grossBps, event.netBps, event.netRuleApplied) == (250, 1500, True)
    assert balance(chain, collective) == expected.collective
    assert balance(chain, treasury) == expected.chain
    assert balance(chain, splitter) == 0
    for vault in vaults.values():
        assert balance(chain, vault) == 0
    assert vaults["l1_fee_vault"].totalProcessed() == l1_cost
    assert splitter.lastDisbursementTime(ETH_KEY) == chain.blocks.head.timestamp
    assert splitter.disbursementCount() == 1


def test_gross_rule_applies_when_l1_cost_dominates(splitter, vaults, keeper):
    fund(keeper, vaults, sequencer_fee_vault=ETH, l1_fee_vault=9 * ETH)
    event = disbursed_event(splitter, splitter.disburse(sender=keeper))
    assert event.collectiveShare == 10 * ETH * 250 // 10_000  # 15% of 1 ETH is less
    assert not event.netRuleApplied


@pytest.mark.parametrize("role", ["operator_fee_vault", "l1_fee_vault"])
def test_a_vault_with_a_minimum_is_refused_and_nothing_moves(chain, project, owner, registry, keeper, role):
    """Vaults are withdrawn together whenever they hold fees, so their minimum must be 0 (see
    test_review_contracts.py, finding 2): even an empty vault with a minimum is refused."""
    splitter_address = create_address(owner.address, owner.nonce + len(VAULT_ROLES))
    vaults = {
        r: owner.deploy(project.MockFeeVault, splitter_address, MIN_WITHDRAWAL if r == role else 0, 1)
        for r in VAULT_ROLES
    }
    splitter = owner.deploy(
        project.ChainRevenueSplitter, registry, CHAIN_ID, [vaults[r] for r in VAULT_ROLES], ONE_DAY
    )
    fund(keeper, vaults, sequencer_fee_vault=ETH)
    keeper.transfer(splitter, ETH)
    for funded in (0, MIN_WITHDRAWAL):
        if funded:
            keeper.transfer(vaults[role], funded)
        with ape.reverts(splitter.VaultMinimumNotZero, vault=vaults[role].address, minimum=MIN_WITHDRAWAL):
            splitter.disburse(sender=keeper)
    assert balance(chain, splitter) == ETH
    assert balance(chain, vaults["sequencer_fee_vault"]) == ETH


def test_plain_and_forced_eth_count_as_revenue(project, splitter, vaults, keeper):
    keeper.transfer(splitter, 5 * ETH)
    keeper.deploy(project.ForceSender, splitter, value=2 * ETH)
    fund(keeper, vaults, l1_fee_vault=ETH)
    event = disbursed_event(splitter, splitter.disburse(sender=keeper))
    assert (event.gross, event.l1Cost) == (8 * ETH, ETH)


def test_disburse_at_most_once_per_interval(chain, splitter, vaults, keeper):
    fund(keeper, vaults, sequencer_fee_vault=ETH)
    splitter.disburse(sender=keeper)
    next_time = splitter.lastDisbursementTime(ETH_KEY) + ONE_DAY
    assert splitter.nextDisbursementTime(ETH_KEY) == next_time
    fund(keeper, vaults, sequencer_fee_vault=ETH)
    with ape.reverts(splitter.DisbursementTooSoon, asset=ETH_KEY, nextAllowedTime=next_time):
        splitter.disburse(sender=keeper)
    chain.pending_timestamp = next_time
    assert disbursed_event(splitter, splitter.disburse(sender=keeper)).disbursementId == 1


def test_disburse_with_nothing_reverts(splitter, keeper):
    with ape.reverts(splitter.NothingToDisburse, asset=ETH_KEY):
        splitter.disburse(sender=keeper)


def test_inactive_chain_cannot_disburse(splitter, registry, vaults, owner, keeper):
    fund(keeper, vaults, sequencer_fee_vault=ETH)
    registry.setActive(CHAIN_ID, False, sender=owner)
    with ape.reverts(splitter.ChainInactive, chainId=CHAIN_ID):
        splitter.disburse(sender=keeper)
    registry.setActive(CHAIN_ID, True, sender=owner)
    assert disbursed_event(splitter, splitter.disburse(sender=keeper)).gross == ETH


def test_terms_change_applies_after_the_boundary_settlement(
    chain, splitter, registry, vaults, owner, keeper, stranger
):
    fund(keeper, vaults, base_fee_vault=ETH)
    splitter.disburse(sender=keeper)
    registry.setNoticePeriod(3_600, sender=owner)
    at = registry.scheduleTerms(CHAIN_ID, 1_000, 0, b"\x01" * 32, 0, sender=owner).events[0].effectiveAt
    registry.setTreasury(CHAIN_ID, stranger, sender=owner)  # a treasury change applies at once
    before = balance(chain, stranger)
    fund(keeper, vaults, base_fee_vault=ETH)
    chain.pending_timestamp = at  # before the interval: only a boundary settlement is allowed
    receipt = splitter.disburse(sender=keeper)
    assert receipt.events.filter(splitter.BoundarySettled)[0].changeAt == at
    event = disbursed_event(splitter, receipt)  # revenue before the change: the old terms
    assert (event.grossBps, event.netBps, event.collectiveShare) == (250, 1_500, ETH * 15 // 100)
    assert balance(chain, stranger) - before == ETH - ETH * 15 // 100
    fund(keeper, vaults, base_fee_vault=ETH)
    with ape.reverts(splitter.DisbursementTooSoon, nextAllowedTime=at + ONE_DAY):
        splitter.disburse(sender=keeper)
    chain.pending_timestamp = at + ONE_DAY
    event = disbursed_event(splitter, splitter.disburse(sender=keeper))
    assert (event.grossBps, event.netBps, event.collectiveShare) == (1_000, 0, ETH // 10)


def test_chain_without_operator_vault(project, owner, registry, keeper, collective):
    splitter = owner.deploy(project.ChainRevenueSplitter, registry, CHAIN_ID, [ZERO] * 4, 0)
    keeper.transfer(splitter, ETH)
    assert disbursed_event(splitter, splitter.disburse(sender=keeper)).gross == ETH
    keeper.transfer(splitter, ETH)
    splitter.disburse(sender=keeper)  # interval 0: any time


def test_failed_payout_is_credited_and_claimable(
    chain, project, stranger, keeper, owner, registry, splitter, vaults, collective
):
    bad = owner.deploy(project.RevertingRecipient)
    registry.setTreasury(CHAIN_ID, bad, sender=owner)
    fund(keeper, vaults, sequencer_fee_vault=4 * ETH)
    expected = split(4 * ETH, 0)
    receipt = splitter.disburse(sender=keeper)
    assert receipt.events.filter(splitter.PayoutDeferred) == [
        splitter.PayoutDeferred(asset=ETH_KEY, recipient=bad, amount=expected.chain)
    ]
    assert balance(chain, collective) == expected.collective  # the other party is still paid
    assert splitter.owed(ETH_KEY, bad) == expected.chain == splitter.totalOwed(ETH_KEY)
    assert splitter.undisbursed(ETH_KEY) == 0

    # Credits are never counted as revenue again; the next failed payout adds to the credit.
    chain.pending_timestamp += ONE_DAY
    keeper.transfer(splitter, ETH)
    assert disbursed_event(splitter, splitter.disburse(sender=keeper)).gross == ETH
    total_owed = expected.chain + split(ETH, 0).chain
    assert splitter.owed(ETH_KEY, bad) == total_owed == splitter.totalOwed(ETH_KEY)

    with ape.reverts(splitter.ClaimFailed, asset=ETH_KEY, recipient=bad.address):
        splitter.claim(ETH_KEY, bad, sender=stranger)
    bad.setRejecting(False, sender=stranger)
    receipt = splitter.claim(ETH_KEY, bad, sender=stranger)  # anyone may trigger; funds go to `bad`
    assert receipt.events == [
        splitter.Claimed(asset=ETH_KEY, recipient=bad, caller=stranger, amount=total_owed)
    ]
    assert balance(chain, bad) == total_owed
    assert splitter.totalOwed(ETH_KEY) == 0
    with ape.reverts(splitter.NothingToClaim, asset=ETH_KEY, recipient=bad.address):
        splitter.claim(ETH_KEY, bad, sender=stranger)


def test_preview_split_follows_the_terms_the_next_disbursement_applies(
    chain, splitter, registry, owner, keeper
):
    assert splitter.previewSplit(100, 0) == (15, 85, 0)
    terms_take_effect(chain, registry, owner, CHAIN_ID, 500, 0)
    chain.mine()
    assert splitter.previewSplit(100, 0) == (15, 85, 0)  # the boundary settlement: old terms
    keeper.transfer(splitter, 1)
    splitter.disburse(sender=keeper)
    assert splitter.previewSplit(100, 0) == (5, 95, 0)


@given(
    terms=st.tuples(valid_bps, valid_bps),
    pairs=st.lists(gross_and_cost, min_size=1, max_size=10),
)
def test_preview_split_matches_model_for_any_uint256(chain, owner, registry, splitter, terms, pairs):
    with restore_after(chain):
        apply_terms(chain, registry, owner, splitter, owner, *terms)
        for gross, l1_cost in pairs:
            expected = split(gross, l1_cost, *terms)
            assert splitter.previewSplit(gross, l1_cost) == (expected.collective, expected.chain, 0)


# A vault's balance: edges around its withdrawal minimum drawn often.
vault_amount = st.one_of(
    amounts(2**200, MIN_WITHDRAWAL - 1, MIN_WITHDRAWAL, MIN_WITHDRAWAL + 1), st.integers(1, MIN_WITHDRAWAL)
)
VAULT_NAMES = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault", "operator_fee_vault")


@given(
    vault_amounts=st.one_of(
        st.fixed_dictionaries(dict.fromkeys(VAULT_NAMES, vault_amount)),
        # Only the L1FeeVault pays in: gross == l1Cost, net zero.
        vault_amount.map(lambda a: {**dict.fromkeys(VAULT_NAMES, 0), "l1_fee_vault": a}),
    ),
    direct=amounts(10**22),
    terms=st.tuples(valid_bps, valid_bps),
)
def test_disbursement_conserves_value(
    chain, keeper, owner, registry, splitter, vaults, collective, treasury, vault_amounts, direct, terms
):
    with restore_after(chain):
        apply_terms(chain, registry, owner, splitter, owner, *terms)
        for role, amount in vault_amounts.items():
            chain.provider.set_balance(vaults[role].address, amount)
        if direct:
            chain.provider.set_balance(keeper.address, 10**24)  # more than a test account holds
            keeper.transfer(splitter, direct)
        withdrawn = vault_amounts  # every vault holding fees is withdrawn (minimums are 0)
        gross = sum(withdrawn.values()) + direct
        if gross == 0:
            with ape.reverts(splitter.NothingToDisburse, asset=ETH_KEY):
                splitter.disburse(sender=keeper)
            return
        event = disbursed_event(splitter, splitter.disburse(sender=keeper))
        l1_cost = withdrawn.get("l1_fee_vault", 0)
        expected = split(gross, l1_cost, *terms)
        assert (event.gross, event.l1Cost) == (gross, l1_cost)
        assert (event.collectiveShare, event.chainShare) == (expected.collective, expected.chain)
        assert balance(chain, collective) == expected.collective
        assert balance(chain, treasury) == expected.chain
        assert balance(chain, splitter) == 0
        for role, amount in vault_amounts.items():
            assert balance(chain, vaults[role]) == (0 if role in withdrawn else amount)


@pytest.mark.parametrize("interval", [0, 3_600])
def test_configurable_interval(chain, project, owner, registry, keeper, interval):
    _, splitter = deploy_vaults_and_splitter(project, owner, registry, interval=interval)
    assert splitter.DISBURSEMENT_INTERVAL() == interval
    keeper.transfer(splitter, ETH)
    splitter.disburse(sender=keeper)
    keeper.transfer(splitter, ETH)
    if interval:
        with ape.reverts(splitter.DisbursementTooSoon):
            splitter.disburse(sender=keeper)
        chain.pending_timestamp += interval
    splitter.disburse(sender=keeper)
