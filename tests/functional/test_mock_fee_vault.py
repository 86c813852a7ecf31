"""The test-only MockFeeVault behaves like the OP Stack FeeVault predeploys."""

import ape

from tests.conftest import MIN_WITHDRAWAL

L1, L2 = 0, 1
BRIDGE = "0x4200000000000000000000000000000000000010"


def test_interface_getters(project, owner, stranger):
    vault = owner.deploy(project.MockFeeVault, stranger, MIN_WITHDRAWAL, L2)
    assert vault.RECIPIENT() == vault.recipient() == stranger
    assert vault.MIN_WITHDRAWAL_AMOUNT() == vault.minWithdrawalAmount() == MIN_WITHDRAWAL
    assert vault.WITHDRAWAL_NETWORK() == vault.withdrawalNetwork() == L2
    assert vault.totalProcessed() == 0


def test_withdraw_below_minimum_reverts_with_the_predeploy_message(project, owner, stranger, keeper):
    vault = owner.deploy(project.MockFeeVault, stranger, MIN_WITHDRAWAL, L2)
    keeper.transfer(vault, MIN_WITHDRAWAL - 1)
    with ape.reverts("FeeVault: withdrawal amount must be greater than minimum withdrawal amount"):
        vault.withdraw(sender=keeper)


def test_withdraw_pays_recipient_on_l2_and_emits_both_events(chain, project, owner, stranger, keeper):
    vault = owner.deploy(project.MockFeeVault, stranger, MIN_WITHDRAWAL, L2)
    before = chain.provider.get_balance(stranger.address)
    keeper.transfer(vault, 3 * MIN_WITHDRAWAL)
    receipt = vault.withdraw(sender=keeper)
    assert chain.provider.get_balance(stranger.address) - before == 3 * MIN_WITHDRAWAL
    assert vault.totalProcessed() == 3 * MIN_WITHDRAWAL
    logs = receipt.decode_logs()
    assert [log.event_name for log in logs] == ["Withdrawal", "Withdrawal"]
    assert dict(logs[0].event_arguments) == {"value": 3 * MIN_WITHDRAWAL, "to": stranger, "from": keeper}
    assert logs[1].event_arguments["withdrawalNetwork"] == L2


def test_withdraw_on_l1_goes_to_the_bridge(chain, project, owner, stranger, keeper):
    vault = owner.deploy(project.MockFeeVault, stranger, 0, L1)
    keeper.transfer(vault, 1_000)
    vault.withdraw(sender=keeper)
    assert chain.provider.get_balance(BRIDGE) == 1_000
    assert vault.totalProcessed() == 1_000
