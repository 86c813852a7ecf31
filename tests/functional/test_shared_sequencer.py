"""SharedSequencerSplitter: attribution, per-chain terms, operator fee, pull claims, scale."""

from __future__ import annotations

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revshare.epochs import ChainRevenue, Terms, expected_settlement, sorted_report
from tests.conftest import (
    CHAIN_ID,
    ETH,
    OPERATOR_FEE_BPS,
    SHARED_CHAINS,
    ZERO_HASH,
    restore_after,
    reverts_without_data,
    terms_take_effect,
    treasury_of,
)
from tests.stateful.direct_rpc import Direct, JsonRpc
from tests.strategies import amounts, bps_up_to, pairs, valid_bps

E18 = 10**18
ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture(scope="module")
def terms():
    return {chain_id: Terms(*rates) for chain_id, rates in SHARED_CHAINS.items()}


@pytest.fixture(scope="module")
def treasuries(treasury):
    return {
        chain_id: (treasury if chain_id == CHAIN_ID else treasury_of(chain_id)) for chain_id in SHARED_CHAINS
    }


def report(shared, reporter, epoch, revenues, value=None, window_end=None, **kwargs):
    """Report `epoch`; its window ends at `window_end`, by default one second after the last one's."""
    revenues = sorted_report(revenues)
    paid = sum(r.gross for r in revenues) if value is None else value
    end = shared.lastWindowEnd(ETH) + 1 if window_end is None else window_end
    return shared.reportEpoch(
        epoch, end, [r.as_tuple() for r in revenues], value=paid, sender=reporter, **kwargs
    )


def sample_revenues():
    return [
        ChainRevenue(10, 7 * E18, 2 * E18),
        ChainRevenue(8453, 20 * E18 + 12_345, 19 * E18),  # L1-heavy: gross rule
        ChainRevenue(34443, 3 * E18 + 1, 0),
        ChainRevenue(
            7777777, 5 * E18, 6 * E18
        ),  # cost above gross, 0% gross rate: nothing for the Collective
    ]


def test_constructor(shared, registry, reporter, operator_fee_recipient):
    assert shared.REGISTRY() == registry
    assert shared.reporter() == reporter
    assert (shared.operatorFeeRecipient(), shared.operatorFeeBps()) == (
        operator_fee_recipient,
        OPERATOR_FEE_BPS,
    )
    assert shared.lastEpoch() == 0


def test_constructor_rejects_bad_arguments(project, owner, registry, reporter):
    with ape.reverts(project.SharedSequencerSplitter.ZeroAddress):
        owner.deploy(project.SharedSequencerSplitter, registry, ZERO, reporter, 0)
    with ape.reverts(project.SharedSequencerSplitter.InvalidFee, feeBps=1_001):
        owner.deploy(project.SharedSequencerSplitter, registry, reporter, reporter, 1_001)


def test_epoch_is_split_per_chain_terms(
    chain, shared, reporter, collective, operator_fee_recipient, terms, treasuries
):
    revenues = sample_revenues()
    expected = expected_settlement(revenues, terms, OPERATOR_FEE_BPS)
    receipt = report(shared, reporter, 1, revenues)

    settled = receipt.events.filter(shared.ChainSettled)
    assert [e.chainId for e in settled] == [10, 8453, 34443, 7777777]
    for event in settled:
        want = expected.per_chain[event.chainId]
        got = (event.operatorFee, event.collectiveShare, event.chainShare)
        assert got == (want.operator_fee, want.collective, want.chain), event.chainId
        assert event.operatorFee + event.collectiveShare + event.chainShare == event.gross
        assert shared.chainClaimable(ETH, event.chainId) == want.chain
    assert expected.per_chain[7777777].collective == 0
    assert not expected.per_chain[8453].net_rule_applied

    summary = receipt.events.filter(shared.EpochReported)[0]
    assert (summary.epoch, summary.asset, summary.chainCount, summary.gross) == (1, ETH, 4, expected.gross)
    assert (summary.operatorFee, summary.collectiveShare, summary.chainShare) == (
        expected.operator_fee,
        expected.collective,
        expected.chain_total,
    )
    assert shared.accountClaimable(ETH, collective) == expected.collective
    assert shared.accountClaimable(ETH, operator_fee_recipient) == expected.operator_fee
    assert shared.totalClaimable(ETH) == chain.provider.get_balance(shared.address) == expected.gross
    assert shared.lastEpoch() == 1


