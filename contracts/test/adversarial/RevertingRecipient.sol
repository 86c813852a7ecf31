// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title RevertingRecipient
/// @notice TEST ONLY. Rejects ETH while `rejecting` is set.
contract RevertingRecipient {
    /// @notice Whether incoming ETH is rejected.
    bool public rejecting = true;

    /// @notice Raised on every rejected transfer.
    error Rejected();

    /// @notice Start or stop rejecting ETH.
    /// @param value The new setting.
    function setRejecting(bool value) external {
        rejecting = value;
    }

    /// @notice Reverts while `rejecting`.
    receive() external payable {
        if (rejecting) revert Rejected();
    }
}
