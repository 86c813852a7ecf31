"""Resuming a deployment whose contract was sent but never recorded.

The end-to-end resume test (test_testnet_deploy.py) kills the node between steps, when no
deployment is in flight, so it never reaches the adoption path. These tests create exactly that
state on the test node: the deployment transaction landed (same deployer, same nonce, same
bytecode) while the record lists the contract only as pending. The next run must adopt the
contract at its nonce-fixed address without sending anything, and must refuse what it cannot
adopt."""

from __future__ import annotations

import pytest

from revshare.deploying import deploy as deploy_module
from revshare.deploying.deploy import DeployError, Steps, create_address
from revshare.deploying.record import DeploymentRecord, load_record

NAME = "ChainRegistry"


class Killed(BaseException):
    """The process dying between the transaction and the record write."""


def open_record(path, chain, owner) -> DeploymentRecord:
    return DeploymentRecord.open(
        path, network="ethereum:local:test", chain_id=chain.chain_id, deployer=owner.address, config="test"
    )


@pytest.fixture
def record_file(tmp_path):
    return tmp_path / "records" / "ethereum" / "local.json"


@pytest.fixture
def args(owner, collective, guardian):
    return [owner.address, collective, guardian.address]


def interrupted_run(how, record_file, chain, owner, project, args) -> tuple[str, int]:
    """Leave `NAME` deployed on chain but only pending in the record; return (address, nonce)."""
    record = open_record(record_file, chain, owner)
    nonce = owner.nonce
    predicted = create_address(owner.address, nonce)
    if how == "killed before the record was written":

        def die(*_args, **_kwargs):
            raise Killed

        record.add_contract = die  # the confirmation that would clear `pending` never comes
        with pytest.raises(Killed):
            Steps(record, owner, log=lambda _line: None).contract(NAME, project.ChainRegistry, args)
    else:  # the pending entry written, then the same transaction sent outside the deploy code
        record.set_pending(NAME, nonce, predicted, args)
        owner.deploy(project.ChainRegistry, *args)
    saved = load_record(record_file)
    assert saved["contracts"] == {}
    assert saved["pending"][NAME]["address"] == predicted and saved["pending"][NAME]["nonce"] == nonce
    assert len(chain.provider.get_code(predicted)) > 0
    assert owner.nonce == nonce + 1
    return predicted, nonce


@pytest.mark.parametrize("how", ["killed before the record was written", "sent outside the record"])
def test_a_sent_but_unrecorded_contract_is_adopted(how, record_file, chain, owner, project, args, collective):
    address, nonce = interrupted_run(how, record_file, chain, owner, project, args)

    lines: list[str] = []
    record = open_record(record_file, chain, owner)
    registry = Steps(record, owner, log=lines.append).contract(NAME, project.ChainRegistry, args)

    assert registry.address == address
    assert owner.nonce == nonce + 1  # nothing sent: deployed exactly once
    assert registry.collective() == collective and registry.owner() == owner.address
    saved = load_record(record_file)
    assert saved["pending"] == {}
    assert saved["contracts"][NAME]["address"] == address
    assert saved["contracts"][NAME]["constructor_args"] == args
    assert any("adopted" in line and address in line for line in lines), lines

    # A further run finds it in the record and still sends nothing.
    again = Steps(open_record(record_file, chain, owner), owner, log=lines.append)
    assert again.contract(NAME, project.ChainRegistry, args).address == address
    assert owner.nonce == nonce + 1


def test_a_pending_deployment_that_never_landed_is_sent_again(record_file, chain, owner, project, args):
    record = open_record(record_file, chain, owner)
    nonce = owner.nonce
    record.set_pending(NAME, nonce, create_address(owner.address, nonce), args)  # sent, then lost

    lines: list[str] = []
    registry = Steps(open_record(record_file, chain, owner), owner, log=lines.append).contract(
        NAME, project.ChainRegistry, args
    )
    assert registry.address == create_address(owner.address, nonce)
    assert owner.nonce == nonce + 1
    assert any("never landed" in line for line in lines), lines
    assert load_record(record_file)["pending"] == {}


def test_a_nonce_taken_by_another_transaction_stops_the_run(
    record_file, chain, owner, project, args, monkeypatch
):
    record = open_record(record_file, chain, owner)
    nonce = owner.nonce
    record.set_pending(NAME, nonce, create_address(owner.address, nonce), args)
    owner.transfer(owner, 0)  # the nonce went to something else: no code at the address
    monkeypatch.setattr(deploy_module, "ADOPT_WAIT_SECONDS", 0)
    with pytest.raises(DeployError, match=f"nonce {nonce} .* was used, but .* holds no code"):
        Steps(open_record(record_file, chain, owner), owner, log=lambda _line: None).contract(
            NAME, project.ChainRegistry, args
        )
    assert owner.nonce == nonce + 1
    assert NAME in load_record(record_file)["pending"]  # left for the operator to resolve


def test_adoption_refuses_other_constructor_arguments(record_file, chain, owner, project, args, stranger):
    interrupted_run("sent outside the record", record_file, chain, owner, project, args)
    changed = [args[0], stranger.address, args[2]]
    with pytest.raises(DeployError, match="deployed with other arguments"):
        Steps(open_record(record_file, chain, owner), owner, log=lambda _line: None).contract(
            NAME, project.ChainRegistry, changed
        )


def test_adoption_refuses_a_contract_with_other_code(record_file, chain, owner, project, args):
    """The nonce went to another contract's deployment (same deployer, same nonce, other bytecode)."""
    record = open_record(record_file, chain, owner)
    nonce = owner.nonce
    address = create_address(owner.address, nonce)
    record.set_pending(NAME, nonce, address, args)
    other = owner.deploy(project.MockFeeVault, owner.address, 0, 1)
    assert other.address == address

    with pytest.raises(DeployError, match=address):
        Steps(open_record(record_file, chain, owner), owner, log=lambda _line: None).contract(
            NAME, project.ChainRegistry, args
        )
    assert NAME not in load_record(record_file)["contracts"]
    assert owner.nonce == nonce + 1
