"""`make test` on every core: the test files split into shards by their recorded durations, one
`ape test` per shard, each with its own anvil and its own ape data folder, run side by side.

    python -m tools.test_shards [PATHS...] [PYTEST OPTIONS...]
    python -m tools.test_shards --record      # after a full run: store each file's duration

The suite is CPU-bound in one process (the Python side of ape and the `ape run` subprocesses), so
shards side by side use every core, and one more shard than cores fills the time the script tests
wait on blocks. Each shard's output goes to `.build/test-shards/<n>/output.txt`; progress is
printed while they run and every shard's output (failures included) after. The exit status is
non-zero when any shard fails; Ctrl-C or SIGTERM stops every shard's process group.

`TEST_SHARDS=N` sets the number of shards (default: one more than the cores, at most four; at most
eight); `TEST_SHARDS=1`, and options that only mean something in one process (`-x`, `--lf`,
`--pdb`, `--junitxml`, ...), run one plain `ape test`. Files with no recorded duration count as
the median.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from tools.ape_data import own_data_folder

ROOT = Path(__file__).resolve().parents[1]
TIMINGS = ROOT / "tests" / "durations.json"
WORK = Path(os.environ.get("TEST_SHARDS_DIR") or ROOT / ".build" / "test-shards")  # the tests use their own
FULL_RUN = WORK / "full-run"  # present when the last run was the whole suite, unfiltered
SHARD_MARK = ".test-shard"  # in each shard folder: a new run deletes only folders carrying it
SHARD_FILES = {SHARD_MARK, "output.txt", "junit.xml", "ape-data"}
NO_TESTS = 5  # pytest's exit status when a shard's selection is empty (e.g. after -k)
PROGRESS_EVERY = 30.0
# A file's outcome characters, after its path and before the percentage ("tests/x.py ..F. [ 12%]").
OUTCOMES = re.compile(r"^(?:\S+\.py(?:::\S+)? ?)?([.FEsxX]+)(?: +\[ *\d+%\])?$", re.MULTILINE)


@dataclass
class Shard:
    number: int
    files: list[str] = field(default_factory=list)
    weight: float = 0.0
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    elapsed: float = 0.0

    @property
    def folder(self) -> Path:
        return WORK / str(self.number)

    @property
    def output(self) -> Path:
        return self.folder / "output.txt"

    @property
    def junit(self) -> Path:
        return self.folder / "junit.xml"

    def progress(self) -> str:
        """Tests finished of those collected, from pytest's output (a character per test)."""
        text = self.output.read_text(errors="replace") if self.output.exists() else ""
        collected = re.search(r"^collected (\d+) items?", text, re.MULTILINE)
        done = sum(len(found) for found in OUTCOMES.findall(text))
        if collected:
            return f"{done}/{collected[1]} tests"
        return f"{done} tests" if done else "starting"


def default_shards() -> int:
    """One more shard than cores, up to four: the script tests wait on blocks and subprocesses, and
    a third shard fills that time on two cores (measured: 6 min 13 s against 7 min 15 s for two)."""
    return min((os.cpu_count() or 1) + 1, 4)


# pytest options whose value is the next argument (a value may name a path: `-k config`).
VALUE_OPTIONS = {
    "-k", "-m", "-p", "-c", "-o", "-W", "-r", "--ignore", "--ignore-glob", "--deselect", "--basetemp",
    "--rootdir", "--confcutdir", "--junitxml", "--junit-xml", "--durations", "--durations-min",
    "--maxfail", "--tb", "--capture", "--override-ini", "--import-mode", "--log-level", "--log-file",
    "--pythonwarnings", "--hypothesis-seed", "--hypothesis-profile", "--network",
}  # fmt: skip
# Options that only mean what they say in one process: the last-failed cache, stopping at the first
# failure, a debugger at the terminal, one report file, one temporary folder.
ONE_PROCESS_OPTIONS = {
    "--lf", "--last-failed", "--ff", "--failed-first", "--nf", "--new-first", "--sw", "--stepwise",
    "--sw-skip", "--stepwise-skip", "--cache-clear", "--cache-show", "--pdb", "--trace", "-x",
    "--exitfirst", "--maxfail", "--junitxml", "--junit-xml", "--basetemp",
}  # fmt: skip
MAX_SHARDS = 8


