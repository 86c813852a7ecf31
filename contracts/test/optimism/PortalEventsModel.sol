// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PortalEventsModel
/// @notice TEST ONLY. A model of the withdrawal events and timing of OP's L1 `OptimismPortal2`
///         (3.10.0, as in the npm package contracts-bedrock 0.17.3), written from its published
///         interface and behaviour in this project's own code (no upstream source copied).
///         Proving a real withdrawal needs a dispute game's output root and a storage proof of
///         the L2ToL1MessagePasser, which no local chain provides; this model takes the
///         withdrawal hash as given, so tests can prove and finalize real hashes from real
///         `MessagePassed` events and read the portal's logs as on L1.
/// @dev Reproduced: the three withdrawal events with their exact declarations, in upstream's
///      order (`WithdrawalProven`, then `WithdrawalProvenExtension1`, for every proof); a hash
///      may be proven again, by the same or another submitter, each proof emitting both events;
///      `proofMaturityDelaySeconds()` and `disputeGameFinalityDelaySeconds()` as constructor
///      immutables; finalization only strictly after the maturity delay (upstream:
///      `block.timestamp - provenAt > PROOF_MATURITY_DELAY_SECONDS`), at most once per hash,
///      with `WithdrawalFinalized(hash, success)` whatever `success` is; `finalizedWithdrawals`
///      and `numProofSubmitters`.
///      Simplified: the clock runs from the hash's latest proof by anyone (upstream: from the
///      proof of the submitter named at finalization); `success` is the caller's word (upstream:
///      the outcome of the call to the withdrawal's target, which moves the ETH); no dispute
///      games, no pause, no deposits.
contract PortalEventsModel {
    /// @notice `finalizeWithdrawalHash` for a hash nobody proved.
    error PortalEventsModel_NotProven(bytes32 withdrawalHash);
    /// @notice `finalizeWithdrawalHash` before the maturity delay since the latest proof passed.
    error PortalEventsModel_NotMatured(bytes32 withdrawalHash, uint256 provenAt, uint256 delay);
    /// @notice `finalizeWithdrawalHash` for a hash already finalized.
    error PortalEventsModel_AlreadyFinalized(bytes32 withdrawalHash);

    /// @notice Emitted by every proof (upstream: `from` and `to` are the withdrawal's L2 sender and target).
    event WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to);
    /// @notice Emitted by every proof, right after `WithdrawalProven`, naming its submitter.
    event WithdrawalProvenExtension1(bytes32 indexed withdrawalHash, address indexed proofSubmitter);
    /// @notice Emitted once per hash, by its finalization.
    event WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success);

    /// @notice Semantic version of the modelled contract.
    string public constant version = "3.10.0";

    uint256 internal immutable PROOF_MATURITY_DELAY_SECONDS;
    uint256 internal immutable DISPUTE_GAME_FINALITY_DELAY_SECONDS;

    /// @notice Whether a hash has been finalized (successfully or not).
    mapping(bytes32 => bool) public finalizedWithdrawals;
    /// @notice When a hash was last proven, by anyone (0: never).
    mapping(bytes32 => uint256) public latestProofTimestamp;
    mapping(bytes32 => address[]) private _proofSubmitters;

    /// @param proofMaturityDelaySeconds_ Seconds a proof must age before its withdrawal can be finalized.
    /// @param disputeGameFinalityDelaySeconds_ Upstream's air gap after a dispute game resolves (reported only).
    constructor(uint256 proofMaturityDelaySeconds_, uint256 disputeGameFinalityDelaySeconds_) {
        PROOF_MATURITY_DELAY_SECONDS = proofMaturityDelaySeconds_;
        DISPUTE_GAME_FINALITY_DELAY_SECONDS = disputeGameFinalityDelaySeconds_;
    }

    /// @notice The delay between a withdrawal's proof and its finalization.
    /// @return The delay in seconds.
    function proofMaturityDelaySeconds() external view returns (uint256) {
        return PROOF_MATURITY_DELAY_SECONDS;
    }

    /// @notice The delay between a dispute game's resolution and finalizations proven against it.
    /// @return The delay in seconds.
    function disputeGameFinalityDelaySeconds() external view returns (uint256) {
        return DISPUTE_GAME_FINALITY_DELAY_SECONDS;
    }

    /// @notice How many proofs were submitted for a hash.
    /// @param withdrawalHash The withdrawal's hash.
    /// @return The number of proofs.
    function numProofSubmitters(bytes32 withdrawalHash) external view returns (uint256) {
        return _proofSubmitters[withdrawalHash].length;
    }

    /// @notice Prove a withdrawal by its hash, as the caller; anyone, any number of times. Each
    ///         proof restarts the hash's maturity clock.
    /// @param withdrawalHash The withdrawal's hash (from its `MessagePassed` on L2).
    /// @param from The withdrawal's sender on L2.
    /// @param to The withdrawal's target on L1.
    function proveWithdrawalHash(bytes32 withdrawalHash, address from, address to) external {
        latestProofTimestamp[withdrawalHash] = block.timestamp;
        _proofSubmitters[withdrawalHash].push(msg.sender);
        emit WithdrawalProven(withdrawalHash, from, to);
        emit WithdrawalProvenExtension1(withdrawalHash, msg.sender);
    }

    /// @notice Finalize a proven withdrawal once strictly more than the maturity delay has passed
    ///         since its latest proof; once per hash.
    /// @param withdrawalHash The withdrawal's hash.
    /// @param success Whether the (modelled) call to the withdrawal's target succeeded.
    function finalizeWithdrawalHash(bytes32 withdrawalHash, bool success) external {
        uint256 provenAt = latestProofTimestamp[withdrawalHash];
        if (provenAt == 0) revert PortalEventsModel_NotProven(withdrawalHash);
        if (block.timestamp - provenAt <= PROOF_MATURITY_DELAY_SECONDS) {
            revert PortalEventsModel_NotMatured(withdrawalHash, provenAt, PROOF_MATURITY_DELAY_SECONDS);
        }
        if (finalizedWithdrawals[withdrawalHash]) revert PortalEventsModel_AlreadyFinalized(withdrawalHash);
        finalizedWithdrawals[withdrawalHash] = true;
        emit WithdrawalFinalized(withdrawalHash, success);
    }
}
