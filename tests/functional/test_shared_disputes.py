"""SharedSequencerSplitter: the windows epochs settle, the dispute window, disputes holding an
epoch's credits, and governance's confirmation or correction, each checked against the Python
model (`revshare.epochs.SharedSplitterModel`) and the epochs rebuilt from logs."""

from __future__ import annotations

import ape
import pytest
from eth_utils import to_checksum_address

from revshare.chain.reader import ChainReader
from revshare.chain.rpc import provider_request
from revshare.chain.shared import SharedEpoch, read_shared_epochs
from revshare.epochs import ChainRevenue, SharedError, SharedSplitterModel, Terms, pack_report
from tests.conftest import CHAIN_ID, ETH, OPERATOR_FEE_BPS, SHARED_CHAINS, treasury_of

E18 = 10**18
WINDOW = 3_600
TERMS = {chain_id: Terms(*rates) for chain_id, rates in SHARED_CHAINS.items()}
OTHER = 34443  # a second chain, whose treasury is `treasury_of(OTHER)` (an address with no key)

# What the chains' vaults really produced, and two dishonest attributions of the same epoch.
TRUTH = [ChainRevenue(CHAIN_ID, 6 * E18, E18), ChainRevenue(OTHER, 4 * E18, E18)]
SHIFTED = [ChainRevenue(CHAIN_ID, 3 * E18, E18), ChainRevenue(OTHER, 7 * E18, E18)]  # 3 ETH moved
UNDER = [ChainRevenue(CHAIN_ID, 2 * E18, E18), ChainRevenue(OTHER, 4 * E18, E18)]  # 4 ETH kept back


@pytest.fixture
def disputable(shared, owner):
    shared.setDisputeWindow(WINDOW, sender=owner)
    return shared


@pytest.fixture
def chain_treasury(chain, registry):
    """The registered treasury of CHAIN_ID, impersonated (its Safe, in real life)."""
    from ape import accounts

    address = registry.getChain(CHAIN_ID).treasury
    chain.provider.set_balance(address, 10**20)
    return accounts[address]


def now(chain) -> int:
    return chain.blocks.head.timestamp


def epochs(shared) -> list[SharedEpoch]:
    return read_shared_epochs(ChainReader(provider_request(ape.chain.provider)), shared.address)


def report(shared, reporter, revenues, *, packed=False, window_end=None):
    epoch = shared.lastEpoch() + 1
    end = ape.chain.pending_timestamp if window_end is None else window_end  # up to the report's own time
    paid = sum(r.gross for r in revenues)
    if packed:
        return shared.reportEpochPacked(epoch, end, pack_report(revenues), value=paid, sender=reporter)
    return shared.reportEpoch(epoch, end, [r.as_tuple() for r in revenues], value=paid, sender=reporter)


def model_for(shared, chain, window=WINDOW) -> SharedSplitterModel:
    return SharedSplitterModel(
        last_report_time=shared.lastReportTime(),
        fee_bps=shared.operatorFeeBps(),
        fee_recipient=str(shared.operatorFeeRecipient()),
        dispute_window=window,
    )


def balances(shared, collective, operator_fee_recipient) -> tuple[dict[int, int], int, int, int]:
    return (
        {c: shared.chainClaimable(ETH, c) for c in SHARED_CHAINS},
        shared.accountClaimable(ETH, collective),
        shared.accountClaimable(ETH, operator_fee_recipient),
        shared.totalClaimable(ETH),
    )


def model_balances(model: SharedSplitterModel, collective, operator_fee_recipient):
    return (
        {c: model.chains.get((ETH, c), 0) for c in SHARED_CHAINS},
        model.accounts.get((ETH, collective.lower()), 0),
        model.accounts.get((ETH, str(operator_fee_recipient).lower()), 0),
        model.total.get(ETH, 0),
    )


