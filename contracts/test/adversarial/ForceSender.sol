// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ForceSender
/// @notice TEST ONLY. Forces ETH into `target` with SELFDESTRUCT, bypassing its receive().
contract ForceSender {
    /// @notice Send everything this call carries to `target` without calling it.
    /// @param target The account to force ETH into.
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}
