"""The shared-sequencer benchmark runs and its figures are internally consistent (no timing)."""

from tools.gas_benchmark import benchmark_table, marginal, run_benchmark


def test_benchmark_measures_both_designs(project, chain, accounts):
    measurements = run_benchmark(
        project, chain, accounts[0], accounts[1], sizes=(1, 4, 8), log=lambda _: None
    )
    assert [m.chains for m in measurements] == [1, 4, 8]
    for m in measurements:
        assert m.shared_steady < m.shared_first  # creating storage costs more than updating it
        assert m.naive_steady < m.naive_first
    # Pull-based accounting is cheaper per chain than pushing two payments per chain.
    assert marginal(measurements, "shared_steady") < marginal(measurements, "naive_steady")
    table = benchmark_table(measurements)
    assert table.splitlines()[-1].startswith("marginal")
