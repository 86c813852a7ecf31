// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IL2ToL1MessagePasser} from "../../interfaces/IL2WithdrawalPaths.sol";

/// @title MockL2ToL1MessagePasser
/// @notice TEST ONLY. Stands in for the OP Stack L2ToL1MessagePasser predeploy (installed at
///         0x4200…0016 with `anvil_setCode`): `initiateWithdrawal` keeps the ETH, records the
///         withdrawal hash and emits `MessagePassed` as the real one does (versioned nonce, version 1).
contract MockL2ToL1MessagePasser is IL2ToL1MessagePasser {
    /// @notice The message version encoded in the top two bytes of every nonce.
    uint16 public constant MESSAGE_VERSION = 1;

    /// @notice Withdrawal hashes sent so far.
    mapping(bytes32 withdrawalHash => bool sent) public sentMessages;

    uint240 internal _messageNonce;

    /// @notice Start a withdrawal of `msg.value` to `target` on L1.
    /// @param target The L1 account.
    /// @param gasLimit Gas for the L1 call.
    /// @param data Calldata for the L1 call.
    function initiateWithdrawal(address target, uint256 gasLimit, bytes memory data) external payable {
        uint256 nonce = messageNonce();
        bytes32 withdrawalHash = keccak256(abi.encode(nonce, msg.sender, target, msg.value, gasLimit, data));
        sentMessages[withdrawalHash] = true;
        emit MessagePassed(nonce, msg.sender, target, msg.value, gasLimit, data, withdrawalHash);
        unchecked {
            ++_messageNonce;
        }
    }

    /// @notice The next withdrawal's nonce, with the message version in its top two bytes.
    function messageNonce() public view returns (uint256) {
        return (uint256(MESSAGE_VERSION) << 240) | uint256(_messageNonce);
    }
}
