"""Hypothesis strategies shared by the property tests.

Every strategy draws its edge values often (each `one_of` branch is picked about equally, so a
`sampled_from` of edges is hit in roughly a third to a half of the draws): 0, 1, the largest
value, values one away from a boundary, equal pairs (gross == l1Cost), and the rates 0, the
defaults 250 / 1,500, and 10,000."""

from hypothesis import strategies as st

from revshare.model import UINT256_MAX

EDGE_AMOUNTS = [0, 1, 2, 9_999, 10_000, 10_001, 2**128, 2**255, UINT256_MAX - 1, UINT256_MAX]
EDGE_BPS = [0, 1, 250, 1_500, 9_999, 10_000]


def amounts(max_value: int, *edges: int) -> st.SearchStrategy[int]:
    """0..max_value, with 0, 1, max_value - 1, max_value and the given edges drawn often."""
    picks = sorted({e for e in (0, 1, max_value - 1, max_value, *edges) if 0 <= e <= max_value})
    return st.one_of(st.sampled_from(picks), st.integers(0, max_value))


def bps_up_to(max_bps: int) -> st.SearchStrategy[int]:
    """A rate in 0..max_bps, its edges (0, 1, the defaults, max_bps - 1, max_bps) drawn often."""
    return amounts(max_bps, *[b for b in EDGE_BPS if b <= max_bps])


# Any uint256, weighted towards edges and realistic wei amounts.
uint256 = st.one_of(
    st.sampled_from(EDGE_AMOUNTS),
    st.integers(min_value=0, max_value=10**24),
    st.integers(min_value=0, max_value=UINT256_MAX),
)


def pairs(values: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[int, int]]:
    """(gross, l1Cost): independent, equal, or one apart (either way), each drawn often."""
    return st.one_of(
        st.tuples(values, values),
        values.map(lambda v: (v, v)),
        values.filter(lambda v: v < UINT256_MAX).map(lambda v: (v, v + 1)),
        values.filter(lambda v: v > 0).map(lambda v: (v, v - 1)),
    )


# (gross, l1Cost) over all of uint256.
gross_and_cost = pairs(uint256)

# Registry-valid rates (0..100%).
valid_bps = st.one_of(st.sampled_from(EDGE_BPS), st.integers(0, 10_000))

# Any uint256 rate, for the library itself (which saturates above 100%).
any_bps = st.one_of(valid_bps, st.sampled_from([10_001, 65_535, UINT256_MAX]), st.integers(0, UINT256_MAX))
