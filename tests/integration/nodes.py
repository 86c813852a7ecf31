"""Local stand-ins for OP Stack testnets: anvil in OP mode with a testnet's chain id, mining on
an interval (so ape's confirmation waits behave as on a real network) and keeping its state in a
file, so a node can be killed and started again where it was."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.integration.helpers import ROOT

OP_SEPOLIA = 11_155_420
BASE_SEPOLIA = 84_532
NETWORK_OF = {OP_SEPOLIA: "optimism:sepolia", BASE_SEPOLIA: "base:sepolia"}
ANVIL = ROOT / ".build" / "bin" / "anvil"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rpc(uri: str, method: str, params: list) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(uri, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        reply = json.loads(response.read())
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


class FakeTestnet:
    """One anvil process; `stop()` ends it gracefully (state saved), `start()` resumes it."""

    def __init__(self, chain_id: int, state_dir: Path, block_time: float = 0.25):
        self.chain_id = chain_id
        self.state = state_dir / f"anvil-{chain_id}.json"
        self.block_time = block_time
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def network(self) -> str:
        """The ape network choice that reaches this node through ape's generic node provider."""
        return f"{NETWORK_OF[self.chain_id]}:{self.uri}"

    def start(self) -> FakeTestnet:
        command = [
            str(ANVIL),
            "--optimism",
            "--chain-id",
            str(self.chain_id),
            "--port",
            str(self.port),
            "--block-time",
            str(self.block_time),
            "--state",
            str(self.state),
            "--silent",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while True:
            try:
                if int(str(rpc(self.uri, "eth_chainId", [])), 16) == self.chain_id:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"anvil did not start: {self.process.stderr.read().decode()[-500:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM: anvil writes its state file and exits, as a node going down would."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def nonce(self, address: str) -> int:
        return int(str(rpc(self.uri, "eth_getTransactionCount", [address, "latest"])), 16)

    def code(self, address: str) -> str:
        return str(rpc(self.uri, "eth_getCode", [address, "latest"]))

    def send(self, sender: str, to: str, data: str) -> dict:
        """A transaction from one of anvil's unlocked accounts, waited for; fails on a revert."""
        tx_hash = rpc(
            self.uri, "eth_sendTransaction", [{"from": sender, "to": to, "data": data, "gas": hex(2_000_000)}]
        )
        deadline = time.monotonic() + 30
        while (receipt := rpc(self.uri, "eth_getTransactionReceipt", [tx_hash])) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{tx_hash} was not mined")
            time.sleep(0.05)
        assert isinstance(receipt, dict) and receipt["status"] == "0x1", f"transaction reverted: {receipt}"
        return receipt

    def call(self, to: str, data: str) -> str:
        return str(rpc(self.uri, "eth_call", [{"to": to, "data": data}, "latest"]))

    def increase_time(self, seconds: int) -> None:
        rpc(self.uri, "evm_increaseTime", [seconds])
        rpc(self.uri, "evm_mine", [])
