"""A chain joins revenue sharing through OP's FeeSplitter with the generated "join revenue
sharing" batch, executed by a real 2-of-3 Safe (1.5.0) that owns the ProxyAdmin predeploy and the
registry; it then disburses with the registry-driven calculator, governance schedules new terms
with the registry's notice and changes its treasury, and a treasury that reverts does not block the
Collective.

The ProxyAdmin and the L2ToL1MessagePasser are the real bedrock contracts; the 1.6.0 fee vaults
and the FeeSplitter are the project's test-only models (no package ships their bytecode).
"""

from __future__ import annotations

import json
import re

import pytest
from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from revshare.artifacts import container
from revshare.chain.addresses import FEE_SPLITTER, L2_STANDARD_BRIDGE, PREDEPLOY_VAULTS
from revshare.chain.opstack import ALIAS_OFFSET, L1_NETWORK, L2_NETWORK, read_opstack
from revshare.demo.predeploys import (
    install_fee_splitter,
    install_fee_vaults,
    install_message_passer,
    install_model,
    install_proxy_admin,
)
from revshare.demo.safe import deploy_safe, execute_batch_file
from revshare.governance.opstack import propose_fee_splitter, propose_join, propose_point_vaults
from revshare.governance.proposals import ProposalError, propose_set_terms, propose_set_treasury
from revshare.governance.propose import make_opstack_proposal, make_proposal
from revshare.model import split
from revshare.terminal import exact_eth
from tests.bedrock import deploy_vault
from tests.conftest import ONE_DAY

ETHER = 10**18
OLD_RECIPIENT = to_checksum_address("0x" + "0e" * 20)  # where the vaults paid before joining (on L1)
WAITING = {  # fees in the vaults when the proposal is written
    "sequencer_fee_vault": 3 * ETHER,
    "base_fee_vault": 2 * ETHER,
    "operator_fee_vault": ETHER // 2,
    "l1_fee_vault": 4 * ETHER,
}
WEEK = 7 * ONE_DAY


@pytest.fixture(scope="module")
def safe(kit, owner, council):
    """Owns the ProxyAdmin predeploy and the registry."""
    return deploy_safe(kit, owner, council, 2, salt=17)


@pytest.fixture(scope="module")
def chain_id(chain):
    return chain.provider.chain_id


@pytest.fixture(scope="module")
def joined_registry(project, owner, safe, collective, treasury, chain_id):
    registry = owner.deploy(project.ChainRegistry, owner, collective, "0x" + "00" * 20)
    registry.registerChain(chain_id, treasury, 250, 1_500, b"\x01" * 32, sender=owner)
    return registry


@pytest.fixture(scope="module")
def calculator(project, owner, joined_registry, chain_id):
    return owner.deploy(project.RegistrySharesCalculator, joined_registry, chain_id)


@pytest.fixture(scope="module")
def fixed_calculator(owner, collective, treasury):
    return owner.deploy(container("SuperchainSharesCalculatorModel"), collective, treasury)


@pytest.fixture
def admin_of_vaults(chain, safe):
    """The ProxyAdmin's owner (the Safe), impersonated, for set-ups that are not under test."""
    from ape import accounts

    chain.provider.set_balance(safe.address, 10**20)
    return accounts[safe.address]


@pytest.fixture(scope="module")
def upgraded_chain(owner, safe, fixed_calculator):
    """An L2 after the revenue-share upgrade, before joining: the vaults pay an old recipient on L1
    from 10 ETH, the FeeSplitter asks OP's fixed-rate calculator."""
    install_proxy_admin(safe.address)
    install_message_passer()
    install_model("MockL2StandardBridge", L2_STANDARD_BRIDGE)
    vaults = install_fee_vaults(owner, OLD_RECIPIENT, 10 * ETHER, L1_NETWORK)
    return vaults, install_fee_splitter(owner, fixed_calculator)


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(council, kit, safe, joined_registry, calculator, fixed_calculator, upgraded_chain):
    """Everything exists before ape's first per-test snapshot."""


def fund(keeper, vaults, amounts) -> None:
    for role, amount in amounts.items():
        keeper.transfer(vaults[role], amount)


def balance(chain, account) -> int:
    return chain.provider.get_balance(str(getattr(account, "address", account)))


