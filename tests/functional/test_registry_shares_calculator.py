"""The registry-driven shares calculator and its payees, plugged into OP's FeeSplitter.

The FeeSplitter and the 1.6.0 vaults are the project's test-only models (no package ships their
bytecode) at their predeploy addresses; the ProxyAdmin and the L2ToL1MessagePasser are the real
bedrock contracts. Each test checks what reached the Collective and the treasury to the wei,
against `revshare.model.split`.
"""

from __future__ import annotations

from typing import Any

import ape
import pytest
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from revshare.artifacts import container
from revshare.chain.addresses import L2_STANDARD_BRIDGE
from revshare.demo.predeploys import (
    install_fee_splitter,
    install_fee_vaults,
    install_message_passer,
    install_model,
    install_proxy_admin,
)
from revshare.model import split
from tests.conftest import CHAIN_ID, ONE_DAY, TERMS_HASH, restore_after, terms_take_effect

ETHER = 10**18
COLLECTIVE, TREASURY = 0, 1  # ISharePayee.Role
CLAIMS_HELD, BELOW_L1_MINIMUM, PAYOUT_FAILED, LOW_GAS = range(4)  # ISharePayee.DeferReason
MESSAGE_PASSER_ROUTE = 2
L1_COLLECTIVE = to_checksum_address("0x" + "11" * 20)
UINT256_MAX = 2**256 - 1


@pytest.fixture(scope="module")
def admin(accounts):
    """The ProxyAdmin predeploy's owner."""
    return accounts[5]


@pytest.fixture(scope="module")
def predeploys(admin):
    install_proxy_admin(admin.address)
    install_message_passer()
    install_model("MockL2StandardBridge", L2_STANDARD_BRIDGE)


@pytest.fixture(scope="module")
def calculator(project, owner, registry, predeploys):
    return owner.deploy(project.RegistrySharesCalculator, registry, CHAIN_ID)


@pytest.fixture(scope="module")
def payees(calculator):
    payee = container("SharePayee")
    return payee.at(calculator.COLLECTIVE_PAYEE()), payee.at(calculator.TREASURY_PAYEE())


@pytest.fixture(scope="module")
def fee_splitter(owner, calculator):
    return install_fee_splitter(owner, calculator)


@pytest.fixture(scope="module")
def vaults(owner, fee_splitter):
    return install_fee_vaults(owner, fee_splitter.address)


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(predeploys, calculator, payees, fee_splitter, vaults):
    """Everything exists before ape's first per-test snapshot."""


def balance(chain: Any, account: Any) -> int:
    return chain.provider.get_balance(str(getattr(account, "address", account)))


def disburse(chain, keeper, vaults, fee_splitter, seq=0, base=0, operator=0, l1=0) -> Any:
    """Fund the vaults, let the interval pass and call `disburseFees()`."""
    amounts = {
        "sequencer_fee_vault": seq,
        "base_fee_vault": base,
        "operator_fee_vault": operator,
        "l1_fee_vault": l1,
    }
    for role, amount in amounts.items():
        if amount:
            keeper.transfer(vaults[role], amount)
    chain.pending_timestamp += ONE_DAY
    return fee_splitter.disburseFees(sender=keeper)


# ---------------------------------------------------------------- construction
def test_constructor_creates_one_payee_per_role(project, owner, registry, calculator, payees):
    collective_payee, treasury_payee = payees
    assert calculator.version() == "1.0.0"
    assert (calculator.REGISTRY(), calculator.CHAIN_ID()) == (registry.address, CHAIN_ID)
    for payee, role in ((collective_payee, COLLECTIVE), (treasury_payee, TREASURY)):
        assert (payee.REGISTRY(), payee.CHAIN_ID(), payee.ROLE()) == (registry.address, CHAIN_ID, role)
    assert collective_payee.recipient() == registry.collective()
    assert treasury_payee.recipient() == registry.getChain(CHAIN_ID).treasury
    with ape.reverts(calculator.RegistrySharesCalculator_UnknownChain, chainId=10):
        owner.deploy(project.RegistrySharesCalculator, registry, 10)
    with ape.reverts(calculator.RegistrySharesCalculator_ZeroAddress):
        owner.deploy(project.RegistrySharesCalculator, "0x" + "00" * 20, CHAIN_ID)
    with ape.reverts(collective_payee.SharePayee_UnknownChain, chainId=10):
        owner.deploy(project.SharePayee, registry, 10, COLLECTIVE)


