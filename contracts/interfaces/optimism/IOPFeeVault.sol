// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IOPFeeVault
/// @notice The OP Stack `FeeVault` 1.6.0 interface (SequencerFeeVault, BaseFeeVault,
///         L1FeeVault 1.6.0; OperatorFeeVault 1.1.0), written from its published interface: the
///         configuration lives in storage, set by `initialize` and by setters that only the
///         ProxyAdmin predeploy's owner may call; the uppercase legacy getters answer the stored
///         values; `withdraw()` returns the amount.
interface IOPFeeVault {
    /// @notice Where a withdrawal pays: an L1 account through the L2ToL1MessagePasser (0), or an
    ///         L2 account directly (1). ABI-encoded as uint8.
    enum WithdrawalNetwork {
        L1,
        L2
    }

    /// @notice A setter was called by someone other than the ProxyAdmin predeploy's owner.
    error FeeVault_OnlyProxyAdminOwner();

    /// @notice Emitted on every withdrawal (legacy form). `from` is the caller of `withdraw()`.
    event Withdrawal(uint256 value, address to, address from);

    /// @notice Emitted on every withdrawal, with the network `to` is paid on.
    event Withdrawal(uint256 value, address to, address from, WithdrawalNetwork withdrawalNetwork);

    /// @notice Emitted by `setMinWithdrawalAmount`.
    event MinWithdrawalAmountUpdated(uint256 oldWithdrawalAmount, uint256 newWithdrawalAmount);

    /// @notice Emitted by `setRecipient`.
    event RecipientUpdated(address oldRecipient, address newRecipient);

    /// @notice Emitted by `setWithdrawalNetwork`.
    event WithdrawalNetworkUpdated(WithdrawalNetwork oldWithdrawalNetwork, WithdrawalNetwork newWithdrawalNetwork);

    /// @notice Collects fees (on a real chain the protocol credits the vault without a call).
    receive() external payable;

    /// @notice Set the configuration, once (the proxied predeploys are initialized at the upgrade).
    /// @param recipient The account withdrawals pay.
    /// @param minWithdrawalAmount The smallest balance `withdraw()` accepts.
    /// @param withdrawalNetwork Where withdrawals pay `recipient`.
    function initialize(address recipient, uint256 minWithdrawalAmount, WithdrawalNetwork withdrawalNetwork)
        external;

    /// @notice The account withdrawals pay.
    function recipient() external view returns (address);

    /// @notice The smallest balance `withdraw()` accepts.
    function minWithdrawalAmount() external view returns (uint256);

    /// @notice Where withdrawals pay the recipient.
    function withdrawalNetwork() external view returns (WithdrawalNetwork);

    /// @notice Legacy name of `recipient()`, answering the same stored value.
    function RECIPIENT() external view returns (address);

    /// @notice Legacy name of `minWithdrawalAmount()`, answering the same stored value.
    function MIN_WITHDRAWAL_AMOUNT() external view returns (uint256);

    /// @notice Legacy name of `withdrawalNetwork()`, answering the same stored value.
    function WITHDRAWAL_NETWORK() external view returns (WithdrawalNetwork);

    /// @notice Semantic version ("1.6.0"; the OperatorFeeVault answers "1.1.0"; 1.4.1 vaults have no setters).
    function version() external view returns (string memory);

    /// @notice Total wei ever withdrawn.
    function totalProcessed() external view returns (uint256);

    /// @notice Change the recipient (ProxyAdmin owner only).
    /// @param newRecipient The new recipient.
    function setRecipient(address newRecipient) external;

    /// @notice Change the minimum (ProxyAdmin owner only).
    /// @param newMinWithdrawalAmount The new minimum.
    function setMinWithdrawalAmount(uint256 newMinWithdrawalAmount) external;

    /// @notice Change the withdrawal network (ProxyAdmin owner only).
    /// @param newWithdrawalNetwork The new network.
    function setWithdrawalNetwork(WithdrawalNetwork newWithdrawalNetwork) external;

    /// @notice Send the whole balance to the recipient, on L2 or towards L1; callable by anyone.
    /// @return value The amount withdrawn.
    function withdraw() external returns (uint256 value);
}
