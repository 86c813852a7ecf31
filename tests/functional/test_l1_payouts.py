"""Payouts to L1 through the L2StandardBridge or the L2ToL1MessagePasser (mocks installed at the
predeploy addresses), per-vault revenue figures, and the vault configuration check."""

from __future__ import annotations

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st

from revshare.chain.addresses import L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER
from revshare.demo.mocks import install_withdrawal_mocks
from revshare.deploying.deploy import create_address
from revshare.model import RevenueSources, l1_payout, split_sources
from tests.conftest import (
    CHAIN_ID,
    ETH,
    L2,
    ONE_DAY,
    SHARED_CHAINS,
    VAULT_ROLES,
    apply_terms,
    restore_after,
)
from tests.stateful.direct_rpc import Direct, JsonRpc

BRIDGE = L2_STANDARD_BRIDGE
PASSER = L2_TO_L1_MESSAGE_PASSER
L2_ROUTE, BRIDGE_ROUTE, PASSER_ROUTE = 0, 1, 2
ETHER = 10**18
MILLI = 10**15
L1_GAS = 200_000
L1_ACCOUNT = "0x1111111111111111111111111111111111111111"  # a treasury's own account on L1


@pytest.fixture(scope="module")
def predeploys(project, owner):
    """The mocks' code at the bridge and message-passer predeploy addresses."""
    return install_withdrawal_mocks(owner)


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(predeploys, splitter, shared):
    """Deploy the module's contracts before ape takes its first per-test snapshot."""


def fund_and_disburse(chain, keeper, vaults, splitter, sequencer=3 * ETHER, l1=2 * ETHER):
    """Day of fees: net 3, gross 5 -> Collective max(0.125, 0.45) = 0.45, chain 4.55."""
    keeper.transfer(vaults["sequencer_fee_vault"], sequencer)
    keeper.transfer(vaults["l1_fee_vault"], l1)
    chain.pending_timestamp += ONE_DAY
    return splitter.disburse(sender=keeper)


def test_model_of_l1_minimum():
    assert l1_payout(600, 0, 1000) == (0, 600)
    assert l1_payout(400, 600, 1000) == (1000, 0)  # exactly the minimum leaves
    assert l1_payout(5, 0, 0) == (5, 0)
    sources = RevenueSources(sequencer=3, base=1, operator=1, l1=5, other=2)
    assert (sources.gross, sources.net) == (12, 7)
    assert split_sources(RevenueSources(3 * ETHER, 0, 0, 2 * ETHER)).collective == 450 * MILLI


def test_destination_settings_are_checked_and_evented(registry, owner, stranger, treasury):
    zero = ape.utils.ZERO_ADDRESS
    for invalid in (
        (BRIDGE_ROUTE, treasury, 20_999, 0),  # L1 gas below 21,000
        (BRIDGE_ROUTE, zero, L1_GAS, 0),  # no L1 account
        (L2_ROUTE, zero, L1_GAS, 0),  # L2 takes no L1 fields
        (L2_ROUTE, zero, 0, 1),
        (L2_ROUTE, treasury, 0, 0),
    ):
        with ape.reverts(registry.InvalidDestination):
            registry.setDestination(treasury, invalid, sender=owner)
    with ape.reverts(registry.ZeroAddress):
        registry.setDestination(zero, (BRIDGE_ROUTE, treasury, L1_GAS, 0), sender=owner)
    with ape.reverts(registry.OwnableUnauthorizedAccount, account=stranger.address):
        registry.setDestination(treasury, (BRIDGE_ROUTE, treasury, L1_GAS, 0), sender=stranger)
    receipt = registry.setDestination(treasury, (PASSER_ROUTE, L1_ACCOUNT, L1_GAS, 5 * ETHER), sender=owner)
    (event,) = receipt.events.filter(registry.DestinationSet)
    assert (event.recipient, event.route, event.l1Recipient, event.l1GasLimit, event.minAmount) == (
        treasury,
        2,
        L1_ACCOUNT,
        L1_GAS,
        5 * ETHER,
    )
    assert tuple(registry.destinationOf(treasury)) == (PASSER_ROUTE, L1_ACCOUNT, L1_GAS, 5 * ETHER)