def test_windows_follow_each_other_without_overlap_or_gap(chain, shared, reporter):
    first_end = now(chain) - 100
    receipt = report(shared, reporter, TRUTH, window_end=first_end)
    (window,) = receipt.events.filter(shared.EpochWindow)
    assert (window.epoch, window.windowStart, window.windowEnd) == (1, 0, first_end)
    assert shared.lastWindowEnd(ETH) == first_end
    # The same end again (an overlap of everything), an earlier end, a future end: refused.
    for end in (first_end, first_end - 1, now(chain) + 60):
        with ape.reverts(shared.InvalidWindow, windowEnd=end, lastWindowEnd=first_end):
            report(shared, reporter, TRUTH, window_end=end)
    second_end = first_end + 50
    receipt = report(shared, reporter, TRUTH, window_end=second_end)
    (window,) = receipt.events.filter(shared.EpochWindow)
    assert (window.epoch, window.windowStart, window.windowEnd) == (2, first_end, second_end)
    rebuilt = epochs(shared)
    assert [(e.window_start, e.window_end) for e in rebuilt] == [(0, first_end), (first_end, second_end)]
    # Without a dispute window nothing is kept for disputes and the epoch is "disputable until" its report.
    assert shared.epochRecord(2).status == 0
    assert window.disputableUntil == shared.lastReportTime()


def test_without_a_dispute_window_claims_are_immediate_and_nothing_can_be_disputed(
    chain, shared, reporter, owner, chain_treasury
):
    report(shared, reporter, TRUTH)
    (epoch,) = epochs(shared)
    shared.claimChain(ETH, CHAIN_ID, sender=reporter)
    with ape.reverts(shared.NotDisputable, epoch=1):
        shared.disputeEpoch(1, CHAIN_ID, epoch.facts(), sender=chain_treasury)
    with ape.reverts(shared.NotDisputable, epoch=1):
        shared.disputeEpoch(1, 0, epoch.facts(), sender=owner)


def test_dispute_window_is_set_by_governance_within_bounds(shared, owner, stranger):
    with ape.reverts(shared.NotGovernance, account=stranger.address):
        shared.setDisputeWindow(WINDOW, sender=stranger)
    maximum = shared.MAX_DISPUTE_WINDOW()
    with ape.reverts(shared.InvalidDisputeWindow, window=maximum + 1):
        shared.setDisputeWindow(maximum + 1, sender=owner)
    receipt = shared.setDisputeWindow(maximum, sender=owner)
    assert [e.window for e in receipt.events.filter(shared.DisputeWindowUpdated)] == [maximum]
    assert shared.disputeWindow() == maximum


def test_claims_and_the_next_report_wait_while_an_epoch_can_be_disputed(
    chain, disputable, reporter, owner, collective, operator_fee_recipient
):
    shared = disputable
    report(shared, reporter, TRUTH)
    record = shared.epochRecord(1)
    until = record.disputableUntil
    assert until == shared.lastReportTime() + WINDOW == shared.claimsOpenAt()
    assert record.reportableAt == until + WINDOW
    with ape.reverts(shared.DisputeWindowOpen, until=until):
        shared.claimChain(ETH, CHAIN_ID, sender=reporter)
    with ape.reverts(shared.DisputeWindowOpen, until=until):
        shared.claim(ETH, collective, sender=reporter)
    with ape.reverts(shared.DisputeWindowOpen, until=until):
        shared.moveCredit(ETH, operator_fee_recipient, sender=owner)
    with ape.reverts(shared.ReportTooSoon, reportableAt=until + WINDOW):
        report(shared, reporter, TRUTH)
    chain.pending_timestamp = until
    # Undisputed, the epoch behaves as before once its window closes; then claims stay open as long
    # again before the next report (a prompt reporter cannot keep them closed).
    shared.claimChain(ETH, CHAIN_ID, sender=reporter)
    with ape.reverts(shared.ReportTooSoon, reportableAt=until + WINDOW):
        report(shared, reporter, TRUTH)
    chain.pending_timestamp = until + WINDOW
    report(shared, reporter, TRUTH)


