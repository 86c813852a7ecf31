"""What may be said in public about the node a command talks to.

An ape network choice may carry an RPC URL, and RPC URLs carry secrets (credentials, API keys in
a path segment or the query string). Files meant to be published (deployment records,
verification artifacts, proposals) and terminal messages name the network by `public_network`
(ecosystem:network, and the provider's name when it is a plain name, never a URL) with its chain
id; `scrub` removes a URL's secret parts from any text (an error message from a library, say);
terminal messages may name the node by scheme, host and port (`redact_url`, `redact_urls`,
`node_of`), never by its path, query or credentials, where providers put keys.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]+")
URL_PATTERN = re.compile(r"\b(?:https?|wss?)://[^\s'\"<>,)\]]+", re.IGNORECASE)
HIDDEN = "[hidden]"
# Path segments and query values shorter than this are too common to hide everywhere ("v1").
_MIN_SECRET = 4


def public_network(choice: str) -> str:
    """``optimism:sepolia:https://user:key@host/v2/KEY`` -> ``optimism:sepolia``;
    ``ethereum:local:foundry`` stays as it is (a provider name is no secret); a bare URL is
    ``custom``."""
    if URL_PATTERN.match(str(choice)):
        return "custom"
    ecosystem, _, rest = str(choice).partition(":")
    network, _, provider = rest.partition(":")
    label = f"{ecosystem}:{network}" if network else ecosystem
    if provider and _PLAIN_NAME.fullmatch(provider):
        label += f":{provider}"
    return label


def url_of(choice: str) -> str | None:
    """The URL part of a network choice, if it has one."""
    _, _, rest = str(choice).partition(":")
    _, _, provider = rest.partition(":")
    return provider if "://" in provider or provider.startswith("/") else None


def url_secrets(url: str) -> list[str]:
    """Every part of ``url`` that may be a secret, longest first: the whole URL, its user
    information, query string, fragment, path, and each path segment and query value."""
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
    except ValueError:
        return [url]
    userinfo = parts.netloc.rpartition("@")[0]
    found = {url, userinfo, username or "", password or "", parts.query, parts.fragment}
    if parts.path not in ("", "/"):
        found.add(parts.path)
        found.update(segment for segment in parts.path.split("/") if len(segment) >= _MIN_SECRET)
    for pair in parts.query.split("&"):
        found.add(pair)
        found.add(pair.partition("=")[2])
    return sorted((s for s in found if len(s) >= _MIN_SECRET), key=len, reverse=True)


def scrub(text: str, url: str | None) -> str:
    """``text`` with every secret part of ``url`` replaced by ``[hidden]``."""
    if not url:
        return text
    for secret in url_secrets(url):
        text = text.replace(secret, HIDDEN)
    return text


def provider_url(provider: Any) -> str | None:
    """The URL an ape provider talks to (None when it has none, or is not configured)."""
    for name in ("uri", "http_uri"):
        try:
            value = getattr(provider, name, None)
        except Exception:  # ape raises when a network has no URL configured
            continue
        if isinstance(value, str) and value:
            return value
    return None


def connection_failure(exc: BaseException) -> str:
    """A failed connection to a node in a few words (from the client library's message)."""
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "resolve" in text or "nodename" in text:
        return "unknown host"
    if "closed" in text or "aborted" in text or "reset" in text or "disconnected" in text:
        return "connection dropped"
    return "connection failed"


def unreachable_reason(url: str | None, timeout: float = 5.0) -> str:
    """Why a node does not answer, in a few words (asks it for its chain id once)."""
    import requests

    if not url or not url.startswith(("http://", "https://")):
        return "no answer"
    try:
        response = requests.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=timeout
        )
    except requests.exceptions.Timeout:
        return "timed out"
    except requests.exceptions.ConnectionError as exc:
        return connection_failure(exc)
    except requests.exceptions.RequestException:
        return "bad URL"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        response.json()["result"]
    except (ValueError, KeyError, TypeError):
        return "not a JSON-RPC node"
    return "the node answers, but ape could not connect to it"


def redact_url(url: str) -> str:
    """``https://host:port`` for a node URL: no credentials, path or query."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<node URL>"
    return f"{parts.scheme}://{host}{port}"


def redact_urls(text: str) -> str:
    """``text`` with every URL in it cut down to its scheme, host and port."""
    return URL_PATTERN.sub(lambda match: redact_url(match.group(0)), text)


def node_of(choice: str) -> str:
    """The redacted node URL in a network choice, or the choice's provider name."""
    match = URL_PATTERN.search(choice)
    if match:
        return redact_url(match.group(0))
    parts = choice.split(":")
    return parts[2] if len(parts) > 2 and parts[2] else "the default provider"
