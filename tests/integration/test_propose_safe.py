"""Proposals executed through a real 2-of-3 Safe (1.5.0) on the local chain, imported as the Safe
app imports a Transaction Builder batch: the registry changes exactly as proposed and in no other way."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml
from eth_utils import to_checksum_address

from revshare.chain.registry import read_registry
from revshare.chain.routes import Destination, Route
from revshare.demo.safe import deploy_safe, execute_batch_file
from revshare.deploying.config import load_config
from revshare.deploying.deploy import deploy
from revshare.deploying.differences import diff_config
from revshare.governance.from_config import propose_from_config
from revshare.governance.proposals import (
    ProposalError,
    propose_accept_ownership,
    propose_pause,
    propose_set_active,
    propose_set_collective,
    propose_set_destination,
    propose_set_guardian,
    propose_set_operator_fee,
    propose_set_reporter,
    propose_set_treasury,
    propose_token_allowed,
    propose_unpause,
)
from revshare.governance.propose import make_proposal

L1_COLLECTIVE = to_checksum_address("0xc011ec717e000000000000000000000000000011")
NEW_COLLECTIVE = to_checksum_address("0xc011ec717e000000000000000000000000000001")
ZERO = "0x" + "00" * 20


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(council, kit):
    """The module-scoped fixtures exist before ape's first per-test snapshot."""


@pytest.fixture
def governed(tmp_path, owner, council, kit):
    multisig = deploy_safe(kit, owner, council, 2)
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


@pytest.fixture
def execute_batch(kit):
    def execute(folder, multisig, council) -> None:
        """What the Safe's owners do: import the batch, two of three sign, one executes."""
        execute_batch_file(folder / "safe-batch.json", multisig, kit, council[:2], council[2])

    return execute


def propose(build, registry, records, out):
    return make_proposal(
        build, registry_address=None, record_dir=records, out_dir=out, safe=None, log=lambda _: None
    )


def test_multisig_executes_proposals_exactly(tmp_path, governed, council, execute_batch):
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


def test_two_proposals_of_one_kind_in_the_same_second_both_get_a_folder(tmp_path, governed):
    from revshare.governance.files import write_proposal
    from revshare.governance.proposals import propose_pause as pause_proposal
    from revshare.governance.propose import governance_context

    registry, _, _ = governed
    proposal = pause_proposal(registry, read_registry(registry))
    ctx = governance_context({"ChainRegistry": registry.address}, {}, proposal.acting, None, [])
    folders = [
        write_proposal(proposal, ctx, tmp_path, created_ms=1, stamp="20261126-000000") for _ in range(3)
    ]
    assert [f.name for f in folders] == [
        "20261126-000000-pause",
        "20261126-000000-pause-2",
        "20261126-000000-pause-3",
    ]
    assert all((f / "proposal.md").exists() for f in folders)


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


def test_multisig_routes_the_collective_to_l1(tmp_path, governed, council, execute_batch):
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


def test_safe_must_be_the_owning_multisig(tmp_path, governed, council, execute_batch):
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


def test_every_registry_action_changes_exactly_what_it_says(
    tmp_path, project, owner, governed, council, execute_batch
):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    token = owner.deploy(project.TestToken)
    guardian = council[0].address

    def applied(build, **changed):
        """Execute `build`'s batch and check the registry changed in `changed` and nowhere else."""
        before = read_registry(registry)
        execute_batch(propose(build, registry, records, out), multisig, council)
        after = read_registry(registry)
        assert dataclasses.replace(after, **{k: getattr(before, k) for k in changed}) == before
        for name, value in changed.items():
            assert getattr(after, name) == value, name
        return after

    applied(propose_pause, paused=True)
    applied(propose_unpause, paused=False)
    with pytest.raises(ProposalError, match="not paused"):
        propose(propose_unpause, registry, records, out)
    applied(lambda reg, st: propose_set_guardian(reg, st, guardian), guardian=guardian)
    applied(lambda reg, st: propose_set_guardian(reg, st, ZERO), guardian=ZERO)
    state = read_registry(registry)
    inactive = {8453: dataclasses.replace(state.chains[8453], active=False)}
    after = applied(
        lambda reg, st: propose_set_active(reg, st, 8453, False),
        chains=inactive,
        terms_version=state.terms_version + 1,
    )
    with pytest.raises(ProposalError, match="already inactive"):
        propose(lambda reg, st: propose_set_active(reg, st, 8453, False), registry, records, out)
    applied(
        lambda reg, st: propose_set_active(reg, st, 8453, True),
        chains=state.chains,
        terms_version=after.terms_version + 1,
    )

    assert not registry.isTokenAllowed(token)
    execute_batch(
        propose(
            lambda reg, st: propose_token_allowed(reg, st, token.address, True, True), registry, records, out
        ),
        multisig,
        council,
    )
    assert registry.isTokenAllowed(token)
    with pytest.raises(ProposalError, match="already allowed"):
        propose(
            lambda reg, st: propose_token_allowed(reg, st, token.address, True, True), registry, records, out
        )
    with pytest.raises(ProposalError, match="no code"):
        propose(lambda reg, st: propose_token_allowed(reg, st, guardian, True, False), registry, records, out)
    execute_batch(
        propose(
            lambda reg, st: propose_token_allowed(reg, st, token.address, False, True), registry, records, out
        ),
        multisig,
        council,
    )
    assert not registry.isTokenAllowed(token)