def test_chain_share_bridged_to_l1(
    chain, registry, owner, keeper, vaults, splitter, treasury, collective, predeploys
):
    bridge, _ = predeploys
    registry.setDestination(treasury, (BRIDGE_ROUTE, L1_ACCOUNT, L1_GAS, 0), sender=owner)
    before = {a: chain.provider.get_balance(a) for a in (treasury, collective, BRIDGE)}
    receipt = fund_and_disburse(chain, keeper, vaults, splitter)

    (sent,) = receipt.events.filter(splitter.L1WithdrawalInitiated)
    assert (sent.recipient, sent.l1Recipient, sent.amount, sent.route, sent.l1GasLimit) == (
        treasury,
        L1_ACCOUNT,
        4550 * MILLI,
        1,
        L1_GAS,
    )
    (bridged,) = receipt.events.filter(bridge.ETHBridgeInitiated)
    assert (bridged["from"], bridged.to, bridged.amount) == (splitter.address, L1_ACCOUNT, 4550 * MILLI)
    (legacy,) = receipt.events.filter(bridge.WithdrawalInitiated)
    assert (legacy.l1Token, legacy.l2Token, legacy.to) == (
        ape.utils.ZERO_ADDRESS,
        bridge.LEGACY_ERC20_ETH(),
        L1_ACCOUNT,
    )
    assert [e.minGasLimit for e in receipt.events.filter(bridge.MinGasLimit)] == [L1_GAS]
    assert chain.provider.get_balance(BRIDGE) - before[BRIDGE] == 4550 * MILLI
    assert chain.provider.get_balance(treasury) == before[treasury]  # nothing on L2
    assert chain.provider.get_balance(collective) - before[collective] == 450 * MILLI
    assert splitter.totalOwed(ETH) == 0


def test_collective_share_through_the_message_passer(
    chain, registry, owner, keeper, vaults, splitter, collective, predeploys
):
    _, passer = predeploys
    registry.setDestination(collective, (PASSER_ROUTE, collective, L1_GAS, 0), sender=owner)
    nonce = passer.messageNonce()
    assert nonce == 1 << 240  # version 1, first message
    receipt = fund_and_disburse(chain, keeper, vaults, splitter)

    (message,) = receipt.events.filter(passer.MessagePassed)
    assert (message.sender, message.target, message.value, message.gasLimit) == (
        splitter.address,
        collective,
        450 * MILLI,
        L1_GAS,
    )
    expected = keccak(
        encode(
            ["uint256", "address", "address", "uint256", "uint256", "bytes"],
            [nonce, splitter.address, collective, 450 * MILLI, L1_GAS, b""],
        )
    )
    assert bytes(message.withdrawalHash) == expected and passer.sentMessages(expected)
    assert chain.provider.get_balance(PASSER) == 450 * MILLI


def test_amounts_below_the_minimum_wait_credited_then_leave_together(
    chain, registry, owner, keeper, vaults, splitter, collective, predeploys
):
    registry.setDestination(collective, (BRIDGE_ROUTE, collective, L1_GAS, 800 * MILLI), sender=owner)
    first = fund_and_disburse(chain, keeper, vaults, splitter)
    assert [(e.recipient, e.amount) for e in first.events.filter(splitter.PayoutDeferred)] == [
        (collective, 450 * MILLI)
    ]
    assert not first.events.filter(splitter.L1WithdrawalInitiated)
    assert splitter.owed(ETH, collective) == splitter.totalOwed(ETH) == 450 * MILLI
    with ape.reverts(splitter.BelowL1Minimum):  # a claim cannot force a small L1 withdrawal
        splitter.claim(ETH, collective, sender=keeper)

    second = fund_and_disburse(chain, keeper, vaults, splitter)
    expected = l1_payout(450 * MILLI, 450 * MILLI, 800 * MILLI)
    (sent,) = second.events.filter(splitter.L1WithdrawalInitiated)
    assert sent.amount == expected.sent == 900 * MILLI
    assert [e.amount for e in second.events.filter(splitter.Claimed)] == [450 * MILLI]  # the earlier credit
    assert splitter.owed(ETH, collective) == expected.credited == 0
    assert splitter.totalOwed(ETH) == 0
    assert chain.provider.get_balance(BRIDGE) == 900 * MILLI  # nothing lost


