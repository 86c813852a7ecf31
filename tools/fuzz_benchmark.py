"""Throughput of the property-testing suite: split cases checked per second through the batched
view harness, stateful steps per second, and the last mutation score."""

from __future__ import annotations

import json
import multiprocessing
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger
from eth_utils import keccak

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
        return rng.randrange(10**24) if roll < 0.6 else rng.getrandbits(256)

    def bps() -> int:
        return rng.randrange(10_001) if rng.random() < 0.9 else rng.choice(BPS_EDGES)

    return [amount(), amount(), bps(), bps()]


SPLIT_MANY = keccak(text="splitMany(uint256[4][])")[:4]
BPS_EDGES = [10_001, 65_535, UINT256_MAX]


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def encode_split_many(cases: list[list[int]]) -> str:
    """Calldata of `splitMany(cases)`, written out (the ABI of a static-tuple array is plain words)."""
    body = b"".join(_word(v) for case in cases for v in case)
    return "0x" + (SPLIT_MANY + _word(32) + _word(len(cases)) + body).hex()


def decode_split_many(result: str, count: int) -> tuple[list[int], list[int], list[int]]:
    """The three arrays `splitMany` returns (collective shares, chain shares, net rule flags)."""
    data = bytes.fromhex(result[2:])
    words = [int.from_bytes(data[i : i + 32], "big") for i in range(0, len(data), 32)]
    arrays = []
    for offset in words[:3]:
        start = offset // 32
        if words[start] != count:
            raise AssertionError(f"splitMany returned {words[start]} results for {count} cases")
        arrays.append(words[start + 1 : start + 1 + count])
    collective, chain, net_rule = arrays
    return collective, chain, net_rule


def check_batch(uri: str, address: str, seed: int, batch_size: int) -> int:
    """One batch: generate `batch_size` cases from `seed`, evaluate them with one raw `eth_call`
    of `splitMany`, check each against the Python model; returns the number checked."""
    import requests

    rng = random.Random(seed)
    cases = [random_case(rng) for _ in range(batch_size)]
    call = {"jsonrpc": "2.0", "id": seed, "method": "eth_call"}
    call["params"] = [{"to": address, "data": encode_split_many(cases), "gas": hex(10**9)}, "latest"]
    answer = requests.post(uri, json=call, timeout=120).json()
    if "error" in answer:
        raise AssertionError(f"splitMany failed: {answer['error']}")
    collective, chain, net_rule = decode_split_many(answer["result"], batch_size)
    for index, case in enumerate(cases):
        got = (collective[index], chain[index], bool(net_rule[index]))
        if got != tuple(split(*case)):
            raise AssertionError(f"contract and model disagree on {case}: {got} != {tuple(split(*case))}")
    return batch_size


def batched_cases_per_second(
    harness: Any, batches: int = 40, batch_size: int = 2_000, seed: int = 1, workers: int = 2
) -> float:
    """Cases checked per second: `workers` processes each generate a batch, evaluate it on the
    node in one call and check every case against the Python model (the node runs alongside)."""
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
