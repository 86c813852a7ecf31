"""The mutation check's catalogue stays in step with the contracts, and its exit status is an
honest gate (the check itself runs with `make mutation`, in CI right after `make test`)."""

import subprocess
from pathlib import Path

import pytest

from tools import mutation
from tools.mutation import MUTANTS, ROOT, Outcome, gate_failures


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.id)
def test_each_mutant_targets_one_spot(mutant):
    source = (ROOT / mutant.file).read_text()
    assert source.count(mutant.original) == 1
    assert mutant.replacement != mutant.original
    assert mutant.tests


def test_mutant_ids_are_unique():
    ids = [m.id for m in MUTANTS]
    assert len(ids) == len(set(ids))


def outcome(status, equivalent_because=""):
    return Outcome("m", "a bug", status, 1.0, equivalent_because)


def test_gate_fails_on_an_unexplained_survivor_or_a_stale_mutant():
    assert gate_failures([outcome("killed"), outcome("survived", "same behaviour")]) == []
    assert gate_failures([outcome("killed"), outcome("survived")]) == [
        "m: survived (a bug): the tests miss this bug"
    ]
    assert gate_failures([outcome("invalid")]) == [
        "m: the mutant does not compile (update its catalogue entry)"
    ]
    # The stateful-only run is a measurement: its survivors do not fail it (a stale mutant does).
    assert gate_failures([outcome("survived")], stateful=True) == []
    assert gate_failures([outcome("invalid")], stateful=True) != []


def test_ci_runs_the_mutation_gate_after_the_tests():
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert steps.index("make mutation") > steps.index("make test")
    assert "set -euo pipefail" in steps


@pytest.mark.parametrize(
    ("statuses", "exit_code"),
    [(["killed", "killed"], 0), (["killed", "survived"], 1), (["invalid", "killed"], 1)],
)
def test_exit_status_follows_the_gate(monkeypatch, tmp_path, capsys, statuses, exit_code):
    """main() wiring, with the project copy, the baseline and the mutant runs stubbed out."""
    chosen = MUTANTS[:2]
    results = iter(statuses)
    monkeypatch.setenv("REVSHARE_HYPOTHESIS_PROFILE", "ci")  # main() sets it; restored afterwards
    monkeypatch.setattr(mutation, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(mutation, "ROOT", tmp_path)
    monkeypatch.setattr(mutation, "_prepare_copy", lambda target: True)
    monkeypatch.setattr(mutation, "check_baseline", lambda project, suites: None)
    monkeypatch.setattr(
        mutation, "run_mutant", lambda m, project, tests: Outcome(m.id, m.description, next(results), 0.0)
    )
    assert mutation.main(["--only", *(m.id for m in chosen)]) == exit_code
    if exit_code:
        assert "MUTATION CHECK FAILED" in capsys.readouterr().out


def test_a_broken_baseline_fails_the_check(monkeypatch, tmp_path):
    def broken(project, suites):
        raise SystemExit("the unmutated project fails tests/functional/test_math.py: fix that first")

    monkeypatch.setenv("REVSHARE_HYPOTHESIS_PROFILE", "ci")
    monkeypatch.setattr(mutation, "_prepare_copy", lambda target: True)
    monkeypatch.setattr(mutation, "check_baseline", broken)
    with pytest.raises(SystemExit) as stopped:
        mutation.main(["--only", MUTANTS[0].id])
    assert stopped.value.code != 0  # a message: exit status 1


def test_a_broken_test_run_is_retried_once_then_stops_the_check(monkeypatch):
    codes = iter([3, 1, 4, 4])
    calls = []

    def fake_run(args, cwd):
        calls.append(args)
        return subprocess.CompletedProcess(args, next(codes), "", "INTERNALERROR> node did not start")

    monkeypatch.setattr(mutation, "_run", fake_run)
    assert mutation._run_tests(["tests/x.py"], Path(".")) == "killed"  # broke, then a real failure
    with pytest.raises(SystemExit, match="the test run itself broke"):
        mutation._run_tests(["tests/x.py"], Path("."))  # broke twice: never a kill
    assert len(calls) == 4


def test_a_mutated_file_recompiles_with_everything_that_imports_it():
    math = mutation.dependents(mutation.MATH, ROOT)
    assert {mutation.MATH, mutation.REGISTRY, mutation.SPLITTER, mutation.SHARED} <= set(math)
    assert "contracts/test/RevenueShareMathHarness.sol" in math
    withdrawals = mutation.dependents(mutation.WITHDRAWALS, ROOT)
    assert {mutation.SPLITTER, mutation.SHARED} <= set(withdrawals)
    assert mutation.REGISTRY not in withdrawals
    assert mutation.dependents(mutation.REGISTRY, ROOT) == [mutation.REGISTRY]
    # Transitively: SystemLens imports the splitter, which imports the math library.
    assert "contracts/test/SystemLens.sol" in math


def test_after_a_mutant_the_copy_gets_its_unmutated_build_back(tmp_path):
    manifest = tmp_path / ".build" / "__local__.json"
    bundle = tmp_path / "revshare" / "artifacts"
    manifest.parent.mkdir(parents=True)
    bundle.mkdir(parents=True)
    manifest.write_text("unmutated manifest")
    (bundle / "ChainRegistry.json").write_text("unmutated bytecode")
    mutation._save_build(tmp_path)
    manifest.write_text("mutated manifest")  # what a mutant's compile and bundle leave behind
    (bundle / "ChainRegistry.json").write_text("mutated bytecode")
    (bundle / "Stray.json").write_text("{}")
    mutation._restore_build(tmp_path)
    assert manifest.read_text() == "unmutated manifest"
    assert {p.name: p.read_text() for p in bundle.iterdir()} == {"ChainRegistry.json": "unmutated bytecode"}


def test_the_baseline_runs_each_test_list_as_a_mutant_would(monkeypatch, tmp_path):
    ran = []

    def fake_tests(args, project):
        ran.append((tuple(args[:-3]), project))  # without "-q -p no:cacheprovider"
        return "survived"

    monkeypatch.setattr(mutation, "_run_tests", fake_tests)
    suites = [("a.py", "b.py"), ("b.py",), ("c.py", "-k", "not slow")]
    mutation.check_baseline([tmp_path / "x", tmp_path / "y"], suites)
    assert sorted(args for args, _ in ran) == sorted(suites)
    monkeypatch.setattr(mutation, "_run_tests", lambda args, project: "killed")
    with pytest.raises(SystemExit, match="the unmutated project fails"):
        mutation.check_baseline([tmp_path / "x"], suites)
