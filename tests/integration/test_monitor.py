"""The Superchain monitor against a scripted Superchain on five local chains at once (an L1 and
four OP-mode L2s): chain A pays through this project's splitter over the real 1.4.1 fee vaults,
chain B through OP's FeeSplitter (model) over 1.6.0 vault models with this project's
registry-driven calculator (its Collective payee passes the share on to the Safe), chain C by hand from its
operator's wallet to the Collective's Safe on L1 until it points its vaults at its own treasury,
chain D through a Base-style FeeDisburser (model) over the real vaults and bridge until a code
change sends the "Optimism" share to its treasury. The monitor's figures must equal the script's
books to the wei, and only chains C and D are flagged."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from revshare.config_models import ConfigError
from revshare.demo.superchain import build_superchain, local_network, run_days
from revshare.monitor.command import FINDINGS_EXIT, cli
from revshare.monitor.config import load_monitor_config, parse_monitor_config
from revshare.monitor.run import STORE_NAME, run_monitor
from revshare.pages import plotly_js
from revshare.terminal import format_eth
from tests.integration.helpers import ROOT
from tests.integration.rpc_proxy import rpc_proxy
from tests.monitor_checks import every_amount_read

DAYS = 45
EXIT_DAY = 30


@pytest.fixture(scope="module")
def superchain():
    with local_network(4) as network:
        scripted = build_superchain(network, exit_day=EXIT_DAY)
        run_days(scripted, DAYS)
        yield scripted


def figures(ledger):
    return {"gross": ledger.gross, "l1_cost": ledger.l1_cost, "owed": ledger.owed, "paid": ledger.paid}


def books(scripted):
    return {
        name: {"gross": b.gross, "l1_cost": b.l1_cost, "owed": b.owed, "paid": b.paid}
        for name, b in scripted.books.items()
    }


def test_figures_equal_the_script_to_the_wei(superchain, tmp_path: Path):
    result = run_monitor(parse_monitor_config(superchain.config()), tmp_path, write=False)
    assert {x.chain.name: figures(x) for x in result.ledgers} == books(superchain)
    by_name = {x.chain.name: x for x in result.ledgers}
    names = ("chain-a", "chain-b", "chain-c", "chain-d")
    assert [len(by_name[n].payments) for n in names] == [superchain.books[n].payments for n in names]
    assert by_name["chain-c"].balance == superchain.books["chain-c"].unpaid > 0
    assert {p.source for p in by_name["chain-a"].payments} == {"splitter"}
    assert {p.source for p in by_name["chain-b"].payments} == {"fee-splitter"}
    # Chain B's FeeSplitter paid the Collective's payee, which passed every share on to the Safe.
    chain_b = superchain.chains[1]
    assert {p.receiver for p in by_name["chain-b"].payments} == {chain_b.collective_payee}
    assert chain_b.node.balance(chain_b.collective_payee) == 0
    assert chain_b.node.balance(superchain.collective_l2) == superchain.books["chain-b"].paid
    assert {(p.source, p.where) for p in by_name["chain-c"].payments} == {("manual", "L1")}
    assert {p.source for p in by_name["chain-d"].payments} == {"fee-disburser"}
    assert max(p.timestamp for p in by_name["chain-d"].payments) < superchain.start_time + EXIT_DAY * 86_400


def test_only_the_chains_that_stopped_sharing_are_flagged_with_evidence(superchain, tmp_path: Path):
    result = run_monitor(parse_monitor_config(superchain.config()), tmp_path, write=False)
    flagged = {f.chain for f in result.findings if f.severity in ("error", "warning")}
    assert every_amount_read(result.findings)
    assert flagged == {"chain-c", "chain-d"}
    kinds_d = {f.kind: f for f in result.findings if f.chain == "chain-d"}
    assert set(kinds_d) == {"unpaid-disbursements", "stopped-paying", "outstanding"}
    unpaid = kinds_d["unpaid-disbursements"]
    assert unpaid.message.startswith(f"{DAYS - EXIT_DAY} disbursement(s)") and unpaid.evidence.startswith(
        "0x"
    )
    kinds = [f.kind for f in result.findings if f.chain == "chain-c"]
    assert kinds.count("recipient-moved") == 4  # each vault, each with the tx that moved it
    assert {"stopped-paying", "outstanding"} <= set(kinds)
    moved = [f for f in result.findings if f.kind == "recipient-moved"]
    treasury = superchain.chains[2].treasury
    assert all(treasury in f.message and f.evidence.startswith("0x") and len(f.evidence) == 66 for f in moved)
    # Grouped: chain C's four vaults moved are one group of four; a group's total is its findings'
    # own figure (to the six decimals the messages show).
    groups = {(g.chain, g.kind): g for g in result.groups()}
    assert len(groups) == len(result.findings) - 3 and groups[("chain-c", "recipient-moved")].count == 4
    by_name = {x.chain.name: x for x in result.ledgers}
    for name in ("chain-c", "chain-d"):
        assert groups[(name, "outstanding")].total == shown(by_name[name].balance) > 0
    assert groups[("chain-d", "unpaid-disbursements")].total == shown(superchain.books["chain-d"].balance)


def shown(wei: int) -> int:
    """``wei`` as a message shows it: rounded to six decimals of ETH."""
    return int(Decimal(format_eth(wei)) * 10**18)


def test_the_command_writes_every_output_without_the_rpc_secrets(superchain, tmp_path: Path, monkeypatch):
    secret = "/v2/SECRETKEY?apikey=SECRET2"
    config = superchain.config()
    with rpc_proxy(superchain.chains[0].node.uri) as proxy:
        monkeypatch.setenv("CHAIN_A_RPC", f"http://user:secretpw@127.0.0.1:{proxy.port}{secret}")
        config["chains"][0]["rpc"] = "${CHAIN_A_RPC}"
        path = tmp_path / "superchain.yaml"
        path.write_text(json.dumps(config))  # JSON is YAML
        out = tmp_path / "out"
        result = CliRunner().invoke(cli, ["--config", str(path), "--out", str(out), "--period", "week"])
    assert result.exit_code == FINDINGS_EXIT, result.output
    assert "chain-c" in result.output and "recipient-moved" not in result.output
    assert "off the revenue-share path" in result.output
    names = {p.name for p in out.iterdir()}
    assert {
        "index.html",
        "monitor.json",
        "summary.txt",
        "owed-vs-paid.png",
        "chains.csv",
        STORE_NAME,
    } <= names
    assert {
        "periods-day.csv",
        "periods-week.csv",
        "periods-month.csv",
        "payments.csv",
        "findings.csv",
    } <= names
    for leaked in ("SECRETKEY", "SECRET2", "secretpw"):
        assert leaked not in result.output
        for file in out.iterdir():
            assert leaked.encode() not in file.read_bytes(), file.name
    data = json.loads((out / "monitor.json").read_text())
    chain_c = next(c for c in data["chains"] if c["chain"] == "chain-c")
    assert int(chain_c["balance"]) == superchain.books["chain-c"].balance
    html = (out / "index.html").read_text()
    markup = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)  # plotly.js names URLs it never loads
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup)  # one file, nothing to fetch
    if plotly_js() is None:  # no interactive chart: the PNG in the page
        assert html.count("<img") == 1 and "data:image/png;base64," in html
    else:  # the interactive chart, and the PNG beside the page for documents
        assert "<img" not in html and 'id="owed-paid-chart"' in html and 'href="owed-vs-paid.png"' in html
    # --period week: the terminal's table and the page are weekly, the CSV files hold all three.
    assert "Owed and paid per week, every chain together:" in result.output
    assert "Owed and paid per week</h2>" in html and "periods-week.csv" in html


def test_a_rerun_reads_only_new_blocks_and_stores_nothing_twice(superchain, tmp_path: Path):
    config = parse_monitor_config(superchain.config())
    first = run_monitor(config, tmp_path, write=False)
    run_days(superchain, 1)
    again = run_monitor(config, tmp_path, write=False)
    assert {x.chain.name: figures(x) for x in again.ledgers} == books(superchain)
    for before, after in zip(first.fetched.stats, again.fetched.stats, strict=True):
        assert after.start == before.start and after.stop > before.stop
        assert after.new_blocks == after.stop - before.stop  # only what is new
    with sqlite3.connect(tmp_path / STORE_NAME) as db:
        rows = db.execute(
            "SELECT count(*), count(DISTINCT chain_id || ':' || block || ':' || log_index) FROM logs"
        )
        total, distinct = rows.fetchone()
    assert total == distinct > 0


def test_a_killed_run_resumes_to_the_same_result(superchain, tmp_path: Path):
    """SIGKILL the monitor while it reads (one block per page, so it is mid-way), run it again:
    the same figures as an uninterrupted run, and the store holds each log once."""
    config_path = tmp_path / "superchain.yaml"
    config_path.write_text(json.dumps(superchain.config()))
    out = tmp_path / "killed"
    script = (
        "import sys; from revshare.monitor.run import run_monitor; "
        "run_monitor(sys.argv[1], sys.argv[2], page_size=1, write=False)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", script, str(config_path), str(out)], env=env)
    store = out / STORE_NAME
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            with sqlite3.connect(store) as db:
                if db.execute("SELECT count(*) FROM scans").fetchone()[0] >= 2:
                    break
        except sqlite3.Error:
            continue
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with sqlite3.connect(store) as db:
        partial = db.execute("SELECT min(last_block) FROM scans").fetchone()[0]
    assert partial is not None and partial < max(c.node.block_number() for c in superchain.chains)
    resumed = run_monitor(load_monitor_config(config_path), out, write=False)
    fresh = run_monitor(load_monitor_config(config_path), tmp_path / "fresh", write=False)
    assert [figures(x) for x in resumed.ledgers] == [figures(x) for x in fresh.ledgers]
    assert [len(x.payments) for x in resumed.ledgers] == [len(x.payments) for x in fresh.ledgers]
    with sqlite3.connect(store) as db, sqlite3.connect(tmp_path / "fresh" / STORE_NAME) as other:
        assert (
            db.execute("SELECT count(*) FROM logs").fetchone()
            == other.execute("SELECT count(*) FROM logs").fetchone()
        )


def test_a_flaky_node_that_caps_log_ranges_gives_the_same_figures(superchain, tmp_path: Path):
    config = superchain.config()
    with rpc_proxy(superchain.chains[1].node.uri, fail_rate=0.2, max_log_range=16, seed=7) as proxy:
        config["chains"][1]["rpc"] = proxy.uri
        result = run_monitor(parse_monitor_config(config), tmp_path, write=False)
    assert proxy.injected and max(proxy.log_spans) <= 16  # failures and refusals really happened
    assert {x.chain.name: figures(x) for x in result.ledgers} == books(superchain)


def test_a_store_of_another_chain_is_refused(superchain, tmp_path: Path):
    config = parse_monitor_config(superchain.config())
    run_monitor(config, tmp_path, write=False)
    with local_network(1) as other:  # another chain 901 (another block 0)
        changed = superchain.config()
        changed["chains"] = [dict(changed["chains"][0], rpc=other.l2s[0].uri)]
        result = CliRunner().invoke(cli, ["--config", str(_yaml(tmp_path, changed)), "--out", str(tmp_path)])
    assert result.exit_code == 2  # a store problem, the user's to solve
    assert "holds another chain with id 901" in result.output and "Traceback" not in result.output


def test_a_node_serving_another_chain_id_and_a_bad_config_are_one_line_each(superchain, tmp_path: Path):
    wrong = superchain.config()
    wrong["chains"][0]["chain_id"] = 999
    result = CliRunner().invoke(cli, ["--config", str(_yaml(tmp_path, wrong)), "--out", str(tmp_path / "w")])
    assert result.exit_code == 1 and "answers chain id 901, the config says 999" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("chains: [{name: a, chain_id: 0, rpc: ftp://x}]\n")
    result = CliRunner().invoke(cli, ["--config", str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "collective: is required" in result.output and "chain_id" in result.output
    with pytest.raises(ConfigError):
        load_monitor_config(tmp_path / "missing.yaml")


def _yaml(folder: Path, data: dict) -> Path:
    path = folder / "config.yaml"
    path.write_text(json.dumps(data))
    return path


def test_an_earlier_to_block_is_answered_from_the_store(superchain, tmp_path: Path):
    config = parse_monitor_config(superchain.config())
    full = run_monitor(config, tmp_path, write=False)
    chain_a = superchain.chains[0].node
    middle = chain_a.block_number() // 2
    earlier = run_monitor(config, tmp_path, to_block={"chain-a": middle}, write=False)
    assert earlier.ledgers[0].stop == middle  # chain A up to that block, the others to their latest
    assert [x.stop for x in earlier.ledgers[1:]] == [x.stop for x in full.ledgers[1:]]
    assert sum(s.new_blocks for s in earlier.fetched.stats) == 0  # nothing read again
    a_full, a_earlier = full.ledgers[0], earlier.ledgers[0]
    assert 0 < a_earlier.gross < a_full.gross
    assert all(p.block <= middle for p in a_earlier.payments)


def test_a_node_that_drops_a_withdrawal_log_is_caught_not_trusted(superchain, tmp_path: Path):
    """Each vault's Withdrawal events must add up to its totalProcessed: a node that leaves one
    out (both events of one withdrawal) makes an error finding, never a quiet smaller figure."""
    from revshare.chain.reader import topic_of
    from revshare.monitor.events import WITHDRAWAL_3, WITHDRAWAL_4

    withdrawal_topics = {topic_of(WITHDRAWAL_3), topic_of(WITHDRAWAL_4)}
    victim = {"tx": None}

    def drop(log: dict) -> bool:
        if (
            log["topics"][0] not in withdrawal_topics
            or log["address"].lower() != "0x4200000000000000000000000000000000000011"
        ):
            return False
        victim["tx"] = victim["tx"] or log["transactionHash"]
        return log["transactionHash"] == victim["tx"]

    config = superchain.config()
    with rpc_proxy(superchain.chains[1].node.uri, drop_log=drop) as proxy:
        config["chains"][1]["rpc"] = proxy.uri
        result = run_monitor(parse_monitor_config(config), tmp_path, write=False)
    errors = {(f.chain, f.kind): f for f in result.findings if f.severity == "error"}
    assert set(errors) == {("chain-b", "vault-events"), ("chain-b", "settler-gross")}
    assert "SequencerFeeVault" in errors[("chain-b", "vault-events")].message
    assert errors[("chain-b", "settler-gross")].evidence.startswith("0x")  # the FeeSplitter's disbursement


def test_terms_from_the_registry_follow_its_changes(tmp_path: Path):
    """A chain whose terms come from this project's ChainRegistry: when a change governance
    scheduled takes effect, the monitor owes under the new terms from the settlement after the one
    crossing it, exactly as the splitter pays."""
    from revshare.model import split

    with local_network(1) as network:
        scripted = build_superchain(network)
        chain = scripted.chains[0]
        run_days(scripted, 2)
        for signature, args in (
            ("setNoticePeriod(uint32)", [3_600]),  # effective an hour after it is scheduled
            (
                "scheduleTerms(uint256,uint16,uint16,bytes32,uint256)",
                [chain.node.chain_id, 500, 2_000, b"\x01" * 32, 0],
            ),
        ):
            chain.node.transact(str(chain.registry), signature, args, sender=scripted.governance)
        run_days(scripted, 3)
        config = scripted.config()
        config["chains"][0]["registry"] = chain.registry
        result = run_monitor(parse_monitor_config(config), tmp_path, write=False)
    ledger = result.ledgers[0]
    # The day crossing the change settles the period before it under the old terms.
    assert [(b.gross_bps, b.net_bps) for b in ledger.batches] == [(250, 1500)] * 3 + [(500, 2000)] * 2
    assert all(b.owed == split(b.gross, b.l1_cost, b.gross_bps, b.net_bps).collective for b in ledger.batches)
    assert ledger.owed == ledger.paid > scripted.books["chain-a"].owed  # the splitter paid the new terms
    # The chain's lifecycle, from the registry's terms history.
    assert [step for _, step in ledger.lifecycle] == [
        "joined: 2.5% of gross / 15% of net",
        "terms from then: 5% of gross / 20% of net",
    ]
    from revshare.monitor.outputs import render_text

    assert "Lifecycles (the registry's terms history; * not yet in force):" in render_text(result, "day")


def test_a_keeper_reward_is_its_own_line_and_owes_nothing(tmp_path: Path):
    """With a keeper reward, the splitter splits revenue less the reward: the monitor owes on the
    same basis (no false underpayment) and shows the rewards as their own line."""
    from revshare.monitor.outputs import render_text

    with local_network(1) as network:
        scripted = build_superchain(network)
        chain = scripted.chains[0]
        chain.node.transact(
            str(chain.registry), "setKeeperReward(uint16,uint128)", [10, 10**16], sender=scripted.governance
        )
        run_days(scripted, 3)
        result = run_monitor(parse_monitor_config(scripted.config()), tmp_path, write=False)
    ledger = result.ledgers[0]
    assert ledger.keeper_rewards > 0
    assert all(b.keeper_reward for b in ledger.batches)
    assert ledger.owed == ledger.paid
    assert not [f for f in ledger.findings if f.severity == "error"], ledger.findings
    assert "Keeper rewards (out of revenue, before the split; ETH):" in render_text(result, "day")


def test_ape_run_monitor_as_the_readme_says(superchain, tmp_path: Path):
    config = tmp_path / "superchain.yaml"
    config.write_text(json.dumps(superchain.config()))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["ape", "run", "monitor", "--config", str(config), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == FINDINGS_EXIT, done.stderr[-2000:]
    assert "Superchain" in done.stdout and "chain-d" in done.stdout and (out / "index.html").is_file()
    # No --period: chosen from the range (45 days: daily).
    assert "Owed and paid per day (chosen from the range; --period changes it), every chain" in done.stdout
    assert "Traceback" not in done.stderr


def test_cli_mistakes_are_one_line_with_exit_2(superchain, tmp_path: Path):
    config = _yaml(tmp_path, superchain.config())
    unknown = CliRunner().invoke(cli, ["--config", str(config), "--to-block", "nowhere=5"])
    assert unknown.exit_code == 2 and "no network of that name" in unknown.output
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    with sqlite3.connect(foreign / STORE_NAME) as db:
        db.execute("CREATE TABLE logs (x)")
    result = CliRunner().invoke(cli, ["--config", str(config), "--out", str(foreign)])
    assert result.exit_code == 2 and "not a monitor store" in result.output
    fresh = CliRunner().invoke(cli, ["--config", str(config), "--out", str(foreign), "--fresh"])
    assert fresh.exit_code == 2 and (foreign / STORE_NAME).exists()  # not the monitor's file to delete
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / STORE_NAME).write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(cli, ["--config", str(config), "--out", str(tmp_path / "garbage")])
    assert (
        result.exit_code == 2 and "cannot use the store" in result.output and "Traceback" not in result.output
    )
    (tmp_path / "a-file").write_text("")
    result = CliRunner().invoke(cli, ["--config", str(config), "--out", str(tmp_path / "a-file" / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_ctrl_c_stops_every_network_after_its_page(superchain, tmp_path: Path):
    config = _yaml(tmp_path, superchain.config())
    script = "from revshare.monitor.command import cli; cli()"
    args = ["--config", str(config), "--out", str(tmp_path / "out"), "--page-size", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    store = tmp_path / "out" / STORE_NAME
    deadline = time.monotonic() + 120

    def pages_in() -> int:
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1) as db:
                return db.execute("SELECT count(*) FROM scans").fetchone()[0]
        except sqlite3.Error:  # not created yet, or being written
            return 0

    # Some pages in, then at once: a fixed wait let a fast machine read everything first.
    while time.monotonic() < deadline and process.poll() is None and not pages_in():
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr[-2000:]
    assert time.monotonic() - interrupted < 10
    assert "run again to continue" in stderr and "Traceback" not in stderr
    with sqlite3.connect(store) as db:  # it stopped part-way, not after reading everything
        read_to = dict(db.execute("SELECT chain_id, max(last_block) FROM scans GROUP BY chain_id"))
    heads = {chain.node.chain_id: chain.node.block_number() for chain in superchain.chains}
    assert any(read_to.get(chain_id, -1) < head for chain_id, head in heads.items())


def test_a_splitter_share_routed_to_an_unknown_l1_address_is_misdirected(tmp_path: Path):
    """Governance gives the Collective an L1 route to an address that is not the Collective's L1
    Safe: from then on the splitter's share leaves for it, and the monitor does not count it."""
    with local_network(1) as network:
        scripted = build_superchain(network)
        chain = scripted.chains[0]
        run_days(scripted, 2)
        route = (2, "0x000000000000000000000000000000000000bEEF", 200_000, 0)  # L1_MESSAGE_PASSER
        chain.node.transact(
            str(chain.registry),
            "setDestination(address,(uint8,address,uint32,uint128))",
            [scripted.collective_l2, route],
            sender=scripted.governance,
        )
        run_days(scripted, 2)
        result = run_monitor(parse_monitor_config(scripted.config()), tmp_path, write=False)
    ledger = result.ledgers[0]
    assert len(ledger.payments) == 2 and ledger.balance == ledger.owed - ledger.paid > 0
    wrong = [f for f in result.findings if f.kind == "misdirected-share"]
    assert len(wrong) == 1 and "0x000000000000000000000000000000000000bEEF on L1" in wrong[0].message
