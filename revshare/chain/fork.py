"""A throwaway fork of a node: anvil started with ``--fork-url``, so transactions can be tried
against a network's real state without sending anything to it (the deployment's dry run).

The fork runs on this machine on a free port and ends when the ``with`` block does. Accounts are
impersonated (``anvil_impersonateAccount``), so nothing is signed and no key is needed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from revshare.chain.node import redact_urls
from revshare.chain.rpc import HttpJsonRpc, NodeError, wait_for_receipt

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # seconds for the fork to answer (it fetches the fork block first)
RECEIPT_TIMEOUT = 30.0


class ForkError(RuntimeError):
    """The fork could not be started or did not answer."""


def anvil_binary(root: Path = PROJECT_ROOT) -> Path:
    """anvil on PATH, else the npm package's binary under `root`; a clear error if neither."""
    found = shutil.which("anvil")
    if found:
        return Path(found)
    packaged = sorted(root.glob("node_modules/@foundry-rs/anvil-*/bin/anvil"))
    if packaged:
        return packaged[0]
    raise ForkError(
        "anvil not found: neither on PATH nor in node_modules/@foundry-rs under "
        f"{root} (run `make install`, which puts it in .build/bin)"
    )


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class Fork:
    """``with Fork(uri) as fork:`` anvil forking the node at ``uri`` from its latest block;
    ``fork.rpc(method, params)`` talks to it."""

    def __init__(self, uri: str, *, anvil: Path | None = None):
        self._uri = uri
        self._anvil = anvil
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.rpc = HttpJsonRpc(f"http://{HOST}:1")  # replaced once started

    def __enter__(self) -> Fork:
        self.port = free_port()
        command = [
            str(self._anvil or anvil_binary()),
            "--fork-url",
            self._uri,
            "--port",
            str(self.port),
            "--host",
            HOST,
            "--silent",
            "--no-storage-caching",
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.rpc = HttpJsonRpc(f"http://{HOST}:{self.port}")
        try:
            return self._wait_started()
        except BaseException:  # a failed start, Ctrl-C, a signal: never leave anvil behind
            self.__exit__(None, None, None)
            raise

    def _wait_started(self) -> Fork:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.rpc("eth_chainId", [])
                return self
            except NodeError:
                pass
            if self._process.poll() is not None:
                raise ForkError(f"anvil could not fork the node: {self._failure()}")
            if time.monotonic() > deadline:
                raise ForkError(f"the fork did not answer within {START_TIMEOUT:g} s")
            time.sleep(0.1)

    def _failure(self) -> str:
        """anvil's last words, without the node's URL (it may carry an API key)."""
        assert self._process is not None
        raw = self._process.stderr.read() if self._process.stderr else b""
        lines = raw.decode(errors="replace").strip().splitlines()
        gist = lines[-1][:200] if lines else f"exit status {self._process.returncode}"
        return redact_urls(gist.replace(self._uri, "<node>"))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None

    def send_as(self, sender: str, to: str | None, data: bytes) -> dict[str, Any]:
        """A transaction from ``sender`` (impersonated) mined at once; its receipt."""
        self.rpc("anvil_impersonateAccount", [sender])
        tx: dict[str, Any] = {"from": sender, "data": "0x" + data.hex()}
        if to is not None:
            tx["to"] = to
        tx_hash = self.rpc("eth_sendTransaction", [tx])
        try:
            return wait_for_receipt(self.rpc, str(tx_hash), RECEIPT_TIMEOUT, poll=0.05)
        except NodeError:
            raise ForkError(f"the fork did not mine {tx_hash} within {RECEIPT_TIMEOUT:g} s") from None
