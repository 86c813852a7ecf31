"""`ape run benchmark_shared`: gas per shared-sequencer epoch report for 1-256 chains, against a
naive push design in the same run. The command lives in `tools.gas_benchmark` (a development tool)."""

from tools.gas_benchmark import cli

__all__ = ["cli"]
