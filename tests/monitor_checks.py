"""A check the monitor's integration tests share on whatever findings their scenario produced."""

from __future__ import annotations

from collections.abc import Iterable

from revshare.monitor.groups import AMOUNTS, finding_amount
from revshare.monitor.records import Finding


def every_amount_read(findings: Iterable[Finding]) -> bool:
    """True when every finding of a kind that names an amount has its amount found in its message:
    a message reworded without its pattern in `revshare.monitor.groups.AMOUNTS` would silently drop
    out of its group's total. Fails (AssertionError) naming the first such finding."""
    for finding in findings:
        if finding.kind in AMOUNTS:
            assert finding_amount(finding) is not None, f"no amount read in {finding.kind}: {finding.message}"
    return True
