"""Adversarial ETH recipients: whatever the Collective or a treasury does when paid, the other
party is paid in full, the failed share is credited (never lost), and gas stays bounded."""

import ape
import pytest

from revshare.model import split
from tests.conftest import CHAIN_ID
from tests.conftest import ETH as ETH_KEY

ETH = 10**18
GAS_CEILING = 450_000  # a disbursement with a hostile recipient stays well under this (the burner: 100k)


def balance(chain, address):
    return chain.provider.get_balance(str(address))


def make_recipient(kind, project, owner, splitter):
    if kind == "reverting":
        return owner.deploy(project.RevertingRecipient)
    if kind == "gas burner":
        return owner.deploy(project.GasBurningRecipient)
    if kind == "return bomb":
        return owner.deploy(project.ReturnBombRecipient)
    recipient = owner.deploy(project.ReenteringRecipient)
    payload = {
        "re-enter disburse": splitter.disburse.encode_input(),
        "re-enter claim": splitter.claim.encode_input(ETH_KEY, recipient.address),
    }[kind]
    recipient.arm(splitter, payload, False, sender=owner)
    return recipient


KINDS = ["reverting", "gas burner", "return bomb", "re-enter disburse", "re-enter claim"]


@pytest.mark.parametrize("role", ["treasury", "collective"])
@pytest.mark.parametrize("kind", KINDS)
def test_hostile_recipient_is_credited_and_the_other_party_paid(
    chain, project, owner, keeper, registry, splitter, vaults, collective, treasury, kind, role
):
    hostile = make_recipient(kind, project, owner, splitter)
    if role == "treasury":
        registry.setTreasury(CHAIN_ID, hostile, sender=owner)
        other = collective
    else:
        registry.setCollective(hostile, sender=owner)
        other = treasury
    keeper.transfer(vaults["sequencer_fee_vault"], 5 * ETH)
    keeper.transfer(vaults["l1_fee_vault"], ETH)
    expected = split(6 * ETH, ETH)
    hostile_share, other_share = (
        (expected.chain, expected.collective) if role == "treasury" else (expected.collective, expected.chain)
    )

    receipt = splitter.disburse(sender=keeper, gas_limit=1_000_000)

    assert receipt.gas_used < GAS_CEILING
    assert receipt.events.filter(splitter.PayoutDeferred) == [
        splitter.PayoutDeferred(asset=ETH_KEY, recipient=hostile, amount=hostile_share)
    ]
    assert balance(chain, other) == other_share
    assert balance(chain, hostile) == 0
    assert splitter.owed(ETH_KEY, hostile) == hostile_share == splitter.totalOwed(ETH_KEY)
    assert balance(chain, splitter) == hostile_share  # held for the hostile recipient, nothing else


def test_gas_burner_cannot_claim_but_keeps_its_credit(owner, keeper, project, registry, splitter, vaults):
    burner = owner.deploy(project.GasBurningRecipient)
    registry.setTreasury(CHAIN_ID, burner, sender=owner)
    keeper.transfer(vaults["base_fee_vault"], ETH)
    splitter.disburse(sender=keeper)
    owed = splitter.owed(ETH_KEY, burner)
    with ape.reverts(splitter.ClaimFailed, asset=ETH_KEY, recipient=burner.address):
        splitter.claim(ETH_KEY, burner, sender=keeper, gas_limit=2_000_000)
    assert splitter.owed(ETH_KEY, burner) == owed  # a failed claim changes nothing


@pytest.mark.parametrize("payload_name", ["disburse", "claim"])
def test_reentry_that_is_swallowed_achieves_nothing(
    chain, owner, keeper, project, registry, splitter, vaults, payload_name
):
    sneaky = owner.deploy(project.ReenteringRecipient)
    payload = (
        splitter.disburse.encode_input()
        if payload_name == "disburse"
        else splitter.claim.encode_input(ETH_KEY, sneaky.address)
    )
    sneaky.arm(splitter, payload, True, sender=owner)
    registry.setTreasury(CHAIN_ID, sneaky, sender=owner)
    keeper.transfer(vaults["sequencer_fee_vault"], ETH)

    receipt = splitter.disburse(sender=keeper)

    assert sneaky.attempts() == 1
    assert sneaky.successes() == 0  # the guard refused the nested call
    assert balance(chain, sneaky) == split(ETH, 0).chain  # accepted its payment normally
    assert receipt.events.filter(splitter.PayoutDeferred) == []
    assert splitter.disbursementCount() == 1


def test_forced_eth_is_counted_not_stranded(chain, project, keeper, splitter):
    keeper.deploy(project.ForceSender, splitter, value=3 * ETH)  # selfdestruct: no receive() call
    assert splitter.undisbursed(ETH_KEY) == 3 * ETH
    event = splitter.disburse(sender=keeper).events.filter(splitter.Disbursed)[0]
    assert event.gross == 3 * ETH
    assert balance(chain, splitter) == 0


def test_starving_the_payout_of_gas_reverts_instead_of_crediting(keeper, splitter, vaults):
    keeper.transfer(vaults["sequencer_fee_vault"], ETH)
    gas = splitter.disburse.estimate_gas_cost(sender=keeper)
    # Enough gas to get past the withdrawals but not to give each payout its full allowance.
    with ape.reverts(splitter.InsufficientGas):
        splitter.disburse(sender=keeper, gas_limit=gas - 20_000)
    assert splitter.totalOwed(ETH_KEY) == 0
