"""The report's node reads without a node: which failures are retried and how long it waits, when
it gives up, how a refused log range is split, and that no URL secret reaches a message."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from revshare.chain.node import node_of, public_network, redact_urls
from revshare.chain.reader import CallReverted, ChainReader, ReadError
from revshare.chain.rpc import Backoff, NodeError, is_transient
from revshare.report import SplitterTarget

SECRET_URL = "https://user:pw@opt-mainnet.example.com:8443/v2/SECRETKEY?apikey=SECRET2"


class Script:
    """A fake ``request``: raises the queued failures in order, then answers ``answer``."""

    def __init__(self, *failures: BaseException, answer: Any = "0x10"):
        self.failures = list(failures)
        self.answer = answer
        self.calls: list[str] = []

    def __call__(self, method: str, params: list[Any]) -> Any:
        self.calls.append(method)
        if self.failures:
            raise self.failures.pop(0)
        return self.answer


def _reader(script: Script, waits: list[float]) -> ChainReader:
    return ChainReader(script, Backoff(attempts=4, base=0.5, cap=1.0), sleep=waits.append)


@pytest.mark.parametrize(
    "failure",
    [
        NodeError("eth_blockNumber: HTTP 429 Too Many Requests", transient=True),
        NodeError("eth_blockNumber: rate limit exceeded (code -32005)", transient=True, code=-32005),
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError("Connection aborted: RemoteDisconnected"),
        ConnectionResetError("reset by peer"),
        RuntimeError("503 Service Unavailable"),
    ],
)
def test_transient_failures_are_retried_with_exponential_backoff(failure: BaseException):
    waits: list[float] = []
    script = Script(failure, failure, failure)
    assert _reader(script, waits).latest_block() == 16
    assert waits == [0.5, 1.0, 1.0]  # doubled, capped
    assert len(script.calls) == 4


def test_a_persistent_failure_stops_after_the_last_attempt_in_one_line():
    waits: list[float] = []
    failure = NodeError("eth_blockNumber: HTTP 503 Service Unavailable", transient=True)
    script = Script(*[failure] * 10)
    with pytest.raises(ReadError) as error:
        _reader(script, waits).latest_block()
    assert len(script.calls) == 4 and len(waits) == 3
    assert str(error.value) == (
        "eth_blockNumber: HTTP 503 Service Unavailable (still failing after 4 attempts)"
    )


def test_other_failures_are_not_retried():
    waits: list[float] = []
    script = Script(NodeError("eth_call: execution reverted (code 3)", transient=False, code=3))
    with pytest.raises(CallReverted):
        _reader(script, waits).call("0x" + "11" * 20, "REGISTRY()", [], [], 5)
    assert waits == [] and len(script.calls) == 1
    script = Script(NodeError("eth_chainId: method not found", transient=False, code=-32601))
    with pytest.raises(ReadError):
        _reader(script, waits).chain_id()
    assert waits == []


def test_a_refused_log_range_is_halved_and_a_rate_limit_is_retried_at_the_same_size():
    spans: list[int] = []
    refused = {"count": 0}

    def request(method: str, params: list[Any]) -> Any:
        query = params[0]
        span = int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1
        spans.append(span)
        if span > 25:
            raise NodeError("eth_getLogs: query exceeds max block range 25 (code -32005)", transient=False)
        if len(spans) == 4 and not refused["count"]:
            refused["count"] += 1
            raise NodeError("eth_getLogs: rate limit exceeded (code -32005)", transient=True)
        return []

    waits: list[float] = []
    reader = ChainReader(request, Backoff(attempts=3, base=0.01), sleep=waits.append)
    assert reader.logs(["0x" + "11" * 20], ["0x00"], 0, 99, page_size=100) == []
    # 100 and 50 refused; pages of 25 from then on; the rate-limited page is asked again as it was.
    assert spans == [100, 50, 25, 25, 25, 25, 25]
    assert waits == [0.01]


def test_a_transient_log_failure_that_persists_is_not_mistaken_for_a_range_refusal():
    script = Script(*[NodeError("eth_getLogs: HTTP 429", transient=True)] * 5, answer=[])
    with pytest.raises(ReadError, match="still failing after 3 attempts"):
        ChainReader(script, Backoff(attempts=3, base=0.01), sleep=lambda _: None).logs(
            ["0x" + "11" * 20], ["0x00"], 0, 99, page_size=100
        )
    assert len(script.calls) == 3  # the page was not halved


def test_failure_classes():
    assert is_transient(requests.Timeout()) and is_transient(TimeoutError())
    response = requests.Response()
    response.status_code = 502
    assert is_transient(requests.HTTPError(response=response))
    response.status_code = 400
    assert not is_transient(requests.HTTPError(response=response))
    assert not is_transient(ValueError("query returned more than 10000 results"))
    assert not is_transient(ValueError("execution reverted"))


def test_urls_lose_their_secrets():
    assert public_network(f"optimism:sepolia:{SECRET_URL}") == "optimism:sepolia"
    assert public_network("ethereum:local:foundry") == "ethereum:local:foundry"  # a name, no secret
    assert public_network("ethereum:local") == "ethereum:local"
    assert public_network(SECRET_URL) == "custom"
    assert node_of(f"optimism:sepolia:{SECRET_URL}") == "https://opt-mainnet.example.com:8443"
    text = redact_urls(f"could not reach {SECRET_URL}, giving up")
    assert text == "could not reach https://opt-mainnet.example.com:8443, giving up"
    for secret in ("SECRETKEY", "SECRET2", "user", "pw"):
        assert secret not in text


def test_a_splitter_target_checks_its_values():
    target = SplitterTarget(10, "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", deployed_block=5)
    assert target.address == "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"  # checksummed
    for args, message in [
        ((10, "0x9Fe46736679d2D9a65F0992F2272dE9f3c7fa6e0"), "fails its EIP-55 checksum"),
        ((10, "0x1234"), "is not an address"),
        ((0, "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"), "chain id 0 is outside"),
        ((10, "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", "", -1), "is not a block number"),
    ]:
        with pytest.raises(ValueError, match=message):
            SplitterTarget(*args)
