// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISharesCalculator} from "../../interfaces/optimism/ISharesCalculator.sol";

/// @title ScriptedSharesCalculator
/// @notice TEST ONLY. An `ISharesCalculator` that answers whatever payouts it was given, whatever
///         the revenue: for testing how the FeeSplitter handles an empty or malformed answer.
contract ScriptedSharesCalculator is ISharesCalculator {
    ShareInfo[] private _shares;

    /// @notice Replace the scripted answer.
    /// @param shares The payouts every call returns.
    function script(ShareInfo[] calldata shares) external {
        delete _shares;
        for (uint256 i; i < shares.length; ++i) {
            _shares.push(shares[i]);
        }
    }

    /// @inheritdoc ISharesCalculator
    function getRecipientsAndAmounts(uint256, uint256, uint256, uint256)
        external
        view
        returns (ShareInfo[] memory shareInfo)
    {
        shareInfo = _shares;
    }
}