def test_a_chain_joins_through_its_safe_and_shares_under_the_registry_terms(
    tmp_path,
    chain,
    keeper,
    safe,
    kit,
    council,
    joined_registry,
    calculator,
    upgraded_chain,
    collective,
    treasury,
    project,
    owner,
):
    vaults, fee_splitter = upgraded_chain
    fund(keeper, vaults, WAITING)
    out = tmp_path / "proposals"
    folder = make_opstack_proposal(
        lambda provider, state: propose_join(provider, state, calculator.address, WEEK),
        out_dir=out,
        safe=None,
    )
    text = (folder / "proposal.md").read_text()
    assert sorted(p.name for p in folder.iterdir()) == ["proposal.md", "safe-batch.json"]
    assert f"The multisig `{safe.address}` makes the calls" in text
    gross, l1 = sum(WAITING.values()), WAITING["l1_fee_vault"]
    expected = split(gross, l1, 250, 1_500)
    assert (
        f"Disbursed under these terms: the Collective {exact_eth(expected.collective)}, "
        f"the chain {exact_eth(expected.chain)}" in text
    )
    for name in ("SequencerFeeVault", "BaseFeeVault", "L1FeeVault", "OperatorFeeVault"):
        assert f"| {name} recipient | {OLD_RECIPIENT} | {FEE_SPLITTER} |" in text
        assert f"| {name} network | L1 | L2 |" in text
    assert "| FeeSplitter shares calculator | " in text and f"| {calculator.address} |" in text
    batch = json.loads((folder / "safe-batch.json").read_text())
    assert len(batch["transactions"]) == 3 * 4 + 2  # three setters per vault, calculator, interval

    before = read_opstack(chain.provider)
    execute_batch_file(folder / "safe-batch.json", safe, kit, council[1:], council[0])
    after = read_opstack(chain.provider)
    for role, vault in after.vaults.items():
        assert (vault.recipient, vault.min_withdrawal, vault.network) == (FEE_SPLITTER, 0, L2_NETWORK)
        assert vault.balance == before.vaults[role].balance == WAITING[role]  # nothing withdrawn
    assert after.fee_splitter.calculator == calculator.address
    assert after.fee_splitter.interval == WEEK
    assert after.fee_splitter.last_disbursement == before.fee_splitter.last_disbursement
    with pytest.raises(ProposalError, match="nothing to propose"):
        make_opstack_proposal(
            lambda provider, state: propose_join(provider, state, calculator.address, WEEK),
            out_dir=out,
            safe=None,
        )

    # The first disbursement pays what proposal.md said, to the wei.
    chain.pending_timestamp += WEEK
    fee_splitter.disburseFees(sender=keeper)
    assert (balance(chain, collective), balance(chain, treasury)) == (expected.collective, expected.chain)

    # Governance schedules new terms in the registry (through the Safe), with its 30 days' notice:
    # disbursements before them and the one crossing them apply the old terms, the next the new.
    joined_registry.transferOwnership(safe, sender=owner)
    safe_owned = _registry_proposal(tmp_path, joined_registry, lambda reg, st: _accept(reg, st))
    execute_batch_file(safe_owned / "safe-batch.json", safe, kit, council[:2], council[2])
    folder = _registry_proposal(
        tmp_path,
        joined_registry,
        lambda reg, st: propose_set_terms(reg, st, chain.provider.chain_id, 400, 2_000, None),
    )
    execute_batch_file(folder / "safe-batch.json", safe, kit, council[:2], council[2])
    effective_at = joined_registry.termsHistory(chain.provider.chain_id)[-1].effectiveAt
    assert effective_at >= chain.blocks.head.timestamp + 30 * 86_400
    collective_total, treasury_total = expected.collective, expected.chain
    for when, terms in (
        (chain.pending_timestamp + WEEK, (250, 1_500)),  # before the change
        (effective_at + 86_400, (250, 1_500)),  # crossing it: settles the period before it
        (effective_at + 86_400 + WEEK, (400, 2_000)),
    ):
        fund(keeper, vaults, {"base_fee_vault": 5 * ETHER, "l1_fee_vault": ETHER})
        chain.pending_timestamp = when
        fee_splitter.disburseFees(sender=keeper)
        shares = split(6 * ETHER, ETHER, *terms)
        collective_total, treasury_total = collective_total + shares.collective, treasury_total + shares.chain
        assert (balance(chain, collective), balance(chain, treasury)) == (collective_total, treasury_total)

    # A treasury that refuses ETH: the Collective is paid all the same; the chain's share waits.
    refusing = owner.deploy(project.RevertingRecipient)
    folder = _registry_proposal(
        tmp_path,
        joined_registry,
        lambda reg, st: propose_set_treasury(reg, st, chain.provider.chain_id, refusing.address),
    )
    execute_batch_file(folder / "safe-batch.json", safe, kit, council[:2], council[2])
    fund(keeper, vaults, {"sequencer_fee_vault": 2 * ETHER})
    chain.pending_timestamp += WEEK
    fee_splitter.disburseFees(sender=keeper)
    third = split(2 * ETHER, 0, 400, 2_000)
    assert balance(chain, collective) == collective_total + third.collective
    assert balance(chain, calculator.TREASURY_PAYEE()) == third.chain
    refusing.setRejecting(False, sender=owner)
    container("SharePayee").at(calculator.TREASURY_PAYEE()).forward(sender=keeper)
    assert balance(chain, refusing) == third.chain


