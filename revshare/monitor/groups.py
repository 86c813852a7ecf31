"""The monitor's findings grouped, so that hundreds of repeats read as a few lines: findings of one
place (chain or shared splitter), severity and kind whose messages say the same thing, differing
only in their numbers, dates and transaction hashes (a missed interval a day, a payment beyond
what is owed each week, a misattributed epoch each report). A group shows its count, its total
where the kind names an amount, its oldest and newest item, and its message with the parts that
vary as "…" (the parts every item shares stay); every item is in findings.csv and a click away on
the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from revshare.calendar import utc_date
from revshare.monitor.records import VAULT_NAMES, Finding
from revshare.terminal import WEI_PER_ETH, format_eth, short_address

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
GAP = "…"
# What varies between findings that say the same thing: transaction hashes, dates (with their
# time), numbers that are not part of a word or an address ("chain-26", "0x5FbD…" stay), and which
# of the fee vaults (a chain pointing its four vaults elsewhere is one story, not four).
VAULTS = "|".join(sorted(VAULT_NAMES.values()))
VARYING = re.compile(
    rf"(0x[0-9a-fA-F]{{64}}|\b(?:{VAULTS})\b"
    r"|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?: UTC)?)?"
    r"|(?<![\w.\-])[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?!\w|\.\d))"
)
ETH = r"([-+]?\d{1,3}(?:,\d{3})*\.\d{6})"  # an amount as `format_eth` writes it
# The amount a finding is about, for the kinds that name one (found in the message): the payment,
# the withdrawal, the difference, what is owed or waiting. Other kinds have no total.
AMOUNTS = {
    "unmatched-payment": re.compile(rf"^a payment of {ETH} "),
    "withdrawn-to-l1": re.compile(rf" withdrew {ETH} to "),
    "vault-loop": re.compile(rf"its withdrawals \({ETH}\)"),
    "vault-stuck": re.compile(rf" holds {ETH}, below"),
    "not-disbursed": re.compile(rf"^{ETH} withdrawn to "),
    "unpaid-disbursements": re.compile(rf"paid Optimism {ETH} ETH"),
    "misdirected-share": re.compile(rf"the Collective's share, {ETH}, to "),
    "never-paid": re.compile(rf"^owed {ETH} since"),
    "stopped-paying": re.compile(rf"while {ETH} became owed"),
    "outstanding": re.compile(rf"^owes {ETH}:"),
    "revenue-shifted": re.compile(rf"\({ETH} less\)"),
    "under-reported": re.compile(rf"{ETH}(?: ETH)? less than"),
    "over-reported": re.compile(rf"{ETH}(?: ETH)? more than"),
    "unreported-window": re.compile(rf"collection address {ETH} ETH in "),
    "not-reported-yet": re.compile(rf"^{ETH} ETH paid by "),
    # A withdrawal to L1 (`revshare.monitor.finality`), and the ones not checked on L1.
    **{
        kind: re.compile(rf"^{ETH} ETH withdrawn by ")
        for kind in ("l1-failed", "l1-overdue", "l1-pending", "l1-unmatched")
    },
    "l1-unchecked": re.compile(rf" to L1, {ETH} ETH, not checked"),
}


def finding_amount(finding: Finding) -> int | None:
    """The amount a finding names, in wei to its six decimals (None for kinds without one)."""
    pattern = AMOUNTS.get(finding.kind)
    found = pattern.search(finding.message) if pattern else None
    if found is None:
        return None
    return int(Decimal(found.group(1).replace(",", "")) * WEI_PER_ETH)


def split_message(message: str) -> tuple[str, tuple[str, ...]]:
    """A message's pattern (what varies as "…") and the varying parts, in order.

    >>> split_message("0xAb did not disburse for 1.5 days after 2025-01-02 12:00 UTC (1 interval(s))")
    ('0xAb did not disburse for … days after … (… interval(s))', ('1.5', '2025-01-02 12:00 UTC', '1'))
    >>> split_message("L1FeeVault pays 0x5FbD, chain-26's")
    ("… pays 0x5FbD, chain-26's", ('L1FeeVault',))
    """
    parts = VARYING.split(message)
    return GAP.join(parts[0::2]), tuple(parts[1::2])


def short_hex(text: str) -> str:
    """A transaction hash or an address shortened (``0x1234abcd…9f0e``, ``0x0165…Eb8F``); any
    other text as it is."""
    if re.fullmatch(r"0x[0-9a-fA-F]{64}", text):
        return f"{text[:10]}…{text[-4:]}"
    if re.fullmatch(r"0x[0-9a-fA-F]{40}", text):
        return short_address(text)
    return text


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one place, severity and kind saying the same thing, oldest first."""

    items: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.items[0]

    @property
    def last(self) -> Finding:
        return self.items[-1]

    @property
    def severity(self) -> str:
        return self.first.severity

    @property
    def chain(self) -> str:
        return self.first.chain

    @property
    def kind(self) -> str:
        return self.first.kind

    @property
    def count(self) -> int:
        return len(self.items)

    @cached_property
    def amounts(self) -> tuple[int | None, ...]:
        return tuple(finding_amount(f) for f in self.items)

    @property
    def total(self) -> int | None:
        """The sum of the items' amounts (None for a kind without amounts)."""
        known = [a for a in self.amounts if a is not None]
        return sum(known) if known else None

    @property
    def message(self) -> str:
        """The items' message: the parts they share, "…" where they differ."""
        if self.count == 1:
            return self.first.message
        literal = VARYING.split(self.first.message)[0::2]
        columns = zip(*(split_message(f.message)[1] for f in self.items), strict=True)
        values = [column[0] if len(set(column)) == 1 else GAP for column in columns]
        return literal[0] + "".join(v + text for v, text in zip(values, literal[1:], strict=True))

    def span(self) -> str:
        """``2025-01-02 to 2025-12-31`` (one date when the items share their day)."""
        first, last = utc_date(self.first.timestamp)[:10], utc_date(self.last.timestamp)[:10]
        return first if first == last else f"{first} to {last}"

    def summary(self) -> str:
        """One line: a single finding as it is (with its evidence); several as their count, total,
        dates and shared message, with the oldest and newest evidence."""
        if self.count == 1:
            evidence = f" (evidence: {self.first.evidence})" if self.first.evidence else ""
            return f"{self.first.message}{evidence}"
        total = f", {format_eth(self.total)} ETH in all" if self.total is not None else ""
        ends = ""
        if self.first.evidence or self.last.evidence:
            ends = (
                f" (oldest {short_hex(self.first.evidence) or '-'}, "
                f"newest {short_hex(self.last.evidence) or '-'})"
            )
        return f"{self.count:,} findings, {self.span()}{total}: {self.message}{ends}"

    def line(self) -> str:
        """``[warning] chain-a: …`` (the terminal's line for the group)."""
        return f"[{self.severity}] {self.chain}: {self.summary()}"


def group_findings(findings: list[Finding]) -> list[FindingGroup]:
    """Findings grouped by place, severity, kind and message pattern; errors first, then warnings
    and information, each by place, then by its oldest item; items oldest first."""
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in sorted(findings, key=lambda f: f.timestamp):
        key = (f.severity, f.chain, f.kind, split_message(f.message)[0])
        groups.setdefault(key, []).append(f)

    def order(key: tuple[str, str, str, str]) -> tuple[int, str, int, str]:
        severity, chain, kind, _ = key
        return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER)), chain, groups[key][0].timestamp, kind

    return [FindingGroup(tuple(groups[key])) for key in sorted(groups, key=order)]
