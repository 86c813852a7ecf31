"""`deploy --dry-run`: the whole deployment tried on a fork of the node, nothing sent.

anvil forks the node at its latest block (`revshare.chain.fork`), the deployer is impersonated
(no key needed), every step still to do is sent there in order, and then the deployment is planned
again on the fork: it must find every step done. What a step would cost is measured, not
estimated. A step the network would refuse (a revert, too little ETH to pay for it) stops the dry
run with that step's name and the node's reason.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Any

from revshare.chain.fork import Fork, ForkError
from revshare.chain.rpc import NodeError
from revshare.deploying.deploy import DeployError, NotEnoughFunds, Prepared
from revshare.deploying.plan import Step, make_plan
from revshare.terminal import Log


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@dataclass(frozen=True)
class Tried:
    """One step as the fork ran it."""

    step: Step
    gas: int
    tx_hash: str


def dry_run(prepared: Prepared, uri: str, gas_price: int, balance: int, log: Log) -> list[Tried]:
    """Send the steps still to do (`Prepared.to_send`: on a complete deployment, its add-ons only)
    to a fork of the node at ``uri``; DeployError on the first one that fails, or when the
    deployment planned again on the fork is not complete;
    NotEnoughFunds when the measured gas at ``gas_price`` costs more than the deployer's
    ``balance`` (a fork may not charge an impersonated account as the network would)."""
    plan = prepared.plan
    tried: list[Tried] = []
    # SIGTERM ends the run through the `with` below (so the fork ends too), as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with Fork(uri) as fork:
            block = int(str(fork.rpc("eth_blockNumber", [])), 16)
            log(f"Dry run on a fork of {plan.network} at block {block:,} (nothing is sent to the network):")
            for step in prepared.to_send:
                try:
                    receipt = fork.send_as(plan.deployer, step.to, step.data)
                except NodeError as exc:
                    if exc.transient:  # the fork lost its node, or the node its patience
                        raise DeployError(f"dry run: the fork could not reach the node ({exc})") from None
                    raise DeployError(f"dry run: '{step.label}' would fail: {exc}") from None
                if int(str(receipt.get("status", "0x0")), 16) != 1:
                    raise DeployError(f"dry run: '{step.label}' reverts on the fork")
                gas = int(str(receipt["gasUsed"]), 16)
                tried.append(Tried(step, gas, str(receipt["transactionHash"])))
                log(f"  {step.label:<60} {gas:>10,} gas  ok")
            if prepared.record.completed:  # only add-ons were tried: each must now be in place
                missing = [step.label for step in prepared.add_ons if not step.check(fork.rpc)]
                if missing:
                    raise DeployError(f"dry run: after every step, still not in place: {', '.join(missing)}")
                return _measured(tried, plan.deployer, gas_price, balance, log)
            nonce = int(str(fork.rpc("eth_getTransactionCount", [plan.deployer, "latest"])), 16)
            again = make_plan(
                fork.rpc,
                prepared.config,
                plan.target,
                plan.deployer,
                network=plan.network,
                chain_id=plan.chain_id,
                local=plan.local,
                nonce=nonce,
                mock_vaults=plan.mock_vaults,
            )
            if again.pending or again.contracts != plan.contracts:
                left = ", ".join(step.label for step in again.pending) or "addresses moved"
                raise DeployError(f"dry run: after every step the deployment is still incomplete ({left})")
    except ForkError as exc:
        raise DeployError(f"dry run: {exc}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    return _measured(tried, plan.deployer, gas_price, balance, log)


def _measured(tried: list[Tried], deployer: str, gas_price: int, balance: int, log: Log) -> list[Tried]:
    """The steps tried, their gas priced; NotEnoughFunds when ``balance`` cannot pay it."""
    total = sum(t.gas for t in tried)
    cost = total * gas_price
    if cost > balance:
        raise NotEnoughFunds(
            f"dry run: every step works, but they take {total:,} gas, ~{cost / 10**18:.6g} ETH at "
            f"{gas_price / 10**9:.4g} gwei, and {deployer} holds {balance / 10**18:.6g} ETH: "
            "fund it first"
        )
    log(
        f"Dry run complete: {len(tried)} transaction(s), {total:,} gas, ~{cost / 10**18:.6g} ETH at "
        f"{gas_price / 10**9:.4g} gwei (plus the L1 data fee on an OP Stack chain); every step ends done"
    )
    return tried
