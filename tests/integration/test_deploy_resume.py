"""Resuming a deployment exactly, on ape's test node: every contract lands at its CREATE2 address
or the run stops with a clear message; a transaction an interrupted run sent is never sent twice;
a network without the real deterministic deployment proxy, a record that disagrees with the config
or the chain, and a registry that changed hands are each refused before anything is sent."""

from __future__ import annotations

import pytest

from revshare.artifacts import container
from revshare.chain.addresses import CREATE2_FACTORY
from revshare.chain.rpc import provider_request
from revshare.deploying import deploy as deploy_module
from revshare.deploying.config import parse_config
from revshare.deploying.deploy import DeployError, Prepared, execute, settle_pending
from revshare.deploying.plan import PlanError, check_ownership, create2_address, describe, make_plan
from revshare.deploying.record import DeploymentRecord, load_record

TREASURY = "0x7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e"


def config_for(collective, guardian, **extra):
    data = {
        "collective": collective,
        "guardian": guardian,
        "chains": [{"chain_id": 8453, "treasury": TREASURY}],
        **extra,
    }
    return parse_config(data)


@pytest.fixture
def rpc(chain):
    return provider_request(chain.provider)


@pytest.fixture
def config(collective, guardian):
    return config_for(collective, guardian.address)


def plan_for(rpc, config, owner, **kw):
    """The plan on ape's test node, as a local network unless ``kw`` says otherwise."""
    where = {"network": "ethereum:local", "chain_id": 1337, "local": True, "nonce": owner.nonce, **kw}
    return make_plan(rpc, config, config.chains[0], owner.address, **where)


def record_at(tmp_path, chain, owner) -> DeploymentRecord:
    return DeploymentRecord.open(
        tmp_path / "record.json",
        network="ethereum:local",
        chain_id=chain.chain_id,
        deployer=owner.address,
        config="test",
    )


def test_the_plan_names_every_address_and_the_deployment_lands_there(rpc, chain, owner, config, tmp_path):
    plan = plan_for(rpc, config, owner)
    registry_step = plan.steps[0]
    assert registry_step.to == CREATE2_FACTORY and registry_step.data[:32] == bytes(32)
    assert plan.address("ChainRegistry") == create2_address(bytes(32), registry_step.data[32:])
    text = "\n".join(describe(plan))
    for name, address in plan.contracts.items():
        assert name in text and address in text
    assert "initialOwner = " + owner.address in text and "registerChain(8453" in text
    nonce = owner.nonce

    lines: list[str] = []
    execute(Prepared(plan, record_at(tmp_path, chain, owner), rpc, config, False), owner, lines.append)
    assert owner.nonce == nonce + len(plan.steps)  # one transaction per step
    for name, address in plan.contracts.items():
        assert chain.provider.get_code(address), name
    assert not plan_for(rpc, config, owner, mock_vaults=plan.mock_vaults).pending  # nothing left to do


def test_another_salt_gives_other_addresses_the_same_config_the_same(rpc, owner, collective, guardian):
    one = plan_for(rpc, config_for(collective, guardian.address), owner)
    same = plan_for(rpc, config_for(collective, guardian.address), owner)
    other = plan_for(rpc, config_for(collective, guardian.address, salt="staging"), owner)
    assert one.address("ChainRegistry") == same.address("ChainRegistry")
    assert other.address("ChainRegistry") != one.address("ChainRegistry")


def test_a_step_sent_by_an_interrupted_run_is_recognised_not_sent_again(rpc, chain, owner, config, tmp_path):
    plan = plan_for(rpc, config, owner)
    record = record_at(tmp_path, chain, owner)
    nonce = owner.nonce
    record.set_pending(plan.steps[0].label, nonce)  # written, then the transaction went out ...
    owner.transfer(CREATE2_FACTORY, 0, data=plan.steps[0].data)  # ... and the process died
    assert chain.provider.get_code(plan.address("ChainRegistry"))

    lines: list[str] = []
    resumed = record_at(tmp_path, chain, owner)
    settle_pending(resumed, rpc, owner.address, lines.append)
    assert any("was mined" in line for line in lines), lines
    again = plan_for(rpc, config, owner)
    assert again.steps[0].done and again.address("ChainRegistry") == plan.address("ChainRegistry")
    execute(Prepared(again, resumed, rpc, config, True), owner, lines.append)
    assert owner.nonce == nonce + len(plan.steps)  # the registry was deployed once
    saved = load_record(tmp_path / "record.json")
    assert saved["pending"] == {}
    assert saved["contracts"]["ChainRegistry"]["tx_hash"] is None  # adopted, not sent
    assert any("already done" in line and plan.address("ChainRegistry") in line for line in lines)


def test_a_pending_step_that_never_landed_is_sent_again(rpc, chain, owner, config, tmp_path):
    record = record_at(tmp_path, chain, owner)
    record.set_pending("deploy ChainRegistry", owner.nonce)  # noted, never sent
    lines: list[str] = []
    settle_pending(record, rpc, owner.address, lines.append)
    assert any("never landed" in line for line in lines) and record.pending == {}
    plan = plan_for(rpc, config, owner)
    assert not plan.steps[0].done


