"""Throughput of the property-testing suite: split cases checked per second through the batched
view harness next to forge's fuzzer on the same invariant (npm `@foundry-rs/forge`, compiled with
the project's solc front end), stateful steps per second, and the last mutation scores."""

from __future__ import annotations

import gc
import json
import multiprocessing
import random
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from ape.logging import logger
from eth_utils import keccak

from revshare.chain.rpc import HttpJsonRpc, NodeError
from revshare.cli_options import LocalNodeCommand, local_network_only
from revshare.model import UINT256_MAX, split_unchecked
from revshare.terminal import render_table
from tools.mutation import RESULTS, STATEFUL_RESULTS

ROOT = Path(__file__).resolve().parents[1]
EDGES = [0, 1, 9_999, 10_000, 2**128, 2**242, UINT256_MAX - 1, UINT256_MAX]


BPS_EDGES = [10_001, 65_535, UINT256_MAX]
SPLIT_MANY = keccak(text="splitMany(uint256[4][])")[:4]
SPLIT_MANY_DIGEST = keccak(text="splitManyDigest(uint256[4][])")[:4]


def random_case(rng: random.Random) -> list[int]:
    """[gross, l1Cost, grossBps, netBps]. Amounts: an edge value (20%), a realistic one below
    2^80 (40%) or any uint256 (40%); rates: 0-10,000 (90%) or an invalid one above it (10%).
    One 32-bit draw picks the kinds, so a case costs few calls into `random`."""
    kinds = rng.getrandbits(32)
    case = []
    for shift in (0, 8):
        roll = (kinds >> shift) & 0xFF
        if roll < 51:
            case.append(EDGES[roll & 7])
        else:
            case.append(rng.getrandbits(80 if roll < 154 else 256))
    for shift in (16, 24):
        roll = (kinds >> shift) & 0xFF
        case.append(BPS_EDGES[roll % 3] if roll < 26 else rng.getrandbits(14) % 10_001)
    return case


def _words(values: list[int]) -> bytes:
    return b"".join([int.to_bytes(value, 32) for value in values])


def _cases_calldata(selector: bytes, cases: list[list[int]]) -> str:
    """Calldata of `f(uint256[4][] cases)`: a static-tuple array is plain words, written out."""
    return "0x" + (selector + _words([32, len(cases)]) + _words([v for case in cases for v in case])).hex()


def expected_digest(cases: list[list[int]]) -> bytes:
    """What `splitManyDigest(cases)` must return: the digest of the Python model's splits."""
    values = []
    for case in cases:
        values += split_unchecked(*case)  # (collective, chain, net rule applied) as ints
    return keccak(_words(values))


def _eth_call(uri: str, address: str, data: str) -> bytes:
    try:
        result = HttpJsonRpc(uri, timeout=120)(
            "eth_call", [{"to": address, "data": data, "gas": hex(10**9)}, "latest"]
        )
    except NodeError as exc:
        raise AssertionError(f"the harness call failed: {exc}") from None
    return bytes.fromhex(result[2:])