def test_shared_sequencer_actions_through_the_safe(
    tmp_path, project, owner, governed, council, execute_batch
):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    shared = owner.deploy(project.SharedSequencerSplitter, registry, owner, owner, 500)
    new_reporter, fee_recipient = council[1].address, council[2].address
    folder = propose(
        lambda reg, st: propose_set_operator_fee(reg, st, shared, fee_recipient, 300), registry, records, out
    )
    text = (folder / "proposal.md").read_text()
    assert "| 500 bps | 300 bps |" in text
    execute_batch(folder, multisig, council)
    assert (shared.operatorFeeRecipient(), shared.operatorFeeBps()) == (fee_recipient, 300)
    execute_batch(
        propose(lambda reg, st: propose_set_reporter(reg, st, shared, new_reporter), registry, records, out),
        multisig,
        council,
    )
    assert shared.reporter() == new_reporter
    with pytest.raises(ProposalError, match=r"outside 0\.\.1000"):
        propose(
            lambda reg, st: propose_set_operator_fee(reg, st, shared, fee_recipient, 1_001),
            registry,
            records,
            out,
        )
    other = owner.deploy(project.ChainRegistry, owner, owner, ZERO)
    foreign = owner.deploy(project.SharedSequencerSplitter, other, owner, owner, 0)
    with pytest.raises(ProposalError, match="uses another registry"):
        propose(lambda reg, st: propose_set_reporter(reg, st, foreign, new_reporter), registry, records, out)


def test_from_config_is_one_batch_that_leaves_no_difference(tmp_path, governed, council, execute_batch):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    config_file = tmp_path / "wanted.yaml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "collective": str(NEW_COLLECTIVE),
                "guardian": council[0].address,
                "owner": str(multisig.address),
                "chains": [
                    {
                        "chain_id": 8453,
                        "treasury": "0x" + "7a" * 20,
                        "gross_bps": 300,
                        "net_bps": 1_200,
                    },
                    {"chain_id": 10, "treasury": "0x1010101010101010101010101010101010101010"},
                ],
                "destinations": [
                    {
                        "recipient": str(NEW_COLLECTIVE),
                        "route": "l1-message-passer",
                        "l1_recipient": str(L1_COLLECTIVE),
                    }
                ],
                "mock_vaults": {"min_withdrawal": "0.01 ether"},
            }
        )
    )
    wanted = load_config(config_file)
    assert len(diff_config(wanted, read_registry(registry))) == 6
    folder = propose(lambda reg, st: propose_from_config(reg, st, wanted), registry, records, out)
    batch = json.loads((folder / "safe-batch.json").read_text())
    assert len(batch["transactions"]) == 6  # through MultiSendCallOnly
    execute_batch(folder, multisig, council)
    assert diff_config(wanted, read_registry(registry, watch=[NEW_COLLECTIVE])) == []
    with pytest.raises(ProposalError, match="already matches the config"):
        propose(lambda reg, st: propose_from_config(reg, st, wanted), registry, records, out)


def test_a_payee_is_never_proposed_as_a_treasury_or_the_collective(tmp_path, project, owner, governed):
    registry, _, records = governed
    calculator = owner.deploy(project.RegistrySharesCalculator, registry, 8453)
    out = tmp_path / "proposals"
    for payee in (calculator.COLLECTIVE_PAYEE(), calculator.TREASURY_PAYEE()):
        with pytest.raises(ProposalError, match="is a SharePayee"):
            propose(lambda reg, st, a=payee: propose_set_treasury(reg, st, 8453, a), registry, records, out)
        with pytest.raises(ProposalError, match="is a SharePayee"):
            propose(lambda reg, st, a=payee: propose_set_collective(reg, st, a), registry, records, out)


def _wanted(tmp_path, multisig, collective, treasury, **chain):
    path = tmp_path / "wanted.yaml"
    entry = {"chain_id": 8453, "treasury": treasury, **chain}
    path.write_text(
        yaml.safe_dump({"collective": collective, "owner": str(multisig.address), "chains": [entry]})
    )
    return load_config(path)


