// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title RevenueShareTimelock
/// @notice The governance owner a deployment can create for the ChainRegistry: OpenZeppelin's
///         TimelockController, unchanged, compiled with this project so its exact compiler input
///         ships with the deployment's verification artifacts. Proposers (typically a multisig)
///         schedule calls, executors run them after `minDelay`.
contract RevenueShareTimelock is TimelockController {
    /// @param minDelay Seconds between scheduling and execution.
    /// @param proposers Accounts that may schedule and cancel operations.
    /// @param executors Accounts that may execute ready operations (address(0): anyone).
    /// @param admin Optional extra admin for initial role set-up; address(0) for none.
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
