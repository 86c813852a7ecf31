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

    /// @notice The Optimism Collective's receiving address.
    function collective() external view returns (address);

    /// @notice Governance: the registry's owner.
    function owner() external view returns (address);

    /// @notice Bumped on every change to any chain's rates or active flag, so a contract that
    ///         caches terms knows when its copy is stale. Starts at 1.
    function termsVersion() external view returns (uint32);

    /// @notice The registration of `chainId`; reverts for an unknown chain.
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