def _accept(registry, state):
    from revshare.governance.proposals import propose_accept_ownership

    return propose_accept_ownership(registry, state)


def _registry_proposal(tmp_path, registry, build):
    return make_proposal(
        build,
        registry_address=registry.address,
        record_dir=tmp_path / "records",
        out_dir=tmp_path / "proposals",
        safe=None,
        log=lambda _: None,
    )


def test_join_is_checked_against_the_live_chain(
    chain, project, owner, tmp_path, joined_registry, calculator, chain_id
):
    out = tmp_path / "proposals"

    def refused(build, match):
        with pytest.raises(ProposalError, match=match):
            make_opstack_proposal(build, out_dir=out, safe=None)

    # The FeeSplitter needs every vault on L2 from a minimum of 0.
    refused(lambda p, s: propose_point_vaults(p, s, FEE_SPLITTER, ETHER, L2_NETWORK), "--min-withdrawal 0")
    refused(
        lambda p, s: propose_point_vaults(p, s, FEE_SPLITTER, 0, L2_NETWORK, ["base_fee_vault"]),
        "include SequencerFeeVault .*, L1FeeVault .*, OperatorFeeVault",
    )
    # A calculator for another chain, of an inactive chain, or one whose shares do not add up.
    other = owner.deploy(project.ChainRegistry, owner, owner, "0x" + "00" * 20)
    other.registerChain(chain_id + 1, owner, 250, 1_500, b"\x00" * 32, sender=owner)
    elsewhere = owner.deploy(project.RegistrySharesCalculator, other, chain_id + 1)
    refused(lambda p, s: propose_join(p, s, elsewhere.address, None), f"terms of chain {chain_id + 1}")
    joined_registry.setActive(chain_id, False, sender=owner)
    refused(lambda p, s: propose_join(p, s, calculator.address, None), "inactive")
    joined_registry.setActive(chain_id, True, sender=owner)
    refused(lambda p, s: propose_join(p, s, owner.address, None), "has no code")
    refused(
        lambda p, s: propose_join(p, s, joined_registry.address, None),
        "does not answer getRecipientsAndAmounts",
    )
    refused(lambda p, s: propose_fee_splitter(p, s, None, 0), "1 to 31536000 seconds")
    # Vaults older than 1.6.0 have no setters.
    legacy = deploy_vault(owner, "base_fee_vault", FEE_SPLITTER)
    chain.provider.set_code(PREDEPLOY_VAULTS["base_fee_vault"], chain.provider.get_code(legacy.address))
    refused(lambda p, s: propose_join(p, s, calculator.address, None), "BaseFeeVault .* is version 1.4.1")
    assert not out.exists() or not any(out.iterdir())


def test_an_owner_without_code_gets_the_calls_as_l1_deposits(tmp_path, chain, calculator, upgraded_chain):
    l1_owner = to_checksum_address("0x" + "a1" * 20)
    alias = to_checksum_address(((int(l1_owner, 16) + ALIAS_OFFSET) % 2**160).to_bytes(20, "big"))
    install_proxy_admin(alias)
    folder = make_opstack_proposal(
        lambda provider, state: propose_join(provider, state, calculator.address, None),
        out_dir=tmp_path / "proposals",
        safe=None,
    )
    deposits = json.loads((folder / "deposits.json").read_text())
    batch = json.loads((folder / "safe-batch.json").read_text())
    assert (deposits["l1_sender"], deposits["l2_sender"]) == (l1_owner, alias)
    assert len(deposits["deposits"]) == len(batch["transactions"]) == 13
    selector = keccak(text="depositTransaction(address,uint256,uint64,bool,bytes)")[:4]
    for deposit, tx in zip(deposits["deposits"], batch["transactions"], strict=True):
        raw = bytes.fromhex(deposit["deposit_calldata"][2:])
        assert raw[:4] == selector
        to, value, gas, creation, data = decode(["address", "uint256", "uint64", "bool", "bytes"], raw[4:])
        assert (to_checksum_address(to), value, creation, "0x" + data.hex()) == (
            tx["to"],
            0,
            False,
            tx["data"],
        )
        # Enough L2 gas: the call, made by the alias, uses less.
        used = chain.provider.web3.eth.estimate_gas({"from": alias, "to": tx["to"], "data": tx["data"]})
        assert gas >= used
    text = (folder / "proposal.md").read_text()
    assert re.search(rf"alias of the L1 account `{l1_owner}`", text)
    assert "WARNING" in text


# ---------------------------------------------------------------- found by the adversarial review
THIEF = to_checksum_address("0x" + "be" * 20)


def _refused(build, match, out):
    with pytest.raises(ProposalError, match=match):
        make_opstack_proposal(build, out_dir=out, safe=None)


