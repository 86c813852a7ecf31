"""`ape run report [--network ...] [--records DIR | --splitter CHAIN_ID=ADDRESS ...]`

Builds the transparency report from chain data alone: per chain and period gross revenue, L1
cost, net, both shares, the effective rate and the rule applied, a wei-level reconciliation of
vault withdrawals, disbursements, payouts and claimable balances, and the files (text, CSV,
JSON, PNG charts, HTML) in a reports folder. Exits 3 when it finds an unexplained gap, 2 when the
chain does not hold what it was asked to read (no contract, another chain, a range the node does
not have), 1 when the node keeps failing; every error is one line.
"""

from revshare.report.command import cli

__all__ = ["cli"]
