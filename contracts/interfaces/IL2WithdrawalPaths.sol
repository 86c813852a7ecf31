// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IL2StandardBridge
/// @notice The part of the OP Stack L2StandardBridge predeploy (0x4200…0010) a splitter uses.
interface IL2StandardBridge {
    /// @notice Emitted by the real bridge for every ETH withdrawal it starts (`from` is the payer on L2).
    event ETHBridgeInitiated(address indexed from, address indexed to, uint256 amount, bytes extraData);

    /// @notice Send ETH to `to` on L1 (received after the withdrawal is proven and finalized).
    /// @param to The L1 recipient.
    /// @param minGasLimit Gas for the call to `to` on L1.
    /// @param extraData Data passed through to the L1 side (empty here).
    function bridgeETHTo(address to, uint32 minGasLimit, bytes calldata extraData) external payable;
}

/// @title IL2ToL1MessagePasser
/// @notice The part of the OP Stack L2ToL1MessagePasser predeploy (0x4200…0016) a splitter uses.
interface IL2ToL1MessagePasser {
    /// @notice Emitted by the real message passer for every withdrawal (`sender` is the caller on L2).
    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        uint256 gasLimit,
        bytes data,
        bytes32 withdrawalHash
    );

    /// @notice Start a withdrawal that calls `target` on L1 with the sent ETH.
    /// @param target The L1 account.
    /// @param gasLimit Gas for the call on L1.
    /// @param data Calldata for the L1 call (empty here).
    function initiateWithdrawal(address target, uint256 gasLimit, bytes memory data) external payable;
}