def test_from_config_swaps_roles_in_one_batch_and_never_reactivates(
    tmp_path, governed, council, execute_batch
):
    registry, multisig, records = governed
    out = tmp_path / "proposals"
    execute_batch(propose(propose_accept_ownership, registry, records, out), multisig, council)
    state = read_registry(registry)
    new_treasury = to_checksum_address("0x" + "7b" * 20)
    # The Collective takes the chain's old treasury address, the chain a new one: valid as a whole.
    wanted = _wanted(tmp_path, multisig, state.chains[8453].treasury, new_treasury)
    folder = propose(lambda reg, st: propose_from_config(reg, st, wanted), registry, records, out)
    execute_batch(folder, multisig, council)
    assert diff_config(wanted, read_registry(registry)) == []

    # A chain governance deactivated on purpose: a rate change from the config does not reactivate it.
    execute_batch(
        propose(lambda reg, st: propose_set_active(reg, st, 8453, False), registry, records, out),
        multisig,
        council,
    )
    wanted = _wanted(tmp_path, multisig, wanted.collective, new_treasury, gross_bps=300)
    folder = propose(lambda reg, st: propose_from_config(reg, st, wanted), registry, records, out)
    methods = [
        tx["contractMethod"]["name"]
        for tx in json.loads((folder / "safe-batch.json").read_text())["transactions"]
    ]
    assert methods == ["scheduleTerms"]
    assert "not reactivated" in (folder / "proposal.md").read_text()
    execute_batch(folder, multisig, council)
    assert not read_registry(registry).chains[8453].active


def test_a_chains_lifecycle_through_the_safe(
    tmp_path, project, owner, governed, council, execute_batch, chain
):
    """Notice, a scheduled change and its cancellation, the keeper reward, a grant, an exit and its
    cancellation: each proposal executed by the Safe changes exactly that."""
    from revshare.artifacts import container
    from revshare.governance import proposals as p
    from revshare.governance.propose import recorded_splitter

    registry, multisig, records = governed
    out = tmp_path / "proposals"

    def run(build):
        execute_batch(propose(build, registry, records, out), multisig, council)

    run(propose_accept_ownership)
    run(lambda reg, st: p.propose_set_notice_period(reg, st, 86_400))
    assert registry.noticePeriod() == 86_400
    with pytest.raises(ProposalError, match="too early"):
        propose(
            lambda reg, st: p.propose_set_terms(reg, st, 8453, 300, 1_800, None, 1), registry, records, out
        )
    run(lambda reg, st: p.propose_set_terms(reg, st, 8453, 300, 1_800, None))
    change = registry.termsHistory(8453)[-1]
    assert (change.grossBps, change.netBps) == (300, 1_800)
    assert change.effectiveAt == chain.blocks.head.timestamp + 86_400
    with pytest.raises(ProposalError, match="already has \\(or will have\\) these terms"):
        propose(lambda reg, st: p.propose_set_terms(reg, st, 8453, 300, 1_800, None), registry, records, out)
    run(lambda reg, st: p.propose_cancel_terms(reg, st, 8453))
    assert len(registry.termsHistory(8453)) == 1
    with pytest.raises(ProposalError, match="no terms change to cancel"):
        propose(lambda reg, st: p.propose_cancel_terms(reg, st, 8453), registry, records, out)

    run(lambda reg, st: p.propose_set_keeper_reward(reg, st, 10, 10**16))
    assert registry.keeperReward() == (10, 10**16)

    grants = owner.deploy(container("RevenueLinkedGrants"), registry)
    token = owner.deploy(project.TestToken)
    token.mint(multisig, 1_000 * 10**18, sender=owner)  # governance holds the tokens it grants
    splitter = recorded_splitter(records, 8453)
    milestones = [(10**18, 0, 400 * 10**18), (5 * 10**18, 0, 600 * 10**18)]
    with pytest.raises(ProposalError, match="is not this toolkit's ChainRevenueSplitter"):
        propose(
            lambda reg, st: p.propose_create_grant(
                reg, st, grants.address, 8453, token.address, registry.address, milestones
            ),
            registry,
            records,
            out,
        )
    run(
        lambda reg, st: p.propose_create_grant(
            reg, st, grants.address, 8453, token.address, splitter.address, milestones
        )
    )
    assert token.balanceOf(grants) == 1_000 * 10**18 and token.balanceOf(multisig) == 0
    stored = grants.grantOf(0)[1]
    assert [tuple(m) for m in stored] == milestones

    run(lambda reg, st: p.propose_announce_exit(reg, st, 8453))
    assert registry.exitTime(8453) == chain.blocks.head.timestamp + 86_400
    with pytest.raises(ProposalError, match="leaves revenue sharing"):
        propose(lambda reg, st: p.propose_set_terms(reg, st, 8453, 1, 1, None), registry, records, out)
    run(lambda reg, st: p.propose_cancel_exit(reg, st, 8453))
    assert registry.exitTime(8453) == 0
