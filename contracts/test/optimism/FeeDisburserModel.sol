// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IL2StandardBridge} from "../../interfaces/IL2WithdrawalPaths.sol";
import {IFeeVault} from "../../interfaces/IFeeVault.sol";
import {OPPredeploys} from "./OPPredeploys.sol";

/// @title FeeDisburserModel
/// @notice TEST ONLY. A model of Base's `FeeDisburser` of the revenue-share era
///         (base-org/contracts `src/revenue-share/FeeDisburser.sol`, in use until 2026-02-23),
///         written from its published interface and behaviour in this project's own code (no
///         upstream source copied). Deployed normally (its configuration is immutable, as upstream).
/// @dev Withdraws the SequencerFeeVault, BaseFeeVault and L1FeeVault (each must pay this contract
///      on L2, checked through the legacy uppercase getters; a vault below its minimum is skipped)
///      and ignores the OperatorFeeVault. Revenue is classified by the paying vault: `receive()`
///      adds Sequencer and Base vault receipts to `netFeeRevenue`, whoever triggered the
///      withdrawal. Optimism gets max(2.5% of gross, 15% of net) on L2 with all remaining gas;
///      the rest is bridged to `L1_WALLET` with a 35,000 L1 gas limit. As upstream, a call that
///      collects nothing emits `NoFeesCollected` and returns without starting a new interval.
contract FeeDisburserModel {
    /// @notice The basis-point scale.
    uint32 public constant BASIS_POINT_SCALE = 10_000;
    /// @notice The L1 gas limit of the bridge withdrawal.
    uint32 public constant WITHDRAWAL_MIN_GAS = 35_000;
    /// @notice Optimism's share of net revenue: 15%.
    uint256 public constant OPTIMISM_NET_REVENUE_SHARE_BASIS_POINTS = 1_500;
    /// @notice Optimism's floor as a share of gross revenue: 2.5%.
    uint256 public constant OPTIMISM_GROSS_REVENUE_SHARE_BASIS_POINTS = 250;

    /// @notice Receives Optimism's share on L2.
    address payable public immutable OPTIMISM_WALLET;
    /// @notice Receives the rest on L1.
    address public immutable L1_WALLET;
    /// @notice The least time between two disbursements, in seconds.
    uint256 public immutable FEE_DISBURSEMENT_INTERVAL;

    /// @notice When the last disbursement that collected fees happened.
    uint256 public lastDisbursementTime;
    /// @notice Sequencer and Base vault receipts since the last disbursement.
    uint256 public netFeeRevenue;

    /// @notice Emitted by every disbursement that collected fees.
    event FeesDisbursed(uint256 disbursementTime, uint256 paidToOptimism, uint256 totalFeesDisbursed);
    /// @notice Emitted for every vault payment received.
    event FeesReceived(address indexed sender, uint256 amount);
    /// @notice Emitted by a disbursement that found nothing to pay.
    event NoFeesCollected();

    /// @param optimismWallet Receives Optimism's share on L2 (not zero).
    /// @param l1Wallet Receives the rest on L1 (not zero).
    /// @param feeDisbursementInterval At least 24 hours.
    constructor(address payable optimismWallet, address l1Wallet, uint256 feeDisbursementInterval) {
        require(optimismWallet != address(0), "FeeDisburser: OptimismWallet cannot be address(0)");
        require(l1Wallet != address(0), "FeeDisburser: L1Wallet cannot be address(0)");
        require(
            feeDisbursementInterval >= 24 hours, "FeeDisburser: FeeDisbursementInterval cannot be less than 24 hours"
        );
        OPTIMISM_WALLET = optimismWallet;
        L1_WALLET = l1Wallet;
        FEE_DISBURSEMENT_INTERVAL = feeDisbursementInterval;
    }

    /// @notice Accepts ETH from the Sequencer, Base and L1 fee vaults only; Sequencer and Base
    ///         receipts count as net revenue.
    receive() external payable {
        if (msg.sender == OPPredeploys.SEQUENCER_FEE_VAULT || msg.sender == OPPredeploys.BASE_FEE_VAULT) {
            netFeeRevenue += msg.value;
        } else if (msg.sender != OPPredeploys.L1_FEE_VAULT) {
            revert("FeeDisburser: Only FeeVaults can send ETH to FeeDisburser");
        }
        emit FeesReceived(msg.sender, msg.value);
    }

    /// @notice Withdraw the Sequencer, Base and L1 fee vaults, pay Optimism its share on L2 and
    ///         bridge the rest to `L1_WALLET`; anyone may call it, at most once per interval.
    function disburseFees() external {
        require(
            block.timestamp >= lastDisbursementTime + FEE_DISBURSEMENT_INTERVAL,
            "FeeDisburser: Disbursement interval not reached"
        );
        _withdraw(OPPredeploys.SEQUENCER_FEE_VAULT);
        _withdraw(OPPredeploys.BASE_FEE_VAULT);
        _withdraw(OPPredeploys.L1_FEE_VAULT);

        uint256 gross = address(this).balance;
        if (gross == 0) {
            emit NoFeesCollected();
            return;
        }
        lastDisbursementTime = block.timestamp;

        uint256 netShare = netFeeRevenue * OPTIMISM_NET_REVENUE_SHARE_BASIS_POINTS / BASIS_POINT_SCALE;
        netFeeRevenue = 0;
        uint256 grossShare = gross * OPTIMISM_GROSS_REVENUE_SHARE_BASIS_POINTS / BASIS_POINT_SCALE;
        uint256 share = netShare > grossShare ? netShare : grossShare;

        bool paid;
        address payable optimism = OPTIMISM_WALLET;
        assembly ("memory-safe") {
            paid := call(gas(), optimism, share, 0, 0, 0, 0)
        }
        require(paid, "FeeDisburser: Failed to send funds to Optimism");

        IL2StandardBridge(OPPredeploys.L2_STANDARD_BRIDGE).bridgeETHTo{value: address(this).balance}(
            L1_WALLET, WITHDRAWAL_MIN_GAS, ""
        );
        emit FeesDisbursed(block.timestamp, share, gross);
    }

    /// @dev Check one vault pays this contract on L2, and withdraw it if it holds its minimum.
    ///      Through the legacy interface (uppercase getters, `withdraw()` answer ignored), so it
    ///      works with the legacy 1.4.x vaults Base ran as with 1.6.0 ones.
    function _withdraw(address vault) private {
        IFeeVault feeVault = IFeeVault(vault);
        require(
            feeVault.WITHDRAWAL_NETWORK() == IFeeVault.WithdrawalNetwork.L2, "FeeDisburser: FeeVault must withdraw to L2"
        );
        require(
            feeVault.RECIPIENT() == address(this), "FeeDisburser: FeeVault must withdraw to FeeDisburser contract"
        );
        if (vault.balance >= feeVault.MIN_WITHDRAWAL_AMOUNT()) feeVault.withdraw();
    }
}
