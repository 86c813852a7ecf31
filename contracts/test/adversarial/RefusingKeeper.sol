// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title RefusingKeeper
/// @notice TEST ONLY. A keeper contract that triggers a call (a splitter's disbursement) and
///         rejects any ETH paid to it, so its keeper reward cannot be delivered.
contract RefusingKeeper {
    /// @notice Raised on every ETH receipt.
    error Refused();

    /// @notice Call `target` with `data`, bubbling up a revert.
    /// @param target The contract to call.
    /// @param data The calldata.
    function poke(address target, bytes calldata data) external {
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    /// @notice Rejects ETH.
    receive() external payable {
        revert Refused();
    }
}
