"""`SharedSequencerSplitter.reportEpochPacked`: the packed report (32 bytes per chain) and its
`ChainsSettled` event, checked against the ABI form (`reportEpoch`, one `ChainSettled` per chain)
on the same state, and the Python encoder and decoders in `revshare.epochs` against both."""

from __future__ import annotations

import ape
import pytest
from eth_abi import decode
from hypothesis import given, settings
from hypothesis import strategies as st

from revshare.epochs import (
    PACKED_CHAIN_BYTES,
    SETTLEMENT_BYTES,
    ChainRevenue,
    Terms,
    expected_settlement,
    pack_report,
    unpack_report,
    unpack_settlements,
)
from tests.conftest import ETH, OPERATOR_FEE_BPS, SHARED_CHAINS, restore_after

MAX96 = 2**96 - 1
E18 = 10**18


revenue_lists = st.lists(
    st.sampled_from(sorted(SHARED_CHAINS)), min_size=1, max_size=len(SHARED_CHAINS), unique=True
).flatmap(
    lambda ids: st.lists(
        st.tuples(st.integers(0, MAX96), st.integers(0, MAX96)), min_size=len(ids), max_size=len(ids)
    ).map(lambda amounts: [ChainRevenue(c, g, l1) for c, (g, l1) in zip(sorted(ids), amounts, strict=True)])
)


@given(
    st.lists(st.tuples(st.integers(1, 2**64 - 1), st.integers(0, MAX96), st.integers(0, MAX96)), max_size=20)
)
def test_the_python_encoder_and_decoder_are_inverse(rows):
    revenues = [ChainRevenue(*row) for row in rows]
    packed = pack_report(revenues)
    assert len(packed) == PACKED_CHAIN_BYTES * len(revenues)
    assert unpack_report(packed) == revenues


@pytest.mark.parametrize(
    ("revenue", "field"),
    [
        (ChainRevenue(2**64, 1, 1), "chain id"),
        (ChainRevenue(10, 2**96, 0), "gross"),
        (ChainRevenue(10, 1, 2**96), "L1 cost"),
        (ChainRevenue(10, -1, 0), "gross"),
    ],
)
def test_what_the_packed_form_cannot_hold_is_refused_by_name(revenue, field):
    with pytest.raises(ValueError, match=f"{field} .* does not fit the packed form.*ABI form"):
        pack_report([revenue])


@pytest.mark.parametrize("value", [1e18, "10", True, None])
def test_what_is_not_an_integer_is_refused_by_name(value):
    with pytest.raises(ValueError, match="gross must be an integer"):
        pack_report([ChainRevenue(10, value, 0)])


def test_a_packed_report_of_the_wrong_length_is_refused_by_the_decoder():
    with pytest.raises(ValueError, match="32 bytes per chain, not 33 bytes"):
        unpack_report(bytes(33))
    with pytest.raises(ValueError, match="56 bytes per chain, not 55 bytes"):
        unpack_settlements(bytes(55))


@settings(max_examples=25, deadline=None)
@given(revenues=revenue_lists)
def test_packed_and_abi_reports_settle_the_same(chain, shared, reporter, collective, revenues):
    """Same chain state, same report in both forms: the same balances, and `ChainsSettled`
    decodes to exactly the `ChainSettled` events of the ABI form."""
    paid = sum(r.gross for r in revenues)
    chain.provider.set_balance(reporter.address, paid + 10**24)
    ids = [r.chain_id for r in revenues]
    expected = expected_settlement(revenues, {c: Terms(*SHARED_CHAINS[c]) for c in ids}, OPERATOR_FEE_BPS)
    outcomes = []
    for form in ("abi", "packed"):
        with restore_after(chain):
            epoch = shared.lastEpoch() + 1
            if form == "abi":
                receipt = shared.reportEpoch(
                    epoch, epoch, [r.as_tuple() for r in revenues], value=paid, sender=reporter
                )
                settled = [
                    (e.chainId, e.gross, e.l1Cost, e.operatorFee, e.collectiveShare, e.chainShare)
                    for e in receipt.events.filter(shared.ChainSettled)
                ]
            else:
                data = pack_report(revenues)
                receipt = shared.reportEpochPacked(epoch, epoch, data, value=paid, sender=reporter)
                assert not receipt.events.filter(shared.ChainSettled)
                (log,) = receipt.events.filter(shared.ChainsSettled)
                assert log.epoch == epoch
                settled = [
                    (s.chain_id, s.gross, s.l1_cost, s.operator_fee, s.collective_share, s.chain_share)
                    for s in unpack_settlements(bytes(log.settlements))
                ]
                # The contract read what the Python decoder reads from the transaction's input.
                (_, _, sent) = decode(["uint256", "uint64", "bytes"], bytes(receipt.transaction.data)[4:])
                assert unpack_report(sent) == revenues
            (summary,) = receipt.events.filter(shared.EpochReported)
            balances = [shared.chainClaimable(ETH, c) for c in ids]
            outcomes.append(
                (
                    settled,
                    balances,
                    shared.accountClaimable(ETH, collective),
                    (summary.chainCount, summary.gross, summary.operatorFee, summary.collectiveShare),
                )
            )
    assert outcomes[0] == outcomes[1]
    settled = outcomes[1][0]
    assert [row[0] for row in settled] == ids
    for chain_id, gross, _l1_cost, fee, share, chain_share in settled:
        want = expected.per_chain[chain_id]
        assert (fee, share, chain_share) == (want.operator_fee, want.collective, want.chain)
        assert fee + share + chain_share == gross


def test_a_packed_report_with_a_cut_off_chain_is_refused(chain, shared, reporter):
    revenues = [ChainRevenue(c, E18, 0) for c in sorted(SHARED_CHAINS)[:2]]
    data = pack_report(revenues)
    with restore_after(chain):
        epoch = shared.lastEpoch() + 1
        with ape.reverts(shared.MalformedReport, length=len(data) - 1):
            shared.reportEpochPacked(epoch, epoch, data[:-1], value=2 * E18, sender=reporter)
        with ape.reverts(shared.MalformedReport, length=len(data) + 8):
            shared.reportEpochPacked(epoch, epoch, data + bytes(8), value=2 * E18, sender=reporter)
        with ape.reverts(shared.EmptyReport):
            shared.reportEpochPacked(epoch, epoch, b"", value=0, sender=reporter)


def test_a_packed_report_keeps_the_abi_forms_rules(chain, shared, reporter, stranger):
    first, second = sorted(SHARED_CHAINS)[:2]
    ordered = pack_report([ChainRevenue(first, E18, 0), ChainRevenue(second, E18, 0)])
    swapped = pack_report([ChainRevenue(second, E18, 0), ChainRevenue(first, E18, 0)])
    with restore_after(chain):
        epoch = shared.lastEpoch() + 1
        with ape.reverts(shared.NotReporter):
            shared.reportEpochPacked(epoch, epoch, ordered, value=2 * E18, sender=stranger)
        with ape.reverts(shared.ChainsNotSorted, chainId=first):
            shared.reportEpochPacked(epoch, epoch, swapped, value=2 * E18, sender=reporter)
        with ape.reverts(shared.AttributionMismatch):
            shared.reportEpochPacked(epoch, epoch, ordered, value=2 * E18 + 1, sender=reporter)
        with ape.reverts(shared.EpochNotNext):
            shared.reportEpochPacked(epoch + 1, epoch + 1, ordered, value=2 * E18, sender=reporter)
        assert shared.PACKED_CHAIN_BYTES() == PACKED_CHAIN_BYTES
        assert shared.SETTLEMENT_BYTES() == SETTLEMENT_BYTES
