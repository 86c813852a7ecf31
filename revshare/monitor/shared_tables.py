"""The shared splitters in the monitor's outputs: their epochs, per-chain settlements, the
attribution check, what is not reported yet, claims with their routes, and their books; as
terminal text (a long table capped, with where the rest is), as records for CSV and JSON (amounts
in wei), and as HTML (sortable, filterable, paged tables, `revshare.pages`)."""

from __future__ import annotations

from dataclasses import asdict, fields
from html import escape
from typing import Any

from revshare import pages
from revshare.calendar import utc_date
from revshare.monitor.attribution import AttributionRow, window_text
from revshare.monitor.groups import short_hex
from revshare.monitor.shared import Claim, SharedLedger, is_eth
from revshare.terminal import capped_table, format_eth, html_table

EPOCH_HEADERS = [
    "epoch",
    "window",
    "status",
    "chains",
    "gross",
    "operator fee",
    "Collective",
    "chains' share",
    "tx",
]
SETTLEMENT_HEADERS = [
    "epoch",
    "from",
    "chain",
    "gross",
    "L1 cost",
    "operator fee",
    "Collective",
    "chain share",
]
ATTRIBUTION_HEADERS = [
    "epoch",
    "chain",
    "status",
    "attributed gross",
    "observed gross",
    "difference",
    "L1 fee vault",
    "attributed L1 cost",
    "verdict",
]
CLAIM_HEADERS = ["when", "claimant", "amount", "route", "tx"]
SHARED_ASSUMPTIONS = [
    "A shared splitter's epoch settles the window (start, end] on each served chain's own clock: the "
    "chain's fee vault withdrawals to the operator's collection address with a block time in it (every "
    "vault counts as gross, the L1FeeVault's part also shown apart) are compared with the gross the "
    "epoch attributed to the chain (a corrected epoch: the correction's); a difference that another "
    "chain's offsets is revenue shifted between chains.",
    "A served chain's revenue to the collection address is owed per epoch under its terms after the "
    "epoch's operator fee, and paid by the Collective's share the epoch credits it (nothing while the "
    "epoch is disputed); what came after the last window is not reported yet, not owed.",
]


def _eth(wei: int | None) -> str:
    return "n/a" if wei is None else format_eth(wei)


def _signed(wei: int | None) -> str:
    if wei is None:
        return "n/a"
    return ("+" if wei > 0 else "") + format_eth(wei)


def epoch_cells(ledger: SharedLedger) -> list[list[str]]:
    rows = []
    for e in ledger.epochs:
        settled = e.settled
        asset = "" if is_eth(e.asset) else f" ({e.asset})"
        rows.append(
            [
                str(e.epoch),
                window_text(e.window_start, e.window_end),
                e.status + asset,
                str(len(settled)),
                format_eth(sum(c.gross for c in settled)),
                format_eth(sum(c.operator_fee for c in settled)),
                format_eth(sum(c.collective_share for c in settled)),
                format_eth(sum(c.chain_share for c in settled)),
                e.resolved_tx if e.status == "corrected" else e.tx_hash,
            ]
        )
    return rows


def settlement_records(ledger: SharedLedger, names: dict[int, str]) -> list[dict[str, Any]]:
    """Every chain's settlement in every epoch: the report's, and a correction's after it."""
    records = []
    for e in ledger.epochs:
        sources = [("report", e.chains)] + ([("correction", e.corrected)] if e.status == "corrected" else [])
        for source, chains in sources:
            for c in chains:
                records.append(
                    {
                        "splitter": ledger.name,
                        "epoch": e.epoch,
                        "asset": e.asset,
                        "status": e.status,
                        "source": source,
                        "credited": source == ("correction" if e.status == "corrected" else "report"),
                        "chain_id": c.chain_id,
                        "chain": names.get(c.chain_id, str(c.chain_id)),
                        "gross": c.gross,
                        "l1_cost": c.l1_cost,
                        "operator_fee": c.operator_fee,
                        "collective_share": c.collective_share,
                        "chain_share": c.chain_share,
                    }
                )
    return records


def settlement_cells(ledger: SharedLedger, names: dict[int, str]) -> list[list[str]]:
    return [
        [
            str(r["epoch"]),
            r["source"] + ("" if r["credited"] else " (replaced)"),
            r["chain"],
            format_eth(r["gross"]),
            format_eth(r["l1_cost"]),
            format_eth(r["operator_fee"]),
            format_eth(r["collective_share"]),
            format_eth(r["chain_share"]),
        ]
        for r in settlement_records(ledger, names)
    ]


