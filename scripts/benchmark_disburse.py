"""`ape run benchmark_disburse [--days 4]`: gas of the splitter's disbursement next to a Base-style
FeeDisburser over OP's real vaults and bridge, with the ratio. The command lives in
`tools.disburse_benchmark` (a development tool)."""

from tools.disburse_benchmark import cli

__all__ = ["cli"]
