// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IChainRegistry} from "./IChainRegistry.sol";

/// @title ICollectiveShareSource
/// @notice A splitter's on-chain record of what it assigned to the Collective: what grants count.
interface ICollectiveShareSource {
    /// @notice The registry the splitter follows.
    function REGISTRY() external view returns (IChainRegistry);
    /// @notice The chain whose revenue it shares.
    function CHAIN_ID() external view returns (uint256);
    /// @notice Everything assigned to the Collective in `asset` since deployment.
    function collectiveShareTotal(address asset) external view returns (uint256);
    /// @notice When `asset` was last disbursed (0 before the first).
    function lastDisbursementTime(address asset) external view returns (uint256);
}

/// @title IRevenueLinkedGrants
/// @notice Token grants to member chains, released by milestones of the revenue share the
///         Collective received from that chain (read from its splitter's own accounting) and by
///         time; what is not vested when the chain exits returns to the Collective.
interface IRevenueLinkedGrants {
    /// @notice One step of a grant: `amount` tokens vest once the Collective has received at least
    ///         `collectiveShare` wei of ETH revenue share from the chain since the grant was made,
    ///         and `notBefore` has passed (before the chain's exit, if it leaves).
    struct Milestone {
        uint128 collectiveShare;
        uint64 notBefore;
        uint128 amount;
    }

    /// @notice A grant as stored.
    /// @param chainId The chain granted.
    /// @param token The granted ERC-20.
    /// @param source The chain's splitter, whose `collectiveShareTotal(ETH)` the milestones count.
    /// @param baseline The source's total when the grant was made (earlier revenue does not count).
    /// @param total Sum of the milestones' amounts, escrowed here.
    /// @param released Milestones released so far (they vest and are released in order).
    /// @param vestedAtExit After a clawback: how many milestones had vested by the exit.
    /// @param clawedBack Whether the unvested rest went back to the Collective.
    struct Grant {
        uint256 chainId;
        IERC20 token;
        ICollectiveShareSource source;
        uint256 baseline;
        uint256 total;
        uint32 released;
        uint32 vestedAtExit;
        bool clawedBack;
    }

    /// @notice Governance granted `total` of `token` to `chainId`, vesting by `milestoneCount` milestones.
    event GrantCreated(
        uint256 indexed grantId,
        uint256 indexed chainId,
        address indexed token,
        address source,
        uint256 baseline,
        uint256 total,
        uint256 milestoneCount
    );
    /// @notice Milestone `index` vested and `amount` went to the chain's treasury `treasury`.
    event MilestoneReleased(uint256 indexed grantId, uint256 indexed index, address treasury, uint256 amount);
    /// @notice The chain left revenue sharing: `amount`, every milestone not vested by its exit,
    ///         went back to the Collective.
    event GrantClawedBack(uint256 indexed grantId, address collective, uint256 amount, uint256 vestedAtExit);

    /// @notice Only governance (the registry's owner) may create grants.
    error RevenueLinkedGrants_NotGovernance(address account);
    /// @notice The source is not a splitter of that chain in this registry.
    error RevenueLinkedGrants_WrongSource(address source);
    /// @notice A grant needs 1 to `MAX_MILESTONES` milestones, each with an amount, in order
    ///         (thresholds and times never decreasing).
    error RevenueLinkedGrants_BadMilestones();
    /// @notice The token has no code, or delivered a different amount than was sent.
    error RevenueLinkedGrants_BadToken(address token);
    /// @notice No grant with this id.
    error RevenueLinkedGrants_UnknownGrant(uint256 grantId);
    /// @notice No milestone has vested since the last release.
    error RevenueLinkedGrants_NothingVested(uint256 grantId);
    /// @notice The chain has not left, or its final settlement may still come (see `clawback`).
    error RevenueLinkedGrants_NotClawable(uint256 grantId, uint256 notBefore);
    /// @notice The chain's claims are held in the registry: releases wait until the hold ends.
    error RevenueLinkedGrants_ClaimsHeld(uint256 chainId);
    /// @notice The grant was already clawed back.
    error RevenueLinkedGrants_AlreadyClawedBack(uint256 grantId);

    /// @notice The registry: chains, treasuries, exits, the Collective, governance.
    function REGISTRY() external view returns (IChainRegistry);

    /// @notice Create a grant: pulls the milestones' total of `token` from governance (approve first).
    /// @param chainId A registered chain.
    /// @param token The granted ERC-20 (plain: no fee on transfer, no rebasing).
    /// @param source The chain's splitter (`ChainRevenueSplitter` of `chainId` on this registry).
    /// @param milestones In order; vest one after the other.
    /// @return grantId The new grant's id.
    function createGrant(
        uint256 chainId,
        IERC20 token,
        ICollectiveShareSource source,
        Milestone[] calldata milestones
    ) external returns (uint256 grantId);

    /// @notice Release every milestone of the grant that has vested to the chain's current treasury.
    ///         Anyone may call.
    /// @param grantId The grant.
    /// @return amount The tokens released.
    function release(uint256 grantId) external returns (uint256 amount);

    /// @notice After the chain's exit took effect and its splitter settled past it (or
    ///         `CLAWBACK_DELAY` after the exit, if nobody settles), return every milestone not
    ///         vested by the exit to the Collective; vested ones stay releasable. Anyone may call.
    /// @param grantId The grant.
    /// @return amount The tokens returned.
    function clawback(uint256 grantId) external returns (uint256 amount);

    /// @notice How many of the grant's milestones have vested now (released ones included).
    /// @param grantId The grant.
    function vestedCount(uint256 grantId) external view returns (uint256);

    /// @notice The grant and its milestones.
    /// @param grantId The grant.
    function grantOf(uint256 grantId) external view returns (Grant memory grant, Milestone[] memory milestones);
}
