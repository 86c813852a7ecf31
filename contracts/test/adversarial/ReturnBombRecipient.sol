// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ReturnBombRecipient
/// @notice TEST ONLY. Reverts with a large blob of return data, which a caller that copies return
///         data into memory pays for (memory expansion) out of its own gas.
contract ReturnBombRecipient {
    /// @notice Bytes of revert data returned.
    uint256 public constant BOMB_SIZE = 60_000;

    /// @notice Reverts with `BOMB_SIZE` bytes of data.
    receive() external payable {
        assembly {
            revert(0, 60000)
        }
    }
}
