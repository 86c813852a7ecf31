"""`ape run propose <change> [options] --network ...`: a governance proposal for a deployment
(register-chain, set-terms, set-treasury, set-collective, set-destination, pause,
accept-ownership). The commands live in `revshare.governance.command`."""

from revshare.governance.command import cli

__all__ = ["cli"]
