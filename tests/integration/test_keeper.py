"""`ape run keeper` over two local OP-mode networks at once: chain A pays through this project's
splitter, chain B through OP's FeeSplitter (a test-only model) with the registry-driven
calculator. A dry run sends nothing; `--send` disburses both; a second run finds nothing due;
a bad target fails the run (exit 1) without stopping the others; config and account mistakes
are one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from eth_account import Account

from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS
from revshare.demo.superchain import DAY, build_superchain, fees, local_network, run_days
from tests.integration.helpers import APE, ROOT

# anvil's well-known dev mnemonic (public test data): its account 9 is the keeper.
Account.enable_unaudited_hdwallet_features()
KEEPER = Account.from_mnemonic(
    "test test test test test test test test test test test junk", account_path="m/44'/60'/0'/0/9"
)


def keeper_run(config: Path, *args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KEEPER_PRIVATE_KEY"}
    if key:
        env["KEEPER_PRIVATE_KEY"] = key
    return subprocess.run(
        [str(APE), "run", "keeper", "--config", str(config), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def two_networks():
    with local_network(2) as network:
        scripted = build_superchain(network)
        run_days(scripted, 1)
        yield scripted


def _earn_a_day(scripted) -> None:
    for chain in scripted.chains:
        for role, amount in fees(scripted.days, chain.index).items():
            vault = str(PREDEPLOY_VAULTS[role])
            chain.node.set_balance(vault, chain.node.balance(vault) + amount)
    noon = scripted.start_time + scripted.days * DAY + 60  # a minute past the daily interval
    for node in scripted.network:
        node.mine(noon)
    scripted.days += 1


def _vaults(chain) -> int:
    return sum(chain.node.balance(str(v)) for v in PREDEPLOY_VAULTS.values())


def test_keeper_over_two_networks(two_networks, tmp_path: Path):
    a, b = two_networks.chains
    assert (a.kind, b.kind) == ("splitter", "fee-splitter")
    config = tmp_path / "keeper.yaml"
    config.write_text(
        json.dumps(
            {
                "networks": [
                    {"name": "chain-a", "rpc": a.node.uri, "splitters": [a.splitter]},
                    {"name": "chain-b", "rpc": b.node.uri, "fee_splitter": True},
                ]
            }
        )
    )
    # Settled this morning: nothing due yet.
    early = keeper_run(config)
    assert early.returncode == 0, early.stdout + early.stderr
    assert early.stdout.count("not due: next at") == 2, early.stdout

    _earn_a_day(two_networks)
    before = (_vaults(a), _vaults(b))
    dry = keeper_run(config, key=KEEPER.key.hex())
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert dry.stdout.count("would disburse") == 2 and "(dry run)" in dry.stdout, dry.stdout
    assert (_vaults(a), _vaults(b)) == before  # a dry run sends nothing

    sent = keeper_run(config, "--send", key=KEEPER.key.hex())
    assert sent.returncode == 0, sent.stdout + sent.stderr
    lines = sent.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["chain-a", "chain-b"]
    assert all(" disbursed: " in line and ", tx 0x" in line for line in lines), sent.stdout
    assert (_vaults(a), _vaults(b)) == (0, 0)
    assert "2 targets, 2 disbursed, 0 failed" in sent.stderr

    again = keeper_run(config, "--send", key=KEEPER.key.hex())
    assert again.returncode == 0 and again.stdout.count("not due") == 2, again.stdout + again.stderr
    print(sent.stdout)  # the note quotes a run


def test_a_bad_target_fails_the_run_but_not_the_others(two_networks, tmp_path: Path):
    a, b = two_networks.chains
    config = tmp_path / "keeper.yaml"
    nothing_there = "0x" + "ab" * 20
    config.write_text(
        json.dumps(
            {
                "networks": [
                    {"name": "chain-a", "rpc": a.node.uri, "splitters": [nothing_there, a.splitter]},
                    {"name": "chain-b", "rpc": b.node.uri, "splitters": [FEE_SPLITTER]},  # not a splitter
                ]
            }
        )
    )
    result = keeper_run(config)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert "FAILED: no contract at" in lines[0]
    assert "FAILED" not in lines[1]
    assert "FAILED: would revert" in lines[2]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "args", "env_key", "message"),
    [
        ("networks: []\n", (), None, "networks: must be a list of networks"),
        ("networks:\n  - {name: x, rpc: 'ftp://x'}\n", (), None, "not an http(s) URL"),
        (
            "networks:\n  - {name: x, rpc: '${NO_SUCH_RPC}', fee_splitter: true}\n",
            (),
            None,
            "NO_SUCH_RPC is not set",
        ),
        ("networks:\n  - {name: x, rpc: 'http://127.0.0.1:1'}\n", (), None, "nothing to disburse"),
        (
            "networks:\n  - {name: x, rpc: 'http://127.0.0.1:1', fee_splitter: true}\n",
            ("--send",),
            None,
            "--send needs",
        ),
        (
            "networks:\n  - {name: x, rpc: 'http://127.0.0.1:1', fee_splitter: true}\n",
            (),
            "0x12",
            "is not a private key",
        ),
        (
            "networks:\n  - {name: x, rpc: 'http://127.0.0.1:1', fee_splitter: true}\n",
            ("--account", "nobody"),
            None,
            "no ape account 'nobody'",
        ),
    ],
)
def test_mistakes_are_one_line_exit_2(tmp_path: Path, content, args, env_key, message):
    config = tmp_path / "keeper.yaml"
    config.write_text(content)
    result = keeper_run(config, *args, key=env_key)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    if env_key:
        assert env_key not in result.stderr  # never echo a key


def test_an_unreachable_node_fails_after_retries_without_its_url(tmp_path: Path):
    config = tmp_path / "keeper.yaml"
    config.write_text("networks:\n  - {name: x, rpc: 'http://user:secret@127.0.0.1:1', fee_splitter: true}\n")
    result = keeper_run(config, "--retries", "1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FeeSplitter" in result.stdout and "FAILED" in result.stdout
    assert "secret" not in result.stdout + result.stderr
