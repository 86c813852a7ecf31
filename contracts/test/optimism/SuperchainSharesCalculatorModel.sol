// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISharesCalculator} from "../../interfaces/optimism/ISharesCalculator.sol";
import {OPPredeploys} from "./OPPredeploys.sol";

/// @title SuperchainSharesCalculatorModel
/// @notice TEST ONLY. A model of the OP Stack `SuperchainRevSharesCalculator` 1.0.0 (the Superchain
///         revenue-share rule plugged into the FeeSplitter predeploy), written from its published
///         interface and specification in this project's own code (no upstream source copied).
///         Deployed normally (not a predeploy).
/// @dev The share recipient gets max(2.5% of gross, 15% of net) where gross is the four vaults'
///      revenue and net is gross minus the L1FeeVault's (both floored); the remainder recipient
///      gets the rest. Exactly two entries, share first. As upstream, it reverts when 2.5% of
///      gross floors to zero (gross below 40 wei), and the ProxyAdmin predeploy's owner may
///      change either recipient.
contract SuperchainSharesCalculatorModel is ISharesCalculator {
    /// @notice A setter was called by someone other than the ProxyAdmin predeploy's owner.
    error SharesCalculator_OnlyProxyAdminOwner();
    /// @notice 2.5% of gross revenue floors to zero.
    error SharesCalculator_ZeroGrossShare();

    /// @notice Emitted by `setShareRecipient`.
    event ShareRecipientUpdated(address indexed oldShareRecipient, address indexed newShareRecipient);
    /// @notice Emitted by `setRemainderRecipient`.
    event RemainderRecipientUpdated(address indexed oldRemainderRecipient, address indexed newRemainderRecipient);

    /// @notice Semantic version of the modelled contract.
    string public constant version = "1.0.0";
    /// @notice The basis-point scale.
    uint32 public constant BASIS_POINT_SCALE = 10_000;
    /// @notice The share's floor as a fraction of gross revenue: 2.5%.
    uint32 public constant GROSS_SHARE_BPS = 250;
    /// @notice The share as a fraction of net revenue (gross minus L1 fees): 15%.
    uint32 public constant NET_SHARE_BPS = 1_500;

    /// @notice Who receives the Superchain share.
    address payable public shareRecipient;
    /// @notice Who receives the rest.
    address payable public remainderRecipient;

    /// @param shareRecipient_ Who receives the Superchain share.
    /// @param remainderRecipient_ Who receives the rest.
    constructor(address payable shareRecipient_, address payable remainderRecipient_) {
        shareRecipient = shareRecipient_;
        remainderRecipient = remainderRecipient_;
    }

    /// @inheritdoc ISharesCalculator
    function getRecipientsAndAmounts(
        uint256 sequencerFeeRevenue,
        uint256 baseFeeRevenue,
        uint256 operatorFeeRevenue,
        uint256 l1FeeRevenue
    ) external view returns (ShareInfo[] memory shareInfo) {
        uint256 gross = sequencerFeeRevenue + baseFeeRevenue + operatorFeeRevenue + l1FeeRevenue;
        uint256 grossShare = gross * GROSS_SHARE_BPS / BASIS_POINT_SCALE;
        if (grossShare == 0) revert SharesCalculator_ZeroGrossShare();
        uint256 netShare = (gross - l1FeeRevenue) * NET_SHARE_BPS / BASIS_POINT_SCALE;
        uint256 share = netShare > grossShare ? netShare : grossShare;
        shareInfo = new ShareInfo[](2);
        shareInfo[0] = ShareInfo(shareRecipient, share);
        shareInfo[1] = ShareInfo(remainderRecipient, gross - share);
    }

    /// @notice Change who receives the Superchain share (ProxyAdmin owner only).
    /// @param newShareRecipient The new share recipient.
    function setShareRecipient(address payable newShareRecipient) external {
        if (msg.sender != OPPredeploys.proxyAdminOwner()) revert SharesCalculator_OnlyProxyAdminOwner();
        emit ShareRecipientUpdated(shareRecipient, newShareRecipient);
        shareRecipient = newShareRecipient;
    }

    /// @notice Change who receives the rest (ProxyAdmin owner only).
    /// @param newRemainderRecipient The new remainder recipient.
    function setRemainderRecipient(address payable newRemainderRecipient) external {
        if (msg.sender != OPPredeploys.proxyAdminOwner()) revert SharesCalculator_OnlyProxyAdminOwner();
        emit RemainderRecipientUpdated(remainderRecipient, newRemainderRecipient);
        remainderRecipient = newRemainderRecipient;
    }
}
