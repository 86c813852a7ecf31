// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title TokenForwardingRecipient
/// @notice TEST ONLY. A recipient called back by a hook token (`HookToken.onTokenTransfer`) that
///         moves tokens on to another account inside the callback, so its balance after the
///         transfer is less than it was sent.
contract TokenForwardingRecipient {
    /// @notice Where forwarded tokens go.
    address public immutable SINK;
    /// @notice Units moved on to `SINK` in each callback.
    uint256 public forwardAmount;

    /// @param sink Where forwarded tokens go.
    constructor(address sink) {
        SINK = sink;
    }

    /// @notice Set how many units each callback forwards.
    function configure(uint256 forward) external {
        forwardAmount = forward;
    }

    /// @notice The hook token's callback: moves tokens away before the payer looks.
    function onTokenTransfer(address, uint256) external {
        if (forwardAmount != 0) IERC20(msg.sender).transfer(SINK, forwardAmount);
    }
}
