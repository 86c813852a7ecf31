"""`make test`'s runner (`tools/test_shards.py`): which files each shard gets, what it passes on
to pytest, the progress it reads from a shard's output, and the durations it records."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import test_shards
from tools.test_shards import (
    Shard,
    file_durations,
    files_under,
    load_durations,
    one_process_reason,
    plan_shards,
    shard_count,
    split_arguments,
)


def test_paths_are_told_from_pytest_options():
    paths, options = split_arguments(["-k", "splitter", "-x", "tests/functional", "tests/conftest.py::x"])
    assert paths == ["tests/functional", "tests/conftest.py::x"]
    assert options == ["-k", "splitter", "-x"]
    assert split_arguments(["-x"]) == (["tests"], ["-x"])
    assert split_arguments(["--durations", "5", "no/such/path"]) == (
        ["tests"],
        ["--durations", "5", "no/such/path"],
    )
    # an option's value is never a path to test, even where a folder has that name
    assert split_arguments(["-k", "config"]) == (["tests"], ["-k", "config"])
    assert split_arguments(["--ignore", "tests/integration", "tests/functional"]) == (
        ["tests/functional"],
        ["--ignore", "tests/integration"],
    )


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (["-k", "splitter", "-x"], "-x"),
        (["--lf"], "--lf"),
        (["--junitxml=/tmp/report.xml"], "--junitxml"),
        (["--basetemp", "/tmp/base"], "--basetemp"),
        (["--pdb"], "--pdb"),
        (["-k", "splitter", "--durations", "5"], None),
    ],
)
def test_options_that_need_one_process_are_found(options, reason):
    assert one_process_reason(options) == reason


def test_the_shard_count_is_bounded(monkeypatch):
    monkeypatch.setenv("TEST_SHARDS", "100")
    assert shard_count() == test_shards.MAX_SHARDS
    monkeypatch.setenv("TEST_SHARDS", "-1")
    assert shard_count() == 1
    monkeypatch.setenv("TEST_SHARDS", "two")
    with pytest.raises(SystemExit, match="TEST_SHARDS must be a whole number"):
        shard_count()


@pytest.mark.parametrize("text", ["{", "", "[]", '{"tests/x.py": "slow"}'])
def test_unreadable_durations_split_by_count(tmp_path: Path, monkeypatch, text):
    monkeypatch.setattr(test_shards, "TIMINGS", tmp_path / "durations.json")
    monkeypatch.setattr(test_shards, "ROOT", tmp_path)
    (tmp_path / "durations.json").write_text(text)
    assert load_durations() == {}


def test_every_test_file_is_in_exactly_one_shard():
    files = files_under(["tests"])
    assert "tests/functional/test_test_shards.py" in files and "tests/conftest.py" not in files
    durations = {name: float(i % 7 + 1) for i, name in enumerate(files)}
    shards = plan_shards(files, 3, durations)
    assert sorted(f for shard in shards for f in shard.files) == sorted(files)
    weights = [shard.weight for shard in shards]
    assert max(weights) - min(weights) <= max(durations.values())  # longest first onto the lightest


def test_shards_balance_by_duration_and_unknown_files_count_as_the_median():
    durations = {"a.py": 100.0, "b.py": 60.0, "c.py": 50.0, "d.py": 10.0}
    shards = plan_shards(["a.py", "b.py", "c.py", "d.py", "new.py"], 2, durations)
    # a 100 | b 60 | new.py 55 (the median) onto b's | c 50 onto a's | d 10 onto the lighter
    assert [sorted(s.files) for s in shards] == [["a.py", "c.py"], ["b.py", "d.py", "new.py"]]
    assert [s.weight for s in shards] == [150.0, 125.0]
    assert len(plan_shards(["a.py"], 4, durations)) == 1  # no empty shards


def test_progress_counts_each_test_of_those_collected(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("tools.test_shards.WORK", tmp_path)
    shard = Shard(1)
    assert shard.progress() == "starting"
    shard.folder.mkdir()
    shard.output.write_text(
        "platform linux\ncollected 12 items\n\n"
        "tests/functional/test_a.py ..F.s                                     [ 41%]\n"
        "tests/stateful/test_b.py ...\n"
        "..x\n"
    )
    assert shard.progress() == "11/12 tests"


def test_recorded_durations_add_up_per_file(tmp_path: Path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.functional.test_a" name="test_one" time="1.5"/>'
        '<testcase classname="tests.functional.test_a" name="test_two" time="2.0"/>'
        '<testcase classname="tests.stateful.test_b.TestMachine" name="runTest" time="3.25"/>'
        "</testsuite></testsuites>"
    )
    assert file_durations(junit) == {"tests/functional/test_a.py": 3.5, "tests/stateful/test_b.py": 3.25}


def test_a_shard_folder_the_runner_did_not_make_is_never_used(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(test_shards, "WORK", tmp_path)
    monkeypatch.setattr(test_shards, "FULL_RUN", tmp_path / "full-run")
    monkeypatch.setenv("TEST_SHARDS", "2")
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "keep.txt").write_text("mine")
    files = ["tests/functional/test_math.py", "tests/functional/test_model.py"]
    with pytest.raises(SystemExit, match="was not made by this runner"):
        test_shards.main(files)
    assert (tmp_path / "1" / "keep.txt").read_text() == "mine"
