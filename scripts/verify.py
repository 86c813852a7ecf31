"""`ape run verify --network ... [--records DIR]`: verify a deployment's contracts on the block
explorer. The command lives in `revshare.deploying.verify_command`."""

from revshare.deploying.verify_command import cli

__all__ = ["cli"]
