// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title MessengerEventsModel
/// @notice TEST ONLY. A model of the relay events of OP's L1 `L1CrossDomainMessenger` (as in the
///         npm package contracts-bedrock 0.17.3), written in this project's own code. The real
///         messenger relays a message only when the OptimismPortal calls it while finalizing a
///         withdrawal, which needs a proven withdrawal no local chain can prove; this model takes
///         the message hash and the outcome as given, so tests can log what L1 would for the
///         messages of real `MessagePassed` events.
/// @dev Reproduced: `RelayedMessage(bytes32 indexed msgHash)` for a relay that reached its target,
///      `FailedRelayedMessage(bytes32 indexed msgHash)` for one that did not (upstream keeps the
///      value and allows a replay, which logs `RelayedMessage` once it succeeds); a message relayed
///      successfully can never be relayed again. Simplified: no call is made, no value is held.
contract MessengerEventsModel {
    /// @notice `relay` of a message already relayed successfully.
    error MessengerEventsModel_AlreadyRelayed(bytes32 msgHash);

    /// @notice Emitted when a message reached its target.
    event RelayedMessage(bytes32 indexed msgHash);
    /// @notice Emitted when relaying a message failed (it may be replayed).
    event FailedRelayedMessage(bytes32 indexed msgHash);

    /// @notice Whether a message was relayed successfully.
    mapping(bytes32 => bool) public successfulMessages;
    /// @notice Whether relaying a message failed at least once.
    mapping(bytes32 => bool) public failedMessages;

    /// @notice Log a relay of `msgHash` with the given outcome.
    /// @param msgHash The message's hash (keccak of its `relayMessage` call data).
    /// @param success Whether the relay reached its target.
    function relay(bytes32 msgHash, bool success) external {
        if (successfulMessages[msgHash]) revert MessengerEventsModel_AlreadyRelayed(msgHash);
        if (success) {
            successfulMessages[msgHash] = true;
            emit RelayedMessage(msgHash);
        } else {
            failedMessages[msgHash] = true;
            emit FailedRelayedMessage(msgHash);
        }
    }
}
