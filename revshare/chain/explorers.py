"""Block explorers of the networks the toolkit knows: where a person looks at an address or a
transaction, and the Etherscan-compatible API that verifies source code there. Etherscan's V2 API
serves every chain it indexes at one URL, told apart by ``chainid``; other explorers (Blockscout
and its kin speak the same API at ``/api``) are given on the command line."""

from __future__ import annotations

from dataclasses import dataclass

ETHERSCAN_V2_API = "https://api.etherscan.io/v2/api"


@dataclass(frozen=True)
class Explorer:
    """One network's explorer: its pages and its verification API."""

    url: str  # e.g. https://optimistic.etherscan.io (no trailing slash)
    api: str = ETHERSCAN_V2_API
    chain_id: int | None = None  # sent as ``chainid`` to a multi-chain API (Etherscan V2)

    def address_url(self, address: str) -> str:
        return f"{self.url}/address/{address}"

    def tx_url(self, tx_hash: str) -> str:
        return f"{self.url}/tx/{tx_hash}"


KNOWN: dict[int, str] = {
    1: "https://etherscan.io",
    11155111: "https://sepolia.etherscan.io",
    10: "https://optimistic.etherscan.io",
    11155420: "https://sepolia-optimism.etherscan.io",
    8453: "https://basescan.org",
    84532: "https://sepolia.basescan.org",
    130: "https://uniscan.xyz",
    1301: "https://sepolia.uniscan.xyz",
}


def explorer_for(chain_id: int, url: str | None = None, api: str | None = None) -> Explorer | None:
    """The explorer of ``chain_id``: pages at ``url`` (default: the known Etherscan site of that
    chain) and the verification API at ``api`` (default: Etherscan's V2 API); None when neither
    is given and the chain is not known."""
    page = (url or KNOWN.get(chain_id) or "").rstrip("/")
    if not page and api is None:
        return None
    endpoint = (api or ETHERSCAN_V2_API).rstrip("/")
    multi_chain = endpoint == ETHERSCAN_V2_API
    return Explorer(page, api=endpoint, chain_id=chain_id if multi_chain else None)