def test_only_a_treasury_or_governance_disputes_and_only_within_the_window(
    chain, disputable, reporter, owner, stranger, chain_treasury
):
    shared = disputable
    report(shared, reporter, SHIFTED)
    (epoch,) = epochs(shared)
    with ape.reverts(shared.NotTreasury, account=stranger.address, chainId=CHAIN_ID):
        shared.disputeEpoch(1, CHAIN_ID, epoch.facts(), sender=stranger)
    # A treasury speaks for its own chain only.
    with ape.reverts(shared.NotTreasury, account=chain_treasury.address, chainId=OTHER):
        shared.disputeEpoch(1, OTHER, epoch.facts(), sender=chain_treasury)
    with ape.reverts(shared.NotDisputable, epoch=2):
        shared.disputeEpoch(2, CHAIN_ID, epoch.facts(), sender=chain_treasury)
    chain.pending_timestamp = shared.epochRecord(1).disputableUntil
    with ape.reverts(shared.NotDisputable, epoch=1):
        shared.disputeEpoch(1, CHAIN_ID, epoch.facts(), sender=chain_treasury)


def test_facts_must_match_the_report(disputable, reporter, chain_treasury):
    shared = disputable
    report(shared, reporter, SHIFTED)
    (epoch,) = epochs(shared)
    facts = list(epoch.facts())
    records = bytearray(facts[6])
    records[40] ^= 1  # one bit of a chain's gross
    for wrong in (
        [*facts[:6], bytes(records)],
        [*facts[:3], facts[3] + 1, *facts[4:]],  # another fee
        [*facts[:4], facts[4] + 1, *facts[5:]],  # another terms period
        [*facts[:5], not facts[5], facts[6]],  # the other form
        [*facts[:6], facts[6][:-1]],  # a record cut short
        [treasury_of(1), *facts[1:]],  # another asset
    ):
        with ape.reverts(shared.FactsMismatch, epoch=1):
            shared.disputeEpoch(1, CHAIN_ID, tuple(wrong), sender=chain_treasury)


@pytest.mark.parametrize("packed", [False, True], ids=["abi", "packed"])
def test_a_dispute_holds_the_epoch_and_confirmation_releases_it(
    chain, disputable, reporter, owner, collective, operator_fee_recipient, chain_treasury, packed
):
    shared = disputable
    model = model_for(shared, chain)
    report(shared, reporter, TRUTH)  # an earlier, undisputed epoch
    model.report(now(chain), 1, now(chain), TRUTH, TERMS, collective)
    chain.pending_timestamp = shared.epochRecord(1).reportableAt
    report(shared, reporter, SHIFTED, packed=packed)
    model.report(now(chain), 2, now(chain), SHIFTED, TERMS, collective)
    epoch = epochs(shared)[1]
    assert epoch.packed is packed and epoch.status == "reported"

    receipt = shared.disputeEpoch(2, CHAIN_ID, epoch.facts(), sender=chain_treasury)
    held = model.dispute(now(chain), 2).settlement
    (event,) = receipt.events.filter(shared.EpochDisputed)
    assert (event.epoch, event.chainId, event.disputer) == (2, CHAIN_ID, chain_treasury.address)
    assert (event.chainsHeld, event.operatorFeeHeld, event.collectiveShareHeld) == (
        held.chain_total,
        held.operator_fee,
        held.collective,
    )
    assert shared.epochRecord(2).status == 2
    assert balances(shared, collective, operator_fee_recipient) == model_balances(
        model, collective, operator_fee_recipient
    )
    with ape.reverts(shared.NotDisputable, epoch=2):
        shared.disputeEpoch(2, 0, epoch.facts(), sender=owner)  # once only
    # After the window, the first epoch's credits are claimable; the disputed one's are held.
    chain.pending_timestamp = shared.claimsOpenAt()
    assert shared.claimChain(ETH, OTHER, sender=reporter).events.filter(shared.ChainClaimed)[0].amount == (
        model.claim_chain(now(chain), OTHER)
    )
    with ape.reverts(shared.NotGovernance, account=chain_treasury.address):
        shared.confirmEpoch(2, epoch.facts(), sender=chain_treasury)

    receipt = shared.confirmEpoch(2, epoch.facts(), sender=owner)
    model.confirm(2)
    assert [e.gross for e in receipt.events.filter(shared.EpochConfirmed)] == [10 * E18]
    assert balances(shared, collective, operator_fee_recipient) == model_balances(
        model, collective, operator_fee_recipient
    )
    assert epochs(shared)[1].status == "confirmed"
    with ape.reverts(shared.NotDisputed, epoch=2):
        shared.confirmEpoch(2, epoch.facts(), sender=owner)
    assert shared.balance == shared.totalClaimable(ETH) == model.total[ETH]


