"""Adversarial: does eth_estimateGas for disburseFees() pick the LowGas-deferral path?"""
from __future__ import annotations

from tests.functional.test_registry_shares_calculator import (  # noqa: F401  (fixtures)
    ETHER, LOW_GAS, _module_contracts, admin, balance, calculator, fee_splitter, payees, predeploys, vaults,
)
from tests.conftest import ONE_DAY


def test_estimated_gas_disbursement_forwards(chain, keeper, fee_splitter, vaults, payees, collective, treasury):
    keeper.transfer(vaults["base_fee_vault"], ETHER)
    chain.pending_timestamp += ONE_DAY
    chain.mine()
    # what a wallet / keeper bot does: estimate, then send with the estimate
    tx = fee_splitter.disburseFees.as_transaction(sender=keeper)
    estimate = chain.provider.web3.eth.estimate_gas({"from": keeper.address, "to": fee_splitter.address,
                                                    "data": tx.data.hex() if hasattr(tx.data, "hex") else tx.data})
    print("estimate", estimate)
    receipt = fee_splitter.disburseFees(sender=keeper, gas_limit=estimate)
    print("used", receipt.gas_used)
    deferred = [(e.contract_address, e.reason) for p in payees for e in receipt.events.filter(p.ForwardDeferred)]
    print("deferred", deferred)
    print("payee balances", balance(chain, payees[0]), balance(chain, payees[1]))
    assert balance(chain, payees[0]) == 0 and balance(chain, payees[1]) == 0, deferred
