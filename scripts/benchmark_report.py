"""`ape run benchmark_report [--chains 1 --chains 10] [--days 365]`: the transparency report's read,
render and write times over a scripted year of daily disbursements, cold and warm. The command
lives in `tools.benchmark_report` (a development tool)."""

from tools.benchmark_report import cli

__all__ = ["cli"]
