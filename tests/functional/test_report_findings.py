"""The report's findings as people read them: grouped by the whole addresses they name, shown with
those addresses short, and kept whole for the files."""

from __future__ import annotations

from revshare.chain.addresses import ETH_ASSET
from revshare.report.analysis import PENDING, Finding
from revshare.report.document import describe, group_findings
from revshare.terminal import shorten_addresses

ETHER = 10**18
# Two recipients with the same short form (a vanity address made to look like the other).
HONEST = "0x1234" + "00" * 16 + "abcd"
LOOKALIKE = "0x1234" + "ff" * 16 + "abcd"


def credited(recipient: str, amount: int, block: int) -> Finding:
    return Finding(
        PENDING, 10, ETH_ASSET, amount, f"credited to {recipient}, not claimed yet", f"block {block}"
    )


def test_lookalike_addresses_never_share_a_group_and_read_whole_only_beside_each_other():
    findings = [credited(HONEST, ETHER, 1), credited(LOOKALIKE, 5 * ETHER, 2), credited(HONEST, ETHER, 3)]
    groups = group_findings(findings)
    assert [(g.count, g.total) for g in groups] == [(2, 2 * ETHER), (1, 5 * ETHER)]
    # Short, the two would read the same: each group shows its addresses whole.
    assert groups[0].summary() == (
        f"chain 10: 2 findings, 2.000000 ETH in all: credited to {HONEST}, not claimed yet "
        "(oldest block 1, newest block 3)"
    )
    assert groups[1].summary() == f"chain 10: 5.000000 ETH credited to {LOOKALIKE}, not claimed yet (block 2)"
    assert LOOKALIKE in findings[1].what  # the files (findings.csv, report.json) keep it whole
    # Alone, an address reads short.
    (alone,) = group_findings([findings[1]])
    short = "chain 10: 5.000000 ETH credited to 0x1234…abcd, not claimed yet (block 2)"
    assert alone.summary() == describe(findings[1]) == short


def test_only_addresses_are_shortened():
    tx = "0x" + "ab" * 32
    text = f"paid 0x{'c' * 40} in {tx}, by 0x{'d' * 40}."
    assert shorten_addresses(text) == f"paid 0xcccc…cccc in {tx}, by 0xdddd…dddd."
