"""The harness the script tests stand on: `ape run` through the fork server behaves as a new
process does (exit status, both streams, environment, stdin, time limit), and a local-network
command leaves ape's list of running nodes without the nodes that stopped."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.helpers import ape_run, keyfile_account

BAD_SPLITTER = ("report", "--splitter", "8453=0x1234")


def plain(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REVSHARE_TEST_FORK", "0")
        return ape_run(*args, **kwargs)


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("args", [BAD_SPLITTER, ("report", "--records", "/nonexistent/records"), ("nosuch",)])
def test_a_forked_run_ends_as_a_new_process_does(args):
    forked, fresh = ape_run(*args), plain(*args)
    assert forked.returncode == fresh.returncode != 0
    assert errors(forked) == errors(fresh) and errors(forked)
    assert forked.stdout == fresh.stdout


def test_a_forked_run_takes_the_environment_it_is_given(tmp_path: Path):
    """The signing account comes from the ape data folder the environment names."""
    address, env = keyfile_account(tmp_path, "harness-probe", "pass phrase")
    args = ("deploy", "--config", "config/demo.yaml", "--chain-id", "8453", "--plan")
    args += ("--account", "harness-probe")
    planned = ape_run(*args, env=env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert address in planned.stdout
    unknown = ape_run(*args)  # the project's data folder has no account of that name
    assert unknown.returncode != 0 and address not in unknown.stdout + unknown.stderr


def test_a_forked_run_past_its_time_limit_is_stopped_and_the_next_one_runs():
    with pytest.raises(subprocess.TimeoutExpired):
        ape_run("demo", "--days", "30", timeout=3)
    assert ape_run(*BAD_SPLITTER).returncode == 2


def test_a_local_command_clears_the_stopped_nodes_from_apes_list(networks):
    """ape-foundry never removes an anvil it started on a free port from `processes/nodes.json`,
    and each exit checks every entry: the commands drop the stopped ones before they start."""
    path = networks.config_manager.DATA_FOLDER / "processes" / "nodes.json"
    before = path.read_text() if path.exists() else None
    stopped = {
        str(pid): {"network_choice": "ethereum:local:foundry", "http_uri": f"http://127.0.0.1:{pid}"}
        for pid in range(4_000_001, 4_000_051)
    }  # above the kernel's largest pid: never running
    own = {str(os.getpid()): {"network_choice": "ethereum:local:foundry", "http_uri": "http://127.0.0.1:1"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"nodes": {**stopped, **own}}))
    try:
        assert ape_run(*BAD_SPLITTER, env={"APE_DATA_FOLDER": str(path.parents[1])}).returncode == 2
        left = json.loads(path.read_text())["nodes"]
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_text(before)
    assert not set(stopped) & set(left), "stopped nodes were kept"
    assert str(os.getpid()) in left, "a running process's entry was dropped"
    assert len(left) <= 2  # this process, and at most the command's own anvil (ape-foundry's leak)
