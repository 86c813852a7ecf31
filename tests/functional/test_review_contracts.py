"""Regression tests for the contract findings of the independent review (issue #14, items 1-9).

Each test is named after the finding it pins; SECURITY.md lists them. The fee vaults here are the
real OP Stack contracts (`tests/bedrock.py`), not mocks, wherever the package has them.
"""

from __future__ import annotations

import ape
import pytest

from revshare.model import split
from tests import bedrock
from tests.conftest import CHAIN_ID, ONE_DAY, ZERO_HASH
from tests.conftest import ETH as ETH_KEY

ETH = 10**18
TOKENS = 1_000 * 10**18
ZERO = "0x0000000000000000000000000000000000000000"
MAX_CHAIN_ID = 9_223_372_036_854_775_771


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(registry, splitter, vaults, shared):
    """Create this module's module-scoped contracts before any test's isolation starts: one first
    requested by a later test makes ape rebase its snapshots, and state then leaked between tests
    (a disbursement reverted depending on which test files ran before)."""


def real_system(project, owner, registry, *, l1_minimum: int = 0):
    return bedrock.real_system(
        project, owner, registry, chain_id=CHAIN_ID, interval=ONE_DAY, l1_minimum=l1_minimum
    )


def balance(chain, address) -> int:
    return chain.provider.get_balance(str(address))


def next_day(chain) -> None:
    chain.mine(timestamp=chain.pending_timestamp + ONE_DAY)


# ------------------------------------------------------------------ 1. revenue classified by source


def test_l1_vault_withdrawn_by_anyone_still_counts_as_l1_cost(
    chain, project, owner, registry, keeper, stranger, collective, treasury
):
    """Finding 1: anyone calling `L1FeeVault.withdraw()` before `disburse()` turned the L1 cost
    into 'other inflows' (cost 0), so 10 ETH gross with 9 ETH of L1 cost paid the Collective
    1.5 ETH instead of 0.25 ETH."""
    vaults, splitter = real_system(project, owner, registry)
    keeper.transfer(vaults["sequencer_fee_vault"], ETH)
    keeper.transfer(vaults["l1_fee_vault"], 9 * ETH)
    vaults["l1_fee_vault"].withdraw(sender=stranger)  # permissionless, ahead of the disbursement

    receipt = splitter.disburse(sender=keeper)

    event = receipt.events.filter(splitter.Disbursed)[0]
    sources = receipt.events.filter(splitter.RevenueSources)[0]
    assert (event.gross, event.l1Cost) == (10 * ETH, 9 * ETH)
    assert (sources.sequencerFees, sources.l1Fees, sources.otherInflows) == (ETH, 9 * ETH, 0)
    assert event.collectiveShare == split(10 * ETH, 9 * ETH).collective == ETH // 4
    assert balance(chain, collective) == ETH // 4
    assert balance(chain, treasury) == 10 * ETH - ETH // 4
    assert splitter.pendingVaultRevenue() == (0, 0, 0, 0)


def test_only_eth_from_vaults_is_vault_revenue(chain, project, owner, registry, keeper, stranger):
    """A plain transfer is another inflow; each vault's payment counts under its own role, also
    when withdrawn between disbursements, and is counted once."""
    vaults, splitter = real_system(project, owner, registry)
    keeper.transfer(vaults["sequencer_fee_vault"], 3 * ETH)
    keeper.transfer(vaults["base_fee_vault"], 2 * ETH)
    keeper.transfer(vaults["operator_fee_vault"], ETH)
    vaults["base_fee_vault"].withdraw(sender=stranger)
    vaults["operator_fee_vault"].withdraw(sender=stranger)
    stranger.transfer(splitter, 5 * ETH)  # not from a vault
    receipt = splitter.disburse(sender=keeper)
    sources = receipt.events.filter(splitter.RevenueSources)[0]
    assert (sources.sequencerFees, sources.baseFees, sources.operatorFees, sources.l1Fees) == (
        3 * ETH,
        2 * ETH,
        ETH,
        0,
    )
    assert sources.otherInflows == 5 * ETH
    assert receipt.events.filter(splitter.Disbursed)[0].l1Cost == 0

    # The next period starts from zero: what was counted is not counted again.
    next_day(chain)
    keeper.transfer(vaults["l1_fee_vault"], ETH)
    vaults["l1_fee_vault"].withdraw(sender=stranger)
    keeper.transfer(vaults["l1_fee_vault"], ETH)
    receipt = splitter.disburse(sender=keeper)
    sources = receipt.events.filter(splitter.RevenueSources)[0]
    assert (sources.l1Fees, sources.otherInflows) == (2 * ETH, 0)
    assert receipt.events.filter(splitter.Disbursed)[0].gross == 2 * ETH


