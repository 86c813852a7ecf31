// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IChainRegistry} from "../interfaces/IChainRegistry.sol";
import {IL2StandardBridge, IL2ToL1MessagePasser} from "../interfaces/IL2WithdrawalPaths.sol";

/// @title L2Withdrawals
/// @notice Starts an ETH withdrawal to L1 through the OP Stack predeploys, for the splitters'
///         L1 destinations.
library L2Withdrawals {
    /// @notice The OP Stack L2StandardBridge predeploy.
    address internal constant L2_STANDARD_BRIDGE = 0x4200000000000000000000000000000000000010;
    /// @notice The OP Stack L2ToL1MessagePasser predeploy.
    address internal constant L2_TO_L1_MESSAGE_PASSER = 0x4200000000000000000000000000000000000016;

    /// @notice ETH owed to `recipient` left for its account `l1Recipient` on L1 through `route`
    ///         (in flight until the withdrawal is proven and finalized on L1). Emitted by both
    ///         splitters, so the report reads one event.
    event L1WithdrawalInitiated(
        address indexed recipient,
        address l1Recipient,
        uint256 amount,
        IChainRegistry.Route route,
        uint32 l1GasLimit
    );

    /// @notice Sends `amount` of ETH to `destination.l1Recipient` on L1 along its route (an L1
    ///         route), forwarding at most `gasLimit` gas. Returns false when the call fails or the
    ///         predeploy has no code (a chain without it), so ETH is never silently burnt.
    function initiate(IChainRegistry.Destination memory destination, uint256 amount, uint256 gasLimit)
        internal
        returns (bool success)
    {
        address recipient = destination.l1Recipient;
        address target;
        bytes memory data;
        if (destination.route == IChainRegistry.Route.L1_STANDARD_BRIDGE) {
            target = L2_STANDARD_BRIDGE;
            data = abi.encodeCall(IL2StandardBridge.bridgeETHTo, (recipient, destination.l1GasLimit, ""));
        } else {
            target = L2_TO_L1_MESSAGE_PASSER;
            data = abi.encodeCall(IL2ToL1MessagePasser.initiateWithdrawal, (recipient, destination.l1GasLimit, ""));
        }
        if (target.code.length == 0) return false;
        assembly ("memory-safe") {
            success := call(gasLimit, target, amount, add(data, 0x20), mload(data), 0, 0)
        }
    }
}