@pytest.mark.parametrize("delta", [-1, 1])
def test_attribution_must_add_up(shared, reporter, delta):
    revenues = sample_revenues()
    total = sum(r.gross for r in revenues)
    with ape.reverts(shared.AttributionMismatch):
        report(shared, reporter, 1, revenues, value=total + delta)


def test_only_the_reporter_reports(shared, stranger):
    with ape.reverts(shared.NotReporter, account=stranger.address):
        report(shared, stranger, 1, sample_revenues())


@pytest.mark.parametrize(
    ("revenues", "error", "args"),
    [
        ([], "EmptyReport", {}),
        ([(10, 1, 0), (10, 1, 0)], "ChainsNotSorted", {"chainId": 10}),
        ([(8453, 1, 0), (10, 1, 0)], "ChainsNotSorted", {"chainId": 10}),
        ([(0, 1, 0)], "ChainsNotSorted", {"chainId": 0}),
    ],
)
def test_malformed_reports_are_refused(shared, reporter, revenues, error, args):
    with ape.reverts(getattr(shared, error), **args):
        shared.reportEpoch(1, 1, revenues, value=sum(r[1] for r in revenues), sender=reporter)


def test_unknown_and_inactive_chains_are_refused(shared, registry, owner, reporter):
    with ape.reverts(registry.UnknownChain, chainId=5):
        shared.reportEpoch(1, 1, [(5, 100, 0)], value=100, sender=reporter)
    registry.setActive(34443, False, sender=owner)
    with ape.reverts(shared.ChainInactive, chainId=34443):
        shared.reportEpoch(1, 1, [(10, 1, 0), (34443, 100, 0)], value=101, sender=reporter)


def test_epochs_go_up_by_one(shared, reporter):
    report(shared, reporter, 1, sample_revenues())
    for wrong in (1, 3, 2**256 - 1):
        with ape.reverts(shared.EpochNotNext, epoch=wrong, expected=2):
            report(shared, reporter, wrong, sample_revenues())
    report(shared, reporter, 2, sample_revenues())


def test_a_terms_change_applies_from_the_epoch_after_the_one_crossing_it(
    chain, shared, registry, owner, reporter
):
    fee = E18 * OPERATOR_FEE_BPS // 10_000
    old, new = (E18 - fee) * 1_500 // 10_000, (E18 - fee) * 3_000 // 10_000

    def collective_share(epoch):
        receipt = report(shared, reporter, epoch, [ChainRevenue(10, E18, 0)])
        return receipt.events.filter(shared.ChainSettled)[0].collectiveShare

    assert collective_share(1) == old
    registry.setNoticePeriod(0, sender=owner)
    at = chain.pending_timestamp + 1_000
    registry.scheduleTerms(10, 250, 3_000, ZERO_HASH, at, sender=owner)  # the cache is stale now
    assert collective_share(2) == old  # before the change
    chain.pending_timestamp = at + 10
    assert collective_share(3) == old  # the period began before the change: its boundary
    assert shared.lastReportTime() == at + 10
    # No terms history changed since epoch 2: the cached terms expire by their own time.
    assert collective_share(4) == new


def test_operator_fee_change_applies_to_the_next_epoch(shared, owner, reporter, stranger):
    with ape.reverts(shared.NotGovernance, account=stranger.address):
        shared.setOperatorFee(stranger, 0, sender=stranger)
    with ape.reverts(shared.InvalidFee, feeBps=1_001):
        shared.setOperatorFee(stranger, 1_001, sender=owner)
    receipt = shared.setOperatorFee(stranger, 0, sender=owner)
    assert receipt.events == [shared.OperatorFeeUpdated(recipient=stranger, feeBps=0)]
    receipt = report(shared, reporter, 1, [ChainRevenue(10, E18, 0)])
    summary = receipt.events.filter(shared.EpochReported)[0]
    assert summary.operatorFee == 0
    assert shared.accountClaimable(ETH, stranger) == 0


def test_reporter_is_set_by_governance(shared, owner, reporter, stranger):
    with ape.reverts(shared.NotGovernance, account=stranger.address):
        shared.setReporter(stranger, sender=stranger)
    receipt = shared.setReporter(stranger, sender=owner)
    assert receipt.events == [shared.ReporterUpdated(previousReporter=reporter, newReporter=stranger)]
    with ape.reverts(shared.NotReporter, account=reporter.address):
        report(shared, reporter, 1, [ChainRevenue(10, E18, 0)])
    report(shared, stranger, 1, [ChainRevenue(10, E18, 0)])