def test_plain_transfer_stays_cheap(project, owner, registry, keeper):
    """Recording vault receipts must not make `receive()` expensive for anyone else: a plain
    transfer pays four address comparisons (~300 gas), far inside a 2,300-gas stipend."""
    _, splitter = real_system(project, owner, registry)
    receipt = keeper.transfer(splitter, 12_345)
    assert receipt.gas_used <= 21_300


# ------------------------------------------------------------------ 2. vault minimums


def test_vault_with_a_minimum_is_refused_before_anything_moves(chain, project, owner, registry, keeper):
    """Finding 2: a vault below its minimum was skipped, so its L1 cost landed in a later
    disbursement than the revenue it belongs to. Holding the disbursement until every vault
    reaches its minimum would let anyone block it with 1 wei (the adversarial review): so a
    vault with a non-zero minimum is refused outright, as OP's own FeeSplitter requires."""
    vaults, splitter = real_system(project, owner, registry, l1_minimum=2 * ETH)
    l1 = vaults["l1_fee_vault"]
    keeper.transfer(vaults["sequencer_fee_vault"], 5 * ETH)
    for funded in (0, ETH, ETH):  # empty, below, at its minimum: refused every time
        if funded:
            keeper.transfer(l1, funded)
        with ape.reverts(splitter.VaultMinimumNotZero, vault=l1.address, minimum=2 * ETH):
            splitter.disburse(sender=keeper)
    assert balance(chain, splitter) == 0
    assert balance(chain, vaults["sequencer_fee_vault"]) == 5 * ETH


