"""Superchain revenue-share toolkit. The reference model (`model`, `epochs`) is importable without
ape or a node; `chain` reads the chain, `deploying`, `governance` and `report` are what a user
does, `demo` runs it all on a local node, and `artifacts` carries the compiled contracts.
`docs/architecture.md` has the map."""

from revshare.model import BPS_DENOMINATOR, DEFAULT_GROSS_BPS, DEFAULT_NET_BPS, Split, split

__all__ = ["BPS_DENOMINATOR", "DEFAULT_GROSS_BPS", "DEFAULT_NET_BPS", "Split", "split"]
