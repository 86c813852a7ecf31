// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISharesCalculator} from "./ISharesCalculator.sol";

/// @title IFeeSplitter
/// @notice The OP Stack `FeeSplitter` predeploy 1.0.0 (0x4200…002B, revenue-share upgrade, specs
///         2025-11), written from its published interface: anyone may call `disburseFees()` once
///         per interval; it withdraws the four fee vaults (each must pay it on L2) and pays the
///         `(recipient, amount)` pairs its shares calculator returns, reverting entirely when any
///         payment fails. Its setters answer only to the ProxyAdmin predeploy's owner.
interface IFeeSplitter {
    /// @notice Emitted for every vault withdrawal received.
    event FeesReceived(address indexed sender, uint256 amount, uint256 newBalance);
    /// @notice Emitted by `setFeeDisbursementInterval`.
    event FeeDisbursementIntervalUpdated(uint128 oldFeeDisbursementInterval, uint128 newFeeDisbursementInterval);
    /// @notice Emitted by every disbursement, with the calculator's payouts.
    event FeesDisbursed(ISharesCalculator.ShareInfo[] shareInfo, uint256 grossRevenue);
    /// @notice Emitted by `setSharesCalculator`.
    event SharesCalculatorUpdated(address oldSharesCalculator, address newSharesCalculator);

    /// @notice Semantic version ("1.0.0").
    function version() external view returns (string memory);

    /// @notice The contract that decides the payouts.
    function sharesCalculator() external view returns (ISharesCalculator);

    /// @notice When the last disbursement happened.
    function lastDisbursementTime() external view returns (uint128);

    /// @notice The least time between two disbursements, in seconds.
    function feeDisbursementInterval() external view returns (uint128);

    /// @notice The longest interval `setFeeDisbursementInterval` accepts.
    function MAX_DISBURSEMENT_INTERVAL() external view returns (uint128);

    /// @notice Withdraw the four vaults and pay the calculator's shares (anyone, once per interval).
    function disburseFees() external;

    /// @notice Replace the shares calculator (ProxyAdmin owner only; not zero).
    /// @param newSharesCalculator The new calculator.
    function setSharesCalculator(address newSharesCalculator) external;

    /// @notice Change the interval (ProxyAdmin owner only; 1 s to `MAX_DISBURSEMENT_INTERVAL`).
    /// @param newFeeDisbursementInterval Seconds.
    function setFeeDisbursementInterval(uint128 newFeeDisbursementInterval) external;
}