@pytest.mark.parametrize(
    "reported, added",
    [(SHIFTED, 0), (UNDER, 4 * E18)],
    ids=["revenue-shifted", "under-reported"],
)
def test_a_correction_replaces_the_held_credits(
    chain, disputable, reporter, owner, collective, operator_fee_recipient, chain_treasury, reported, added
):
    shared = disputable
    model = model_for(shared, chain)
    report(shared, reporter, reported, packed=True)
    model.report(now(chain), 1, now(chain), reported, TERMS, collective)
    (epoch,) = epochs(shared)
    shared.disputeEpoch(1, CHAIN_ID, epoch.facts(), sender=chain_treasury)
    model.dispute(now(chain), 1)
    truth = [r.as_tuple() for r in TRUTH]
    # The corrected gross must be the reported gross plus what governance pays in.
    with ape.reverts(shared.AttributionMismatch):
        shared.correctEpoch(1, epoch.facts(), truth, added + 1, value=added + 1, sender=owner)
    with ape.reverts(shared.AttributionMismatch, attributed=added, paid=added + 1):
        shared.correctEpoch(1, epoch.facts(), truth, added + 1, value=added, sender=owner)
    with ape.reverts(shared.ChainsNotSorted):
        shared.correctEpoch(1, epoch.facts(), truth[::-1], added, value=added, sender=owner)
    with ape.reverts(shared.NotGovernance, account=chain_treasury.address):
        shared.correctEpoch(1, epoch.facts(), truth, added, value=added, sender=chain_treasury)

    receipt = shared.correctEpoch(1, epoch.facts(), truth, added, value=added, sender=owner)
    corrected = model.correct(1, TRUTH, TERMS, added)
    (event,) = receipt.events.filter(shared.EpochCorrected)
    assert (event.epoch, event.chainCount, event.gross, event.added) == (1, 2, 10 * E18, added)
    assert (event.operatorFee, event.collectiveShare, event.chainShare) == (
        corrected.operator_fee,
        corrected.collective,
        corrected.chain_total,
    )
    assert balances(shared, collective, operator_fee_recipient) == model_balances(
        model, collective, operator_fee_recipient
    )
    rebuilt = epochs(shared)[0]
    assert rebuilt.status == "corrected" and rebuilt.added == added
    assert [(c.chain_id, c.gross, c.chain_share) for c in rebuilt.settled] == [
        (c, s.operator_fee + s.collective + s.chain, s.chain) for c, s in corrected.per_chain.items()
    ]
    with ape.reverts(shared.NotDisputed, epoch=1):
        shared.correctEpoch(1, epoch.facts(), truth, 0, sender=owner)
    chain.pending_timestamp = shared.claimsOpenAt()
    paid = shared.claimChain(ETH, CHAIN_ID, sender=reporter).events.filter(shared.ChainClaimed)[0].amount
    assert paid == model.claim_chain(now(chain), CHAIN_ID) == corrected.per_chain[CHAIN_ID].chain
    assert shared.balance == shared.totalClaimable(ETH) == model.total[ETH]


