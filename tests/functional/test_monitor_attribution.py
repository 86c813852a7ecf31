"""The shared splitter's attribution check (`revshare.monitor.attribution`) on hand-made epochs and
withdrawals (no node): honest epochs give differences of 0 and no finding; a shift between chains,
an under- or over-report, a chain left out, revenue not reported yet, an unread network, a window
past the blocks read; a withdrawal on a window's boundary; a disputed and a corrected epoch. Also
the served chain's part of the ledger (`revshare.monitor.shared.settle_shared`) and the config."""

from __future__ import annotations

import pytest
from eth_utils import to_checksum_address

from revshare.chain.addresses import ETH_ASSET, PREDEPLOY_VAULTS
from revshare.chain.shared import Dispute, SharedEpoch
from revshare.config_models import ConfigError
from revshare.epochs import SettledChain
from revshare.model import split_with_fee
from revshare.monitor.attribution import (
    LEFT_OUT,
    NOT_VERIFIED,
    NOT_WATCHED,
    OK,
    OVER,
    SHIFTED,
    UNDER,
    Collected,
    ServedChain,
    verify_attribution,
)
from revshare.monitor.config import Terms, parse_monitor_config
from revshare.monitor.records import ServedBy, Withdrawal
from revshare.monitor.shared import settle_shared

ETH = 10**18
DAY = 86_400
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
A, B, C = 901, 902, 903
COLLECTION = to_checksum_address("0x" + "ce" * 20)
COLLECTIVE = to_checksum_address("0x" + "c0" * 20)
SPLITTER = to_checksum_address("0x" + "55" * 20)


def settled(chains: dict[int, tuple[int, int]]) -> tuple[SettledChain, ...]:
    """Settlements with the 1% operator fee and default terms, as the contract credits them."""
    out = []
    for chain_id, (gross, l1) in sorted(chains.items()):
        parts = split_with_fee(gross, l1, 250, 1500, 100)
        out.append(SettledChain(chain_id, gross, l1, parts.operator_fee, parts.collective))
    return tuple(out)


def epoch(number: int, start: int, end: int, chains: dict[int, tuple[int, int]], **more) -> SharedEpoch:
    fields = dict(
        epoch=number,
        asset=ETH_ASSET,
        block=number * 10,
        tx_hash=f"0x{number:064x}",
        window_start=start,
        window_end=end,
        terms_since=start,
        fee_bps=100,
        disputable_until=end,
        digest="0x" + "00" * 32,
        collective=COLLECTIVE,
        fee_recipient=COLLECTION,
        packed=False,
        chains=settled(chains),
    )
    fields.update(more)
    return SharedEpoch(**fields)


def paid(*items: tuple[int, int] | tuple[int, int, bool]) -> tuple[Collected, ...]:
    """Withdrawals as (time, wei[, from the L1 fee vault])."""
    return tuple(Collected(item[1], item[0], bool(item[2:] and item[2])) for item in items)


def served(chain_id: int, *items, **more) -> ServedChain:
    fields = dict(last_time=T0 + 30 * DAY)
    fields.update(more)
    return ServedChain(chain_id, f"chain-{chain_id - 900}", paid(*items), **fields)


def kinds(result) -> list[tuple[str, str, str]]:
    return sorted((f.severity, f.kind, f.chain) for f in result.findings)


def by_chain(result, number: int) -> dict[int, object]:
    return {r.chain_id: r for r in result.rows if r.epoch == number}


END1, END2 = T0 + DAY, T0 + 2 * DAY


