// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IChainRegistry
/// @notice Read side of the governance-owned list of Superchain member chains and their terms.
interface IChainRegistry {
    /// @notice How an ETH payout reaches a recipient.
    /// @param L2 A plain transfer on this chain.
    /// @param L1_STANDARD_BRIDGE `L2StandardBridge.bridgeETHTo` to the destination's L1 account.
    /// @param L1_MESSAGE_PASSER `L2ToL1MessagePasser.initiateWithdrawal` to the destination's L1 account.
    enum Route {
        L2,
        L1_STANDARD_BRIDGE,
        L1_MESSAGE_PASSER
    }

    /// @notice Where a recipient's ETH goes. L1 routes name the account paid on L1 (the
    ///         recipient's own address, or another it controls there), the gas limit of the call on
    ///         L1 and a minimum: smaller amounts stay credited to the recipient until it is reached.
    struct Destination {
        Route route;
        address l1Recipient;
        uint32 l1GasLimit;
        uint128 minAmount;
    }

    /// @notice A member chain's registration and revenue-share terms.
    /// @param treasury Where the chain's share is paid.
    /// @param grossBps Collective rate on gross revenue, in bps (at most 10,000).
    /// @param netBps Collective rate on net revenue, in bps (at most 10,000).
    /// @param active Inactive chains cannot disburse.
    /// @param registered Distinguishes a registered chain from an empty slot.
    /// @param termsHash Hash of the agreed terms document.
    struct Chain {
        address treasury;
        uint16 grossBps;
        uint16 netBps;
        bool active;
        bool registered;
        bytes32 termsHash;
    }

    /// @notice One entry of a chain's terms history: the terms in force from `effectiveAt` until
    ///         the next entry's time. The first entry is the chain's registration; an `exit` entry
    ///         (rates 0: the chain keeps all its revenue) is always the last.
    /// @param grossBps Collective rate on gross revenue, in bps.
    /// @param netBps Collective rate on net revenue, in bps.
    /// @param effectiveAt When these terms take (or took) effect.
    /// @param exit Whether this entry is the chain's exit from revenue sharing.
    /// @param termsHash Hash of the terms document (an exit keeps the last one).
    struct TermsEntry {
        uint16 grossBps;
        uint16 netBps;
        uint64 effectiveAt;
        bool exit;
        bytes32 termsHash;
    }

    /// @notice What a splitter needs to settle the revenue it received since `since`: the terms in
    ///         force at `since` (the start of the period it settles), the current treasury and
    ///         active flag, when the next terms change after `since` takes effect, and the keeper reward.
    /// @param treasury Where the chain's share is paid now.
    /// @param active Inactive chains cannot disburse.
    /// @param grossBps Collective rate on gross revenue in force at `since`.
    /// @param netBps Collective rate on net revenue in force at `since`.
    /// @param nextChangeAt The first terms change (or exit) after `since`; `type(uint64).max` if none.
    ///        At or before now: the settlement crosses it, and settles the period before it.
    /// @param keeperRewardBps Reward of whoever triggers a disbursement, in bps of the amount disbursed.
    /// @param keeperRewardCap Largest keeper reward of one disbursement.
    /// @param exited The chain had left revenue sharing when the period began: its revenue is all
    ///        its own, beyond governance's pause, deactivation, claim holds and keeper reward.
    struct Settlement {
        address treasury;
        bool active;
        uint16 grossBps;
        uint16 netBps;
        uint64 nextChangeAt;
        uint16 keeperRewardBps;
        uint128 keeperRewardCap;
        bool exited;
    }

    /// @notice Everything one disbursement of a chain reads from the registry, in one call.
    /// @param terms The settlement terms for the period the disbursement settles.
    /// @param collective The Collective's receiving address.
    /// @param paused Whether disbursements are paused.
    /// @param claimsHeld Whether the chain's claims and treasury payouts are held now.
    /// @param collectiveDestination Where ETH for the Collective is paid (its route).
    /// @param treasuryDestination Where ETH for the chain's treasury is paid (its route).
    struct DisbursementContext {
        Settlement terms;
        address collective;
        bool paused;
        bool claimsHeld;
        Destination collectiveDestination;
        Destination treasuryDestination;
    }

    /// @notice The Optimism Collective's receiving address.
    function collective() external view returns (address);

    /// @notice `settlementTerms(chainId, since)` with the Collective, the pause, the chain's claim
    ///         hold and both recipients' destinations: what a disbursement needs, in one call.
    ///         Reverts for an unknown chain.
    function disbursementContext(uint256 chainId, uint256 since)
        external
        view
        returns (DisbursementContext memory);

    /// @notice The least time between scheduling a terms change or an exit and its effect.
    function noticePeriod() external view returns (uint32);

    /// @notice The settlement terms of `chainId` for revenue received since `since` (see
    ///         `Settlement`); reverts for an unknown chain.
    function settlementTerms(uint256 chainId, uint256 since) external view returns (Settlement memory);

    /// @notice The history entry of `chainId` in force at `timestamp` (the registration's for any
    ///         earlier time); reverts for an unknown chain.
    function termsAt(uint256 chainId, uint256 timestamp) external view returns (TermsEntry memory);

    /// @notice Every terms entry of `chainId`, oldest first, including scheduled ones.
    function termsHistory(uint256 chainId) external view returns (TermsEntry[] memory);

    /// @notice When `chainId` leaves (or left) revenue sharing; 0 if no exit is announced.
    function exitTime(uint256 chainId) external view returns (uint256);

    /// @notice Governance: the registry's owner.
    function owner() external view returns (address);

    /// @notice Bumped whenever any chain's terms history (a change scheduled or cancelled, an exit
    ///         announced or cancelled) or active flag changes, so a contract that caches terms
    ///         knows when its copy is stale. Starts at 1. A scheduled change taking effect does not
    ///         bump it: a cache also keeps `Settlement.nextChangeAt`.
    function termsVersion() external view returns (uint32);

    /// @notice The registration of `chainId` with the terms in force now; reverts for an unknown chain.
    function getChain(uint256 chainId) external view returns (Chain memory);

    /// @notice Whether `chainId` is registered.
    function isRegistered(uint256 chainId) external view returns (bool);

    /// @notice Whether disbursements are paused (claims of credited balances still work).
    function paused() external view returns (bool);

    /// @notice How ETH payouts to `recipient` are delivered (the default is a plain L2 transfer).
    function destinationOf(address recipient) external view returns (Destination memory);

    /// @notice Whether splitters may disburse revenue held in `token` (an ERC-20).
    function isTokenAllowed(address token) external view returns (bool);

    /// @notice Whether claims and treasury payouts of `chainId` are on hold (a time-limited hold
    ///         placed by the guardian or governance, e.g. while a treasury change waits in the timelock).
    function claimsHeld(uint256 chainId) external view returns (bool);

    /// @notice Whether `account` is or has ever been the Collective's receiving address.
    function wasCollective(address account) external view returns (bool);

    /// @notice Whether `account` is or has ever been the treasury of `chainId`.
    function wasTreasury(uint256 chainId, address account) external view returns (bool);
}