def test_claims_go_to_recorded_addresses_and_no_chain_blocks_another(
    chain, project, shared, registry, owner, reporter, stranger, collective, operator_fee_recipient, terms
):
    revenues = sample_revenues()
    expected = expected_settlement(revenues, terms, OPERATOR_FEE_BPS)
    report(shared, reporter, 1, revenues)
    stubborn = owner.deploy(project.RevertingRecipient)
    registry.setTreasury(34443, stubborn, sender=owner)  # claims follow the registry's treasury

    with ape.reverts(shared.ClaimFailed, recipient=stubborn.address):
        shared.claimChain(ETH, 34443, sender=stranger)
    assert shared.chainClaimable(ETH, 34443) == expected.per_chain[34443].chain  # kept

    receipt = shared.claimChain(ETH, 10, sender=stranger)
    assert receipt.events == [
        shared.ChainClaimed(
            asset=ETH,
            chainId=10,
            treasury=treasury_of(10),
            caller=stranger,
            amount=expected.per_chain[10].chain,
        )
    ]
    assert chain.provider.get_balance(treasury_of(10)) == expected.per_chain[10].chain
    shared.claim(ETH, collective, sender=stranger)
    shared.claim(ETH, operator_fee_recipient, sender=stranger)
    assert chain.provider.get_balance(collective) == expected.collective
    assert chain.provider.get_balance(operator_fee_recipient) == expected.operator_fee
    with ape.reverts(shared.NothingToClaim):
        shared.claimChain(ETH, 10, sender=stranger)
    with ape.reverts(shared.NothingToClaim):
        shared.claim(ETH, collective, sender=stranger)

    stubborn.setRejecting(False, sender=stranger)
    shared.claimChain(ETH, 34443, sender=stranger)
    assert chain.provider.get_balance(stubborn.address) == expected.per_chain[34443].chain
    assert shared.totalClaimable(ETH) == chain.provider.get_balance(shared.address)


def test_pause_stops_reports_not_claims(shared, registry, owner, guardian, reporter, stranger, collective):
    report(shared, reporter, 1, [ChainRevenue(10, E18, 0)])
    registry.pause(sender=guardian)
    with ape.reverts(shared.DisbursementsPaused):
        report(shared, reporter, 2, [ChainRevenue(10, E18, 0)])
    shared.claimChain(ETH, 10, sender=stranger)
    shared.claim(ETH, collective, sender=stranger)


def test_token_epochs(project, shared, registry, owner, reporter, terms):
    token = owner.deploy(project.TestToken)
    revenues = sorted_report([ChainRevenue(10, 1_000 * E18, 0), ChainRevenue(8453, 500 * E18, 100 * E18)])
    total = sum(r.gross for r in revenues)
    token.mint(reporter, total, sender=reporter)
    token.approve(shared, total, sender=reporter)
    args = [r.as_tuple() for r in revenues]
    with ape.reverts(shared.TokenNotAllowed, token=token.address):
        shared.reportEpochToken(token, 1, 1, args, total, sender=reporter)
    registry.setTokenAllowed(token, True, sender=owner)
    with ape.reverts(shared.AttributionMismatch):
        shared.reportEpochToken(token, 1, 1, args, total - 1, sender=reporter)
    shared.reportEpochToken(token, 1, 1, args, total, sender=reporter)
    expected = expected_settlement(revenues, terms, OPERATOR_FEE_BPS)
    assert shared.chainClaimable(token, 10) == expected.per_chain[10].chain
    assert token.balanceOf(shared) == shared.totalClaimable(token) == total
    shared.claimChain(token, 10, sender=reporter)
    assert token.balanceOf(treasury_of(10)) == expected.per_chain[10].chain


def test_fee_on_transfer_token_epoch_is_refused(project, shared, registry, owner, reporter):
    token = owner.deploy(project.FeeOnTransferToken)
    registry.setTokenAllowed(token, True, sender=owner)
    token.mint(reporter, 1_000, sender=reporter)
    token.approve(shared, 1_000, sender=reporter)
    with ape.reverts(shared.UnsupportedToken, token=token.address):
        shared.reportEpochToken(token, 1, 1, [(10, 1_000, 0)], 1_000, sender=reporter)


def test_forced_eth_surplus_goes_to_the_collective(project, shared, keeper, stranger, collective):
    keeper.deploy(project.ForceSender, shared, value=777)
    assert shared.surplus(ETH) == 777
    receipt = shared.creditSurplus(ETH, sender=stranger)
    assert receipt.events == [shared.SurplusCredited(asset=ETH, collective=collective, amount=777)]
    assert shared.accountClaimable(ETH, collective) == 777
    assert shared.surplus(ETH) == 0
    with ape.reverts(shared.NothingToClaim):
        shared.creditSurplus(ETH, sender=stranger)