# ---------------------------------------------------------------- the split
revenue = st.integers(min_value=0, max_value=10**30)


@given(seq=revenue, base=revenue, operator=revenue, l1=revenue)
def test_shares_follow_the_registry_terms_and_add_up_exactly(calculator, payees, seq, base, operator, l1):
    gross = seq + base + operator + l1
    expected = split(gross, l1, 250, 1_500)
    shares = calculator.getRecipientsAndAmounts(seq, base, operator, l1)
    assert [(s.recipient, s.amount) for s in shares] == [
        (payees[0].address, expected.collective),
        (payees[1].address, expected.chain),
    ]
    assert sum(s.amount for s in shares) == gross
    preview = calculator.previewShares(seq, base, operator, l1)
    assert tuple(preview) == (expected.collective, expected.chain, TERMS_HASH)


word = st.one_of(
    st.integers(0, UINT256_MAX),
    st.integers(0, 2**128),
    st.integers(UINT256_MAX - 2**64, UINT256_MAX),
    st.just(0),
)
bps = st.integers(0, 10_000)


@given(seq=word, base=word, operator=word, l1=word, gross_bps=bps, net_bps=bps)
def test_any_terms_and_any_uint256_revenue_match_the_model(
    chain, project, owner, registry, predeploys, seq, base, operator, l1, gross_bps, net_bps
):
    with restore_after(chain):
        terms_take_effect(chain, registry, owner, CHAIN_ID, gross_bps, net_bps)
        # Deployed once they are in force: its first period starts under them.
        calculator = owner.deploy(project.RegistrySharesCalculator, registry, CHAIN_ID)
        gross = seq + base + operator + l1
        if gross > UINT256_MAX:
            with ape.reverts(calculator.RegistrySharesCalculator_RevenueOverflow):
                calculator.getRecipientsAndAmounts(seq, base, operator, l1)
            return
        expected = split(gross, l1, gross_bps, net_bps)
        shares = calculator.getRecipientsAndAmounts(seq, base, operator, l1)
        assert [(s.recipient, s.amount) for s in shares] == [
            (calculator.COLLECTIVE_PAYEE(), expected.collective),
            (calculator.TREASURY_PAYEE(), expected.chain),
        ]


def test_no_uint256_input_overflows(calculator):
    shares = calculator.getRecipientsAndAmounts(UINT256_MAX, 0, 0, 0)
    assert sum(s.amount for s in shares) == UINT256_MAX
    assert shares[0].amount == split(UINT256_MAX, 0, 250, 1_500).collective
    shares = calculator.getRecipientsAndAmounts(0, 0, 0, UINT256_MAX)  # all L1 cost: the gross rule
    assert shares[0].amount == UINT256_MAX // 40
    for inputs in (
        (UINT256_MAX, 1, 0, 0),
        (0, UINT256_MAX, 1, 0),
        (0, 0, UINT256_MAX, 1),
        (1, 0, 0, UINT256_MAX),
    ):
        with ape.reverts(calculator.RegistrySharesCalculator_RevenueOverflow):
            calculator.getRecipientsAndAmounts(*inputs)


