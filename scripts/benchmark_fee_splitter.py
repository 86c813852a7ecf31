"""`ape run benchmark_fee_splitter`: gas of one OP FeeSplitter disbursement with the
registry-driven calculator next to a fixed-rate one, same node and balances. The command lives in
`tools.fee_splitter_benchmark` (a development tool)."""

from tools.fee_splitter_benchmark import cli

__all__ = ["cli"]
