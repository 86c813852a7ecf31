"""`ape run benchmark_monitor [--chains 10] [--days 365]`: the monitor's first run (events and
blocks read per second) and its incremental re-run after one more day, over a Superchain scripted
on local chains. The command lives in `tools.monitor_benchmark` (a development tool)."""

from tools.monitor_benchmark import cli

__all__ = ["cli"]