def first_disagreement(uri: str, address: str, cases: list[list[int]]) -> str:
    """The first case where the contract and the model differ, from the full results."""
    data = _eth_call(uri, address, _cases_calldata(SPLIT_MANY, cases))
    words = [int.from_bytes(data[i : i + 32]) for i in range(0, len(data), 32)]
    columns = [words[offset // 32 + 1 : offset // 32 + 1 + len(cases)] for offset in words[:3]]
    for index, case in enumerate(cases):
        got = (columns[0][index], columns[1][index], bool(columns[2][index]))
        want = tuple(split_unchecked(*case))
        if got != want:
            return f"{case}: contract {got}, model {want}"
    return "no single case differs (the digest does)"


def check_batch(uri: str, address: str, seed: int, batch_size: int) -> int:
    """One batch: `batch_size` cases from `seed` evaluated by one raw `eth_call` of the harness's
    `splitManyDigest`, compared with the digest of the Python model's splits of the same cases
    (any difference in any case changes it); returns the number checked."""
    gc.disable()  # a batch allocates only acyclic lists of ints: nothing for the collector to find
    rng = random.Random(seed)
    cases = [random_case(rng) for _ in range(batch_size)]
    got = _eth_call(uri, address, _cases_calldata(SPLIT_MANY_DIGEST, cases))
    if got != expected_digest(cases):
        raise AssertionError(f"contract and model disagree: {first_disagreement(uri, address, cases)}")
    return batch_size


def batched_cases_per_second(
    harness: Any, batches: int = 50, batch_size: int = 2_000, seed: int = 1, workers: int = 2
) -> float:
    """Cases checked per second: `workers` processes each generate a batch, have the node
    evaluate it in one call while computing the model's digest, and compare the two."""
    uri, address = harness.provider.uri, str(harness.address)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(check_batch, uri, address, seed + i, batch_size) for i in range(batches)]
        checked = sum(future.result() for future in futures)
    return checked / (time.perf_counter() - started)


def stateful_steps_per_second() -> str:
    """Run the stateful test once and report the rate it prints."""
    ape = str(Path(sys.executable).with_name("ape"))
    result = subprocess.run(
        [ape, "test", "tests/stateful", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"stateful: (\d+) steps in (\d+) examples, ([\d.]+) steps/s", result.stdout)
    if result.returncode != 0 or not match:
        return "stateful test failed (run `make test TEST_ARGS=tests/stateful`)"
    return f"{match.group(3)} steps/s ({match.group(1)} steps in {match.group(2)} examples)"


def last_mutation_score(results: Path = RESULTS) -> str:
    if not results.exists():
        return "not measured yet (run `make mutation`)"
    outcomes = json.loads(results.read_text())
    valid = [o for o in outcomes if o["status"] != "invalid"]
    killed = sum(o["status"] == "killed" for o in valid)
    survivors = [o["id"] for o in valid if o["status"] == "survived"]
    tail = f"; survivors: {', '.join(survivors)}" if survivors else ""
    return f"{killed}/{len(valid)} mutants killed{tail}"


FORGE_PROJECT = ROOT / "tools" / "forge_fuzz"
MAX_BATCH = 5_000  # 5,000 cases are about 1.3 MB of hex in one JSON-RPC request
_DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}


@dataclass(frozen=True)
class ForgeRun:
    """forge's fuzzer on `tools/forge_fuzz/test/SplitFuzz.t.sol`: runs and the time they took."""

    runs: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.runs / self.seconds


def parse_duration(text: str) -> float:
    """forge's durations ("1s 627ms 527µs 492ns") in seconds."""
    parts = re.findall(r"([\d.]+)\s*(h|ms|µs|us|ns|m|s)\b", text)
    if not parts or "".join(f"{v}{u}" for v, u in parts) != text.replace(" ", ""):
        raise ValueError(f"not a forge duration: {text!r}")
    return sum(float(value) * _DURATION_UNITS[unit] for value, unit in parts)


def forge_binary() -> str:
    found = ROOT / ".build" / "bin" / "forge"
    if found.exists():
        return str(found)
    on_path = shutil.which("forge")
    if on_path is None:
        raise click.ClickException("forge is not installed: run `make install` (npm @foundry-rs/forge)")
    return on_path


def run_forge(runs: int) -> ForgeRun:
    """Fuzz the split invariant with forge (compiled offline with the project's solc front end)
    and return the runs of the fuzz test and the time forge reports for that test alone."""
    command = [forge_binary(), "test", "--json", "--fuzz-runs", str(runs), "--match-test", "testFuzz_"]
    result = subprocess.run(command, cwd=FORGE_PROJECT, capture_output=True, text=True, check=False)
    try:
        (suite,) = json.loads(result.stdout).values()
        ((name, test),) = suite["test_results"].items()
    except (ValueError, KeyError) as exc:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise click.ClickException(f"forge did not run the fuzz test ({exc}): {' / '.join(tail)}") from None
    if test["status"] != "Success":
        raise click.ClickException(f"forge: {name} failed: {test.get('reason')} {test.get('counterexample')}")
    return ForgeRun(runs=test["kind"]["Fuzz"]["runs"], seconds=parse_duration(test["duration"]))


def comparison_table(harness_rate: float, harness_cases: int, forge: ForgeRun) -> str:
    rows = [
        ["batched harness (anvil + Python model)", f"{harness_cases:,}", f"{harness_rate:,.0f}"],
        ["forge fuzzer (same invariant)", f"{forge.runs:,}", f"{forge.rate:,.0f}"],
        ["ratio (harness / forge)", "", f"{harness_rate / forge.rate:.2f}"],
    ]
    return render_table(["checker", "cases", "cases/s"], rows)


@click.command(cls=LocalNodeCommand, short_help="Throughput of the property-testing suite")
@click.option("--batches", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.option(
    "--batch-size",
    default=2_000,
    show_default=True,
    type=click.IntRange(1, MAX_BATCH),
    help="Cases per call (a node takes requests up to about 2 MiB)",
)
@click.option(
    "--workers", default=3, show_default=True, type=click.IntRange(1, 32), help="Checking processes"
)
@click.option("--forge-runs", default=200_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--skip-stateful", is_flag=True, help="Do not run the stateful test (it takes a minute)")
def cli(batches: int, batch_size: int, workers: int, forge_runs: int, skip_stateful: bool) -> None:
    """Throughput of the property-testing suite, next to forge's fuzzer on the same invariant."""
    from ape import accounts, project

    local_network_only("the benchmark")
    logger.set_level("WARNING")
    harness = accounts.test_accounts[0].deploy(project.RevenueShareMathHarness)
    click.echo(
        f"batched harness: {batches} batches of {batch_size} split cases, {workers} checking processes ..."
    )
    try:
        rate = batched_cases_per_second(harness, batches, batch_size, workers=workers)
    except AssertionError as failure:
        raise click.ClickException(f"the batched harness failed: {failure}") from None
    click.echo(f"forge: {forge_runs:,} fuzz runs of tools/forge_fuzz/test/SplitFuzz.t.sol ...")
    forge = run_forge(forge_runs)
    click.echo("")
    click.echo(comparison_table(rate, batches * batch_size, forge))
    click.echo(
        "Both check RevenueShareMath.split on random uint256 amounts and rates against a reference "
        "(the Python model; an independent mulDiv one in Solidity). Goal: ratio >= 1.00.\n"
    )
    if not skip_stateful:
        click.echo("running the stateful test ...")
        click.echo(f"stateful steps: {stateful_steps_per_second()}")
    click.echo(f"mutation score, relevant tests: {last_mutation_score()}")
    click.echo(f"mutation score, stateful test alone: {last_mutation_score(STATEFUL_RESULTS)}")