def test_an_honest_epoch_gives_rows_of_difference_zero_and_no_finding():
    chains = [
        served(A, (T0 + 10, 3 * ETH), (T0 + 11, ETH, True)),
        served(B, (T0 + 20, 2 * ETH), (T0 + 21, ETH // 2, True)),
    ]
    result = verify_attribution(
        "shared", [epoch(1, 0, END1, {A: (4 * ETH, ETH), B: (5 * ETH // 2, ETH // 2)})], chains
    )
    assert result.findings == [] and result.unreported == []
    rows = by_chain(result, 1)
    assert {r.verdict for r in rows.values()} == {OK}
    assert [(r.attributed_gross, r.observed_gross, r.difference) for r in rows.values()] == [
        (4 * ETH, 4 * ETH, 0),
        (5 * ETH // 2, 5 * ETH // 2, 0),
    ]
    assert rows[A].observed_l1_vault == ETH and rows[A].l1_difference == 0 and rows[A].withdrawals == 2


def test_revenue_shifted_between_chains_is_one_error_naming_who_got_it():
    chains = [served(A, (T0 + 10, 3 * ETH)), served(B, (T0 + 20, 2 * ETH)), served(C, (T0 + 30, ETH))]
    shifted = epoch(1, 0, END1, {A: (3 * ETH, 0), B: (2 * ETH - ETH // 10, 0), C: (ETH + ETH // 10, 0)})
    result = verify_attribution("shared", [shifted], chains)
    assert kinds(result) == [("error", "revenue-shifted", "chain-2")]
    message = result.findings[0].message
    assert "chain-2 was attributed 1.900000 ETH" in message and "chain-3 (+0.100000 ETH)" in message
    assert "epoch 1" in message and "total equals what was observed" in message
    assert result.findings[0].evidence == shifted.tx_hash
    rows = by_chain(result, 1)
    assert [rows[i].verdict for i in (A, B, C)] == [OK, SHIFTED, SHIFTED]
    assert [rows[i].difference for i in (A, B, C)] == [0, -(ETH // 10), ETH // 10]


def test_under_reporting_is_an_error_and_over_reporting_a_warning():
    chains = [served(A, (T0 + 10, 3 * ETH)), served(B, (T0 + 20, 2 * ETH))]
    under = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH - 7, 0), B: (2 * ETH, 0)})], chains)
    assert kinds(under) == [("error", "under-reported", "chain-1")]
    assert (
        "7 wei" not in under.findings[0].message and "less than the 3.000000 ETH" in under.findings[0].message
    )
    assert by_chain(under, 1)[A].verdict == UNDER and by_chain(under, 1)[A].difference == -7
    over = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0), B: (2 * ETH + 5, 0)})], chains)
    assert kinds(over) == [("warning", "over-reported", "chain-2")]
    assert by_chain(over, 1)[B].verdict == OVER


def test_a_shift_that_does_not_offset_reports_the_rest_for_the_epoch():
    chains = [served(A, (T0 + 10, 3 * ETH)), served(B, (T0 + 20, 2 * ETH))]
    result = verify_attribution(
        "shared", [epoch(1, 0, END1, {A: (3 * ETH + 1, 0), B: (2 * ETH - 3, 0)})], chains
    )
    assert kinds(result) == [("error", "revenue-shifted", "chain-2"), ("error", "under-reported", "shared")]
    assert "total equals" not in result.findings[0].message


def test_a_chain_left_out_of_the_report_is_a_window_with_no_report():
    chains = [served(A, (T0 + 10, 3 * ETH)), served(B, (T0 + 20, 2 * ETH)), served(C)]
    result = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0)})], chains)
    assert kinds(result) == [("error", "unreported-window", "chain-2")]
    rows = by_chain(result, 1)
    assert set(rows) == {A, B}  # chain C paid nothing and was not reported: nothing to say
    assert not rows[B].in_report and rows[B].verdict == LEFT_OUT and rows[B].difference == -2 * ETH
    # Left out and its revenue given to another chain: both are said.
    given = verify_attribution("shared", [epoch(1, 0, END1, {A: (5 * ETH, 0)})], chains)
    assert kinds(given) == [
        ("error", "revenue-shifted", "chain-2"),
        ("error", "unreported-window", "chain-2"),
    ]
    assert by_chain(given, 1)[B].verdict == LEFT_OUT and by_chain(given, 1)[A].verdict == SHIFTED


def test_a_withdrawal_on_a_boundary_belongs_to_the_window_it_ends():
    # Windows (0, END1] and (END1, END2]: a withdrawal at END1 is epoch 1's, one at END2 epoch 2's.
    chains = [served(A, (END1, 3 * ETH), (END1 + 1, ETH), (END2, 2 * ETH))]
    honest = [epoch(1, 0, END1, {A: (3 * ETH, 0)}), epoch(2, END1, END2, {A: (3 * ETH, 0)})]
    result = verify_attribution("shared", honest, chains)
    assert result.findings == []
    assert [(r.epoch, r.observed_gross, r.difference) for r in result.rows] == [
        (1, 3 * ETH, 0),
        (2, 3 * ETH, 0),
    ]
    # Counting the withdrawal at END1 in epoch 2 (start inclusive) is a mistake the check sees.
    late = [epoch(1, 0, END1, {A: (1, 0)}), epoch(2, END1, END2, {A: (6 * ETH - 1, 0)})]
    wrong = verify_attribution("shared", late, chains)
    assert kinds(wrong) == [("error", "under-reported", "chain-1"), ("warning", "over-reported", "chain-1")]