# ---------------------------------------------------------------- exactly the L1 minimum
MINIMUM = 700 * MILLI  # an L1 destination's minAmount M in the exact-boundary tests below


def pay_treasury(chain, keeper, splitter, amount):
    """One disbursement paying `amount` to the treasury (terms 0/0: it gets everything)."""
    keeper.transfer(splitter, amount)
    chain.pending_timestamp += ONE_DAY
    return splitter.disburse(sender=keeper)


@pytest.fixture
def treasury_on_l1(chain, registry, owner, keeper, splitter, treasury, predeploys):
    """The treasury takes the whole split and is paid on L1 through the bridge, minimum M."""
    apply_terms(chain, registry, owner, splitter, keeper, 0, 0)
    registry.setDestination(treasury, (BRIDGE_ROUTE, L1_ACCOUNT, L1_GAS, MINIMUM), sender=owner)
    return predeploys[0]


def test_a_payout_of_exactly_the_minimum_goes_to_l1(chain, keeper, splitter, treasury, treasury_on_l1):
    receipt = pay_treasury(chain, keeper, splitter, MINIMUM)
    assert [(e.recipient, e.amount) for e in receipt.events.filter(splitter.L1WithdrawalInitiated)] == [
        (treasury, MINIMUM)
    ]
    assert not receipt.events.filter(splitter.PayoutDeferred)
    assert splitter.owed(ETH, treasury) == splitter.totalOwed(ETH) == 0
    assert chain.provider.get_balance(BRIDGE) == MINIMUM


def test_a_payout_one_wei_below_the_minimum_is_credited(chain, keeper, splitter, treasury, treasury_on_l1):
    receipt = pay_treasury(chain, keeper, splitter, MINIMUM - 1)
    assert not receipt.events.filter(splitter.L1WithdrawalInitiated)
    assert [(e.recipient, e.amount) for e in receipt.events.filter(splitter.PayoutDeferred)] == [
        (treasury, MINIMUM - 1)
    ]
    assert splitter.owed(ETH, treasury) == splitter.totalOwed(ETH) == MINIMUM - 1
    assert chain.provider.get_balance(BRIDGE) == 0


