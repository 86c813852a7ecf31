"""The shared-sequencer benchmark runs and its figures are internally consistent (no timing)."""

import pytest

from tools.gas_benchmark import benchmark_table, calldata_table, marginal, run_benchmark


def test_benchmark_measures_every_design(project, chain, accounts):
    measurements = run_benchmark(
        project, chain, accounts[0], accounts[1], sizes=(1, 4, 8), log=lambda _: None
    )
    assert [m.chains for m in measurements] == [1, 4, 8]
    for m in measurements:
        assert m.shared_steady < m.shared_first  # creating storage costs more than updating it
        assert m.abi_steady < m.abi_first and m.naive_steady < m.naive_first
        assert 0 < m.packed_l1_fee <= m.abi_l1_fee  # OP's oracle was installed and answered
    # Pull-based accounting is cheaper per chain than pushing two payments per chain, and the
    # packed form is cheaper than the ABI one, with 32 bytes of calldata per chain against 96.
    assert marginal(measurements, "shared_steady") < marginal(measurements, "abi_steady")
    assert marginal(measurements, "abi_steady") < marginal(measurements, "naive_steady")
    assert (marginal(measurements, "packed_bytes"), marginal(measurements, "abi_bytes")) == (32, 96)
    assert marginal(measurements, "packed_l1_fee") < marginal(measurements, "abi_l1_fee")
    assert benchmark_table(measurements).splitlines()[-1].startswith("marginal")
    assert calldata_table(measurements).splitlines()[-1].startswith("per chain")


def test_a_dispute_window_costs_per_epoch_not_per_chain(project, chain, accounts):
    from tools.gas_benchmark import dispute_window_cost

    without, with_window, without_more, with_more = dispute_window_cost(
        project, chain, accounts[0], accounts[1], chains=2
    )
    assert with_window > without + 20_000  # the epoch's record: a new slot at least
    # The same per chain either way, to within memory expansion (quadratic in the memory used,
    # so a chain more costs a gas or two more when the epoch's record takes memory too).
    assert without_more - without > 0
    assert abs((with_more - with_window) - (without_more - without)) <= 4


def test_monitor_benchmark_runs_and_checks_its_figures(tmp_path):
    from tools.monitor_benchmark import benchmark_table, run_benchmark

    bench = run_benchmark(chains=2, days=3, out=tmp_path)
    assert bench.exact
    assert bench.first.networks == bench.rerun.networks == 3
    assert 0 < bench.rerun.blocks < bench.first.blocks  # the re-run reads only the new day
    assert "re-run, +1 day" in benchmark_table(bench)


def test_fee_splitter_benchmark_measures_both_calculators(project, chain, accounts):
    from revshare.chain.addresses import PREDEPLOY_VAULTS
    from tools.fee_splitter_benchmark import FEES, benchmark_table
    from tools.fee_splitter_benchmark import run_benchmark as run_fee_splitter

    measurements = run_fee_splitter(project, chain, accounts[0], accounts[1], log=lambda _: None)
    fixed, registry = measurements
    assert (fixed.calculator, registry.calculator) == ("fixed-rate (OP's model)", "registry-driven")
    for m in measurements:
        assert 100_000 < m.steady < m.first  # recipient accounts are created at the first one
    # The registry reads and the payees' second hop cost something, and not more than that.
    assert fixed.steady < registry.steady < fixed.steady + 80_000
    # The measurements were restored: the vaults are empty again.
    assert all(chain.provider.get_balance(str(PREDEPLOY_VAULTS[role])) == 0 for role in FEES)
    assert "registry-driven" in benchmark_table(measurements)


def test_disburse_benchmark_measures_both_designs_against_the_model():
    """Both designs run over OP's real vaults and bridge; `_run` refuses a payout the model does
    not give, so figures only come from correct disbursements."""
    from tools.disburse_benchmark import benchmark_table, run_benchmark

    reference, ours = run_benchmark(days=2, log=lambda _: None)
    for m in (reference, ours):
        assert len(m.gas) == 2 and m.steady < m.first  # accounts and storage created once
    assert benchmark_table([reference, ours]).splitlines()[-1].startswith("ratio (ours / reference)")


def test_fuzz_benchmark_checks_every_case_and_runs_forge(project, accounts, monkeypatch):
    from tools import fuzz_benchmark

    harness = accounts[0].deploy(project.RevenueShareMathHarness)
    assert fuzz_benchmark.batched_cases_per_second(harness, batches=3, batch_size=40, workers=2) > 0
    forge = fuzz_benchmark.run_forge(500)
    assert forge.runs == 500 and forge.seconds > 0
    assert "ratio (harness / forge)" in fuzz_benchmark.comparison_table(2.0, 120, forge)

    # The digest covers every case: a model off by one wei in one case fails the batch, naming it.
    honest = fuzz_benchmark.split_unchecked

    def off_by_one(gross, l1_cost, gross_bps, net_bps):
        collective, chain, net_rule = honest(gross, l1_cost, gross_bps, net_bps)
        return (collective, chain + 1, net_rule) if gross == 9_999 else (collective, chain, net_rule)

    monkeypatch.setattr(fuzz_benchmark, "split_unchecked", off_by_one)
    with pytest.raises(AssertionError, match=r"contract and model disagree: \[9999, "):
        fuzz_benchmark.batched_cases_per_second(harness, batches=2, batch_size=400, workers=1)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s 627ms 527µs 492ns", 1.627527492), ("220ms 19µs 623ns", 0.220019623), ("2m 3s", 123.0)],
)
def test_forge_durations_are_read_exactly(text, seconds):
    from tools.fuzz_benchmark import parse_duration

    assert parse_duration(text) == pytest.approx(seconds, abs=1e-12)
    with pytest.raises(ValueError):
        parse_duration("soon")


@pytest.mark.parametrize(
    ("command", "bad"),
    [
        ("benchmark_shared", ["--l1-base-fee", "nan"]),
        ("benchmark_shared", ["--blob-base-fee", "inf"]),
        ("benchmark_shared", ["--l1-base-fee", "1e70"]),
        ("benchmark_fuzz", ["--batch-size", "9000"]),
    ],
)
def test_benchmark_options_out_of_range_are_one_line_errors(command, bad):
    from tests.integration.helpers import ape_run

    result = ape_run(command, *bad)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output and f"Invalid value for '{bad[0]}'" in output, output


def test_report_benchmark_prints_its_table():
    """`ape run benchmark_report` on a tiny year (one chain, 20 days): the table, cold and warm,
    after a report checked against the script's books."""
    from tests.integration.helpers import ape_run

    result = ape_run("benchmark_report", "--chains", "1", "--days", "20")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    table = output[output.index("case ") :].splitlines()
    assert table[0].split()[:4] == ["case", "run", "read+analyse", "s"], output
    assert [line.split()[5] for line in table[2:4]] == ["cold", "warm"], output
    assert "20 disbursements scripted in" in output
    assert "every month equal to the script's books to the wei: yes" in output
