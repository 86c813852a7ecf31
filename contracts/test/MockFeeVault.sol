// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFeeVault} from "../interfaces/IFeeVault.sol";

/// @title MockFeeVault
/// @notice TEST ONLY. Behaves like an OP Stack FeeVault predeploy (SequencerFeeVault, BaseFeeVault,
///         L1FeeVault, OperatorFeeVault): collects ETH, and `withdraw()` sends the whole balance to
///         `RECIPIENT` once it reaches `MIN_WITHDRAWAL_AMOUNT`, with the same events and messages.
/// @dev Not declared `is IFeeVault` only because its `withdraw()` also returns the amount, as newer vaults do.
contract MockFeeVault {
    /// @notice Emitted on every withdrawal (legacy form).
    event Withdrawal(uint256 value, address to, address from);

    /// @notice Emitted on every withdrawal, with the network the funds went to.
    event Withdrawal(uint256 value, address to, address from, IFeeVault.WithdrawalNetwork withdrawalNetwork);

    /// @notice Where L1 withdrawals go on a real chain (the L2StandardBridge predeploy).
    address public constant L2_STANDARD_BRIDGE = 0x4200000000000000000000000000000000000010;

    /// @notice The account that receives the vault's balance on withdrawal.
    address public immutable RECIPIENT;
    /// @notice The smallest balance that `withdraw()` accepts.
    uint256 public immutable MIN_WITHDRAWAL_AMOUNT;
    /// @notice The network a withdrawal pays out on.
    IFeeVault.WithdrawalNetwork public immutable WITHDRAWAL_NETWORK;
    /// @notice Total amount ever withdrawn.
    uint256 public totalProcessed;

    /// @param recipient The account withdrawals pay.
    /// @param minWithdrawalAmount The smallest balance `withdraw()` accepts.
    /// @param withdrawalNetwork L2 pays `recipient` directly; L1 sends to the bridge address.
    constructor(address recipient, uint256 minWithdrawalAmount, IFeeVault.WithdrawalNetwork withdrawalNetwork) {
        RECIPIENT = recipient;
        MIN_WITHDRAWAL_AMOUNT = minWithdrawalAmount;
        WITHDRAWAL_NETWORK = withdrawalNetwork;
    }

    /// @notice Collects fees (on a real chain the protocol credits the vault directly).
    receive() external payable {}

    /// @notice Getter alias of `RECIPIENT`, as newer vaults have.
    function recipient() external view returns (address) {
        return RECIPIENT;
    }

    /// @notice Getter alias of `MIN_WITHDRAWAL_AMOUNT`, as newer vaults have.
    function minWithdrawalAmount() external view returns (uint256) {
        return MIN_WITHDRAWAL_AMOUNT;
    }

    /// @notice Getter alias of `WITHDRAWAL_NETWORK`, as newer vaults have.
    function withdrawalNetwork() external view returns (IFeeVault.WithdrawalNetwork) {
        return WITHDRAWAL_NETWORK;
    }

    /// @notice Send the whole balance to `RECIPIENT`.
    /// @return value The amount withdrawn.
    function withdraw() external returns (uint256 value) {
        require(
            address(this).balance >= MIN_WITHDRAWAL_AMOUNT,
            "FeeVault: withdrawal amount must be greater than minimum withdrawal amount"
        );
        value = address(this).balance;
        totalProcessed += value;
        emit Withdrawal(value, RECIPIENT, msg.sender);
        emit Withdrawal(value, RECIPIENT, msg.sender, WITHDRAWAL_NETWORK);
        address to = WITHDRAWAL_NETWORK == IFeeVault.WithdrawalNetwork.L2 ? RECIPIENT : L2_STANDARD_BRIDGE;
        (bool success,) = to.call{value: value}("");
        require(success, "FeeVault: failed to send ETH to L2 fee recipient");
    }
}
