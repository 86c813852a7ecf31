"""Running the project's `ape run` scripts as a user would."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.integration import forkserver

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).with_name("ape")


def ape_run(
    *args: str, timeout: int = 180, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`ape run ARGS` from the project root, in the environment `make test` set up (plus ``env``):
    a child of the fork server (a new process without ape's start-up), or a plain subprocess when
    `REVSHARE_TEST_FORK=0`."""
    # The local node's port is the command's own choice, never one inherited from this process.
    inherited = {k: v for k, v in os.environ.items() if k != "APE_FOUNDRY_HOST"}
    environment = {**inherited, **(env or {})}
    if os.environ.get("REVSHARE_TEST_FORK") == "0" or not _ForkServer.can_run(args, environment):
        return subprocess.run(
            [str(APE), "run", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=environment,
            input=stdin,
        )
    return _ForkServer.get().run(list(args), environment, stdin, timeout)


class _ForkServer:
    """The test process's client of `tests/integration/forkserver.py`, started on first use."""

    _instance: _ForkServer | None = None

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.forkserver"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # `select` must see every reply the server wrote: nothing read ahead
        )
        self.environment = dict(os.environ)  # what the server's imports saw
        ready = self._receive(120)
        if not ready["ready"]:
            raise RuntimeError(f"fork server: ape managers created while importing: {ready['created']}")
        atexit.register(self.process.kill)

    @classmethod
    def can_run(cls, args: tuple[str, ...], env: dict[str, str]) -> bool:
        """False where a fork would differ from a new process: the interpreter's own variables,
        and ape's log level, which its logger reads from the command line when imported."""
        server = cls._instance.environment if cls._instance is not None else os.environ
        python = {k: v for k, v in env.items() if k.startswith("PYTHON")}
        started = {k: v for k, v in server.items() if k.startswith("PYTHON")}
        verbosity = any(a in ("-v", "--verbosity") or a.startswith("--verbosity=") for a in args)
        return python == started and not verbosity

    @classmethod
    def get(cls) -> _ForkServer:
        if cls._instance is None or cls._instance.process.poll() is not None:
            cls._instance = cls()
        return cls._instance

    def _receive(self, timeout: float):
        assert self.process.stdout is not None
        if not select.select([self.process.stdout], [], [], timeout)[0]:
            raise TimeoutError
        return forkserver.receive(self.process.stdout)

    def run(
        self, args: list[str], env: dict[str, str], stdin: str | None, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        with tempfile.TemporaryDirectory(prefix="ape-run-") as folder:
            streams = {name: Path(folder) / name for name in ("stdin", "stdout", "stderr")}
            for path in streams.values():
                path.touch()
            streams["stdin"].write_text(stdin or "")
            request = {"ape": str(APE), "args": args, "cwd": str(ROOT), "env": env}
            forkserver.send(self.process.stdin, {**request, **{k: str(v) for k, v in streams.items()}})
            pid = self._receive(30)
            try:
                code = self._receive(timeout)
            except TimeoutError:
                self._stop(pid)
                raise subprocess.TimeoutExpired(["ape", "run", *args], timeout) from None
            output = streams["stdout"].read_text(errors="replace")
            errors = streams["stderr"].read_text(errors="replace")
        return subprocess.CompletedProcess(["ape", "run", *args], code, output, errors)

    def _stop(self, pid: int) -> None:
        """A child past its time: SIGTERM first (ape's handler stops the nodes it started), then
        SIGKILL; the server reports its exit status either way."""
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 30)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
            try:
                self._receive(wait)
                return
            except TimeoutError:
                continue
        raise RuntimeError(f"fork server: child {pid} did not end after SIGKILL")


def keyfile_account(folder: Path, alias: str, passphrase: str) -> tuple[str, dict[str, str]]:
    """A new key as an ape keyfile account in its own ape data folder under ``folder``; returns its
    address and the environment that makes `ape run` use it unattended."""
    from eth_account import Account

    account = Account.create()
    data = folder / "ape-data"
    (data / "accounts").mkdir(parents=True, exist_ok=True)
    # scrypt with n = 2^12 instead of eth-account's 2^18: the same keyfile format ape decrypts, in
    # 45 ms instead of 1.2 s each time a command unlocks it.
    keyfile = Account.encrypt(account.key, passphrase, iterations=2**12)
    (data / "accounts" / f"{alias}.json").write_text(json.dumps(keyfile))
    return account.address, {"APE_DATA_FOLDER": str(data), f"APE_ACCOUNTS_{alias}_PASSPHRASE": passphrase}