def test_a_corrected_epoch_is_compared_as_corrected_and_a_disputed_one_as_reported():
    chains = [served(A, (T0 + 10, 3 * ETH)), served(B, (T0 + 20, 2 * ETH))]
    wrong = {A: (3 * ETH + ETH // 2, 0), B: (ETH + ETH // 2, 0)}
    dispute = Dispute(B, "0x" + "7e" * 20, 12, "0x" + "d1" * 32, 0, 0, 0)
    disputed = epoch(1, 0, END1, wrong, dispute=dispute)
    result = verify_attribution("shared", [disputed], chains)
    assert kinds(result) == [
        ("error", "revenue-shifted", "chain-2"),
        ("warning", "epoch-disputed", "chain-2"),
    ]
    assert {r.status for r in result.rows} == {"disputed"}
    corrected = epoch(
        1,
        0,
        END1,
        wrong,
        dispute=dispute,
        resolution="corrected",
        corrected=settled({A: (3 * ETH, 0), B: (2 * ETH, 0)}),
        resolved_tx="0x" + "cc" * 32,
    )
    fixed = verify_attribution("shared", [corrected], chains)
    assert kinds(fixed) == [("info", "epoch-corrected", "chain-2")]
    assert {(r.compared, r.difference, r.verdict, r.evidence) for r in fixed.rows} == {
        ("correction", 0, OK, "0x" + "cc" * 32)
    }
    confirmed = verify_attribution(
        "shared", [epoch(1, 0, END1, wrong, dispute=dispute, resolution="confirmed")], chains
    )
    assert ("error", "revenue-shifted", "chain-2") in kinds(confirmed)
    assert ("info", "epoch-confirmed", "chain-2") in kinds(confirmed)


def test_never_a_false_all_clear_for_what_was_not_read():
    unread = ServedChain(B, "chain-2", read=False, why="node refused")
    chains = [served(A, (T0 + 10, 3 * ETH)), unread]
    result = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0), B: (ETH, 0)})], chains)
    assert kinds(result) == [("error", "attribution-unverified", "chain-2")]
    assert "node refused" in result.findings[0].message
    assert by_chain(result, 1)[B].verdict == NOT_VERIFIED and by_chain(result, 1)[B].difference is None
    # A window past the chain's last block read (its node lags) is not verified, and says so.
    lagging = served(A, (T0 + 10, 3 * ETH), last_time=END1 - 1)
    lag = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0)})], [lagging])
    assert kinds(lag) == [("info", "attribution-unverified", "chain-1")]
    assert by_chain(lag, 1)[A].verdict == NOT_VERIFIED
    stale = served(A, (T0 + 10, 3 * ETH), last_time=T0 + 20)
    assert kinds(verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0)})], [stale])) == [
        ("warning", "attribution-unverified", "chain-1")
    ]
    # A range read from mid-history cannot verify a window that starts before it.
    late_start = served(A, (END1 + 10, ETH), first_time=END1 + 5, from_genesis=False)
    epochs = [epoch(1, 0, END1, {A: (3 * ETH, 0)}), epoch(2, END1, END2, {A: (ETH, 0)})]
    partial = verify_attribution("shared", epochs, [late_start])
    assert [(r.epoch, r.verdict) for r in partial.rows] == [(1, NOT_VERIFIED), (2, NOT_VERIFIED)]
    inside = served(A, (END1 + 10, ETH), first_time=END1 + 1, from_genesis=False)
    assert [(r.epoch, r.verdict) for r in verify_attribution("shared", epochs, [inside]).rows] == [
        (1, NOT_VERIFIED),
        (2, OK),
    ]


def test_revenue_after_the_last_window_is_information_until_it_is_overdue():
    recent = served(A, (T0 + 10, 3 * ETH), (END1 + 100, ETH), last_time=END1 + DAY)
    result = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0)})], [recent])
    assert kinds(result) == [("info", "not-reported-yet", "chain-1")]
    assert [(u.gross, u.withdrawals, u.overdue) for u in result.unreported] == [(ETH, 1, False)]
    old = served(A, (T0 + 10, 3 * ETH), (END1 + 100, ETH), last_time=END1 + 3 * DAY)
    late = verify_attribution("shared", [epoch(1, 0, END1, {A: (3 * ETH, 0)})], [old])
    assert kinds(late) == [("warning", "not-reported-yet", "chain-1")]
    # A configured interval sets the bound: a week between epochs, so 3 days is not late.
    weekly = verify_attribution(
        "shared", [epoch(1, 0, END1, {A: (3 * ETH, 0)})], [old], report_interval=7 * DAY
    )
    assert kinds(weekly) == [("info", "not-reported-yet", "chain-1")]


def test_chains_the_config_does_not_serve_are_not_verified_and_l1_cost_is_only_shown():
    chains = [served(A, (T0 + 10, 3 * ETH), (T0 + 11, ETH, True))]
    result = verify_attribution("shared", [epoch(1, 0, END1, {A: (4 * ETH, 2 * ETH), 999: (ETH, 0)})], chains)
    assert kinds(result) == [("info", "attribution-unwatched", "shared")]
    rows = by_chain(result, 1)
    assert rows[999].verdict == NOT_WATCHED and rows[999].difference is None
    assert rows[A].verdict == OK and rows[A].l1_difference == ETH  # attributed 2, the L1 fee vault paid 1