def test_a_correction_uses_the_epochs_terms_not_todays(
    chain, disputable, registry, reporter, owner, collective, operator_fee_recipient, chain_treasury
):
    from tests.conftest import terms_take_effect

    shared = disputable
    model = model_for(shared, chain)
    report(shared, reporter, SHIFTED)
    model.report(now(chain), 1, now(chain), SHIFTED, TERMS, collective)
    (epoch,) = epochs(shared)
    shared.disputeEpoch(1, CHAIN_ID, epoch.facts(), sender=chain_treasury)
    model.dispute(now(chain), 1)
    terms_take_effect(chain, registry, owner, CHAIN_ID, 5_000, 5_000)  # new terms after the epoch
    shared.correctEpoch(1, epoch.facts(), [r.as_tuple() for r in TRUTH], 0, sender=owner)
    model.correct(1, TRUTH, TERMS, 0)
    assert balances(shared, collective, operator_fee_recipient) == model_balances(
        model, collective, operator_fee_recipient
    )


def test_a_token_epoch_is_corrected_with_the_token(
    project, chain, disputable, registry, reporter, owner, collective, chain_treasury
):
    shared = disputable
    token = owner.deploy(project.TestToken)
    registry.setTokenAllowed(token, True, sender=owner)
    for account, amount in ((reporter, 6 * E18), (owner, 4 * E18)):
        token.mint(account, amount, sender=owner)
        token.approve(shared, amount, sender=account)
    under = [(CHAIN_ID, 2 * E18, 0), (OTHER, 4 * E18, 0)]
    shared.reportEpochToken(token, 1, now(chain), under, 6 * E18, sender=reporter)
    (epoch,) = epochs(shared)
    assert epoch.asset == token.address
    shared.disputeEpoch(1, CHAIN_ID, epoch.facts(), sender=chain_treasury)
    assert shared.chainClaimable(token, CHAIN_ID) == 0
    with ape.reverts(shared.AttributionMismatch):  # a token correction carries no ETH
        shared.correctEpoch(
            1, epoch.facts(), [(CHAIN_ID, 6 * E18, 0), (OTHER, 4 * E18, 0)], 4 * E18, value=1, sender=owner
        )
    shared.correctEpoch(
        1, epoch.facts(), [(CHAIN_ID, 6 * E18, 0), (OTHER, 4 * E18, 0)], 4 * E18, sender=owner
    )
    assert token.balanceOf(shared) == shared.totalClaimable(token) == 10 * E18
    assert token.balanceOf(owner) == 0


def test_model_refuses_what_the_contract_refuses():
    model = SharedSplitterModel(
        last_report_time=100, fee_bps=OPERATOR_FEE_BPS, fee_recipient="0xf", dispute_window=10
    )
    collective = "0xc"
    for call, error in (
        (lambda: model.report(200, 2, 150, TRUTH, TERMS, collective), "EpochNotNext"),
        (lambda: model.report(200, 1, 201, TRUTH, TERMS, collective), "InvalidWindow"),
        (lambda: model.report(200, 1, 150, TRUTH[::-1], TERMS, collective), "ChainsNotSorted"),
        (lambda: model.report(200, 1, 150, TRUTH, TERMS, collective, paid=1), "AttributionMismatch"),
        (lambda: model.report(200, 1, 150, TRUTH, {**TERMS, OTHER: None}, collective), "ChainInactive"),
        (lambda: model.dispute(200, 1), "NotDisputable"),
        (lambda: model.confirm(1), "NotDisputed"),
    ):
        with pytest.raises(SharedError) as refused:
            call()
        assert refused.value.error == error
    model.report(200, 1, 150, TRUTH, TERMS, collective)
    for call, error in (
        (lambda: model.report(205, 2, 160, TRUTH, TERMS, collective), "ReportTooSoon"),
        (lambda: model.claim_chain(205, CHAIN_ID), "DisputeWindowOpen"),
        (lambda: model.report(215, 2, 160, TRUTH, TERMS, collective), "ReportTooSoon"),
        (lambda: model.report(220, 2, 150, TRUTH, TERMS, collective), "InvalidWindow"),
        (lambda: model.set_window_start(220, 10), "AlreadyReporting"),
        (lambda: model.dispute(210, 1), "NotDisputable"),
    ):
        with pytest.raises(SharedError) as refused:
            call()
        assert refused.value.error == error
    with pytest.raises(SharedError) as refused:
        model.dispute(209, 1, chain_id=7777777)  # never settled here
    assert refused.value.error == "NotServed"
    held = model.dispute(209, 1, chain_id=CHAIN_ID).settlement
    assert model.held() == held.gross == 10 * E18
    assert model.chains[(ETH, CHAIN_ID)] == 0


