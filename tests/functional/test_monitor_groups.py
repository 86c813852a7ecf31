"""The monitor's findings groups (`revshare.monitor.groups`), without a chain: what counts as the
same finding, what a group shows, and the terminal's cap on groups."""

from __future__ import annotations

from revshare.monitor.groups import FindingGroup, finding_amount, group_findings, short_hex, split_message
from revshare.monitor.records import Finding

DAY = 86_400
T0 = 1_767_268_800  # 2026-01-01 12:00 UTC
SETTLER = "0x0165878A594ca255338adfa4d48449f69242Eb8F"
TX = "0x" + "ab" * 32


def missed(day: int, days: float = 1.0) -> Finding:
    message = (
        f"{SETTLER} did not disburse for {days:.1f} days after 2026-01-{day:02d} 12:00 UTC "
        "(1 interval(s) of 0.5 days missed)"
    )
    return Finding("chain-a", "warning", "missed-interval", message, TX, T0 + day * DAY)


def payment(day: int, wei: int, above: int) -> Finding:
    message = (
        f"a payment of {wei / 10**18:,.6f} (manual, L1) brings what was paid {above / 10**18:,.6f} above "
        "everything owed up to then"
    )
    return Finding("chain-c", "warning", "unmatched-payment", message, f"0x{day:064x}", T0 + day * DAY)


def test_repeats_are_one_group_with_what_they_share():
    items = [missed(day) for day in (3, 1, 2)] + [missed(4, days=2.0)]
    (group,) = group_findings(items)
    assert group.count == 4 and [f.timestamp for f in group.items] == sorted(f.timestamp for f in items)
    # What every item says stays; what varies is "…".
    assert (
        group.message == f"{SETTLER} did not disburse for … days after … (1 interval(s) of 0.5 days missed)"
    )
    assert group.total is None and group.span() == "2026-01-02 to 2026-01-05"
    ends = f"(oldest {short_hex(TX)}, newest {short_hex(TX)})"
    assert group.summary() == f"4 findings, 2026-01-02 to 2026-01-05: {group.message} {ends}"
    assert group.line().startswith("[warning] chain-a: 4 findings, ")


def test_amounts_add_up_and_a_single_finding_reads_as_itself():
    items = [payment(day, (day + 1) * 10**17, day * 10**16) for day in range(5)]
    (group,) = group_findings(items)
    assert group.amounts == tuple((day + 1) * 10**17 for day in range(5))
    assert group.total == 15 * 10**17
    assert "1.500000 ETH in all: a payment of … (manual, L1) brings what was paid … above" in group.summary()
    single = FindingGroup((items[0],))
    assert single.summary() == f"{items[0].message} (evidence: {items[0].evidence})"
    assert finding_amount(Finding("x", "info", "no-such-kind", "owes 1.000000: owed", "", 0)) is None


def test_groups_part_by_place_severity_kind_and_words_and_the_worst_come_first():
    other_route = Finding("chain-c", "warning", "unmatched-payment",
                          payment(1, 10**17, 0).message.replace("L1", "L2"), "", T0 + 3 * DAY)  # fmt: skip
    error = Finding(
        "chain-b", "error", "vault-events", "BaseFeeVault's totalProcessed grew by 1.000000", "", T0
    )
    info = Finding("chain-a", "info", "interval-changed", "the interval changed from 1 to 2 days", TX, T0)
    found = [info, missed(1), payment(1, 10**17, 0), other_route, error, payment(2, 10**17, 10**17)]
    groups = group_findings(found)
    assert [(g.severity, g.chain, g.count) for g in groups] == [
        ("error", "chain-b", 1),
        ("warning", "chain-a", 1),
        ("warning", "chain-c", 2),  # L1, the older first
        ("warning", "chain-c", 1),  # L2
        ("info", "chain-a", 1),
    ]
    assert groups[0].message == error.message


def test_what_varies_in_a_message():
    # Numbers inside a word or an address stay; hashes, dates, amounts and vault names vary.
    pattern, values = split_message(f"L1FeeVault of chain-26 paid 1,234.500000 to {SETTLER} in {TX}.")
    assert pattern == f"… of chain-26 paid … to {SETTLER} in …."
    assert values == ("L1FeeVault", "1,234.500000", TX)
    assert short_hex(SETTLER) == "0x0165…Eb8F" and short_hex("block 12") == "block 12"