# ---------------------------------------------------------------- a served chain's ledger part


def withdrawal(
    timestamp: int, value: int, vault: str = "sequencer_fee_vault", to: str = COLLECTION
) -> Withdrawal:
    return Withdrawal(
        str(PREDEPLOY_VAULTS[vault]), value, to, 1, timestamp - T0, 0, "0x" + "ab" * 32, timestamp
    )


def test_the_shared_part_of_a_served_chains_ledger():
    config = parse_monitor_config(config_data())
    chain = config.chains[0]
    epochs = (
        epoch(1, 0, END1, {A: (3 * ETH, ETH)}),
        epoch(2, END1, END2, {A: (ETH, 0)}, dispute=Dispute(A, COLLECTIVE, 30, "0x" + "d2" * 32, 1, 0, 0)),
    )
    served_by = ServedBy(
        "shared", SPLITTER, COLLECTION, epochs, {10: END1 + 5, 20: END2 + 5}, frozenset({COLLECTIVE.lower()})
    )
    collected = [
        withdrawal(T0 + 10, 2 * ETH),
        withdrawal(T0 + 11, ETH, "l1_fee_vault"),
        withdrawal(END1 + 10, ETH),
        withdrawal(END2 + 10, 5),
    ]
    part = settle_shared(chain, served_by, collected, lambda *_: Terms(250, 1500), 99)
    owed = split_with_fee(3 * ETH, ETH, 250, 1500, 100).collective
    assert [(b.kind, b.gross, b.l1_cost, b.owed, b.timestamp) for b in part.batches] == [
        ("epoch", 3 * ETH, ETH, owed, END1 + 5),
        ("epoch", ETH, 0, split_with_fee(ETH, 0, 250, 1500, 100).collective, END2 + 5),
    ]
    # Epoch 2 is disputed: its credit is held, not paid.
    assert [(p.source, p.amount, p.receiver) for p in part.payments] == [
        ("shared-splitter", owed, COLLECTIVE)
    ]
    assert [w.value for w in part.pending] == [5] and part.unassigned == [] and part.findings == []
    elsewhere = ServedBy("shared", SPLITTER, COLLECTION, epochs[:1], {10: END1}, frozenset())
    wrong = settle_shared(chain, elsewhere, collected[:2], lambda *_: Terms(250, 1500), 99)
    assert wrong.payments == [] and [f.kind for f in wrong.findings] == ["misdirected-share"]


# ---------------------------------------------------------------- the config


def config_data(**shared) -> dict:
    entry = {
        "name": "shared",
        "network": "a",
        "address": SPLITTER,
        "collection": COLLECTION,
        "serves": ["a", 902],
    }
    entry.update(shared)
    return {
        "collective": {"l2_receivers": [COLLECTIVE]},
        "chains": [
            {"name": "a", "chain_id": A, "rpc": "http://127.0.0.1:1"},
            {"name": "b", "chain_id": B, "rpc": "http://127.0.0.1:2", "senders": ["0x" + "5e" * 20]},
        ],
        "shared_splitters": [entry],
    }


def test_the_config_declares_a_shared_splitter_by_names_or_chain_ids():
    config = parse_monitor_config(config_data(network=901, report_interval=86_400))
    (shared,) = config.shared_splitters
    assert shared.network is config.chains[0].network and shared.serves == (A, B)
    assert shared.collection == COLLECTION and shared.report_interval == 86_400
    assert config.shared_splitter_of(config.chains[1]) is shared


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"network": "z"}, "shared_splitters[0].network: 'z' is not a configured chain"),
        ({"serves": ["a", 999]}, "shared_splitters[0].serves: 999 is not a configured chain"),
        ({"serves": ["a", 901]}, "lists a twice"),
        ({"serves": []}, "shared_splitters[0].serves: must be a non-empty list"),
        ({"name": "b"}, "shared_splitters[0].name: 'b' is already used"),
        ({"collection": "0x" + "5e" * 20}, "is also a sender of b"),
        ({"collection": str(PREDEPLOY_VAULTS["base_fee_vault"])}, "is an OP Stack predeploy"),
        ({"address": None}, "shared_splitters[0].address"),
        ({"extra": 1}, "shared_splitters[0]: unknown key 'extra'"),
    ],
)
def test_the_config_refuses_a_shared_splitter_that_does_not_fit(change, problem):
    with pytest.raises(ConfigError) as raised:
        parse_monitor_config(config_data(**change))
    assert any(problem in line for line in raised.value.problems), raised.value.problems


def test_a_chain_is_served_by_one_shared_splitter():
    data = config_data()
    data["shared_splitters"].append({**data["shared_splitters"][0], "name": "other"})
    with pytest.raises(ConfigError, match="already served by shared"):
        parse_monitor_config(data)
