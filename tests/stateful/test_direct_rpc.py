"""The stateful test's direct JSON-RPC driver agrees with ape and fails when it should."""

from __future__ import annotations

import pytest

from tests.conftest import CHAIN_ID, ETH, ONE_DAY
from tests.stateful.direct_rpc import Direct, JsonRpc, deploy_direct

ONE_ETH = 10**18


@pytest.fixture
def rpc(chain):
    return JsonRpc(chain.provider.web3.provider.endpoint_uri)


def test_transaction_events_match_apes_decoding(chain, rpc, splitter, vaults, keeper):
    rpc.transfer(keeper, vaults["sequencer_fee_vault"], 3 * ONE_ETH)
    rpc.transfer(keeper, vaults["l1_fee_vault"], ONE_ETH)
    receipt = Direct(rpc, splitter).transact("disburse", sender=keeper)
    (mine,) = Direct(rpc, splitter).events(receipt, "Disbursed")
    (apes,) = chain.get_receipt(receipt["transactionHash"]).events.filter(splitter.Disbursed)
    assert vars(mine) == dict(apes.event_arguments)
    assert (mine.gross, mine.l1Cost, mine.chainId) == (4 * ONE_ETH, ONE_ETH, CHAIN_ID)


def test_calls_decode_like_ape(rpc, registry, keeper):
    direct = Direct(rpc, registry)
    assert direct.call("owner", sender=keeper) == registry.owner()
    treasury, gross_bps, net_bps, active, registered, terms_hash = direct.call(
        "getChain", CHAIN_ID, sender=keeper
    )
    apes = registry.getChain(CHAIN_ID)
    assert (treasury, gross_bps, net_bps, active, registered) == (
        apes.treasury,
        apes.grossBps,
        apes.netBps,
        apes.active,
        apes.registered,
    )
    assert terms_hash == bytes(apes.termsHash)


def test_expect_revert_checks_error_name_and_arguments(rpc, splitter, keeper):
    direct = Direct(rpc, splitter)
    direct.expect_revert("NothingToDisburse", "disburse", sender=keeper, asset=ETH)
    with pytest.raises(AssertionError, match="expected NothingToClaim"):
        direct.expect_revert("NothingToClaim", "disburse", sender=keeper)
    with pytest.raises(AssertionError, match=r"NothingToDisburse\.asset"):
        direct.expect_revert("NothingToDisburse", "disburse", sender=keeper, asset=str(splitter.address))


def test_expect_revert_fails_when_nothing_reverts(rpc, splitter, keeper):
    rpc.transfer(keeper, splitter, 1)
    with pytest.raises(AssertionError, match="did not revert"):
        Direct(rpc, splitter).expect_revert("NothingToDisburse", "disburse", sender=keeper)


def test_failed_transaction_is_an_error(rpc, splitter, keeper):
    with pytest.raises(AssertionError, match="failed unexpectedly"):
        Direct(rpc, splitter).transact("disburse", sender=keeper)


def test_calls_run_at_the_requested_block_time(rpc, splitter, keeper):
    direct = Direct(rpc, splitter)
    rpc.transfer(keeper, splitter, ONE_ETH)
    direct.transact("disburse", sender=keeper)
    last = rpc.latest_timestamp()
    rpc.transfer(keeper, splitter, ONE_ETH)
    direct.expect_revert(
        "DisbursementTooSoon",
        "disburse",
        sender=keeper,
        at_time=last + ONE_DAY - 1,
        nextAllowedTime=last + ONE_DAY,
    )
    direct.call("disburse", sender=keeper, at_time=last + ONE_DAY)  # allowed then: no revert


def test_direct_deployment_with_value(project, rpc, splitter, keeper):
    before = splitter.balance
    deploy_direct(rpc, project.ForceSender, str(splitter.address), sender=keeper, value=5)
    assert splitter.balance == before + 5