def split_arguments(arguments: list[str]) -> tuple[list[str], list[str]]:
    """Paths to test (files, folders, node ids) and everything else, passed to pytest as is."""
    paths, options = [], []
    takes_value = False
    for argument in arguments:
        target = argument.split("::", 1)[0]
        is_path = not takes_value and not argument.startswith("-") and (ROOT / target).exists()
        (paths if is_path else options).append(argument)
        takes_value = argument in VALUE_OPTIONS
    return paths or ["tests"], options


def one_process_reason(options: list[str]) -> str | None:
    """The option that needs the suite in one `ape test`, if any."""
    for option in options:
        name = option.split("=", 1)[0]
        if name in ONE_PROCESS_OPTIONS:
            return name
    return None


def files_under(paths: list[str]) -> list[str]:
    """Every test file under the paths, as pytest would collect them (node ids kept whole)."""
    files: list[str] = []
    for path in paths:
        target = ROOT / path.split("::", 1)[0]
        if target.is_dir():
            files += sorted(str(p.relative_to(ROOT)) for p in target.rglob("test_*.py"))
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def plan_shards(files: list[str], count: int, durations: dict[str, float]) -> list[Shard]:
    """Longest first onto the lightest shard: close to even for a few dozen files."""
    fallback = statistics.median(durations.values()) if durations else 1.0
    shards = [Shard(number + 1) for number in range(count)]
    for name in sorted(files, key=lambda f: -durations.get(f.split("::", 1)[0], fallback)):
        lightest = min(shards, key=lambda shard: shard.weight)
        lightest.files.append(name)
        lightest.weight += durations.get(name.split("::", 1)[0], fallback)
    return [shard for shard in shards if shard.files]


def data_folder(shard: Shard) -> Path:
    """A shard's own ape data folder (see `tools.ape_data`)."""
    return own_data_folder(shard.folder / "ape-data")


def start(shard: Shard, options: list[str]) -> None:
    ape = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
    command = [ape, "test", *shard.files, "-p", "no:cacheprovider", f"--junitxml={shard.junit}", *options]
    environment = {**os.environ, "APE_DATA_FOLDER": str(data_folder(shard))}
    shard.junit.unlink(missing_ok=True)
    with shard.output.open("wb") as output:
        shard.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,
        )
    shard.started = time.monotonic()


def wait(shards: list[Shard]) -> None:
    """Until every shard ends, a progress line every half minute."""
    began = last = time.monotonic()
    running = list(shards)
    while running:
        time.sleep(0.5)
        for shard in list(running):
            assert shard.process is not None
            if shard.process.poll() is not None:
                shard.elapsed = time.monotonic() - shard.started
                running.remove(shard)
        if running and time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            minutes, seconds = divmod(int(last - began), 60)
            states = " · ".join(
                f"shard {s.number}: {'done' if s not in running else s.progress()}" for s in shards
            )
            print(f"  {minutes:2d}:{seconds:02d}  {states}", flush=True)


def stop(shards: list[Shard]) -> None:
    """SIGTERM to each shard's process group (ape stops the nodes it started on it), then SIGKILL to
    whatever of the group is left: nothing of a shard outlives the run."""
    started = [shard.process for shard in shards if shard.process is not None]
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    time.sleep(1)
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def file_durations(junit: Path) -> dict[str, float]:
    """Seconds per test file from a shard's JUnit report (its test cases' times added up)."""
    totals: dict[str, float] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        while module and not module[-1].startswith("test_"):
            module.pop()  # a test class's name
        if module:
            name = "/".join(module) + ".py"
            totals[name] = totals.get(name, 0.0) + float(case.get("time") or 0.0)
    return totals


def record() -> None:
    """Each file's duration from the last run's JUnit reports, which must cover the whole suite."""
    if not FULL_RUN.exists():
        raise SystemExit(
            "the last run under .build/test-shards was not the whole suite: run `make test` first"
        )
    durations: dict[str, float] = {}
    for junit in sorted(WORK.glob("*/junit.xml")):
        durations.update(file_durations(junit))
    tracked = subprocess.run(["git", "ls-files", "tests"], cwd=ROOT, capture_output=True, text=True).stdout
    if tracked:  # not a scratch folder's files
        durations = {name: seconds for name, seconds in durations.items() if name in tracked.split()}
    expected = {name for name in files_under(["tests"]) if not tracked or name in tracked.split()}
    missing = sorted(expected - set(durations))
    if missing:
        raise SystemExit(
            f"no duration for {len(missing)} test files (e.g. {missing[0]}): run `make test` again"
        )
    TIMINGS.write_text(json.dumps({k: round(v, 1) for k, v in sorted(durations.items())}, indent=1) + "\n")
    print(f"{len(durations)} files' durations written to {TIMINGS.relative_to(ROOT)}")


