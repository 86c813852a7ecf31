// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IL2ToL1MessagePasser} from "../../interfaces/IL2WithdrawalPaths.sol";
import {IOPFeeVault} from "../../interfaces/optimism/IOPFeeVault.sol";
import {OPPredeploys} from "./OPPredeploys.sol";

/// @title FeeVaultModel
/// @notice TEST ONLY. A model of the OP Stack `FeeVault` 1.6.0 (SequencerFeeVault, BaseFeeVault
///         and L1FeeVault 1.6.0; OperatorFeeVault 1.1.0 behaves the same), written from its
///         published interface and specification in this project's own code (no upstream source
///         copied). Installed at the vault predeploy addresses with `anvil_setCode`, so it has no
///         constructor state: everything is set by `initialize`, as on the real proxied predeploys.
/// @dev What it reproduces: OpenZeppelin 5 `Initializable` (`Initialized(uint64)`, a second
///      `initialize` reverts `InvalidInitialization()`); setters gated on the ProxyAdmin
///      predeploy's current owner; uppercase getters answering the stored values; `withdraw()`
///      open to anyone, paying an L2 recipient with a plain call carrying all remaining gas and
///      an L1 recipient through the L2ToL1MessagePasser with a 400,000 L1 gas limit. `initialize`
///      takes no caller check (the upgrade calls it). Not reproduced: the real storage layout, the
///      proxy in front of the real vaults, the SequencerFeeVault's legacy `l1FeeWallet()`, and
///      `version()` answers "1.6.0" for every vault (the real OperatorFeeVault says "1.1.0").
contract FeeVaultModel is IOPFeeVault, Initializable {
    /// @notice The L1 gas limit of a withdrawal to L1 (upstream `WITHDRAWAL_MIN_GAS`).
    uint32 internal constant WITHDRAWAL_MIN_GAS = 400_000;

    /// @notice Semantic version of the modelled contract.
    string public constant version = "1.6.0";

    /// @inheritdoc IOPFeeVault
    uint256 public totalProcessed;

    address private _recipient;
    uint256 private _minWithdrawalAmount;
    WithdrawalNetwork private _withdrawalNetwork;

    modifier onlyProxyAdminOwner() {
        if (msg.sender != OPPredeploys.proxyAdminOwner()) revert FeeVault_OnlyProxyAdminOwner();
        _;
    }

    /// @inheritdoc IOPFeeVault
    receive() external payable {}

    /// @inheritdoc IOPFeeVault
    function initialize(address recipient_, uint256 minWithdrawalAmount_, WithdrawalNetwork withdrawalNetwork_)
        external
        initializer
    {
        _recipient = recipient_;
        _minWithdrawalAmount = minWithdrawalAmount_;
        _withdrawalNetwork = withdrawalNetwork_;
    }

    /// @inheritdoc IOPFeeVault
    function recipient() public view returns (address) {
        return _recipient;
    }

    /// @inheritdoc IOPFeeVault
    function minWithdrawalAmount() public view returns (uint256) {
        return _minWithdrawalAmount;
    }

    /// @inheritdoc IOPFeeVault
    function withdrawalNetwork() public view returns (WithdrawalNetwork) {
        return _withdrawalNetwork;
    }

    /// @inheritdoc IOPFeeVault
    function RECIPIENT() external view returns (address) {
        return _recipient;
    }

    /// @inheritdoc IOPFeeVault
    function MIN_WITHDRAWAL_AMOUNT() external view returns (uint256) {
        return _minWithdrawalAmount;
    }

    /// @inheritdoc IOPFeeVault
    function WITHDRAWAL_NETWORK() external view returns (WithdrawalNetwork) {
        return _withdrawalNetwork;
    }

    /// @inheritdoc IOPFeeVault
    function setRecipient(address newRecipient) external onlyProxyAdminOwner {
        emit RecipientUpdated(_recipient, newRecipient);
        _recipient = newRecipient;
    }

    /// @inheritdoc IOPFeeVault
    function setMinWithdrawalAmount(uint256 newMinWithdrawalAmount) external onlyProxyAdminOwner {
        emit MinWithdrawalAmountUpdated(_minWithdrawalAmount, newMinWithdrawalAmount);
        _minWithdrawalAmount = newMinWithdrawalAmount;
    }

    /// @inheritdoc IOPFeeVault
    function setWithdrawalNetwork(WithdrawalNetwork newWithdrawalNetwork) external onlyProxyAdminOwner {
        emit WithdrawalNetworkUpdated(_withdrawalNetwork, newWithdrawalNetwork);
        _withdrawalNetwork = newWithdrawalNetwork;
    }

    /// @inheritdoc IOPFeeVault
    function withdraw() external returns (uint256 value) {
        require(
            address(this).balance >= _minWithdrawalAmount,
            "FeeVault: withdrawal amount must be greater than minimum withdrawal amount"
        );
        value = address(this).balance;
        totalProcessed += value;
        address to = _recipient;
        WithdrawalNetwork network = _withdrawalNetwork;
        emit Withdrawal(value, to, msg.sender);
        emit Withdrawal(value, to, msg.sender, network);
        if (network == WithdrawalNetwork.L2) {
            require(_sendWithAllGas(to, value), "FeeVault: failed to send ETH to L2 fee recipient");
        } else {
            IL2ToL1MessagePasser(OPPredeploys.L2_TO_L1_MESSAGE_PASSER).initiateWithdrawal{value: value}(
                to, WITHDRAWAL_MIN_GAS, ""
            );
        }
    }

    /// @dev A plain call with all remaining gas and no return data copied (as upstream
    ///      `SafeCall.send`: a recipient cannot make the vault pay for a large return).
    function _sendWithAllGas(address to, uint256 value) private returns (bool success) {
        assembly ("memory-safe") {
            success := call(gas(), to, value, 0, 0, 0, 0)
        }
    }
}
