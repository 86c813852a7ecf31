"""The L1 finality of the chains' withdrawals to L1 in the monitor's outputs: per chain, how many
are in each state (and the portal read, or why they were not checked), as terminal text; every
withdrawal as a record for ``l1-withdrawals.csv`` and ``monitor.json`` (amounts in wei, times as
timestamps); and both as HTML (the withdrawals in a sortable, filterable, paged table)."""

from __future__ import annotations

from html import escape
from typing import Any

from revshare import pages
from revshare.calendar import cell_time, utc_date
from revshare.chain.finality import OVERDUE, STATES, Finality
from revshare.monitor.finality import NO_MESSAGE, NOT_CHECKED, finality_items, state_of
from revshare.monitor.groups import short_hex
from revshare.monitor.records import ChainLedger, SentToL1
from revshare.terminal import capped_table, format_eth, html_table

CSV_NAME = "l1-withdrawals.csv"
ALL_STATES = (*STATES, NO_MESSAGE, NOT_CHECKED)
SUMMARY_HEADERS = ["chain", "withdrawals", "ETH", *ALL_STATES]
COLUMNS = ("chain", "chain_id", "origin", "payer", "account", "route", "l1_recipient", "amount", "started_at",
           "l2_block", "l2_tx", "withdrawal_hash", "state", "proofs", "proven_at", "proven_tx", "expected_at",
           "finalized_at", "finalized_tx", "success", "relay", "overdue_by")  # fmt: skip
PAGE_HEADERS = ["chain", "state", "started (UTC)", "ETH", "from", "route", "L1 recipient", "proofs",
                "proven (UTC)", "finalizable from (UTC)", "finalized (UTC)", "withdrawal hash",
                "L2 tx"]  # fmt: skip


def _checked(ledgers: list[ChainLedger]) -> list[ChainLedger]:
    return [x for x in ledgers if x.sent_to_l1]


def counts(ledger: ChainLedger) -> dict[str, int]:
    """The chain's withdrawals to L1 per state, every state listed (`ALL_STATES` order)."""
    items = finality_items(ledger)
    states = [state_of(s, items) for s in ledger.sent_to_l1]
    return {state: states.count(state) for state in ALL_STATES}


def _portal_line(ledger: ChainLedger) -> str:
    report = ledger.finality
    if report is None:
        return f"  {ledger.chain.name}: not checked on L1: {ledger.unchecked}"
    s = report.settings
    days = s.delay / 86_400
    return (
        f"  {ledger.chain.name}: OptimismPortal {s.portal}, {days:g} day{'s' * (days != 1)} from proof to "
        f"finalization ({s.delay_source}); L1 blocks {report.l1_from_block:,}..{report.l1_to_block:,}, as of "
        f"{utc_date(report.now)}"
    )


def summary_cells(ledger: ChainLedger) -> list[str]:
    amount = sum(s.amount for s in ledger.sent_to_l1)
    return [ledger.chain.name, f"{len(ledger.sent_to_l1):,}", format_eth(amount),
            *(f"{n:,}" for n in counts(ledger).values())]  # fmt: skip


def finality_text(ledgers: list[ChainLedger]) -> list[str]:
    """Per chain, its withdrawals to L1 by state, and the portal read (or why not)."""
    shown = _checked(ledgers)
    if not shown:
        return []
    return [
        f"Withdrawals to L1 and their finality on L1 (each one in {CSV_NAME} and index.html):",
        capped_table(SUMMARY_HEADERS, [summary_cells(x) for x in shown], CSV_NAME),
        *(_portal_line(x) for x in shown),
        "",
    ]


