// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {RevenueShareMath} from "./libraries/RevenueShareMath.sol";

/// @title ChainRegistry
/// @notice Governance-owned list of Superchain member chains: each chain's treasury, its
///         revenue-share terms (gross and net rates, the hash of the agreed terms document)
///         and whether it is active, plus the Collective's address. Every change emits an event.
/// @dev The owner is governance: in production a timelock whose proposer is the Security
///      Council multisig. Ownership moves in two steps (`transferOwnership` + `acceptOwnership`).
///      A guardian (or the owner) can pause every splitter's disbursements at once; only the
///      owner can unpause. ERC-20 revenue is disbursed only in tokens the owner has allowed.
contract ChainRegistry is IChainRegistry, Ownable2Step {
    /// @notice Default Collective rate on gross revenue (2.5%).
    uint16 public constant DEFAULT_GROSS_BPS = RevenueShareMath.DEFAULT_GROSS_BPS;

    /// @notice Default Collective rate on net revenue (15%).
    uint16 public constant DEFAULT_NET_BPS = RevenueShareMath.DEFAULT_NET_BPS;

    /// @notice Largest accepted rate (100%).
    uint16 public constant MAX_BPS = uint16(RevenueShareMath.BPS_DENOMINATOR);

    /// @inheritdoc IChainRegistry
    address public collective;

    /// @inheritdoc IChainRegistry
    /// @dev Next to `collective`: a disbursement reads both from one storage slot.
    bool public paused;

    /// @notice May pause disbursements (not unpause, not change terms). Zero: no guardian.
    address public guardian;

    /// @inheritdoc IChainRegistry
    uint32 public termsVersion = 1;

    /// @inheritdoc IChainRegistry
    uint32 public noticePeriod = DEFAULT_NOTICE_PERIOD;

    mapping(uint256 chainId => ChainRecord) private _chains;
    mapping(uint256 chainId => TermsEntry[]) private _terms;
    mapping(uint256 chainId => bool) private _treasuryMayExit;
    mapping(uint256 chainId => bool) private _exitByTreasury;
    KeeperReward private _keeperReward;
    uint256[] private _chainIds;
    mapping(address token => bool) private _allowedTokens;
    mapping(address recipient => Destination) private _destinations;
    mapping(uint256 chainId => uint64 time) private _nextClaimHoldAt;
    mapping(address account => bool) private _wasCollective;
    mapping(uint256 chainId => mapping(address account => bool)) private _wasTreasury;

    /// @notice What the registry stores of a chain besides its terms.
    struct ChainRecord {
        address treasury;
        bool active;
        bool registered;
        uint64 claimsHeldUntil; // claims and treasury payouts are held before this time
    }

    /// @notice The keeper reward: `bps` of what a splitter disburses, at most `cap` per disbursement.
    struct KeeperReward {
        uint16 bps;
        uint128 cap;
    }

    /// @notice Smallest L1 gas limit accepted for an L1 route (an L1 transfer to an EOA or a Safe).
    uint32 public constant MIN_L1_GAS_LIMIT = 21_000;
    /// @notice Largest L1 gas limit accepted for an L1 route: far above what a transfer to a Safe
    ///         needs, far below an L1 block, so a withdrawal can always be finalized.
    uint32 public constant MAX_L1_GAS_LIMIT = 5_000_000;
    /// @notice Largest minimum amount of an L1 route (10,000 ETH): above it payouts could wait forever.
    uint128 public constant MAX_L1_MIN_AMOUNT = 10_000 ether;
    /// @notice Largest chain id EIP-155 signatures can carry: floor((2^64 - 1) / 2) - 36.
    uint256 public constant MAX_CHAIN_ID = 9_223_372_036_854_775_771;
    /// @notice Longest claim hold governance may configure.
    uint32 public constant MAX_CLAIM_HOLD_PERIOD = 30 days;
    /// @notice The notice period a new registry starts with.
    uint32 public constant DEFAULT_NOTICE_PERIOD = 30 days;
    /// @notice Longest notice period governance may set.
    uint32 public constant MAX_NOTICE_PERIOD = 365 days;
    /// @notice Furthest ahead a terms change or an exit may be scheduled.
    uint256 public constant MAX_SCHEDULE_AHEAD = 5 * 365 days;
    /// @notice Largest keeper reward rate (1% of a disbursement).
    uint16 public constant MAX_KEEPER_REWARD_BPS = 100;

    /// @notice How long one claim hold lasts; a chain can be held again only one period after a
    ///         hold ends, so holds cover at most half of any stretch of time.
    uint32 public claimHoldPeriod = 7 days;

    /// @notice ETH payouts to `recipient` now take `route` (L1 routes: gas limit on L1, minimum amount).
    event DestinationSet(
        address indexed recipient, Route route, address l1Recipient, uint32 l1GasLimit, uint128 minAmount
    );
    /// @notice A chain was added.
    event ChainRegistered(
        uint256 indexed chainId, address indexed treasury, uint16 grossBps, uint16 netBps, bytes32 termsHash
    );
    /// @notice A change of a chain's rates and terms document was scheduled: disbursements
    ///         settling revenue from `effectiveAt` on apply it.
    event TermsScheduled(
        uint256 indexed chainId, uint16 grossBps, uint16 netBps, bytes32 termsHash, uint256 effectiveAt
    );
    /// @notice A scheduled terms change was cancelled before it took effect.
    event TermsChangeCancelled(uint256 indexed chainId, uint256 effectiveAt);
    /// @notice The chain leaves revenue sharing at `effectiveAt` (announced by `account`).
    event ExitAnnounced(uint256 indexed chainId, uint256 effectiveAt, address indexed account);
    /// @notice An announced exit was cancelled before it took effect.
    event ExitCancelled(uint256 indexed chainId, uint256 effectiveAt);
    /// @notice The notice period for terms changes and exits changed.
    event NoticePeriodUpdated(uint32 period);
    /// @notice Whether the chain's treasury may announce its exit itself changed.
    event TreasuryExitAllowedSet(uint256 indexed chainId, bool allowed);
    /// @notice The keeper reward changed.
    event KeeperRewardUpdated(uint16 bps, uint128 cap);
    /// @notice A chain's treasury changed.
    event TreasuryUpdated(uint256 indexed chainId, address indexed previousTreasury, address indexed newTreasury);
    /// @notice A chain was activated or deactivated.
    event ChainActiveSet(uint256 indexed chainId, bool active);
    /// @notice The Collective's address changed.
    event CollectiveUpdated(address indexed previousCollective, address indexed newCollective);
    /// @notice The guardian changed.
    event GuardianUpdated(address indexed previousGuardian, address indexed newGuardian);
    /// @notice Disbursements were paused by `account`.
    event Paused(address indexed account);
    /// @notice Disbursements were resumed by `account`.
    event Unpaused(address indexed account);
    /// @notice An ERC-20 was allowed or disallowed as revenue.
    event TokenAllowedSet(address indexed token, bool allowed);
    /// @notice Claims and treasury payouts of `chainId` are held until `heldUntil` (placed by `account`).
    event ClaimsHeld(uint256 indexed chainId, uint256 heldUntil, address indexed account);
    /// @notice A claim hold on `chainId` was lifted early by governance.
    event ClaimsReleased(uint256 indexed chainId, address indexed account);
    /// @notice The length of a claim hold changed.
    event ClaimHoldPeriodUpdated(uint32 period);

    /// @notice An address argument was zero.
    error ZeroAddress();
    /// @notice An L2 route with L1 settings, or an L1 route with a zero L1 account, a gas limit
    ///         outside [`MIN_L1_GAS_LIMIT`, `MAX_L1_GAS_LIMIT`] or a minimum above `MAX_L1_MIN_AMOUNT`.
    error InvalidDestination();
    /// @notice Not an EIP-155 chain id (zero, or above `MAX_CHAIN_ID`).
    error InvalidChainId(uint256 chainId);
    /// @notice A rate above 10,000 bps.
    error InvalidBps(uint256 bps);
    /// @notice The chain is already registered.
    error ChainAlreadyRegistered(uint256 chainId);
    /// @notice The chain is not registered.
    error UnknownChain(uint256 chainId);
    /// @notice Only the guardian or the owner may pause.
    error NotGuardian(address account);
    /// @notice Already in the requested pause state.
    error PauseUnchanged(bool paused);
    /// @notice The token address has no code.
    error NotAContract(address token);
    /// @notice Ownership can only be handed on (two-step), never renounced.
    error RenounceDisabled();
    /// @notice The chain's claims cannot be held before `nextHoldAt` (a hold is active or just ended).
    error ClaimHoldUnavailable(uint256 chainId, uint256 nextHoldAt);
    /// @notice The chain's claims are not held.
    error ClaimsNotHeld(uint256 chainId);
    /// @notice A claim hold period of zero or above `MAX_CLAIM_HOLD_PERIOD`.
    error InvalidClaimHoldPeriod(uint256 period);
    /// @notice A notice period above `MAX_NOTICE_PERIOD`.
    error InvalidNoticePeriod(uint256 period);
    /// @notice An effective time before `earliest` (the notice period from now, and after the
    ///         chain's last scheduled change) or after `latest` (`MAX_SCHEDULE_AHEAD` from now).
    error InvalidEffectiveTime(uint256 effectiveAt, uint256 earliest, uint256 latest);
    /// @notice The chain's exit is announced (or done): its terms can no longer change.
    error ChainExiting(uint256 chainId, uint256 exitAt);
    /// @notice The chain has no scheduled change of this kind that has not yet taken effect.
    error NothingScheduled(uint256 chainId);
    /// @notice Only governance, or the chain's treasury where governance allows it, may announce an exit.
    error NotAllowedToExit(address account);
    /// @notice A keeper reward rate above `MAX_KEEPER_REWARD_BPS`.
    error InvalidKeeperReward(uint256 bps);

    /// @param initialOwner Governance (or the deployer, who hands over to governance later).
    /// @param initialCollective The Collective's receiving address.
    /// @param initialGuardian May pause disbursements; zero for none.
    constructor(address initialOwner, address initialCollective, address initialGuardian) Ownable(initialOwner) {
        _setCollective(initialCollective);
        if (initialGuardian != address(0)) {
            guardian = initialGuardian;
            emit GuardianUpdated(address(0), initialGuardian);
        }
    }

    // ------------------------------------------------------------------ governance

    /// @notice Register a new member chain, active from the start.
    /// @param chainId The chain's EIP-155 id.
    /// @param treasury Where the chain's share is paid.
    /// @param grossBps Collective rate on gross revenue (default 250).
    /// @param netBps Collective rate on net revenue (default 1,500).
    /// @param termsHash Hash of the agreed terms document.
    function registerChain(uint256 chainId, address treasury, uint16 grossBps, uint16 netBps, bytes32 termsHash)
        external
        onlyOwner
    {
        if (chainId == 0 || chainId > MAX_CHAIN_ID) revert InvalidChainId(chainId);
        if (_chains[chainId].registered) revert ChainAlreadyRegistered(chainId);
        if (treasury == address(0)) revert ZeroAddress();
        _checkBps(grossBps);
        _checkBps(netBps);
        _chains[chainId] = ChainRecord({treasury: treasury, active: true, registered: true, claimsHeldUntil: 0});
        _terms[chainId].push(
            TermsEntry({
                grossBps: grossBps,
                netBps: netBps,
                effectiveAt: uint64(block.timestamp),
                exit: false,
                termsHash: termsHash
            })
        );
        _chainIds.push(chainId);
        _wasTreasury[chainId][treasury] = true;
        emit ChainRegistered(chainId, treasury, grossBps, netBps, termsHash);
    }

    /// @notice Schedule a change of a chain's rates and terms document. Revenue a splitter settles
    ///         from `effectiveAt` on follows the new terms; revenue before it the old ones (see
    ///         `settlementTerms`). At most `MAX_SCHEDULE_AHEAD` ahead, never within the notice
    ///         period, after the chain's last scheduled change, and not once its exit is announced.
    /// @param chainId A registered chain.
    /// @param grossBps New Collective rate on gross revenue.
    /// @param netBps New Collective rate on net revenue.
    /// @param termsHash Hash of the new terms document.
    /// @param effectiveAt When the new terms take effect; 0: as early as allowed.
    /// @return at The effective time scheduled.
    function scheduleTerms(uint256 chainId, uint16 grossBps, uint16 netBps, bytes32 termsHash, uint256 effectiveAt)
        external
        onlyOwner
        returns (uint256 at)
    {
        _registered(chainId);
        _checkBps(grossBps);
        _checkBps(netBps);
        at = _schedule(chainId, effectiveAt, grossBps, netBps, termsHash, false);
        emit TermsScheduled(chainId, grossBps, netBps, termsHash, at);
    }

    /// @notice Cancel the chain's last scheduled terms change before it takes effect. An exit
    ///         announced after it must be cancelled first.
    /// @param chainId A registered chain.
    function cancelScheduledTerms(uint256 chainId) external onlyOwner {
        uint256 effectiveAt = _cancelLast(chainId, false);
        emit TermsChangeCancelled(chainId, effectiveAt);
    }

    /// @notice Announce that a chain leaves revenue sharing at `effectiveAt`. Until then nothing
    ///         changes; the chain's splitters settle everything up to that time under the terms in
    ///         force before it (the final settlement), and afterwards pay the chain its whole
    ///         revenue. Credited balances stay claimable. By governance, or by the chain's treasury
    ///         where governance has allowed it (`setTreasuryMayExit`), with the same notice as a
    ///         terms change; at most one exit per chain.
    /// @param chainId A registered chain.
    /// @param effectiveAt When the chain leaves; 0: as early as allowed.
    /// @return at The exit time scheduled.
    function announceExit(uint256 chainId, uint256 effectiveAt) external returns (uint256 at) {
        ChainRecord storage chain = _registered(chainId);
        if (msg.sender != owner() && !(msg.sender == chain.treasury && _treasuryMayExit[chainId])) {
            revert NotAllowedToExit(msg.sender);
        }
        TermsEntry storage last = _lastTerms(chainId);
        at = _schedule(chainId, effectiveAt, 0, 0, last.termsHash, true);
        _exitByTreasury[chainId] = msg.sender != owner();
        emit ExitAnnounced(chainId, at, msg.sender);
    }

    /// @notice Cancel a chain's announced exit before it takes effect: governance cancels an exit
    ///         it announced, the chain's treasury one the treasury announced (governance cannot
    ///         hold a chain that chose to leave).
    /// @param chainId A registered chain.
    function cancelExit(uint256 chainId) external {
        address canceller = _exitByTreasury[chainId] ? _registered(chainId).treasury : owner();
        if (msg.sender != canceller) revert NotAllowedToExit(msg.sender);
        uint256 effectiveAt = _cancelLast(chainId, true);
        emit ExitCancelled(chainId, effectiveAt);
    }

    /// @notice Change the least time between scheduling a terms change or an exit and its
    ///         effect (applies to later schedules). Owner only.
    /// @param period Seconds, at most `MAX_NOTICE_PERIOD`.
    function setNoticePeriod(uint32 period) external onlyOwner {
        if (period > MAX_NOTICE_PERIOD) revert InvalidNoticePeriod(period);
        noticePeriod = period;
        emit NoticePeriodUpdated(period);
    }

    /// @notice Allow or forbid a chain's treasury to announce the chain's exit itself (as its
    ///         terms document says). Owner only.
    /// @param chainId A registered chain.
    /// @param allowed The new setting.
    function setTreasuryMayExit(uint256 chainId, bool allowed) external onlyOwner {
        _registered(chainId);
        _treasuryMayExit[chainId] = allowed;
        emit TreasuryExitAllowedSet(chainId, allowed);
    }

    /// @notice Set the reward a splitter pays whoever calls its disbursement: `bps` of the amount
    ///         disbursed, at most `cap` per disbursement, out of the revenue before it is split.
    ///         Zero turns it off. Owner only.
    /// @param bps At most `MAX_KEEPER_REWARD_BPS`.
    /// @param cap Largest reward of one disbursement, in the disbursed asset's units.
    function setKeeperReward(uint16 bps, uint128 cap) external onlyOwner {
        if (bps > MAX_KEEPER_REWARD_BPS) revert InvalidKeeperReward(bps);
        _keeperReward = KeeperReward(bps, cap);
        emit KeeperRewardUpdated(bps, cap);
    }

    /// @notice Change where a chain's share is paid.
    /// @param chainId A registered chain.
    /// @param treasury The new treasury (non-zero).
    function setTreasury(uint256 chainId, address treasury) external onlyOwner {
        ChainRecord storage chain = _registered(chainId);
        if (treasury == address(0)) revert ZeroAddress();
        address previous = chain.treasury;
        chain.treasury = treasury;
        _wasTreasury[chainId][treasury] = true;
        emit TreasuryUpdated(chainId, previous, treasury);
    }

    /// @notice Activate or deactivate a chain; an inactive chain's splitter cannot disburse.
    /// @param chainId A registered chain.
    /// @param active The new state.
    function setActive(uint256 chainId, bool active) external onlyOwner {
        _registered(chainId).active = active;
        ++termsVersion;
        emit ChainActiveSet(chainId, active);
    }

    /// @notice Change the Collective's receiving address.
    /// @param newCollective The new address (non-zero).
    function setCollective(address newCollective) external onlyOwner {
        _setCollective(newCollective);
    }

    /// @notice Change the guardian; zero removes it.
    /// @param newGuardian The new guardian.
    function setGuardian(address newGuardian) external onlyOwner {
        address previous = guardian;
        guardian = newGuardian;
        emit GuardianUpdated(previous, newGuardian);
    }

    /// @notice Pause every splitter's disbursements. Funds stay where they are; credited balances
    ///         can still be claimed. Callable by the guardian or the owner.
    function pause() external {
        _onlyGuardianOrOwner();
        if (paused) revert PauseUnchanged(true);
        paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Resume disbursements. Owner only.
    function unpause() external onlyOwner {
        if (!paused) revert PauseUnchanged(false);
        paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Allow or disallow an ERC-20 as revenue that splitters disburse. Fee-on-transfer
    ///         and rebasing tokens are not supported: splitters refuse to pay them out.
    /// @param token The token contract.
    /// @param allowed The new setting.
    function setTokenAllowed(address token, bool allowed) external onlyOwner {
        if (token.code.length == 0) revert NotAContract(token);
        _allowedTokens[token] = allowed;
        emit TokenAllowedSet(token, allowed);
    }

    /// @notice Choose how ETH payouts to `recipient` (the Collective, a treasury) are delivered.
    ///         Applies to every later payout and claim; credited balances wait for the minimum.
    /// @param recipient The paid address (the Collective, a treasury, a sequencer operator).
    /// @param destination The route; an L1 route names a non-zero L1 account and at least
    ///        `MIN_L1_GAS_LIMIT`; the L2 route must leave the other fields zero.
    function setDestination(address recipient, Destination calldata destination) external onlyOwner {
        if (recipient == address(0)) revert ZeroAddress();
        if (destination.route == Route.L2) {
            if (destination.l1Recipient != address(0) || destination.l1GasLimit != 0 || destination.minAmount != 0) {
                revert InvalidDestination();
            }
        } else if (
            destination.l1Recipient == address(0) || destination.l1GasLimit < MIN_L1_GAS_LIMIT
                || destination.l1GasLimit > MAX_L1_GAS_LIMIT || destination.minAmount > MAX_L1_MIN_AMOUNT
        ) {
            revert InvalidDestination();
        }
        _destinations[recipient] = destination;
        emit DestinationSet(
            recipient, destination.route, destination.l1Recipient, destination.l1GasLimit, destination.minAmount
        );
    }

    /// @notice Hold one chain's claims and treasury payouts for `claimHoldPeriod` (nothing else:
    ///         its revenue is still split and credited, every other chain and the Collective are
    ///         paid as usual). Meant for the time a treasury change waits in the timelock. Callable
    ///         by the guardian or the owner; a chain can be held again only one period after a hold ends.
    /// @param chainId A registered chain.
    function holdClaims(uint256 chainId) external {
        _onlyGuardianOrOwner();
        ChainRecord storage record = _registered(chainId);
        uint64 nextHoldAt = _nextClaimHoldAt[chainId];
        if (block.timestamp < nextHoldAt) revert ClaimHoldUnavailable(chainId, nextHoldAt);
        uint64 heldUntil = uint64(block.timestamp) + claimHoldPeriod;
        record.claimsHeldUntil = heldUntil;
        _nextClaimHoldAt[chainId] = heldUntil + claimHoldPeriod;
        emit ClaimsHeld(chainId, heldUntil, msg.sender);
    }

    /// @notice Lift a chain's claim hold before it expires. Owner only.
    /// @param chainId A chain whose claims are held.
    function releaseClaims(uint256 chainId) external onlyOwner {
        ChainRecord storage record = _chains[chainId];
        if (block.timestamp >= record.claimsHeldUntil) revert ClaimsNotHeld(chainId);
        record.claimsHeldUntil = uint64(block.timestamp);
        emit ClaimsReleased(chainId, msg.sender);
    }

    /// @notice Change how long a claim hold lasts (applies to later holds). Owner only.
    /// @param period Seconds, from 1 to `MAX_CLAIM_HOLD_PERIOD`.
    function setClaimHoldPeriod(uint32 period) external onlyOwner {
        if (period == 0 || period > MAX_CLAIM_HOLD_PERIOD) revert InvalidClaimHoldPeriod(period);
        claimHoldPeriod = period;
        emit ClaimHoldPeriodUpdated(period);
    }

    /// @notice Disabled: renouncing would leave the registry without governance for good. Hand
    ///         ownership on with `transferOwnership` + `acceptOwnership` instead.
    function renounceOwnership() public view override onlyOwner {
        revert RenounceDisabled();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IChainRegistry
    function claimsHeld(uint256 chainId) external view returns (bool) {
        return block.timestamp < _chains[chainId].claimsHeldUntil;
    }

    /// @notice When the chain's current (or last) claim hold ends, and when it may be held again.
    /// @param chainId Any chain id.
    function claimHoldOf(uint256 chainId) external view returns (uint256 heldUntil, uint256 nextHoldAt) {
        return (_chains[chainId].claimsHeldUntil, _nextClaimHoldAt[chainId]);
    }

    /// @inheritdoc IChainRegistry
    function wasCollective(address account) external view returns (bool) {
        return _wasCollective[account];
    }

    /// @inheritdoc IChainRegistry
    function wasTreasury(uint256 chainId, address account) external view returns (bool) {
        return _wasTreasury[chainId][account];
    }

    /// @inheritdoc IChainRegistry
    function destinationOf(address recipient) external view returns (Destination memory) {
        return _destination(recipient);
    }

    /// @dev An L2 destination (the default) has nothing else set: its first slot is enough.
    function _destination(address recipient) private view returns (Destination memory) {
        Destination storage destination = _destinations[recipient];
        if (destination.route == Route.L2) return Destination(Route.L2, address(0), 0, 0);
        return destination;
    }

    /// @inheritdoc IChainRegistry
    function owner() public view override(IChainRegistry, Ownable) returns (address) {
        return super.owner();
    }

    /// @inheritdoc IChainRegistry
    function isTokenAllowed(address token) external view returns (bool) {
        return _allowedTokens[token];
    }

    /// @inheritdoc IChainRegistry
    function getChain(uint256 chainId) external view returns (Chain memory chain) {
        ChainRecord storage record = _registered(chainId);
        TermsEntry storage terms = _termsAt(chainId, block.timestamp);
        chain = Chain({
            treasury: record.treasury,
            grossBps: terms.grossBps,
            netBps: terms.netBps,
            active: record.active,
            registered: true,
            termsHash: terms.termsHash
        });
    }

    /// @inheritdoc IChainRegistry
    function settlementTerms(uint256 chainId, uint256 since) external view returns (Settlement memory) {
        return _settlementTerms(chainId, since);
    }

    /// @inheritdoc IChainRegistry
    function disbursementContext(uint256 chainId, uint256 since)
        external
        view
        returns (DisbursementContext memory context)
    {
        context.terms = _settlementTerms(chainId, since);
        context.collective = collective;
        context.paused = paused;
        context.claimsHeld = block.timestamp < _chains[chainId].claimsHeldUntil;
        context.collectiveDestination = _destination(context.collective);
        context.treasuryDestination = _destination(context.terms.treasury);
    }

    function _settlementTerms(uint256 chainId, uint256 since) private view returns (Settlement memory settlement) {
        ChainRecord storage record = _registered(chainId);
        TermsEntry[] storage entries = _terms[chainId];
        uint256 i = entries.length - 1;
        uint64 nextChangeAt = type(uint64).max;
        // Newest first: typically the last entry is already in force at `since`.
        while (i != 0 && entries[i].effectiveAt > since) {
            nextChangeAt = entries[i].effectiveAt;
            --i;
        }
        TermsEntry storage terms = entries[i];
        // A chain that has left keeps its revenue: no keeper reward out of it either.
        KeeperReward memory reward = terms.exit ? KeeperReward(0, 0) : _keeperReward;
        settlement = Settlement({
            treasury: record.treasury,
            active: record.active,
            grossBps: terms.grossBps,
            netBps: terms.netBps,
            nextChangeAt: nextChangeAt,
            keeperRewardBps: reward.bps,
            keeperRewardCap: reward.cap,
            exited: terms.exit
        });
    }

    /// @inheritdoc IChainRegistry
    function termsAt(uint256 chainId, uint256 timestamp) external view returns (TermsEntry memory) {
        _registered(chainId);
        return _termsAt(chainId, timestamp);
    }

    /// @inheritdoc IChainRegistry
    function termsHistory(uint256 chainId) external view returns (TermsEntry[] memory) {
        _registered(chainId);
        return _terms[chainId];
    }

    /// @inheritdoc IChainRegistry
    function exitTime(uint256 chainId) external view returns (uint256) {
        _registered(chainId);
        TermsEntry storage last = _lastTerms(chainId);
        return last.exit ? last.effectiveAt : 0;
    }

    /// @notice Whether the chain's announced exit was announced by its treasury (then only the
    ///         treasury may cancel it).
    /// @param chainId Any chain id.
    function exitByTreasury(uint256 chainId) external view returns (bool) {
        return _exitByTreasury[chainId];
    }

    /// @notice Whether the chain's treasury may announce the chain's exit itself.
    /// @param chainId Any chain id.
    function treasuryMayExit(uint256 chainId) external view returns (bool) {
        return _treasuryMayExit[chainId];
    }

    /// @notice The keeper reward: `bps` of a disbursement, at most `cap`.
    function keeperReward() external view returns (uint16 bps, uint128 cap) {
        KeeperReward memory reward = _keeperReward;
        return (reward.bps, reward.cap);
    }

    /// @inheritdoc IChainRegistry
    function isRegistered(uint256 chainId) external view returns (bool) {
        return _chains[chainId].registered;
    }

    /// @notice Number of registered chains.
    function chainCount() external view returns (uint256) {
        return _chainIds.length;
    }

    /// @notice The `index`-th registered chain id, in registration order.
    /// @param index Below `chainCount()`.
    function chainIdAt(uint256 index) external view returns (uint256) {
        return _chainIds[index];
    }

    // ------------------------------------------------------------------ internals

    /// @dev Appends an entry to the chain's terms history, effective at `effectiveAt` (0: the
    ///      earliest allowed time), after checking the notice and the order; returns that time.
    function _schedule(
        uint256 chainId,
        uint256 effectiveAt,
        uint16 grossBps,
        uint16 netBps,
        bytes32 termsHash,
        bool exit
    ) private returns (uint256) {
        TermsEntry storage last = _lastTerms(chainId);
        if (last.exit) revert ChainExiting(chainId, last.effectiveAt);
        uint256 earliest = block.timestamp + noticePeriod;
        if (earliest <= last.effectiveAt) earliest = uint256(last.effectiveAt) + 1;
        uint256 latest = block.timestamp + MAX_SCHEDULE_AHEAD;
        if (effectiveAt == 0) effectiveAt = earliest;
        if (effectiveAt < earliest || effectiveAt > latest) revert InvalidEffectiveTime(effectiveAt, earliest, latest);
        _terms[chainId].push(
            TermsEntry({
                grossBps: grossBps,
                netBps: netBps,
                effectiveAt: uint64(effectiveAt),
                exit: exit,
                termsHash: termsHash
            })
        );
        ++termsVersion;
        return effectiveAt;
    }

    /// @dev Removes the chain's last entry if it is of the kind asked for and not yet in force.
    function _cancelLast(uint256 chainId, bool exit) private returns (uint256 effectiveAt) {
        _registered(chainId);
        TermsEntry storage last = _lastTerms(chainId);
        effectiveAt = last.effectiveAt;
        if (last.exit != exit || effectiveAt <= block.timestamp) revert NothingScheduled(chainId);
        _terms[chainId].pop();
        ++termsVersion;
    }

    function _lastTerms(uint256 chainId) private view returns (TermsEntry storage) {
        TermsEntry[] storage entries = _terms[chainId];
        return entries[entries.length - 1];
    }

    /// @dev The entry in force at `timestamp` (the first one for any time before it).
    function _termsAt(uint256 chainId, uint256 timestamp) private view returns (TermsEntry storage) {
        TermsEntry[] storage entries = _terms[chainId];
        uint256 i = entries.length - 1;
        while (i != 0 && entries[i].effectiveAt > timestamp) --i;
        return entries[i];
    }

    function _registered(uint256 chainId) private view returns (ChainRecord storage chain) {
        chain = _chains[chainId];
        if (!chain.registered) revert UnknownChain(chainId);
    }

    function _onlyGuardianOrOwner() private view {
        if (msg.sender != guardian && msg.sender != owner()) revert NotGuardian(msg.sender);
    }

    function _checkBps(uint16 bps) private pure {
        if (bps > MAX_BPS) revert InvalidBps(bps);
    }

    function _setCollective(address newCollective) private {
        if (newCollective == address(0)) revert ZeroAddress();
        address previous = collective;
        collective = newCollective;
        _wasCollective[newCollective] = true;
        emit CollectiveUpdated(previous, newCollective);
    }
}
