// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IOPFeeVault} from "../../interfaces/optimism/IOPFeeVault.sol";
import {ISharesCalculator} from "../../interfaces/optimism/ISharesCalculator.sol";
import {OPPredeploys} from "./OPPredeploys.sol";

/// @title FeeSplitterModel
/// @notice TEST ONLY. A model of the OP Stack `FeeSplitter` predeploy 1.0.0
///         (0x4200…002B, revenue-share upgrade, specs 2025-11), written from its published
///         interface and specification in this project's own code (no upstream source copied).
///         Installed with `anvil_setCode`, so it has no constructor state: everything is set by
///         `initialize`, as on the real proxied predeploy.
/// @dev Behaviour reproduced: `initialize` once (OpenZeppelin 4 style: `Initialized(uint8)`, then
///      "Initializable: contract is already initialized"), which also starts the first interval
///      (`lastDisbursementTime` = now); `disburseFees()` by anyone at most once per interval,
///      withdrawing the SequencerFeeVault, BaseFeeVault, L1FeeVault and OperatorFeeVault in that
///      order (each must pay this contract on L2; a vault below its minimum reverts the whole
///      disbursement), accepting ETH only from the vault being withdrawn (marked in transient
///      storage), asking the shares calculator, paying each non-zero share with a plain call
///      carrying all remaining gas, and reverting everything if any payment fails or the
///      payments do not add up to the gross revenue.
///      Re-entrancy: `disburseFees` cannot run twice in one interval, and it records the
///      disbursement time before any external call, so a vault or a recipient calling back into
///      it is refused with `FeeSplitter_DisbursementIntervalNotReached` (the interval is never 0);
///      `receive()` refuses everyone but the vault being withdrawn, and nobody once the four
///      withdrawals are done.
///      Not reproduced: the proxy in front of the real predeploy, its exact storage layout and
///      its transient slot (upstream keccak256("feesplitter.disbursingAddress") - 1; here the
///      compiler's transient slot 0).
contract FeeSplitterModel {
    /// @notice `setFeeDisbursementInterval` above `MAX_DISBURSEMENT_INTERVAL`.
    error FeeSplitter_ExceedsMaxFeeDisbursementTime();
    /// @notice `setFeeDisbursementInterval(0)`.
    error FeeSplitter_FeeDisbursementIntervalCannotBeZero();
    /// @notice `setSharesCalculator(address(0))`.
    error FeeSplitter_SharesCalculatorCannotBeZero();
    /// @notice `disburseFees` before the interval since the last disbursement has passed.
    error FeeSplitter_DisbursementIntervalNotReached();
    /// @notice The calculator returned no payouts.
    error FeeSplitter_FeeShareInfoEmpty();
    /// @notice The four vaults paid nothing.
    error FeeSplitter_NoFeesCollected();
    /// @notice A vault pays towards L1.
    error FeeSplitter_FeeVaultMustWithdrawToL2();
    /// @notice A vault pays someone else.
    error FeeSplitter_FeeVaultMustWithdrawToFeeSplitter();
    /// @notice A vault's `withdraw()` answered an amount other than what arrived.
    error FeeSplitter_FeeVaultWithdrawalAmountMismatch();
    /// @notice A setter was called by someone other than the ProxyAdmin predeploy's owner.
    error FeeSplitter_OnlyProxyAdminOwner();
    /// @notice A payout's call failed.
    error FeeSplitter_FailedToSendToRevenueShareRecipient();
    /// @notice The payouts do not add up to the gross revenue.
    error FeeSplitter_SharesCalculatorMalformedOutput();
    /// @notice ETH from anyone but the vault being withdrawn.
    error FeeSplitter_SenderNotCurrentVault();

    /// @notice Emitted once, by `initialize`.
    event Initialized(uint8 version);
    /// @notice Emitted for every vault withdrawal received (also for 0 wei).
    event FeesReceived(address indexed sender, uint256 amount, uint256 newBalance);
    /// @notice Emitted by `setFeeDisbursementInterval`.
    event FeeDisbursementIntervalUpdated(uint128 oldFeeDisbursementInterval, uint128 newFeeDisbursementInterval);
    /// @notice Emitted by every successful disbursement, with the calculator's payouts as returned.
    event FeesDisbursed(ISharesCalculator.ShareInfo[] shareInfo, uint256 grossRevenue);
    /// @notice Emitted by `setSharesCalculator`.
    event SharesCalculatorUpdated(address oldSharesCalculator, address newSharesCalculator);

    /// @notice Semantic version of the modelled contract.
    string public constant version = "1.0.0";
    /// @notice The longest interval `setFeeDisbursementInterval` accepts.
    uint128 public constant MAX_DISBURSEMENT_INTERVAL = 365 days;

    uint8 private _initialized;
    /// @notice The contract that decides the payouts.
    ISharesCalculator public sharesCalculator;
    /// @notice When the last disbursement (or `initialize`) happened.
    uint128 public lastDisbursementTime;
    /// @notice The least time between two disbursements.
    uint128 public feeDisbursementInterval;

    /// @dev The vault whose `withdraw()` is under way: the only sender `receive()` accepts.
    address private transient _currentVault;

    modifier onlyProxyAdminOwner() {
        if (msg.sender != OPPredeploys.proxyAdminOwner()) revert FeeSplitter_OnlyProxyAdminOwner();
        _;
    }

    /// @notice Set the shares calculator and the default 1-day interval, once; the first
    ///         disbursement is possible one interval later.
    /// @param sharesCalculator_ The calculator (not checked, as upstream).
    function initialize(address sharesCalculator_) external {
        require(_initialized == 0, "Initializable: contract is already initialized");
        _initialized = 1;
        sharesCalculator = ISharesCalculator(sharesCalculator_);
        feeDisbursementInterval = 1 days;
        lastDisbursementTime = uint128(block.timestamp);
        emit Initialized(1);
    }

    /// @notice Accepts a vault's withdrawal, only from the vault being withdrawn.
    receive() external payable {
        if (msg.sender != _currentVault) revert FeeSplitter_SenderNotCurrentVault();
        emit FeesReceived(msg.sender, msg.value, address(this).balance);
    }

    /// @notice Withdraw the four fee vaults and pay out what they held as the shares calculator
    ///         says; anyone may call it, at most once per interval. Reverts entirely when a vault
    ///         is misconfigured or below its minimum, when nothing was collected, or when a
    ///         payout fails.
    function disburseFees() external {
        if (block.timestamp < lastDisbursementTime + feeDisbursementInterval) {
            revert FeeSplitter_DisbursementIntervalNotReached();
        }
        lastDisbursementTime = uint128(block.timestamp);

        uint256 sequencerFees = _withdraw(OPPredeploys.SEQUENCER_FEE_VAULT);
        uint256 baseFees = _withdraw(OPPredeploys.BASE_FEE_VAULT);
        uint256 l1Fees = _withdraw(OPPredeploys.L1_FEE_VAULT);
        uint256 operatorFees = _withdraw(OPPredeploys.OPERATOR_FEE_VAULT);
        _currentVault = address(0);

        uint256 grossRevenue = sequencerFees + baseFees + operatorFees + l1Fees;
        if (grossRevenue == 0) revert FeeSplitter_NoFeesCollected();

        ISharesCalculator.ShareInfo[] memory shareInfo =
            sharesCalculator.getRecipientsAndAmounts(sequencerFees, baseFees, operatorFees, l1Fees);
        if (shareInfo.length == 0) revert FeeSplitter_FeeShareInfoEmpty();

        uint256 paid;
        for (uint256 i; i < shareInfo.length; ++i) {
            uint256 amount = shareInfo[i].amount;
            if (amount == 0) continue;
            if (!_sendWithAllGas(shareInfo[i].recipient, amount)) {
                revert FeeSplitter_FailedToSendToRevenueShareRecipient();
            }
            paid += amount;
        }
        if (paid != grossRevenue) revert FeeSplitter_SharesCalculatorMalformedOutput();

        emit FeesDisbursed(shareInfo, grossRevenue);
    }

    /// @notice Replace the shares calculator (ProxyAdmin owner only).
    /// @param newSharesCalculator The new calculator (not zero).
    function setSharesCalculator(address newSharesCalculator) external onlyProxyAdminOwner {
        if (newSharesCalculator == address(0)) revert FeeSplitter_SharesCalculatorCannotBeZero();
        emit SharesCalculatorUpdated(address(sharesCalculator), newSharesCalculator);
        sharesCalculator = ISharesCalculator(newSharesCalculator);
    }

    /// @notice Change the least time between disbursements (ProxyAdmin owner only).
    /// @param newFeeDisbursementInterval Seconds, from 1 to `MAX_DISBURSEMENT_INTERVAL`.
    function setFeeDisbursementInterval(uint128 newFeeDisbursementInterval) external onlyProxyAdminOwner {
        if (newFeeDisbursementInterval == 0) revert FeeSplitter_FeeDisbursementIntervalCannotBeZero();
        if (newFeeDisbursementInterval > MAX_DISBURSEMENT_INTERVAL) revert FeeSplitter_ExceedsMaxFeeDisbursementTime();
        emit FeeDisbursementIntervalUpdated(feeDisbursementInterval, newFeeDisbursementInterval);
        feeDisbursementInterval = newFeeDisbursementInterval;
    }

    /// @dev Check one vault's configuration, withdraw it, and check that what it says it paid
    ///      is what arrived.
    function _withdraw(address vault) private returns (uint256 value) {
        IOPFeeVault feeVault = IOPFeeVault(payable(vault));
        if (feeVault.withdrawalNetwork() != IOPFeeVault.WithdrawalNetwork.L2) {
            revert FeeSplitter_FeeVaultMustWithdrawToL2();
        }
        if (feeVault.recipient() != address(this)) revert FeeSplitter_FeeVaultMustWithdrawToFeeSplitter();
        uint256 balanceBefore = address(this).balance;
        _currentVault = vault;
        value = feeVault.withdraw();
        if (address(this).balance - balanceBefore != value) revert FeeSplitter_FeeVaultWithdrawalAmountMismatch();
    }

    /// @dev A plain call with all remaining gas and no return data copied (upstream `SafeCall.send`).
    function _sendWithAllGas(address to, uint256 value) private returns (bool success) {
        assembly ("memory-safe") {
            success := call(gas(), to, value, 0, 0, 0, 0)
        }
    }
}