def test_a_look_alike_calculator_is_not_vouched_for(
    chain, project, owner, tmp_path, joined_registry, calculator, chain_id
):
    """Answering the getters is not enough: the code, the payees and the registry must be the toolkit's."""
    out = tmp_path / "proposals"
    args = (joined_registry, chain_id, calculator.COLLECTIVE_PAYEE(), calculator.TREASURY_PAYEE())
    impostor = owner.deploy(project.ImpostorSharesCalculator, *args, THIEF)
    _refused(lambda p, s: propose_join(p, s, impostor.address, None), "its code is not this toolkit's", out)
    # The toolkit's own code with a forged payee (an immutable rewritten): the payee is not its own.
    code = bytes(chain.provider.get_code(calculator.address))
    payee_word = bytes.fromhex(calculator.COLLECTIVE_PAYEE()[2:].lower().rjust(64, "0"))
    forged = to_checksum_address("0x" + "f0" * 20)
    chain.provider.set_code(forged, code.replace(payee_word, bytes.fromhex(THIEF[2:].lower().rjust(64, "0"))))
    _refused(lambda p, s: propose_join(p, s, forged, None), "is not the SharePayee it created", out)
    # A genuine calculator of another registry than the record's (or --registry).
    other = owner.deploy(project.ChainRegistry, owner, THIEF, "0x" + "00" * 20)
    other.registerChain(chain_id, THIEF, 0, 0, b"\x00" * 32, sender=owner)
    theirs = owner.deploy(project.RegistrySharesCalculator, other, chain_id)
    _refused(
        lambda p, s: propose_join(p, s, theirs.address, None, joined_registry.address),
        f"reads the registry {other.address}, not {joined_registry.address}",
        out,
    )
    folder = make_opstack_proposal(
        lambda p, s: propose_join(p, s, theirs.address, None), out_dir=out, safe=None
    )
    assert "was not checked against a deployment record or --registry" in (folder / "proposal.md").read_text()


def test_point_vaults_refuses_recipients_that_break_payment(
    chain, project, owner, admin_of_vaults, tmp_path, joined_registry, calculator, chain_id, upgraded_chain
):
    vaults, _ = upgraded_chain
    out = tmp_path / "proposals"
    splitter = owner.deploy(
        project.ChainRevenueSplitter,
        joined_registry,
        chain_id,
        [
            PREDEPLOY_VAULTS[r]
            for r in ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault", "operator_fee_vault")
        ],
        ONE_DAY,
    )
    # A contract on this L2, paid on L1: nobody controls that address on Ethereum.
    _refused(
        lambda p, s: propose_point_vaults(p, s, splitter.address, 0, L1_NETWORK), "nobody controls it", out
    )
    # Part of the splitter's vaults while the others pay elsewhere: every disburse() would revert.
    _refused(
        lambda p, s: propose_point_vaults(p, s, splitter.address, 0, L2_NETWORK, ["base_fee_vault"]),
        "include SequencerFeeVault",
        out,
    )
    # A contract that refuses ETH (the calculator pasted by mistake): every withdrawal would revert.
    _refused(
        lambda p, s: propose_point_vaults(p, s, calculator.address, 0, L2_NETWORK), "refuses a plain ETH", out
    )
    # A payee: all revenue, unsplit, to one role.
    _refused(
        lambda p, s: propose_point_vaults(p, s, calculator.COLLECTIVE_PAYEE(), 0, L2_NETWORK),
        "is a SharePayee",
        out,
    )
    # Pointing the last vault at the FeeSplitter when the other three already pay it is fine.
    for role in ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault"):
        vaults[role].setRecipient(FEE_SPLITTER, sender=admin_of_vaults)
        vaults[role].setMinWithdrawalAmount(0, sender=admin_of_vaults)
        vaults[role].setWithdrawalNetwork(L2_NETWORK, sender=admin_of_vaults)
    folder = make_opstack_proposal(
        lambda p, s: propose_point_vaults(p, s, FEE_SPLITTER, 0, L2_NETWORK, ["operator_fee_vault"]),
        out_dir=out,
        safe=None,
    )
    assert len(json.loads((folder / "safe-batch.json").read_text())["transactions"]) == 3


def test_join_sets_the_calculator_before_the_vaults(tmp_path, calculator):
    """Sent one by one (as L1 deposits), no disbursement in between uses the old calculator."""
    folder = make_opstack_proposal(
        lambda p, s: propose_join(p, s, calculator.address, None), out_dir=tmp_path, safe=None
    )
    methods = [
        tx["contractMethod"]["name"]
        for tx in json.loads((folder / "safe-batch.json").read_text())["transactions"]
    ]
    assert methods[0] == "setSharesCalculator" and "setSharesCalculator" not in methods[1:]
