"""The pure-Python reference model on hand-checked cases."""

import pytest

from revshare.model import UINT256_MAX, apply_bps, split


@pytest.mark.parametrize(
    ("gross", "l1_cost", "collective", "rule"),
    [
        (0, 0, 0, "gross"),
        (1, 0, 0, "gross"),  # both rules round down to zero
        (100, 0, 15, "net"),
        (100, 90, 2, "gross"),  # 15% of 10 = 1.5 -> 1 < 2.5 -> 2
        (1_000, 1_000, 25, "gross"),
        (1_000, 5_000, 25, "gross"),  # cost above gross: net is zero, not negative
        (6_000, 5_000, 150, "gross"),  # exact tie (150 = 150) counts as the gross rule
        (10**18, 4 * 10**17, 9 * 10**16, "net"),
    ],
)
def test_split_hand_checked(gross, l1_cost, collective, rule):
    result = split(gross, l1_cost)
    assert result.collective == collective
    assert result.chain == gross - collective
    assert result.rule == rule


def test_split_uint256_max_is_exact():
    result = split(UINT256_MAX, 0)
    assert result.collective == UINT256_MAX * 1500 // 10_000
    assert result.collective + result.chain == UINT256_MAX


def test_rates_at_or_above_100_percent_saturate():
    assert apply_bps(12_345, 10_000) == 12_345
    assert apply_bps(12_345, 65_535) == 12_345
    assert split(500, 100, 20_000, 0).collective == 500


@pytest.mark.parametrize("bad", [-1, 1.5, "10", True, None])
def test_split_rejects_non_integers(bad):
    with pytest.raises(ValueError, match="non-negative integer"):
        split(bad, 0)
