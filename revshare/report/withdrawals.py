"""The report's L1 withdrawals and their finality on L1.

Every payout a splitter (or a shared splitter's claim) sends to L1 is found by the replay with the
route's own record in the same transaction; this module takes from that transaction the
withdrawal's ``MessagePassed`` (its hash), and, when the report is given an L1 node and the
OptimismPortal, turns each one's "in flight" finding into what L1 says of it
(`revshare.chain.finality`): still in flight, proven (finalizable from when), finalized (no
finding: the money arrived; on the bridge route, once the L1 messenger relayed it), failed
(unexplained: the portal's call failed, or the messenger's relay failed or was not seen) or
overdue (its own kind, listed first after the gaps).
"""

from __future__ import annotations

from dataclasses import replace

from revshare.calendar import cell_time, utc_date
from revshare.chain.finality import (
    FAILED,
    FAILURES,
    FINALIZED,
    IN_FLIGHT,
    OVERDUE,
    PROVEN,
    Finality,
    FinalityReport,
)
from revshare.report.analysis import OVERDUE_KIND, UNEXPLAINED, Analysis, Finding, SentToL1
from revshare.terminal import format_eth


def _finding(sent: SentToL1, item: Finality) -> Finding | None:
    """What the report says of a withdrawal once L1 has been read: the same words for every
    withdrawal in a state (so they group), the times and the hash in ``where``."""
    finding, route_text = sent.finding, f"withdrawal to {sent.destination}"
    hashed = f"withdrawal {item.withdrawal.withdrawal_hash[:10]}…"
    if item.state == FINALIZED:
        return None
    if item.state == FAILED:
        what = f"{route_text}: {FAILURES[item.relay]}"
        when = f"finalized {utc_date(item.finalized_at or 0)}"
        return replace(finding, kind=UNEXPLAINED, what=what, where=f"{finding.where}; {when}; {hashed}")
    if item.state == OVERDUE:
        stage = "proven on L1 but not finalized" if item.proofs else "not proven on L1"
        when = f"finalizable from {utc_date(item.expected_at)}"
        what = f"{route_text}: {stage}, long past the challenge period"
        return replace(finding, kind=OVERDUE_KIND, what=what, where=f"{finding.where}; {when}; {hashed}")
    if item.state == PROVEN:
        when = f"finalizable from {utc_date(item.expected_at)}"
        return replace(
            finding, what=f"{route_text}: proven on L1, not finalized yet", where=f"{finding.where}; {when}"
        )
    assert item.state == IN_FLIGHT, item.state
    when = f"finalizable from {utc_date(item.expected_at)} at the earliest"
    return replace(finding, what=f"{route_text}: not proven on L1 yet", where=f"{finding.where}; {when}")


def apply_finality(analysis: Analysis, finality: FinalityReport) -> None:
    """Each L1 withdrawal's finding, said again from what L1 holds (`_finding`); one that arrived
    no longer counts in its summary's ``in_flight_to_l1``."""
    by_hash = {item.withdrawal.withdrawal_hash: item for item in finality.items}
    replaced: dict[int, Finding | None] = {}
    for sent in analysis.l1_withdrawals:
        item = by_hash.get(sent.withdrawal.withdrawal_hash)
        if item is not None:
            replaced[id(sent.finding)] = _finding(sent, item)
            if item.state == FINALIZED:
                _arrived(analysis, sent.finding)
    findings = []
    for f in analysis.findings:
        new = replaced.get(id(f), f)
        if new is not None:
            findings.append(new)
    analysis.findings[:] = findings


def _arrived(analysis: Analysis, finding: Finding) -> None:
    """Take a withdrawal L1 finalized (and, on the bridge route, relayed) out of the in-flight total
    of the splitter that sent it: a chain's splitter, or the shared splitter ``finding.splitter``."""
    if finding.splitter:
        in_flight = next(s.in_flight_to_l1 for s in analysis.shared if s.address == finding.splitter)
    else:
        in_flight = analysis.chains[finding.chain_id].in_flight_to_l1
    in_flight[finding.asset] -= finding.amount


FINALITY_HEADERS = ["state", "started (UTC)", "L2 block", "amount", "L1 recipient", "proofs", "proven (UTC)",
                    "finalizable from (UTC)", "finalized (UTC)", "withdrawal hash", "L2 tx"]  # fmt: skip


def finality_cells(item: Finality) -> list[str]:
    w = item.withdrawal
    state = item.state + (f" by {item.overdue_by // 3600:,} h" if item.state == OVERDUE else "")
    return [
        state, cell_time(w.started_at), str(w.l2_block), format_eth(w.amount), w.recipient, str(item.proofs),
        cell_time(item.proven_at), cell_time(item.expected_at), cell_time(item.finalized_at),
        w.withdrawal_hash, w.tx_hash,
    ]  # fmt: skip


def finality_heading(finality: FinalityReport) -> str:
    """``L1 finality of 365 withdrawals (OptimismPortal 0x…, …): 300 finalized, 60 proven, …``"""
    s = finality.settings
    counts = ", ".join(f"{n:,} {state}" for state, n in finality.counts().items() if n)
    return (
        f"L1 finality of {len(finality.items):,} withdrawal{'s' * (len(finality.items) != 1)} "
        f"(OptimismPortal {s.portal}: {s.delay / 86_400:g} days from proof to finalization, "
        f"from {s.delay_source}; "
        f"L1 blocks {finality.l1_from_block:,}..{finality.l1_to_block:,}, as of {utc_date(finality.now)}): "
        f"{counts or 'none'}"
    )


FINALITY_COLUMNS = ("withdrawal_hash", "state", "started_at", "l2_block", "l2_tx", "amount", "l1_recipient",
                    "proofs", "proven_at", "proven_tx", "expected_at", "finalized_at", "finalized_tx",
                    "success", "overdue_by")  # fmt: skip


def finality_dicts(finality: FinalityReport) -> list[dict[str, object]]:
    """One row per withdrawal for the CSV and JSON files (amounts in wei, times as timestamps)."""
    rows: list[dict[str, object]] = []
    for item in finality.items:
        w = item.withdrawal
        rows.append({
            "withdrawal_hash": w.withdrawal_hash, "state": item.state, "started_at": w.started_at,
            "l2_block": w.l2_block, "l2_tx": w.tx_hash, "amount": w.amount, "l1_recipient": w.recipient,
            "proofs": item.proofs, "proven_at": item.proven_at or "", "proven_tx": item.proven_tx or "",
            "expected_at": item.expected_at, "finalized_at": item.finalized_at or "",
            "finalized_tx": item.finalized_tx or "", "success": "" if item.success is None else item.success,
            "overdue_by": item.overdue_by,
        })  # fmt: skip
    return rows
