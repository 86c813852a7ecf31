"""`ape run benchmark_fuzz`: split cases checked per second, stateful steps per second and the last
mutation scores. The command lives in `tools.fuzz_benchmark` (a development tool)."""

from tools.fuzz_benchmark import cli

__all__ = ["cli"]
