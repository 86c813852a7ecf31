"""JSON-RPC for the report: one HTTP client whose errors say what went wrong in one line (never
the node's URL, which may carry an API key), the test for a transient failure worth retrying,
and the bounded exponential backoff the reader retries with.

The report talks to the node over plain HTTP with `requests` rather than through ape's
provider, so that it alone decides what is retried and how long it waits (ape backs off a
rate-limited request for up to 30 s a try, ten times, and passes other transient failures on).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from revshare.chain.node import connection_failure, redact_urls

Request = Callable[[str, list[Any]], Any]
USER_AGENT = "revshare-report"
TIMEOUT = 30.0  # seconds per request

# Words of transient failures in the messages of nodes, proxies and client libraries.
TRANSIENT_TEXT = re.compile(
    r"rate.?limit|too many requests|\b429\b|timed? ?out|timeout|temporarily|try again|"
    r"connection (?:reset|aborted|refused|closed|dropped)|remote ?end closed|remotedisconnected|"
    r"bad gateway|service unavailable|gateway time|\b50[0234]\b|capacity",
    re.IGNORECASE,
)


class NodeError(Exception):
    """A request the node did not answer with a result. ``transient``: worth trying again."""

    def __init__(self, message: str, *, transient: bool, code: int | None = None, data: str | None = None):
        super().__init__(message)
        self.transient = transient
        self.code = code
        self.data = data  # a revert's data (hex), when the node gives it


def is_transient(exc: BaseException) -> bool:
    """A rate limit, a timeout, a dropped or refused connection, or a 5xx answer."""
    if isinstance(exc, NodeError):
        return exc.transient
    if isinstance(exc, TimeoutError | ConnectionError | requests.Timeout | requests.ConnectionError):
        return True
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return bool(TRANSIENT_TEXT.search(str(exc)))


def is_revert(exc: BaseException) -> bool:
    """A call the contract (or the absence of one) refused."""
    if isinstance(exc, NodeError) and exc.code == 3:
        return True
    return "revert" in str(exc).lower()


def one_line(exc: BaseException, limit: int = 300) -> str:
    """An error as one line with no URL secrets."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = redact_urls(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Backoff:
    """At most ``attempts`` tries of a request; waits ``base``, 2·base, … (at most ``cap``) s."""

    attempts: int = 6
    base: float = 0.25
    cap: float = 4.0

    def delays(self) -> Iterator[float]:
        for attempt in range(self.attempts - 1):
            yield min(self.cap, self.base * 2**attempt)


class HttpJsonRpc:
    """``request(method, params)`` over HTTP(S) to one node, with a keep-alive session."""

    def __init__(self, uri: str, timeout: float = TIMEOUT):
        self._uri = uri
        self._timeout = timeout
        self._ids = itertools.count(1)
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT

    def __call__(self, method: str, params: list[Any]) -> Any:
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        try:
            response = self._session.post(self._uri, json=body, timeout=self._timeout)
        except requests.Timeout:
            raise NodeError(f"{method}: no answer within {self._timeout:g} s", transient=True) from None
        except requests.ConnectionError as exc:
            raise NodeError(f"{method}: {connection_failure(exc)}", transient=True) from None
        status = response.status_code
        if status != 200:
            reason = response.reason or "error"
            transient = status == 429 or status >= 500
            raise NodeError(f"{method}: HTTP {status} {reason}", transient=transient)
        try:
            reply = response.json()
        except ValueError:
            raise NodeError(f"{method}: the node's answer is not JSON", transient=True) from None
        error = reply.get("error") if isinstance(reply, dict) else None
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = error.get("message", error) if isinstance(error, dict) else error
            text = f"{method}: {message}" + (f" (code {code})" if code is not None else "")
            data = error.get("data") if isinstance(error, dict) else None
            raise NodeError(
                text,
                transient=bool(TRANSIENT_TEXT.search(str(message))),
                code=code,
                data=data if isinstance(data, str) else None,
            )
        if not isinstance(reply, dict) or "result" not in reply:
            raise NodeError(f"{method}: the node's answer has no result", transient=True)
        return reply["result"]


def wait_for_receipt(
    rpc: Request, tx_hash: str, timeout: float, poll: float = 0.5, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    """The receipt of ``tx_hash`` once mined; a transient NodeError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        receipt = rpc("eth_getTransactionReceipt", [tx_hash])
        if receipt:
            return dict(receipt)
        sleep(poll)
    raise NodeError(f"transaction {tx_hash} not mined within {timeout:g} s", transient=True)


def provider_request(provider: Any) -> Request:
    """The report's JSON-RPC to ape's connected provider: over HTTP where it has an HTTP URI."""
    uri = getattr(provider, "http_uri", None)
    return HttpJsonRpc(uri) if uri else provider.make_request