def test_a_scheduled_terms_change_applies_from_the_disbursement_after_the_one_crossing_it(
    chain, owner, keeper, stranger, registry, calculator, payees, fee_splitter, vaults, collective, treasury
):
    assert calculator.periodStart() == calculator.DEPLOYED_AT()
    receipt = disburse(chain, keeper, vaults, fee_splitter, seq=3 * ETHER, base=ETHER, l1=2 * ETHER)
    first = split(6 * ETHER, 2 * ETHER, 250, 1_500)
    assert (balance(chain, collective), balance(chain, treasury)) == (first.collective, first.chain)
    assert payees[0].lastShareAt() == payees[1].lastShareAt() == receipt.timestamp == calculator.periodStart()

    new_hash = bytes.fromhex("cd" * 32)
    at = terms_take_effect(
        chain, registry, owner, CHAIN_ID, 500, 2_000, new_hash
    )  # no call to the FeeSplitter
    stranger.transfer(payees[0], 1)  # only the FeeSplitter's payments mark a disbursement
    assert payees[0].lastShareAt() == receipt.timestamp
    assert calculator.previewShares(0, 0, 0, 0)[2] == TERMS_HASH
    disburse(chain, keeper, vaults, fee_splitter, seq=ETHER, operator=ETHER, l1=ETHER)  # crosses `at`
    second = split(3 * ETHER, ETHER, 250, 1_500)  # revenue from before the change: the old terms
    assert calculator.periodStart() > at
    assert calculator.previewShares(0, 0, 0, 0)[2] == new_hash
    disburse(chain, keeper, vaults, fee_splitter, seq=ETHER, base=ETHER)
    third = split(2 * ETHER, 0, 500, 2_000)
    assert balance(chain, collective) == first.collective + second.collective + third.collective + 1
    assert balance(chain, treasury) == first.chain + second.chain + third.chain


@pytest.mark.parametrize("stop", ["pause", "deactivate"])
def test_a_paused_registry_or_inactive_chain_leaves_the_fees_in_the_vaults(
    chain, owner, keeper, registry, calculator, fee_splitter, vaults, stop
):
    if stop == "pause":
        registry.pause(sender=owner)
        error = calculator.RegistrySharesCalculator_Paused
    else:
        registry.setActive(CHAIN_ID, False, sender=owner)
        error = calculator.RegistrySharesCalculator_ChainInactive
    keeper.transfer(vaults["base_fee_vault"], ETHER)
    chain.pending_timestamp += ONE_DAY
    with ape.reverts(error):
        fee_splitter.disburseFees(sender=keeper)
    assert balance(chain, vaults["base_fee_vault"]) == ETHER


# ---------------------------------------------------------------- payees that cannot fail
def test_a_reverting_treasury_does_not_block_the_collective(
    chain, project, owner, keeper, registry, fee_splitter, vaults, payees, collective
):
    refusing = owner.deploy(project.RevertingRecipient)
    registry.setTreasury(CHAIN_ID, refusing, sender=owner)
    receipt = disburse(chain, keeper, vaults, fee_splitter, base=4 * ETHER, l1=ETHER)
    expected = split(5 * ETHER, ETHER, 250, 1_500)
    collective_payee, treasury_payee = payees
    assert balance(chain, collective) == expected.collective
    assert balance(chain, treasury_payee) == expected.chain
    deferred = list(receipt.events.filter(treasury_payee.ForwardDeferred))
    assert [(e.recipient, e.amount, e.reason) for e in deferred] == [
        (refusing.address, expected.chain, PAYOUT_FAILED)
    ]
    with ape.reverts(
        treasury_payee.SharePayee_Deferred,
        recipient=refusing.address,
        amount=expected.chain,
        reason=PAYOUT_FAILED,
    ):
        treasury_payee.forward(sender=keeper)

    # The treasury accepts again: anyone passes the held share on, and the next share with it.
    refusing.setRejecting(False, sender=owner)
    receipt = treasury_payee.forward(sender=keeper)
    assert [(e.recipient, e.amount) for e in receipt.events.filter(treasury_payee.Forwarded)] == [
        (refusing.address, expected.chain)
    ]
    assert balance(chain, refusing) == expected.chain
    assert balance(chain, treasury_payee) == balance(chain, collective_payee) == 0
    with ape.reverts(treasury_payee.SharePayee_NothingToForward):
        treasury_payee.forward(sender=keeper)


@pytest.mark.parametrize("hostile", ["GasBurningRecipient", "ReturnBombRecipient"])
def test_a_hostile_treasury_gets_bounded_gas_and_the_disbursement_goes_through(
    chain, project, owner, keeper, registry, fee_splitter, vaults, payees, collective, hostile
):
    attacker = owner.deploy(getattr(project, hostile))
    registry.setTreasury(CHAIN_ID, attacker, sender=owner)
    receipt = disburse(chain, keeper, vaults, fee_splitter, seq=2 * ETHER)
    expected = split(2 * ETHER, 0, 250, 1_500)
    assert balance(chain, collective) == expected.collective
    assert balance(chain, payees[1]) == expected.chain
    assert receipt.gas_used < 600_000


