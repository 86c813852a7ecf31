// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IChainRegistry} from "../interfaces/IChainRegistry.sol";
import {ICollectiveShareSource, IRevenueLinkedGrants} from "../interfaces/IRevenueLinkedGrants.sol";

/// @title RevenueLinkedGrants
/// @notice Escrow of token grants (an OP-like ERC-20) to member chains, released as the chain
///         earns them: each milestone vests once the Collective has received a given revenue share
///         from the chain since the grant (its splitter's own `collectiveShareTotal`, never anyone's
///         report) and a given time has passed. Governance sets the schedule when it makes the
///         grant; nobody can change it after. When the chain exits, milestones not vested by its
///         exit time go back to the Collective.
/// @dev Milestones vest in order (thresholds and times never decrease), so a grant's state is a
///      count: `released` of them paid out, and after a clawback `vestedAtExit` the most that can
///      ever be. The share counts only ETH; after an exit the splitter assigns the Collective
///      nothing, so only the final settlement (revenue from before the exit) can still count.
contract RevenueLinkedGrants is IRevenueLinkedGrants, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Semantic version of this contract.
    string public constant version = "1.0.0";
    /// @notice Most milestones in one grant.
    uint256 public constant MAX_MILESTONES = 64;
    /// @notice After a chain's exit, how long a clawback waits for its splitter's final
    ///         settlement if nobody triggers it sooner.
    uint256 public constant CLAWBACK_DELAY = 30 days;
    /// @dev The ETH asset key of the splitters.
    address private constant _ETH = address(0);

    /// @inheritdoc IRevenueLinkedGrants
    IChainRegistry public immutable REGISTRY;

    /// @notice Number of grants made; ids are 0 .. grantCount - 1.
    uint256 public grantCount;

    mapping(uint256 grantId => Grant) private _grants;
    mapping(uint256 grantId => Milestone[]) private _milestones;

    /// @param registry The `ChainRegistry`.
    constructor(IChainRegistry registry) {
        REGISTRY = registry;
    }

    /// @inheritdoc IRevenueLinkedGrants
    function createGrant(
        uint256 chainId,
        IERC20 token,
        ICollectiveShareSource source,
        Milestone[] calldata milestones
    ) external nonReentrant returns (uint256 grantId) {
        if (msg.sender != REGISTRY.owner()) revert RevenueLinkedGrants_NotGovernance(msg.sender);
        REGISTRY.getChain(chainId); // reverts for an unknown chain
        if (
            address(source).code.length == 0 || source.CHAIN_ID() != chainId
                || address(source.REGISTRY()) != address(REGISTRY)
        ) revert RevenueLinkedGrants_WrongSource(address(source));
        if (address(token).code.length == 0) revert RevenueLinkedGrants_BadToken(address(token));
        uint256 count = milestones.length;
        if (count == 0 || count > MAX_MILESTONES) revert RevenueLinkedGrants_BadMilestones();
        uint256 total;
        for (uint256 i; i < count; ++i) {
            Milestone calldata milestone = milestones[i];
            if (milestone.amount == 0) revert RevenueLinkedGrants_BadMilestones();
            if (
                i != 0
                    && (
                        milestone.collectiveShare < milestones[i - 1].collectiveShare
                            || milestone.notBefore < milestones[i - 1].notBefore
                    )
            ) revert RevenueLinkedGrants_BadMilestones();
            total += milestone.amount;
            _milestones[grantCount].push(milestone);
        }
        grantId = grantCount++;
        uint256 baseline = source.collectiveShareTotal(_ETH);
        _grants[grantId] = Grant({
            chainId: chainId,
            token: token,
            source: source,
            baseline: baseline,
            total: total,
            released: 0,
            vestedAtExit: 0,
            clawedBack: false
        });
        emit GrantCreated(grantId, chainId, address(token), address(source), baseline, total, count);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), total);
        if (token.balanceOf(address(this)) - before != total) revert RevenueLinkedGrants_BadToken(address(token));
    }

    /// @inheritdoc IRevenueLinkedGrants
    function release(uint256 grantId) external nonReentrant returns (uint256 amount) {
        Grant storage grant = _grant(grantId);
        // A claim hold (a treasury change waiting in the timelock, say) holds grants too.
        if (REGISTRY.claimsHeld(grant.chainId)) revert RevenueLinkedGrants_ClaimsHeld(grant.chainId);
        uint256 vested = vestedCount(grantId);
        uint256 from = grant.released;
        if (vested <= from) revert RevenueLinkedGrants_NothingVested(grantId);
        grant.released = uint32(vested);
        address treasury = REGISTRY.getChain(grant.chainId).treasury;
        Milestone[] storage milestones = _milestones[grantId];
        for (uint256 i = from; i < vested; ++i) {
            amount += milestones[i].amount;
            emit MilestoneReleased(grantId, i, treasury, milestones[i].amount);
        }
        grant.token.safeTransfer(treasury, amount);
    }

    /// @inheritdoc IRevenueLinkedGrants
    function clawback(uint256 grantId) external nonReentrant returns (uint256 amount) {
        Grant storage grant = _grant(grantId);
        if (grant.clawedBack) revert RevenueLinkedGrants_AlreadyClawedBack(grantId);
        uint256 exitAt = REGISTRY.exitTime(grant.chainId);
        if (exitAt == 0 || block.timestamp < exitAt) revert RevenueLinkedGrants_NotClawable(grantId, type(uint256).max);
        // Wait for the final settlement (revenue from before the exit counts), or the delay.
        if (grant.source.lastDisbursementTime(_ETH) < exitAt && block.timestamp < exitAt + CLAWBACK_DELAY) {
            revert RevenueLinkedGrants_NotClawable(grantId, exitAt + CLAWBACK_DELAY);
        }
        uint256 vested = vestedCount(grantId);
        grant.vestedAtExit = uint32(vested);
        grant.clawedBack = true;
        Milestone[] storage milestones = _milestones[grantId];
        for (uint256 i = vested; i < milestones.length; ++i) {
            amount += milestones[i].amount;
        }
        address collective = REGISTRY.collective();
        emit GrantClawedBack(grantId, collective, amount, vested);
        if (amount != 0) grant.token.safeTransfer(collective, amount);
    }

    /// @inheritdoc IRevenueLinkedGrants
    function vestedCount(uint256 grantId) public view returns (uint256 count) {
        Grant storage grant = _grant(grantId);
        if (grant.clawedBack) return grant.vestedAtExit;
        uint256 earned = grant.source.collectiveShareTotal(_ETH) - grant.baseline;
        uint256 exitAt = REGISTRY.exitTime(grant.chainId);
        // Time stops vesting at the exit: a milestone due after it never vests.
        uint256 clock = exitAt != 0 && exitAt < block.timestamp ? exitAt : block.timestamp;
        Milestone[] storage milestones = _milestones[grantId];
        count = grant.released;
        while (
            count < milestones.length && milestones[count].collectiveShare <= earned
                && milestones[count].notBefore <= clock
        ) {
            ++count;
        }
    }

    /// @inheritdoc IRevenueLinkedGrants
    function grantOf(uint256 grantId) external view returns (Grant memory grant, Milestone[] memory milestones) {
        grant = _grant(grantId);
        milestones = _milestones[grantId];
    }

    function _grant(uint256 grantId) private view returns (Grant storage grant) {
        if (grantId >= grantCount) revert RevenueLinkedGrants_UnknownGrant(grantId);
        grant = _grants[grantId];
    }
}
