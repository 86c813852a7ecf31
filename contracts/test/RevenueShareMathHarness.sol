// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RevenueShareMath} from "../libraries/RevenueShareMath.sol";

/// @title RevenueShareMathHarness
/// @notice TEST ONLY. Exposes `RevenueShareMath` with unrestricted rates, one case or many per call.
contract RevenueShareMathHarness {
    /// @notice `RevenueShareMath.split` for one case.
    function split(uint256 gross, uint256 l1Cost, uint256 grossBps, uint256 netBps)
        external
        pure
        returns (uint256 collectiveShare, uint256 chainShare, bool netRuleApplied)
    {
        return RevenueShareMath.split(gross, l1Cost, grossBps, netBps);
    }

    /// @notice `RevenueShareMath.split` for many cases in one call; `cases[i] = [gross, l1Cost, grossBps, netBps]`.
    function splitMany(uint256[4][] calldata cases)
        external
        pure
        returns (uint256[] memory collectiveShares, uint256[] memory chainShares, bool[] memory netRuleApplied)
    {
        uint256 n = cases.length;
        collectiveShares = new uint256[](n);
        chainShares = new uint256[](n);
        netRuleApplied = new bool[](n);
        for (uint256 i; i < n; ++i) {
            (collectiveShares[i], chainShares[i], netRuleApplied[i]) =
                RevenueShareMath.split(cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
        }
    }

    /// @notice `RevenueShareMath.split` for many cases, answered by one digest: the keccak256 of
    ///         every case's `collectiveShare`, `chainShare` and `netRuleApplied` (0 or 1), as 32-byte
    ///         words in order. A caller with the expected results compares one word, not 3n.
    function splitManyDigest(uint256[4][] calldata cases) external pure returns (bytes32) {
        uint256 n = cases.length;
        uint256[] memory results = new uint256[](3 * n);
        for (uint256 i; i < n; ++i) {
            uint256[4] calldata c = cases[i];
            (uint256 collectiveShare, uint256 chainShare, bool netRuleApplied) =
                RevenueShareMath.split(c[0], c[1], c[2], c[3]);
            results[3 * i] = collectiveShare;
            results[3 * i + 1] = chainShare;
            results[3 * i + 2] = netRuleApplied ? 1 : 0;
        }
        bytes32 digest;
        assembly ("memory-safe") {
            digest := keccak256(add(results, 0x20), mul(mload(results), 0x20))
        }
        return digest;
    }

    /// @notice `RevenueShareMath.splitWithFee` for many cases; `cases[i] = [gross, l1Cost, grossBps, netBps, feeBps]`.
    function splitWithFeeMany(uint256[5][] calldata cases) external pure returns (uint256[4][] memory results) {
        uint256 n = cases.length;
        results = new uint256[4][](n);
        for (uint256 i; i < n; ++i) {
            (uint256 fee, uint256 collective, uint256 chain, bool netRule) =
                RevenueShareMath.splitWithFee(cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4]);
            results[i] = [fee, collective, chain, netRule ? 1 : 0];
        }
    }
}
