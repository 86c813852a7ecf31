"""Local stand-ins for OP Stack testnets: anvil in OP mode with a testnet's chain id, mining on
an interval (so ape's confirmation waits behave as on a real network) and keeping its state in a
file, so a node can be killed and started again where it was."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from revshare.artifacts import creation_code
from revshare.chain.addresses import PREDEPLOY_VAULTS
from revshare.chain.fork import free_port as _free_port
from revshare.deploying.deploy import WITHDRAWAL_NETWORK_L2
from tests.integration.helpers import ROOT
from tests.stateful.direct_rpc import JsonRpc, deploy_direct

OP_SEPOLIA = 11_155_420
BASE_SEPOLIA = 84_532
NETWORK_OF = {OP_SEPOLIA: "optimism:sepolia", BASE_SEPOLIA: "base:sepolia"}
ANVIL = ROOT / ".build" / "bin" / "anvil"
PLACEHOLDER = "0x00000000000000000000000000000000000dead1"


class FakeTestnet:
    """One anvil process; `stop()` ends it gracefully (state saved), `start()` resumes it."""

    def __init__(self, chain_id: int, state_dir: Path, block_time: float = 0.25):
        self.chain_id = chain_id
        self.state = state_dir / f"anvil-{chain_id}.json"
        self.block_time = block_time
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.rpc: JsonRpc | None = None

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
                self.rpc = JsonRpc(self.uri)
                if int(self.rpc.request("eth_chainId", []), 16) == self.chain_id:
                    self._fee_vaults_in_place()
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"anvil did not start: {self.process.stderr.read().decode()[-500:]}")
            time.sleep(0.1)

    def _fee_vaults_in_place(self) -> None:
        """Vault code at the four fee-vault predeploys, as every OP Stack chain has (anvil's OP mode
        has none): MockFeeVaults paying a placeholder until a test installs its own."""
        if all(self.code(vault) != "0x" for vault in PREDEPLOY_VAULTS.values()):
            return
        init_code = creation_code("MockFeeVault", [PLACEHOLDER, 0, 1])
        code = self.rpc.request("eth_call", [{"data": "0x" + init_code.hex()}, "latest"])  # no nonce used
        for vault in PREDEPLOY_VAULTS.values():
            self.rpc.request("anvil_setCode", [vault, code])

    def stop(self) -> None:
        """SIGTERM: anvil writes its state file and exits, as a node going down would."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None
        self.rpc = None

    def nonce(self, address: str) -> int:
        return int(self.rpc.request("eth_getTransactionCount", [address, "latest"]), 16)

    def code(self, address: str) -> str:
        return str(self.rpc.request("eth_getCode", [address, "latest"]))

    def send(self, sender: str, to: str, data: str) -> dict:
        """A transaction from one of anvil's unlocked accounts, waited for; fails on a revert."""
        return self.rpc.send({"from": sender, "to": to, "data": data})

    def call(self, to: str, data: str) -> str:
        return str(self.rpc.request("eth_call", [{"to": to, "data": data}, "latest"]))

    def install_fee_vaults(self, project: Any, recipient: str, sender: str, min_withdrawal: int = 0) -> None:
        """Put MockFeeVault code paying `recipient` (no minimum unless given) at the four fee-vault
        predeploys. anvil's OP mode credits base fees to the BaseFeeVault address but has no vault
        code there."""
        model = deploy_direct(
            self.rpc, project.MockFeeVault, recipient, min_withdrawal, WITHDRAWAL_NETWORK_L2, sender=sender
        )
        code = self.code(model)
        for vault in PREDEPLOY_VAULTS.values():
            self.rpc.request("anvil_setCode", [vault, code])

    def increase_time(self, seconds: int) -> None:
        self.rpc.request("evm_increaseTime", [seconds])
        self.rpc.request("evm_mine", [])

    def execute_through_timelock(self, folder: Path, proposer: str, executor: str, delay: int) -> None:
        """What governance does with a proposal's files: the proposer submits the Safe batch's call
        (the timelock's `schedule`), the delay passes, anyone runs `execute`."""
        batch = json.loads((folder / "safe-batch.json").read_text())
        operation = json.loads((folder / "timelock.json").read_text())
        (scheduled,) = batch["transactions"]
        assert scheduled["data"] == operation["schedule"]["data"]
        assert scheduled["contractMethod"]["name"] == "schedule"
        self.send(proposer, scheduled["to"], scheduled["data"])
        self.increase_time(delay)
        self.send(executor, operation["execute"]["to"], operation["execute"]["data"])


class _JsonHandler(BaseHTTPRequestHandler):
    """A quiet request handler answering JSON (the test servers below)."""

    def reply(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


class _LocalServer:
    """A threaded HTTP server on a free localhost port, stopped with `stop()`."""

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SecretUrlProxy(_LocalServer):
    """An RPC URL carrying secrets the way hosted nodes' URLs do (credentials, an API key as a
    path segment and in the query string), forwarding JSON-RPC to a node that serves only "/"
    (anvil). Tests check that no secret reaches a written file or the terminal."""

    SECRETS = ("secretpw", "SECRETKEY", "SECRET2")
    PATH = "/v2/SECRETKEY?apikey=SECRET2"

    def __init__(self, target: str):
        self.target = target
        self.requests = 0
        proxy = self

        class Handler(_JsonHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.path != SecretUrlProxy.PATH:
                    self.send_error(404)
                    return
                proxy.requests += 1
                request = urllib.request.Request(
                    proxy.target, data=body, headers={"content-type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    self.reply(response.read())

        self.serve(Handler)

    @property
    def url(self) -> str:
        return f"http://user:secretpw@127.0.0.1:{self.port}{self.PATH}"


class FakeExplorer(_LocalServer):
    """An Etherscan-compatible verification API on localhost: contracts start unverified, every
    submission gets a ticket that is pending once, then passes. Keeps every form it was sent."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []
        self.queries: list[dict[str, str]] = []
        explorer = self

        class Handler(_JsonHandler):
            def _answer(self, body: dict) -> None:
                self.reply(json.dumps(body).encode())

            def do_GET(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                explorer.queries.append(query)
                if query.get("action") == "getsourcecode":
                    self._answer({"status": "1", "result": [{"SourceCode": ""}]})
                elif sum(1 for q in explorer.queries if q.get("guid") == query.get("guid")) == 1:
                    self._answer({"status": "0", "result": "Pending in queue"})
                else:
                    self._answer({"status": "1", "result": "Pass - Verified"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                explorer.forms.append(dict(urllib.parse.parse_qsl(body)))
                self._answer({"status": "1", "result": f"ticket-{len(explorer.forms)}"})

        self.serve(Handler)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


def op_sepolia_node(tmp_path: Path) -> Iterator[FakeTestnet]:
    """A fixture body: an OP Sepolia stand-in, stopped afterwards."""
    node = FakeTestnet(OP_SEPOLIA, tmp_path).start()
    yield node
    node.stop()
