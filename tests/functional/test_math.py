"""RevenueShareMath against the Python reference model, many cases per call."""

from hypothesis import given
from hypothesis import strategies as st

from revshare.model import UINT256_MAX, split, split_with_fee
from tests.strategies import EDGE_AMOUNTS, any_bps, gross_and_cost, valid_bps


def assert_batch_matches_model(math_harness, cases):
    collective, chain, net_rule = math_harness.splitMany(cases)
    for index, (gross, l1_cost, gross_bps, net_bps) in enumerate(cases):
        expected = split(gross, l1_cost, gross_bps, net_bps)
        got = (collective[index], chain[index], net_rule[index])
        assert got == tuple(expected), f"case {cases[index]}: contract {got} != model {tuple(expected)}"


def test_edge_grid_matches_model(math_harness):
    rates = [0, 1, 250, 1_500, 10_000, 10_001, UINT256_MAX]
    cases = [
        [gross, cost, g, n]
        for gross in EDGE_AMOUNTS
        for cost in (0, 1, gross // 2, gross, UINT256_MAX)
        for g, n in zip(rates, reversed(rates), strict=True)
    ]
    assert_batch_matches_model(math_harness, cases)


def test_single_case_entry_point(math_harness):
    assert math_harness.split(100, 0, 250, 1500) == (15, 85, True)
    assert math_harness.split(UINT256_MAX, UINT256_MAX, 10_000, 10_000) == (UINT256_MAX, 0, False)


# [gross, l1Cost, grossBps, netBps] (and feeBps): equal and adjacent amounts, edge rates, drawn often.
split_cases = st.tuples(gross_and_cost, any_bps, any_bps).map(lambda c: [*c[0], c[1], c[2]])
fee_cases = st.tuples(split_cases, st.one_of(valid_bps, any_bps)).map(lambda c: [*c[0], c[1]])


@given(cases=st.lists(split_cases, min_size=1, max_size=200))
def test_library_matches_model_for_any_uint256(math_harness, cases):
    assert_batch_matches_model(math_harness, cases)


@given(
    cases=st.lists(
        fee_cases,
        min_size=1,
        max_size=150,
    )
)
def test_split_with_fee_matches_model_for_any_uint256(math_harness, cases):
    results = math_harness.splitWithFeeMany(cases)
    for case, got in zip(cases, results, strict=True):
        want = split_with_fee(*case)
        assert tuple(got) == (want.operator_fee, want.collective, want.chain, int(want.net_rule_applied)), (
            case
        )
        assert got[0] + got[1] + got[2] == case[0]
