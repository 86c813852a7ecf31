"""A proposal's folder: `safe-batch.json` for the multisig that acts, `timelock.json` when the
owner is a timelock, and `proposal.md` for governance to read. Written all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import keccak

from revshare.governance.proposals import Proposal, ProposalError
from revshare.governance.safe_batch import safe_batch, safe_value
from revshare.governance.timelock import timelock_operation
from revshare.terminal import exact_eth


@dataclass
class Context:
    """Where the proposal applies: network, contracts and how governance acts."""

    network: str
    chain_id: int
    contracts: dict[str, str]  # name -> address
    code_hashes: dict[str, str]  # name -> keccak256 of runtime code
    governance_kind: str  # timelock | multisig | account
    governance: str  # the acting address (owner, or pending owner for acceptOwnership)
    timelock: Any = None  # ape contract when governance_kind == "timelock"
    timelock_delay: int = 0
    safe: str = ""  # the multisig that submits (the owner, or the timelock's proposer)
    warnings: list[str] = field(default_factory=list)  # shown first, in the terminal and the text
    deposits: dict[str, Any] | None = None  # the calls as L1 deposit transactions (an aliased owner)


def render_markdown(proposal: Proposal, ctx: Context, operation: dict[str, Any] | None) -> str:
    lines = [f"# {proposal.title}", ""]
    for warning in ctx.warnings:
        lines += [f"> **WARNING:** {warning}", ""]
    lines += [proposal.summary, "", f"Network: `{ctx.network}` (chain id {ctx.chain_id})", ""]
    lines += [
        "## Contracts",
        "",
        "| contract | address | code hash (keccak256 of runtime code) |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | `{address}` | `{ctx.code_hashes[name]}` |" for name, address in ctx.contracts.items()
    ]
    lines += ["", "## Governance path", ""]
    if ctx.governance_kind == "timelock" and operation is not None:
        lines += [
            f"The account that acts is the TimelockController `{ctx.governance}` (minimum delay "
            f"{ctx.timelock_delay} s). Its proposer `{ctx.safe or 'a proposer'}` schedules the operation "
            f"(`safe-batch.json` holds that `schedule` call); after the delay any executor runs "
            f"`execute` (`timelock.json`). Operation id `{operation['operation_id']}`, "
            f"salt `{operation['salt']}`.",
        ]
    elif ctx.governance_kind == "multisig":
        lines += [
            f"The multisig `{ctx.governance}` makes the calls: import `safe-batch.json` into its "
            "Transaction Builder."
        ]
    else:
        lines += [f"`{ctx.governance}` is an account, not a contract: it sends the calls below directly."]
    if ctx.deposits is not None:
        lines += [
            "",
            f"If `{ctx.governance}` is the alias of the L1 account `{ctx.deposits['l1_sender']}`, "
            "that account sends each call as a deposit transaction instead: "
            "`OptimismPortal.depositTransaction(to, value, gasLimit, false, data)` on L1, in the order "
            "below (`deposits.json` holds the arguments and calldata).",
            "",
            "| # | L2 call | L2 gas limit | depositTransaction calldata |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {index} | `{deposit['l2_call']}` on `{deposit['to']}` | {deposit['gas_limit']:,} | "
            f"`{deposit['deposit_calldata']}` |"
            for index, deposit in enumerate(ctx.deposits["deposits"], start=1)
        ]
    lines += ["", "## Current and proposed settings", "", "| setting | current | proposed |", "|---|---|---|"]
    lines += [f"| {setting} | {current} | {proposed} |" for setting, current, proposed in proposal.settings]
    lines += ["", "## Effect on the split", "", *proposal.effect, ""]
    if proposal.effect and proposal.effect[0].startswith("|"):
        lines += [
            "Shares computed with the toolkit's reference model (`revshare.model.split`), to the wei.",
            "",
        ]
    lines += ["## Calls", ""]
    for index, call in enumerate(proposal.calls, start=1):
        args = ", ".join(safe_value(i["type"], v) for i, v in zip(call.inputs, call.args, strict=True))
        what = f"`{call.signature}` with ({args})" if call.method else f"raw calldata: {call.signature}"
        sent = f", sending {call.value:,} wei ({exact_eth(call.value)})" if call.value else ""
        lines += [f"{index}. `{call.target}`.{what}{sent}", f"   calldata `0x{call.data.hex()}`"]
    lines.append("")
    return "\n".join(lines)


def write_proposal(
    proposal: Proposal,
    ctx: Context,
    out_root: Path,
    *,
    created_ms: int,
    stamp: str,
    salt: bytes | None = None,
) -> Path:
    """Write the proposal files into a new folder under `out_root` (all or nothing); returns it."""
    operation = None
    submitted = proposal.calls
    if ctx.governance_kind == "timelock":
        salt = salt or keccak(text=f"{proposal.slug}:{stamp}")
        operation = timelock_operation(ctx.timelock, proposal.calls, ctx.timelock_delay, salt)
        submitted = [operation["schedule"]["call"]]
    batch = safe_batch(
        submitted, ctx.chain_id, ctx.safe or ctx.governance, proposal.title, proposal.summary, created_ms
    )
    target = out_root / f"{stamp}-{proposal.slug}"
    for attempt in range(2, 1000):  # two proposals of one kind in the same second: -2, -3, ...
        if not target.exists():
            break
        target = out_root / f"{stamp}-{proposal.slug}-{attempt}"
    else:
        raise ProposalError(f"{target} already exists")
    out_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_root, prefix=".staging-"))
    try:
        (staging / "safe-batch.json").write_text(json.dumps(batch, indent=2) + "\n")
        if operation is not None:
            plain = {k: v for k, v in operation.items() if k not in ("schedule", "execute")}
            for step in ("schedule", "execute"):
                plain[step] = {k: v for k, v in operation[step].items() if k != "call"}
            (staging / "timelock.json").write_text(json.dumps(plain, indent=2) + "\n")
        if ctx.deposits is not None:
            (staging / "deposits.json").write_text(json.dumps(ctx.deposits, indent=2) + "\n")
        (staging / "proposal.md").write_text(render_markdown(proposal, ctx, operation))
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
