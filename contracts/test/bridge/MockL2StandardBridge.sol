// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IL2StandardBridge} from "../../interfaces/IL2WithdrawalPaths.sol";

/// @title MockL2StandardBridge
/// @notice TEST ONLY. Stands in for the OP Stack L2StandardBridge predeploy (installed at
///         0x4200…0010 with `anvil_setCode`): `bridgeETHTo` keeps the ETH and emits the events the
///         real bridge emits for an ETH withdrawal. `setRejecting(true)` makes it revert, to test
///         a failed bridge call.
contract MockL2StandardBridge is IL2StandardBridge {
    /// @notice The real bridge's legacy withdrawal event (l1Token = 0, l2Token = the legacy ETH token).
    event WithdrawalInitiated(
        address indexed l1Token, address indexed l2Token, address indexed from, address to, uint256 amount, bytes extraData
    );
    /// @notice What this mock records per call, for tests (the real bridge has no such event).
    event MinGasLimit(uint32 minGasLimit);

    /// @notice The OP Stack's legacy ERC-20 ETH predeploy, named as l2Token in `WithdrawalInitiated`.
    address public constant LEGACY_ERC20_ETH = 0xDeadDeAddeAddEAddeadDEaDDEAdDeaDDeAD0000;

    /// @notice Whether calls revert.
    bool public rejecting;

    /// @notice Raised while `rejecting`.
    error Rejected();

    /// @notice Make `bridgeETHTo` revert (true) or work (false).
    /// @param value The new setting.
    function setRejecting(bool value) external {
        rejecting = value;
    }

    /// @notice Start an ETH withdrawal of `msg.value` to `to` on L1.
    /// @param to The L1 recipient.
    /// @param minGasLimit Gas for the L1 call.
    /// @param extraData Passed through.
    function bridgeETHTo(address to, uint32 minGasLimit, bytes calldata extraData) external payable {
        if (rejecting) revert Rejected();
        emit WithdrawalInitiated(address(0), LEGACY_ERC20_ETH, msg.sender, to, msg.value, extraData);
        emit ETHBridgeInitiated(msg.sender, to, msg.value, extraData);
        emit MinGasLimit(minGasLimit);
    }
}