@pytest.mark.parametrize("credit", [1, MINIMUM // 2, MINIMUM - 1])
def test_credit_plus_payout_of_exactly_the_minimum_leave_together(
    chain, keeper, splitter, treasury, treasury_on_l1, credit
):
    pay_treasury(chain, keeper, splitter, credit)
    assert splitter.owed(ETH, treasury) == credit
    # One wei short of the minimum together: still waiting.
    if credit < MINIMUM - 1:
        short = pay_treasury(chain, keeper, splitter, MINIMUM - credit - 1)
        assert not short.events.filter(splitter.L1WithdrawalInitiated)
        assert splitter.owed(ETH, treasury) == MINIMUM - 1
        credit = MINIMUM - 1
    receipt = pay_treasury(chain, keeper, splitter, MINIMUM - credit)
    assert [e.amount for e in receipt.events.filter(splitter.L1WithdrawalInitiated)] == [MINIMUM]
    assert [(e.recipient, e.amount) for e in receipt.events.filter(splitter.Claimed)] == [(treasury, credit)]
    assert splitter.owed(ETH, treasury) == splitter.totalOwed(ETH) == 0
    assert chain.provider.get_balance(BRIDGE) == MINIMUM


def test_claim_of_exactly_the_minimum_goes_to_l1(
    chain, owner, keeper, stranger, splitter, treasury, treasury_on_l1
):
    bridge = treasury_on_l1
    bridge.setRejecting(True, sender=owner)  # the bridge refuses: exactly M is credited
    pay_treasury(chain, keeper, splitter, MINIMUM)
    assert splitter.owed(ETH, treasury) == MINIMUM
    bridge.setRejecting(False, sender=owner)
    receipt = splitter.claim(ETH, treasury, sender=stranger)
    assert [(e.recipient, e.amount) for e in receipt.events.filter(splitter.L1WithdrawalInitiated)] == [
        (treasury, MINIMUM)
    ]
    assert splitter.owed(ETH, treasury) == splitter.totalOwed(ETH) == 0
    assert chain.provider.get_balance(BRIDGE) == MINIMUM


def test_claim_one_wei_below_the_minimum_reverts(chain, stranger, keeper, splitter, treasury, treasury_on_l1):
    pay_treasury(chain, keeper, splitter, MINIMUM - 1)
    with ape.reverts(splitter.BelowL1Minimum, recipient=treasury, amount=MINIMUM - 1, minAmount=MINIMUM):
        splitter.claim(ETH, treasury, sender=stranger)
    assert splitter.owed(ETH, treasury) == MINIMUM - 1


def test_a_failed_bridge_call_leaves_the_amount_credited(
    chain, registry, owner, keeper, vaults, splitter, treasury, predeploys
):
    bridge, _ = predeploys
    bridge.setRejecting(True, sender=owner)
    registry.setDestination(treasury, (BRIDGE_ROUTE, treasury, L1_GAS, 0), sender=owner)
    receipt = fund_and_disburse(chain, keeper, vaults, splitter)
    assert [(e.recipient, e.amount) for e in receipt.events.filter(splitter.PayoutDeferred)] == [
        (treasury, 4550 * MILLI)
    ]
    assert not receipt.events.filter(splitter.L1WithdrawalInitiated)
    assert splitter.owed(ETH, treasury) == 4550 * MILLI
    assert chain.provider.get_balance(splitter.address) == 4550 * MILLI

    # With the bridge working again, anyone's claim sends the credit to L1.
    bridge.setRejecting(False, sender=owner)
    claim = splitter.claim(ETH, treasury, sender=keeper)
    (sent,) = claim.events.filter(splitter.L1WithdrawalInitiated)
    assert (sent.recipient, sent.amount) == (treasury, 4550 * MILLI)
    assert splitter.owed(ETH, treasury) == 0 and chain.provider.get_balance(BRIDGE) == 4550 * MILLI


def test_a_chain_without_the_predeploy_credits_instead_of_burning(
    chain, registry, owner, keeper, vaults, splitter, treasury
):
    registry.setDestination(treasury, (PASSER_ROUTE, treasury, L1_GAS, 0), sender=owner)
    chain.provider.set_code(PASSER, b"")  # this chain has no message passer
    receipt = fund_and_disburse(chain, keeper, vaults, splitter)
    assert [e.amount for e in receipt.events.filter(splitter.PayoutDeferred)] == [4550 * MILLI]
    assert chain.provider.get_balance(PASSER) == 0


def test_revenue_sources_are_recorded_per_vault(chain, keeper, vaults, splitter):
    amounts = {
        "sequencer_fee_vault": 3 * ETHER,
        "base_fee_vault": 1 * ETHER,
        "operator_fee_vault": 20 * MILLI,
        "l1_fee_vault": 2 * ETHER,
    }
    for role, value in amounts.items():
        keeper.transfer(vaults[role], value)
    keeper.transfer(splitter, 7 * MILLI)  # another inflow
    chain.pending_timestamp += ONE_DAY
    receipt = splitter.disburse(sender=keeper)

    (sources,) = receipt.events.filter(splitter.RevenueSources)
    (disbursed,) = receipt.events.filter(splitter.Disbursed)
    model = RevenueSources(3 * ETHER, 1 * ETHER, 20 * MILLI, 2 * ETHER, 7 * MILLI)
    assert (
        sources.sequencerFees,
        sources.baseFees,
        sources.operatorFees,
        sources.l1Fees,
        sources.otherInflows,
    ) == model
    assert sources.disbursementId == disbursed.disbursementId
    assert (disbursed.gross, disbursed.l1Cost) == (model.gross, model.l1)
    expected = split_sources(model, disbursed.grossBps, disbursed.netBps)
    assert (disbursed.collectiveShare, disbursed.chainShare) == (expected.collective, expected.chain)


@pytest.mark.parametrize("role", range(len(VAULT_ROLES)), ids=VAULT_ROLES)
@pytest.mark.parametrize("fault", ["pays someone else", "pays on L1", "no vault code"])
def test_a_misconfigured_vault_is_refused_and_nothing_moves(
    project, chain, owner, keeper, stranger, registry, fault, role
):
    # Nonces: the bad vault (or a plain transaction), a good vault, then the splitter.
    splitter_address = create_address(owner.address, owner.nonce + 2)
    if fault == "pays someone else":
        bad = owner.deploy(project.MockFeeVault, stranger, 0, L2)
        assert (bad.RECIPIENT(), bad.WITHDRAWAL_NETWORK()) == (stranger.address, L2)
    elif fault == "pays on L1":
        bad = owner.deploy(project.MockFeeVault, splitter_address, 0, 0)
        assert (bad.RECIPIENT(), bad.WITHDRAWAL_NETWORK()) == (splitter_address, 0)
    else:
        owner.transfer(owner, 0)
        bad = stranger
    good = owner.deploy(project.MockFeeVault, splitter_address, 0, L2)
    vaults = [ape.utils.ZERO_ADDRESS] * len(VAULT_ROLES)
    vaults[role] = bad.address  # the faulty vault in each role in turn, a good one beside it
    vaults[(role + 1) % len(VAULT_ROLES)] = good.address
    wrong = owner.deploy(project.ChainRevenueSplitter, registry, CHAIN_ID, vaults, ONE_DAY)
    assert wrong.address == splitter_address
    for funded in (good.address, bad.address, wrong.address):
        keeper.transfer(funded, ETHER)
    held = {a: chain.provider.get_balance(a) for a in (good.address, wrong.address, bad.address)}
    with ape.reverts(wrong.VaultMisconfigured, vault=bad.address):
        wrong.disburse(sender=keeper)
    assert {a: chain.provider.get_balance(a) for a in held} == held


# ---------------------------------------------------------------- the shared sequencer's claims


def settle_shared_epoch(shared, reporter, gross=10 * ETHER):
    """One epoch for one chain (no L1 cost): operator fee 5%, then the chain's terms."""
    chain_id = min(SHARED_CHAINS)
    shared.reportEpoch(1, 1, [(chain_id, gross, 0)], value=gross, sender=reporter)
    return chain_id


def test_shared_operator_fee_claimed_to_l1(
    chain, registry, owner, reporter, stranger, shared, operator_fee_recipient, predeploys
):
    _, passer = predeploys
    registry.setDestination(
        operator_fee_recipient, (PASSER_ROUTE, operator_fee_recipient, L1_GAS, 600 * MILLI), sender=owner
    )
    settle_shared_epoch(shared, reporter)
    fee = shared.accountClaimable(ETH, operator_fee_recipient)
    assert fee == 500 * MILLI  # 5% of 10 ETH, below the 0.6 ETH minimum
    with ape.reverts(
        shared.BelowL1Minimum, recipient=operator_fee_recipient, amount=fee, minAmount=600 * MILLI
    ):
        shared.claim(ETH, operator_fee_recipient, sender=stranger)

    registry.setDestination(
        operator_fee_recipient, (PASSER_ROUTE, operator_fee_recipient, L1_GAS, 500 * MILLI), sender=owner
    )
    before = chain.provider.get_balance(operator_fee_recipient)
    receipt = shared.claim(ETH, operator_fee_recipient, sender=stranger)
    (sent,) = receipt.events.filter(shared.L1WithdrawalInitiated)
    assert (sent.recipient, sent.amount, sent.route, sent.l1GasLimit) == (
        operator_fee_recipient,
        fee,
        2,
        L1_GAS,
    )
    (message,) = receipt.events.filter(passer.MessagePassed)
    assert (message.sender, message.target, message.value) == (shared.address, operator_fee_recipient, fee)
    assert chain.provider.get_balance(operator_fee_recipient) == before  # nothing on L2
    assert shared.accountClaimable(ETH, operator_fee_recipient) == 0
    assert shared.totalClaimable(ETH) == chain.provider.get_balance(shared.address)


@pytest.mark.parametrize("below", [True, False], ids=["one wei below", "exactly"])
def test_shared_account_claim_at_the_exact_minimum(
    chain, registry, owner, reporter, stranger, shared, operator_fee_recipient, predeploys, below
):
    settle_shared_epoch(shared, reporter)
    fee = shared.accountClaimable(ETH, operator_fee_recipient)
    minimum = fee + 1 if below else fee
    registry.setDestination(
        operator_fee_recipient, (BRIDGE_ROUTE, operator_fee_recipient, L1_GAS, minimum), sender=owner
    )
    if below:
        with ape.reverts(
            shared.BelowL1Minimum, recipient=operator_fee_recipient, amount=fee, minAmount=minimum
        ):
            shared.claim(ETH, operator_fee_recipient, sender=stranger)
        assert shared.accountClaimable(ETH, operator_fee_recipient) == fee
        return
    receipt = shared.claim(ETH, operator_fee_recipient, sender=stranger)
    assert [e.amount for e in receipt.events.filter(shared.L1WithdrawalInitiated)] == [fee]
    assert shared.accountClaimable(ETH, operator_fee_recipient) == 0
    assert chain.provider.get_balance(BRIDGE) == fee


@pytest.mark.parametrize("below", [True, False], ids=["one wei below", "exactly"])
def test_shared_chain_claim_at_the_exact_minimum(
    chain, registry, owner, reporter, stranger, shared, predeploys, below
):
    chain_id = settle_shared_epoch(shared, reporter)
    treasury = registry.getChain(chain_id).treasury
    owed = shared.chainClaimable(ETH, chain_id)
    minimum = owed + 1 if below else owed
    registry.setDestination(treasury, (PASSER_ROUTE, treasury, L1_GAS, minimum), sender=owner)
    if below:
        with ape.reverts(shared.BelowL1Minimum, recipient=treasury, amount=owed, minAmount=minimum):
            shared.claimChain(ETH, chain_id, sender=stranger)
        assert shared.chainClaimable(ETH, chain_id) == owed
        return
    receipt = shared.claimChain(ETH, chain_id, sender=stranger)
    assert [e.amount for e in receipt.events.filter(shared.L1WithdrawalInitiated)] == [owed]
    assert shared.chainClaimable(ETH, chain_id) == 0
    assert chain.provider.get_balance(PASSER) == owed


def test_shared_chain_claim_bridged_and_kept_when_the_bridge_fails(
    chain, registry, owner, reporter, stranger, shared, predeploys
):
    bridge, _ = predeploys
    chain_id = settle_shared_epoch(shared, reporter)
    treasury = registry.getChain(chain_id).treasury
    registry.setDestination(treasury, (BRIDGE_ROUTE, treasury, L1_GAS, 0), sender=owner)
    owed = shared.chainClaimable(ETH, chain_id)
    bridge.setRejecting(True, sender=owner)
    with ape.reverts(shared.ClaimFailed, recipient=treasury):
        shared.claimChain(ETH, chain_id, sender=stranger)
    assert shared.chainClaimable(ETH, chain_id) == owed  # still claimable

    bridge.setRejecting(False, sender=owner)
    receipt = shared.claimChain(ETH, chain_id, sender=stranger)
    (bridged,) = receipt.events.filter(bridge.ETHBridgeInitiated)
    assert (bridged["from"], bridged.to, bridged.amount) == (shared.address, treasury, owed)
    (sent,) = receipt.events.filter(shared.L1WithdrawalInitiated)
    assert (sent.recipient, sent.amount, sent.route) == (treasury, owed, BRIDGE_ROUTE)
    assert chain.provider.get_balance(BRIDGE) == owed


# ---------------------------------------------------------------- property test (last: slowest;
# the mutation check stops at the first failure, so the quick exact cases above go first)
@st.composite
def l1_minimum_and_days(draw):
    """A destination minimum, and per day the treasury's payout and whether the bridge rejects
    calls that day; payouts of exactly the minimum, one wei either side, and 1 wei (which tops
    up a credit of minimum - 1 to exactly the minimum) are drawn often."""
    minimum = draw(st.one_of(st.sampled_from([0, 1, ETHER]), st.integers(1, 3 * ETHER)))
    near = sorted({1, *(m for m in (minimum - 1, minimum, minimum + 1) if m >= 1)})
    payout = st.one_of(st.sampled_from(near), st.integers(1, 2 * ETHER))
    return minimum, draw(st.lists(st.tuples(payout, st.booleans()), min_size=1, max_size=5))


@given(route=st.sampled_from([BRIDGE_ROUTE, PASSER_ROUTE]), scenario=l1_minimum_and_days())
def test_l1_payout_sequences_follow_the_model(
    chain, registry, owner, keeper, splitter, treasury, predeploys, route, scenario
):
    minimum, days = scenario
    target = BRIDGE if route == BRIDGE_ROUTE else PASSER
    rpc = JsonRpc(chain.provider.web3.provider.endpoint_uri)  # the days' steps sent directly
    bridge, direct = Direct(rpc, predeploys[0]), Direct(rpc, splitter)

    with restore_after(chain):
        apply_terms(chain, registry, owner, splitter, keeper, 0, 0)  # the treasury gets everything
        registry.setDestination(treasury, (route, treasury, L1_GAS, minimum), sender=owner)
        start = rpc.balance(target)
        credited = sent = 0
        for amount, bridge_down in days:
            if bridge_down != bridge.call("rejecting", sender=owner):
                bridge.transact("setRejecting", bridge_down, sender=owner)
            rpc.transfer(keeper, splitter, amount)
            rpc.set_next_timestamp(rpc.latest_timestamp() + ONE_DAY)
            receipt = direct.transact("disburse", sender=keeper)
            expected = l1_payout(amount, credited, minimum)
            withdrawals = [e.amount for e in direct.events(receipt, "L1WithdrawalInitiated")]
            if expected.sent and not (bridge_down and route == BRIDGE_ROUTE):
                assert withdrawals == [expected.sent]
                credited, sent = expected.credited, sent + expected.sent
            else:  # below the minimum, or the bridge refused: the amount joins the credit
                assert withdrawals == []
                credited += amount
            owed = (
                direct.call("owed", ETH, treasury, sender=keeper),
                direct.call("totalOwed", ETH, sender=keeper),
            )
            assert owed == (credited, credited)
            assert rpc.balance(target) - start == sent
        assert rpc.balance(splitter) == credited  # nothing lost
