// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IFeeVault
/// @notice The part of the OP Stack FeeVault interface (SequencerFeeVault, BaseFeeVault,
///         L1FeeVault, OperatorFeeVault predeploys) that a revenue splitter relies on.
interface IFeeVault {
    /// @notice Where a withdrawal sends the vault's balance: to L1 through the bridge, or on L2.
    enum WithdrawalNetwork {
        L1,
        L2
    }

    /// @notice Emitted on every withdrawal (legacy form).
    event Withdrawal(uint256 value, address to, address from);

    /// @notice Emitted on every withdrawal, with the network the funds went to.
    event Withdrawal(uint256 value, address to, address from, WithdrawalNetwork withdrawalNetwork);

    /// @notice The account that receives the vault's balance on withdrawal.
    function RECIPIENT() external view returns (address);

    /// @notice The smallest balance that `withdraw()` accepts.
    function MIN_WITHDRAWAL_AMOUNT() external view returns (uint256);

    /// @notice The network a withdrawal pays out on.
    function WITHDRAWAL_NETWORK() external view returns (WithdrawalNetwork);

    /// @notice The recipient as stored (vaults 1.5.0 and later; older vaults lack it).
    function recipient() external view returns (address);

    /// @notice The minimum as stored (vaults 1.5.0 and later; older vaults lack it).
    function minWithdrawalAmount() external view returns (uint256);

    /// @notice The network as stored (vaults 1.5.0 and later; older vaults lack it).
    function withdrawalNetwork() external view returns (WithdrawalNetwork);

    /// @notice Total amount ever withdrawn from the vault.
    function totalProcessed() external view returns (uint256);

    /// @notice Sends the whole balance to `RECIPIENT`; reverts below `MIN_WITHDRAWAL_AMOUNT`.
    /// @dev Newer vaults also return the amount; it is not declared here so that older vaults,
    ///      which return nothing, can be called too. Splitters measure their balance instead.
    function withdraw() external;
}