def attribution_cells(rows: list[AttributionRow]) -> list[list[str]]:
    return [
        [
            str(r.epoch),
            r.chain,
            r.status,  # a corrected epoch is compared as corrected
            format_eth(r.attributed_gross),
            _eth(r.observed_gross),
            _signed(r.difference),
            _eth(r.observed_l1_vault),
            format_eth(r.attributed_l1_cost),
            r.verdict,
        ]
        for r in rows
    ]


def attribution_record(row: AttributionRow) -> dict[str, Any]:
    return asdict(row) | {"difference": row.difference, "l1_difference": row.l1_difference}


def claim_cells(ledger: SharedLedger) -> list[list[str]]:
    return [
        [
            utc_date(c.timestamp),
            c.claimant,
            format_eth(c.amount) + ("" if is_eth(c.asset) else f" of {c.asset}"),
            c.route + (f" to {c.l1_recipient}" if c.l1_recipient else ""),
            c.tx_hash,
        ]
        for c in ledger.claims
    ]


def unreported_lines(ledger: SharedLedger) -> list[str]:
    return [
        f"{u.chain}: {format_eth(u.gross)} ETH in {u.withdrawals} withdrawal(s) since {utc_date(u.oldest)}"
        + (" (overdue)" if u.overdue else "")
        for u in ledger.attribution.unreported
    ]


def _title(ledger: SharedLedger, names: dict[int, str]) -> str:
    c = ledger.config
    serves = ", ".join(names.get(i, str(i)) for i in c.serves)
    return (
        f"Shared splitter {c.name} on {c.network.name} ({c.address}), blocks {ledger.start}-{ledger.stop}; "
        f"collection address {c.collection}; serves {serves}"
    )


def shared_text(ledgers: list[SharedLedger], names: dict[int, str]) -> list[str]:
    """The terminal's lines for every shared splitter (none without one)."""
    lines: list[str] = []
    for ledger in ledgers:
        lines += [_title(ledger, names), ""]
        if not ledger.code:
            lines += ["  nothing read from it (see the findings)", ""]
            continue
        settlements = settlement_cells(ledger, names)
        lines += [
            "Epochs (amounts as credited; a corrected epoch: its correction):",
            capped_table(EPOCH_HEADERS, epoch_cells(ledger), "shared-epochs.csv")
            if ledger.epochs
            else "  none reported",
            "",
            "Settlements per chain:",
            capped_table(SETTLEMENT_HEADERS, settlements, "shared-settlements.csv")
            if settlements
            else "  none",
            "",
            "Attribution (what each epoch attributed, a corrected one as corrected, vs what the chain's "
            "vaults paid the collection address in its window):",
            capped_table(ATTRIBUTION_HEADERS, attribution_cells(ledger.attribution.rows), "attribution.csv")
            if ledger.attribution.rows
            else "  nothing to compare",
            "",
        ]
        waiting = unreported_lines(ledger)
        if waiting:
            lines += ["Not reported yet (after the last window):", *(f"  {w}" for w in waiting), ""]
        lines += [
            "Claims:",
            capped_table(CLAIM_HEADERS, claim_cells(ledger), "shared-claims.csv")
            if ledger.claims
            else "  none",
            "",
            "Books (ETH):",
            *(f"  {what}: {_eth(wei)}" for what, wei in ledger.reconciliation()),
            "",
        ]
    return lines


def _short(rows: list[list[str]]) -> list[list[str]]:
    """Cells that are a transaction hash or an address shortened (the CSV files have them in full)."""
    return [[short_hex(cell) for cell in row] for row in rows]


