"""Regression tests for what an adversarial review of the issue #14 contract fixes found (A-F),
and the attacks it tried that held up (`test_holds_*`). SECURITY.md lists the findings.

The review ran against the first version of the fixes: a vault below its minimum held the
disbursement back (A: anyone could block it for 1 wei, and a chain could merge periods to pay
the Collective less), credits made during a claim hold stayed with the old treasury (B),
`moveCredit` took a current role holder's credit (C), the vault check read stale uppercase
getters (D), and a token that "succeeded" without moving anything had its share split again (E).
"""

from __future__ import annotations

import ape
import pytest

from revshare.chain.registry import read_registry
from revshare.deploying.deploy import create_address
from revshare.governance.proposals import propose_set_treasury
from revshare.model import split
from tests import bedrock
from tests.conftest import CHAIN_ID, ONE_DAY, ZERO_HASH, deploy_vaults_and_splitter
from tests.conftest import ETH as ETH_KEY

ETH = 10**18
TOKENS = 1_000 * 10**18
L2 = 1
NO_VAULT = "0x" + "00" * 20


def balance(chain, address) -> int:
    return chain.provider.get_balance(str(address))


def next_day(chain) -> None:
    chain.mine(timestamp=chain.pending_timestamp + ONE_DAY)


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(registry, splitter, vaults, shared):
    """Create this module's module-scoped contracts before any test's isolation starts: one first
    requested by a later test makes ape rebase its snapshots, and state then leaked between tests
    (a disbursement reverted depending on which test files ran before)."""


def real_system(project, owner, registry, *, chain_id=CHAIN_ID):
    return bedrock.real_system(project, owner, registry, chain_id=chain_id, interval=ONE_DAY)


def assert_conserved(chain, splitter, asset=ETH_KEY, token=None):
    held = balance(chain, splitter) if token is None else token.balanceOf(splitter)
    assert held == splitter.undisbursed(asset) + splitter.totalOwed(asset)


@pytest.fixture
def blocklist_token(project, owner, registry):
    token = owner.deploy(project.BlocklistToken)
    registry.setTokenAllowed(token, True, sender=owner)
    return token


# ------------------------------------------------------------------ A. nobody can hold a disbursement back


def test_a1_one_wei_in_a_dormant_vault_cannot_block_disbursements(chain, splitter, vaults, keeper, stranger):
    """A: with minimums, 1 wei sent to an empty vault blocked every disbursement. Minimums are 0
    now, so that wei is simply withdrawn and shared with the rest."""
    keeper.transfer(vaults["sequencer_fee_vault"], 5 * ETH)
    stranger.transfer(vaults["operator_fee_vault"], 1)
    event = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
    assert event.gross == 5 * ETH + 1
    assert_conserved(chain, splitter)


