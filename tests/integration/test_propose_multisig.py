"""Proposals executed through a Safe-like 2-of-3 multisig on the local chain: the registry changes
exactly as proposed and in no other way."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml
from eth_utils import to_checksum_address

from revshare.chain.registry import read_registry
from revshare.chain.routes import Destination, Route
from revshare.deploying.config import load_config
from revshare.deploying.deploy import deploy
from revshare.governance.proposals import (
    ProposalError,
    propose_accept_ownership,
    propose_pause,
    propose_set_collective,
    propose_set_destination,
    propose_set_treasury,
)
from revshare.governance.propose import make_proposal
from revshare.governance.safe_batch import batch_checksum

L1_COLLECTIVE = to_checksum_address("0xc011ec717e000000000000000000000000000011")
NEW_COLLECTIVE = to_checksum_address("0xc011ec717e000000000000000000000000000001")


@pytest.fixture
def council(accounts):
    return [accounts[4], accounts[5], accounts[6]]


@pytest.fixture
def governed(tmp_path, project, owner, council):
    multisig = owner.deploy(project.TestMultisig, [m.address for m in council], 2)
    config_file = tmp_path / "deploy.yaml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "collective": "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0",
                "owner": str(multisig.address),
                "chains": [{"chain_id": 8453, "treasury": "0x7e7e7e7E7e7E7e7e7e7E7e7e7e7E7e7e7e7e7e7E"}],
                "mock_vaults": {"min_withdrawal": "0.01 ether"},
            }
        )
    )
    records = tmp_path / "records"
    deployment = deploy(load_config(config_file), None, owner, record_dir=records, log=lambda _: None)
    return deployment.registry, multisig, records


def execute_batch(folder, multisig, council) -> None:
    """What the Safe's owners do: import the batch, two of three approve, it executes."""
    batch = json.loads((folder / "safe-batch.json").read_text())
    assert batch["meta"]["checksum"] == batch_checksum(batch)
    assert batch["meta"]["createdFromSafeAddress"] == multisig.address
    for tx in batch["transactions"]:
        receipt = multisig.propose(tx["to"], int(tx["value"]), tx["data"], sender=council[0])
        (proposed,) = receipt.events.filter(multisig.Proposed)
        multisig.confirm(proposed.id, sender=council[1])


def propose(build, registry, records, out):
    return make_proposal(
        build, registry_address=None, record_dir=records, out_dir=out, safe=None, log=lambda _: None
    )


def test_multisig_executes_proposals_exactly(tmp_path, governed, council):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    assert registry.owner() == multisig.address

    before = read_registry(registry)
    folder = propose(lambda reg, st: propose_set_collective(reg, st, NEW_COLLECTIVE), registry, records, out)
    assert "multisig" in (folder / "proposal.md").read_text()
    assert not (folder / "timelock.json").exists()
    execute_batch(folder, multisig, council)
    after = read_registry(registry)
    assert after.collective == NEW_COLLECTIVE
    # Nothing but the collective (and no terms version bump) changed.
    assert dataclasses.replace(after, collective=before.collective) == before


def test_invalid_changes_write_nothing(tmp_path, governed):
    registry, _, records = governed
    out = tmp_path / "proposals"
    cases = [
        (
            lambda reg, st: propose_set_treasury(reg, st, 8453, "0x0000000000000000000000000000000000000000"),
            "zero",
        ),
        (lambda reg, st: propose_set_treasury(reg, st, 10, NEW_COLLECTIVE), "not registered"),
        (lambda reg, st: propose_set_collective(reg, st, st.collective), "already the Collective"),
    ]
    for build, message in cases:
        with pytest.raises(ProposalError, match=message):
            propose(build, registry, records, out)
    assert not out.exists() or not any(out.iterdir())
    propose(propose_pause, registry, records, out)
    assert len(list(out.iterdir())) == 1


def test_multisig_routes_the_collective_to_l1(tmp_path, governed, council):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    before = read_registry(registry)
    wanted = Destination(Route.L1_MESSAGE_PASSER, L1_COLLECTIVE, 150_000, 10**18)

    def build(dest):
        return lambda reg, st: propose_set_destination(reg, st, before.collective, dest)

    folder = propose(build(wanted), registry, records, out)
    text = (folder / "proposal.md").read_text()
    assert "Payouts to 0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0 (the Collective)" in text
    assert (
        "a payout of 0.600000 ETH is credited (0.600000 ETH waiting); "
        "the next one of 0.600000 ETH sends 1.200000 ETH to L1"
    ) in text
    (tx,) = json.loads((folder / "safe-batch.json").read_text())["transactions"]
    struct = tx["contractMethod"]["inputs"][1]
    assert [c["type"] for c in struct["components"]] == ["uint8", "address", "uint32", "uint128"]
    assert "setDestination(address,(uint8,address,uint32,uint128))" in text
    assert f"predeploy to {L1_COLLECTIVE} on L1" in text
    assert f"{L1_COLLECTIVE} must be an account the recipient controls on L1." in text
    execute_batch(folder, multisig, council)

    after = read_registry(registry)
    assert after.destination_of(before.collective) == wanted
    assert dataclasses.replace(after, destinations=before.destinations) == before  # nothing else
    with pytest.raises(ProposalError, match="already has this destination"):
        propose(build(wanted), registry, records, out)
    with pytest.raises(ProposalError, match="between 21,000 and"):
        propose(build(Destination(Route.L1_STANDARD_BRIDGE, L1_COLLECTIVE, 100, 0)), registry, records, out)
    with pytest.raises(ProposalError, match="needs a non-zero l1_recipient"):
        propose(build(Destination(Route.L1_STANDARD_BRIDGE, l1_gas_limit=100_000)), registry, records, out)


def test_safe_must_be_the_owning_multisig(tmp_path, governed, council):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    other = council[0].address
    with pytest.raises(ProposalError, match=f"--safe {other} is not the registry's owner {multisig.address}"):
        make_proposal(
            propose_pause,
            registry_address=None,
            record_dir=records,
            out_dir=out,
            safe=other,
            log=lambda _: None,
        )
    folder = make_proposal(
        propose_pause,
        registry_address=None,
        record_dir=records,
        out_dir=out,
        safe=multisig.address,
        log=print,
    )
    assert "WARNING" not in (folder / "proposal.md").read_text()