def test_only_a_chain_this_splitter_served_may_dispute(chain, disputable, registry, reporter):
    from ape import accounts

    shared = disputable
    report(shared, reporter, SHIFTED)  # chains CHAIN_ID and OTHER; 7777777 is registered, never served
    (epoch,) = epochs(shared)
    unserved = registry.getChain(7777777).treasury
    chain.provider.set_balance(unserved, 10**20)
    with ape.reverts(shared.NotServed, chainId=7777777):
        shared.disputeEpoch(1, 7777777, epoch.facts(), sender=accounts[unserved])


def test_a_treasury_paid_on_l1_disputes_through_a_deposit(chain, disputable, registry, owner, reporter):
    """A treasury routed to L1 is an L1 account (a Safe there): its deposit arrives with the
    aliased sender, which speaks for it; the same alias of an L2 treasury does not."""
    from ape import accounts

    shared = disputable
    report(shared, reporter, SHIFTED)
    (epoch,) = epochs(shared)
    treasury = registry.getChain(OTHER).treasury
    alias = "0x" + f"{(int(treasury, 16) + 0x1111000000000000000000000000000000001111) % 2**160:040x}"
    impersonated = accounts[to_checksum_address(alias)]
    chain.provider.set_balance(impersonated.address, 10**20)
    with ape.reverts(shared.NotTreasury, account=impersonated.address, chainId=OTHER):
        shared.disputeEpoch(1, OTHER, epoch.facts(), sender=impersonated)  # an L2 treasury: no alias
    message_passer = 2  # Route.L1_MESSAGE_PASSER
    registry.setDestination(treasury, (message_passer, treasury, 200_000, 0), sender=owner)
    receipt = shared.disputeEpoch(1, OTHER, epoch.facts(), sender=impersonated)
    assert [e.disputer for e in receipt.events.filter(shared.EpochDisputed)] == [impersonated.address]


def test_windows_run_per_asset_and_may_start_where_governance_says(
    project, chain, shared, registry, owner, reporter, stranger
):
    token = owner.deploy(project.TestToken)
    registry.setTokenAllowed(token, True, sender=owner)
    start = now(chain) - 1_000
    with ape.reverts(shared.NotGovernance, account=stranger.address):
        shared.setWindowStart(ETH, start, sender=stranger)
    with ape.reverts(shared.InvalidWindow):
        shared.setWindowStart(ETH, now(chain) + 100, sender=owner)
    receipt = shared.setWindowStart(ETH, start, sender=owner)
    assert [(e.asset, e.start) for e in receipt.events.filter(shared.WindowStartSet)] == [(ETH, start)]
    with ape.reverts(shared.InvalidWindow, windowEnd=start, lastWindowEnd=start):
        report(shared, reporter, TRUTH, window_end=start)
    (window,) = report(shared, reporter, TRUTH, window_end=start + 500).events.filter(shared.EpochWindow)
    assert (window.windowStart, window.windowEnd) == (start, start + 500)
    with ape.reverts(shared.AlreadyReporting):
        shared.setWindowStart(token, start, sender=owner)
    # A token epoch has its own windows: it neither needs to follow the ETH window nor uses it up.
    token.mint(reporter, 10, sender=owner)
    token.approve(shared, 10, sender=reporter)
    receipt = shared.reportEpochToken(token, 2, start + 100, [(CHAIN_ID, 10, 0)], 10, sender=reporter)
    (window,) = receipt.events.filter(shared.EpochWindow)
    assert (window.windowStart, window.windowEnd) == (0, start + 100)
    assert shared.lastWindowEnd(token) == start + 100 and shared.lastWindowEnd(ETH) == start + 500
    (window,) = report(shared, reporter, TRUTH, window_end=start + 600).events.filter(shared.EpochWindow)
    assert (window.windowStart, window.windowEnd) == (start + 500, start + 600)
