"""Development tools, not part of the `revshare` package: the mutation gate, the gas and fuzzing
benchmarks, the slither gate and the solc front end."""
