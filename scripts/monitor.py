"""`ape run monitor --config superchain.yaml [--out DIR] [--to-block latest] [--period week] [--fresh]`

What every OP Stack chain in the config owed the Optimism Collective and what it paid, read from
the chains themselves: fee vault withdrawals (both vault generations), this project's splitters,
OP's FeeSplitter, Base-style FeeDisbursers and payments into the Collective's Safes on L2 and L1.
Writes terminal tables, CSV/JSON, a chart and one HTML dashboard; keeps what it read in a local
SQLite store so a re-run reads only new blocks. Exit 3 when a finding needs a look.
"""

from revshare.monitor.command import cli

__all__ = ["cli"]
