// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ReenteringRecipient
/// @notice TEST ONLY. When paid, calls back into a target (the splitter) with preset calldata.
///         With `swallow` set it catches the failure and accepts the payment; otherwise it
///         reverts with the callee's error, so the payment fails.
contract ReenteringRecipient {
    /// @notice The contract re-entered.
    address public target;
    /// @notice The call made on every receipt.
    bytes public payload;
    /// @notice Whether a failed re-entry is ignored (payment accepted) or bubbled up (payment fails).
    bool public swallow;
    /// @notice How many re-entries were attempted, and how many succeeded.
    uint256 public attempts;
    /// @notice How many re-entries succeeded (must stay 0 against a guarded target).
    uint256 public successes;

    /// @notice Configure the re-entry.
    /// @param target_ The contract to call back.
    /// @param payload_ The calldata to send it.
    /// @param swallow_ Whether to accept the payment when the re-entry fails.
    function arm(address target_, bytes calldata payload_, bool swallow_) external {
        target = target_;
        payload = payload_;
        swallow = swallow_;
    }

    /// @notice Re-enters `target` on every ETH receipt.
    receive() external payable {
        _reenter();
    }

    /// @notice Token hook used by `HookToken` on every transfer to this contract.
    function onTokenTransfer(address, uint256) external {
        _reenter();
    }

    function _reenter() private {
        if (target == address(0)) return;
        attempts += 1;
        (bool ok, bytes memory reason) = target.call(payload);
        if (ok) {
            successes += 1;
        } else if (!swallow) {
            assembly {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }
}
