"""`ape run keeper --config keeper.yaml [--send] [--account ALIAS]`

Disburses every configured splitter (and OP's FeeSplitter, where asked) that is due, on every
network in the config: dry run by default, one line per target, exit 1 if any failed.
"""

from revshare.keeper.command import cli

__all__ = ["cli"]