def test_a_treasury_reentering_its_payee_is_refused_and_nothing_is_lost(
    chain, project, owner, keeper, registry, fee_splitter, vaults, payees, collective
):
    _, treasury_payee = payees
    reentering = owner.deploy(project.ReenteringRecipient)
    registry.setTreasury(CHAIN_ID, reentering, sender=owner)
    forward_call = bytes(treasury_payee.forward.encode_input())
    reentering.arm(treasury_payee, forward_call, True, sender=owner)
    disburse(chain, keeper, vaults, fee_splitter, base=ETHER)
    expected = split(ETHER, 0, 250, 1_500)
    assert (reentering.attempts(), reentering.successes()) == (1, 0)
    assert balance(chain, reentering) == expected.chain
    assert balance(chain, collective) == expected.collective
    assert balance(chain, treasury_payee) == 0


def test_eth_sent_back_during_a_payout_stays_for_the_next_one(
    chain, project, owner, keeper, registry, fee_splitter, vaults, payees
):
    """A treasury that returns part of its payment into the payee while being paid: the payee
    accepts it (no forward inside a forward) and keeps it for the next one."""
    _, treasury_payee = payees
    reentering = owner.deploy(project.ReenteringRecipient)
    registry.setTreasury(CHAIN_ID, reentering, sender=owner)
    # The re-entry is a plain call of the payee with no value: accepted without a forward.
    reentering.arm(treasury_payee, b"", True, sender=owner)
    disburse(chain, keeper, vaults, fee_splitter, base=ETHER)
    assert (reentering.attempts(), reentering.successes()) == (1, 1)
    assert balance(chain, reentering) == split(ETHER, 0, 250, 1_500).chain


def test_claim_holds_keep_the_treasury_share_and_the_new_treasury_gets_it(
    chain, owner, keeper, guardian, registry, fee_splitter, vaults, payees, collective
):
    collective_payee, treasury_payee = payees
    registry.holdClaims(CHAIN_ID, sender=guardian)
    receipt = disburse(chain, keeper, vaults, fee_splitter, seq=ETHER, l1=ETHER)
    expected = split(2 * ETHER, ETHER, 250, 1_500)
    assert balance(chain, collective) == expected.collective  # the Collective is never held
    assert [e.reason for e in receipt.events.filter(treasury_payee.ForwardDeferred)] == [CLAIMS_HELD]
    with ape.reverts(treasury_payee.SharePayee_Deferred, reason=CLAIMS_HELD):
        treasury_payee.forward(sender=keeper)

    new_treasury = to_checksum_address("0x" + "7a" * 20)
    registry.setTreasury(CHAIN_ID, new_treasury, sender=owner)
    chain.pending_timestamp += registry.claimHoldPeriod()
    treasury_payee.forward(sender=keeper)
    assert balance(chain, new_treasury) == expected.chain
    assert balance(chain, collective_payee) == 0


def test_an_l1_route_waits_for_its_minimum_then_withdraws_through_the_message_passer(
    chain, owner, keeper, registry, fee_splitter, vaults, payees, collective
):
    collective_payee, _ = payees
    minimum = ETHER // 5
    registry.setDestination(collective, (MESSAGE_PASSER_ROUTE, L1_COLLECTIVE, 100_000, minimum), sender=owner)
    receipt = disburse(chain, keeper, vaults, fee_splitter, base=ETHER)  # share 0.15 ETH
    first = split(ETHER, 0, 250, 1_500).collective
    assert first < minimum
    assert [e.reason for e in receipt.events.filter(collective_payee.ForwardDeferred)] == [BELOW_L1_MINIMUM]
    receipt = disburse(chain, keeper, vaults, fee_splitter, base=4 * ETHER)
    total = first + split(4 * ETHER, 0, 250, 1_500).collective
    assert total >= minimum
    (sent,) = receipt.events.filter(collective_payee.L1WithdrawalInitiated)
    assert (sent.recipient, sent.l1Recipient, sent.amount, sent.route) == (
        collective,
        L1_COLLECTIVE,
        total,
        MESSAGE_PASSER_ROUTE,
    )
    assert balance(chain, collective_payee) == 0
    assert balance(chain, collective) == 0  # it went to L1, not to the L2 address