def test_a_transaction_still_in_the_pool_stops_the_run(rpc, chain, owner, tmp_path, monkeypatch):
    record = record_at(tmp_path, chain, owner)
    record.set_pending("deploy ChainRegistry", owner.nonce)
    monkeypatch.setattr(deploy_module, "ADOPT_WAIT_SECONDS", 0)
    counts = {"latest": owner.nonce, "pending": owner.nonce + 1}  # sent, not yet mined

    def node(method, params):
        assert method == "eth_getTransactionCount"
        return hex(counts[params[1]])

    with pytest.raises(DeployError, match="still waiting in the node's pool"):
        settle_pending(record, node, owner.address, lambda _line: None)
    assert record.pending  # left for the next run


@pytest.mark.parametrize("code", ["0x", "0x6080604052"])
def test_a_network_without_the_real_factory_is_refused(rpc, chain, owner, config, code):
    chain.provider.set_code(CREATE2_FACTORY, code)
    with pytest.raises(PlanError, match=r"no deterministic deployment proxy|other code than"):
        plan_for(rpc, config, owner)


def test_a_record_from_another_config_stops_the_run(
    rpc, chain, owner, collective, guardian, tmp_path, stranger
):
    first = plan_for(rpc, config_for(collective, guardian.address), owner)
    record = record_at(tmp_path, chain, owner)
    execute(
        Prepared(first, record, rpc, config_for(collective, guardian.address), False), owner, lambda _l: None
    )
    changed = config_for(stranger.address, guardian.address)  # another collective: another registry
    plan = plan_for(rpc, changed, owner)
    with pytest.raises(DeployError, match="the config changed since that run"):
        deploy_module._check_record(record_at(tmp_path, chain, owner), plan, rpc)


def test_a_record_whose_contract_has_no_code_stops_the_run(rpc, chain, owner, config, tmp_path):
    plan = plan_for(rpc, config, owner)
    record = record_at(tmp_path, chain, owner)
    record.add_contract(
        "ChainRegistry",
        plan.address("ChainRegistry"),
        None,
        None,
        [],
        contract_type="ChainRegistry",
        encoded_args="",
    )
    with pytest.raises(DeployError, match="no code there"):
        deploy_module._check_record(record_at(tmp_path, chain, owner), plan, rpc)


def test_a_registry_that_changed_hands_is_not_configured_behind_governance(
    rpc, chain, owner, config, stranger
):
    plan = plan_for(rpc, config, owner)
    owner.transfer(CREATE2_FACTORY, 0, data=plan.steps[0].data)
    registry = container("ChainRegistry").at(plan.address("ChainRegistry"))
    registry.transferOwnership(stranger, sender=owner)
    registry.acceptOwnership(sender=stranger)
    plan = plan_for(rpc, config, owner)  # planning alone lists what is left ...
    with pytest.raises(PlanError, match=f"owned by {stranger.address}"):
        check_ownership(rpc, plan)  # ... but sending to a registry that changed hands is refused


def test_a_registration_an_earlier_run_made_with_other_terms_is_refused(
    rpc, chain, owner, collective, guardian
):
    """Killed after registering, the config's treasury changed: the run must not call it done."""
    first = config_for(collective, guardian.address)
    plan = plan_for(rpc, first, owner)
    owner.transfer(CREATE2_FACTORY, 0, data=plan.steps[0].data)
    registry = container("ChainRegistry").at(plan.address("ChainRegistry"))
    registry.registerChain(8453, TREASURY, 250, 1500, bytes(32), sender=owner)
    changed = parse_config(
        {
            "collective": collective,
            "guardian": guardian.address,
            "chains": [{"chain_id": 8453, "treasury": "0x" + "be" * 20}],
        }
    )
    with pytest.raises(
        PlanError, match=r"chain 8453 is registered .* with treasury .*not as this config says"
    ):
        plan_for(rpc, changed, owner)
    # A complete deployment lists it as a difference instead (not strict).
    lenient = plan_for(rpc, changed, owner, strict=False)
    assert lenient.steps[1].done


def test_a_configured_vault_without_code_is_refused_before_anything_is_sent(rpc, owner, collective, guardian):
    config = config_for(collective, guardian.address)
    with pytest.raises(
        PlanError, match=r"operator_fee_vault 0x4200000000000000000000000000000000000+1b, which has no code"
    ):
        plan_for(rpc, config, owner, network="optimism:sepolia", chain_id=11155420, local=False)


def test_a_damaged_record_is_one_clear_error(tmp_path, chain, owner):
    import json

    from revshare.deploying.record import RecordError

    path = tmp_path / "record.json"
    for damage in ({"contracts": {"ChainRegistry": {}}}, {"pending": {"deploy X": {"nonce": "abc"}}}):
        path.write_text(
            json.dumps({"network": "n", "chain_id": chain.chain_id, "deployer": owner.address, **damage})
        )
        with pytest.raises(RecordError, match="not a readable deployment record"):
            record_at(tmp_path, chain, owner)
