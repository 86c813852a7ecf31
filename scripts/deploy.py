"""`ape run deploy --config FILE [--chain-id N] [--network ...] [--account ALIAS] [--records DIR]`:
deploy or continue deploying the registry and a chain's splitter. The command lives in
`revshare.deploying.command`."""

from revshare.deploying.command import cli

__all__ = ["cli"]