@pytest.mark.parametrize("route", ["l2", "l1"])
def test_a_disbursement_sent_with_its_gas_estimate_pays_both_shares_on(
    chain, owner, keeper, registry, fee_splitter, vaults, payees, collective, treasury, route
):
    """Wallets and keepers send with `eth_estimateGas`'s answer: the estimate must cover passing
    both shares on (the cheapest successful path must not be the one that leaves them waiting)."""
    if route == "l1":
        registry.setDestination(collective, (MESSAGE_PASSER_ROUTE, L1_COLLECTIVE, 100_000, 0), sender=owner)
    keeper.transfer(vaults["base_fee_vault"], ETHER)
    chain.pending_timestamp += ONE_DAY
    chain.mine()
    data = "0x" + bytes(fee_splitter.disburseFees.encode_input()).hex()
    estimate = chain.provider.web3.eth.estimate_gas(
        {"from": keeper.address, "to": fee_splitter.address, "data": data}
    )
    receipt = fee_splitter.disburseFees(sender=keeper, gas_limit=estimate)
    assert [list(receipt.events.filter(p.ForwardDeferred)) for p in payees] == [[], []]
    assert balance(chain, payees[0]) == balance(chain, payees[1]) == 0
    expected = split(ETHER, 0, 250, 1_500)
    assert balance(chain, treasury) == expected.chain
    assert balance(chain, collective) == (expected.collective if route == "l2" else 0)


def test_too_little_gas_for_both_payouts_reverts_the_whole_disbursement(
    chain, keeper, calculator, fee_splitter, vaults
):
    keeper.transfer(vaults["base_fee_vault"], ETHER)
    chain.pending_timestamp += ONE_DAY
    with ape.reverts(calculator.RegistrySharesCalculator_InsufficientGas):
        fee_splitter.disburseFees(sender=keeper, gas_limit=600_000)
    assert balance(chain, vaults["base_fee_vault"]) == ETHER  # nothing moved: retry with more gas
    fee_splitter.disburseFees(sender=keeper)


def test_forced_eth_goes_to_the_role(chain, project, owner, keeper, payees, collective, treasury):
    _, treasury_payee = payees
    owner.deploy(project.ForceSender, treasury_payee, value=ETHER)  # selfdestruct: no receive() runs
    assert balance(chain, treasury_payee) == ETHER
    treasury_payee.forward(sender=keeper)
    assert (balance(chain, treasury), balance(chain, collective)) == (ETHER, 0)


def test_too_little_gas_keeps_the_eth_instead_of_failing_the_payout(
    chain, keeper, stranger, payees, collective
):
    collective_payee, _ = payees
    receipt = stranger.transfer(collective_payee, ETHER, gas_limit=120_000)
    assert [(e.amount, e.reason) for e in receipt.events.filter(collective_payee.ForwardDeferred)] == [
        (ETHER, LOW_GAS)
    ]
    assert balance(chain, collective_payee) == ETHER
    with ape.reverts(collective_payee.SharePayee_Deferred, reason=LOW_GAS):
        collective_payee.forward(sender=keeper, gas_limit=120_000)
    collective_payee.forward(sender=keeper)
    assert balance(chain, collective) == ETHER


def test_after_the_exit_the_chain_keeps_its_fees_whatever_governance_does(
    chain, owner, keeper, guardian, registry, calculator, fee_splitter, vaults, treasury
):
    exit_at = registry.announceExit(CHAIN_ID, 0, sender=owner).events[0].effectiveAt
    keeper.transfer(vaults["base_fee_vault"], ETHER)
    chain.pending_timestamp = exit_at
    fee_splitter.disburseFees(sender=keeper)  # the final settlement, under the last terms
    assert balance(chain, treasury) == split(ETHER, 0, 250, 1_500).chain
    registry.pause(sender=guardian)
    registry.setActive(CHAIN_ID, False, sender=owner)
    keeper.transfer(vaults["base_fee_vault"], ETHER)
    chain.pending_timestamp = exit_at + ONE_DAY
    fee_splitter.disburseFees(sender=keeper)  # not stopped: the chain has left
    assert balance(chain, treasury) == split(ETHER, 0, 250, 1_500).chain + ETHER
