// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ISharesCalculator
/// @notice The OP Stack `ISharesCalculator` interface 1.0.0 (revenue-share upgrade, specs
///         2025-11), written from its published interface: the pluggable rule the FeeSplitter
///         predeploy asks how to split the fees it withdrew from the four vaults.
interface ISharesCalculator {
    /// @notice One payout: `amount` wei to `recipient` on L2.
    struct ShareInfo {
        address payable recipient;
        uint256 amount;
    }

    /// @notice The payouts for one disbursement, given what each vault paid in.
    /// @param sequencerFeeRevenue Withdrawn from the SequencerFeeVault.
    /// @param baseFeeRevenue Withdrawn from the BaseFeeVault.
    /// @param operatorFeeRevenue Withdrawn from the OperatorFeeVault.
    /// @param l1FeeRevenue Withdrawn from the L1FeeVault.
    /// @return shareInfo The payouts; their amounts must add up to the four revenues' sum.
    function getRecipientsAndAmounts(
        uint256 sequencerFeeRevenue,
        uint256 baseFeeRevenue,
        uint256 operatorFeeRevenue,
        uint256 l1FeeRevenue
    ) external view returns (ShareInfo[] memory shareInfo);
}
