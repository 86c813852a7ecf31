// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title RevenueShareMath
/// @notice The Superchain revenue-share rule, exact for every uint256 input.
/// @dev Collective share = max(floor(gross * grossBps / 10^4), floor(max(gross - l1Cost, 0) * netBps / 10^4)),
///      capped at `gross`; the chain keeps the rest. Products are computed at 512-bit precision
///      (OpenZeppelin `Math.mulDiv`), and a rate at or above 100% short-circuits to the whole
///      amount, so no input overflows or reverts.
library RevenueShareMath {
    /// @notice Basis-point scale: 10,000 bps = 100%.
    uint256 internal constant BPS_DENOMINATOR = 10_000;

    /// @notice Default share of gross revenue owed to the Collective (2.5%).
    uint16 internal constant DEFAULT_GROSS_BPS = 250;

    /// @notice Default share of net on-chain profit owed to the Collective (15%).
    uint16 internal constant DEFAULT_NET_BPS = 1_500;

    /// @dev Amounts below this times any rate under 10^4 cannot overflow uint256.
    uint256 private constant _DIRECT_LIMIT = 1 << 242;

    /// @notice `floor(amount * bps / 10^4)`, saturating at `amount` for rates of 100% or more.
    function applyBps(uint256 amount, uint256 bps) internal pure returns (uint256) {
        if (bps >= BPS_DENOMINATOR) return amount;
        // bps < 10^4 < 2^14, so below 2^242 the product fits in 256 bits: skip the 512-bit path.
        if (amount < _DIRECT_LIMIT) {
            unchecked {
                return amount * bps / BPS_DENOMINATOR;
            }
        }
        return Math.mulDiv(amount, bps, BPS_DENOMINATOR);
    }

    /// @notice Split `gross` revenue, of which `l1Cost` was paid for L1 data, between the Collective and the chain.
    /// @param gross Gross revenue (all fee vault receipts, L1 fee vault included).
    /// @param l1Cost The L1 data cost counted against gross (may exceed gross: net is then zero).
    /// @param grossBps Collective rate on gross revenue, in bps.
    /// @param netBps Collective rate on net revenue (gross minus L1 cost), in bps.
    /// @return collectiveShare Amount owed to the Collective; never above `gross`.
    /// @return chainShare `gross - collectiveShare`.
    /// @return netRuleApplied True when the net rule gave strictly more than the gross rule.
    function split(uint256 gross, uint256 l1Cost, uint256 grossBps, uint256 netBps)
        internal
        pure
        returns (uint256 collectiveShare, uint256 chainShare, bool netRuleApplied)
    {
        uint256 byGross = applyBps(gross, grossBps);
        uint256 net = gross > l1Cost ? gross - l1Cost : 0;
        uint256 byNet = applyBps(net, netBps);
        netRuleApplied = byNet > byGross;
        collectiveShare = netRuleApplied ? byNet : byGross;
        // applyBps never exceeds its input and net <= gross, so the share never exceeds gross.
        chainShare = gross - collectiveShare;
    }

    /// @notice Split `gross` with an operator fee taken first: the fee is `floor(gross * feeBps / 10^4)`,
    ///         and the revenue-share rule then applies to what is left (`gross - fee`) with `l1Cost`.
    /// @dev `operatorFee + collectiveShare + chainShare == gross` exactly, for every input.
    /// @return operatorFee The sequencer operator's fee.
    /// @return collectiveShare The Collective's share of the remainder.
    /// @return chainShare The chain's share of the remainder.
    /// @return netRuleApplied True when the net rule gave strictly more than the gross rule.
    function splitWithFee(uint256 gross, uint256 l1Cost, uint256 grossBps, uint256 netBps, uint256 feeBps)
        internal
        pure
        returns (uint256 operatorFee, uint256 collectiveShare, uint256 chainShare, bool netRuleApplied)
    {
        operatorFee = applyBps(gross, feeBps);
        (collectiveShare, chainShare, netRuleApplied) = split(gross - operatorFee, l1Cost, grossBps, netBps);
    }
}
