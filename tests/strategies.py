"""Hypothesis strategies shared by the property tests."""

from hypothesis import strategies as st

from revshare.model import UINT256_MAX

EDGE_AMOUNTS = [0, 1, 2, 9_999, 10_000, 10_001, 2**128, 2**255, UINT256_MAX - 1, UINT256_MAX]

# Any uint256, weighted towards edges and realistic wei amounts.
uint256 = st.one_of(
    st.sampled_from(EDGE_AMOUNTS),
    st.integers(min_value=0, max_value=10**24),
    st.integers(min_value=0, max_value=UINT256_MAX),
)

# Registry-valid rates (0..100%).
valid_bps = st.one_of(st.sampled_from([0, 1, 250, 1_500, 9_999, 10_000]), st.integers(0, 10_000))

# Any uint256 rate, for the library itself (which saturates above 100%).
any_bps = st.one_of(valid_bps, st.sampled_from([10_001, 65_535, UINT256_MAX]), st.integers(0, UINT256_MAX))