def test_plain_eth_transfers_are_refused(shared, keeper):
    with reverts_without_data():  # no receive function: ETH arrives only with a report
        keeper.transfer(shared, 1)


def test_256_chains_in_one_report(chain, project, owner, registry, reporter, shared, collective):
    ids = list(range(1_000_001, 1_000_257))
    registrar = Direct(JsonRpc(chain.provider.web3.provider.endpoint_uri), registry)  # 256 sent directly
    for chain_id in ids:
        treasury = treasury_of(chain_id)
        registrar.transact("registerChain", chain_id, treasury, 250, 1_500, ZERO_HASH, sender=owner)
    revenues = [ChainRevenue(cid, E18 + cid, cid * 10**12) for cid in ids]
    terms = {cid: Terms() for cid in ids}
    expected = expected_settlement(revenues, terms, OPERATOR_FEE_BPS)

    first = report(shared, reporter, 1, revenues)
    second = report(shared, reporter, 2, revenues)

    print(f"\n256 chains: first epoch {first.gas_used:,} gas, steady state {second.gas_used:,} gas")
    assert second.gas_used < 3_000_000  # about a tenth of a 30M-gas block
    assert first.gas_used < 15_000_000
    for cid in (ids[0], ids[127], ids[-1]):
        assert shared.chainClaimable(ETH, cid) == 2 * expected.per_chain[cid].chain
    assert shared.accountClaimable(ETH, collective) == 2 * expected.collective
    assert shared.totalClaimable(ETH) == chain.provider.get_balance(shared.address) == 2 * expected.gross


chain_ids = st.sampled_from(sorted(SHARED_CHAINS))
amount = st.one_of(amounts(2**120, 10**24), st.integers(0, 10**24))
revenue = st.builds(
    lambda chain_id, costs: ChainRevenue(chain_id, *costs), chain_ids, pairs(amount)
)  # gross == l1Cost and one apart drawn often
epoch_strategy = st.lists(revenue, min_size=1, max_size=4, unique_by=lambda r: r.chain_id)


@given(
    epochs=st.lists(epoch_strategy, min_size=1, max_size=3),
    fee_bps=bps_up_to(1_000),
    new_terms=st.tuples(chain_ids, valid_bps, valid_bps),
)
def test_random_epochs_conserve_value_and_match_the_model(
    chain,
    shared,
    registry,
    owner,
    reporter,
    collective,
    operator_fee_recipient,
    terms,
    epochs,
    fee_bps,
    new_terms,
):
    with restore_after(chain):
        shared.setOperatorFee(operator_fee_recipient, fee_bps, sender=owner)
        changed_chain, gross_bps, net_bps = new_terms
        terms_take_effect(chain, registry, owner, changed_chain, gross_bps, net_bps)
        report(shared, reporter, shared.lastEpoch() + 1, [ChainRevenue(changed_chain, 0, 0)])  # the boundary
        first = shared.lastEpoch() + 1
        current = {**terms, changed_chain: Terms(gross_bps, net_bps)}
        chain_balances = dict.fromkeys(SHARED_CHAINS, 0)
        collective_total = fee_total = paid_total = 0
        for epoch, revenues in enumerate(epochs, start=first):
            revenues = sorted_report(revenues)
            chain.provider.set_balance(reporter.address, 2**128)
            receipt = report(shared, reporter, epoch, revenues)
            expected = expected_settlement(revenues, current, fee_bps)
            for event in receipt.events.filter(shared.ChainSettled):
                want = expected.per_chain[event.chainId]
                assert (event.operatorFee, event.collectiveShare, event.chainShare) == (
                    want.operator_fee,
                    want.collective,
                    want.chain,
                )
            for cid, part in expected.per_chain.items():
                chain_balances[cid] += part.chain
            collective_total += expected.collective
            fee_total += expected.operator_fee
            paid_total += expected.gross
        for cid, owed in chain_balances.items():
            assert shared.chainClaimable(ETH, cid) == owed
        assert shared.accountClaimable(ETH, collective) == collective_total
        assert shared.accountClaimable(ETH, operator_fee_recipient) == fee_total
        assert sum(chain_balances.values()) + collective_total + fee_total == paid_total
        assert shared.totalClaimable(ETH) == chain.provider.get_balance(shared.address) == paid_total
