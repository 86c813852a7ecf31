// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IChainRegistry} from "./IChainRegistry.sol";

/// @title ISharePayee
/// @notice A recipient of OP's FeeSplitter that cannot make a disbursement fail: it accepts any
///         ETH, and passes it on to whoever the `ChainRegistry` names for its role (the
///         Collective, or one chain's treasury), along the registry's route for that address.
///         When passing it on is not possible now, the ETH waits here for the next attempt.
interface ISharePayee {
    /// @notice Whose share this payee receives.
    /// @param Collective The registry's `collective()`.
    /// @param Treasury The registry's treasury of `CHAIN_ID`.
    enum Role {
        Collective,
        Treasury
    }

    /// @notice Why ETH was kept instead of passed on.
    /// @param ClaimsHeld The chain's claims are held in the registry (treasury payee only).
    /// @param BelowL1Minimum The role's L1 route has a minimum the balance does not reach yet.
    /// @param PayoutFailed The transfer or the L1 withdrawal call failed.
    /// @param LowGas Too little gas was left to give the payout its full allowance.
    enum DeferReason {
        ClaimsHeld,
        BelowL1Minimum,
        PayoutFailed,
        LowGas
    }

    /// @notice `amount` wei arrived from `from` (the FeeSplitter, or anyone).
    event ShareReceived(address indexed from, uint256 amount);
    /// @notice `amount` wei, the whole balance, was passed on to `recipient` along `route`
    ///         (an L1 route also emits `L2Withdrawals.L1WithdrawalInitiated`).
    event Forwarded(address indexed recipient, uint256 amount, IChainRegistry.Route route);
    /// @notice `amount` wei, the whole balance, stays here for now; `forward()` tries again.
    event ForwardDeferred(address indexed recipient, uint256 amount, DeferReason reason);

    /// @notice A constructor address argument was zero.
    error SharePayee_ZeroAddress();
    /// @notice The registry does not know the chain.
    error SharePayee_UnknownChain(uint256 chainId);
    /// @notice Nothing to pass on.
    error SharePayee_NothingToForward();
    /// @notice `forward()` was called while a forward was under way.
    error SharePayee_Reentered();
    /// @notice Passing the balance on is not possible now (`forward()` reverts instead of emitting
    ///         `ForwardDeferred`).
    error SharePayee_Deferred(address recipient, uint256 amount, DeferReason reason);

    /// @notice Semantic version of this contract.
    function version() external view returns (string memory);

    /// @notice OP's FeeSplitter predeploy, whose payments mark a disbursement.
    function FEE_SPLITTER() external view returns (address);

    /// @notice When the FeeSplitter last paid this payee (0 before it ever did): the calculator
    ///         takes the later of its two payees' times as the end of the last disbursement.
    function lastShareAt() external view returns (uint64);

    /// @notice The registry that names the role's address and route.
    function REGISTRY() external view returns (IChainRegistry);

    /// @notice The chain whose revenue this payee receives a share of.
    function CHAIN_ID() external view returns (uint256);

    /// @notice Whose share this payee receives.
    function ROLE() external view returns (Role);

    /// @notice The address the role currently pays: the Collective, or the chain's treasury.
    function recipient() external view returns (address);

    /// @notice Pass the whole balance on to `recipient()` now. Anyone may call. Reverts with
    ///         `SharePayee_Deferred` when it cannot (claims held, below the L1 minimum, payout
    ///         failed, too little gas), leaving the balance here.
    /// @return amount The amount passed on.
    function forward() external returns (uint256 amount);
}