def load_durations() -> dict[str, float]:
    """`tests/durations.json`, or nothing (every file counts the same) when it cannot be read."""
    try:
        durations = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
        if isinstance(durations, dict) and all(isinstance(v, int | float) for v in durations.values()):
            return {str(k): float(v) for k, v in durations.items()}
    except (OSError, ValueError):
        pass
    print(f"note: {TIMINGS.relative_to(ROOT)} is not a map of file to seconds: shards split by count")
    return {}


def shard_count() -> int:
    value = os.environ.get("TEST_SHARDS", "").strip()
    try:
        count = int(value) if value else default_shards()
    except ValueError:
        raise SystemExit(f"TEST_SHARDS must be a whole number, not {value!r}") from None
    return max(1, min(count, MAX_SHARDS))


def made_here(folder: Path) -> bool:
    """A shard folder of this runner: marked, or (an older runner's) holding only what it writes."""
    return (folder / SHARD_MARK).exists() or {p.name for p in folder.iterdir()} <= SHARD_FILES


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(arguments: list[str]) -> int:
    if arguments == ["--record"]:
        record()
        return 0
    paths, options = split_arguments(arguments)
    count = shard_count()
    reason = one_process_reason(options)
    shards = plan_shards(files_under(paths), count, load_durations()) if reason is None else []
    if len(shards) <= 1:
        if reason and count > 1:
            print(f"==> one `ape test` ({reason} needs the whole run in one process)", flush=True)
        os.chdir(ROOT)
        os.execvp("ape", ["ape", "test", *paths, *options])  # as if run directly: Ctrl-C and all
    WORK.mkdir(parents=True, exist_ok=True)
    lock = (WORK / "lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit("another sharded test run is using .build/test-shards: wait for it to end") from None
    for shard in shards:
        if shard.folder.exists() and not made_here(shard.folder):
            raise SystemExit(f"{shard.folder} exists but was not made by this runner: move it away")
    for old in WORK.iterdir():  # the last run's shards (only folders this runner made) and marker
        if old.name.isdigit() and made_here(old):
            shutil.rmtree(old)
    FULL_RUN.unlink(missing_ok=True)
    print(f"==> {len(shards)} test shards side by side (TEST_SHARDS=1 for one):", flush=True)
    for shard in shards:
        shard.folder.mkdir(parents=True, exist_ok=True)
        (shard.folder / SHARD_MARK).touch()
        print(f"  shard {shard.number}: {len(shard.files)} files, about {shard.weight:.0f} s", flush=True)
    signal.signal(signal.SIGTERM, _interrupted)  # a CI cancellation or `timeout` stops the shards too
    began = time.monotonic()
    try:
        for shard in shards:
            start(shard, options)
        wait(shards)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the shards", file=sys.stderr, flush=True)
        stop(shards)
        return 130
    minutes, seconds = divmod(round(time.monotonic() - began), 60)
    took = f"in {minutes} min {seconds} s"
    if paths == ["tests"] and not options:
        FULL_RUN.touch()  # `--record` may use these reports
    codes = []
    for shard in shards:
        assert shard.process is not None
        codes.append(shard.process.returncode)
        print(f"\n==> shard {shard.number} ({shard.elapsed:.0f} s): {' '.join(shard.files)}")
        print(shard.output.read_text(errors="replace").rstrip(), flush=True)
    if all(code == NO_TESTS for code in codes):
        return NO_TESTS
    failed = [s.number for s, code in zip(shards, codes, strict=True) if code not in (0, NO_TESTS)]
    if failed:
        print(f"\nFAILED: shard {', '.join(map(str, failed))} (output above), {took}", file=sys.stderr)
        return 1
    print(f"\nall {len(shards)} shards passed {took}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
