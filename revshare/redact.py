"""Keeping RPC URLs (and the API keys and passwords they carry) out of what the toolkit prints
and publishes.

An ape network choice may end in the node's URL (``optimism:sepolia:https://u:p@host/v2/KEY``).
Published files name the network by ``ecosystem:network`` only (`public_network`); messages for
the terminal may name the node by scheme, host and port (`redact_url`, `redact_urls`), never by
its path, query or credentials, where providers put keys.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

URL_PATTERN = re.compile(r"\b(?:https?|wss?)://[^\s'\"<>,)\]]+", re.IGNORECASE)


def public_network(choice: str) -> str:
    """``optimism:sepolia`` for ``optimism:sepolia:https://user:pw@host/v2/KEY`` (or ``:node``)."""
    ecosystem, _, rest = choice.partition(":")
    if URL_PATTERN.match(choice) or not rest:
        return "custom" if URL_PATTERN.match(choice) else (ecosystem or "unknown")
    network = rest.split(":", 1)[0]
    return f"{ecosystem}:{network}" if network else ecosystem


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
