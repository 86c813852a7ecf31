// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {RevenueShareMath} from "revshare/libraries/RevenueShareMath.sol";

/// @notice The invariant `ape run benchmark_fuzz` checks in batches against the Python model,
///         for forge's fuzzer: `RevenueShareMath.split` equals an independent reference (the
///         512-bit `mulDiv` for every rate, 100% and above taking everything) for any uint256
///         inputs. No forge-std: a revert is a failure.
contract SplitFuzz {
    uint256 private constant BPS = 10_000;

    function testFuzz_splitMatchesReference(uint256 gross, uint256 l1Cost, uint256 grossBps, uint256 netBps)
        external
        pure
    {
        (uint256 collective, uint256 chainShare, bool netRule) =
            RevenueShareMath.split(gross, l1Cost, grossBps, netBps);
        uint256 byGross = grossBps >= BPS ? gross : Math.mulDiv(gross, grossBps, BPS);
        uint256 net = gross > l1Cost ? gross - l1Cost : 0;
        uint256 byNet = netBps >= BPS ? net : Math.mulDiv(net, netBps, BPS);
        bool expectNet = byNet > byGross;
        uint256 expected = expectNet ? byNet : byGross;
        require(collective == expected, "collective share differs from the reference");
        require(chainShare == gross - expected, "chain share differs from the reference");
        require(netRule == expectNet, "net rule flag differs from the reference");
    }
}
