"""ERC-20 revenue: allowed tokens are split by the same rule (no L1 cost); tokens that return no
bool work; tokens that revert, return false or return huge data for a recipient leave that share
credited; a token taking more than it sends from the splitter is refused with nothing moved."""

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revshare.model import split
from tests.conftest import CHAIN_ID, ONE_DAY, apply_terms, restore_after
from tests.conftest import ETH as ETH_KEY
from tests.strategies import amounts, valid_bps

AMOUNT = 1_000 * 10**18
REVERT, RETURN_FALSE, RETURN_BOMB = 0, 1, 2


@pytest.fixture(scope="module")
def token(project, owner, registry):
    token = owner.deploy(project.TestToken)
    registry.setTokenAllowed(token, True, sender=owner)
    return token


def allowed(project, owner, registry, name):
    token = owner.deploy(getattr(project, name))
    registry.setTokenAllowed(token, True, sender=owner)
    return token


def test_token_revenue_is_split_with_no_l1_cost(token, splitter, keeper, collective, treasury):
    token.mint(splitter, AMOUNT, sender=keeper)
    receipt = splitter.disburseToken(token, sender=keeper)
    event = receipt.events.filter(splitter.Disbursed)[0]
    expected = split(AMOUNT, 0)
    assert (event.asset, event.gross, event.l1Cost) == (token, AMOUNT, 0)
    assert (event.collectiveShare, event.chainShare, event.netRuleApplied) == (
        expected.collective,
        expected.chain,
        True,
    )
    assert token.balanceOf(collective) == expected.collective
    assert token.balanceOf(treasury) == expected.chain
    assert token.balanceOf(splitter) == 0


def test_token_must_be_allowed(project, owner, registry, splitter, keeper):
    other = owner.deploy(project.TestToken)
    other.mint(splitter, AMOUNT, sender=keeper)
    with ape.reverts(splitter.TokenNotAllowed, token=other.address):
        splitter.disburseToken(other, sender=keeper)
    with ape.reverts(splitter.TokenNotAllowed, token=ETH_KEY):
        splitter.disburseToken(ETH_KEY, sender=keeper)
    registry.setTokenAllowed(other, True, sender=owner)
    splitter.disburseToken(other, sender=keeper)
    registry.setTokenAllowed(other, False, sender=owner)
    other.mint(splitter, AMOUNT, sender=keeper)
    with ape.reverts(splitter.TokenNotAllowed, token=other.address):
        splitter.disburseToken(other, sender=keeper)


def test_each_asset_has_its_own_interval(chain, token, splitter, keeper):
    keeper.transfer(splitter, 10**18)
    token.mint(splitter, AMOUNT, sender=keeper)
    splitter.disburse(sender=keeper)
    splitter.disburseToken(token, sender=keeper)  # ETH's interval does not block the token
    token.mint(splitter, AMOUNT, sender=keeper)
    with ape.reverts(splitter.DisbursementTooSoon, asset=token.address):
        splitter.disburseToken(token, sender=keeper)
    chain.pending_timestamp += ONE_DAY
    splitter.disburseToken(token, sender=keeper)


def test_nothing_to_disburse_in_token(token, splitter, keeper):
    with ape.reverts(splitter.NothingToDisburse, asset=token.address):
        splitter.disburseToken(token, sender=keeper)


def test_token_without_return_value_works(project, owner, registry, splitter, keeper, collective, treasury):
    usdt_like = allowed(project, owner, registry, "NoReturnToken")
    usdt_like.mint(splitter, AMOUNT, sender=keeper)
    splitter.disburseToken(usdt_like, sender=keeper)
    expected = split(AMOUNT, 0)
    assert usdt_like.balanceOf(collective) == expected.collective
    assert usdt_like.balanceOf(treasury) == expected.chain


@pytest.mark.parametrize("mode", [REVERT, RETURN_FALSE, RETURN_BOMB], ids=["revert", "false", "bomb"])
def test_blocked_recipient_is_credited_then_claims(
    project, owner, registry, splitter, keeper, stranger, collective, treasury, mode
):
    blk = allowed(project, owner, registry, "BlocklistToken")
    blk.setMode(mode, sender=owner)
    blk.setBlocked(treasury, True, sender=owner)
    blk.mint(splitter, AMOUNT, sender=keeper)
    expected = split(AMOUNT, 0)

    receipt = splitter.disburseToken(blk, sender=keeper, gas_limit=1_000_000)

    assert receipt.gas_used < 400_000
    assert receipt.events.filter(splitter.PayoutDeferred) == [
        splitter.PayoutDeferred(asset=blk, recipient=treasury, amount=expected.chain)
    ]
    assert blk.balanceOf(collective) == expected.collective
    assert splitter.owed(blk, treasury) == expected.chain == splitter.totalOwed(blk)
    assert splitter.undisbursed(blk) == 0
    with ape.reverts(splitter.ClaimFailed, asset=blk.address, recipient=treasury):
        splitter.claim(blk, treasury, sender=stranger)
    blk.setBlocked(treasury, False, sender=owner)
    splitter.claim(blk, treasury, sender=stranger)
    assert blk.balanceOf(treasury) == expected.chain
    assert blk.balanceOf(splitter) == 0


