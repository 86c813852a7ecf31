"""The demo: every disbursement matches the model, both rules occur, totals reconcile to the wei."""

from __future__ import annotations

from pathlib import Path

from revshare.demo.fee_splitter import run_join_demo
from revshare.demo.mocks import install_withdrawal_mocks
from revshare.demo.shared_sequencer import (
    OPERATOR_FEE_RECIPIENT,
    run_shared_demo,
    shared_reconciliation,
    shared_table,
    simulate_epoch,
)
from revshare.demo.single_chain import (
    disbursement_table,
    reconciliation,
    run_demo,
    simulate_fees,
)
from revshare.deploying.config import load_config
from revshare.deploying.deploy import deploy
from tests.integration.helpers import ROOT, ape_run


def test_simulated_fees_exercise_both_rules():
    fees = simulate_fees(days=6, seed=1)
    assert fees == simulate_fees(days=6, seed=1)  # deterministic
    l1_share = [f.l1 / (f.l1 + f.sequencer + f.base + f.operator) for f in fees]
    assert any(share > 5 / 6 for share in l1_share)  # gross rule days
    assert any(share < 5 / 6 for share in l1_share)  # net rule days
    assert any(f.direct for f in fees)


def test_demo_reconciles(tmp_path: Path, accounts, project):
    config = load_config(ROOT / "config" / "demo.yaml")
    deployment = deploy(config, 8453, accounts[0], record_dir=tmp_path, log=lambda _: None)
    install_withdrawal_mocks(accounts[0])
    result = run_demo(deployment, simulate_fees(days=6), accounts[1], log=lambda _: None)

    assert len(result.rows) == 6
    assert all(row.matches_model() for row in result.rows)
    assert {row.net_rule_applied for row in result.rows} == {True, False}
    for label, left, right in reconciliation(result):
        assert left == right, label
    table = disbursement_table(result.rows)
    assert "15% of net" in table and "2.5% of gross" in table
    assert table.splitlines()[-1].startswith("total")


def test_ape_run_demo(tmp_path: Path):
    result = ape_run(
        "demo", "--days", "3", "--report-dir", str(tmp_path / "report"), "--superchain-days", "31"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # It ends with the transparency report, read back from the chain's events.
    assert "Transparency report" in result.stdout
    assert "Result: every wei accounted for" in result.stdout
    assert f"Report files in {tmp_path / 'report'}/" in result.stdout
    assert (tmp_path / "report" / "index.html").exists()
    # The treasury is paid on L1: per-vault sources, the L1 withdrawal, and the report's in-flight items.
    assert "day 3 by source: sequencer" in result.stdout
    assert "day 3 L1 withdrawal:" in result.stdout and "in flight to 0x7E7e…0001" in result.stdout
    assert "on L1) (L1 via L2ToL1MessagePasser)" in result.stdout  # the operator's fee claim
    assert "2.5% of gross" in result.stdout
    assert "15% of net" in result.stdout
    # Five checks per part, seven for the FeeSplitter act, the monitor's four figures for each of four chains.
    # single chain 5, shared 5, shared over three chains 28, lifecycle 6, FeeSplitter act 7, monitor 16
    assert result.stdout.count("[ok]") == 5 + 5 + 28 + 6 + 7 + 16
    # The shared sequencer over three chains: the honest epoch verified, the shifted one caught,
    # disputed and corrected, then verified.
    shared = result.stdout.split("Shared sequencer over three local chains")[1].split("lifecycle")[0]
    caught, after = shared.split("The monitor again, after the correction")
    assert "epoch 2 reported with 0.1 ETH of chain-b's revenue attributed to chain-c" in caught
    assert "revenue shifted between chains: chain-b was attributed" in caught
    assert "-0.100000       0.712016            0.712016  shifted" in caught
    assert "of epoch 2's credits held" in caught and "corrected to what each chain's vaults paid" in caught
    assert "shifted" not in after.split("Claims:")[0].split("Attribution")[1]
    assert "[ok] the shifted epoch's findings (revenue shifted, error): 1 = 1" in after
    assert "[ok] errors left after the correction: 0 = 0" in after
    assert (tmp_path / "shared-monitor" / "after" / "attribution.csv").exists()
    # The chain's lifecycle, as the report reads it from the chain.
    lifecycle = result.stdout[result.stdout.index("Lifecycle of chain 8453:") :].split("\n\n")[0]
    for step in (
        "joined revenue sharing: 2.5% of gross / 15% of net",
        "terms change scheduled: 3% of gross / 18% of net from",
        "new terms in force: 3% of gross / 18% of net",
        "boundary settlement (disbursement #",
        "exit announced, effective",
        "exited: the chain keeps its revenue",
        "final settlement (disbursement #",
    ):
        assert step in lifecycle, step
    assert "Keeper rewards (out of revenue, before the split):" in result.stdout
    # The local chain joins revenue sharing through OP's FeeSplitter with a generated proposal.
    assert "The Safe executed the 14 calls" in result.stdout
    assert "reverted" not in result.stdout  # no probe's trace reaches the terminal
    (joined,) = (tmp_path / "proposals").glob("*-join-*")
    assert "Join revenue sharing" in (joined / "proposal.md").read_text()
    assert "MISMATCH" not in result.stdout
    # It ends with the Superchain monitor over its own local chains.
    assert "Superchain monitor: an L1 and four OP chains, 31 scripted days" in result.stdout
    assert "[ok] chain-d paid: monitor = script" in result.stdout
    assert (tmp_path / "monitor" / "index.html").exists()


def test_join_demo_reconciles(tmp_path: Path, accounts):
    result = run_join_demo(accounts[3], [accounts[4], accounts[5], accounts[6]], accounts[1], tmp_path)
    assert result.calls == 14
    assert len(result.checks) == 7
    for label, left, right in result.checks:
        assert left == right, label
    assert (result.proposal / "safe-batch.json").exists()


def test_shared_sequencer_demo_reconciles(tmp_path: Path, accounts, project):
    config = load_config(ROOT / "config" / "demo.yaml")
    deployment = deploy(config, 8453, accounts[0], record_dir=tmp_path, log=lambda _: None)
    install_withdrawal_mocks(accounts[0])
    result = run_shared_demo(config, deployment.registry, accounts[0], accounts[2], log=lambda _: None)

    assert sorted(r.chain_id for r in result.rows) == sorted(c.chain_id for c in config.chains)
    assert {result.expected[r.chain_id].net_rule_applied for r in result.rows} == {True, False}
    for label, left, right in shared_reconciliation(result):
        assert left == right, label
    # The config routes Demo Chain's treasury (bridge) and the operator (message passer) to L1.
    demo_chain = next(r for r in result.rows if r.chain_id == 8453)
    assert result.sent_to_l1 == {
        config.chains[0].treasury.lower(): demo_chain.chain_share,
        OPERATOR_FEE_RECIPIENT.lower(): sum(r.operator_fee for r in result.rows),
    }
    table = shared_table(result, {c.chain_id: c.name for c in config.chains})
    assert "OP Mainnet" in table and "yes" in table and "NO" not in table


def test_simulated_epoch_is_sorted_and_deterministic():
    epoch = simulate_epoch([10, 8453, 5])
    assert [r.chain_id for r in epoch] == [5, 10, 8453]
    assert epoch == simulate_epoch([10, 8453, 5])
