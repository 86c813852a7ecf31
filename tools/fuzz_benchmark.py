"""Throughput of the property-testing suite: split cases checked per second through the batched
view harness, stateful steps per second, and the last mutation score."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from revshare.cli_options import local_network_only
from revshare.model import UINT256_MAX, split
from tools.mutation import RESULTS, STATEFUL_RESULTS

ROOT = Path(__file__).resolve().parents[1]
EDGES = [0, 1, 9_999, 10_000, 2**128, 2**242, UINT256_MAX - 1, UINT256_MAX]


def random_case(rng: random.Random) -> list[int]:
    def amount() -> int:
        roll = rng.random()
        if roll < 0.2:
            return rng.choice(EDGES)
        return rng.randrange(10**24) if roll < 0.6 else rng.randrange(UINT256_MAX + 1)

    def bps() -> int:
        return rng.randrange(10_001) if rng.random() < 0.9 else rng.choice([10_001, 65_535, UINT256_MAX])

    return [amount(), amount(), bps(), bps()]


def batched_cases_per_second(harness: Any, batches: int = 20, batch_size: int = 250, seed: int = 1) -> float:
    """Generate, evaluate on-chain in batches, and check every case against the model."""
    rng = random.Random(seed)
    started = time.perf_counter()
    checked = 0
    for _ in range(batches):
        cases = [random_case(rng) for _ in range(batch_size)]
        collective, chain, net_rule = harness.splitMany(cases)
        for index, case in enumerate(cases):
            expected = split(*case)
            if (collective[index], chain[index], net_rule[index]) != tuple(expected):
                raise AssertionError(f"contract and model disagree on {case}")
        checked += len(cases)
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


@click.command(cls=ConnectedProviderCommand, short_help="Throughput of the property-testing suite")
@click.option("--batches", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--batch-size", default=250, show_default=True, type=click.IntRange(1, 2000))
def cli(batches: int, batch_size: int) -> None:
    """Throughput of the property-testing suite."""
    from ape import accounts, project

    local_network_only("the benchmark")
    logger.set_level("WARNING")
    harness = accounts.test_accounts[0].deploy(project.RevenueShareMathHarness)
    rate = batched_cases_per_second(harness, batches, batch_size)
    click.echo(f"split cases checked against the model: {rate:,.0f} cases/s ({batch_size} per call)")
    click.echo("running the stateful test ...")
    click.echo(f"stateful steps: {stateful_steps_per_second()}")
    click.echo(f"mutation score, relevant tests: {last_mutation_score()}")
    click.echo(f"mutation score, stateful test alone: {last_mutation_score(STATEFUL_RESULTS)}")
