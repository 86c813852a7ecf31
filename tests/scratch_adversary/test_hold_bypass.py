import ape
import pytest
from revshare.demo.mocks import install_withdrawal_mocks
from revshare.chain.addresses import L2_STANDARD_BRIDGE
from tests.conftest import CHAIN_ID, ETH, ONE_DAY

BRIDGE_ROUTE = 1
L1_ACCOUNT = "0x1111111111111111111111111111111111111111"
E = 10**18


@pytest.fixture(scope="module")
def predeploys(project, owner):
    return install_withdrawal_mocks(owner)


@pytest.fixture(scope="module", autouse=True)
def _mods(predeploys, splitter):
    pass


def test_treasury_keeper_reward_flushes_held_credit_to_l1(chain, registry, owner, keeper, stranger, vaults, splitter):
    # The treasury is an account that can call disburse (e.g. a Safe or an EOA); its route is L1.
    registry.setTreasury(CHAIN_ID, stranger, sender=owner)
    registry.setDestination(stranger, (BRIDGE_ROUTE, L1_ACCOUNT, 200_000, 0), sender=owner)
    registry.setKeeperReward(100, 10**30, sender=owner)
    # Governance holds the chain's claims (e.g. a treasury change waits in the timelock).
    registry.holdClaims(CHAIN_ID, sender=owner)
    keeper.transfer(vaults["base_fee_vault"], 10 * E)
    chain.pending_timestamp += ONE_DAY
    splitter.disburse(sender=keeper)
    held = splitter.owed(ETH, stranger)
    assert held > 0
    assert registry.claimsHeld(CHAIN_ID)
    with ape.reverts(splitter.ClaimsHeld):
        splitter.claim(ETH, stranger, sender=stranger)
    # During the hold, the treasury itself triggers a disbursement of a tiny amount.
    keeper.transfer(vaults["base_fee_vault"], 10**6)
    chain.pending_timestamp += ONE_DAY
    receipt = splitter.disburse(sender=stranger)
    assert registry.claimsHeld(CHAIN_ID)
    print([(e.event_name, dict(e.event_arguments)) for e in receipt.events])
    print("owed after", splitter.owed(ETH, stranger), "bridge balance", chain.provider.get_balance(L2_STANDARD_BRIDGE), "held was", held)
    assert splitter.owed(ETH, stranger) == 0   # held credit gone
    assert chain.provider.get_balance(L2_STANDARD_BRIDGE) >= held