def test_fee_on_transfer_token_pays_exactly_the_shares_out_of_the_splitter(
    project, owner, registry, splitter, keeper, collective, treasury
):
    """The splitter answers for what leaves it, not for what a recipient holds afterwards (a
    recipient's token hook could otherwise freeze the other party: test_review_contracts.py,
    finding 3). A token that charges its fee to the receiver therefore pays each share less that
    fee: governance must not allow such tokens (SECURITY.md). A token that takes more than sent
    from the splitter is still refused (test_review_contracts.py)."""
    fee_token = allowed(project, owner, registry, "FeeOnTransferToken")
    fee_token.mint(splitter, AMOUNT, sender=keeper)
    splitter.disburseToken(fee_token, sender=keeper)
    expected = split(AMOUNT, 0)
    assert fee_token.balanceOf(splitter) == splitter.totalOwed(fee_token) == 0
    assert fee_token.balanceOf(collective) == expected.collective - expected.collective // 100
    assert fee_token.balanceOf(treasury) == expected.chain - expected.chain // 100


@pytest.mark.parametrize("swallow", [False, True])
def test_token_hook_reentry_changes_nothing(project, owner, registry, splitter, keeper, collective, swallow):
    hook = allowed(project, owner, registry, "HookToken")
    sneaky = owner.deploy(project.ReenteringRecipient)
    sneaky.arm(splitter, splitter.disburseToken.encode_input(hook.address), swallow, sender=owner)
    registry.setTreasury(CHAIN_ID, sneaky, sender=owner)
    hook.mint(splitter, AMOUNT, sender=keeper)
    expected = split(AMOUNT, 0)

    splitter.disburseToken(hook, sender=keeper)

    assert sneaky.successes() == 0
    assert hook.balanceOf(collective) == expected.collective
    if swallow:  # the payment went through; the nested disbursement did not
        assert hook.balanceOf(sneaky) == expected.chain
    else:  # the hook reverted the transfer: credited
        assert splitter.owed(hook, sneaky) == expected.chain
    assert splitter.disbursementCount() == 1


def test_pause_blocks_disbursements_but_not_claims(
    owner, guardian, project, registry, splitter, vaults, keeper, stranger, token, treasury
):
    bad = owner.deploy(project.RevertingRecipient)
    registry.setTreasury(CHAIN_ID, bad, sender=owner)
    keeper.transfer(vaults["sequencer_fee_vault"], 10**18)
    splitter.disburse(sender=keeper)
    bad.setRejecting(False, sender=stranger)

    registry.pause(sender=guardian)
    keeper.transfer(splitter, 10**18)
    token.mint(splitter, AMOUNT, sender=keeper)
    with ape.reverts(splitter.DisbursementsPaused):
        splitter.disburse(sender=keeper)
    with ape.reverts(splitter.DisbursementsPaused):
        splitter.disburseToken(token, sender=keeper)
    splitter.claim(ETH_KEY, bad, sender=stranger)  # credited balances stay claimable
    assert splitter.totalOwed(ETH_KEY) == 0
    assert splitter.undisbursed(ETH_KEY) == 10**18  # funds stay put
    assert token.balanceOf(splitter) == AMOUNT

    registry.unpause(sender=owner)
    splitter.disburseToken(token, sender=keeper)


@given(
    amount=amounts(2**200),
    blocked=st.sampled_from(["none", "collective", "treasury", "both"]),
    mode=st.sampled_from([REVERT, RETURN_FALSE, RETURN_BOMB]),
    terms=st.tuples(valid_bps, valid_bps),
)
def test_token_disbursement_conserves_value(
    chain,
    project,
    owner,
    keeper,
    registry,
    splitter,
    collective,
    treasury,
    amount,
    blocked,
    mode,
    terms,
):
    with restore_after(chain):
        blk = allowed(project, owner, registry, "BlocklistToken")
        apply_terms(chain, registry, owner, splitter, keeper, *terms, token=blk)
        blk.setMode(mode, sender=owner)
        for who, address in (("collective", collective), ("treasury", treasury)):
            blk.setBlocked(address, blocked in (who, "both"), sender=owner)
        blk.mint(splitter, amount, sender=keeper)
        if amount == 0:
            with ape.reverts(splitter.NothingToDisburse):
                splitter.disburseToken(blk, sender=keeper)
            return
        splitter.disburseToken(blk, sender=keeper, gas_limit=2_000_000)
        expected = split(amount, 0, *terms)
        paid_or_owed = {
            collective: blk.balanceOf(collective) + splitter.owed(blk, collective),
            treasury: blk.balanceOf(treasury) + splitter.owed(blk, treasury),
        }
        assert paid_or_owed == {collective: expected.collective, treasury: expected.chain}
        assert blk.balanceOf(splitter) == splitter.totalOwed(blk)
        assert blk.balanceOf(collective) + blk.balanceOf(treasury) + blk.balanceOf(splitter) == amount
