// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title GasBurningRecipient
/// @notice TEST ONLY. Burns every unit of gas it is given when it receives ETH.
contract GasBurningRecipient {
    /// @notice Counter bumped forever, so the loop is not optimised away.
    uint256 public spins;

    /// @notice Never returns: runs until out of gas.
    receive() external payable {
        while (true) {
            spins += 1;
        }
    }
}