def finality_records(ledgers: list[ChainLedger]) -> list[dict[str, Any]]:
    """One record per withdrawal to L1 (amounts in wei, times as timestamps, "" where unknown)."""
    rows: list[dict[str, Any]] = []
    for ledger in ledgers:
        items = finality_items(ledger)
        for s in ledger.sent_to_l1:
            item = items.get(s.withdrawal.withdrawal_hash) if s.withdrawal is not None else None
            rows.append({
                "chain": ledger.chain.name, "chain_id": ledger.chain.chain_id, "origin": s.origin,
                "payer": s.payer, "account": s.account, "route": s.route, "l1_recipient": s.recipient,
                "amount": s.amount, "started_at": s.timestamp, "l2_block": s.block, "l2_tx": s.tx_hash,
                "withdrawal_hash": s.withdrawal.withdrawal_hash if s.withdrawal else "",
                "state": state_of(s, items), "proofs": item.proofs if item else "",
                "proven_at": (item.proven_at or "") if item else "",
                "proven_tx": (item.proven_tx or "") if item else "",
                "expected_at": item.expected_at if item else "",
                "finalized_at": (item.finalized_at or "") if item else "",
                "finalized_tx": (item.finalized_tx or "") if item else "",
                "success": "" if item is None or item.success is None else item.success,
                "relay": item.relay if item else "", "overdue_by": item.overdue_by if item else "",
            })  # fmt: skip
    return rows


def finality_summaries(ledgers: list[ChainLedger]) -> list[dict[str, Any]]:
    """Per chain with withdrawals to L1: the portal read (or why not) and the count per state."""
    found = []
    for ledger in _checked(ledgers):
        report = ledger.finality
        settings = report.settings if report else None
        found.append({
            "chain": ledger.chain.name, "chain_id": ledger.chain.chain_id,
            "withdrawals": len(ledger.sent_to_l1), "amount": sum(s.amount for s in ledger.sent_to_l1),
            "portal": settings.portal if settings else None, "delay": settings.delay if settings else None,
            "delay_source": settings.delay_source if settings else None,
            "l1_from_block": report.l1_from_block if report else None,
            "l1_to_block": report.l1_to_block if report else None, "as_of": report.now if report else None,
            "unchecked": ledger.unchecked, "states": counts(ledger),
        })  # fmt: skip
    return found


def page_cells(ledger: ChainLedger, sent: SentToL1, items: dict[str, Finality]) -> list[str]:
    """A withdrawal's row on the page (addresses and hashes shortened: the CSV has them in full)."""
    w = sent.withdrawal
    item = items.get(w.withdrawal_hash) if w is not None else None
    state = state_of(sent, items)
    if item is not None and item.state == OVERDUE:
        state += f" by {item.overdue_by // 3600:,} h"
    return [
        ledger.chain.name, state, cell_time(sent.timestamp), format_eth(sent.amount),
        sent.origin.removeprefix("the "), sent.route, short_hex(sent.recipient),
        str(item.proofs) if item else "",
        cell_time(item.proven_at) if item else "", cell_time(item.expected_at) if item else "",
        cell_time(item.finalized_at) if item else "", short_hex(w.withdrawal_hash) if w else "",
        short_hex(sent.tx_hash),
    ]  # fmt: skip


def finality_html(ledgers: list[ChainLedger]) -> list[str]:
    """The section of the page: the counts per chain and state, and every withdrawal."""
    shown = _checked(ledgers)
    if not shown:
        return []
    notes = "".join(f"<li>{escape(_portal_line(x).strip())}</li>" for x in shown)
    rows = []
    for ledger in shown:
        items = finality_items(ledger)
        rows += [page_cells(ledger, s, items) for s in ledger.sent_to_l1]
    return [
        "<h2>Withdrawals to L1</h2>",
        "<p>What the fee vaults, splitters and shared splitters sent to L1, matched by withdrawal hash with "
        "the OptimismPortal's proofs and finalizations on L1 (and, on the bridge route, the "
        "L1CrossDomainMessenger's relay).</p>",
        html_table(SUMMARY_HEADERS, [summary_cells(x) for x in shown], "l1-finality"),
        f"<ul>{notes}</ul>",
        pages.data_table("l1-withdrawals", PAGE_HEADERS, rows, file=CSV_NAME),
    ]
