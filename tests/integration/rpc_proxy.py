"""A local JSON-RPC proxy in front of a test node, for reading the chain through a node that
misbehaves the way public RPCs do: rate limits, dropped connections, 5xx answers, capped
`eth_getLogs` ranges, or a history with one log missing.

It listens on 127.0.0.1 only, accepts any path and query (so a URL can carry a fake API key and
credentials), forwards each JSON-RPC request to the upstream node and answers with the node's
reply unless told otherwise. Failures are injected deterministically from a seed. It records
the methods it saw and the block span of every `eth_getLogs` it forwarded.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

# The failures a flaky node answers with (each a realistic reply of a public RPC).
RATE_LIMIT_HTTP = "http-429"
RATE_LIMIT_RPC = "rpc-32005"
SERVER_ERROR = "http-503"
DROPPED = "dropped"
FAILURES = (RATE_LIMIT_HTTP, RATE_LIMIT_RPC, SERVER_ERROR, DROPPED)
# Methods the proxy may fail (the reads of the report; ape's own start-up calls pass).
READS = (
    "eth_getLogs",
    "eth_call",
    "eth_getBalance",
    "eth_getCode",
    "eth_getBlockByNumber",
    "eth_blockNumber",
)
RANGE_REFUSAL = {"code": -32005, "message": "query exceeds max block range 16"}
MAX_BODY = 10_000_000

LogFilter = Callable[[dict[str, Any]], bool]


class RpcProxy:
    """Forwards JSON-RPC over HTTP to ``upstream``; see the module docstring for the knobs.

    ``fail_rate``: share of read requests answered with one of ``failures`` (seeded);
    ``always_fail``: every read fails that way; ``user_agent``: only requests from that client
    fail (ape's own start-up requests pass); ``max_log_range``: `eth_getLogs` over more blocks is
    refused; ``drop_log``: logs it returns True for are left out of `eth_getLogs`.
    """

    def __init__(
        self,
        upstream: str,
        *,
        fail_rate: float = 0.0,
        failures: tuple[str, ...] = FAILURES,
        always_fail: str | None = None,
        seed: int = 0,
        user_agent: str | None = None,
        max_log_range: int | None = None,
        drop_log: LogFilter | None = None,
    ):
        parsed = urlparse(upstream)
        if parsed.hostname not in ("127.0.0.1", "localhost") or parsed.port is None:
            raise ValueError(f"the proxy forwards to a local node only, got {upstream!r}")
        self._upstream = (parsed.hostname, parsed.port, parsed.path or "/")
        self.fail_rate, self.failures, self.always_fail = fail_rate, failures, always_fail
        self.user_agent, self.max_log_range, self.drop_log = user_agent, max_log_range, drop_log
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.methods: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self.log_spans: list[int] = []  # blocks per eth_getLogs forwarded to the node
        self.refused_spans: list[int] = []
        self.dropped_logs: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RpcProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # ------------------------------------------------------------------ behaviour

    def _failure_for(self, method: str, user_agent: str) -> str | None:
        if method not in READS or (self.user_agent and not user_agent.startswith(self.user_agent)):
            return None
        with self._lock:
            if self.always_fail:
                failure = self.always_fail
            elif self.fail_rate and self._random.random() < self.fail_rate:
                failure = self._random.choice(self.failures)
            else:
                return None
            self.injected[failure] += 1
            return failure

    def _forward(self, body: bytes) -> dict[str, Any]:
        host, port, path = self._upstream
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            return json.loads(connection.getresponse().read())
        finally:
            connection.close()

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        method = request.get("method", "")
        if method == "eth_getLogs" and self.max_log_range is not None:
            query = request["params"][0]
            span = int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1
            if span > self.max_log_range:
                with self._lock:
                    self.refused_spans.append(span)
                return {"jsonrpc": "2.0", "id": request.get("id"), "error": RANGE_REFUSAL}
        reply = self._forward(json.dumps(request).encode())
        if method == "eth_getLogs" and isinstance(reply.get("result"), list):
            query = request["params"][0]
            with self._lock:
                self.log_spans.append(int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1)
                if self.drop_log is not None:
                    kept = [log for log in reply["result"] if not self.drop_log(log)]
                    self.dropped_logs.extend(log for log in reply["result"] if self.drop_log(log))
                    reply["result"] = kept
        return reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._send(413, b"{}")
                    return
                request = json.loads(self.rfile.read(length) or b"{}")
                if isinstance(request, list):  # batches: forwarded as they are
                    self._send(200, json.dumps(proxy._forward(json.dumps(request).encode())).encode())
                    return
                method = request.get("method", "")
                with proxy._lock:
                    proxy.methods[method] += 1
                failure = proxy._failure_for(method, self.headers.get("User-Agent", ""))
                if failure == DROPPED:
                    self.close_connection = True
                    self.connection.close()
                    return
                if failure == RATE_LIMIT_HTTP:
                    self._send(429, b'{"error":"Too Many Requests"}')
                    return
                if failure == SERVER_ERROR:
                    self._send(503, b"<html>503 Service Unavailable</html>")
                    return
                if failure == RATE_LIMIT_RPC:
                    error = {"code": -32005, "message": "rate limit exceeded"}
                    reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
                else:
                    reply = proxy._answer(request)
                self._send(200, json.dumps(reply).encode())

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def rpc_proxy(upstream: str, **options: Any) -> Iterator[RpcProxy]:
    """A running proxy for the duration of a ``with`` block."""
    proxy = RpcProxy(upstream, **options).start()
    try:
        yield proxy
    finally:
        proxy.stop()