def test_ten_days_split_does_not_depend_on_when_vaults_are_withdrawn(
    chain, project, owner, registry, keeper, stranger, collective
):
    """Finding 2, the reviewer's scenario: ten days whose L1 fees reach the L1FeeVault's
    minimum only every second day. Skipping that vault overpaid the Collective (+27.8% here,
    +40.9% in the review). Now such a splitter never disburses; with minimum 0, whoever
    withdraws which vault when, each day is split with exactly its own revenue and L1 cost."""
    # L1 fees above 5/6 of gross: the gross rule applies on a normal day.
    daily_revenue, daily_l1, l1_minimum = ETH // 2, 4 * ETH, 5 * ETH
    skipped = 5 * (
        split(daily_revenue, 0).collective + split(daily_revenue + 2 * daily_l1, 2 * daily_l1).collective
    )
    daily = 10 * split(daily_revenue + daily_l1, daily_l1).collective
    assert skipped > daily * 5 // 4  # what the old rule paid in this scenario

    vaults, splitter = real_system(project, owner, registry, l1_minimum=l1_minimum)
    for _ in range(10):
        keeper.transfer(vaults["sequencer_fee_vault"], daily_revenue)
        keeper.transfer(vaults["l1_fee_vault"], daily_l1)
        with ape.reverts(splitter.VaultMinimumNotZero):
            splitter.disburse(sender=keeper)
        next_day(chain)
    assert balance(chain, collective) == 0  # no skewed split was ever made

    vaults, splitter = real_system(project, owner, registry)
    for day in range(10):
        keeper.transfer(vaults["sequencer_fee_vault"], daily_revenue // 2)
        keeper.transfer(vaults["l1_fee_vault"], daily_l1 // 2)
        if day % 3:  # someone withdraws the vaults mid-period on some days
            vaults["l1_fee_vault"].withdraw(sender=stranger)
        if day % 2:
            vaults["sequencer_fee_vault"].withdraw(sender=stranger)
        keeper.transfer(vaults["sequencer_fee_vault"], daily_revenue // 2)
        keeper.transfer(vaults["l1_fee_vault"], daily_l1 // 2)
        event = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
        assert (event.gross, event.l1Cost) == (daily_revenue + daily_l1, daily_l1)
        next_day(chain)
    assert balance(chain, collective) == daily


# ------------------------------------------------------------------ 3. hook tokens


@pytest.fixture
def hook_token(project, owner, registry):
    token = owner.deploy(project.HookToken)
    registry.setTokenAllowed(token, True, sender=owner)
    return token


@pytest.mark.parametrize("forward", [1, 10**18])
def test_recipient_moving_tokens_in_a_hook_cannot_block_the_other_party(
    project, owner, registry, splitter, keeper, stranger, collective, hook_token, forward
):
    """Finding 3: a recipient called back by the token moved one unit away, the splitter saw
    its balance grow by less than sent and reverted `UnsupportedToken`: the Collective's share
    was frozen. Now the splitter checks what left it, not what the recipient holds."""
    sneaky = owner.deploy(project.TokenForwardingRecipient, stranger)
    sneaky.configure(forward, sender=owner)
    registry.setTreasury(CHAIN_ID, sneaky, sender=owner)
    hook_token.mint(splitter, TOKENS, sender=keeper)
    expected = split(TOKENS, 0)

    splitter.disburseToken(hook_token, sender=keeper)

    assert hook_token.balanceOf(collective) == expected.collective
    assert hook_token.balanceOf(stranger) == forward
    assert hook_token.balanceOf(sneaky) + forward == expected.chain
    assert hook_token.balanceOf(splitter) == splitter.totalOwed(hook_token) == 0


def test_token_taking_more_than_sent_from_the_splitter_is_refused(project, owner, registry, splitter, keeper):
    """The one token failure still refused: the splitter losing more than it sent (a fee charged
    to the sender). That is the token's doing, never a recipient's, and nothing moves."""
    token = owner.deploy(project.SenderFeeToken)
    registry.setTokenAllowed(token, True, sender=owner)
    token.mint(splitter, TOKENS, sender=keeper)
    with ape.reverts(splitter.UnsupportedToken, token=token.address):
        splitter.disburseToken(token, sender=keeper)
    assert token.balanceOf(splitter) == TOKENS
    assert splitter.disbursementCount() == 0


# ------------------------------------------------------------------ 4. epoch ids


def test_one_report_cannot_end_the_shared_splitter(shared, reporter, owner, registry):
    """Finding 4: `reportEpoch(2**256 - 1, 1, ...)` made every later report fail for good."""
    parts = [(10, ETH, 0)]
    with ape.reverts(shared.EpochNotNext, epoch=2**256 - 1, expected=1):
        shared.reportEpoch(2**256 - 1, 1, parts, value=ETH, sender=reporter)
    with ape.reverts(shared.EpochNotNext, epoch=2, expected=1):
        shared.reportEpoch(2, 2, parts, value=ETH, sender=reporter)
    shared.reportEpoch(1, 1, parts, value=ETH, sender=reporter)
    with ape.reverts(shared.EpochNotNext, epoch=1, expected=2):
        shared.reportEpoch(1, 1, parts, value=ETH, sender=reporter)
    shared.reportEpoch(2, 2, parts, value=ETH, sender=reporter)
    assert shared.lastEpoch() == 2


# ------------------------------------------------------------------ 5. surplus


def test_credit_surplus_cannot_take_balances_through_a_second_token_address(
    project, owner, registry, shared, reporter, stranger, collective, operator_fee_recipient
):
    """Finding 5: for a token reachable at two addresses over the same balances, `creditSurplus`
    on the second address moved every credited balance to the Collective."""
    token = owner.deploy(project.DoubleEntryToken)
    second = token.SECOND_ENTRY()
    registry.setTokenAllowed(token, True, sender=owner)
    token.mint(reporter, 10 * ETH, sender=reporter)
    token.approve(shared, 10 * ETH, sender=reporter)
    shared.reportEpochToken(token, 1, 1, [(10, 4 * ETH, 0), (8453, 6 * ETH, ETH)], 10 * ETH, sender=reporter)

    with ape.reverts(shared.TokenNotAllowed, token=second):
        shared.creditSurplus(second, sender=stranger)
    with ape.reverts(shared.NothingToClaim):
        shared.creditSurplus(token, sender=stranger)  # allowed, and nothing is surplus

    for chain_id in (10, 8453):
        shared.claimChain(token, chain_id, sender=stranger)
    shared.claim(token, collective, sender=stranger)
    shared.claim(token, operator_fee_recipient, sender=stranger)
    assert token.balanceOf(shared) == 0


# ------------------------------------------------------------------ 6. and 7. treasury changes and holds


def test_shared_chain_balance_follows_the_treasury_of_claim_time(
    chain, project, owner, registry, shared, reporter, stranger
):
    """Finding 6: SECURITY.md said governance cannot redirect earned balances, yet `claimChain`
    pays the treasury recorded at claim time. The power is now stated plainly; this pins it."""
    shared.reportEpoch(1, 1, [(10, 4 * ETH, 0)], value=4 * ETH, sender=reporter)
    earned = shared.chainClaimable(ETH_KEY, 10)
    new_treasury = "0x" + "5a" * 20
    registry.setTreasury(10, new_treasury, sender=owner)
    receipt = shared.claimChain(ETH_KEY, 10, sender=stranger)
    assert receipt.events.filter(shared.ChainClaimed)[0].treasury.lower() == new_treasury
    assert balance(chain, new_treasury) == earned


def test_guardian_holds_one_chains_claims_while_a_treasury_change_waits(
    chain, owner, guardian, stranger, registry, shared, reporter, collective, operator_fee_recipient
):
    """Finding 7: during a timelocked treasury change anyone could push a chain's balance to the
    old, possibly compromised, treasury. The guardian may now hold that one chain's claims, for a
    limited time, and nothing else."""
    shared.reportEpoch(1, 1, [(10, 4 * ETH, 0), (8453, 4 * ETH, 0)], value=8 * ETH, sender=reporter)
    with ape.reverts(registry.NotGuardian, account=stranger.address):
        registry.holdClaims(10, sender=stranger)
    receipt = registry.holdClaims(10, sender=guardian)
    period = registry.claimHoldPeriod()
    held_until = receipt.events.filter(registry.ClaimsHeld)[0].heldUntil
    assert registry.claimsHeld(10) and not registry.claimsHeld(8453)

    with ape.reverts(shared.ClaimsHeld, chainId=10):
        shared.claimChain(ETH_KEY, 10, sender=stranger)
    shared.claimChain(ETH_KEY, 8453, sender=stranger)  # other chains: unaffected
    shared.claim(ETH_KEY, collective, sender=stranger)  # the Collective: unaffected
    shared.claim(ETH_KEY, operator_fee_recipient, sender=stranger)
    shared.reportEpoch(2, 2, [(10, ETH, 0)], value=ETH, sender=reporter)  # still credited

    # Time-limited, and not renewable back to back.
    with ape.reverts(registry.ClaimHoldUnavailable, chainId=10, nextHoldAt=held_until + period):
        registry.holdClaims(10, sender=guardian)
    chain.mine(timestamp=held_until)
    assert not registry.claimsHeld(10)
    with ape.reverts(registry.ClaimHoldUnavailable):
        registry.holdClaims(10, sender=guardian)
    shared.claimChain(ETH_KEY, 10, sender=stranger)
    chain.mine(timestamp=held_until + period)
    registry.holdClaims(10, sender=guardian)

    # Only governance lifts a hold early.
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=guardian.address):
        registry.releaseClaims(10, sender=guardian)
    registry.releaseClaims(10, sender=owner)
    assert not registry.claimsHeld(10)
    with ape.reverts(registry.ClaimsNotHeld, chainId=10):
        registry.releaseClaims(10, sender=owner)


def test_claim_hold_period_is_bounded(owner, registry):
    with ape.reverts(registry.InvalidClaimHoldPeriod, period=0):
        registry.setClaimHoldPeriod(0, sender=owner)
    with ape.reverts(registry.InvalidClaimHoldPeriod, period=30 * ONE_DAY + 1):
        registry.setClaimHoldPeriod(30 * ONE_DAY + 1, sender=owner)
    registry.setClaimHoldPeriod(14 * ONE_DAY, sender=owner)
    assert registry.claimHoldPeriod() == 14 * ONE_DAY


def test_hold_credits_the_treasury_share_of_a_chain_splitter(
    chain, project, owner, guardian, registry, splitter, vaults, keeper, stranger, collective, treasury
):
    """The per-chain splitter honours the same hold: the treasury's share is credited, not sent,
    and only the Collective can claim meanwhile."""
    registry.holdClaims(CHAIN_ID, sender=guardian)
    keeper.transfer(vaults["sequencer_fee_vault"], 4 * ETH)
    receipt = splitter.disburse(sender=keeper)
    expected = split(4 * ETH, 0)
    assert balance(chain, collective) == expected.collective
    assert balance(chain, treasury) == 0
    assert splitter.owed(ETH_KEY, treasury) == expected.chain
    assert receipt.events.filter(splitter.PayoutDeferred)[0].recipient == treasury
    with ape.reverts(splitter.ClaimsHeld, chainId=CHAIN_ID):
        splitter.claim(ETH_KEY, treasury, sender=stranger)
    registry.releaseClaims(CHAIN_ID, sender=owner)
    splitter.claim(ETH_KEY, treasury, sender=stranger)
    assert balance(chain, treasury) == expected.chain


# ------------------------------------------------------------------ 8. credits of former addresses


@pytest.fixture
def blocklist_token(project, owner, registry):
    token = owner.deploy(project.BlocklistToken)
    registry.setTokenAllowed(token, True, sender=owner)
    return token


def test_credit_of_a_former_collective_moves_to_its_successor_only(
    project, owner, stranger, registry, splitter, keeper, collective, treasury, blocklist_token
):
    """Finding 8: after `setCollective`, a credit left on the old address (say, blocklisted by
    the token) was stuck forever. Governance can now move it to the successor, and nowhere else."""
    blocklist_token.setBlocked(collective, True, sender=owner)
    blocklist_token.mint(splitter, TOKENS, sender=keeper)
    splitter.disburseToken(blocklist_token, sender=keeper)
    credit = splitter.owed(blocklist_token, collective)
    assert credit == split(TOKENS, 0).collective

    with ape.reverts(splitter.NoSuccessor, account=collective):
        splitter.moveCredit(blocklist_token, collective, sender=owner)  # still the Collective
    successor = "0x" + "c1" * 20
    registry.setCollective(successor, sender=owner)
    with ape.reverts(splitter.NotGovernance, account=stranger.address):
        splitter.moveCredit(blocklist_token, collective, sender=stranger)
    for nobody in (treasury, stranger.address):
        with ape.reverts(splitter.NoSuccessor):
            splitter.moveCredit(blocklist_token, nobody, sender=owner)

    receipt = splitter.moveCredit(blocklist_token, collective, sender=owner)
    moved = receipt.events.filter(splitter.CreditMoved)[0]
    assert (moved.asset, moved.to.lower(), moved.amount) == (blocklist_token.address, successor, credit)
    assert splitter.owed(blocklist_token, collective) == 0
    splitter.claim(blocklist_token, successor, sender=stranger)
    assert blocklist_token.balanceOf(successor) == credit
    assert splitter.totalOwed(blocklist_token) == 0


def test_credit_of_a_former_treasury_moves_to_the_current_treasury(
    owner, stranger, registry, splitter, keeper, treasury, blocklist_token
):
    blocklist_token.setBlocked(treasury, True, sender=owner)
    blocklist_token.mint(splitter, TOKENS, sender=keeper)
    splitter.disburseToken(blocklist_token, sender=keeper)
    credit = splitter.owed(blocklist_token, treasury)
    new_treasury = "0x" + "7f" * 20
    registry.setTreasury(CHAIN_ID, new_treasury, sender=owner)
    splitter.moveCredit(blocklist_token, treasury, sender=owner)
    splitter.claim(blocklist_token, new_treasury, sender=stranger)
    assert blocklist_token.balanceOf(new_treasury) == credit


def test_a_current_treasury_that_once_was_the_collective_keeps_its_credit(
    owner, registry, splitter, keeper, collective, blocklist_token
):
    """Only former holders lose a credit to a successor: an address now holding a role keeps it."""
    registry.setCollective("0x" + "c1" * 20, sender=owner)
    registry.setTreasury(CHAIN_ID, collective, sender=owner)  # the former Collective, now the treasury
    blocklist_token.setBlocked(collective, True, sender=owner)
    blocklist_token.mint(splitter, TOKENS, sender=keeper)
    splitter.disburseToken(blocklist_token, sender=keeper)
    assert splitter.owed(blocklist_token, collective) > 0
    with ape.reverts(splitter.NoSuccessor, account=collective):
        splitter.moveCredit(blocklist_token, collective, sender=owner)


def test_vault_payments_are_evented(project, owner, registry, keeper, stranger):
    vaults, splitter = real_system(project, owner, registry)
    keeper.transfer(vaults["l1_fee_vault"], ETH)
    receipt = vaults["l1_fee_vault"].withdraw(sender=stranger)
    events = receipt.events.filter(splitter.VaultRevenueReceived)
    assert [(e.vault, e.amount) for e in events] == [(vaults["l1_fee_vault"].address, ETH)]
    assert not keeper.transfer(splitter, 1).events.filter(splitter.VaultRevenueReceived)


def test_shared_balance_of_a_former_operator_fee_recipient_moves_to_the_current_one(
    chain, owner, stranger, registry, shared, reporter, operator_fee_recipient, collective
):
    shared.reportEpoch(1, 1, [(10, 4 * ETH, 0)], value=4 * ETH, sender=reporter)
    fee = shared.accountClaimable(ETH_KEY, operator_fee_recipient)
    assert fee > 0
    successor = "0x" + "0e" * 20
    with ape.reverts(shared.NoSuccessor, account=operator_fee_recipient):
        shared.moveCredit(ETH_KEY, operator_fee_recipient, sender=owner)
    shared.setOperatorFee(successor, 500, sender=owner)
    with ape.reverts(shared.NotGovernance, account=stranger.address):
        shared.moveCredit(ETH_KEY, operator_fee_recipient, sender=stranger)
    with ape.reverts(shared.NoSuccessor, account=collective):
        shared.moveCredit(ETH_KEY, collective, sender=owner)  # the current Collective
    receipt = shared.moveCredit(ETH_KEY, operator_fee_recipient, sender=owner)
    assert receipt.events.filter(shared.CreditMoved)[0].amount == fee
    shared.claim(ETH_KEY, successor, sender=stranger)
    assert balance(chain, successor) == fee


# ------------------------------------------------------------------ 9. footguns


def test_ownership_cannot_be_renounced(owner, stranger, registry):
    """Finding 9: the inherited one-step `renounceOwnership` could freeze governance for good."""
    with ape.reverts(registry.RenounceDisabled):
        registry.renounceOwnership(sender=owner)
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=stranger.address):
        registry.renounceOwnership(sender=stranger)
    assert registry.owner() == owner


@pytest.mark.parametrize(
    ("gas_limit", "min_amount", "ok"),
    [
        (21_000, 0, True),
        (5_000_000, 10_000 * ETH, True),
        (5_000_001, 0, False),
        (2**32 - 1, 0, False),
        (200_000, 10_000 * ETH + 1, False),
        (200_000, 2**128 - 1, False),
    ],
)
def test_l1_destination_bounds(owner, registry, treasury, gas_limit, min_amount, ok):
    destination = (1, treasury, gas_limit, min_amount)
    if ok:
        registry.setDestination(treasury, destination, sender=owner)
        assert registry.destinationOf(treasury).l1GasLimit == gas_limit
    else:
        with ape.reverts(registry.InvalidDestination):
            registry.setDestination(treasury, destination, sender=owner)


@pytest.mark.parametrize(
    ("chain_id", "ok"),
    [(0, False), (1, True), (MAX_CHAIN_ID, True), (MAX_CHAIN_ID + 1, False), (2**256 - 1, False)],
)
def test_chain_ids_are_eip155_ids(owner, registry, treasury, chain_id, ok):
    if ok:
        registry.registerChain(chain_id, treasury, 250, 1500, ZERO_HASH, sender=owner)
        assert registry.isRegistered(chain_id)
    else:
        with ape.reverts(registry.InvalidChainId, chainId=chain_id):
            registry.registerChain(chain_id, treasury, 250, 1500, ZERO_HASH, sender=owner)


def test_a_vault_cannot_play_two_roles(project, owner, registry):
    vault = owner.deploy(project.MockFeeVault, owner, 0, 1)
    with ape.reverts(project.ChainRevenueSplitter.DuplicateVault, vault=vault.address):
        owner.deploy(project.ChainRevenueSplitter, registry, CHAIN_ID, [vault, ZERO, vault, ZERO], ONE_DAY)


def test_python_bounds_are_the_registrys(registry):
    """Config and `propose` refuse what the registry would refuse, with the same numbers."""
    from revshare.chain.routes import MAX_L1_GAS_LIMIT, MAX_MIN_AMOUNT, MIN_L1_GAS_LIMIT
    from revshare.values import MAX_CHAIN_ID as PYTHON_MAX_CHAIN_ID

    assert registry.MIN_L1_GAS_LIMIT() == MIN_L1_GAS_LIMIT
    assert registry.MAX_L1_GAS_LIMIT() == MAX_L1_GAS_LIMIT
    assert registry.MAX_L1_MIN_AMOUNT() == MAX_MIN_AMOUNT
    assert registry.MAX_CHAIN_ID() == PYTHON_MAX_CHAIN_ID == MAX_CHAIN_ID
