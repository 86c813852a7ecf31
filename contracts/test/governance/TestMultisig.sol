// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title TestMultisig
/// @notice TEST ONLY. A minimal M-of-N multisig standing in for the Security Council's Safe:
///         owners propose a call, others confirm, and it executes once `threshold` owners agree.
contract TestMultisig {
    /// @notice A proposed call.
    struct Proposal {
        address target;
        uint256 value;
        bytes data;
        uint256 confirmations;
        bool executed;
    }

    /// @notice Confirmations needed.
    uint256 public immutable threshold;
    /// @notice Whether an address is an owner.
    mapping(address => bool) public isOwner;
    /// @notice Proposals by id.
    Proposal[] public proposals;
    /// @notice Who confirmed what.
    mapping(uint256 => mapping(address => bool)) public confirmed;

    /// @notice A proposal was created.
    event Proposed(uint256 indexed id, address indexed target);
    /// @notice A proposal was confirmed.
    event Confirmed(uint256 indexed id, address indexed owner);
    /// @notice A proposal was executed.
    event Executed(uint256 indexed id);

    error NotOwner();
    error AlreadyConfirmed();
    error AlreadyExecuted();
    error CallFailed(bytes reason);

    constructor(address[] memory owners, uint256 threshold_) {
        for (uint256 i; i < owners.length; ++i) {
            isOwner[owners[i]] = true;
        }
        threshold = threshold_;
    }

    /// @notice Propose a call and confirm it; executes at once if the threshold is 1.
    function propose(address target, uint256 value, bytes calldata data) external returns (uint256 id) {
        if (!isOwner[msg.sender]) revert NotOwner();
        id = proposals.length;
        proposals.push(Proposal(target, value, data, 0, false));
        emit Proposed(id, target);
        _confirm(id);
    }

    /// @notice Confirm a proposal; executes it when the threshold is reached.
    function confirm(uint256 id) external {
        if (!isOwner[msg.sender]) revert NotOwner();
        _confirm(id);
    }

    function _confirm(uint256 id) private {
        Proposal storage p = proposals[id];
        if (p.executed) revert AlreadyExecuted();
        if (confirmed[id][msg.sender]) revert AlreadyConfirmed();
        confirmed[id][msg.sender] = true;
        p.confirmations += 1;
        emit Confirmed(id, msg.sender);
        if (p.confirmations >= threshold) {
            p.executed = true;
            (bool ok, bytes memory reason) = p.target.call{value: p.value}(p.data);
            if (!ok) revert CallFailed(reason);
            emit Executed(id);
        }
    }
}