def test_a2_backrunning_withdrawals_neither_blocks_nor_reclassifies(
    chain, project, owner, registry, keeper, stranger
):
    """A: an attacker withdrawing each vault the moment it can kept every vault below its
    minimum and nothing was ever paid. Now every day is disbursed, with that day's revenue and
    cost, whoever withdrew what."""
    vaults, splitter = real_system(project, owner, registry)
    fees = {"sequencer_fee_vault": ETH // 5, "base_fee_vault": ETH // 3, "l1_fee_vault": ETH // 2}
    for _ in range(3):
        for _ in range(3):  # blocks with fees, each back-run by the attacker
            for role, fee in fees.items():
                keeper.transfer(vaults[role], fee)
                vaults[role].withdraw(sender=stranger)
            for role in fees:
                keeper.transfer(vaults[role], 1)  # the next block's fees
        event = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
        assert (event.gross, event.l1Cost) == (3 * sum(fees.values()) + 9, 3 * fees["l1_fee_vault"] + 3)
        next_day(chain)
    assert splitter.disbursementCount() == 3
    assert_conserved(chain, splitter)


def test_a3_a_chain_cannot_merge_periods_to_pay_the_collective_less(
    chain, project, owner, registry, keeper, stranger, collective
):
    """A: by keeping its L1FeeVault below the minimum, a chain stopped the Collective's keeper
    on day 1 and paid 2.8 ETH instead of 4.025 ETH for two days. Now day 1 is disbursed."""
    late = 10**16  # L1 fees landing after the chain withdrew its L1FeeVault on day 1
    day1, day2 = (10 * ETH, ETH + late), (ETH, 100 * ETH - late)  # (sequencer fees, L1 fees)
    honest = split(sum(day1), day1[1]).collective + split(sum(day2), day2[1]).collective
    merged = split(sum(day1) + sum(day2), day1[1] + day2[1]).collective
    assert merged == 28 * ETH // 10 < honest * 7 // 10  # what blocking day 1 used to give
    vaults, splitter = real_system(project, owner, registry)
    seq, l1 = vaults["sequencer_fee_vault"], vaults["l1_fee_vault"]
    keeper.transfer(seq, day1[0])
    keeper.transfer(l1, day1[1] - late)
    l1.withdraw(sender=stranger)
    keeper.transfer(l1, late)
    splitter.disburse(sender=keeper)  # the Collective's keeper, day 1
    next_day(chain)
    keeper.transfer(seq, day2[0])
    keeper.transfer(l1, day2[1])
    splitter.disburse(sender=keeper)
    assert balance(chain, collective) == honest


# ---------------------------------------------- B. a hold's credits follow the treasury change


def test_b_treasury_change_proposal_moves_credits_made_during_a_hold(
    chain, owner, guardian, stranger, keeper, registry, splitter, vaults, treasury
):
    """B: during a hold the treasury's share is credited to the (old) treasury of the moment;
    when the change executed and the hold ended, anyone could claim it for the old treasury. The
    treasury-change proposal now moves that credit to the new treasury in the same execution."""
    registry.holdClaims(CHAIN_ID, sender=guardian)
    for _ in range(3):
        keeper.transfer(vaults["sequencer_fee_vault"], 4 * ETH)
        splitter.disburse(sender=keeper)
        next_day(chain)
    held = splitter.owed(ETH_KEY, treasury)
    assert held == 3 * split(4 * ETH, 0).chain

    new_treasury = "0x" + "5e" * 20
    proposal = propose_set_treasury(registry, read_registry(registry), CHAIN_ID, new_treasury, splitter)
    assert [c.method for c in proposal.calls] == ["setTreasury", "moveCredit"]
    for call in proposal.calls:  # governance executes the batch
        owner.transfer(call.target, call.value, data=call.data)
    registry.releaseClaims(CHAIN_ID, sender=owner)

    with ape.reverts(splitter.NothingToClaim):
        splitter.claim(ETH_KEY, treasury, sender=stranger)
    splitter.claim(ETH_KEY, new_treasury, sender=stranger)
    assert balance(chain, new_treasury) == held
    assert balance(chain, treasury) == 0


def test_b_the_proposal_runs_also_when_there_is_no_credit_to_move(owner, registry, splitter, treasury):
    proposal = propose_set_treasury(registry, read_registry(registry), CHAIN_ID, "0x" + "5f" * 20, splitter)
    for call in proposal.calls:
        owner.transfer(call.target, 0, data=call.data)
    assert registry.getChain(CHAIN_ID).treasury.lower() == "0x" + "5f" * 20
    assert splitter.owed(ETH_KEY, treasury) == 0


# ------------------------------------------------------------------ C. current role holders keep their credit


def assert_keeps_its_credit(splitter, token, holder, owner, keeper) -> None:
    """`holder`, blocked by the token, is credited its share; governance cannot move it away."""
    token.setBlocked(holder, True, sender=owner)
    token.mint(splitter, TOKENS, sender=keeper)
    splitter.disburseToken(token, sender=keeper)
    credit = splitter.owed(token, holder)
    assert credit in (split(TOKENS, 0).collective, split(TOKENS, 0).chain)
    with ape.reverts(splitter.NoSuccessor, account=holder):
        splitter.moveCredit(token, holder, sender=owner)
    assert splitter.owed(token, holder) == credit


def test_c1_the_current_collective_keeps_its_credit_though_once_a_treasury(
    chain, project, owner, keeper, registry, collective, blocklist_token
):
    op_mainnet, op_treasury = 4_210, "0x" + "10" * 20  # (an id no fixture registers)
    registry.registerChain(op_mainnet, collective, 250, 1500, ZERO_HASH, sender=owner)
    registry.setTreasury(op_mainnet, op_treasury, sender=owner)
    _, splitter = deploy_vaults_and_splitter(project, owner, registry, chain_id=op_mainnet)
    assert_keeps_its_credit(splitter, blocklist_token, collective, owner, keeper)


def test_c2_the_current_treasury_keeps_its_credit_though_once_the_collective(
    owner, keeper, registry, splitter, collective, treasury, blocklist_token
):
    registry.setCollective(treasury, sender=owner)
    registry.setCollective(collective, sender=owner)  # `treasury` is a former Collective
    assert_keeps_its_credit(splitter, blocklist_token, treasury, owner, keeper)


def test_c3_the_collective_keeps_its_shared_balance_though_once_the_operator(
    project, owner, registry, reporter, collective
):
    shared = owner.deploy(project.SharedSequencerSplitter, registry, reporter, collective, 0)
    shared.reportEpoch(1, 1, [(CHAIN_ID, 10 * ETH, 0)], value=10 * ETH, sender=reporter)
    shared.setOperatorFee("0x" + "0a" * 20, 500, sender=owner)
    with ape.reverts(shared.NoSuccessor, account=collective):
        shared.moveCredit(ETH_KEY, collective, sender=owner)
    assert shared.accountClaimable(ETH_KEY, collective) == split(10 * ETH, 0).collective


# ------------------------------------------------------------------ D. vault settings from the stored values


def test_d_a_vault_whose_stored_recipient_changed_is_refused(
    chain, project, owner, registry, keeper, stranger
):
    """D: for a vault whose uppercase getters are frozen immutables while the settings it uses
    live in storage, the check read the stale values and the withdrawal paid someone else. The
    lowercase (stored) getters are read first now."""
    splitter_address = create_address(owner.address, owner.nonce + 1)
    vault = owner.deploy(project.StaleGetterFeeVault, splitter_address, 0, L2)
    splitter = owner.deploy(
        project.ChainRevenueSplitter, registry, CHAIN_ID, [vault, NO_VAULT, NO_VAULT, NO_VAULT], ONE_DAY
    )
    assert splitter.address == splitter_address
    keeper.transfer(vault, 3 * ETH)
    stranger.transfer(splitter, ETH)
    vault.setRecipient("0x" + "e1" * 20, sender=owner)
    with ape.reverts(splitter.VaultMisconfigured, vault=vault.address):
        splitter.disburse(sender=keeper)
    vault.setRecipient(splitter_address, sender=owner)
    vault.setMinWithdrawalAmount(ETH, sender=owner)  # a stored minimum the uppercase getter hides
    with ape.reverts(splitter.VaultMinimumNotZero, vault=vault.address, minimum=ETH):
        splitter.disburse(sender=keeper)
    assert balance(chain, vault) == 3 * ETH


# ------------------------------------------------------------------ E. a token that moves nothing


def test_e_a_token_that_reports_success_but_moves_nothing_leaves_the_share_credited(
    chain, project, owner, registry, splitter, keeper, collective, treasury
):
    """E: a token returning true without moving anything was counted as paid, and the next
    disbursement split those tokens again (the Collective got 2.5% of its own share). What did
    not leave the splitter is now credited to its recipient."""
    token = owner.deploy(project.SilentFailToken)
    registry.setTokenAllowed(token, True, sender=owner)
    token.setBlocked(collective, True, sender=owner)
    token.mint(splitter, TOKENS, sender=keeper)
    receipt = splitter.disburseToken(token, sender=keeper)
    share = split(TOKENS, 0).collective
    deferred = receipt.events.filter(splitter.PayoutDeferred)
    assert [(e.recipient, e.amount) for e in deferred] == [(collective, share)]
    assert splitter.owed(token, collective) == share
    assert splitter.undisbursed(token) == 0
    next_day(chain)
    with ape.reverts(splitter.NothingToDisburse):
        splitter.disburseToken(token, sender=keeper)
    token.setBlocked(collective, False, sender=owner)
    splitter.claim(token, collective, sender=keeper)
    assert token.balanceOf(collective) == share
    assert token.balanceOf(treasury) == split(TOKENS, 0).chain


# ------------------------------------------------------------------ attacks that held up


def test_holds_vault_paid_mid_disbursement_is_booked_next_period(
    chain, project, owner, registry, keeper, collective
):
    """A treasury that, while being paid, pushes ETH into the L1 vault and withdraws it: the ETH is
    booked as next period's L1 fees, nothing is counted twice or lost."""
    vaults, splitter = real_system(project, owner, registry)
    poker = owner.deploy(project.VaultPokingRecipient)
    poker.arm(vaults["l1_fee_vault"], sender=owner)
    registry.setTreasury(CHAIN_ID, poker, sender=owner)
    keeper.transfer(vaults["sequencer_fee_vault"], 4 * ETH)
    receipt = splitter.disburse(sender=keeper)
    chain_share = split(4 * ETH, 0).chain
    if poker.pokes() == 1:  # fitted in 100,000 gas
        assert splitter.pendingVaultRevenue() == (0, 0, 0, chain_share // 2)
        assert balance(chain, poker) == chain_share - chain_share // 2
    else:
        assert receipt.events.filter(splitter.PayoutDeferred)[0].amount == chain_share
    assert_conserved(chain, splitter)
    next_day(chain)
    if poker.pokes() == 1:
        event = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
        assert (event.gross, event.l1Cost) == (chain_share // 2, chain_share // 2)
    assert_conserved(chain, splitter)


def test_holds_stipend_transfer_to_the_splitter(project, owner, splitter, keeper):
    """`transfer` with its 2,300-gas stipend still reaches the splitter (counted as other inflow)."""
    sender = owner.deploy(project.StipendSender)
    keeper.transfer(sender, ETH)
    sender.send(splitter, ETH, sender=keeper)
    assert splitter.undisbursed(ETH_KEY) == ETH


def test_holds_hook_recipient_sending_tokens_back(project, owner, registry, splitter, keeper, collective):
    """A hook-token treasury that tries to send tokens back to the splitter inside the callback
    (the token calls the splitter's missing hook, so its payout reverts): the treasury's share is
    credited, the Collective is still paid, balances reconcile."""
    token = owner.deploy(project.HookToken)
    registry.setTokenAllowed(token, True, sender=owner)
    back = owner.deploy(project.TokenForwardingRecipient, splitter)
    registry.setTreasury(CHAIN_ID, back, sender=owner)
    token.mint(splitter, TOKENS, sender=keeper)
    token.mint(back, TOKENS, sender=keeper)
    back.configure(TOKENS + 1, sender=owner)
    splitter.disburseToken(token, sender=keeper)
    assert token.balanceOf(collective) == split(TOKENS, 0).collective
    assert splitter.owed(token, back) == split(TOKENS, 0).chain
    assert token.balanceOf(splitter) == splitter.undisbursed(token) + splitter.totalOwed(token)


def test_holds_guardian_and_owner_cannot_chain_holds(chain, owner, guardian, registry):
    """Guardian and owner share one hold record: a release, a period change or the other role do
    not open a new hold before `nextHoldAt`; holds cover at most half of the time."""
    receipt = registry.holdClaims(CHAIN_ID, sender=guardian)
    held_until = receipt.events.filter(registry.ClaimsHeld)[0].heldUntil
    registry.releaseClaims(CHAIN_ID, sender=owner)
    registry.setClaimHoldPeriod(30 * ONE_DAY, sender=owner)
    with ape.reverts(registry.ClaimHoldUnavailable):
        registry.holdClaims(CHAIN_ID, sender=owner)
    chain.mine(timestamp=held_until + 1)
    with ape.reverts(registry.ClaimHoldUnavailable):
        registry.holdClaims(CHAIN_ID, sender=guardian)
    registry.setGuardian(owner, sender=owner)
    with ape.reverts(registry.ClaimHoldUnavailable):
        registry.holdClaims(CHAIN_ID, sender=owner)


def test_holds_move_credit_refuses_other_chains_treasuries_and_strangers(
    owner, registry, splitter, keeper, treasury, blocklist_token
):
    other_treasury = "0x" + "77" * 20
    registry.registerChain(4_211, other_treasury, 250, 1500, ZERO_HASH, sender=owner)
    registry.setTreasury(4_211, treasury, sender=owner)
    registry.setTreasury(4_211, "0x" + "78" * 20, sender=owner)
    blocklist_token.setBlocked(treasury, True, sender=owner)
    blocklist_token.mint(splitter, TOKENS, sender=keeper)
    splitter.disburseToken(blocklist_token, sender=keeper)
    # `treasury` is a former treasury of chain 4211 but still chain 8453's treasury: no move here.
    with ape.reverts(splitter.NoSuccessor):
        splitter.moveCredit(blocklist_token, treasury, sender=owner)
    with ape.reverts(splitter.NoSuccessor):
        splitter.moveCredit(blocklist_token, other_treasury, sender=owner)


def test_holds_huge_balances_conserve(chain, splitter, vaults, keeper, collective, treasury):
    """Near-2^255 balances in vaults and the splitter: exact split, nothing created or lost."""
    big = 2**254
    chain.provider.set_balance(vaults["l1_fee_vault"].address, big)
    chain.provider.set_balance(vaults["sequencer_fee_vault"].address, big)
    chain.provider.set_balance(splitter.address, 12_345)
    splitter.disburse(sender=keeper)
    expected = split(2 * big + 12_345, big)
    assert balance(chain, collective) == expected.collective
    assert balance(chain, treasury) == expected.chain
    assert balance(chain, splitter) == 0


def test_holds_epochs_start_at_one_and_are_shared_by_assets(shared, reporter):
    with ape.reverts(shared.EpochNotNext, epoch=0, expected=1):
        shared.reportEpoch(0, 0, [(10, ETH, 0)], value=ETH, sender=reporter)
    shared.reportEpoch(1, 1, [(10, 0, 0)], value=0, sender=reporter)
    assert shared.lastEpoch() == 1