def shared_html(ledgers: list[SharedLedger], names: dict[int, str]) -> list[str]:
    """The dashboard's sections for every shared splitter."""
    parts: list[str] = []
    for index, ledger in enumerate(ledgers):
        parts.append(f"<h2>{escape(_title(ledger, names))}</h2>")
        if not ledger.code:
            parts.append("<p>Nothing read from it (see the findings).</p>")
            continue
        waiting = unreported_lines(ledger)
        key = f"shared-{index}"
        parts += [
            "<h3>Epochs</h3>",
            pages.data_table(f"{key}-epochs", EPOCH_HEADERS, _short(epoch_cells(ledger)),
                             file="shared-epochs.csv"),
            "<h3>Attribution</h3>",
            "<p>What each epoch attributed to each chain vs what the chain's fee vaults paid the collection "
            "address in the epoch's window.</p>",
            pages.data_table(f"{key}-attribution", ATTRIBUTION_HEADERS,
                             attribution_cells(ledger.attribution.rows), file="attribution.csv"),
            "<h3>Not reported yet</h3>",
            "<ul>" + "".join(f"<li>{escape(w)}</li>" for w in waiting) + "</ul>"
            if waiting
            else "<p>Nothing.</p>",
            "<h3>Settlements per chain</h3>",
            pages.data_table(f"{key}-settlements", SETTLEMENT_HEADERS, settlement_cells(ledger, names),
                             file="shared-settlements.csv"),
            "<h3>Claims</h3>",
            pages.data_table(f"{key}-claims", CLAIM_HEADERS, _short(claim_cells(ledger)),
                             file="shared-claims.csv"),
            "<h3>Books (ETH)</h3>",
            html_table(["", "ETH"], [[what, _eth(wei)] for what, wei in ledger.reconciliation()]),
        ]  # fmt: skip
    return parts


def epoch_record(ledger: SharedLedger, index: int) -> dict[str, Any]:
    e = ledger.epochs[index]
    settled = e.settled
    return {
        "splitter": ledger.name,
        "epoch": e.epoch,
        "asset": e.asset,
        "window_start": e.window_start,
        "window_end": e.window_end,
        "status": e.status,
        "block": e.block,
        "tx_hash": e.tx_hash,
        "chains": len(settled),
        "gross": sum(c.gross for c in settled),
        "operator_fee": sum(c.operator_fee for c in settled),
        "collective_share": sum(c.collective_share for c in settled),
        "chain_share": sum(c.chain_share for c in settled),
        "added": e.added,
        "fee_bps": e.fee_bps,
        "terms_since": e.terms_since,
        "disputable_until": e.disputable_until,
        "disputed_by": e.dispute.disputer if e.dispute else None,
        "dispute_chain_id": e.dispute.chain_id if e.dispute else None,
        "dispute_tx": e.dispute.tx_hash if e.dispute else None,
        "resolved_tx": e.resolved_tx or None,
        "collective": e.collective,
        "fee_recipient": e.fee_recipient,
        "digest": e.digest,
    }


EPOCH_COLUMNS = [
    "splitter", "epoch", "asset", "window_start", "window_end", "status", "block", "tx_hash", "chains",
    "gross", "operator_fee", "collective_share", "chain_share", "added", "fee_bps", "terms_since",
    "disputable_until", "disputed_by", "dispute_chain_id", "dispute_tx", "resolved_tx", "collective",
    "fee_recipient", "digest",
]  # fmt: skip
SETTLEMENT_COLUMNS = [
    "splitter", "epoch", "asset", "status", "source", "credited", "chain_id", "chain", "gross", "l1_cost",
    "operator_fee", "collective_share", "chain_share",
]  # fmt: skip
SHARED_COLUMNS = {
    "shared-epochs": EPOCH_COLUMNS,
    "shared-settlements": SETTLEMENT_COLUMNS,
    "attribution": [f.name for f in fields(AttributionRow)] + ["difference", "l1_difference"],
    "shared-claims": [f.name for f in fields(Claim)],
}


def shared_records(ledgers: list[SharedLedger], names: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    """The CSV tables of the shared splitters, by file name (without .csv)."""
    return {
        "shared-epochs": [epoch_record(x, i) for x in ledgers for i in range(len(x.epochs))],
        "shared-settlements": [r for x in ledgers for r in settlement_records(x, names)],
        "attribution": [attribution_record(r) for x in ledgers for r in x.attribution.rows],
        "shared-claims": [asdict(c) for x in ledgers for c in x.claims],
    }


def shared_data(ledgers: list[SharedLedger], names: dict[int, str]) -> list[dict[str, Any]]:
    """Everything of each shared splitter, for the JSON file."""
    records = []
    for x in ledgers:
        c = x.config
        records.append(
            {
                "name": c.name,
                "network": c.network.name,
                "address": c.address,
                "collection": c.collection,
                "serves": [names.get(i, str(i)) for i in c.serves],
                "start_block": x.start,
                "stop_block": x.stop,
                "code": x.code,
                "epochs": [epoch_record(x, i) for i in range(len(x.epochs))],
                "settlements": settlement_records(x, names),
                "attribution": [attribution_record(r) for r in x.attribution.rows],
                "unreported": [asdict(u) for u in x.attribution.unreported],
                "claims": [asdict(cl) for cl in x.claims],
                "books": [{"what": what, "amount": wei} for what, wei in x.reconciliation()],
            }
        )
    return records
