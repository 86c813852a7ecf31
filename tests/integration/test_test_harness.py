"""The harness the script tests stand on: `ape run` through the fork server behaves as a new
process does (exit status, both streams, environment, stdin, time limit), and a local-network
command leaves ape's list of running nodes without the nodes that stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.helpers import ROOT, ape_run, keyfile_account

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


def test_runs_a_fork_would_change_are_new_processes():
    from tests.integration.helpers import _ForkServer

    assert _ForkServer.can_run(BAD_SPLITTER, dict(os.environ))
    assert not _ForkServer.can_run(("report", "-v", "DEBUG"), dict(os.environ))
    assert not _ForkServer.can_run(BAD_SPLITTER, {**os.environ, "PYTHONWARNINGS": "error"})


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:  # ended meanwhile
        return ""


def test_a_terminated_sharded_run_leaves_nothing_running(tmp_path: Path):
    """`timeout` or a CI cancellation sends SIGTERM to `make test`'s runner: every shard, its anvil
    and whatever its tests started end with it."""
    tests = []
    for name in ("test_slow_a.py", "test_slow_b.py"):
        (tmp_path / name).write_text("import time\n\n\ndef test_slow(chain):\n    time.sleep(300)\n")
        tests.append(str(tmp_path / name))
    env = {**os.environ, "TEST_SHARDS": "2", "TEST_SHARDS_DIR": str(tmp_path / "work")}
    foreign = tmp_path / "work" / "7"  # a folder the runner did not make: it must not delete it
    foreign.mkdir(parents=True)
    (foreign / "keep.txt").write_text("mine")
    runner = subprocess.Popen(
        [sys.executable, "-m", "tools.test_shards", *tests],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        outputs = [tmp_path / "work" / str(n) / "output.txt" for n in (1, 2)]
        while not all(o.exists() and "collected" in o.read_text() for o in outputs):
            assert runner.poll() is None and time.monotonic() < deadline, "the shards did not start"
            time.sleep(0.5)
        while True:  # the tests' nodes are up (under load this takes a while after collection)
            started = _descendants(runner.pid)
            if any("anvil" in _cmdline(p) for p in started if _alive(p)):
                break
            assert runner.poll() is None and time.monotonic() < deadline, "the shards' anvils did not start"
            time.sleep(0.5)
        runner.send_signal(signal.SIGTERM)
        output, _ = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 130, output
    assert (foreign / "keep.txt").read_text() == "mine"
    assert "interrupted: stopping the shards" in output
    left = [p for p in started if _alive(p)]
    assert not left, f"still running: {[Path(f'/proc/{p}/cmdline').read_text() for p in left]}"
