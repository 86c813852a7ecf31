"""The monitor's attribution check of a shared sequencer on the local lab (`revshare.demo.shared_lab`):
three OP-mode L2s whose real bedrock 1.4.1 fee vaults withdraw to the operator's collection
address, a ChainRegistry and a SharedSequencerSplitter on the first, one honest epoch, one that
shifts 0.1 ETH of chain-b's revenue to chain-c, and a third shifted the same way, disputed by
chain-b's treasury and corrected by governance; then every balance claimed (the Collective's to
L1). The monitor must find differences of 0 for the honest epoch and the corrected one, the shift
for the other, each chain's figures equal to the script's books, and nothing else to flag but
chain-b's short payment."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from revshare.demo.shared_lab import SHARED_NAME, script_shared_lab
from revshare.demo.superchain import local_network
from revshare.monitor.command import FINDINGS_EXIT, cli
from revshare.monitor.config import parse_monitor_config
from revshare.monitor.groups import finding_amount
from revshare.monitor.run import run_monitor
from revshare.monitor.shared_tables import ATTRIBUTION_HEADERS, attribution_cells
from revshare.terminal import render_table
from tests.monitor_checks import every_amount_read

A, B, C = 901, 902, 903
SHIFT = 10**17  # 0.1 ETH of chain-b's revenue attributed to chain-c in epoch 2


@pytest.fixture(scope="module")
def lab():
    with local_network(3) as network:
        yield script_shared_lab(network, {1: None, 2: (B, C, SHIFT), 3: (B, C, SHIFT)}, corrected={3})


@pytest.fixture(scope="module")
def result(lab, tmp_path_factory):
    return run_monitor(parse_monitor_config(lab.config()), tmp_path_factory.mktemp("monitor"))


def test_the_honest_epoch_matches_to_the_wei_and_the_shift_is_found(lab, result):
    (shared,) = result.shared
    rows = shared.attribution.rows
    print("\n" + render_table(ATTRIBUTION_HEADERS, attribution_cells(rows)))
    honest, shifted, corrected = lab.epochs
    assert honest.honest and not shifted.honest and not corrected.honest and corrected.corrected
    first = [r for r in rows if r.epoch == 1]
    assert {r.chain_id: (r.attributed_gross, r.observed_gross) for r in first} == {
        i: (g, g) for i, (g, _) in honest.observed.items()
    }
    assert {(r.difference, r.l1_difference, r.verdict) for r in first} == {(0, 0, "ok")}
    second = {r.chain: (r.difference, r.verdict) for r in rows if r.epoch == 2}
    assert second == {"chain-a": (0, "ok"), "chain-b": (-SHIFT, "shifted"), "chain-c": (SHIFT, "shifted")}
    assert every_amount_read(result.findings)
    (shift,) = [f for f in result.findings if f.kind == "revenue-shifted"]
    assert shift.chain == "chain-b" and shift.severity == "error" and shift.evidence == shifted.tx_hash
    assert "epoch 2" in shift.message and "chain-c (+0.100000 ETH)" in shift.message
    assert finding_amount(shift) == SHIFT  # what the shift cost chain-b: its findings group's total
    # The corrected epoch is compared as corrected: every difference 0.
    third = [r for r in rows if r.epoch == 3]
    assert {(r.status, r.compared, r.difference, r.verdict) for r in third} == {
        ("corrected", "correction", 0, "ok")
    }
    (fixed,) = [f for f in result.findings if f.kind == "epoch-corrected"]
    assert fixed.chain == "chain-b" and fixed.severity == "info" and "epoch 3" in fixed.message
    # Nothing else needs a look but chain-b's share, short by what the shift cost it.
    flagged = {(f.severity, f.kind, f.chain) for f in result.findings if f.severity != "info"}
    assert flagged == {("error", "revenue-shifted", "chain-b"), ("warning", "outstanding", "chain-b")}


def test_the_chains_ledgers_settle_through_the_shared_splitter(lab, result):
    (shared,) = result.shared
    by_name = {x.chain.name: x for x in result.ledgers}
    for node in lab.served:
        ledger = by_name[lab.names[node.chain_id]]
        books = [w for w in lab.collected if w.chain_id == node.chain_id]
        assert ledger.gross == sum(w.value for w in books)
        assert ledger.l1_cost == sum(w.value for w in books if w.l1_fee_vault)
        assert [b.kind for b in ledger.batches] == ["epoch"] * 3
        credited = [
            c.collective_share for e in shared.epochs for c in e.settled if c.chain_id == node.chain_id
        ]
        assert ledger.paid == sum(credited) and {p.source for p in ledger.payments} == {"shared-splitter"}
        assert ledger.pending == {}
    assert by_name["chain-a"].balance == 0 and by_name["chain-b"].balance > 0 > by_name["chain-c"].balance
    assert by_name["chain-b"].balance == -by_name["chain-c"].balance
    assert [e.status for e in shared.epochs] == ["reported", "reported", "corrected"]
    assert shared.epochs[2].dispute is not None and shared.epochs[2].dispute.chain_id == B
    # The splitter's books: everything paid in was claimed, the Collective's share left for L1.
    books = dict(shared.reconciliation())
    assert books["paid in (reports and corrections)"] == sum(
        sum(g for g, _ in e.attributed.values()) for e in lab.epochs
    )
    assert books["left to claim (paid in - claimed)"] == 0 == shared.balance
    (collective,) = [c for c in shared.claims if c.claimant == "Collective"]
    assert collective.l1_recipient == lab.collective_l1 and "L1" in collective.route
    assert collective.amount == shared.collective_share == books["of which sent to L1"]
    assert {c.claimant for c in shared.claims} == {
        "chain-a treasury",
        "chain-b treasury",
        "chain-c treasury",
        "Collective",
        "operator fee recipient",
    }
    fee = [c for c in shared.claims if c.claimant == "operator fee recipient"]
    assert [c.amount for c in fee] == [shared.operator_fee] and shared.operator_fee > 0


def test_the_outputs_show_the_attribution(lab, result):
    out = result.store.parent
    with (out / "attribution.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["epoch"], r["chain"], r["difference"], r["verdict"]) for r in rows] == [
        ("1", "chain-a", "0", "ok"),
        ("1", "chain-b", "0", "ok"),
        ("1", "chain-c", "0", "ok"),
        ("2", "chain-a", "0", "ok"),
        ("2", "chain-b", str(-SHIFT), "shifted"),
        ("2", "chain-c", str(SHIFT), "shifted"),
        ("3", "chain-a", "0", "ok"),
        ("3", "chain-b", "0", "ok"),
        ("3", "chain-c", "0", "ok"),
    ]
    assert {p.name for p in out.iterdir()} >= {
        "shared-epochs.csv",
        "shared-settlements.csv",
        "shared-claims.csv",
    }
    data = json.loads((out / "monitor.json").read_text())
    (shared,) = data["shared_splitters"]
    assert [e["status"] for e in shared["epochs"]] == ["reported", "reported", "corrected"]
    assert shared["name"] == SHARED_NAME and shared["epochs"][2]["dispute_chain_id"] == B
    assert shared["attribution"][4]["difference"] == str(-SHIFT)  # wei as strings
    html = (out / "index.html").read_text()
    assert (
        "Attribution" in html and "revenue shifted between chains" in html and "L2ToL1MessagePasser" in html
    )
    summary = (out / "summary.txt").read_text()
    assert "Shared splitter shared-sequencer on chain-a" in summary and "-0.100000" in summary


def test_the_command_exits_with_the_findings_status(lab, tmp_path: Path):
    path = tmp_path / "superchain.yaml"
    path.write_text(json.dumps(lab.config()))  # JSON is YAML
    ran = CliRunner().invoke(cli, ["--config", str(path), "--out", str(tmp_path / "out")])
    assert ran.exit_code == FINDINGS_EXIT, ran.output
    assert "Attribution (what each epoch attributed" in ran.output and "revenue shifted" in ran.output


def test_a_shared_splitter_without_code_is_an_error_not_an_all_clear(lab, tmp_path: Path):
    config = lab.config()
    config["shared_splitters"][0]["address"] = "0x" + "99" * 20
    result = run_monitor(parse_monitor_config(config), tmp_path, write=False)
    (shared,) = result.shared
    assert not shared.code and shared.attribution.rows == []
    assert ("error", "no-code", SHARED_NAME) in {(f.severity, f.kind, f.chain) for f in result.findings}
    # Its chains' revenue waits, not reported: nothing is said to match.
    assert all(x.pending for x in result.ledgers)
