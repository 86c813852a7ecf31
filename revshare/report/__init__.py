"""Transparency report built from chain data alone (`ape run report`, or from Python: the
README's "From Python, in any folder" has the example, run as written by the tests).

`revshare.chain.reader` talks to the node, `history` collects events and snapshots, `analysis`
replays and reconciles them, `periods` sums per day/week/month, `document` holds the result, and
`text`, `charts`, `html`, `files` write the outputs; `targets` and `command` are the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from revshare.artifacts import contract_type
from revshare.calendar import AUTO
from revshare.chain.finality import read_finality
from revshare.chain.node import public_network
from revshare.chain.reader import DEFAULT_BACKOFF, DEFAULT_PAGE_SIZE, ChainReader, ReadError
from revshare.chain.rpc import Backoff, Request, provider_request
from revshare.report.document import Report
from revshare.report.files import write_report
from revshare.report.history import (
    ChainMismatch,
    History,
    SharedTarget,
    SplitterTarget,
    SweepProgress,
    collect_history,
)
from revshare.report.text import render_text
from revshare.report.withdrawals import apply_finality


@dataclass(frozen=True)
class L1Source:
    """Where the report reads L1 finality: a node of L1 (JSON-RPC) and the chain's OptimismPortal."""

    request: Request
    portal: str


__all__ = [
    "Backoff",
    "ChainMismatch",
    "ChainReader",
    "History",
    "L1Source",
    "ReadError",
    "Report",
    "SharedTarget",
    "SplitterTarget",
    "build_report",
    "event_abis",
    "render_text",
    "write_report",
]


def event_abis() -> list[Any]:
    """The event ABIs the report decodes, from the contracts bundled with the package."""
    names = (
        "ChainRevenueSplitter",
        "ChainRegistry",
        "IFeeVault",
        "IL2StandardBridge",
        "IL2ToL1MessagePasser",
    )
    return [event for name in names for event in contract_type(name).events]


def build_report(
    targets: Iterable[SplitterTarget],
    *,
    network: str,
    from_block: int,
    to_block: int | None = None,
    period: str = AUTO,
    page_size: int = DEFAULT_PAGE_SIZE,
    progress: SweepProgress | None = None,
    request: Request | None = None,
    backoff: Backoff = DEFAULT_BACKOFF,
    shared: Iterable[SharedTarget] = (),
    l1: L1Source | None = None,
) -> Report:
    """Read and analyse ``targets`` and the ``shared`` sequencer splitters; ``request`` defaults to
    JSON-RPC to the connected ape provider's node. ``network`` is published as
    ``ecosystem:network`` only (any RPC URL in it is dropped). With ``l1`` (a node of L1 and the
    chain's OptimismPortal there), every L1 withdrawal's finality is read from the portal's events
    and its finding says where it stands (`revshare.report.withdrawals`)."""
    if request is None:
        from ape import networks

        request = provider_request(networks.provider)
    history = collect_history(
        ChainReader(request, backoff),
        event_abis(),
        list(targets),
        network=public_network(network),
        from_block=from_block,
        to_block=to_block,
        page_size=page_size,
        progress=progress,
        shared=list(shared),
    )
    report = Report.of(history, period)
    if l1 is not None:
        withdrawals = [sent.withdrawal for sent in report.analysis.l1_withdrawals]
        reader = ChainReader(l1.request, backoff)
        try:
            report.finality = read_finality(
                reader, l1.portal, withdrawals, page_size=page_size, progress=progress
            )
        except ReadError as exc:  # say which node failed
            raise ReadError(f"on L1: {exc}") from None
        apply_finality(report.analysis, report.finality)
    return report
